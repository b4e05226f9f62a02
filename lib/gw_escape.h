/* gw_escape.h: the ONE function that puts text into HTML.
 *
 * Every string that comes from a document, a query or a request goes through
 * gw_escape_html before it reaches a page or an HTML fragment (searchd's pages, the
 * snippet and document HTML that gw_snippet gives, through gw_mark_html):
 *  1. & < > " ' become entities, so the result is safe in element content and in quoted
 *     attribute values alike;
 *  2. NUL and the other C0 controls except tab, line feed and carriage return, and DEL,
 *     are dropped (they have no place in HTML text);
 *  3. each invalid UTF-8 byte becomes U+FFFD (one per byte, as gw_utf8_next counts
 *     them), so the output is always valid UTF-8.
 * Runs of ordinary text are copied in one piece. Thread-safe (no state); out is appended
 * to and never left half-written (gw_buf aborts on out-of-memory). */
#ifndef GW_ESCAPE_H
#define GW_ESCAPE_H

#include "gw_buf.h"

#include <stddef.h>

/* Appends the escaped form of s[0..len) to out. */
void gw_escape_html(gw_buf *out, const char *s, size_t len);
/* The same for a NUL-terminated string (NULL appends nothing). */
void gw_escape_html_str(gw_buf *out, const char *s);

#endif
