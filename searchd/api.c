/* api.c: the machine-facing routes: GET /search (JSON), GET /q=... (plain text or JSON),
 * GET /doc/{id}, GET /health, GET /metrics, and the search runner the page shares.
 * The search itself (parsing, Xapian, snippets, facets, JSON of results) is lib/gw_search. */
#include "api.h"

#include "gw_err.h"
#include "gw_json.h"
#include "json.h"
#include "log.h"
#include "page.h"
#include "searcher.h"
#include "cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef GW_VERSION
#define GW_VERSION "0.1.0"
#endif

static void reply_from_err(sd_request *rq, sd_reply *r, const gw_err *err, int html, int doc)
{
    sd_metrics *m = &rq->srv->metrics;
    switch (err->code) {
    case GW_ECORRUPT:
        /* Counted, and /health fails until the database changes; queries that do not
         * touch the damaged part go on being answered. */
        atomic_fetch_add_explicit(&m->damaged, 1, memory_order_relaxed);
        atomic_store(&m->damaged_mark, atomic_load(&m->reopens) + 1);
        sd_reply_error(r, 500, html, "database damaged: %s (the administrator should run "
                       "gongwen-indexer --check, then --rebuild)", err->msg);
        break;
    case GW_EINVAL: sd_reply_error(r, 400, html, "%s", err->msg); break;
    case GW_ENOTFOUND:
        if (doc)
            sd_reply_error(r, 404, html, "%s", err->msg);
        else
            sd_reply_error(r, 503, html, "database not available: %s", err->msg);
        break;
    case GW_EMODIFIED:
    case GW_EIO:
    case GW_ELOCKED:
        /* What is left after the search core's retries (gw_search.h, convention 2): the
         * index is being rewritten faster than it can be read. */
        sd_reply_error(r, 503, html, "database busy: %s; retry shortly", err->msg);
        r->retry_after = 1;
        break;
    default: sd_reply_error(r, 500, html, "internal error: %s", err->msg);
    }
}

/* A search or document read on a searcher: NULL with err set on failure. */
typedef void *(*run_fn)(gw_searcher *s, void *ctx, gw_err *err);

/* Runs fn once on this thread's searcher (searcher.h says which one serves the request;
 * the search core retries on its own when the database moved under it). NULL with r
 * filled with the error reply. */
static void *run(sd_request *rq, run_fn fn, void *ctx, sd_reply *r, int html, int doc)
{
    gw_err err;
    gw_err_clear(&err);
    sd_worker *w = sd_worker_get(rq->srv, rq->cfg, &err);
    if (!w) {
        sd_reply_error(r, 503, html, "database not available: %s", err.msg);
        r->retry_after = 5;
        return NULL;
    }
    gw_searcher *s = sd_worker_searcher(w);
    unsigned long gen = gw_searcher_generation(s);
    void *res = fn(s, ctx, &err);
    unsigned long moved = gw_searcher_generation(s) - gen;
    if (moved) {
        /* The core ran it again on a newer view: counted here, where the metrics live. */
        sd_metrics *m = &rq->srv->metrics;
        atomic_fetch_add_explicit(&m->retries, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->reopens, moved, memory_order_relaxed);
    }
    if (res)
        return res;
    if (err.code != GW_EINVAL && !(doc && err.code == GW_ENOTFOUND))
        sd_log(SD_LOG_WARN, "search failed: %s: %s", gw_code_name(err.code), err.msg);
    reply_from_err(rq, r, &err, html, doc);
    return NULL;
}

static void cache_key(const sd_request *rq, gw_buf *k)
{
    gw_buf_putc(k, rq->want_json ? 'j' : rq->want_html ? 'h' : '-');
    gw_buf_append(k, rq->path, rq->path_len);
    gw_buf_putc(k, '?');
    gw_buf_append(k, rq->query, rq->query_len);
}

int sd_cache_serve(sd_request *rq, sd_reply *r)
{
    gw_err err;
    sd_worker *w = sd_worker_get(rq->srv, rq->cfg, &err);
    if (!w || !sd_worker_cache(w))
        return 0;
    gw_buf k = {0};
    cache_key(rq, &k);
    sd_cache_hit h;
    int hit = sd_cache_get(sd_worker_cache(w), sd_worker_epoch(w), k.data, k.len, &h);
    gw_buf_free(&k);
    if (!hit)
        return 0;
    r->status = h.status;
    r->ctype = h.ctype;
    r->cached = 1;
    gw_buf_reset(&r->body);
    gw_buf_append(&r->body, h.body, h.len);
    return 1;
}

void sd_cache_keep(sd_request *rq, const sd_reply *r)
{
    if (r->status != 200)
        return;
    /* No freshness check here: the answer belongs to the revision the search ran on,
     * which is the one the worker holds now (a check could move it past the answer). */
    sd_worker *w = sd_worker_current(rq->srv);
    if (!w || !sd_worker_cache(w))
        return;
    gw_buf k = {0};
    cache_key(rq, &k);
    sd_cache_put(sd_worker_cache(w), sd_worker_epoch(w), k.data, k.len, r->status, r->ctype,
                 r->body.data ? r->body.data : "", r->body.len);
    gw_buf_free(&k);
}

typedef struct search_ctx {
    gw_search_req req;
} search_ctx;

static void *do_search(gw_searcher *s, void *ctx, gw_err *err)
{
    return gw_searcher_search(s, &((search_ctx *)ctx)->req, err);
}

gw_results *sd_run_search(sd_request *rq, const sd_params *p, int html, sd_reply *r)
{
    search_ctx c;
    gw_search_req init = GW_SEARCH_REQ_INIT;
    c.req = init;
    c.req.q = p->q;
    c.req.offset = (p->page - 1) * p->size;
    c.req.limit = p->size;
    c.req.sort = p->sort == SD_SORT_DATE_DESC  ? GW_SORT_DATE_DESC
                 : p->sort == SD_SORT_DATE_ASC ? GW_SORT_DATE_ASC
                                               : GW_SORT_RELEVANCE;
    c.req.source = p->source;
    c.req.year = p->year;
    c.req.from = p->from[0] ? p->from : NULL;
    c.req.to = p->to[0] ? p->to : NULL;
    c.req.collapse = p->collapse;
    c.req.snippet_chars = rq->cfg->snippet_chars;
    c.req.time_limit_ms = rq->cfg->time_limit_ms;
    c.req.want_facets = p->facets;
    /* On by default: the explanation is what a user with zero hits needs. explain=false
     * saves its work (and its bytes) for clients that never show it. */
    c.req.want_explain = p->explain;
    c.req.similar_to = p->similar;
    c.req.max_query_bytes = rq->cfg->max_query_bytes;
    return run(rq, do_search, &c, r, html, 0);
}

typedef struct doc_ctx {
    const char *id, *q;
} doc_ctx;

static void *do_doc(gw_searcher *s, void *ctx, gw_err *err)
{
    doc_ctx *c = ctx;
    return gw_searcher_get_doc(s, c->id, c->q, err);
}

/* Parses and checks a request's parameters; on failure fills r (400). */
static int get_params(sd_request *rq, sd_params *p, int html, int need_q, sd_reply *r)
{
    sd_limits lim = sd_request_limits(rq);
    sd_perr pe;
    if (sd_params_parse(rq->query, rq->query_len, &lim, p, &pe) < 0 ||
        (need_q && sd_params_check(p, &lim, &pe) < 0)) {
        sd_reply_error(r, pe.status, html, "%s", pe.msg);
        return -1;
    }
    return 0;
}

/* A JSON body (a malloc'ed text, freed here) and its content type. */
static const char *put_json(gw_buf *b, char *json)
{
    gw_buf_puts(b, json);
    gw_buf_putc(b, '\n');
    free(json);
    return "application/json; charset=utf-8";
}

void sd_reply_results(sd_request *rq, const sd_params *p, int html, sd_render_fn render,
                      sd_reply *r)
{
    gw_results *res = sd_run_search(rq, p, html, r);
    if (!res)
        return;
    r->status = 200;
    r->ctype = render(&r->body, p, res);
    gw_results_free(res);
    sd_cache_keep(rq, r);
}

static const char *render_json(gw_buf *b, const sd_params *p, const gw_results *res)
{
    (void)p;
    return put_json(b, gw_results_to_json(res));
}

void sd_handle_search(sd_request *rq, sd_reply *r)
{
    sd_params p;
    if (sd_cache_serve(rq, r))
        return;
    if (get_params(rq, &p, 0, 1, r) == 0)
        sd_reply_results(rq, &p, 0, render_json, r);
    sd_params_free(&p);
}

/* The plain-text answer for curl: a header line, then one block per hit. */
static const char *render_plain(gw_buf *b, const sd_params *p, const gw_results *res)
{
    gw_buf_printf(b, "%s: %s%u %s (%.1f ms)\n", p->q, res->total_is_exact ? "" : "about ",
                  res->total, res->total == 1 ? "result" : "results", res->took_ms);
    if (res->n_hits == 0 && res->explain[0])
        gw_buf_printf(b, "%s\n", res->explain);
    for (size_t i = 0; i < res->n_hits; i++) {
        const gw_hit *h = &res->hits[i];
        gw_buf_printf(b, "\n%u. %s\n", (p->page - 1) * p->size + (unsigned)i + 1,
                      h->title[0] ? h->title : h->path);
        gw_buf_puts(b, "   ");
        if (h->date[0])
            gw_buf_printf(b, "%s · ", h->date);
        if (h->source[0])
            gw_buf_printf(b, "%s · ", h->source);
        gw_buf_printf(b, "%s\n   ", h->path);
        gw_mark_text(b, h->snippet_text, strlen(h->snippet_text), h->marks, h->n_marks,
                     GW_MARK_TEXT_OPEN, GW_MARK_TEXT_CLOSE);
        gw_buf_putc(b, '\n');
        if (h->similar)
            gw_buf_printf(b, "   (+%u similar)\n", h->similar);
    }
    unsigned shown = (p->page - 1) * p->size + (unsigned)res->n_hits;
    if (shown < res->total)
        gw_buf_printf(b, "\n(%u more: add ?page=%u)\n", res->total - shown, p->page + 1);
    return "text/plain; charset=utf-8";
}

void sd_handle_plain(sd_request *rq, sd_reply *r)
{
    sd_params p;
    sd_limits lim = sd_request_limits(rq);
    sd_perr pe;
    gw_buf q = {0};
    if (sd_cache_serve(rq, r))
        return;
    if (sd_params_parse(rq->query, rq->query_len, &lim, &p, &pe) < 0)
        goto bad;
    /* The path form: everything after "/q=" is the query, '+' a space as in forms. */
    if (sd_pct_decode(rq->path + 3, rq->path_len - 3, 1, &q) < 0) {
        pe.status = 400;
        snprintf(pe.msg, sizeof pe.msg, "query: invalid percent-encoding or UTF-8");
        goto bad;
    }
    free(p.q);
    p.q = gw_buf_steal(&q, NULL);
    if (sd_params_check(&p, &lim, &pe) < 0)
        goto bad;
    sd_reply_results(rq, &p, 0, rq->want_json ? render_json : render_plain, r);
    sd_params_free(&p);
    return;
bad:
    gw_buf_free(&q);
    sd_params_free(&p);
    sd_reply_error(r, pe.status, 0, "%s", pe.msg);
}

void sd_handle_doc(sd_request *rq, sd_reply *r)
{
    int html = rq->want_html;
    sd_params p;
    gw_buf id = {0};
    if (get_params(rq, &p, html, 0, r) < 0)
        goto out;
    if (p.q && strlen(p.q) > rq->cfg->max_query_bytes) {
        sd_reply_error(r, 400, html, "query too long: %zu bytes, at most %zu", strlen(p.q),
                       rq->cfg->max_query_bytes);
        goto out;
    }
    if (sd_pct_decode(rq->path + 5, rq->path_len - 5, 0, &id) < 0 || id.len == 0) {
        sd_reply_error(r, 400, html, "document id: invalid percent-encoding or UTF-8");
        goto out;
    }
    doc_ctx c = {id.data, p.q && *p.q ? p.q : NULL};
    gw_docview *d = run(rq, do_doc, &c, r, html, 1);
    if (d) {
        if (html) {
            r->status = 200;
            r->ctype = "text/html; charset=utf-8";
            sd_page_doc(&r->body, d, c.q);
        } else {
            r->status = 200;
            r->ctype = put_json(&r->body, gw_docview_to_json(d));
        }
        gw_docview_free(d);
    }
out:
    gw_buf_free(&id);
    sd_params_free(&p);
}

void sd_handle_health(sd_request *rq, sd_reply *r)
{
    gw_err err;
    r->ctype = "application/json; charset=utf-8";
    sd_worker *w = sd_worker_get(rq->srv, rq->cfg, &err);
    json_t *o = json_object();
    if (!w) {
        char msg[400];
        snprintf(msg, sizeof msg, "database not available: %s", err.msg);
        r->status = 503;
        r->retry_after = 5;
        json_object_set_new(o, "status", json_string("unavailable"));
        json_object_set_new(o, "error", sd_json_error_new(503, msg));
    } else if (atomic_load(&rq->srv->metrics.damaged_mark) ==
               atomic_load(&rq->srv->metrics.reopens) + 1) {
        r->status = 500;
        json_object_set_new(o, "status", json_string("damaged"));
        json_object_set_new(o, "error",
                            sd_json_error_new(500, "a search met a damaged database since it was "
                                                   "last opened: run gongwen-indexer --check"));
    } else {
        long docs, rev;
        sd_worker_info(w, &docs, &rev);
        r->status = 200;
        json_object_set_new(o, "status", json_string("ok"));
        json_object_set_new(o, "documents", json_integer(docs));
        json_object_set_new(o, "revision", json_integer(rev));
    }
    json_object_set_new(o, "database", gw_json_str(rq->cfg->database));
    json_object_set_new(o, "version", gw_json_str(GW_VERSION));
    json_object_set_new(o, "uptime_s",
                        json_integer((long)time(NULL) - rq->srv->metrics.start_time));
    gw_json_append(&r->body, o, GW_JSON_COMPACT);
    gw_buf_putc(&r->body, '\n');
    json_decref(o);
}

void sd_handle_metrics(sd_request *rq, sd_reply *r)
{
    gw_err err;
    long docs = -1, rev = -1;
    sd_worker *w = sd_worker_get(rq->srv, rq->cfg, &err);
    if (w)
        sd_worker_info(w, &docs, &rev);
    r->status = 200;
    r->ctype = "text/plain; version=0.0.4; charset=utf-8";
    sd_metrics_render(&rq->srv->metrics, &r->body, docs, rev,
                      (unsigned)rq->srv->n_daemons);
}
