/* json.h: the few JSON bits searchd writes itself (errors, health, the plain-text route's
 * JSON comes from gw_search). sd_json_str writes a quoted JSON string: escapes quotes,
 * backslashes and control characters, writes '<', '>' and '&' as \u escapes (so JSON
 * embedded anywhere cannot open a tag), and turns invalid UTF-8 into U+FFFD, so the
 * output is always valid JSON. Thread-safe. */
#ifndef SD_JSON_H
#define SD_JSON_H

#include "gw_buf.h"

#include <stddef.h>

void sd_json_str(gw_buf *out, const char *s, size_t len);
/* The error body {"error":{"status":N,"message":"..."}} (Elasticsearch's shape). */
void sd_json_error(gw_buf *out, int status, const char *message);

#endif
