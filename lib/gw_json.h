/* gw_json.h: the one JSON writer of the project, over jansson.
 *
 * Everything Gongwen writes as JSON (search results, documents, explanations, --inspect,
 * searchd's errors and health) is built as jansson values and written by gw_json_dump; no
 * module escapes JSON strings by hand. (The stored document data, gw_stored.h, is jansson
 * too, dumped without the escaping below so that its bytes stay those of every build.)
 *  1. Strings enter through gw_json_str/gw_json_strn: never NULL, invalid UTF-8 becomes
 *     U+FFFD (jansson refuses invalid UTF-8 and would return NULL).
 *  2. gw_json_dump writes compact JSON and escapes '<', '>' and '&' as \u003c, \u003e,
 *     \u0026, so the text is safe wherever it is embedded (an HTML page, a <script>).
 *     Those three bytes occur in JSON text only inside strings, so the escaping is a pass
 *     over the dumped text (one strpbrk when none is there).
 * Thread-safe (no state). */
#ifndef GW_JSON_H
#define GW_JSON_H

#include "gw_buf.h"

#include <jansson.h>
#include <stddef.h>

/* A new JSON string of s[0..n) (NULL s: ""). Never NULL. */
json_t *gw_json_strn(const char *s, size_t n);
/* The same for a NUL-terminated string (NULL: ""). */
json_t *gw_json_str(const char *s);

enum { GW_JSON_COMPACT = 0, GW_JSON_PRETTY = 1 /* indented by 2, for people */ };

/* v as JSON text (reals with 6 significant digits), malloc'ed, caller frees; never NULL
 * ("null" if v is NULL). style: GW_JSON_COMPACT or GW_JSON_PRETTY. Does not take v's
 * reference. */
char *gw_json_dump(const json_t *v, int style);
/* The same, appended to out. */
void gw_json_append(gw_buf *out, const json_t *v, int style);

/* The valid UTF-8 form of s[0..*n): s itself when it is valid, else a copy in scratch
 * with each invalid byte replaced by U+FFFD; *n is updated. */
const char *gw_utf8_sanitize(const char *s, size_t *n, gw_buf *scratch);

#endif
