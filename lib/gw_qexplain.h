/* gw_qexplain.h: how a query was understood, for people (--explain) and for the API
 * (explain=1).
 *
 * The explanation shows the input, the normalized query, the normalizations that fired
 * (T2S, width, case, pinyin), whether the dictionary cut any run, the parsed tree with
 * each word's or phrase's index terms, the filters, every degradation of malformed
 * syntax (notes), and, given the built query, Xapian's own description of it.
 *
 * The JSON object (keys in this order): input, normalized, normalizations [names],
 * pinyin_removed, segmented, verify, tree, notes [strings], highlight [the positive
 * phrases], xapian (only with xq). A tree node has "op": and / or / not / words (the
 * words of one unquoted run, with "text") / word / phrase (with field, text, terms,
 * unigrams, window, verify) / date (from, to: YYYYMMDD or "") / year (year); "args"
 * holds the children.
 *
 * Every result is new and the caller's; the query is only read. */
#ifndef GW_QEXPLAIN_H
#define GW_QEXPLAIN_H

#include "gw_xapian.h"

typedef struct gw_query gw_query;
struct json_t;

/* Human-readable lines; caller frees. xq (may be NULL) adds Xapian's description. */
char *gw_query_explain(const gw_query *q, const gw_xquery *xq);

/* The JSON object as compact text (gw_json_dump); caller frees. */
char *gw_query_explain_json(const gw_query *q, const gw_xquery *xq);

/* The same as a new jansson object (caller json_decref()s), for embedding. */
struct json_t *gw_query_explain_object(const gw_query *q, const gw_xquery *xq);

#endif
