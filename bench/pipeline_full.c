/* bench/pipeline_full.c: the whole text pipeline alone, as the indexer runs it per file:
 * gw_doc_parse (decode, HTML, clean, metadata) -> gw_norm_run -> gw_token_run, one
 * thread, on files read into memory first, so that neither the disk nor Xapian is
 * measured. (bench/pipeline_speed.c measures normalize + tokenize alone on UTF-8.)
 * Reads file paths, one per line, on stdin; prints one JSON object:
 * {"files":…, "bytes":…, "seconds":…, "mb_s":…, "tokens":…, "failed":…}. */
#include "gw_doc.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct file { char *name, *data; size_t len; } file;

static int count_tok(void *ctx, gw_tok_kind kind, const char *term, size_t term_len,
                     uint32_t pos, gw_span orig)
{
    (void)kind; (void)term; (void)term_len; (void)pos; (void)orig;
    ++*(size_t *)ctx;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    gw_err err;
    memset(&err, 0, sizeof err);
    if (gw_norm_init(&err) != 0) {
        fprintf(stderr, "pipeline_full: gw_norm_init failed\n");
        return 1;
    }
    gw_clean_rules *rules = gw_clean_rules_new(NULL, &err);
    file *fs = NULL;
    size_t n = 0, cap = 0, bytes = 0;
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        FILE *f = fopen(line, "rb");
        if (!f)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            file *nf = realloc(fs, cap * sizeof *fs);
            if (!nf)
                return 1;
            fs = nf;
        }
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        fs[n].data = malloc(sz > 0 ? (size_t)sz : 1);
        fs[n].len = sz > 0 ? fread(fs[n].data, 1, (size_t)sz, f) : 0;
        fs[n].name = strdup(line);
        bytes += fs[n].len;
        n++;
        fclose(f);
    }
    size_t tokens = 0, failed = 0;
    gw_norm_text nt;
    memset(&nt, 0, sizeof nt);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        gw_doc d;
        memset(&d, 0, sizeof d);
        if (gw_doc_parse(fs[i].data, fs[i].len, fs[i].name, rules, &d, &err) != 0) {
            failed++;
            continue;
        }
        gw_norm_run(d.text, d.len, 0, &nt);
        gw_token_run(&nt, 0, count_tok, &tokens, NULL);
        gw_doc_free(&d);
    }
    double dt = now() - t0;
    printf("{\"files\": %zu, \"bytes\": %zu, \"seconds\": %.4f, \"mb_s\": %.3f, "
           "\"tokens\": %zu, \"failed\": %zu}\n",
           n, bytes, dt, dt > 0 ? (double)bytes / 1e6 / dt : 0.0, tokens, failed);
    gw_norm_text_free(&nt);
    gw_clean_rules_free(rules);
    for (size_t i = 0; i < n; i++) {
        free(fs[i].data);
        free(fs[i].name);
    }
    free(fs);
    return 0;
}
