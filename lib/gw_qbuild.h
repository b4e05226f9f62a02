/* gw_qbuild.h: a parsed query (gw_query.h) -> Xapian queries (gw_xapian.h).
 *
 * Each TEXT of the query becomes the phrase of its index terms (gw_qterms.h) in its
 * field's prefix: a SUPERSET of its exact matches when gw_query_needs_verify says so
 * (the caller then checks each candidate with gw_query_verify), exactly its matches
 * otherwise. Under a NOT the builder takes a SUBSET instead (a part that needs checking
 * excludes nothing), so that excluding it never drops a true match. Filters (date:,
 * year:) filter without weight.
 *
 * Four forms of one query, one for each pass of a search (lib/gw_search.c):
 *   gw_query_build         matches and weights, with the ranking boosts;
 *   gw_query_build_ranked  the same, matched more cheaply with the database's help;
 *   gw_query_build_bool    the same documents, no weights: for counting facets;
 *   gw_query_build_inset   the same weights, for documents already known to match.
 * Every result is new: the caller frees it with gw_xquery_free. None is NULL (a query
 * of filters alone is "all documents" filtered). The query is only read: one gw_query
 * may be built from several threads at once; db is used for term frequencies only. */
#ifndef GW_QBUILD_H
#define GW_QBUILD_H

#include "gw_xapian.h"

#include <stddef.h>

typedef struct gw_query gw_query;

/* The Xapian query (a superset of the exact matches when gw_query_needs_verify), with the
 * ranking boosts (title, nearness of the words of one unquoted run). */
gw_xquery *gw_query_build(const gw_query *q);

/* The same set of documents as gw_query_build, without any weight or ranking boost, in
 * the form that is cheapest to match (a phrase of 4-12 Han characters checks only the
 * bigrams that cover its characters, the rarest one among them, when that provably
 * changes nothing): for counting facets over every match. db (may be NULL: no frequencies)
 * gives the term frequencies that choose the bigrams; the query is for that database. */
gw_xquery *gw_query_build_bool(const gw_query *q, gw_db *db);

/* gw_query_build's matches and weights, cheaper to match: a phrase that has a cover (see
 * gw_query_build_bool) is matched by the cover and weighed by all its terms. db (may be
 * NULL: then exactly gw_query_build) gives the term frequencies. */
gw_xquery *gw_query_build_ranked(const gw_query *q, gw_db *db);

/* The weights of gw_query_build without its matching work, for ranking documents already
 * known to match (the matches of gw_query_build_bool, given to the search as
 * accept_ids): phrases under ANDs become ANDs of their terms (Xapian weighs a phrase as
 * the sum of its terms, so the weights are the same), filters and NOTs are left out;
 * phrases under OR and the title and nearness boosts stay. Alone it matches a superset
 * of the matches. */
gw_xquery *gw_query_build_inset(const gw_query *q);

/* 1 when gw_query_build's query reads positions (a phrase of several terms, the nearness
 * boosts of an unquoted run): then ranking inside the known matches saves work. */
int gw_query_is_positional(const gw_query *q);

/* The query of positive part i (0 <= i < gw_query_patterns' count, same order) alone,
 * without boosts: for explanations ("this word alone matches N documents"). A part that
 * needs checking against the text gives its superset; i out of range gives the
 * match-nothing query. */
gw_xquery *gw_query_part_query(const gw_query *q, size_t i);

#endif
