/* server.c: libmicrohttpd plumbing: daemons, per-request bookkeeping, limits, routing,
 * replies, access log, metrics. See server.h. */
#include "server.h"

#include "gw_err.h"
#include "gw_escape.h"
#include "json.h"
#include "log.h"
#include "proxy.h"
#include "searcher.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- time ------------------------------------------------------------------------------ */

double sd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- connections per client address ---------------------------------------------------- */

/* A fixed open-addressing table: 4096 addresses connected at once is far beyond what one
 * daemon on a few cores serves; when it is full, new addresses are simply not limited. */
#define IPTAB_SLOTS 4096

struct ipslot {
    unsigned char addr[16];
    unsigned char used;
    int count;
};

typedef struct sd_iptab {
    pthread_mutex_t mu;
    struct ipslot slot[IPTAB_SLOTS];
} sd_iptab;

static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff; /* IPv4-mapped form: one key space */
        memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    }
}

/* Counts one more connection from key; returns the slot index + 1 (0 = not tracked) and
 * the address's connection count including this one in *count. */
static int iptab_inc(sd_iptab *t, const unsigned char key[16], int *count)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 16777619u;
    int found = -1, reuse = -1;
    pthread_mutex_lock(&t->mu);
    for (int k = 0; k < IPTAB_SLOTS; k++) {
        int i = (int)((h + (uint32_t)k) % IPTAB_SLOTS);
        struct ipslot *s = &t->slot[i];
        if (!s->used) {
            if (reuse < 0)
                reuse = i;
            break;
        }
        if (memcmp(s->addr, key, 16) == 0) {
            found = i;
            break;
        }
        if (s->count == 0 && reuse < 0)
            reuse = i;
    }
    if (found < 0 && reuse >= 0) {
        found = reuse;
        memcpy(t->slot[found].addr, key, 16);
        t->slot[found].used = 1;
        t->slot[found].count = 0;
    }
    if (found >= 0)
        *count = ++t->slot[found].count;
    else
        *count = 0;
    pthread_mutex_unlock(&t->mu);
    return found + 1;
}

static void iptab_dec(sd_iptab *t, int slot1)
{
    if (slot1 <= 0)
        return;
    pthread_mutex_lock(&t->mu);
    t->slot[slot1 - 1].count--;
    pthread_mutex_unlock(&t->mu);
}

/* The socket context of a connection: its slot (+1) and whether it arrived while its
 * address already had per_ip_connections open (then every request on it gets 429). */
#define CONN_CTX(slot1, over) ((void *)(intptr_t)(((slot1) << 1) | ((over) ? 1 : 0)))
#define CONN_SLOT(ctx) ((int)((intptr_t)(ctx) >> 1))
#define CONN_OVER(ctx) ((int)((intptr_t)(ctx) & 1))

/* ---- per-request bookkeeping ----------------------------------------------------------- */

typedef struct conn_req {
    double start, done;
    int status;
    int route;
    int seen;     /* the access handler was called once */
    int answered;
    size_t bytes;
    char method[8];
    char *uri; /* raw request target */
    /* The client (identify_client): the peer, or whom a trusted proxy forwards for. A
     * forwarded client's requests in flight are counted under its address (client_slot,
     * +1; 0 = not counted) and over_limit is set when they pass per_ip_connections. */
    int identified, via_proxy, over_limit, client_slot;
    char client[INET6_ADDRSTRLEN];
} conn_req;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    sd_server *s = cls;
    (void)conn;
    conn_req *q = gw_xcalloc(1, sizeof *q);
    q->start = sd_now();
    q->route = SD_ROUTE_OTHER;
    q->uri = gw_xstrdup(uri ? uri : "");
    atomic_fetch_add_explicit(&s->metrics.in_flight, 1, memory_order_relaxed);
    return q;
}

static void client_ip(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, n, "-");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
}

/* Who sent q (proxy.h), once per request, as soon as its headers are in (which also ends
 * the connection's header_timeout). Behind a trusted
 * proxy the connection's own count says nothing about the client (the proxy's
 * connections carry everybody's requests): the client's requests in flight are counted
 * instead, under its address, until the request completes. */
static void identify_client(sd_server *s, struct MHD_Connection *conn, conn_req *q)
{
    if (q->identified) return;
    q->identified = 1;
    const gw_config *cfg = atomic_load(&s->cfg);
    /* the headers are in: from here the connection's timeout is the idle one */
    if (cfg->header_timeout < cfg->conn_timeout)
        MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                                  (unsigned int)cfg->conn_timeout);
    if (!cfg->trusted_proxies.n) return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    unsigned char peer[16], client[16];
    addr_key(ci ? ci->client_addr : NULL, peer);
    sd_netlist trusted;
    char why[300];
    if (sd_netlist_parse(&cfg->trusted_proxies, &trusted, why, sizeof why) < 0)
        return; /* checked at start and reload: cannot happen */
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    const char *fwd = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Forwarded");
    if (sd_netlist_has(&trusted, peer)) {
        q->via_proxy = 1;
        sd_client_of(&trusted, peer, xff, fwd, client);
        sd_addr_text(client, q->client, sizeof q->client);
        int count;
        q->client_slot = iptab_inc(s->iptab, client, &count);
        q->over_limit = cfg->per_ip_connections && count > (int)cfg->per_ip_connections;
    }
    sd_netlist_free(&trusted);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    sd_server *s = cls;
    conn_req *q = *con_cls;
    (void)toe;
    if (!q)
        return;
    *con_cls = NULL;
    iptab_dec(s->iptab, q->client_slot);
    double t = (q->done > 0 ? q->done : sd_now()) - q->start;
    sd_metrics_record(&s->metrics, q->route, q->status, t);
    atomic_fetch_sub_explicit(&s->metrics.in_flight, 1, memory_order_relaxed);
    if (q->status) {
        /* Common-log-like, plus the time taken: "IP METHOD URI STATUS BYTES MS". The URI
         * is the raw target (percent-encoded), cut at 1000 bytes. */
        char ip[64], line[1300];
        if (q->client[0])
            snprintf(ip, sizeof ip, "%s", q->client);
        else
            client_ip(conn, ip, sizeof ip);
        int n = snprintf(line, sizeof line, "%s %s %.1000s %d %zu %.1f", ip, q->method,
                         q->uri, q->status, q->bytes, t * 1000);
        if (n > 0)
            sd_access_log_write(line, (unsigned long)(n < (int)sizeof line ? n : (int)sizeof line - 1));
    }
    free(q->uri);
    free(q);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    sd_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add_explicit(&s->metrics.connections, 1, memory_order_relaxed);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        unsigned char key[16];
        int count;
        addr_key(ci ? ci->client_addr : NULL, key);
        int slot1 = iptab_inc(s->iptab, key, &count);
        const gw_config *cfg = atomic_load(&s->cfg);
        unsigned limit = cfg->per_ip_connections;
        *socket_context = CONN_CTX(slot1, limit && count > (int)limit);
        /* Until its first request's headers are in, a connection has header_timeout:
         * one that sends nothing, or bytes libmicrohttpd keeps waiting on (a request line
         * starting with NUL reads as an empty line), is closed early. */
        if (cfg->header_timeout < cfg->conn_timeout)
            MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                                      (unsigned int)cfg->header_timeout);
    } else {
        atomic_fetch_sub_explicit(&s->metrics.connections, 1, memory_order_relaxed);
        iptab_dec(s->iptab, CONN_SLOT(*socket_context));
        *socket_context = NULL;
    }
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    sd_log(SD_LOG_WARN, "libmicrohttpd: %s", msg);
}

/* ---- replies --------------------------------------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

void sd_reply_error(sd_reply *r, int status, int html, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gw_buf_reset(&r->body);
    r->status = status;
    if (html) {
        r->ctype = "text/html; charset=utf-8";
        gw_buf_printf(&r->body,
                      "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<link rel=\"icon\" href=\"data:,\"><title>%d %s</title>"
                      "<style>body{font:16px/1.6 system-ui,sans-serif;max-width:40em;"
                      "margin:2em auto;padding:0 1em;color:#222}</style></head><body>"
                      "<h1>%d %s</h1><p class=\"error\">",
                      status, reason(status), status, reason(status));
        gw_escape_html_str(&r->body, msg);
        gw_buf_puts(&r->body, "</p><p><a href=\"/\">Gongwen search</a></p></body></html>\n");
    } else {
        r->ctype = "application/json; charset=utf-8";
        sd_json_error(&r->body, status, msg);
    }
}

sd_limits sd_request_limits(const sd_request *rq)
{
    sd_limits l;
    l.max_query_bytes = rq->cfg->max_query_bytes;
    l.max_page_size = rq->cfg->max_page_size ? rq->cfg->max_page_size : 100;
    l.max_offset = rq->cfg->max_offset ? rq->cfg->max_offset : 10000;
    return l;
}

static enum MHD_Result send_reply(sd_server *s, struct MHD_Connection *conn, conn_req *q,
                                  sd_reply *r)
{
    size_t len;
    char *body = gw_buf_steal(&r->body, &len);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->ctype ? r->ctype : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->ctype && strncmp(r->ctype, "text/html", 9) == 0) {
        /* Defence in depth behind the escaping: the page needs no script and no remote
         * resource at all, so a slipped tag could do nothing. */
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    } else {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    }
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->cached)
        MHD_add_response_header(resp, "X-Cache", "hit");
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    /* Refused for load: free the socket at once. Draining: let clients reconnect to the
     * next instance. */
    if (atomic_load(&s->draining) || r->status == 429 || r->status == 503 || r->status == 414 ||
        r->status == 431)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    q->status = r->status;
    q->bytes = len;
    q->done = sd_now();
    return ret;
}

/* Request size limits of our own, answered in the API's shape (JSON, or the page's HTML).
 * libmicrohttpd answers 414/431 itself, with an HTML body, only when the request does not
 * fit its per-connection memory (SD_CONN_MEMORY, far above these). */
#define SD_MAX_TARGET (16 * 1024)
#define SD_MAX_HEADERS (32 * 1024)
#define SD_CONN_MEMORY (256 * 1024)

static enum MHD_Result add_header_len(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static size_t headers_size(struct MHD_Connection *conn)
{
    size_t n = 0;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_len, &n);
    return n;
}

static int header_has(struct MHD_Connection *conn, const char *header, const char *what)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, header);
    return v && strcasestr(v, what) != NULL;
}

/* ---- routing --------------------------------------------------------------------------- */

static int path_is(const char *p, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(p, lit, m) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    sd_server *s = cls;
    conn_req *q = *con_cls;
    (void)url;
    (void)version;
    (void)upload_data;
    if (!q) /* no URI callback happened: cannot occur with our options */
        return MHD_NO;
    if (q->answered) {
        /* A body after we answered (e.g. a POST refused with 405): discard it. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    identify_client(s, conn, q);
    int readonly = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (readonly && !q->seen) {
        /* Answer GET at the second call, once the request is complete: a response queued
         * at the first call makes libmicrohttpd close the connection (no keep-alive). */
        q->seen = 1;
        return MHD_YES;
    }
    if (readonly && *upload_data_size) {
        *upload_data_size = 0; /* a GET with a body: ignore the body */
        return MHD_YES;
    }
    q->answered = 1;
    snprintf(q->method, sizeof q->method, "%s", method);

    sd_request rq = {0};
    sd_reply r = {0};
    rq.srv = s;
    rq.cfg = atomic_load(&s->cfg);
    rq.start = q->start;
    rq.want_json = header_has(conn, MHD_HTTP_HEADER_ACCEPT, "application/json");
    rq.want_html = !rq.want_json && header_has(conn, MHD_HTTP_HEADER_ACCEPT, "text/html");

    /* Split the raw target. An absolute-form target (proxies) loses its scheme and host. */
    const char *t = q->uri;
    if (strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) {
        const char *p = strchr(strchr(t, ':') + 3, '/');
        t = p ? p : "/";
    }
    const char *qm = strchr(t, '?');
    rq.path = t;
    rq.path_len = qm ? (size_t)(qm - t) : strlen(t);
    rq.query = qm ? qm + 1 : "";
    rq.query_len = strlen(rq.query);
    const char *p = rq.path;
    size_t n = rq.path_len;

    int route = SD_ROUTE_OTHER;
    if (path_is(p, n, "/"))
        route = SD_ROUTE_PAGE;
    else if (path_is(p, n, "/search"))
        route = SD_ROUTE_SEARCH;
    else if (n >= 3 && memcmp(p, "/q=", 3) == 0)
        route = SD_ROUTE_PLAIN;
    else if (n > 5 && memcmp(p, "/doc/", 5) == 0)
        route = SD_ROUTE_DOC;
    else if (path_is(p, n, "/health"))
        route = SD_ROUTE_HEALTH;
    else if (path_is(p, n, "/metrics"))
        route = SD_ROUTE_METRICS;
    q->route = route;
    int html = route == SD_ROUTE_PAGE || (route != SD_ROUTE_SEARCH && rq.want_html);

    size_t target_len = strlen(q->uri), hlen = headers_size(conn);
    if (target_len > SD_MAX_TARGET) {
        sd_reply_error(&r, 414, html, "request target too long: %zu bytes, at most %d",
                       target_len, SD_MAX_TARGET);
        return send_reply(s, conn, q, &r);
    }
    if (hlen > SD_MAX_HEADERS) {
        sd_reply_error(&r, 431, html, "request headers too large: %zu bytes, at most %d", hlen,
                       SD_MAX_HEADERS);
        return send_reply(s, conn, q, &r);
    }
    if (!readonly) {
        sd_reply_error(&r, 405, html, "method %s not allowed: this server only reads (GET, HEAD)",
                       method);
        r.allow = "GET, HEAD";
        return send_reply(s, conn, q, &r);
    }

    /* Limits before any work. The per-IP count includes this connection. Health and
     * metrics stay answerable so an overloaded daemon can still be observed. */
    if (route != SD_ROUTE_HEALTH && route != SD_ROUTE_METRICS) {
        long conns = atomic_load_explicit(&s->metrics.connections, memory_order_relaxed);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (q->via_proxy ? q->over_limit : ci && CONN_OVER(ci->socket_context)) {
            atomic_fetch_add_explicit(&s->metrics.busy, 1, memory_order_relaxed);
            if (q->via_proxy)
                sd_reply_error(&r, 429, html,
                               "too many requests in flight from your address (at most %u); "
                               "retry shortly", rq.cfg->per_ip_connections);
            else
                sd_reply_error(&r, 429, html,
                               "too many connections from your address (at most %u); retry "
                               "shortly", rq.cfg->per_ip_connections);
            r.retry_after = 1;
            return send_reply(s, conn, q, &r);
        }
        if (conns > (long)s->max_connections) {
            atomic_fetch_add_explicit(&s->metrics.busy, 1, memory_order_relaxed);
            sd_reply_error(&r, 503, html, "server busy (%ld connections open); retry shortly",
                           conns);
            r.retry_after = 1;
            return send_reply(s, conn, q, &r);
        }
    }

    switch (route) {
    case SD_ROUTE_PAGE: sd_handle_page(&rq, &r); break;
    case SD_ROUTE_SEARCH: sd_handle_search(&rq, &r); break;
    case SD_ROUTE_PLAIN: sd_handle_plain(&rq, &r); break;
    case SD_ROUTE_DOC: sd_handle_doc(&rq, &r); break;
    case SD_ROUTE_HEALTH: sd_handle_health(&rq, &r); break;
    case SD_ROUTE_METRICS: sd_handle_metrics(&rq, &r); break;
    default:
        sd_reply_error(&r, 404, html,
                       "no such path; try GET /search?q=..., /q=..., /doc/ID, /health, "
                       "/metrics or / (the search page)");
    }
    if (!r.status)
        sd_reply_error(&r, 500, html, "internal error: no answer");
    return send_reply(s, conn, q, &r);
}

/* ---- listen addresses ------------------------------------------------------------------ */

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080", ":8080" (all IPv4 interfaces). */
int sd_listen_parse(const char *spec, struct sockaddr_storage *ss, char *why, size_t wn)
{
    char host[256];
    const char *port;
    if (spec[0] == '[') {
        const char *e = strchr(spec, ']');
        if (!e || e[1] != ':') {
            snprintf(why, wn, "'%s': expected [IPv6]:PORT", spec);
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", (int)(e - spec - 1), spec + 1);
        port = e + 2;
    } else {
        const char *c = strrchr(spec, ':');
        if (!c) {
            snprintf(why, wn, "'%s': expected ADDR:PORT, like 127.0.0.1:8080", spec);
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", (int)(c - spec), spec);
        port = c + 1;
    }
    char *end;
    errno = 0;
    long pn = strtol(port, &end, 10);
    if (!*port || *end || errno || pn < 0 || pn > 65535) {
        snprintf(why, wn, "port '%s': expected a number 1-65535", port);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(why, wn, "address '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

/* ---- lifecycle ------------------------------------------------------------------------- */

sd_server *sd_server_new(gw_config *cfg)
{
    sd_server *s = gw_xcalloc(1, sizeof *s);
    atomic_init(&s->cfg, cfg);
    sd_metrics_init(&s->metrics);
    s->iptab = gw_xcalloc(1, sizeof *s->iptab);
    s->cache_entries = SD_CACHE_DEFAULT;
    pthread_mutex_init(&s->iptab->mu, NULL);
    sd_searcher_key_init(s);
    return s;
}

static unsigned ncores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

int sd_server_start(sd_server *s)
{
    gw_config *cfg = atomic_load(&s->cfg);
    s->threads = cfg->threads > 0 ? (unsigned)cfg->threads : ncores();
    /* Keep clear of the descriptor limit: the database needs files too (glass: ~6 per
     * worker), and beyond MHD's own limit it leaves sockets unanswered in epoll mode;
     * ours answers 503 first. */
    struct rlimit rl;
    unsigned fdmax = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        fdmax = (unsigned)rl.rlim_cur;
    unsigned reserve = 64 + 16 * s->threads * (unsigned)(cfg->listen.n ? cfg->listen.n : 1);
    unsigned mhd_limit = fdmax > reserve + 64 ? fdmax - reserve : 64;
    if (mhd_limit > 4096)
        mhd_limit = 4096;
    s->max_connections = mhd_limit > 64 ? mhd_limit - 32 : mhd_limit;
    unsigned per_ip = cfg->per_ip_connections;
    /* MHD's own per-IP limit closes sockets silently: keep it well above ours, which
     * answers 429. A trusted proxy carries every client's requests on its connections:
     * then MHD may not cap an address at all (our limits apply per client). */
    unsigned mhd_per_ip = per_ip && !cfg->trusted_proxies.n ? per_ip * 2 + 8 : 0;

    const char *def = "127.0.0.1:8080";
    size_t nl = cfg->listen.n ? cfg->listen.n : 1;
    if (nl * s->threads > SD_MAX_DAEMONS) {
        sd_log(SD_LOG_ERROR, "too many listen addresses x threads (%zu, at most %d)",
               nl * s->threads, SD_MAX_DAEMONS);
        return -1;
    }
    /* One single-threaded epoll daemon per worker, all bound to the address with
     * SO_REUSEPORT, rather than one daemon with MHD's thread pool: the pool's workers
     * share one accept queue and the first to wake accepts a whole burst of connections,
     * so 16 keep-alive clients ended up on ONE worker while the other core idled
     * (measured: 70 q/s at 1 and 4 connections alike). With SO_REUSEPORT the kernel
     * spreads connections over the workers' own queues. */
    /* Each worker may take up to the whole limit: the kernel's spreading is by hash, not
     * by load, and a worker at its own MHD limit would close new sockets unanswered.
     * Our own count (over all workers) answers 503 at max_connections instead, and closes
     * those connections right after. */
    unsigned per_daemon_limit = mhd_limit;
    for (size_t i = 0; i < nl; i++) {
        const char *spec = cfg->listen.n ? cfg->listen.v[i] : def;
        struct sockaddr_storage ss;
        char why[300];
        if (sd_listen_parse(spec, &ss, why, sizeof why) < 0) {
            sd_log(SD_LOG_ERROR, "listen %s", why);
            sd_server_drain(s, 0);
            return -1;
        }
        /* SO_REUSEPORT would let a second daemon share the port silently: refuse an
         * address somebody already holds, with a plain bind first. */
        socklen_t sl = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                : sizeof(struct sockaddr_in);
        int probe = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        /* SO_REUSEADDR (as MHD sets it): connections of a previous run lingering in
         * TIME_WAIT must not block a restart; a live listener still does. */
        if (probe >= 0)
            setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (probe < 0 || bind(probe, (struct sockaddr *)&ss, sl) < 0) {
            sd_log(SD_LOG_ERROR, "cannot listen on %s: %s", spec, strerror(errno));
            if (probe >= 0)
                close(probe);
            sd_server_drain(s, 0);
            return -1;
        }
        close(probe);
        unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
        if (ss.ss_family == AF_INET6)
            flags |= MHD_USE_IPv6;
        unsigned port = 0;
        for (unsigned t = 0; t < s->threads; t++) {
            struct MHD_OptionItem opts[] = {
                {MHD_OPTION_SOCK_ADDR, 0, &ss},
                {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
                {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->conn_timeout, NULL},
                {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)SD_CONN_MEMORY, NULL},
                {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)per_daemon_limit, NULL},
                {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)mhd_per_ip, NULL},
                {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, s},
                {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s},
                {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s},
                {MHD_OPTION_END, 0, NULL}};
            /* The logger must come first, or MHD prints its early messages itself. */
            struct MHD_Daemon *d = MHD_start_daemon(
                flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
                s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
            if (!d) {
                sd_log(SD_LOG_ERROR, "cannot listen on %s: %s", spec, strerror(errno));
                sd_server_drain(s, 0);
                return -1;
            }
            s->daemons[s->n_daemons++] = d;
            if (t == 0) {
                /* Port 0 means "any free port": the other workers must share that one. */
                const union MHD_DaemonInfo *di =
                    MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
                port = di ? di->port : 0;
                if (ss.ss_family == AF_INET6)
                    ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
                else
                    ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
            }
        }
        sd_log(SD_LOG_INFO, "listening on %s (port %u), %u worker threads", spec, port,
               s->threads);
    }
    return 0;
}

void sd_server_reload(sd_server *s, gw_config *cfg)
{
    gw_config *old = atomic_load(&s->cfg);
    int same_listen = old->listen.n == cfg->listen.n;
    for (size_t i = 0; same_listen && i < cfg->listen.n; i++)
        same_listen = strcmp(old->listen.v[i], cfg->listen.v[i]) == 0;
    if (!same_listen || old->threads != cfg->threads)
        sd_log(SD_LOG_WARN, "reload: listen addresses and threads change only at a restart");
    if (s->n_retired == sizeof s->retired / sizeof s->retired[0]) {
        /* Very old snapshots: no request lives that long (connection timeout). */
        gw_config_free(s->retired[0]);
        memmove(s->retired, s->retired + 1, (s->n_retired - 1) * sizeof s->retired[0]);
        s->n_retired--;
    }
    s->retired[s->n_retired++] = old;
    atomic_store(&s->cfg, cfg);
    atomic_fetch_add(&s->generation, 1);
}

/* Seconds without any request in flight after which draining stops waiting. */
#define SD_DRAIN_IDLE 0.5

void sd_server_drain(sd_server *s, double seconds)
{
    atomic_store(&s->draining, 1);
    MHD_socket fds[SD_MAX_DAEMONS];
    for (size_t i = 0; i < s->n_daemons; i++)
        fds[i] = MHD_quiesce_daemon(s->daemons[i]);
    /* Connections the kernel completed but nobody accepted yet sit in each listen
     * socket's queue; closing it would reset them. Accept them and hand them to their
     * worker, which answers them like the others. */
    for (size_t i = 0; i < s->n_daemons; i++) {
        if (fds[i] == MHD_INVALID_SOCKET)
            continue;
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK); /* never wait here */
        for (;;) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            int c = accept4(fds[i], (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0)
                break;
            /* On failure MHD has closed the socket itself. */
            MHD_add_connection(s->daemons[i], c, (struct sockaddr *)&ss, sl);
        }
        close(fds[i]);
    }
    /* Done when no connection is left, or when no request has been in flight for a
     * while: a request that arrived on an open connection just before the signal may not
     * have been parsed yet when the one before it completes (a worker handles its
     * connections one after the other), so a single look at in_flight == 0 is too early.
     * Idle keep-alive connections are not waited for. */
    double end = sd_now() + seconds, idle_since = -1;
    while (sd_now() < end && atomic_load(&s->metrics.connections) > 0) {
        if (atomic_load(&s->metrics.in_flight) > 0)
            idle_since = -1;
        else if (idle_since < 0)
            idle_since = sd_now();
        else if (sd_now() - idle_since >= SD_DRAIN_IDLE)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    long left = atomic_load(&s->metrics.in_flight);
    if (left > 0)
        sd_log(SD_LOG_WARN, "stopping with %ld requests still in flight", left);
    for (size_t i = 0; i < s->n_daemons; i++)
        MHD_stop_daemon(s->daemons[i]);
    s->n_daemons = 0;
}

void sd_server_free(sd_server *s)
{
    if (!s)
        return;
    if (s->n_daemons)
        sd_server_drain(s, 0);
    sd_searcher_key_done(s);
    for (size_t i = 0; i < s->n_retired; i++)
        gw_config_free(s->retired[i]);
    gw_config_free(atomic_load(&s->cfg));
    pthread_mutex_destroy(&s->iptab->mu);
    free(s->iptab);
    free(s);
}
