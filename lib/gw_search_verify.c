/* gw_search_verify.c: the stages of a search whose query needs checking against the text
 * (gw_search_int.h): verify each candidate on its stored text, collapse the verified ones,
 * count their facets, choose the page. Also the reading of one stored document, which the
 * page stage shares. */
#include "gw_search_int.h"

#include "gw_index.h"

#include <stdlib.h>
#include <string.h>

/* Check all candidates only up to this many; beyond, enough for the page. Checking reads
 * the stored fields, decompresses the stored text (LZ4) and normalizes it: ~150,000
 * instructions for a report of 2,000 characters (callgrind; ~180,000 when the text was
 * zlib-compressed JSON, layout 2). A phrase across punctuation whose candidates hold few
 * or no exact matches still checks every candidate (thousands for two common words): see
 * docs/decisions.md, "Search speed". */
#define VERIFY_FULL 300
/* The verified documents of the page are kept for the page stage (read once) when the
 * page ends this early; a deeper page reads its documents again, as finding which
 * candidates it holds would mean comparing each with every kept key before it. */
#define CACHE_PAGE_END 200

/* ---- one stored document ---------------------------------------------------------------- */

void gw_search_doc_read(gw_search_doc *d, const gw_xdoc *doc, size_t idx, int with_text)
{
    size_t dl;
    const char *data = gw_xdoc_data(doc, &dl);
    d->idx = idx;
    d->data_ok = gw_stored_read(&d->sv, data, dl, NULL) == GW_OK;
    d->body_ready = 0;
    d->parts_ready = 0;
    d->text_ok = 0;
    gw_buf_reset(&d->text);
    if (with_text) d->text_ok = gw_stored_text(doc, &d->text, NULL) == GW_OK;
}

void gw_search_doc_parts(gw_search_doc *d, const gw_xdoc *doc)
{
    if (d->parts_ready) return;
    gw_stored_parts(doc, &d->part[0], &d->part[1], NULL); /* damaged: both read "" */
    for (int i = 0; i < 2; i++) {
        gw_norm_run(d->part[i].data ? d->part[i].data : "", d->part[i].len, 0,
                    &d->part_norm[i]);
    }
    d->parts_ready = 1;
}

void gw_search_doc_free(gw_search_doc *d)
{
    gw_stored_view_free(&d->sv);
    gw_buf_free(&d->text);
    gw_norm_text_free(&d->body);
    for (int i = 0; i < 2; i++) {
        gw_buf_free(&d->part[i]);
        gw_norm_text_free(&d->part_norm[i]);
    }
    memset(d, 0, sizeof *d);
}

/* ---- verify ------------------------------------------------------------------------------- */

/* Normalization buffers of the small fields, reused for every candidate. */
typedef struct fields_norm {
    gw_norm_text title, source, docno;
} fields_norm;

/* Exact evaluation of the query on one stored document, read into d (its body
 * normalized). Unreadable data or text: no match. */
static int verify_doc(const gw_query *gq, const gw_xdoc *doc, size_t idx, gw_search_doc *d,
                      fields_norm *fn)
{
    gw_search_doc_read(d, doc, idx, 1);
    if (!d->data_ok || !d->text_ok) return 0;
    const char *title = d->sv.title, *source = d->sv.source, *docno = d->sv.docno;
    gw_norm_run(d->text.data ? d->text.data : "", d->text.len, 0, &d->body);
    d->body_ready = 1;
    gw_norm_run(title, strlen(title), 0, &fn->title);
    gw_norm_run(source, strlen(source), 0, &fn->source);
    gw_norm_run(docno, strlen(docno), 0, &fn->docno);
    size_t vl;
    const char *v = gw_xdoc_value(doc, GW_SLOT_DATE, &vl);
    char date[9] = "";
    if (vl == 8) {
        memcpy(date, v, 8);
        date[8] = 0;
    }
    gw_search_doc_parts(d, doc); /* a plain phrase also matches in these */
    gw_query_doc qd = {&d->body, &fn->title, &fn->source, &fn->docno, date,
                       &d->part_norm[0], &d->part_norm[1]};
    return gw_query_verify(gq, &qd);
}

/* A verified candidate. */
typedef struct vcand {
    size_t idx, order;
    char *key, *source, *year;
    unsigned similar;
    int dropped;
} vcand;

static void vcand_free(vcand *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].source);
        free(v[i].year);
    }
    free(v);
}

static char *value_copy(const gw_xdoc *d, unsigned slot)
{
    size_t l;
    const char *v = gw_xdoc_value(d, slot, &l);
    return gw_xstrndup(v ? v : "", v ? l : 0);
}

/* Which verified candidates the page will show, known as they are verified: collapsing
 * keeps the first of each key, so a candidate is kept when no kept one before it has its
 * key. The page's documents go into the cache (their reading and normalization is then
 * done once); done once the page is full. */
typedef struct page_track {
    size_t from, to;      /* the page: kept candidates [from, to) */
    size_t kept;          /* kept so far */
    const char **keys;    /* keys of the kept ones (collapsing) */
    int collapse, on;
} page_track;

static void track(page_track *t, const char *key, gw_search_doc *d, gw_search_cache *c)
{
    if (!t->on) return;
    if (t->collapse && key[0]) {
        for (size_t j = 0; j < t->kept; j++)
            if (t->keys[j] && !strcmp(t->keys[j], key)) return;
    }
    t->keys[t->kept] = t->collapse && key[0] ? key : NULL;
    if (t->kept >= t->from) {
        /* take d's buffers, leave the slot's (empty or spent) ones for the next candidate */
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 8;
            c->docs = gw_xrealloc(c->docs, c->cap * sizeof *c->docs);
            memset(c->docs + c->n, 0, (c->cap - c->n) * sizeof *c->docs);
        }
        gw_search_doc tmp = c->docs[c->n];
        c->docs[c->n++] = *d;
        *d = tmp;
    }
    if (++t->kept >= t->to) t->on = 0;
}

/* Checks the candidates of m into *vc (*nv of them verified), with *examined how many
 * were looked at. */
static int verify_all(const gw_search_plan *p, gw_mset *m, vcand **vc_out, size_t *nv_out,
                      size_t *examined, int *timed_out, gw_search_cache *cache, gw_err *err)
{
    const gw_search_req *rq = p->rq;
    size_t n = gw_mset_size(m), nv = 0;
    vcand *vc = gw_xcalloc(n + 1, sizeof *vc);
    page_track t = {rq->offset, (size_t)rq->offset + rq->limit, 0, NULL, p->collapse, 0};
    t.on = t.to > t.from && t.to <= CACHE_PAGE_END;
    if (t.on) t.keys = gw_xcalloc(t.to, sizeof *t.keys);
    gw_search_doc d;
    memset(&d, 0, sizeof d);
    fields_norm fn;
    memset(&fn, 0, sizeof fn);
    int rc = GW_OK;
    *examined = 0;
    for (size_t i = 0; i < n; i++) {
        /* past VERIFY_FULL candidates, stop once the page is safely filled: the total and
         * the facets are then extrapolated (total_is_exact = 0) */
        if (i >= VERIFY_FULL && nv >= 2 * ((size_t)rq->offset + rq->limit) + 10) break;
        /* past the time limit: stop, once the page is filled if it can be at all soon
         * (a page of real matches beats an empty one), and extrapolate as above */
        if ((i & 31) == 0 && gw_search_past_deadline(p) &&
            (nv >= (size_t)rq->offset + rq->limit || gw_search_now() > p->deadline + 1.0)) {
            *timed_out = 1;
            break;
        }
        (*examined)++;
        const gw_xdoc *x = gw_mset_doc(m, i, err);
        if (!x) {
            rc = err ? err->code : GW_EIO;
            break;
        }
        if (!verify_doc(p->gq, x, i, &d, &fn)) continue;
        vc[nv].idx = i;
        vc[nv].order = nv;
        vc[nv].key = value_copy(x, GW_SLOT_DUPKEY);
        vc[nv].source = value_copy(x, GW_SLOT_SOURCE);
        vc[nv].year = value_copy(x, GW_SLOT_YEAR);
        track(&t, vc[nv].key, &d, cache);
        nv++;
    }
    free(t.keys);
    gw_search_doc_free(&d);
    gw_norm_text_free(&fn.title);
    gw_norm_text_free(&fn.source);
    gw_norm_text_free(&fn.docno);
    *vc_out = vc;
    *nv_out = nv;
    return rc;
}

/* ---- collapse and facets ------------------------------------------------------------------ */

static int vcand_by_key(const void *a, const void *b)
{
    const vcand *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int vcand_by_order(const void *a, const void *b)
{
    const vcand *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Keeps the best (first) of each key, with how many it stands for: group by key, then
 * restore the order. */
static void collapse(vcand *vc, size_t nv)
{
    qsort(vc, nv, sizeof *vc, vcand_by_key);
    for (size_t i = 0; i < nv;) {
        size_t j = i + 1;
        if (vc[i].key[0])
            while (j < nv && !strcmp(vc[j].key, vc[i].key)) {
                vc[j].dropped = 1;
                j++;
            }
        vc[i].similar = (unsigned)(j - i - 1);
        i = j;
    }
    qsort(vc, nv, sizeof *vc, vcand_by_order);
}

/* Counts of one facet's values (unsorted). */
typedef struct fcounts {
    gw_facet *v;
    size_t n, cap;
} fcounts;

static void fc_add(fcounts *f, const char *val)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].value, val)) {
            f->v[i].count++;
            return;
        }
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 16;
        f->v = gw_xrealloc(f->v, (f->cap + 1) * sizeof *f->v);
    }
    f->v[f->n].value = gw_xstrdup(val);
    f->v[f->n].count = 1;
    f->n++;
}

int gw_search_verify_run(const gw_search_plan *p, const gw_search_match *mt, gw_results *r,
                         gw_page_item **items, size_t *n_items, gw_search_cache *cache,
                         gw_err *err)
{
    const gw_search_req *rq = p->rq;
    size_t n = gw_mset_size(mt->m), nv, examined;
    vcand *vc;
    *items = NULL;
    *n_items = 0;
    int timed_out = 0;
    int rc = verify_all(p, mt->m, &vc, &nv, &examined, &timed_out, cache, err);
    if (rc != GW_OK) {
        vcand_free(vc, nv);
        return rc;
    }
    if (p->collapse && nv) collapse(vc, nv);
    fcounts fs = {0}, fy = {0};
    size_t kept = 0;
    *items = gw_xcalloc((size_t)rq->limit + 1, sizeof **items);
    for (size_t i = 0; i < nv; i++) {
        if (vc[i].dropped) continue;
        if (rq->want_facets) {
            if (vc[i].source[0]) fc_add(&fs, vc[i].source);
            if (vc[i].year[0]) fc_add(&fy, vc[i].year);
        }
        if (kept >= rq->offset && kept < (size_t)rq->offset + rq->limit) {
            (*items)[*n_items].idx = vc[i].idx;
            (*items)[*n_items].similar = vc[i].similar;
            (*n_items)++;
        }
        kept++;
    }
    r->total = (unsigned)kept;
    r->total_is_exact = n < GW_SEARCH_VERIFY_CAP && examined == n && !timed_out;
    if (timed_out) r->timed_out = 1;
    if (examined < n && examined)
        r->total = (unsigned)((double)kept * (double)gw_mset_estimated(mt->m) / (double)examined);
    if (rq->want_facets) {
        gw_search_source_facets(fs.v, &fs.n); /* one agency, one name */
        gw_search_set_facets(r, 0, fs.v ? fs.v : gw_xcalloc(1, sizeof *fs.v), fs.n,
                             GW_SEARCH_FACET_VALUES);
        gw_search_set_facets(r, 1, fy.v ? fy.v : gw_xcalloc(1, sizeof *fy.v), fy.n, fy.n);
    }
    vcand_free(vc, nv);
    return GW_OK;
}

gw_search_doc *gw_search_cache_find(gw_search_cache *c, size_t idx)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->docs[i].idx == idx) return &c->docs[i];
    return NULL;
}

void gw_search_cache_free(gw_search_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) gw_search_doc_free(&c->docs[i]);
    free(c->docs);
    memset(c, 0, sizeof *c);
}
