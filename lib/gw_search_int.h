/* gw_search_int.h: the stages of one search, inside the search core (not for programs).
 *
 * gw_searcher_search runs, for one attempt (gw_search.h, convention 2):
 *   plan    the request -> the Xapian queries and options          (gw_search_plan.c)
 *   match   the Xapian run(s) -> the matches, totals, facets        (gw_search_plan.c)
 *   verify  when the query needs it: candidates checked against
 *           their stored text                                       (gw_search_verify.c)
 *   collapse/facets of the verified candidates, chosen page         (gw_search_verify.c)
 *   page    the page's hits: stored fields and snippets             (gw_search.c)
 * Each stage takes the previous one's struct and fills its own; what a stage produces
 * owns its memory until the matching _free, so a stage could run elsewhere (a remote
 * shard sends its matches) without untangling them. Errors: a gw_code, err filled. */
#ifndef GW_SEARCH_INT_H
#define GW_SEARCH_INT_H

#include "gw_buf.h"
#include "gw_norm.h"
#include "gw_query.h"
#include "gw_search.h"
#include "gw_stored.h"
#include "gw_xapian.h"

/* Exact facet counts and totals up to this many matches (issue: at least 10,000). */
#define GW_SEARCH_FACET_EXACT 10000
/* Facet values reported (most frequent first): a sidebar shows a few dozen at most. */
#define GW_SEARCH_FACET_VALUES 100
/* Queries that need checking against the text look at this many candidates at most. */
#define GW_SEARCH_VERIFY_CAP 100000

/* ---- plan -------------------------------------------------------------------------------- */

/* What the request asks of the index. Borrows rq and gq (NULL: filters only). */
typedef struct gw_search_plan {
    const gw_search_req *rq;
    const gw_query *gq;
    gw_xquery *xq;      /* ranked query with the request's filters (owned) */
    gw_xquery *bq;      /* the same documents without weights, for the facet pass (owned) */
    gw_search_opts o;   /* the page pass's sort */
    int collapse;       /* near-duplicates collapsed into one hit */
    int verify;         /* candidates must be checked against their text */
    double deadline;    /* monotonic seconds (gw_search_now), 0 = no time limit */
} gw_search_plan;

/* Monotonic clock, seconds. */
double gw_search_now(void);
/* Seconds left before p's deadline (at least a millisecond), 0 when p has none. */
double gw_search_time_left(const gw_search_plan *p);
/* 1 when p has a deadline and it has passed. */
int gw_search_past_deadline(const gw_search_plan *p);

/* GW_EINVAL for a bad from/to date; errors reading the similar_to document. p is
 * usable (and must be freed) only on GW_OK. */
int gw_search_plan_make(gw_db *db, const gw_search_req *rq, const gw_query *gq,
                        gw_search_plan *p, gw_err *err);
void gw_search_plan_free(gw_search_plan *p);

/* ---- match ------------------------------------------------------------------------------- */

/* One hit of the page: where it is in the page pass's matches, and its near-duplicates. */
typedef struct gw_page_item {
    size_t idx;         /* in gw_search_match.m */
    unsigned similar;
} gw_page_item;

/* What the Xapian runs give (owned). */
typedef struct gw_search_match {
    gw_mset *m;         /* the page (verify: every candidate, up to a cap) */
    gw_mset *fm;        /* the facet pass (collapsing with facets), else NULL */
    int exact_similar;  /* fm saw every match: "similar" is fm's count for the hit's key */
} gw_search_match;

/* Runs p's queries. Without verification also fills r's total, total_is_exact and facets
 * and the page (*items, *n_items: every document of m, caller frees). With verification
 * only m, the candidates (the verify stage does the rest). */
int gw_search_match_run(gw_db *db, const gw_search_plan *p, gw_search_match *mt,
                        gw_results *r, gw_page_item **items, size_t *n_items, gw_err *err);
void gw_search_match_free(gw_search_match *mt);

/* r's facet list `which` (0 source, 1 year) from v[0..n) (taken over): sorted, source by
 * count, year newest first, at most `max` values kept. */
void gw_search_set_facets(gw_results *r, int which, gw_facet *v, size_t n, size_t max);

/* Source facet entries v[0..*n) whose values are GW_SLOT_SOURCE's (key, GW_SOURCE_SEP,
 * the source as written; gw_index.h) merged per key, each labelled with its most
 * frequent form (ties: the smallest), unsorted; *n updated. The rule of gw_db_search's
 * facet_group_byte, for the counts made by hand. */
void gw_search_source_facets(gw_facet *v, size_t *n);

/* ---- a document read once ------------------------------------------------------------------ */

/* One document's stored fields and text, normalized when a stage needed it; reused across
 * documents (every buffer keeps its memory). */
typedef struct gw_search_doc {
    size_t idx;          /* in the match's mset; (size_t)-1 when empty */
    int data_ok;         /* the data read (else the fields read "") */
    gw_stored_view sv;
    gw_buf text;         /* the stored text */
    int text_ok;
    gw_norm_text body;   /* text normalized (gw_norm_run(text, len, 0, ...)) */
    int body_ready;
    /* the metadata and chrome parts (gw_stored_parts), read and normalized by the verify
     * stage or, for a snippet, when the body holds no match */
    gw_buf part[2];
    gw_norm_text part_norm[2];
    int parts_ready;
} gw_search_doc;

/* Reads doc's data into d and, when with_text, its text. d->idx = idx. */
void gw_search_doc_read(gw_search_doc *d, const gw_xdoc *doc, size_t idx, int with_text);
/* Reads and normalizes doc's metadata and chrome into d (once: parts_ready); an
 * unreadable part reads as empty. */
void gw_search_doc_parts(gw_search_doc *d, const gw_xdoc *doc);
void gw_search_doc_free(gw_search_doc *d);

/* ---- verify, collapse, facets -------------------------------------------------------------- */

/* The documents of the page that verification already read and normalized (at most the
 * page's size), for the page stage: each is read once. Owned. */
typedef struct gw_search_cache {
    gw_search_doc *docs;
    size_t n, cap;
} gw_search_cache;

/* Checks mt->m's candidates against their text (all up to a limit, then enough for the
 * page), collapses them, counts the facets of what is left and chooses the page: fills
 * r's total, total_is_exact and facets, *items (caller frees) and cache. */
int gw_search_verify_run(const gw_search_plan *p, const gw_search_match *mt, gw_results *r,
                         gw_page_item **items, size_t *n_items, gw_search_cache *cache,
                         gw_err *err);
/* The cached document at mset index idx, or NULL. */
gw_search_doc *gw_search_cache_find(gw_search_cache *c, size_t idx);
void gw_search_cache_free(gw_search_cache *c);

#endif
