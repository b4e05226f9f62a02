/* gw_search_plan.c: the first stages of a search (gw_search_int.h) — the request as
 * Xapian queries and options (plan), and the Xapian runs (match) with the totals and
 * facets they give when no candidate needs checking against its text. */
#include "gw_search_int.h"

#include "gw_date.h"
#include "gw_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- plan ---------------------------------------------------------------------------------- */

/* The similar_to filter: documents sharing the near-duplicate key of document `id`, or,
 * when it has none, that document alone. NULL and err on a failed read. */
static gw_xquery *similar_filter(gw_db *db, unsigned id, gw_err *err)
{
    gw_xdoc *d = gw_db_get_doc(db, id, err);
    if (!d) return NULL;
    size_t kl;
    const char *key = gw_xdoc_value(d, GW_SLOT_DUPKEY, &kl);
    gw_xquery *f;
    if (kl) {
        char *k = gw_xstrndup(key, kl);
        f = gw_xquery_value_range(GW_SLOT_DUPKEY, k, k);
        free(k);
    } else {
        /* no key: the document is only similar to itself */
        size_t dl;
        const char *data = gw_xdoc_data(d, &dl);
        gw_stored_view v = {0};
        char uid[256];
        size_t ul = 0;
        if (gw_stored_read(&v, data, dl, NULL) == GW_OK) ul = gw_index_uid_term(v.path, uid, sizeof uid);
        gw_stored_view_free(&v);
        f = ul ? gw_xquery_term(uid, ul, 0) : gw_xquery_none();
    }
    gw_xdoc_free(d);
    return f;
}

/* The request's filters into f[] (room for 4); their count, or -1 and err. */
static int request_filters(gw_db *db, const gw_search_req *rq, gw_xquery **f, gw_err *err)
{
    int nf = 0;
    if (rq->source && *rq->source) {
        /* the whole source, folded as the index folded it: any spelling of one agency */
        char t[256];
        size_t l = gw_index_source_term(rq->source, strlen(rq->source), t, sizeof t);
        f[nf++] = l ? gw_xquery_term(t, l, 0) : gw_xquery_none();
    }
    if (rq->year > 0) {
        char t[16];
        int l = snprintf(t, sizeof t, "%s%04d", GW_PREFIX_YEAR, rq->year);
        f[nf++] = gw_xquery_term(t, (size_t)l, 0);
    }
    char lo[9] = "", hi[9] = "";
    if ((rq->from && *rq->from) || (rq->to && *rq->to)) {
        if ((rq->from && *rq->from && !gw_date_parse(rq->from, strlen(rq->from), 0, lo)) ||
            (rq->to && *rq->to && !gw_date_parse(rq->to, strlen(rq->to), 1, hi))) {
            gw_err_set(err, GW_EINVAL, "bad date in from/to (expected YYYY-MM-DD)");
            goto fail;
        }
        f[nf++] = gw_xquery_value_range(GW_SLOT_DATE, lo[0] ? lo : NULL, hi[0] ? hi : NULL);
    }
    if (rq->similar_to) {
        if (!(f[nf] = similar_filter(db, rq->similar_to, err))) goto fail;
        nf++;
    }
    return nf;
fail:
    for (int i = 0; i < nf; i++) gw_xquery_free(f[i]);
    return -1;
}

/* *q filtered by f[0..nf) (f stays the caller's). */
static void apply_filters(gw_xquery **q, gw_xquery *const *f, int nf)
{
    gw_xquery *v[5];
    v[0] = *q;
    memcpy(v + 1, f, (size_t)nf * sizeof *v);
    gw_xquery *r = gw_xquery_combine(GW_OP_FILTER, v, (size_t)nf + 1, 0);
    gw_xquery_free(*q);
    *q = r;
}

int gw_search_plan_make(gw_db *db, const gw_search_req *rq, const gw_query *gq,
                        gw_search_plan *p, gw_err *err)
{
    memset(p, 0, sizeof *p);
    gw_xquery *f[4];
    int nf = request_filters(db, rq, f, err);
    if (nf < 0) return err ? err->code : GW_EINVAL;
    p->rq = rq;
    p->gq = gq;
    p->xq = gq ? gw_query_build_ranked(gq, db) : gw_xquery_all();
    /* the same documents, for the facet pass: no weights, the cheapest phrase form */
    p->bq = gq ? gw_query_build_bool(gq, db) : gw_xquery_all();
    if (nf) {
        apply_filters(&p->xq, f, nf);
        apply_filters(&p->bq, f, nf);
        for (int i = 0; i < nf; i++) gw_xquery_free(f[i]);
    }
    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    int sort = rq->sort;
    if (!gq && sort == GW_SORT_RELEVANCE) sort = GW_SORT_DATE_DESC;
    if (sort == GW_SORT_DATE_DESC || sort == GW_SORT_DATE_ASC) {
        o.sort_slot = GW_SLOT_DATE;
        o.sort_descending = sort == GW_SORT_DATE_DESC;
        o.relevance_tiebreak = 1;
    }
    p->o = o;
    p->collapse = rq->collapse && !rq->similar_to;
    p->verify = gq && gw_query_needs_verify(gq);
    return GW_OK;
}

void gw_search_plan_free(gw_search_plan *p)
{
    gw_xquery_free(p->xq);
    gw_xquery_free(p->bq);
    p->xq = p->bq = NULL;
}

/* ---- facets -------------------------------------------------------------------------------- */

static int facet_by_count(const void *a, const void *b)
{
    const gw_facet *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

static int facet_by_value_desc(const void *a, const void *b)
{
    const gw_facet *x = a, *y = b;
    return strcmp(y->value, x->value);
}

void gw_search_set_facets(gw_results *r, int which, gw_facet *v, size_t n, size_t max)
{
    qsort(v, n, sizeof *v, which == 0 ? facet_by_count : facet_by_value_desc);
    while (n > max) free(v[--n].value);
    if (which == 0) {
        r->facet_source = v;
        r->n_facet_source = n;
    } else {
        r->facet_year = v;
        r->n_facet_year = n;
    }
}

/* Orders source facet values by key, then by value: the forms of one key side by side. */
static int source_by_key(const void *a, const void *b)
{
    const gw_facet *x = a, *y = b;
    size_t xk, yk, xl, yl;
    gw_index_source_split(x->value, strlen(x->value), &xk, &xl);
    gw_index_source_split(y->value, strlen(y->value), &yk, &yl);
    int c = memcmp(x->value, y->value, xk < yk ? xk : yk);
    if (c || xk != yk) return c ? c : xk < yk ? -1 : 1;
    return strcmp(x->value, y->value);
}

void gw_search_source_facets(gw_facet *v, size_t *n)
{
    if (*n == 0) return;
    qsort(v, *n, sizeof *v, source_by_key);
    size_t out = 0;
    for (size_t i = 0; i < *n;) {
        size_t kl, ll, kj, lj;
        gw_index_source_split(v[i].value, strlen(v[i].value), &kl, &ll);
        size_t best = i, j = i + 1;
        unsigned total = v[i].count;
        for (; j < *n; j++) {
            gw_index_source_split(v[j].value, strlen(v[j].value), &kj, &lj);
            if (kj != kl || memcmp(v[j].value, v[i].value, kl)) break;
            total += v[j].count;
            /* in value order: a later form wins only with more documents */
            if (v[j].count > v[best].count) best = j;
        }
        size_t blen;
        const char *label = gw_index_source_split(v[best].value, strlen(v[best].value), &kl,
                                                  &blen);
        char *keep = gw_xstrndup(label, blen);
        for (size_t k = i; k < j; k++) free(v[k].value);
        v[out].value = keep;
        v[out].count = total;
        out++;
        i = j;
    }
    *n = out;
}

/* r's facets from the facet slots counted by Xapian in m. */
static void facets_from_mset(gw_results *r, gw_mset *m)
{
    for (unsigned f = 0; f < 2; f++) {
        size_t nv = gw_mset_facet_count(m, f);
        gw_facet *fv = gw_xcalloc(nv + 1, sizeof *fv);
        size_t k = 0;
        for (size_t j = 0; j < nv; j++) {
            size_t vl;
            const char *v = gw_mset_facet_value(m, f, j, &vl);
            if (!vl) continue;
            fv[k].value = gw_xstrndup(v, vl);
            fv[k].count = gw_mset_facet_freq(m, f, j);
            k++;
        }
        /* Xapian merged the sources by key and kept the GW_SEARCH_FACET_VALUES most
         * frequent already: this only takes each one's label */
        if (f == 0) gw_search_source_facets(fv, &k);
        gw_search_set_facets(r, (int)f, fv, k, k);
    }
}

/* ---- match --------------------------------------------------------------------------------- */

/* The uncollapsed facet pass of a collapsed page with facets into mt->fm. Collapsing while
 * checking 10,000 matches costs more than the match itself (Xapian keeps every key in a
 * map), so the facets come from a separate uncollapsed pass that returns no hits, and the
 * page is matched collapsed without the check. The facet pass also counts the matches per
 * near-duplicate key: when it saw every match, that gives the collapsed total and each
 * hit's "similar" exactly (else Xapian's estimate). When the query reads positions, the
 * pass keeps its matches and *inset/o get the query that ranks exactly them. */
static int facet_pass(gw_db *db, const gw_search_plan *p, const gw_search_opts *fo0,
                      gw_search_match *mt, gw_xquery **inset, gw_search_opts *o, gw_err *err)
{
    gw_search_opts fo = *fo0;
    fo.offset = 0;
    fo.limit = 0;
    fo.distinct_slot = GW_SLOT_DUPKEY;
    /* weightless: Xapian then skips the ranking boosts (AND_MAYBE branches) */
    gw_xquery *sq = gw_xquery_scale(p->bq, 0);
    /* a query that reads positions: keep the matches, so that the page pass ranks exactly
     * them without checking positions a second time */
    fo.collect_docids = p->gq && gw_query_is_positional(p->gq);
    fo.time_limit = gw_search_time_left(p);
    mt->fm = gw_db_search(db, sq, &fo, err);
    gw_xquery_free(sq);
    if (!mt->fm) return err ? err->code : GW_EIO;
    size_t nid = 0;
    const gw_docid *ids = fo.collect_docids ? gw_mset_docids(mt->fm, &nid) : NULL;
    unsigned flb = gw_mset_lower_bound(mt->fm);
    if (nid && flb == gw_mset_upper_bound(mt->fm) && nid == flb) {
        *inset = gw_query_build_inset(p->gq);
        /* only these are weighed: the AND of a phrase's terms alone can have many more
         * candidates (9,305 for the 1,348 matches of "属机关党建工作") */
        o->accept_ids = ids;
        o->n_accept_ids = nid;
    }
    return GW_OK;
}

/* r's total and total_is_exact from the page pass m and the facet pass fm (may be NULL). */
static void totals(gw_results *r, gw_search_match *mt)
{
    gw_mset *m = mt->m, *fm = mt->fm;
    unsigned lb = gw_mset_lower_bound(m), ub = gw_mset_upper_bound(m);
    r->total = gw_mset_estimated(m);
    r->total_is_exact = lb == ub;
    if (r->total_is_exact) r->total = lb;
    unsigned nkeys = 0, nkeyless = 0;
    /* only when the facet pass saw every match (a single term's count is known without
     * looking at them all) */
    mt->exact_similar = fm && gw_mset_lower_bound(fm) == gw_mset_upper_bound(fm) &&
                        gw_mset_distinct_seen(fm) == gw_mset_lower_bound(fm) &&
                        gw_mset_distinct(fm, &nkeys, &nkeyless);
    if (mt->exact_similar) {
        /* every match seen: one result per key, one per document without a key */
        r->total = nkeys + nkeyless;
        r->total_is_exact = 1;
    } else if (fm && !r->total_is_exact) {
        /* the uncollapsed pass counted exactly up to GW_SEARCH_FACET_EXACT, the page pass
         * only estimated: near-duplicates are a few percent, so the exact uncollapsed
         * count is the better estimate (Xapian's is often off by a fifth) */
        unsigned flb = gw_mset_lower_bound(fm), fub = gw_mset_upper_bound(fm);
        if (flb == fub) r->total = flb;
        else if (gw_mset_estimated(fm) > r->total) r->total = gw_mset_estimated(fm);
        if (r->total < lb) r->total = lb;
        if (r->total > ub) r->total = ub;
    }
}

/* The page pass (and the facet pass before it) of a query that needs no verification. */
static int match_page(gw_db *db, const gw_search_plan *p, gw_search_match *mt,
                      gw_results *r, gw_page_item **items, size_t *n_items, gw_err *err)
{
    const gw_search_req *rq = p->rq;
    gw_search_opts o = p->o, fo = GW_SEARCH_OPTS_INIT;
    o.offset = rq->offset;
    o.limit = rq->limit;
    o.collapse_slot = p->collapse ? GW_SLOT_DUPKEY : -1;
    if (rq->want_facets) {
        fo.facet_slots[0] = GW_SLOT_SOURCE;
        fo.facet_slots[1] = GW_SLOT_YEAR;
        fo.n_facets = 2;
        fo.facet_max = GW_SEARCH_FACET_VALUES;
        fo.check_at_least = GW_SEARCH_FACET_EXACT;
        fo.facet_group_byte = GW_SOURCE_SEP; /* one agency, one name (gw_index.h) */
    }
    gw_xquery *inset = NULL;
    if (rq->want_facets && p->collapse) {
        int rc = facet_pass(db, p, &fo, mt, &inset, &o, err);
        if (rc != GW_OK) return rc;
    } else if (rq->want_facets) {
        memcpy(o.facet_slots, fo.facet_slots, sizeof o.facet_slots);
        o.n_facets = fo.n_facets;
        o.facet_max = fo.facet_max;
        o.check_at_least = fo.check_at_least;
        o.facet_group_byte = fo.facet_group_byte;
    }
    o.time_limit = gw_search_time_left(p);
    mt->m = gw_db_search(db, inset ? inset : p->xq, &o, err);
    gw_xquery_free(inset);
    if (!mt->m) return err ? err->code : GW_EIO;
    totals(r, mt);
    /* past the limit Xapian stops counting: an inexact total then says the count (and
     * the facets) stopped early, not that there were too many to count */
    if (gw_search_past_deadline(p) && !r->total_is_exact) r->timed_out = 1;
    size_t n = gw_mset_size(mt->m);
    *items = gw_xcalloc(n + 1, sizeof **items);
    *n_items = n;
    for (size_t i = 0; i < n; i++) {
        (*items)[i].idx = i;
        (*items)[i].similar = p->collapse ? gw_mset_collapse_count(mt->m, i) : 0;
    }
    if (rq->want_facets) facets_from_mset(r, mt->fm ? mt->fm : mt->m);
    return GW_OK;
}

int gw_search_match_run(gw_db *db, const gw_search_plan *p, gw_search_match *mt,
                        gw_results *r, gw_page_item **items, size_t *n_items, gw_err *err)
{
    memset(mt, 0, sizeof *mt);
    *items = NULL;
    *n_items = 0;
    if (!p->verify) return match_page(db, p, mt, r, items, n_items, err);
    /* candidates from the index, each to be checked against its text */
    gw_search_opts o = p->o;
    o.offset = 0;
    o.limit = GW_SEARCH_VERIFY_CAP;
    o.collapse_slot = -1;
    o.check_at_least = 0;
    o.time_limit = gw_search_time_left(p);
    mt->m = gw_db_search(db, p->xq, &o, err);
    return mt->m ? GW_OK : err ? err->code : GW_EIO;
}

void gw_search_match_free(gw_search_match *mt)
{
    gw_mset_free(mt->m);
    gw_mset_free(mt->fm);
    mt->m = mt->fm = NULL;
}
