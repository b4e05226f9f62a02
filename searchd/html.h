/* html.h: the ONE function that puts text into HTML.
 *
 * Every string that comes from a document, a query or a request goes through
 * sd_html_escape before it reaches a page: & < > " ' become entities (so the result is
 * safe in element content and in quoted attribute values alike), NUL and other C0
 * controls except tab and newline are dropped, and invalid UTF-8 becomes U+FFFD so the
 * page is always valid UTF-8. Thread-safe (no state). */
#ifndef SD_HTML_H
#define SD_HTML_H

#include "gw_buf.h"

#include <stddef.h>

/* Appends the escaped form of s[0..len) to out. */
void sd_html_escape(gw_buf *out, const char *s, size_t len);
/* The same for a NUL-terminated string (NULL appends nothing). */
void sd_html_puts(gw_buf *out, const char *s);

/* Appends s[0..len) percent-encoded for a URL query value (RFC 3986 unreserved kept). The
 * result contains only ASCII letters, digits, "-._~" and "%XX": safe in attributes too. */
void sd_url_encode(gw_buf *out, const char *s, size_t len);

#endif
