/* gw_query.h: the query language (docs/query-syntax.md) -> a parsed query -> a Xapian query,
 * plus the exact matcher that defines what a phrase means. Including this header gives the
 * whole query API; each part has its own header, its manual:
 *   gw_query.h    parsing and the query object (below);
 *   gw_qbuild.h   the Xapian queries: gw_query_build, _bool, _ranked, _inset, _part_query,
 *                 gw_query_is_positional;
 *   gw_qmatch.h   the exact matcher: gw_query_find, gw_query_verify, gw_query_needs_verify,
 *                 gw_query_patterns;
 *   gw_qexplain.h the explanation: gw_query_explain, _json, _object.
 * Behind them: gw_qparse (the grammar), gw_qterms (a phrase's index terms), gw_segment
 * (friso's dictionary words), gw_qtree.h (the parsed tree they share).
 *
 * Syntax: "…" exact phrase (also “…” and ＂…＂; a phrase ends at the quote that matches
 * its opening one, so "新”为" is one phrase containing ”); unquoted text: separators and spaces
 * split it, Han runs are cut into dictionary words by friso (on the NORMALIZED text), each
 * word required as an exact phrase, nearness rewarded; space = AND; OR (or |); -word;
 * parentheses; title:… source:… docno:… (a word or a quoted phrase); date:A..B with A, B
 * as YYYY, YYYY-MM or YYYY-MM-DD, either end may be left open; date:D (one day, month or
 * year); year:2023 or year:2020..2023. Pinyin annotations (發(fā)展) are removed as in
 * documents. Malformed syntax (unbalanced quote or parenthesis, dangling OR, unknown or bad
 * field) degrades to plain text and is noted in the explanation.
 *
 * Exactness: every phrase's terms come from gw_norm_run + gw_token_run, exactly as for
 * documents: positional tokens (bigrams, edge unigrams, words), one per position, as
 * OP_PHRASE. A phrase containing a separator (punctuation, space) or a lone Han character
 * between separators cannot be expressed exactly by positions (the index keeps only a
 * gap): such a query is marked `verify` and the caller must check each candidate with
 * gw_query_verify on the stored text (gw_search does).
 *
 * Typical usage (gw_search does this):
 *     gw_query *q = gw_query_parse(text, len, 0, &err);      // NULL: err says why
 *     gw_xquery *x = gw_query_build(q);
 *     ... search with x; if gw_query_needs_verify(q), keep the hits gw_query_verify accepts
 *     gw_xquery_free(x);
 *     gw_query_free(q);
 *
 * Thread-safety: gw_query_parse is reentrant (friso's dictionary is loaded once per
 * process, on first use, behind pthread_once); a gw_query is read-only after parsing and
 * may be shared. */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include "gw_err.h"
#include "gw_norm.h"
#include "gw_segment.h"
#include "gw_xapian.h"

#include <stddef.h>
#include <stdint.h>

#define GW_QUERY_MAX_BYTES_DEFAULT 1000
/* Nesting deeper than this is flattened into text (hostile input: the parser recurses). */
#define GW_QUERY_MAX_DEPTH 32

typedef struct gw_query gw_query;

enum gw_qfield { GW_QF_BODY = 0, GW_QF_TITLE, GW_QF_SOURCE, GW_QF_DOCNO };

/* Loads the dictionary that cuts the query's Han runs into words from dict_dir (NULL or
 * "": GW_SEGMENT_DICT_DEFAULT, gw_segment.h) now (~0.2 s) instead of at the first query that needs it:
 * gw_segment_init. The dictionary is loaded once per process: a folder named after the
 * first load (or after the first query, which loads the default) is ignored. Thread-safe;
 * returns 1 if the dictionary is available, 0 if not (queries then keep each Han run as
 * one word: stricter, still exact). */
int gw_query_init(const char *dict_dir);

/* Parses q[0..len) (need not be NUL-terminated; invalid UTF-8 becomes U+FFFD). max_bytes 0
 * = GW_QUERY_MAX_BYTES_DEFAULT. GW_EINVAL "empty query" when nothing searchable or
 * filterable remains, "query too long (N bytes, limit M)" over max_bytes. Needs
 * gw_norm_init (called here). Caller frees with gw_query_free. */
gw_query *gw_query_parse(const char *q, size_t len, size_t max_bytes, gw_err *err);
/* gw_query_free(NULL) does nothing. */
void gw_query_free(gw_query *q);

/* The normalized query text (as parsed, with operators), borrowed. */
const char *gw_query_normalized(const gw_query *q);

/* Removes pinyin annotations (a Han character, then "(" or "（", 1-7 Latin letters with at
 * least one tone mark, then ")" or "）") from s[0..len) into a malloc'ed NUL-terminated
 * string (caller frees); *count receives the number removed. It is gw_clean_pinyin, the
 * documents' own rule. */
char *gw_query_strip_pinyin(const char *s, size_t len, size_t *out_len, size_t *count);

#include "gw_qbuild.h"
#include "gw_qexplain.h"
#include "gw_qmatch.h"

#endif
