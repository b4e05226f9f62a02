/* metrics.c: see metrics.h. */
#include "metrics.h"

#include <string.h>
#include <time.h>

static const int statuses[SD_METRICS_NSTATUS] = SD_METRICS_STATUSES;
static const double bounds[SD_METRICS_NBUCKET] = SD_METRICS_BUCKETS;
static const char *const route_names[SD_ROUTE_N] = {"search", "plain", "page",   "doc",
                                                    "health", "metrics", "other"};

void sd_metrics_init(sd_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->start_time = (long)time(NULL);
}

void sd_metrics_record(sd_metrics *m, int route, int status, double seconds)
{
    if (status == 0)
        return;
    int s = SD_METRICS_NSTATUS;
    for (int i = 0; i < SD_METRICS_NSTATUS; i++)
        if (statuses[i] == status) {
            s = i;
            break;
        }
    atomic_fetch_add_explicit(&m->by_status[s], 1, memory_order_relaxed);
    if (route >= 0 && route < SD_ROUTE_N)
        atomic_fetch_add_explicit(&m->by_route[route], 1, memory_order_relaxed);
    int b = SD_METRICS_NBUCKET;
    for (int i = 0; i < SD_METRICS_NBUCKET; i++)
        if (seconds <= bounds[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_us_sum, (unsigned long)(seconds * 1e6 + 0.5),
                              memory_order_relaxed);
}

static unsigned long rd(const atomic_ulong *a)
{
    return atomic_load_explicit((atomic_ulong *)a, memory_order_relaxed);
}

void sd_metrics_render(const sd_metrics *m, gw_buf *out, long docs, long revision,
                       unsigned threads)
{
    gw_buf_puts(out, "# HELP gongwen_http_requests_total HTTP requests answered, by status.\n"
                     "# TYPE gongwen_http_requests_total counter\n");
    for (int i = 0; i <= SD_METRICS_NSTATUS; i++) {
        if (i < SD_METRICS_NSTATUS)
            gw_buf_printf(out, "gongwen_http_requests_total{status=\"%d\"} %lu\n", statuses[i],
                          rd(&m->by_status[i]));
        else
            gw_buf_printf(out, "gongwen_http_requests_total{status=\"other\"} %lu\n",
                          rd(&m->by_status[i]));
    }
    gw_buf_puts(out, "# HELP gongwen_http_requests_by_route_total HTTP requests, by endpoint.\n"
                     "# TYPE gongwen_http_requests_by_route_total counter\n");
    for (int i = 0; i < SD_ROUTE_N; i++)
        gw_buf_printf(out, "gongwen_http_requests_by_route_total{route=\"%s\"} %lu\n",
                      route_names[i], rd(&m->by_route[i]));
    gw_buf_puts(out, "# HELP gongwen_http_request_duration_seconds Time from request line to "
                     "response queued.\n"
                     "# TYPE gongwen_http_request_duration_seconds histogram\n");
    unsigned long cum = 0;
    for (int i = 0; i < SD_METRICS_NBUCKET; i++) {
        cum += rd(&m->bucket[i]);
        gw_buf_printf(out, "gongwen_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
                      bounds[i], cum);
    }
    cum += rd(&m->bucket[SD_METRICS_NBUCKET]);
    gw_buf_printf(out, "gongwen_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
    gw_buf_printf(out, "gongwen_http_request_duration_seconds_sum %.6f\n",
                  (double)rd(&m->latency_us_sum) / 1e6);
    gw_buf_printf(out, "gongwen_http_request_duration_seconds_count %lu\n", cum);
    gw_buf_printf(out,
                  "# HELP gongwen_documents Documents in the database this worker serves.\n"
                  "# TYPE gongwen_documents gauge\n"
                  "gongwen_documents %ld\n"
                  "# HELP gongwen_revision Revision of the database this worker serves.\n"
                  "# TYPE gongwen_revision gauge\n"
                  "gongwen_revision %ld\n",
                  docs, revision);
    gw_buf_printf(out,
                  "# HELP gongwen_reopens_total Database reopens (new revision or new stub).\n"
                  "# TYPE gongwen_reopens_total counter\n"
                  "gongwen_reopens_total %lu\n"
                  "# HELP gongwen_modified_retries_total Searches the search core ran again on a "
                  "newer revision or database.\n"
                  "# TYPE gongwen_modified_retries_total counter\n"
                  "gongwen_modified_retries_total %lu\n"
                  "# HELP gongwen_busy_total Requests refused with 429 or 503 (limits).\n"
                  "# TYPE gongwen_busy_total counter\n"
                  "gongwen_busy_total %lu\n"
                  "# HELP gongwen_database_damaged_total Requests answered 500 because the "
                  "database is damaged.\n"
                  "# TYPE gongwen_database_damaged_total counter\n"
                  "gongwen_database_damaged_total %lu\n",
                  rd(&m->reopens), rd(&m->retries), rd(&m->busy), rd(&m->damaged));
    gw_buf_printf(out,
                  "# HELP gongwen_connections Open HTTP connections.\n"
                  "# TYPE gongwen_connections gauge\n"
                  "gongwen_connections %ld\n"
                  "# HELP gongwen_worker_threads Worker threads (all listen addresses).\n"
                  "# TYPE gongwen_worker_threads gauge\n"
                  "gongwen_worker_threads %u\n"
                  "# HELP gongwen_start_time_seconds Start time of the daemon.\n"
                  "# TYPE gongwen_start_time_seconds gauge\n"
                  "gongwen_start_time_seconds %ld\n",
                  atomic_load_explicit((atomic_long *)&m->connections, memory_order_relaxed),
                  threads, m->start_time);
}
