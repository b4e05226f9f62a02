/* search_latency.c: single-thread latency of the search core, per query kind.
 *
 *   search_latency -d DB [--passes P] [--warmup W] [--kind K] [--size N] [--no-facets]
 *                  [--no-collapse] [--no-snippets] [--csv FILE] [--json FILE] QUERIES.tsv
 *
 * QUERIES.tsv: one query a line, "kind<TAB>query" (see bench/search_latency_queries.py).
 * Each query runs W warm-up times, then P measured times, through gw_searcher_search
 * exactly as gongwen-searchd calls it for GET /search?q=… (10 hits, snippets, facets,
 * collapsing), then gw_results_to_json (searchd builds the JSON too). For each kind:
 * the median and the 99th percentile of the per-query figures (the median of a query's
 * P passes, so one preemption does not count), in thread CPU time (the machine is shared:
 * wall time is reported beside it) — one line per kind, plus "all".
 *
 * --json FILE writes each query's answer (gw_results_to_json of its last pass), one a
 * line after "kind<TAB>query<TAB>": two builds answer the same when these lines are
 * equal but for "took_ms".
 *
 * Instruction counts (stable on a noisy machine): run under
 *   valgrind --tool=callgrind --collect-atstart=no search_latency --callgrind …
 * (--instr-atstart=no), which instruments only the measured runs and dumps one profile
 * per run of consecutive queries of one kind ("kind:NAME" in the dump's "desc: Trigger"
 * line); `callgrind_annotate DUMP | grep "PROGRAM TOTALS"` gives its instructions (the
 * file's own "summary:" line stays 0 when instrumentation is switched on and off). With
 * --per-query, one dump per query instead. Built without valgrind's headers, the
 * brackets do nothing.
 *
 * Build (against the tree's library):
 *   make build/libgongwen.a && cc -std=c11 -O2 -g -D_GNU_SOURCE -Ilib -Ibuild/gen \
 *     -o build/search_latency bench/search_latency.c build/libgongwen.a \
 *     $(pkg-config --libs libutf8proc friso jansson opencc uchardet inih libxml-2.0 liblz4) \
 *     $(xapian-config --libs) -lstdc++ -lpthread -lm
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gw_query.h"
#include "gw_search.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define CALLGRIND_DUMP_STATS_AT(x) (void)(x)
#define CALLGRIND_ZERO_STATS
#endif

typedef struct query {
    char *kind, *q;
    double cpu, wall; /* median of the passes, ms */
    unsigned total;
} query;

static double clock_ms(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, size_t n, double p)
{
    if (!n) return 0;
    size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (k < 1) k = 1;
    if (k > n) k = n;
    return v[k - 1];
}

static void usage(void)
{
    fprintf(stderr, "usage: search_latency -d DB [--passes P] [--warmup W] [--kind K] "
                    "[--size N] [--no-facets] [--no-collapse] [--no-snippets] [--callgrind] "
                    "[--per-query] [--csv FILE] [--json FILE] QUERIES.tsv\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *only = NULL, *csv = NULL, *json = NULL;
    int passes = 5, warmup = 1, facets = 1, collapse = 1, cg = 0, per_query = 0;
    unsigned size = 10, snippet_chars = 0;
    static const struct option lo[] = {
        {"db", required_argument, 0, 'd'},      {"passes", required_argument, 0, 'p'},
        {"warmup", required_argument, 0, 'w'},  {"kind", required_argument, 0, 'k'},
        {"size", required_argument, 0, 's'},    {"no-facets", no_argument, 0, 'F'},
        {"no-collapse", no_argument, 0, 'C'},   {"no-snippets", no_argument, 0, 'S'},
        {"callgrind", no_argument, 0, 'g'},     {"per-query", no_argument, 0, 'Q'},
        {"csv", required_argument, 0, 'o'},     {"json", required_argument, 0, 'j'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:p:w:k:s:", lo, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': passes = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'k': only = optarg; break;
        case 's': size = (unsigned)atoi(optarg); break;
        case 'F': facets = 0; break;
        case 'C': collapse = 0; break;
        case 'S': snippet_chars = 1; break; /* one character: the snippet work shrinks */
        case 'g': cg = 1; break;
        case 'Q': per_query = 1; break;
        case 'o': csv = optarg; break;
        case 'j': json = optarg; break;
        default: usage();
        }
    }
    if (!db || optind != argc - 1 || passes < 1) usage();
    FILE *f = fopen(argv[optind], "r");
    if (!f) {
        perror(argv[optind]);
        return 1;
    }
    query *qs = NULL;
    size_t nq = 0, capq = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        char *tab = strchr(line, '\t');
        if (!tab || line[0] == '#') continue;
        *tab = 0;
        if (only && strcmp(line, only)) continue;
        if (nq == capq) {
            capq = capq ? 2 * capq : 256;
            qs = realloc(qs, capq * sizeof *qs);
        }
        qs[nq].kind = strdup(line);
        qs[nq].q = strdup(tab + 1);
        nq++;
    }
    free(line);
    fclose(f);
    gw_err err;
    gw_searcher *s = gw_searcher_open(db, &err);
    if (!s) {
        fprintf(stderr, "search_latency: %s\n", err.msg);
        return 1;
    }
    gw_query_init(NULL);
    FILE *jf = NULL;
    if (json && !(jf = fopen(json, "w"))) {
        perror(json);
        return 1;
    }
    double *cpu = malloc((size_t)passes * sizeof *cpu), *wall = malloc((size_t)passes * sizeof *wall);
    const char *cur_kind = NULL;
    for (size_t i = 0; i < nq; i++) {
        gw_search_req rq = GW_SEARCH_REQ_INIT;
        rq.q = qs[i].q;
        rq.limit = size;
        rq.want_facets = facets;
        rq.collapse = collapse;
        rq.snippet_chars = snippet_chars;
        for (int w = 0; w < warmup; w++) {
            gw_results *r = gw_searcher_search(s, &rq, &err);
            if (!r) {
                fprintf(stderr, "search_latency: %s: %s\n", qs[i].q, err.msg);
                return 1;
            }
            char *j = gw_results_to_json(r);
            free(j);
            gw_results_free(r);
        }
        if (cg && !per_query && (!cur_kind || strcmp(cur_kind, qs[i].kind))) {
            if (cur_kind) {
                char name[128];
                snprintf(name, sizeof name, "kind:%s", cur_kind);
                CALLGRIND_DUMP_STATS_AT(name);
            }
            cur_kind = qs[i].kind;
        }
        if (cg) CALLGRIND_START_INSTRUMENTATION;
        for (int p = 0; p < passes; p++) {
            double c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID), w0 = clock_ms(CLOCK_MONOTONIC);
            gw_results *r = gw_searcher_search(s, &rq, &err);
            if (!r) {
                fprintf(stderr, "search_latency: %s: %s\n", qs[i].q, err.msg);
                return 1;
            }
            char *j = gw_results_to_json(r);
            if (jf && p == passes - 1) fprintf(jf, "%s\t%s\t%s\n", qs[i].kind, qs[i].q, j);
            free(j);
            qs[i].total = r->total;
            gw_results_free(r);
            cpu[p] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
            wall[p] = clock_ms(CLOCK_MONOTONIC) - w0;
        }
        if (cg) CALLGRIND_STOP_INSTRUMENTATION;
        if (cg && per_query) {
            char name[600];
            snprintf(name, sizeof name, "query:%s:%zu", qs[i].kind, i);
            CALLGRIND_DUMP_STATS_AT(name);
        }
        qsort(cpu, (size_t)passes, sizeof *cpu, dbl_cmp);
        qsort(wall, (size_t)passes, sizeof *wall, dbl_cmp);
        qs[i].cpu = cpu[passes / 2];
        qs[i].wall = wall[passes / 2];
    }
    if (cg && !per_query && cur_kind) {
        char name[128];
        snprintf(name, sizeof name, "kind:%s", cur_kind);
        CALLGRIND_DUMP_STATS_AT(name);
    }
    gw_searcher_close(s);
    if (jf) fclose(jf);
    if (csv) {
        FILE *o = fopen(csv, "w");
        if (o) {
            fprintf(o, "kind\tcpu_ms\twall_ms\ttotal\tquery\n");
            for (size_t i = 0; i < nq; i++)
                fprintf(o, "%s\t%.3f\t%.3f\t%u\t%s\n", qs[i].kind, qs[i].cpu, qs[i].wall,
                        qs[i].total, qs[i].q);
            fclose(o);
        }
    }
    /* per kind, in order of first appearance, then all */
    printf("%-16s %5s %9s %9s %9s %9s %9s  %s\n", "kind", "n", "cpu p50", "cpu p99",
           "cpu max", "wall p50", "wall p99", "slowest (cpu)");
    double *vc = malloc((nq + 1) * sizeof *vc), *vw = malloc((nq + 1) * sizeof *vw);
    for (size_t i = 0; i <= nq; i++) {
        const char *k = i < nq ? qs[i].kind : NULL;
        if (k) {
            int seen = 0;
            for (size_t j = 0; j < i; j++)
                if (!strcmp(qs[j].kind, k)) seen = 1;
            if (seen) continue;
        }
        size_t m = 0;
        const char *slow = "";
        double slowv = -1;
        for (size_t j = 0; j < nq; j++) {
            if (k && strcmp(qs[j].kind, k)) continue;
            vc[m] = qs[j].cpu;
            vw[m] = qs[j].wall;
            if (qs[j].cpu > slowv) {
                slowv = qs[j].cpu;
                slow = qs[j].q;
            }
            m++;
        }
        qsort(vc, m, sizeof *vc, dbl_cmp);
        qsort(vw, m, sizeof *vw, dbl_cmp);
        printf("%-16s %5zu %9.2f %9.2f %9.2f %9.2f %9.2f  %s\n", k ? k : "all", m, pct(vc, m, 50),
               pct(vc, m, 99), m ? vc[m - 1] : 0, pct(vw, m, 50), pct(vw, m, 99), slow);
    }
    free(vc);
    free(vw);
    free(cpu);
    free(wall);
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].kind);
        free(qs[i].q);
    }
    free(qs);
    return 0;
}
