/* server.h: gongwen-searchd's HTTP plumbing over libmicrohttpd, and what the handlers
 * (api.c: JSON, plain text; page.c: HTML) see of a request.
 *
 * Threads: per listen address, `threads` libmicrohttpd daemons, each one epoll worker
 * thread with its own SO_REUSEPORT listen socket on that address (the kernel spreads the
 * connections). A request is handled start to finish on one worker thread, which owns its
 * own searcher (searcher.h). The configuration is an immutable snapshot
 * (gw_config) swapped whole on SIGHUP; a handler reads the snapshot it started with.
 *
 * Lifecycle (main.c): sd_server_new -> sd_server_start -> (signals: sd_server_reload)
 * -> sd_server_drain -> sd_server_free. */
#ifndef SD_SERVER_H
#define SD_SERVER_H

#include "gw_buf.h"
#include "gw_config.h"
#include "metrics.h"
#include "params.h"

#include <pthread.h>
#include <stdatomic.h>

/* Answers cached per worker: 1024 pages of ~10 KB = ~10 MB per worker at most. */
#define SD_CACHE_DEFAULT 1024
#define SD_MAX_DAEMONS 256 /* listen addresses x worker threads */

typedef struct sd_server {
    _Atomic(gw_config *) cfg;      /* current snapshot (owned) */
    gw_config *retired[64];        /* earlier snapshots; freed at exit, since a worker may
                                      still read one (SIGHUP is rare) */
    size_t n_retired;
    struct MHD_Daemon *daemons[SD_MAX_DAEMONS]; /* one per worker thread and address */
    size_t n_daemons;
    unsigned threads;              /* workers per listen address */
    unsigned max_connections;      /* over it: 503 */
    size_t cache_entries;          /* answers cached per worker (0 = off) */
    sd_metrics metrics;
    atomic_int draining;           /* set at SIGTERM: answers carry Connection: close */
    atomic_uint generation;        /* the reload count, bumped on SIGHUP: workers open
                                      their database afresh (not gw_searcher_generation) */
    pthread_key_t worker_key;      /* the per-thread searcher (searcher.c) */
    struct sd_spares *spares;      /* searchers opened at start for the workers (searcher.c) */
    struct sd_iptab *iptab;        /* connections per client address */
} sd_server;

/* What a handler answers. body is owned by the reply (freed after sending). */
typedef struct sd_reply {
    int status;
    const char *ctype;             /* static string */
    gw_buf body;
    const char *allow;             /* with 405: the Allow header */
    int retry_after;               /* seconds, with 429/503; 0 = none */
    int cached;                    /* answered from the cache (X-Cache: hit) */
} sd_reply;

/* One request as the handlers see it. */
typedef struct sd_request {
    sd_server *srv;
    const gw_config *cfg;
    const char *path;              /* raw path (before '?'), as received */
    size_t path_len;
    const char *query;             /* raw query string after '?', or "" */
    size_t query_len;
    int want_json;                 /* Accept names application/json */
    int want_html;                 /* Accept names text/html (a browser) */
    double start;                  /* monotonic seconds at arrival */
} sd_request;

/* Fills an error reply: JSON {"error":{...}} (HTML when html is set). */
void sd_reply_error(sd_reply *r, int status, int html, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
sd_limits sd_request_limits(const sd_request *rq);
/* Monotonic clock, seconds. */
double sd_now(void);

/* Parses a listen address: "127.0.0.1:8080", "[::1]:8080", "localhost:8080", ":8080"
 * (all interfaces). Returns 0, or -1 with a message naming what is valid in why. */
struct sockaddr_storage;
int sd_listen_parse(const char *spec, struct sockaddr_storage *ss, char *why, size_t wn);

sd_server *sd_server_new(gw_config *cfg);  /* takes ownership of cfg */
/* Starts one daemon per cfg->listen entry. Returns 0, or -1 after logging why (nothing
 * left running). */
int sd_server_start(sd_server *s);
/* Publishes a new configuration (takes ownership). Limits, snippet size, database path
 * and access log apply at once; listen addresses and threads need a restart (logged). */
void sd_server_reload(sd_server *s, gw_config *cfg);
/* Stops accepting, lets requests in flight finish (at most `seconds`), stops the
 * daemons. */
void sd_server_drain(sd_server *s, double seconds);
void sd_server_free(sd_server *s);

/* Handlers (api.c, page.c). Each fills r. */
void sd_handle_search(sd_request *rq, sd_reply *r);   /* GET /search */
void sd_handle_plain(sd_request *rq, sd_reply *r);    /* GET /q=... */
void sd_handle_doc(sd_request *rq, sd_reply *r);      /* GET /doc/{id} */
void sd_handle_health(sd_request *rq, sd_reply *r);   /* GET /health */
void sd_handle_metrics(sd_request *rq, sd_reply *r);  /* GET /metrics */
void sd_handle_page(sd_request *rq, sd_reply *r);     /* GET / (HTML) */

#endif
