/* gw_snippet.h: highlighted extracts of a document's ORIGINAL text (DESIGN.md §5).
 *
 * 1. Matches are found on the normalized text (gw_norm_run over the stored original text)
 *    with gw_query_find, so a query 发展 finds 發展 and, in the cleaned text, what was
 *    發(fā)展; each match is mapped back to the original bytes through the normalized
 *    characters' spans, and the extract is cut from the original text.
 * 2. Everything is counted in CHARACTERS (code points), never bytes; no UTF-8 sequence is
 *    ever cut. Marks are [start, end) character offsets into the plain-text form.
 * 3. Windows are chosen by the density of matches, extended to sentence punctuation
 *    (。！？；), at most GW_SNIPPET_MAX_FRAGMENTS fragments joined with "…", the total
 *    text within the budget (ellipses not counted). Adjacent or overlapping matches become
 *    one mark. Line breaks and tabs appear as spaces (one character each, so offsets hold).
 * 4. The HTML form is the plain text and its marks drawn by gw_mark_html (gw_mark.h): the
 *    text escaped by gw_escape_html, each mark in <mark>…</mark>.
 * Thread-safe (no state); results are malloc'ed, freed with gw_snippet_free. */
#ifndef GW_SNIPPET_H
#define GW_SNIPPET_H

#include "gw_mark.h"
#include "gw_norm.h"

#include <stddef.h>
#include <stdint.h>

#define GW_SNIPPET_DEFAULT_CHARS 120
#define GW_SNIPPET_MAX_FRAGMENTS 3

typedef struct gw_snippet {
    char *html;     /* text with marks drawn (gw_mark_html); never NULL after a make/whole */
    char *text;     /* plain text */
    gw_mark *marks; /* matches in text, sorted and apart */
    size_t n_marks;
} gw_snippet;

/* Finds every occurrence of the patterns (normalized code points, as gw_query_patterns
 * gives them) in nt (the normalization of the original text) and returns their original
 * byte spans, sorted and merged (overlapping or touching spans become one), as a
 * malloc'ed array (caller frees; NULL when n == 0). At most max_matches (0 = no limit)
 * spans are collected. */
size_t gw_snippet_find(const gw_norm_text *nt, const uint32_t *const *pats, const size_t *lens,
                       size_t npats, size_t max_matches, gw_span **out);

/* Builds the extract of text[0..len) (valid UTF-8) around the spans (sorted, merged, from
 * gw_snippet_find; may be 0 of them: then the beginning of the text). max_chars 0 =
 * GW_SNIPPET_DEFAULT_CHARS. */
void gw_snippet_make(const char *text, size_t len, const gw_span *spans, size_t nspans,
                     unsigned max_chars, gw_snippet *out);

/* The whole text with every span marked: text keeps the line breaks; HTML with one <p>
 * per non-empty line (GW_MARK_LINES), a mark crossing a line split in two marks. */
void gw_snippet_whole(const char *text, size_t len, const gw_span *spans, size_t nspans,
                      gw_snippet *out);

void gw_snippet_free(gw_snippet *s);

#endif
