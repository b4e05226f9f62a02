/* gw_search.c: the searcher, the public entry points, and the last stage of a search —
 * the page's hits with their snippets (the stages: gw_search_int.h). See gw_search.h. */
#include "gw_search.h"

#include "gw_buf.h"
#include "gw_index.h"
#include "gw_json.h"
#include "gw_norm.h"
#include "gw_query.h"
#include "gw_search_int.h"
#include "gw_snippet.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Highlight at most this many matches per document (a one-character query in a long
 * report matches thousands of times). */
#define MAX_MATCHES 2000

struct gw_searcher {
    gw_db *db;
    char *path;
    unsigned long revision;   /* of db when last opened or reopened */
    unsigned long generation; /* gw_searcher_generation */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double gw_search_now(void)
{
    return now_ms() / 1e3;
}

double gw_search_time_left(const gw_search_plan *p)
{
    if (p->deadline <= 0) return 0;
    double left = p->deadline - gw_search_now();
    return left > 1e-3 ? left : 1e-3;
}

int gw_search_past_deadline(const gw_search_plan *p)
{
    return p->deadline > 0 && gw_search_now() >= p->deadline;
}

/* The tables of the source and year facets and of the near-duplicate keys (counted per
 * search for exact collapsed totals), built (or shared) when the database is opened or
 * moves to a new revision rather than in the first search that counts them (the keys'
 * table: ~50 M instructions for 20,000 documents). A failure only means the first search
 * builds them or counts per document. */
static void prepare_facets(gw_db *db)
{
    static const unsigned slots[3] = {GW_SLOT_SOURCE, GW_SLOT_YEAR, GW_SLOT_DUPKEY};
    gw_db_prepare_facets(db, slots, 3, NULL);
}

/* db_path opened read-only, its layout checked and its facet tables prepared. */
static gw_db *open_db(const char *db_path, gw_err *err)
{
    gw_db *db = gw_db_open(db_path, GW_DB_READ, err);
    if (!db) return NULL;
    if (gw_index_check_layout(db, err) != GW_OK) {
        gw_err_prefix(err, "%s: ", db_path);
        gw_db_close(db);
        return NULL;
    }
    prepare_facets(db);
    return db;
}

gw_searcher *gw_searcher_open(const char *db_path, gw_err *err)
{
    if (gw_norm_init(err)) return NULL;
    gw_db *db = open_db(db_path, err);
    if (!db) return NULL;
    gw_searcher *s = gw_xcalloc(1, sizeof *s);
    s->db = db;
    s->path = gw_xstrdup(db_path);
    s->revision = gw_db_revision(db, NULL);
    return s;
}

void gw_searcher_close(gw_searcher *s)
{
    if (!s) return;
    gw_db_close(s->db);
    free(s->path);
    free(s);
}

int gw_searcher_reopen(gw_searcher *s, gw_err *err)
{
    int rc = gw_db_reopen(s->db, err);
    if (rc != GW_OK) return rc;
    unsigned long rev = gw_db_revision(s->db, NULL);
    if (rev != s->revision) {
        prepare_facets(s->db);
        s->revision = rev;
        s->generation++;
    }
    return GW_OK;
}

int gw_searcher_reopen_afresh(gw_searcher *s, gw_err *err)
{
    gw_db *db = open_db(s->path, err);
    if (!db) return err ? err->code : GW_EIO;
    gw_db_close(s->db);
    s->db = db;
    s->revision = gw_db_revision(db, NULL);
    s->generation++;
    return GW_OK;
}

unsigned long gw_searcher_generation(const gw_searcher *s) { return s->generation; }

/* The one retry policy of the search path (gw_search.h, "Freshness and retries"): fn
 * runs at most GW_SEARCH_ATTEMPTS times; after a failure that a newer view of the
 * database can cure, first the latest revision (reopen), then the path opened afresh. */
typedef void *(*attempt_fn)(gw_searcher *s, void *ctx, gw_err *err);

static int curable(int code) { return code == GW_EMODIFIED || code == GW_EIO || code == GW_ECORRUPT; }

static void *with_retries(gw_searcher *s, attempt_fn fn, void *ctx, gw_err *err)
{
    for (int attempt = 1;; attempt++) {
        gw_err e;
        gw_err_clear(&e);
        void *r = fn(s, ctx, &e);
        if (r) return r;
        if (!curable(e.code) || attempt == GW_SEARCH_ATTEMPTS) {
            if (err) *err = e;
            return NULL;
        }
        int rc = attempt == 1 ? gw_searcher_reopen(s, NULL) : gw_searcher_reopen_afresh(s, NULL);
        if (rc != GW_OK && attempt == 1) rc = gw_searcher_reopen_afresh(s, NULL);
        if (rc != GW_OK) {
            if (err) *err = e;
            return NULL;
        }
    }
}

gw_db *gw_searcher_db(gw_searcher *s) { return s->db; }

/* ---- results ---------------------------------------------------------------------------------- */

/* Frees the stored fields a hit and a document view share. */
static void fields_free(char *path, char *title, char *date, char *source, char *docno)
{
    free(path);
    free(title);
    free(date);
    free(source);
    free(docno);
}

static void hit_free(gw_hit *h)
{
    fields_free(h->path, h->title, h->date, h->source, h->docno);
    free(h->snippet_html);
    free(h->snippet_text);
    free(h->marks);
    free(h->dupkey);
}

void gw_results_free(gw_results *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_hits; i++) hit_free(&r->hits[i]);
    free(r->hits);
    for (size_t i = 0; i < r->n_facet_source; i++) free(r->facet_source[i].value);
    for (size_t i = 0; i < r->n_facet_year; i++) free(r->facet_year[i].value);
    free(r->facet_source);
    free(r->facet_year);
    free(r->explain);
    json_decref(r->explain_json);
    free(r->query_norm);
    free(r);
}

const char *gw_snippet_from_name(gw_snippet_from f)
{
    switch (f) {
    case GW_SNIPPET_FROM_META: return "metadata";
    case GW_SNIPPET_FROM_CHROME: return "chrome";
    default: return "body";
    }
}

/* ---- page: the hits ----------------------------------------------------------------------------- */

/* The query's patterns that apply to the body text: what snippets highlight. */
typedef struct body_pats {
    const uint32_t **p;
    size_t *l, n;
} body_pats;

static void body_pats_make(const gw_query *gq, body_pats *b)
{
    memset(b, 0, sizeof *b);
    if (!gq) return;
    const uint32_t *const *pats;
    const size_t *lens;
    const int *fields;
    size_t np = gw_query_patterns(gq, &pats, &lens, &fields);
    b->p = gw_xcalloc(np + 1, sizeof *b->p);
    b->l = gw_xcalloc(np + 1, sizeof *b->l);
    for (size_t i = 0; i < np; i++)
        if (fields[i] == GW_QF_BODY) {
            b->p[b->n] = pats[i];
            b->l[b->n++] = lens[i];
        }
}

/* h's stored fields, near-duplicate key and snippet from d (x's stored document; its text
 * read when snippets), normalizing d's text unless a stage before did. */
static void fill_hit(gw_hit *h, const gw_xdoc *x, gw_search_doc *d, const body_pats *bp,
                     unsigned chars, int snippets)
{
    h->path = gw_xstrdup(d->sv.path);
    h->title = gw_xstrdup(d->sv.title);
    h->date = gw_xstrdup(d->sv.date);
    h->source = gw_xstrdup(d->sv.source);
    h->docno = gw_xstrdup(d->sv.docno);
    size_t kl;
    const char *key = gw_xdoc_value(x, GW_SLOT_DUPKEY, &kl);
    h->dupkey = gw_xstrndup(key ? key : "", key ? kl : 0);
    if (!snippets) {
        h->snippet_html = gw_xstrdup("");
        h->snippet_text = gw_xstrdup("");
        return;
    }
    /* an unreadable text is an empty one: the hit still shows */
    const char *text = d->text_ok && d->text.data ? d->text.data : "";
    size_t tl = d->text_ok ? d->text.len : 0;
    gw_span *spans = NULL;
    size_t ns = 0;
    h->snippet_from = GW_SNIPPET_FROM_BODY;
    if (bp->n && tl) {
        if (!d->body_ready) gw_norm_run(text, tl, 0, &d->body);
        d->body_ready = 1;
        ns = gw_snippet_find(&d->body, bp->p, bp->l, bp->n, MAX_MATCHES, &spans);
    }
    /* No match in the body: the document matched in its metadata or chrome lines (or
     * only in the title); the snippet shows the first of those parts that holds one. */
    if (bp->n && ns == 0) {
        gw_search_doc_parts(d, x);
        for (int i = 0; i < 2 && ns == 0; i++) {
            if (!d->part[i].len) continue;
            free(spans);
            spans = NULL;
            ns = gw_snippet_find(&d->part_norm[i], bp->p, bp->l, bp->n, MAX_MATCHES, &spans);
            if (ns) {
                text = d->part[i].data;
                tl = d->part[i].len;
                h->snippet_from = i == 0 ? GW_SNIPPET_FROM_META : GW_SNIPPET_FROM_CHROME;
            }
        }
    }
    gw_snippet sn;
    gw_snippet_make(text, tl, spans, ns, chars, &sn);
    h->snippet_html = sn.html;
    h->snippet_text = sn.text;
    h->marks = sn.marks;
    h->n_marks = sn.n_marks;
    free(spans);
}

/* The page stage: r's hits from items[0..n) of mt->m, each document read once (cache holds
 * those the verify stage read). When the facet pass saw every match, a hit's "similar" is
 * its key's count there. */
static int page_assemble(const gw_search_plan *p, const gw_search_match *mt,
                         const gw_page_item *items, size_t n, gw_search_cache *cache,
                         gw_results *r, gw_err *err)
{
    const gw_search_req *rq = p->rq;
    body_pats bp;
    body_pats_make(p->gq, &bp);
    gw_search_doc scratch;
    memset(&scratch, 0, sizeof scratch);
    int rc = GW_OK;
    r->hits = gw_xcalloc(n + 1, sizeof *r->hits);
    for (size_t i = 0; i < n; i++) {
        const gw_xdoc *x = gw_mset_doc(mt->m, items[i].idx, err);
        if (!x) {
            rc = err ? err->code : GW_EIO;
            break;
        }
        gw_search_doc *d = gw_search_cache_find(cache, items[i].idx);
        if (!d) {
            d = &scratch;
            gw_search_doc_read(d, x, items[i].idx, !rq->no_snippets);
        }
        gw_hit *h = &r->hits[r->n_hits++];
        h->id = gw_mset_docid(mt->m, items[i].idx);
        h->score = gw_mset_weight(mt->m, items[i].idx);
        h->percent = gw_mset_percent(mt->m, items[i].idx);
        h->similar = items[i].similar;
        fill_hit(h, x, d, &bp, rq->snippet_chars, !rq->no_snippets);
        if (mt->exact_similar && p->collapse) {
            size_t kl = strlen(h->dupkey);
            unsigned f = kl ? gw_mset_distinct_freq(mt->fm, h->dupkey, kl) : 0;
            h->similar = f > 1 ? f - 1 : 0;
        }
    }
    gw_search_doc_free(&scratch);
    free(bp.p);
    free(bp.l);
    return rc;
}

/* ---- the search ------------------------------------------------------------------------------- */

static int blank_query(const char *q)
{
    if (!q) return 1;
    for (const unsigned char *p = (const unsigned char *)q; *p; p++)
        if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
            /* U+3000 ideographic space */
            if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
                p += 2;
                continue;
            }
            return 0;
        }
    return 1;
}

/* One attempt: plan -> match -> (verify, collapse, facets) -> page (gw_search_int.h). */
static gw_results *search_once(gw_searcher *s, const gw_search_req *rq, const gw_query *gq,
                               double deadline, gw_err *err)
{
    gw_search_plan p;
    if (gw_search_plan_make(s->db, rq, gq, &p, err) != GW_OK) return NULL;
    p.deadline = deadline;
    gw_results *r = gw_xcalloc(1, sizeof *r);
    gw_search_match mt;
    gw_page_item *items = NULL;
    size_t n = 0;
    gw_search_cache cache = {0};
    int rc = gw_search_match_run(s->db, &p, &mt, r, &items, &n, err);
    if (rc == GW_OK && p.verify) rc = gw_search_verify_run(&p, &mt, r, &items, &n, &cache, err);
    if (rc == GW_OK) rc = page_assemble(&p, &mt, items, n, &cache, r, err);
    free(items);
    gw_search_cache_free(&cache);
    gw_search_match_free(&mt);
    gw_search_plan_free(&p);
    if (rc != GW_OK) {
        gw_results_free(r);
        return NULL;
    }
    return r;
}

/* Zero results: how many documents each word or phrase matches alone, so the user sees
 * which one is to blame. */
static void explain_zero(gw_searcher *s, const gw_query *gq, char **text, json_t *o)
{
    const uint32_t *const *pats;
    const size_t *lens;
    size_t np = gw_query_patterns(gq, &pats, &lens, NULL);
    gw_buf b = {0};
    gw_buf_puts(&b, *text);
    json_t *parts = json_array();
    if (np) gw_buf_puts(&b, "no results; each part alone:\n");
    for (size_t i = 0; i < np && i < 32; i++) {
        gw_xquery *x = gw_query_part_query(gq, i);
        gw_search_opts o2 = GW_SEARCH_OPTS_INIT;
        o2.limit = 0;
        /* exact up to 1,000: "0 documents" must not read "about 1000" (Xapian's first
         * guess for a phrase) */
        o2.check_at_least = 1000;
        gw_mset *m = gw_db_search(s->db, x, &o2, NULL);
        unsigned n = m ? gw_mset_estimated(m) : 0;
        int exact = m && gw_mset_lower_bound(m) == gw_mset_upper_bound(m);
        gw_mset_free(m);
        gw_xquery_free(x);
        gw_buf b2 = {0};
        for (size_t k = 0; k < lens[i]; k++) gw_buf_put_utf8(&b2, pats[i][k]);
        gw_buf_printf(&b, "  \"%s\": %s%u document%s\n", b2.data ? b2.data : "",
                      exact ? "" : "about ", n, n == 1 ? "" : "s");
        json_t *p = json_object();
        json_object_set_new(p, "text", gw_json_strn(b2.data, b2.len));
        json_object_set_new(p, "documents", json_integer(n));
        json_array_append_new(parts, p);
        gw_buf_free(&b2);
    }
    json_object_set_new(o, "parts_alone", parts);
    free(*text);
    *text = gw_buf_steal(&b, NULL);
}

typedef struct search_ctx {
    const gw_search_req *rq;
    const gw_query *gq;
    double deadline; /* one for all attempts: a retry does not restart the clock */
} search_ctx;

static void *search_attempt(gw_searcher *s, void *ctx, gw_err *err)
{
    search_ctx *c = ctx;
    return search_once(s, c->rq, c->gq, c->deadline, err);
}

gw_results *gw_searcher_search(gw_searcher *s, const gw_search_req *rq, gw_err *err)
{
    double t0 = now_ms();
    gw_err_clear(err);
    size_t maxb = rq->max_query_bytes ? rq->max_query_bytes : GW_QUERY_MAX_BYTES_DEFAULT;
    int has_filter = (rq->source && *rq->source) || rq->year > 0 || (rq->from && *rq->from) ||
                     (rq->to && *rq->to) || rq->similar_to;
    gw_query *gq = NULL;
    if (rq->q && strlen(rq->q) > maxb) {
        gw_err_set(err, GW_EINVAL, "query too long (%zu bytes, limit %zu)", strlen(rq->q), maxb);
        return NULL;
    }
    if (!blank_query(rq->q)) {
        gw_err e;
        gq = gw_query_parse(rq->q, strlen(rq->q), maxb, &e);
        if (!gq && !(has_filter && e.code == GW_EINVAL)) {
            if (err) *err = e;
            return NULL;
        }
    } else if (!has_filter) {
        gw_err_set(err, GW_EINVAL, "empty query");
        return NULL;
    }
    search_ctx ctx = {rq, gq, rq->time_limit_ms ? t0 / 1e3 + rq->time_limit_ms / 1e3 : 0};
    gw_results *r = with_retries(s, search_attempt, &ctx, err);
    if (r) {
        r->query_norm = gw_xstrdup(gq ? gw_query_normalized(gq) : "");
        if (rq->want_explain && gq) {
            gw_xquery *xq = gw_query_build(gq);
            char *text = gw_query_explain(gq, xq);
            json_t *o = gw_query_explain_object(gq, xq);
            gw_xquery_free(xq);
            if (r->total == 0) explain_zero(s, gq, &text, o);
            r->explain = text;
            r->explain_json = o;
        } else {
            r->explain = gw_xstrdup("");
        }
        r->took_ms = now_ms() - t0;
    }
    gw_query_free(gq);
    return r;
}

/* ---- JSON ----------------------------------------------------------------------------------------- */

static json_t *marks_json(const char *text, const gw_mark *mk, size_t n, int utf16)
{
    json_t *a = json_array();
    if (!utf16) {
        for (size_t i = 0; i < n; i++) {
            json_t *p = json_array();
            json_array_append_new(p, json_integer(mk[i].start));
            json_array_append_new(p, json_integer(mk[i].end));
            json_array_append_new(a, p);
        }
        return a;
    }
    /* character offset -> UTF-16 offset, walking the text once */
    size_t len = strlen(text), ci = 0, u16 = 0, bi = 0, j = 0;
    size_t *map_s = gw_xcalloc(n + 1, sizeof *map_s), *map_e = gw_xcalloc(n + 1, sizeof *map_e);
    for (;;) {
        for (size_t k = j; k < n; k++) {
            if (mk[k].start == ci) map_s[k] = u16;
            if (mk[k].end == ci) map_e[k] = u16;
        }
        while (j < n && mk[j].end < ci) j++;
        if (bi >= len) break;
        uint32_t cp;
        bi += gw_utf8_next(text + bi, len - bi, &cp);
        u16 += cp >= 0x10000 ? 2 : 1;
        ci++;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array();
        json_array_append_new(p, json_integer((json_int_t)map_s[i]));
        json_array_append_new(p, json_integer((json_int_t)map_e[i]));
        json_array_append_new(a, p);
    }
    free(map_s);
    free(map_e);
    return a;
}

/* The keys a hit and a document view share, in the order both write them. */
static void put_fields(json_t *o, gw_docid id, const char *path, const char *title,
                       const char *date, const char *source, const char *docno)
{
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "path", gw_json_str(path));
    json_object_set_new(o, "title", gw_json_str(title));
    json_object_set_new(o, "date", gw_json_str(date));
    json_object_set_new(o, "source", gw_json_str(source));
    json_object_set_new(o, "docno", gw_json_str(docno));
}

static json_t *facets_json(const gw_facet *f, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", gw_json_str(f[i].value));
        json_object_set_new(o, "count", json_integer(f[i].count));
        json_array_append_new(a, o);
    }
    return a;
}

char *gw_results_to_json(const gw_results *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", gw_json_str(r->query_norm));
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "total_is_exact", json_boolean(r->total_is_exact));
    json_object_set_new(o, "timed_out", json_boolean(r->timed_out));
    json_object_set_new(o, "took_ms", json_real((double)(long)(r->took_ms * 1000) / 1000));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++) {
        const gw_hit *h = &r->hits[i];
        json_t *j = json_object();
        put_fields(j, h->id, h->path, h->title, h->date, h->source, h->docno);
        json_object_set_new(j, "score", json_real(h->score));
        json_object_set_new(j, "percent", json_integer(h->percent));
        /* The API's shape: HTML for pages, text + offsets for scripts. */
        json_object_set_new(j, "snippet_html", gw_json_str(h->snippet_html));
        json_t *sn = json_object();
        json_object_set_new(sn, "text", gw_json_str(h->snippet_text));
        json_object_set_new(sn, "marks", marks_json(h->snippet_text, h->marks, h->n_marks, 0));
        json_object_set_new(sn, "marks_utf16",
                            marks_json(h->snippet_text, h->marks, h->n_marks, 1));
        json_object_set_new(j, "snippet", sn);
        json_object_set_new(j, "snippet_from", json_string(gw_snippet_from_name(h->snippet_from)));
        json_object_set_new(j, "similar", json_integer(h->similar));
        json_object_set_new(j, "dupkey", gw_json_str(h->dupkey));
        json_array_append_new(hits, j);
    }
    json_object_set_new(o, "hits", hits);
    json_t *f = json_object();
    json_object_set_new(f, "source", facets_json(r->facet_source, r->n_facet_source));
    json_object_set_new(f, "year", facets_json(r->facet_year, r->n_facet_year));
    json_object_set_new(o, "facets", f);
    if (r->explain_json) {
        json_object_set(o, "explain", r->explain_json);
        json_object_set_new(o, "explain_text", gw_json_str(r->explain));
    }
    char *s = gw_json_dump(o, GW_JSON_COMPACT);
    json_decref(o);
    return s;
}

/* ---- one document ------------------------------------------------------------------------------ */

typedef struct docid_ctx {
    const char *id;  /* a decimal docid or a relative path */
    gw_docid docid;  /* found */
} docid_ctx;

static void *find_doc_attempt(gw_searcher *s, void *ctx, gw_err *err)
{
    docid_ctx *c = ctx;
    const char *id = c->id;
    gw_err_clear(err);
    if (strspn(id, "0123456789") == strlen(id) && strlen(id) < 10) {
        c->docid = (gw_docid)strtoul(id, NULL, 10);
    } else {
        char uid[256];
        size_t ul = gw_index_uid_term(id, uid, sizeof uid);
        c->docid = ul ? gw_db_find_by_term(s->db, uid, ul, err) : 0;
    }
    if (!c->docid) {
        if (!err || err->code == GW_OK) gw_err_set(err, GW_ENOTFOUND, "no document %s", id);
        return NULL;
    }
    return gw_db_get_doc(s->db, c->docid, err);
}

gw_docview *gw_searcher_get_doc(gw_searcher *s, const char *id, const char *q, gw_err *err)
{
    gw_docid docid = 0;
    if (!id || !*id) {
        gw_err_set(err, GW_EINVAL, "empty document id");
        return NULL;
    }
    docid_ctx c = {id, 0};
    gw_xdoc *d = with_retries(s, find_doc_attempt, &c, err);
    if (!d) return NULL;
    docid = c.docid;
    gw_stored st;
    if (gw_stored_load(d, &st, err) != GW_OK) {
        gw_xdoc_free(d);
        return NULL;
    }
    gw_docview *v = gw_xcalloc(1, sizeof *v);
    v->id = docid;
    v->path = gw_xstrdup(st.path);
    v->title = gw_xstrdup(st.title);
    v->date = gw_xstrdup(st.date);
    v->source = gw_xstrdup(st.source);
    v->docno = gw_xstrdup(st.docno);
    v->encoding = gw_xstrdup(st.encoding);
    gw_span *spans = NULL;
    size_t ns = 0;
    gw_query *gq = q && !blank_query(q) ? gw_query_parse(q, strlen(q), 0, NULL) : NULL;
    if (gq) {
        const uint32_t *const *pats;
        const size_t *lens;
        const int *fields;
        size_t np = gw_query_patterns(gq, &pats, &lens, &fields);
        gw_norm_text nt = {0};
        gw_norm_run(st.text, st.text_len, 0, &nt);
        ns = gw_snippet_find(&nt, pats, lens, np, 0, &spans);
        gw_norm_text_free(&nt);
        gw_query_free(gq);
    }
    gw_snippet sn;
    gw_snippet_whole(st.text, st.text_len, spans, ns, &sn);
    v->html = sn.html;
    v->text = sn.text;
    v->marks = sn.marks;
    v->n_marks = sn.n_marks;
    free(spans);
    gw_stored_free(&st);
    gw_xdoc_free(d);
    return v;
}

void gw_docview_free(gw_docview *d)
{
    if (!d) return;
    fields_free(d->path, d->title, d->date, d->source, d->docno);
    free(d->encoding);
    free(d->html);
    free(d->text);
    free(d->marks);
    free(d);
}

char *gw_docview_to_json(const gw_docview *d)
{
    json_t *o = json_object();
    put_fields(o, d->id, d->path, d->title, d->date, d->source, d->docno);
    json_object_set_new(o, "encoding", gw_json_str(d->encoding));
    json_object_set_new(o, "html", gw_json_str(d->html));
    json_object_set_new(o, "text", gw_json_str(d->text));
    json_object_set_new(o, "marks", marks_json(d->text, d->marks, d->n_marks, 0));
    json_object_set_new(o, "marks_utf16", marks_json(d->text, d->marks, d->n_marks, 1));
    char *s = gw_json_dump(o, GW_JSON_COMPACT);
    json_decref(o);
    return s;
}
