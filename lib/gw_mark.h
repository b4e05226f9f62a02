/* gw_mark.h: highlight marks, and the ONE renderer that draws them.
 *
 * A mark is a [start, end) range of CHARACTERS of a plain text (code points; an invalid
 * UTF-8 byte counts as one, as gw_utf8_next reads it): the form in which gw_snippet and
 * gw_search give highlights and the JSON API sends them. Every output that shows them
 * draws them here:
 *  - gw_mark_html: HTML. The text goes through gw_escape_html (& < > " ' as entities, C0
 *    controls dropped, invalid UTF-8 as U+FFFD) and each mark becomes <mark>...</mark>.
 *    With GW_MARK_LINES each non-empty line becomes "<p>...</p>\n" and the line breaks
 *    themselves are not written (the whole-document view); a mark crossing a line break
 *    is closed at the end of the line and reopened on the next.
 *  - gw_mark_text: the text byte for byte, each mark between two strings of the caller's
 *    (【 and 】 on searchd's plain-text route and in gongwen-search's terminal output).
 * Marks are expected sorted and apart, as gw_snippet makes them; each is drawn as its own
 * element, so two adjacent marks stay two (<mark>a</mark><mark>b</mark>). Hostile marks
 * are clipped, never trusted: empty ones and the part past the text's end draw nothing,
 * a mark overlapping the one before is drawn from where that one ends, a mark ending
 * before the one before it ends is skipped.
 * text may be NULL when len is 0. Thread-safe (no state); the output is appended to out. */
#ifndef GW_MARK_H
#define GW_MARK_H

#include "gw_buf.h"

#include <stddef.h>

typedef struct gw_mark {
    unsigned start, end; /* [start, end) in characters of the plain text */
} gw_mark;

enum { GW_MARK_INLINE = 0, GW_MARK_LINES = 1 /* one <p> per non-empty line */ };

#define GW_MARK_TEXT_OPEN "\xE3\x80\x90"  /* 【 */
#define GW_MARK_TEXT_CLOSE "\xE3\x80\x91" /* 】 */

/* Appends text[0..len) as HTML with the n marks drawn as <mark> elements; flags is
 * GW_MARK_INLINE or GW_MARK_LINES. */
void gw_mark_html(gw_buf *out, const char *text, size_t len, const gw_mark *marks, size_t n,
                  int flags);

/* Appends text[0..len) unchanged with each of the n marks between open and close. */
void gw_mark_text(gw_buf *out, const char *text, size_t len, const gw_mark *marks, size_t n,
                  const char *open, const char *close);

#endif
