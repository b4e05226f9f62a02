/* progress.c: what the operator sees while files are read.
 *
 * stderr is a terminal: one line redrawn at most 5 times a second,
 *   [#########.........]  41%  8200/20000 files  35.2 MB  210 files/s  0.9 MB/s  ETA 56s
 * otherwise (cron, systemd, a pipe): a plain log line every 10 seconds, so journald gets
 * a heartbeat without megabytes of carriage returns. Nothing with --quiet. ETA is from
 * bytes (the time goes into text, not into file counts). */
#include "indexer.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct ix_progress {
    int tty, quiet, drawn;
    unsigned long files_total;
    unsigned long long bytes_total;
    double t0, last;
};

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static ix_progress *current; /* for ix_progress_clear before other output */

ix_progress *ix_progress_new(const ix_opts *o, unsigned long files_total,
                             unsigned long long bytes_total)
{
    ix_progress *p = gw_xcalloc(1, sizeof *p);
    p->tty = isatty(STDERR_FILENO);
    p->quiet = o->verbosity == IX_QUIET;
    p->files_total = files_total;
    p->bytes_total = bytes_total;
    p->t0 = p->last = now();
    current = p;
    return p;
}

static void fmt_eta(double s, char *buf, size_t n)
{
    if (s < 0 || s > 1e7) snprintf(buf, n, "?");
    else if (s < 60) snprintf(buf, n, "%.0fs", s);
    else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

void ix_progress_update(ix_progress *p, unsigned long files_done, unsigned long long bytes_done)
{
    if (!p || p->quiet) return;
    double t = now();
    double period = p->tty ? 0.2 : 10.0;
    if (t - p->last < period && files_done < p->files_total) return;
    p->last = t;
    double el = t - p->t0;
    if (el <= 0) el = 1e-3;
    double fps = files_done / el, mbps = bytes_done / el / 1e6;
    double frac = p->bytes_total ? (double)bytes_done / (double)p->bytes_total
                  : p->files_total ? (double)files_done / (double)p->files_total : 1;
    char eta[32];
    fmt_eta(frac > 0 ? el / frac - el : -1, eta, sizeof eta);
    if (p->tty) {
        char bar[21];
        int k = (int)(frac * 20);
        for (int i = 0; i < 20; i++) bar[i] = i < k ? '#' : '.';
        bar[20] = 0;
        fprintf(stderr, "\r[%s] %3.0f%%  %lu/%lu files  %.1f MB  %.0f files/s  %.2f MB/s  ETA %s\033[K",
                bar, frac * 100, files_done, p->files_total, bytes_done / 1e6, fps, mbps, eta);
        p->drawn = 1;
    } else {
        fprintf(stderr, "gongwen-indexer: progress %lu/%lu files, %.1f/%.1f MB, %.0f files/s, "
                "%.2f MB/s, ETA %s\n", files_done, p->files_total, bytes_done / 1e6,
                p->bytes_total / 1e6, fps, mbps, eta);
    }
    fflush(stderr);
}

void ix_progress_clear(ix_progress *p)
{
    if (!p) p = current;
    if (p && p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

void ix_progress_free(ix_progress *p)
{
    if (!p) return;
    ix_progress_clear(p);
    if (current == p) current = NULL;
    free(p);
}
