/* gw_qparse.h: the query language's grammar (docs/query-syntax.md) -> the parsed tree
 * (gw_qtree.h). Internal to the query: gw_query_parse (gw_query.h) is the entry point.
 *
 * Grammar, loosest first: OR (or |) between AND groups; space = AND; -x negates; (…)
 * groups; a term is a quoted phrase, a field (title: source: docno: followed by a word or
 * a quoted phrase), a filter (date:A..B, date:D, year:Y, year:A..B) or unquoted text. Any
 * malformed piece (unbalanced quote or parenthesis, dangling OR, unknown field, bad date,
 * nesting deeper than GW_QUERY_MAX_DEPTH) degrades to plain text and adds a note to the
 * query; nothing is an error.
 *
 * Unquoted text is split at separators and its Han runs cut into dictionary words
 * (gw_segment); each word becomes a TEXT node, the words of one run an AND `chunk`.
 * Every text is normalized (gw_norm) before its terms are made (gw_qterms).
 *
 * Reentrant: all state is in the query being parsed. */
#ifndef GW_QPARSE_H
#define GW_QPARSE_H

#include "gw_qtree.h"

#include <stddef.h>

/* Parses s[0..len) (valid UTF-8 without NULs, pinyin annotations removed) into a new
 * tree; fills q->notes, q->fired and q->segmented on the way. NULL when nothing
 * searchable or filterable remains. The caller frees the tree with gw_qparse_free
 * (gw_query_free does). */
gw_qnode *gw_qparse_tree(gw_query *q, const char *s, size_t len);

/* Frees a tree (or subtree); NULL does nothing. */
void gw_qparse_free(gw_qnode *n);

#endif
