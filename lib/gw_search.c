/* gw_search.c: query -> page of hits with snippets, facets, explanation. See gw_search.h. */
#include "gw_search.h"

#include "gw_buf.h"
#include "gw_date.h"
#include "gw_index.h"
#include "gw_norm.h"
#include "gw_query.h"
#include "gw_snippet.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Exact facet counts and totals up to this many matches (issue: at least 10,000). */
#define FACET_EXACT 10000
/* Facet values reported (most frequent first): a sidebar shows a few dozen at most. */
#define FACET_VALUES 100
/* Queries that need checking against the text look at this many candidates at most. */
#define VERIFY_CAP 100000
/* ... and check all of them only up to this many; beyond, enough for the page. Checking
 * reads the stored fields (sview_read), decompresses the stored text (LZ4) and normalizes
 * it: ~150,000 instructions for a report of 2,000 characters (callgrind; ~180,000 when
 * the text was zlib-compressed JSON, layout 2). A phrase across punctuation whose candidates hold few or no exact
 * matches still checks every candidate (thousands for two common words): see
 * docs/decisions.md, "Search speed". */
#define VERIFY_FULL 300
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

static void hit_free(gw_hit *h)
{
    free(h->path);
    free(h->title);
    free(h->date);
    free(h->source);
    free(h->docno);
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
    free(r->explain_json);
    free(r->query_norm);
    free(r);
}

static char *xstrn(const char *s, size_t n) { return gw_xstrndup(s ? s : "", s ? n : 0); }

/* ---- stored data, read fast ------------------------------------------------------------------- */

/* gw_stored_parse (jansson) builds a tree and copies every string twice: ~350,000
 * instructions for a 9 KB report when the text was in the data (layout 2), 68% of the work
 * of checking a candidate against its text and ~1 ms of every page of 10 hits. The stored
 * data is a flat JSON object of strings (docs/index-format.md §6; the text has its own
 * value since layout 3, gw_stored_text): this
 * reads exactly that, decoding into one reusable buffer, and declines anything else
 * (another value type, invalid UTF-8, a raw control character, a lone surrogate, trailing
 * garbage), which then goes through gw_stored_parse — so whatever both accept reads the
 * same, and whatever this declines behaves as before. */
enum { SF_PATH, SF_TITLE, SF_DATE, SF_SOURCE, SF_DOCNO, SF_N };
static const char *const sf_name[SF_N] = {"path", "title", "date", "source", "docno"};

typedef struct sview {
    gw_buf buf;         /* decoded strings, each NUL-terminated (reused across documents) */
    const char *s[SF_N]; /* borrowed from buf, or "" when the field is absent */
    size_t n[SF_N];
} sview;

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int hex4(const char *p, const char *e, uint32_t *v)
{
    if (e - p < 4) return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9') x |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') x |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') x |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *v = x;
    return 1;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), 0 if invalid: no
 * overlong forms, surrogates or code points past U+10FFFF (as jansson checks). Its
 * continuation bytes are never '"', '\\' or control characters. */
static size_t utf8_seq(const char *s, const char *e)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = (size_t)(e - s);
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF) return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;
        if (c == 0xED && p[1] > 0x9F) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] > 0x8F) return 0;
        return 4;
    }
    return 0;
}

/* Decodes the JSON string whose opening quote is just before *pp into out (room for as
 * many bytes as the encoded form: decoding never grows). 1 and *pp past the closing quote,
 * or 0 when it is anything jansson might read differently. */
static int json_str(const char **pp, const char *e, char *out, size_t *olen)
{
    const char *p = *pp;
    size_t k = 0;
    for (;;) {
        const char *q = p;
        while (q < e) {
            unsigned char c = (unsigned char)*q;
            if (c < 0x80) {
                if (c == '"' || c == '\\' || c < 0x20) break;
                q++;
                continue;
            }
            size_t l = utf8_seq(q, e);
            if (!l) return 0;
            q += l;
        }
        if (q > p) {
            memcpy(out + k, p, (size_t)(q - p));
            k += (size_t)(q - p);
        }
        if (q >= e || (unsigned char)*q < 0x20) return 0;
        if (*q == '"') {
            *pp = q + 1;
            *olen = k;
            return 1;
        }
        if (q + 1 >= e) return 0;
        p = q + 2;
        switch (q[1]) {
        case '"': out[k++] = '"'; break;
        case '\\': out[k++] = '\\'; break;
        case '/': out[k++] = '/'; break;
        case 'b': out[k++] = '\b'; break;
        case 'f': out[k++] = '\f'; break;
        case 'n': out[k++] = '\n'; break;
        case 'r': out[k++] = '\r'; break;
        case 't': out[k++] = '\t'; break;
        case 'u': {
            uint32_t v, w;
            if (!hex4(p, e, &v)) return 0;
            p += 4;
            if (v >= 0xDC00 && v <= 0xDFFF) return 0;
            if (v >= 0xD800 && v <= 0xDBFF) {
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, e, &w) ||
                    w < 0xDC00 || w > 0xDFFF)
                    return 0;
                p += 6;
                v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
            }
            k += gw_utf8_encode(v, out + k);
            break;
        }
        default: return 0;
        }
    }
}

/* 1: v holds the fields of data[0..len); 0: use gw_stored_parse. */
static int sview_read(sview *v, const char *data, size_t len)
{
    for (int f = 0; f < SF_N; f++) {
        v->s[f] = "";
        v->n[f] = 0;
    }
    if (!data) return 0;
    gw_buf_reset(&v->buf);
    /* every decoded string is at most as long as its encoded form, plus its NUL */
    char *out = gw_buf_reserve(&v->buf, len + 1);
    size_t k = 0;
    const char *p = skip_ws(data, data + len), *e = data + len;
    if (p >= e || *p++ != '{') return 0;
    p = skip_ws(p, e);
    if (p < e && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p >= e || *p++ != '"') return 0;
            size_t kl;
            if (!json_str(&p, e, out + k, &kl)) return 0; /* the key, decoded in place */
            int f = -1;
            for (int i = 0; i < SF_N; i++)
                if (strlen(sf_name[i]) == kl && !memcmp(sf_name[i], out + k, kl)) f = i;
            p = skip_ws(p, e);
            if (p >= e || *p++ != ':') return 0;
            p = skip_ws(p, e);
            if (p >= e || *p++ != '"') return 0;
            size_t vl;
            if (!json_str(&p, e, out + k, &vl)) return 0;
            if (f >= 0) {
                out[k + vl] = 0;
                v->s[f] = out + k;
                v->n[f] = vl;
                k += vl + 1;
            }
            p = skip_ws(p, e);
            if (p < e && *p == ',') {
                p = skip_ws(p + 1, e);
                continue;
            }
            if (p < e && *p == '}') {
                p++;
                break;
            }
            return 0;
        }
    }
    if (skip_ws(p, e) != e) return 0;
    v->buf.len = k;
    return 1;
}

/* Per-search scratch: the stored-data reader and normalization buffers, reused for every
 * candidate and hit (gw_norm_run reuses a gw_norm_text's memory). */
typedef struct scratch {
    sview sv;
    gw_buf text; /* the stored text (gw_stored_text) */
    gw_norm_text body, title, source, docno;
} scratch;

/* The stored text of doc into c->text; "" when it has none or it is unreadable. */
static const char *load_text(const gw_xdoc *doc, scratch *c, size_t *len)
{
    if (gw_stored_text(doc, &c->text, NULL) != GW_OK || !c->text.data) {
        *len = 0;
        return "";
    }
    *len = c->text.len;
    return c->text.data;
}

static void scratch_free(scratch *c)
{
    gw_buf_free(&c->sv.buf);
    gw_buf_free(&c->text);
    gw_norm_text_free(&c->body);
    gw_norm_text_free(&c->title);
    gw_norm_text_free(&c->source);
    gw_norm_text_free(&c->docno);
}

/* Fills hit fields, snippet and marks from a stored document. */
static void fill_hit(gw_hit *h, const gw_xdoc *doc, const gw_query *gq, unsigned chars,
                     int snippets, scratch *c)
{
    size_t dl;
    const char *data = gw_xdoc_data(doc, &dl);
    gw_stored st;
    memset(&st, 0, sizeof st);
    const char *path = "", *title = "", *date = "", *source = "", *docno = "", *text = "";
    size_t tl = 0;
    int slow = 0;
    if (sview_read(&c->sv, data, dl)) {
        path = c->sv.s[SF_PATH];
        title = c->sv.s[SF_TITLE];
        date = c->sv.s[SF_DATE];
        source = c->sv.s[SF_SOURCE];
        docno = c->sv.s[SF_DOCNO];
    } else if (gw_stored_parse(data, dl, &st, NULL) == GW_OK) {
        slow = 1;
        path = st.path;
        title = st.title;
        date = st.date;
        source = st.source;
        docno = st.docno;
    }
    h->path = gw_xstrdup(path);
    h->title = gw_xstrdup(title);
    h->date = gw_xstrdup(date);
    h->source = gw_xstrdup(source);
    h->docno = gw_xstrdup(docno);
    size_t kl;
    const char *key = gw_xdoc_value(doc, GW_SLOT_DUPKEY, &kl);
    h->dupkey = xstrn(key, kl);
    if (!snippets) {
        h->snippet_html = gw_xstrdup("");
        h->snippet_text = gw_xstrdup("");
        if (slow) gw_stored_free(&st);
        return;
    }
    text = load_text(doc, c, &tl);
    gw_span *spans = NULL;
    size_t ns = 0;
    if (gq && tl) {
        const uint32_t *const *pats;
        const size_t *lens;
        const int *fields;
        size_t np = gw_query_patterns(gq, &pats, &lens, &fields);
        /* only patterns that apply to the body text */
        const uint32_t **bp = gw_xcalloc(np + 1, sizeof *bp);
        size_t *bl = gw_xcalloc(np + 1, sizeof *bl);
        size_t nb = 0;
        for (size_t i = 0; i < np; i++)
            if (fields[i] == GW_QF_BODY) {
                bp[nb] = pats[i];
                bl[nb++] = lens[i];
            }
        if (nb) {
            gw_norm_run(text, tl, 0, &c->body);
            ns = gw_snippet_find(&c->body, bp, bl, nb, MAX_MATCHES, &spans);
        }
        free(bp);
        free(bl);
    }
    gw_snippet sn;
    gw_snippet_make(text, tl, spans, ns, chars, &sn);
    h->snippet_html = sn.html;
    h->snippet_text = sn.text;
    h->marks = sn.marks;
    h->n_marks = sn.n_marks;
    free(spans);
    if (slow) gw_stored_free(&st);
}

/* Exact evaluation of the query on one stored document. */
static int verify_doc(const gw_query *gq, const gw_xdoc *doc, scratch *c)
{
    size_t dl;
    const char *data = gw_xdoc_data(doc, &dl);
    gw_stored st;
    memset(&st, 0, sizeof st);
    const char *title, *source, *docno, *text;
    size_t tl;
    int slow = 0;
    if (sview_read(&c->sv, data, dl)) {
        title = c->sv.s[SF_TITLE];
        source = c->sv.s[SF_SOURCE];
        docno = c->sv.s[SF_DOCNO];
    } else {
        if (gw_stored_parse(data, dl, &st, NULL) != GW_OK) return 0;
        slow = 1;
        title = st.title;
        source = st.source;
        docno = st.docno;
    }
    if (gw_stored_text(doc, &c->text, NULL) != GW_OK) {
        if (slow) gw_stored_free(&st);
        return 0;
    }
    text = c->text.data ? c->text.data : "";
    tl = c->text.len;
    gw_norm_run(text, tl, 0, &c->body);
    gw_norm_run(title, strlen(title), 0, &c->title);
    gw_norm_run(source, strlen(source), 0, &c->source);
    gw_norm_run(docno, strlen(docno), 0, &c->docno);
    size_t vl;
    const char *v = gw_xdoc_value(doc, GW_SLOT_DATE, &vl);
    char date[9] = "";
    if (vl == 8) {
        memcpy(date, v, 8);
        date[8] = 0;
    }
    gw_query_doc d = {&c->body, &c->title, &c->source, &c->docno, date};
    int r = gw_query_verify(gq, &d);
    if (slow) gw_stored_free(&st);
    return r;
}

/* ---- facets ------------------------------------------------------------------------------------- */

typedef struct fcount {
    char *value;
    unsigned count;
} fcount;

static void fc_add(fcount **v, size_t *n, size_t *cap, const char *val, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i].value) == len && !memcmp((*v)[i].value, val, len)) {
            (*v)[i].count++;
            return;
        }
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = gw_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[*n].value = gw_xstrndup(val, len);
    (*v)[*n].count = 1;
    (*n)++;
}

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

typedef struct cand {
    gw_docid id;
    double w;
    int pct;
    unsigned similar;
} cand;

static gw_results *search_once(gw_searcher *s, const gw_search_req *rq, const gw_query *gq,
                               gw_err *err)
{
    gw_db *db = s->db;
    int has_text = gq != NULL;
    gw_xquery *xq = has_text ? gw_query_build_ranked(gq, db) : gw_xquery_all();
    /* the same documents, for the facet pass: no weights, the cheapest phrase form */
    gw_xquery *bq = has_text ? gw_query_build_bool(gq, db) : gw_xquery_all();
    /* request filters */
    gw_xquery *filters[5];
    size_t nf = 0;
    if (rq->source && *rq->source)
        filters[nf++] = gw_xquery_value_range(GW_SLOT_SOURCE, rq->source, rq->source);
    if (rq->year > 0) {
        char t[16];
        int l = snprintf(t, sizeof t, "%s%04d", GW_PREFIX_YEAR, rq->year);
        filters[nf++] = gw_xquery_term(t, (size_t)l, 0);
    }
    char lo[9] = "", hi[9] = "";
    if ((rq->from && *rq->from) || (rq->to && *rq->to)) {
        if ((rq->from && *rq->from && !gw_date_parse(rq->from, strlen(rq->from), 0, lo)) ||
            (rq->to && *rq->to && !gw_date_parse(rq->to, strlen(rq->to), 1, hi))) {
            for (size_t i = 0; i < nf; i++) gw_xquery_free(filters[i]);
            gw_xquery_free(xq);
            gw_xquery_free(bq);
            gw_err_set(err, GW_EINVAL, "bad date in from/to (expected YYYY-MM-DD)");
            return NULL;
        }
        filters[nf++] = gw_xquery_value_range(GW_SLOT_DATE, lo[0] ? lo : NULL, hi[0] ? hi : NULL);
    }
    if (rq->similar_to) {
        gw_xdoc *d = gw_db_get_doc(db, rq->similar_to, err);
        if (!d) {
            for (size_t i = 0; i < nf; i++) gw_xquery_free(filters[i]);
            gw_xquery_free(xq);
            gw_xquery_free(bq);
            return NULL;
        }
        size_t kl;
        const char *key = gw_xdoc_value(d, GW_SLOT_DUPKEY, &kl);
        char *k = xstrn(key, kl);
        if (kl) {
            filters[nf++] = gw_xquery_value_range(GW_SLOT_DUPKEY, k, k);
        } else {
            /* no key: the document is only similar to itself */
            size_t dl;
            const char *data = gw_xdoc_data(d, &dl);
            gw_stored st;
            char uid[256];
            size_t ul = 0;
            if (gw_stored_parse(data, dl, &st, NULL) == GW_OK) {
                ul = gw_index_uid_term(st.path, uid, sizeof uid);
                gw_stored_free(&st);
            }
            filters[nf++] = ul ? gw_xquery_term(uid, ul, 0) : gw_xquery_none();
        }
        free(k);
        gw_xdoc_free(d);
    }
    if (nf) {
        gw_xquery *v[6];
        v[0] = xq;
        memcpy(v + 1, filters, nf * sizeof *v);
        gw_xquery *f = gw_xquery_combine(GW_OP_FILTER, v, nf + 1, 0);
        v[0] = bq;
        gw_xquery *fb = gw_xquery_combine(GW_OP_FILTER, v, nf + 1, 0);
        gw_xquery_free(xq);
        for (size_t i = 0; i < nf + 1; i++) gw_xquery_free(v[i]);
        xq = f;
        bq = fb;
    }

    gw_search_opts o = GW_SEARCH_OPTS_INIT;
    int sort = rq->sort;
    if (!has_text && sort == GW_SORT_RELEVANCE) sort = GW_SORT_DATE_DESC;
    if (sort == GW_SORT_DATE_DESC || sort == GW_SORT_DATE_ASC) {
        o.sort_slot = GW_SLOT_DATE;
        o.sort_descending = sort == GW_SORT_DATE_DESC;
        o.relevance_tiebreak = 1;
    }
    int collapse = rq->collapse && !rq->similar_to;
    int verify = has_text && gw_query_needs_verify(gq);
    unsigned limit = rq->limit;
    gw_results *r = gw_xcalloc(1, sizeof *r);
    cand *cands = NULL;
    gw_mset *m = NULL, *fm = NULL;
    scratch sc;
    memset(&sc, 0, sizeof sc);
    if (!verify) {
        o.offset = rq->offset;
        o.limit = limit;
        o.collapse_slot = collapse ? GW_SLOT_DUPKEY : -1;
        gw_search_opts fo = GW_SEARCH_OPTS_INIT;
        if (rq->want_facets) {
            fo.facet_slots[0] = GW_SLOT_SOURCE;
            fo.facet_slots[1] = GW_SLOT_YEAR;
            fo.n_facets = 2;
            fo.facet_max = FACET_VALUES;
            fo.check_at_least = FACET_EXACT;
        }
        if (rq->want_facets && collapse) {
            /* Collapsing while checking 10,000 matches costs more than the match itself
             * (Xapian keeps every key in a map), so the facets come from a separate
             * uncollapsed pass that returns no hits, and the page is matched collapsed
             * without the check. The facet pass also counts the matches per
             * near-duplicate key: when it saw every match, that gives the collapsed
             * total and each hit's "similar" exactly (else Xapian's estimate). */
            fo.offset = 0;
            fo.limit = 0;
            fo.distinct_slot = GW_SLOT_DUPKEY;
            /* weightless: Xapian then skips the ranking boosts (AND_MAYBE branches) */
            gw_xquery *sq = gw_xquery_scale(bq, 0);
            /* a query that reads positions: keep the matches, so that the page pass ranks
             * exactly them without checking positions a second time */
            fo.collect_docids = has_text && gw_query_is_positional(gq);
            fm = gw_db_search(db, sq, &fo, err);
            gw_xquery_free(sq);
            if (!fm) goto fail;
            size_t nid = 0;
            const gw_docid *ids = fo.collect_docids ? gw_mset_docids(fm, &nid) : NULL;
            unsigned flb = gw_mset_lower_bound(fm);
            if (nid && flb == gw_mset_upper_bound(fm) && nid == flb) {
                gw_xquery_free(xq);
                xq = gw_query_build_inset(gq);
                /* only these are weighed: the AND of a phrase's terms alone can have many
                 * more candidates (9,305 for the 1,348 matches of "属机关党建工作") */
                o.accept_ids = ids;
                o.n_accept_ids = nid;
            }
        } else if (rq->want_facets) {
            memcpy(o.facet_slots, fo.facet_slots, sizeof o.facet_slots);
            o.n_facets = fo.n_facets;
            o.facet_max = fo.facet_max;
            o.check_at_least = fo.check_at_least;
        }
        m = gw_db_search(db, xq, &o, err);
        if (!m) goto fail;
        gw_mset *fsrc = fm ? fm : m;
        unsigned lb = gw_mset_lower_bound(m), ub = gw_mset_upper_bound(m);
        r->total = gw_mset_estimated(m);
        r->total_is_exact = lb == ub;
        if (r->total_is_exact) r->total = lb;
        unsigned nkeys = 0, nkeyless = 0;
        /* only when the facet pass saw every match (a single term's count is known
         * without looking at them all) */
        int exact_similar = fm && gw_mset_lower_bound(fm) == gw_mset_upper_bound(fm) &&
                            gw_mset_distinct_seen(fm) == gw_mset_lower_bound(fm) &&
                            gw_mset_distinct(fm, &nkeys, &nkeyless);
        if (exact_similar) {
            /* every match seen: one result per key, one per document without a key */
            r->total = nkeys + nkeyless;
            r->total_is_exact = 1;
        } else if (fm && !r->total_is_exact) {
            /* the uncollapsed pass counted exactly up to FACET_EXACT, the page pass only
             * estimated: near-duplicates are a few percent, so the exact uncollapsed
             * count is the better estimate (Xapian's is often off by a fifth) */
            unsigned flb = gw_mset_lower_bound(fm), fub = gw_mset_upper_bound(fm);
            if (flb == fub) r->total = flb;
            else if (gw_mset_estimated(fm) > r->total) r->total = gw_mset_estimated(fm);
            if (r->total < lb) r->total = lb;
            if (r->total > ub) r->total = ub;
        }
        size_t n = gw_mset_size(m);
        cands = gw_xcalloc(n + 1, sizeof *cands);
        for (size_t i = 0; i < n; i++) {
            cands[i].id = gw_mset_docid(m, i);
            cands[i].w = gw_mset_weight(m, i);
            cands[i].pct = gw_mset_percent(m, i);
            cands[i].similar = collapse ? gw_mset_collapse_count(m, i) : 0;
        }
        if (rq->want_facets) {
            for (unsigned f = 0; f < 2; f++) {
                size_t nv = gw_mset_facet_count(fsrc, f);
                gw_facet *fv = gw_xcalloc(nv + 1, sizeof *fv);
                size_t k = 0;
                for (size_t j = 0; j < nv; j++) {
                    size_t vl;
                    const char *v = gw_mset_facet_value(fsrc, f, j, &vl);
                    if (!vl) continue;
                    fv[k].value = gw_xstrndup(v, vl);
                    fv[k].count = gw_mset_facet_freq(fsrc, f, j);
                    k++;
                }
                qsort(fv, k, sizeof *fv, f == 0 ? facet_by_count : facet_by_value_desc);
                if (f == 0) {
                    r->facet_source = fv;
                    r->n_facet_source = k;
                } else {
                    r->facet_year = fv;
                    r->n_facet_year = k;
                }
            }
        }
        for (size_t i = 0; i < n; i++) {
            const gw_xdoc *d = gw_mset_doc(m, i, err);
            if (!d) goto fail;
            gw_hit *h;
            r->hits = gw_xrealloc(r->hits, (r->n_hits + 1) * sizeof *r->hits);
            h = &r->hits[r->n_hits++];
            memset(h, 0, sizeof *h);
            h->id = cands[i].id;
            h->score = cands[i].w;
            h->percent = cands[i].pct;
            h->similar = cands[i].similar;
            fill_hit(h, d, gq, rq->snippet_chars, !rq->no_snippets, &sc);
            if (exact_similar && collapse) {
                size_t kl;
                const char *key = gw_xdoc_value(d, GW_SLOT_DUPKEY, &kl);
                unsigned f = kl ? gw_mset_distinct_freq(fm, key, kl) : 0;
                h->similar = f > 1 ? f - 1 : 0;
            }
        }
    } else {
        /* candidates from the index, each checked against its text; then collapse,
         * facets and the page by hand */
        o.offset = 0;
        o.limit = VERIFY_CAP;
        o.collapse_slot = -1;
        o.check_at_least = 0;
        m = gw_db_search(db, xq, &o, err);
        if (!m) goto fail;
        size_t n = gw_mset_size(m);
        vcand *vc = gw_xcalloc(n + 1, sizeof *vc);
        size_t nv = 0;
        size_t examined = 0;
        for (size_t i = 0; i < n; i++) {
            /* past VERIFY_FULL candidates, stop once the page is safely filled: the total
             * and the facets are then extrapolated (total_is_exact = 0) */
            if (i >= VERIFY_FULL && nv >= 2 * ((size_t)rq->offset + limit) + 10) break;
            examined++;
            const gw_xdoc *d = gw_mset_doc(m, i, err);
            if (!d) {
                vcand_free(vc, nv);
                goto fail;
            }
            if (!verify_doc(gq, d, &sc)) continue;
            size_t l;
            const char *v;
            vc[nv].idx = i;
            vc[nv].order = nv;
            v = gw_xdoc_value(d, GW_SLOT_DUPKEY, &l);
            vc[nv].key = xstrn(v, l);
            v = gw_xdoc_value(d, GW_SLOT_SOURCE, &l);
            vc[nv].source = xstrn(v, l);
            v = gw_xdoc_value(d, GW_SLOT_YEAR, &l);
            vc[nv].year = xstrn(v, l);
            nv++;
        }
        if (collapse && nv) {
            /* keep the best (first) of each key: group by key, then restore order */
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
        fcount *fs = NULL, *fy = NULL;
        size_t nfs = 0, cfs = 0, nfy = 0, cfy = 0;
        size_t kept = 0;
        for (size_t i = 0; i < nv; i++) {
            if (vc[i].dropped) continue;
            if (rq->want_facets) {
                if (vc[i].source[0]) fc_add(&fs, &nfs, &cfs, vc[i].source, strlen(vc[i].source));
                if (vc[i].year[0]) fc_add(&fy, &nfy, &cfy, vc[i].year, strlen(vc[i].year));
            }
            if (kept >= rq->offset && kept < (size_t)rq->offset + limit) {
                const gw_xdoc *d = gw_mset_doc(m, vc[i].idx, err);
                if (!d) {
                    vcand_free(vc, nv);
                    goto fail;
                }
                r->hits = gw_xrealloc(r->hits, (r->n_hits + 1) * sizeof *r->hits);
                gw_hit *h = &r->hits[r->n_hits++];
                memset(h, 0, sizeof *h);
                h->id = gw_mset_docid(m, vc[i].idx);
                h->score = gw_mset_weight(m, vc[i].idx);
                h->percent = gw_mset_percent(m, vc[i].idx);
                h->similar = vc[i].similar;
                fill_hit(h, d, gq, rq->snippet_chars, !rq->no_snippets, &sc);
            }
            kept++;
        }
        r->total = (unsigned)kept;
        r->total_is_exact = n < VERIFY_CAP && examined == n;
        if (examined < n && examined)
            r->total = (unsigned)((double)kept * (double)gw_mset_estimated(m) / (double)examined);
        if (rq->want_facets) {
            r->facet_source = gw_xcalloc(nfs + 1, sizeof *r->facet_source);
            for (size_t i = 0; i < nfs; i++) {
                r->facet_source[i].value = fs[i].value;
                r->facet_source[i].count = fs[i].count;
            }
            r->n_facet_source = nfs;
            qsort(r->facet_source, nfs, sizeof *r->facet_source, facet_by_count);
            while (r->n_facet_source > FACET_VALUES) free(r->facet_source[--r->n_facet_source].value);
            r->facet_year = gw_xcalloc(nfy + 1, sizeof *r->facet_year);
            for (size_t i = 0; i < nfy; i++) {
                r->facet_year[i].value = fy[i].value;
                r->facet_year[i].count = fy[i].count;
            }
            r->n_facet_year = nfy;
            qsort(r->facet_year, nfy, sizeof *r->facet_year, facet_by_value_desc);
        }
        free(fs);
        free(fy);
        vcand_free(vc, nv);
    }
    gw_mset_free(m);
    gw_mset_free(fm);
    free(cands);
    scratch_free(&sc);
    gw_xquery_free(xq);
    gw_xquery_free(bq);
    return r;
fail:
    gw_mset_free(m);
    gw_mset_free(fm);
    free(cands);
    scratch_free(&sc);
    gw_xquery_free(xq);
    gw_xquery_free(bq);
    gw_results_free(r);
    return NULL;
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
        json_object_set_new(p, "text", json_string(b2.data ? b2.data : ""));
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
} search_ctx;

static void *search_attempt(gw_searcher *s, void *ctx, gw_err *err)
{
    search_ctx *c = ctx;
    return search_once(s, c->rq, c->gq, err);
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
    search_ctx ctx = {rq, gq};
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
            r->explain_json = json_dumps(o, JSON_COMPACT);
            if (!r->explain_json) r->explain_json = gw_xstrdup("{}");
            json_decref(o);
        } else {
            r->explain = gw_xstrdup("");
            r->explain_json = gw_xstrdup("");
        }
        r->took_ms = now_ms() - t0;
    }
    gw_query_free(gq);
    return r;
}

/* ---- JSON ----------------------------------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

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

static json_t *facets_json(const gw_facet *f, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", jstr(f[i].value));
        json_object_set_new(o, "count", json_integer(f[i].count));
        json_array_append_new(a, o);
    }
    return a;
}

char *gw_results_to_json(const gw_results *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", jstr(r->query_norm));
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "total_is_exact", json_boolean(r->total_is_exact));
    json_object_set_new(o, "took_ms", json_real((double)(long)(r->took_ms * 1000) / 1000));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++) {
        const gw_hit *h = &r->hits[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_integer(h->id));
        json_object_set_new(j, "path", jstr(h->path));
        json_object_set_new(j, "title", jstr(h->title));
        json_object_set_new(j, "date", jstr(h->date));
        json_object_set_new(j, "source", jstr(h->source));
        json_object_set_new(j, "docno", jstr(h->docno));
        json_object_set_new(j, "score", json_real(h->score));
        json_object_set_new(j, "percent", json_integer(h->percent));
        /* The API's shape: HTML for pages, text + offsets for scripts. */
        json_object_set_new(j, "snippet_html", jstr(h->snippet_html));
        json_t *sn = json_object();
        json_object_set_new(sn, "text", jstr(h->snippet_text));
        json_object_set_new(sn, "marks", marks_json(h->snippet_text, h->marks, h->n_marks, 0));
        json_object_set_new(sn, "marks_utf16",
                            marks_json(h->snippet_text, h->marks, h->n_marks, 1));
        json_object_set_new(j, "snippet", sn);
        json_object_set_new(j, "similar", json_integer(h->similar));
        json_object_set_new(j, "dupkey", jstr(h->dupkey));
        json_array_append_new(hits, j);
    }
    json_object_set_new(o, "hits", hits);
    json_t *f = json_object();
    json_object_set_new(f, "source", facets_json(r->facet_source, r->n_facet_source));
    json_object_set_new(f, "year", facets_json(r->facet_year, r->n_facet_year));
    json_object_set_new(o, "facets", f);
    if (r->explain_json && r->explain_json[0]) {
        json_t *e = json_loads(r->explain_json, 0, NULL);
        if (e) json_object_set_new(o, "explain", e);
        json_object_set_new(o, "explain_text", jstr(r->explain));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    return s ? s : gw_xstrdup("{}");
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
    free(d->path);
    free(d->title);
    free(d->date);
    free(d->source);
    free(d->docno);
    free(d->encoding);
    free(d->html);
    free(d->text);
    free(d->marks);
    free(d);
}

char *gw_docview_to_json(const gw_docview *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    json_object_set_new(o, "path", jstr(d->path));
    json_object_set_new(o, "title", jstr(d->title));
    json_object_set_new(o, "date", jstr(d->date));
    json_object_set_new(o, "source", jstr(d->source));
    json_object_set_new(o, "docno", jstr(d->docno));
    json_object_set_new(o, "encoding", jstr(d->encoding));
    json_object_set_new(o, "html", jstr(d->html));
    json_object_set_new(o, "text", jstr(d->text));
    json_object_set_new(o, "marks", marks_json(d->text, d->marks, d->n_marks, 0));
    json_object_set_new(o, "marks_utf16", marks_json(d->text, d->marks, d->n_marks, 1));
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    return s ? s : gw_xstrdup("{}");
}
