/* gw_qmatch.h: the exact matcher, the definition of what a query matches.
 *
 * gw_query_find is the definition of a match: the normalized phrase as a substring of the
 * normalized text, and where the phrase begins or ends with a letter/digit
 * (gw_norm_is_word) that edge must also be the edge of the letter/digit run in the text
 * ("32个" does not match "共132个"). gw_query_verify evaluates a whole query that way on
 * one document. The Xapian query (gw_qbuild.h) finds the same documents by positions
 * wherever positions can say it; where they cannot, gw_query_needs_verify is 1 and the
 * search checks each candidate here (gw_search does).
 *
 * Nothing is allocated; the query is only read (thread-safe on a shared query). */
#ifndef GW_QMATCH_H
#define GW_QMATCH_H

#include "gw_norm.h"

#include <stddef.h>
#include <stdint.h>

typedef struct gw_query gw_query;

/* 1 when candidates must be checked with gw_query_verify. */
int gw_query_needs_verify(const gw_query *q);

/* The fields of one document as normalized text, for gw_query_verify. */
typedef struct gw_query_doc {
    const gw_norm_text *body, *title, *source, *docno; /* NULL = empty */
    const char *date;       /* "YYYYMMDD" or "" */
    const gw_norm_text *meta, *chrome; /* the metadata and chrome lines; NULL = empty */
} gw_query_doc;

/* Evaluates the whole query exactly on one document: 1 matches, 0 not. A phrase in the
 * text (body) field also matches in the title, the metadata or the chrome (each on its
 * own: a phrase never runs from one into another). */
int gw_query_verify(const gw_query *q, const gw_query_doc *d);

/* The positive phrases of the query (for highlighting): n patterns of normalized code
 * points (borrowed, valid while q lives). field says where each applies (enum
 * gw_qfield). Any of pats, lens, fields may be NULL. */
size_t gw_query_patterns(const gw_query *q, const uint32_t *const **pats, const size_t **lens,
                         const int **fields);

/* First match of pat[0..m) in text[0..n) at or after `from`, with the letter/digit edge
 * rule above; returns its start, or (size_t)-1. m == 0 never matches. */
size_t gw_query_find(const uint32_t *pat, size_t m, const uint32_t *text, size_t n,
                     size_t from);

/* For gw_query_parse: lists the positive phrases of the parsed tree (gw_query_patterns)
 * and sets the query's verify flag. */
void gw_qmatch_collect(gw_query *q);

#endif
