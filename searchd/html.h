/* html.h: values into the page's URLs.
 *
 * Text into HTML is lib's gw_escape_html (gw_escape.h), the one escaper, which lib's
 * snippets use too. What is left here is the page's own business: percent-encoding the
 * values of the links it writes (sd_params_link, document links). Thread-safe (no state). */
#ifndef SD_HTML_H
#define SD_HTML_H

#include "gw_buf.h"

#include <stddef.h>

/* Appends s[0..len) percent-encoded for a URL query value (RFC 3986 unreserved kept). The
 * result contains only ASCII letters, digits, "-._~" and "%XX": safe in attributes too. */
void sd_url_encode(gw_buf *out, const char *s, size_t len);

#endif
