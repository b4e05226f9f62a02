/* metrics.h: counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Lock-free: every counter is a relaxed atomic, so recording costs a few nanoseconds on
 * the request path. The struct lives in the server (no globals); all functions are
 * thread-safe. */
#ifndef SD_METRICS_H
#define SD_METRICS_H

#include "gw_buf.h"

#include <stdatomic.h>

/* Statuses counted one by one; anything else lands in "other". */
#define SD_METRICS_STATUSES {200, 204, 304, 400, 404, 405, 413, 414, 429, 431, 500, 503}
#define SD_METRICS_NSTATUS 12
/* Latency histogram bucket bounds, seconds (Prometheus' defaults, finer at the low end
 * where a search lives). */
#define SD_METRICS_BUCKETS {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
#define SD_METRICS_NBUCKET 12

enum sd_route { SD_ROUTE_SEARCH, SD_ROUTE_PLAIN, SD_ROUTE_PAGE, SD_ROUTE_DOC, SD_ROUTE_HEALTH,
                SD_ROUTE_METRICS, SD_ROUTE_OTHER, SD_ROUTE_N };

typedef struct sd_metrics {
    atomic_ulong by_status[SD_METRICS_NSTATUS + 1];
    atomic_ulong by_route[SD_ROUTE_N];
    atomic_ulong bucket[SD_METRICS_NBUCKET + 1]; /* not cumulative; +Inf last */
    atomic_ulong latency_us_sum;
    atomic_ulong reopens;        /* database reopened (new revision or new stub) */
    atomic_ulong retries;        /* searches the search core ran again on a newer revision
                                    or database (seen as a change of
                                    gw_searcher_generation during the search) */
    atomic_ulong busy;           /* refused with 429/503 */
    atomic_ulong damaged;        /* answered 500: the database is damaged (GW_ECORRUPT) */
    atomic_ulong damaged_mark;   /* reopens + 1 when the last damage was met, 0 never: /health
                                    fails until the database changes (a reopen) */
    atomic_long connections;     /* open right now */
    atomic_long in_flight;       /* requests between arrival and completion */
    long start_time;             /* seconds since the epoch */
} sd_metrics;

void sd_metrics_init(sd_metrics *m);
/* Records a finished request. status 0 = closed before we answered. */
void sd_metrics_record(sd_metrics *m, int route, int status, double seconds);
/* Appends the Prometheus text. docs/revision describe the serving database (< 0 when
 * none is open). */
void sd_metrics_render(const sd_metrics *m, gw_buf *out, long docs, long revision,
                       unsigned threads);

#endif
