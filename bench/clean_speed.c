/* clean_speed: MB/s of the front of the pipeline (gw_doc_parse = decode -> HTML ->
 * clean -> metadata) and of gw_clean_run alone, on the given files.
 *   make build/libgongwen.a
 *   cc -O2 -D_GNU_SOURCE -Ilib bench/clean_speed.c build/libgongwen.a \
 *      $(pkg-config --libs uchardet jansson libxml-2.0) -lpthread -o build/clean_speed
 *   build/clean_speed corpus/0*.txt
 * Two shapes, about TARGET_MB (default 64) of input each:
 *   per-file: each file parsed as its own document, over and over (what the indexer does);
 *   one-big:  the files concatenated and repeated into one document (long-text paths).
 * Prints "stage: N MB in S s CPU = X MB/s" per stage (CPU time of the process, one
 * thread: the figure does not depend on what else the machine runs). */
#include "gw_buf.h"
#include "gw_clean.h"
#include "gw_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this process: on a shared machine, wall time measures the neighbours. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, size_t bytes, double s)
{
    double mb = (double)bytes / (1024.0 * 1024.0);
    printf("%s: %.1f MB in %.3f s CPU = %.1f MB/s\n", what, mb, s, mb / s);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...  (TARGET_MB=64 in the environment)\n", argv[0]);
        return 2;
    }
    const char *tm = getenv("TARGET_MB");
    size_t target = (size_t)(tm ? atof(tm) : 64) * 1024 * 1024;
    int nf = argc - 1;
    gw_buf *files = calloc((size_t)nf, sizeof *files);
    size_t total = 0;
    for (int i = 0; i < nf; i++) {
        FILE *f = fopen(argv[i + 1], "rb");
        if (!f) {
            perror(argv[i + 1]);
            return 1;
        }
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) gw_buf_append(&files[i], tmp, n);
        fclose(f);
        total += files[i].len;
    }
    if (!total) return 1;

    /* per-file */
    size_t done = 0, sink = 0;
    double t0 = now();
    while (done < target) {
        for (int i = 0; i < nf; i++) {
            gw_doc d;
            gw_err err;
            if (gw_doc_parse(files[i].data, files[i].len, argv[i + 1], NULL, &d, &err) != GW_OK) {
                fprintf(stderr, "%s: %s\n", argv[i + 1], err.msg);
                return 1;
            }
            sink += d.len + strlen(d.title);
            gw_doc_free(&d);
            done += files[i].len;
        }
    }
    report("doc_parse per-file (decode+clean+meta)", done, now() - t0);

    /* one big document */
    gw_buf big = {0};
    while (big.len < target)
        for (int i = 0; i < nf; i++) {
            gw_buf_append(&big, files[i].data, files[i].len);
            gw_buf_putc(&big, '\n');
        }
    t0 = now();
    gw_doc d;
    gw_err err;
    if (gw_doc_parse(big.data, big.len, "big.txt", NULL, &d, &err) != GW_OK) {
        fprintf(stderr, "big: %s\n", err.msg);
        return 1;
    }
    report("doc_parse one-big (decode+clean+meta)", big.len, now() - t0);
    sink += d.len;
    gw_doc_free(&d);

    /* clean alone, per-file (the input is UTF-8 already) */
    done = 0;
    t0 = now();
    while (done < target) {
        for (int i = 0; i < nf; i++) {
            gw_clean_result r;
            gw_clean_run(NULL, files[i].data, files[i].len, &r, NULL);
            sink += r.len;
            gw_clean_result_free(&r);
            done += files[i].len;
        }
    }
    report("clean_run per-file", done, now() - t0);
    fprintf(stderr, "(checksum %zu)\n", sink);
    for (int i = 0; i < nf; i++) gw_buf_free(&files[i]);
    free(files);
    gw_buf_free(&big);
    return 0;
}
