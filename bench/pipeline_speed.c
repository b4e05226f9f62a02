/* pipeline_speed: MB/s of the text pipeline alone (no Xapian), on the given files, each
 * repeated until about TARGET_MB of input (default 64) has gone through each stage:
 *   norm        gw_norm_run on the file's bytes (UTF-8 expected)
 *   norm+token  gw_norm_run + gw_token_run (counting tokens)
 *   full        gw_doc_parse (decode, HTML, clean, metadata) + norm + token, per file:
 *               "decode to tokens", the figure issue 4 asks for (>= 20 MB/s)
 * Build and run (from the repository root):
 *   make build/libgongwen.a
 *   cc -O2 -D_GNU_SOURCE -Ilib bench/pipeline_speed.c build/libgongwen.a \
 *      $(pkg-config --libs libmicrohttpd opencc uchardet libutf8proc friso jansson inih \
 *      libxml-2.0 liblz4) $(xapian-config --libs) -lstdc++ -lpthread -lm -o build/pipeline_speed
 *   build/pipeline_speed corpus/0*.txt
 * Prints one line per stage: "<stage>: N MB in S s = X MB/s" (S is CPU seconds of the
 * one thread doing the work). */
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: the figure is "per core" and stays meaningful on a busy
 * machine (wall-clock time would count the time other processes held the CPU). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_tok(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                     gw_span orig)
{
    (void)kind; (void)pos; (void)orig;
    unsigned long *n = ctx;
    *n += 1 + (len & 1) + (unsigned char)term[0] % 2; /* touch the term */
    return 0;
}

static void report(const char *stage, double bytes, double secs)
{
    printf("%s: %.1f MB in %.3f s = %.1f MB/s\n", stage, bytes / 1e6, secs,
           bytes / 1e6 / secs);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...  (TARGET_MB=64 in the environment)\n", argv[0]);
        return 2;
    }
    const char *tm = getenv("TARGET_MB");
    double target = (tm ? atof(tm) : 64) * 1e6;
    int nf = argc - 1;
    gw_buf *files = calloc((size_t)nf, sizeof *files);
    double total = 0;
    for (int i = 0; i < nf; i++) {
        FILE *f = fopen(argv[i + 1], "rb");
        if (!f) {
            perror(argv[i + 1]);
            return 1;
        }
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            gw_buf_append(&files[i], tmp, n);
        fclose(f);
        total += (double)files[i].len;
    }
    if (total == 0)
        return 1;
    long reps = (long)(target / total) + 1;
    gw_norm_init(NULL);
    gw_norm_text t = {0};
    unsigned long ntok = 0;
    double bytes = total * (double)reps;

    double t0 = now();
    for (long r = 0; r < reps; r++)
        for (int i = 0; i < nf; i++)
            gw_norm_run(files[i].data, files[i].len, 0, &t);
    report("norm", bytes, now() - t0);

    t0 = now();
    for (long r = 0; r < reps; r++)
        for (int i = 0; i < nf; i++) {
            gw_norm_run(files[i].data, files[i].len, 0, &t);
            gw_token_run(&t, 1, count_tok, &ntok, NULL);
        }
    report("norm+token", bytes, now() - t0);

    int failed = 0;
    t0 = now();
    for (long r = 0; r < reps; r++)
        for (int i = 0; i < nf; i++) {
            gw_doc d;
            gw_err err;
            if (gw_doc_parse(files[i].data, files[i].len, argv[i + 1], NULL, &d, &err)) {
                failed++;
                continue;
            }
            gw_norm_run(d.text, d.len, 0, &t);
            gw_token_run(&t, 1, count_tok, &ntok, NULL);
            gw_doc_free(&d);
        }
    report("full (decode..tokens)", bytes, now() - t0);
    if (failed)
        printf("(%d parse failures)\n", failed);
    printf("(%lu)\n", ntok);
    gw_norm_text_free(&t);
    for (int i = 0; i < nf; i++)
        gw_buf_free(&files[i]);
    free(files);
    return 0;
}
