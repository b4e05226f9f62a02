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

int main(int argc, char **argv)
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
    const char *conf = NULL, *db = NULL, *doc = NULL;
    int json = 0, explain = 0, ids = 0, batch = 0, normalize = 0;
    unsigned size = 10, page = 1;
    gw_search_req rq = GW_SEARCH_REQ_INIT;
    int c;
    while ((c = getopt_long(argc, argv, "c:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': conf = optarg; break;
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'e': explain = 1; break;
        case 's': size = parse_uint(optarg, "size", 1000000); break;
        case 'p': page = parse_uint(optarg, "page", 1000000); break;
        case 'o':
            if (!strcmp(optarg, "relevance")) rq.sort = GW_SORT_RELEVANCE;
            else if (!strcmp(optarg, "-date")) rq.sort = GW_SORT_DATE_DESC;
            else if (!strcmp(optarg, "date")) rq.sort = GW_SORT_DATE_ASC;
            else {
                fprintf(stderr, "gongwen-search: bad --sort '%s' (relevance, date, -date)\n", optarg);
                return EX_USAGE;
            }
            break;
        case 'S': rq.source = optarg; break;
        case 'Y': rq.year = (int)parse_uint(optarg, "year", 9999); break;
        case 'F': rq.from = optarg; break;
        case 'T': rq.to = optarg; break;
        case 'C': rq.collapse = 0; break;
        case 'm': rq.similar_to = parse_uint(optarg, "similar document id", 4000000000u); break;
        case 'n': rq.snippet_chars = parse_uint(optarg, "snippet-chars", 100000); break;
        case 'i': ids = 1; rq.no_snippets = 1; break;
        case 'x': rq.no_snippets = 1; break;
        case 'b': batch = 1; break;
        case 'D': doc = optarg; break;
        case 'N': normalize = 1; break;
        case 'f': rq.want_facets = 0; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    gw_err err;
    gw_err_clear(&err);
    if (normalize) {
        /* the matching form of a text, for brute-force comparisons in tests */
        gw_buf in = {0};
        if (optind < argc) {
            for (int i = optind; i < argc; i++) {
                if (i > optind) gw_buf_putc(&in, ' ');
                gw_buf_puts(&in, argv[i]);
            }
        } else {
            char buf[65536];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) gw_buf_append(&in, buf, n);
        }
        if (gw_norm_init(&err)) {
            fprintf(stderr, "gongwen-search: %s\n", err.msg);
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
    if (!batch && !doc && optind >= argc && !rq.similar_to && !rq.source && !rq.year &&
        !rq.from && !rq.to) {
        usage(stderr);
        return EX_USAGE;
    }
    gw_config *cfg = gw_config_new();
    if (conf && gw_config_load(cfg, conf, &err)) {
        fprintf(stderr, "gongwen-search: %s\n", err.msg);
        gw_config_free(cfg);
        return EX_USAGE;
    }
    if (!db) db = cfg->database;
    if (!rq.snippet_chars) rq.snippet_chars = cfg->snippet_chars;
    rq.max_query_bytes = cfg->max_query_bytes;
    gw_searcher *s = gw_searcher_open(db, &err);
    if (!s) {
        fprintf(stderr, "gongwen-search: %s: %s\n", db, err.msg);
        gw_config_free(cfg);
        return exit_for(&err) == EX_USAGE ? EX_DB : exit_for(&err);
    }
    gw_buf q = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind) gw_buf_putc(&q, ' ');
        gw_buf_puts(&q, argv[i]);
    }
    int rc = EX_NONE;
    if (doc) {
        gw_docview *v = gw_searcher_get_doc(s, doc, q.data, &err);
        if (!v) {
            fprintf(stderr, "gongwen-search: %s\n", err.msg);
            rc = err.code == GW_ENOTFOUND ? EX_NONE : exit_for(&err);
        } else {
            if (json) {
                char *j = gw_docview_to_json(v);
                puts(j);
                free(j);
            } else {
                printf("%s\n%s  %s  %s\n\n", v->title, v->date, v->source, v->path);
                print_marked(v->text, v->marks, v->n_marks);
                printf("\n");
            }
            rc = EX_HITS;
            gw_docview_free(v);
        }
    } else if (batch) {
        gw_query_init(cfg->dictionary);
        /* one query per line; one JSON object (or an error object) per line */
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        rc = EX_HITS;
        while ((n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
            gw_search_req r1 = rq;
            r1.q = line;
            r1.offset = (page - 1) * size;
            r1.limit = size;
            r1.want_explain = explain;
            gw_results *r = gw_searcher_search(s, &r1, &err);
            if (!r) {
                print_error_json(&err);
                continue;
            }
            if (json) {
                char *j = gw_results_to_json(r);
                puts(j);
                free(j);
            } else {
                print_text(r, &r1, explain, ids);
            }
            fflush(stdout);
            gw_results_free(r);
        }
        free(line);
    } else {
        gw_query_init(cfg->dictionary);
        rq.q = q.data;
        rq.offset = (page - 1) * size;
        rq.limit = size;
        rq.want_explain = explain;
        gw_results *r = gw_searcher_search(s, &rq, &err);
        if (!r) {
            fprintf(stderr, "gongwen-search: %s\n", err.msg);
            rc = exit_for(&err);
        } else {
            if (json) {
                char *j = gw_results_to_json(r);
                puts(j);
                free(j);
            } else {
                print_text(r, &rq, explain, ids);
            }
            rc = r->total ? EX_HITS : EX_NONE;
            gw_results_free(r);
        }
    }
    gw_buf_free(&q);
    gw_searcher_close(s);
    gw_config_free(cfg);
    return rc;
}
