/* json.h: searchd's own JSON answers, its errors (the results and documents are lib's
 * gw_results_to_json / gw_docview_to_json).
 *
 * Built as jansson values and written by gw_json_append (gw_json.h), the one JSON writer:
 * strings enter through gw_json_str (invalid UTF-8 becomes U+FFFD), '<', '>' and '&' are
 * written as \u003c, \u003e, \u0026, so the output is valid JSON that no page can
 * mistake for markup. Thread-safe (no state). */
#ifndef SD_JSON_H
#define SD_JSON_H

#include "gw_buf.h"

#include <jansson.h>

/* A new error object {"status":N,"message":"..."}; the caller owns the reference
 * (json_decref, or hand it to json_object_set_new). */
json_t *sd_json_error_new(int status, const char *message);
/* Appends the error body {"error":{"status":N,"message":"..."}} and a line break
 * (Elasticsearch's shape). */
void sd_json_error(gw_buf *out, int status, const char *message);

#endif
