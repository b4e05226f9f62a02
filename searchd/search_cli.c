/* search_cli.c: gongwen-search, the command-line search for scripts and tests.
 *
 *   gongwen-search [-c CONF] [-d DB] [--json] [--explain] [--size N] [--page N]
 *                  [--sort relevance|date|-date] [--source S] [--year Y] [--from D] [--to D]
 *                  [--no-collapse] [--similar ID] [--snippet-chars N] [--no-facets] [--ids]
 *                  QUERY
 *   gongwen-search [-d DB] [--json] --batch         (one query per line on stdin)
 *   gongwen-search [-d DB] [--json] --doc ID [QUERY]
 *   gongwen-search --normalize TEXT
 *
 * --json prints exactly the JSON the daemon's /search answers (gw_results_to_json).
 * Exit codes (man/gongwen-search.1): 0 hits found, 1 no hits, 2 usage error or bad
 * query, 3 database missing or unreadable, 4 any other error. */
#include "gw_buf.h"
#include "gw_config.h"
#include "gw_json.h"
#include "gw_mark.h"
#include "gw_norm.h"
#include "gw_query.h"
#include "gw_search.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EX_HITS = 0, EX_NONE = 1, EX_USAGE = 2, EX_DB = 3, EX_OTHER = 4 };

static void usage(FILE *f)
{
    fputs("usage: gongwen-search [-c CONF] [-d DB] [--json] [--explain] [--size N] [--page N]\n"
          "                      [--sort relevance|date|-date] [--source S] [--year Y]\n"
          "                      [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--no-collapse]\n"
          "                      [--similar ID] [--snippet-chars N] [--no-facets] [--no-snippets]\n"
          "                      [--ids] QUERY\n"
          "       gongwen-search [-d DB] [--json] --batch   (queries on stdin, one a line)\n"
          "       gongwen-search [-d DB] [--json] --doc ID [QUERY]\n"
          "       gongwen-search --normalize TEXT\n"
          "Query syntax: \"exact phrase\", words (AND), OR, -word, ( ), title: source: docno:\n"
          "date:2023-01-01..2023-12-31 year:2023 (see docs/query-syntax.md).\n",
          f);
}

static int exit_for(const gw_err *e)
{
    switch (e->code) {
    case GW_EINVAL: return EX_USAGE;
    case GW_ENOTFOUND: case GW_EIO: case GW_ECORRUPT: case GW_ELOCKED: return EX_DB;
    default: return EX_OTHER;
    }
}

static unsigned parse_uint(const char *s, const char *what, unsigned max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > max) {
        fprintf(stderr, "gongwen-search: bad %s '%s' (0..%u)\n", what, s, max);
        exit(EX_USAGE);
    }
    return (unsigned)v;
}

/* Text for the terminal: the plain text with 【】 around the marks. */
static void print_marked(const char *text, const gw_mark *mk, size_t n)
{
    gw_buf b = {0};
    gw_mark_text(&b, text, strlen(text), mk, n, GW_MARK_TEXT_OPEN, GW_MARK_TEXT_CLOSE);
    fwrite(b.data, 1, b.len, stdout);
    gw_buf_free(&b);
}

/* The batch mode's line for a query that failed: {"error":{"code":"EINVAL"}}. */
static void print_error_json(const gw_err *err)
{
    json_t *o = json_pack("{s:{s:o}}", "error", "code", gw_json_str(gw_code_name(err->code)));
    char *j = gw_json_dump(o, GW_JSON_COMPACT);
    puts(j);
    free(j);
    json_decref(o);
}

static void print_text(const gw_results *r, const gw_search_req *rq, int explain, int ids)
{
    if (ids) {
        for (size_t i = 0; i < r->n_hits; i++)
            printf("%u\t%s\n", r->hits[i].id, r->hits[i].path);
        return;
    }
    if (explain && r->explain[0]) printf("%s\n", r->explain);
    printf("%s%u result%s (%.1f ms)", r->total_is_exact ? "" : "about ", r->total,
           r->total == 1 ? "" : "s", r->took_ms);
    if (r->total > rq->offset + r->n_hits || rq->offset)
        printf(", showing %u-%u", rq->offset + (r->n_hits ? 1 : 0),
               rq->offset + (unsigned)r->n_hits);
    printf("\n");
    if (r->timed_out)
        printf("(stopped at the time limit of %u ms: the count is an estimate and some "
               "matches may be missing)\n", rq->time_limit_ms);
    for (size_t i = 0; i < r->n_hits; i++) {
        const gw_hit *h = &r->hits[i];
        printf("\n%zu. %s\n", rq->offset + i + 1, h->title[0] ? h->title : "(no title)");
        printf("   %s%s%s%s%s  [%u] %s\n", h->date, h->date[0] && h->source[0] ? "  " : "",
               h->source, h->docno[0] ? "  " : "", h->docno, h->id, h->path);
        printf("   ");
        print_marked(h->snippet_text, h->marks, h->n_marks);
        printf("\n");
        if (h->similar)
            printf("   %u similar: gongwen-search --similar %u ...\n", h->similar, h->id);
    }
    if (r->n_facet_source || r->n_facet_year) {
        printf("\nsources:");
        for (size_t i = 0; i < r->n_facet_source && i < 8; i++)
            printf(" %s (%u)%s", r->facet_source[i].value, r->facet_source[i].count,
                   i + 1 < r->n_facet_source && i < 7 ? "," : "");
        printf("\nyears:  ");
        for (size_t i = 0; i < r->n_facet_year && i < 12; i++)
            printf(" %s (%u)%s", r->facet_year[i].value, r->facet_year[i].count,
                   i + 1 < r->n_facet_year && i < 11 ? "," : "");
        printf("\n");
    }
}

/* What the command line asks for. */
typedef struct cli {
    const char *conf, *db, *doc;
    int json, explain, ids, batch, normalize;
    unsigned size, page;
    gw_search_req rq; /* the options that go straight into every search */
    char year[32], from[64], to[64]; /* --year, --from, --to folded (fold_arg) */
} cli;

/* A year or date as typed, folded as queries are (an input method's full-width digits,
 * ２０２３－０９), into buf; returns buf. */
static const char *fold_arg(const char *s, char *buf, size_t size)
{
    char *f = gw_norm_string(s, strlen(s), NULL);
    snprintf(buf, size, "%s", f);
    free(f);
    return buf;
}

static int parse_sort(const char *s)
{
    if (!strcmp(s, "relevance")) return GW_SORT_RELEVANCE;
    if (!strcmp(s, "-date")) return GW_SORT_DATE_DESC;
    if (!strcmp(s, "date")) return GW_SORT_DATE_ASC;
    fprintf(stderr, "gongwen-search: bad --sort '%s' (relevance, date, -date)\n", s);
    exit(EX_USAGE);
}

/* Reads the options into c (optind is left at the first QUERY word); returns -1 to go
 * on, or the exit code when there is nothing more to do (--help, a usage error). */
static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'},  {"db", required_argument, 0, 'd'},
        {"json", no_argument, 0, 'j'},          {"explain", no_argument, 0, 'e'},
        {"size", required_argument, 0, 's'},    {"page", required_argument, 0, 'p'},
        {"sort", required_argument, 0, 'o'},    {"source", required_argument, 0, 'S'},
        {"year", required_argument, 0, 'Y'},    {"from", required_argument, 0, 'F'},
        {"to", required_argument, 0, 'T'},      {"no-collapse", no_argument, 0, 'C'},
        {"similar", required_argument, 0, 'm'}, {"snippet-chars", required_argument, 0, 'n'},
        {"ids", no_argument, 0, 'i'},           {"batch", no_argument, 0, 'b'},
        {"doc", required_argument, 0, 'D'},     {"normalize", no_argument, 0, 'N'},
        {"no-facets", no_argument, 0, 'f'},     {"help", no_argument, 0, 'h'},
        {"no-snippets", no_argument, 0, 'x'},
        {0, 0, 0, 0}};
    gw_search_req *rq = &c->rq;
    int o;
    while ((o = getopt_long(argc, argv, "c:d:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': c->conf = optarg; break;
        case 'd': c->db = optarg; break;
        case 'j': c->json = 1; break;
        case 'e': c->explain = 1; break;
        case 's': c->size = parse_uint(optarg, "size", 1000000); break;
        case 'p': c->page = parse_uint(optarg, "page", 1000000); break;
        case 'o': rq->sort = parse_sort(optarg); break;
        case 'S': rq->source = optarg; break;
        case 'Y':
            rq->year = (int)parse_uint(fold_arg(optarg, c->year, sizeof c->year), "year", 9999);
            break;
        case 'F': rq->from = fold_arg(optarg, c->from, sizeof c->from); break;
        case 'T': rq->to = fold_arg(optarg, c->to, sizeof c->to); break;
        case 'C': rq->collapse = 0; break;
        case 'm': rq->similar_to = parse_uint(optarg, "similar document id", 4000000000u); break;
        case 'n': rq->snippet_chars = parse_uint(optarg, "snippet-chars", 100000); break;
        case 'i': c->ids = 1; rq->no_snippets = 1; break;
        case 'x': rq->no_snippets = 1; break;
        case 'b': c->batch = 1; break;
        case 'D': c->doc = optarg; break;
        case 'N': c->normalize = 1; break;
        case 'f': rq->want_facets = 0; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    return -1;
}

/* The words argv[first..argc) joined by spaces, into out. */
static void join_args(int argc, char **argv, int first, gw_buf *out)
{
    for (int i = first; i < argc; i++) {
        if (i > first) gw_buf_putc(out, ' ');
        gw_buf_puts(out, argv[i]);
    }
}

/* --normalize: the matching form of a text (the arguments, or stdin), for brute-force
 * comparisons in tests. */
static int run_normalize(int argc, char **argv)
{
    gw_err err;
    gw_buf in = {0};
    if (optind < argc) {
        join_args(argc, argv, optind, &in);
    } else {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) gw_buf_append(&in, buf, n);
    }
    if (gw_norm_init(&err)) {
        fprintf(stderr, "gongwen-search: %s\n", err.msg);
        gw_buf_free(&in);
        return EX_OTHER;
    }
    size_t ol;
    char *o = gw_norm_string(in.data ? in.data : "", in.len, &ol);
    fwrite(o, 1, ol, stdout);
    if (optind < argc) putchar('\n');
    free(o);
    gw_buf_free(&in);
    return 0;
}

/* Prints a JSON text of lib's (one line) and frees it. */
static void print_json(char *j)
{
    puts(j);
    free(j);
}

/* One answer: the daemon's JSON with --json, else the terminal form. */
static void print_results(const gw_results *r, const gw_search_req *rq, const cli *c)
{
    if (c->json)
        print_json(gw_results_to_json(r));
    else
        print_text(r, rq, c->explain, c->ids);
}

/* The search request for query q with the page, size and explanation asked for. */
static gw_search_req request(const cli *c, const char *q)
{
    gw_search_req r = c->rq;
    r.q = q;
    r.offset = (c->page - 1) * c->size;
    r.limit = c->size;
    r.want_explain = c->explain;
    return r;
}

/* --doc ID [QUERY]: one document, its matches of the query marked. */
static int run_doc(gw_searcher *s, const cli *c, const char *q)
{
    gw_err err;
    gw_err_clear(&err);
    gw_docview *v = gw_searcher_get_doc(s, c->doc, q, &err);
    if (!v) {
        fprintf(stderr, "gongwen-search: %s\n", err.msg);
        return err.code == GW_ENOTFOUND ? EX_NONE : exit_for(&err);
    }
    if (c->json) {
        print_json(gw_docview_to_json(v));
    } else {
        printf("%s\n%s  %s  %s\n\n", v->title, v->date, v->source, v->path);
        print_marked(v->text, v->marks, v->n_marks);
        printf("\n");
    }
    gw_docview_free(v);
    return EX_HITS;
}

/* --batch: one query per line of stdin; one answer (or an error object) per line. */
static int run_batch(gw_searcher *s, const cli *c)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        gw_search_req r1 = request(c, line);
        gw_err err;
        gw_err_clear(&err);
        gw_results *r = gw_searcher_search(s, &r1, &err);
        if (!r) {
            print_error_json(&err);
            continue;
        }
        print_results(r, &r1, c);
        fflush(stdout);
        gw_results_free(r);
    }
    free(line);
    return EX_HITS;
}

/* QUERY: one search; the exit code says whether anything was found. */
static int run_query(gw_searcher *s, const cli *c, const char *q)
{
    gw_err err;
    gw_err_clear(&err);
    gw_search_req rq = request(c, q);
    gw_results *r = gw_searcher_search(s, &rq, &err);
    if (!r) {
        fprintf(stderr, "gongwen-search: %s\n", err.msg);
        return exit_for(&err);
    }
    print_results(r, &rq, c);
    int rc = r->total ? EX_HITS : EX_NONE;
    gw_results_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {.size = 10, .page = 1, .rq = GW_SEARCH_REQ_INIT};
    int rc = parse_args(argc, argv, &c);
    if (rc >= 0) return rc;
    if (c.normalize) return run_normalize(argc, argv);
    const gw_search_req *rq = &c.rq;
    if (!c.batch && !c.doc && optind >= argc && !rq->similar_to && !rq->source && !rq->year &&
        !rq->from && !rq->to) {
        usage(stderr);
        return EX_USAGE;
    }
    gw_err err;
    gw_err_clear(&err);
    gw_config *cfg = gw_config_new();
    if (c.conf && gw_config_load(cfg, c.conf, &err)) {
        fprintf(stderr, "gongwen-search: %s\n", err.msg);
        gw_config_free(cfg);
        return EX_USAGE;
    }
    if (!c.db) c.db = cfg->database;
    if (!c.rq.snippet_chars) c.rq.snippet_chars = cfg->snippet_chars;
    c.rq.max_query_bytes = cfg->max_query_bytes;
    c.rq.time_limit_ms = cfg->time_limit_ms;
    gw_searcher *s = gw_searcher_open(c.db, &err);
    if (!s) {
        fprintf(stderr, "gongwen-search: %s: %s\n", c.db, err.msg);
        gw_config_free(cfg);
        return exit_for(&err) == EX_USAGE ? EX_DB : exit_for(&err);
    }
    gw_buf q = {0};
    join_args(argc, argv, optind, &q);
    if (c.doc) {
        rc = run_doc(s, &c, q.data);
    } else {
        gw_query_init(cfg->dictionary);
        rc = c.batch ? run_batch(s, &c) : run_query(s, &c, q.data);
    }
    gw_buf_free(&q);
    gw_searcher_close(s);
    gw_config_free(cfg);
    return rc;
}
