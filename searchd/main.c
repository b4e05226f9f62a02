/* main.c: gongwen-searchd's command line, configuration and signals.
 *
 *   gongwen-searchd [-c CONF] [-d DB] [-l ADDR:PORT]... [-t N] [--set S.K=V]...
 *
 * Runs in the foreground and logs to stderr (systemd style). Signals are handled by the
 * main thread alone with sigwait (they are blocked before any worker thread starts, so
 * the workers inherit the mask): SIGTERM/SIGINT drain and exit 0, SIGHUP rereads the
 * configuration and reopens the access log. */
#include "gw_config.h"
#include "gw_err.h"
#include "log.h"
#include "proxy.h"
#include "searcher.h"
#include "server.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef GW_VERSION
#define GW_VERSION "0.1.0"
#endif

/* Requests in flight get this long to finish at SIGTERM (systemd's default stop timeout
 * is 90 s; a search takes milliseconds). */
#define DRAIN_SECONDS 10.0

static const char usage[] =
    "Usage: gongwen-searchd [OPTION]...\n"
    "Serve a Gongwen database over HTTP: the search page at /, JSON at /search, plain\n"
    "text at /q=QUERY, documents at /doc/ID, /health and /metrics.\n"
    "\n"
    "  -c, --config FILE     read configuration from FILE (INI, see gongwen.conf)\n"
    "  -d, --database PATH   database to serve (default: index.database, gongwen.db)\n"
    "  -l, --listen ADDR:PORT  listen there (repeatable; default 127.0.0.1:8080)\n"
    "  -t, --threads N       worker threads per address (default: number of cores)\n"
    "      --cache N         answers cached per worker thread (default 1024, 0 = off)\n"
    "      --set SECTION.KEY=VALUE  set any configuration key (repeatable)\n"
    "      --print-config    print the effective configuration and exit\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Signals: SIGTERM or SIGINT finish the requests in flight and exit 0; SIGHUP rereads\n"
    "the configuration file and reopens the access log.\n"
    "Exit status: 0 after a clean stop, 1 when it cannot serve (address in use), 2 on a\n"
    "usage or configuration error.\n"
    "See gongwen-searchd(1).\n";

/* What the command line said, kept to build the configuration again at SIGHUP. */
typedef struct cmdline {
    const char *config;
    const char *database;
    const char *threads;
    const char **listen;
    size_t n_listen;
    const char **sets;
    size_t n_sets;
    int print_config;
    long cache;          /* -1 = default */
} cmdline;

/* The file, then the command line, over the defaults in c. 0, or -1 after logging which
 * option is wrong. */
static int apply_cmdline(gw_config *c, const cmdline *cl)
{
    gw_err err;
    if (cl->config && gw_config_load(c, cl->config, &err) != GW_OK)
        return sd_log(SD_LOG_ERROR, "%s", err.msg), -1;
    for (size_t i = 0; i < cl->n_sets; i++)
        if (gw_config_set_option(c, cl->sets[i], &err) != GW_OK)
            return sd_log(SD_LOG_ERROR, "--set %s: %s", cl->sets[i], err.msg), -1;
    if (cl->database && gw_config_set(c, "index", "database", cl->database, &err) != GW_OK)
        return sd_log(SD_LOG_ERROR, "-d: %s", err.msg), -1;
    if (cl->threads && gw_config_set(c, "searchd", "threads", cl->threads, &err) != GW_OK)
        return sd_log(SD_LOG_ERROR, "-t: %s", err.msg), -1;
    if (cl->n_listen)
        gw_config_clear_list(&c->listen);
    for (size_t i = 0; i < cl->n_listen; i++)
        if (gw_config_set(c, "searchd", "listen", cl->listen[i], &err) != GW_OK)
            return sd_log(SD_LOG_ERROR, "-l: %s", err.msg), -1;
    return 0;
}

/* Every listen address and trusted proxy parses (the file's too). 0, or -1 after logging
 * which not. */
static int check_addresses(const gw_config *c)
{
    char why[300];
    for (size_t i = 0; i < c->listen.n; i++) {
        struct sockaddr_storage ss;
        if (sd_listen_parse(c->listen.v[i], &ss, why, sizeof why) < 0)
            return sd_log(SD_LOG_ERROR, "listen %s", why), -1;
    }
    sd_netlist nets;
    if (sd_netlist_parse(&c->trusted_proxies, &nets, why, sizeof why) < 0)
        return sd_log(SD_LOG_ERROR, "%s", why), -1;
    sd_netlist_free(&nets);
    return 0;
}

/* Builds the configuration: defaults, then the file, then the command line. NULL after
 * logging why. */
static gw_config *build_config(const cmdline *cl)
{
    gw_config *c = gw_config_new();
    if (apply_cmdline(c, cl) < 0 || check_addresses(c) < 0) {
        gw_config_free(c);
        return NULL;
    }
    if (sd_log_set_level(c->log_level) < 0)
        sd_log(SD_LOG_WARN, "log_level '%s' unknown; keeping info", c->log_level);
    return c;
}

/* --cache N: 0 on success, else 2 after saying what is valid. */
static int parse_cache(const char *arg, long *out)
{
    char *end;
    *out = strtol(arg, &end, 10);
    if (*end || end == arg || *out < 0 || *out > 1000000) {
        fprintf(stderr, "gongwen-searchd: --cache '%s': expected a number 0-1000000\n", arg);
        return 2;
    }
    return 0;
}

/* Reads the command line into *cl. Returns -1 to go on serving, else the exit status
 * (0 after --help or --version, 2 on a usage error, said on stderr). */
static int parse_cmdline(int argc, char **argv, cmdline *cl)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"database", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'}, {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 'S'},    {"print-config", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {"cache", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "c:d:l:t:hV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': cl->config = optarg; break;
        case 'd': cl->database = optarg; break;
        case 'l': cl->listen[cl->n_listen++] = optarg; break;
        case 't': cl->threads = optarg; break;
        case 'S': cl->sets[cl->n_sets++] = optarg; break;
        case 'P': cl->print_config = 1; break;
        case 'C':
            if (parse_cache(optarg, &cl->cache) != 0)
                return 2;
            break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': printf("gongwen-searchd %s\n", GW_VERSION); return 0;
        default: fputs("Try 'gongwen-searchd --help'.\n", stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "gongwen-searchd: unexpected argument '%s'\nTry 'gongwen-searchd --help'.\n",
                argv[optind]);
        return 2;
    }
    return -1;
}

/* Blocks the signals main waits for BEFORE any thread exists (the workers inherit the
 * mask) and ignores SIGPIPE (a client that hangs up must not kill the daemon). */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* SIGHUP: the configuration built again from the command line and the file, the access
 * log reopened; on a bad file the old configuration stays. */
static void reload(sd_server *srv, const cmdline *cl)
{
    gw_config *nc = build_config(cl);
    if (!nc) {
        sd_log(SD_LOG_ERROR, "SIGHUP: configuration not reloaded, keeping the old one");
        return;
    }
    if (sd_access_log_open(nc->access_log) < 0)
        sd_log(SD_LOG_ERROR, "SIGHUP: access_log %s: %s", nc->access_log, strerror(errno));
    sd_server_reload(srv, nc);
    sd_log(SD_LOG_INFO, "SIGHUP: configuration reloaded, logs reopened");
}

/* Serves cfg (owned from here) until SIGTERM or SIGINT. The exit status. */
static int serve(gw_config *cfg, const cmdline *cl)
{
    sigset_t set;
    block_signals(&set);
    gw_err err;
    if (sd_searcher_global_init(cfg, &err) != GW_OK) {
        sd_log(SD_LOG_ERROR, "%s", err.msg);
        gw_config_free(cfg);
        return 1;
    }
    sd_server *srv = sd_server_new(cfg);
    if (cl->cache >= 0)
        srv->cache_entries = (size_t)cl->cache;
    /* Opening the database now tells the operator at once whether it is there; the
     * daemon serves anyway (503 until it appears), so it may start before the first
     * index run. */
    sd_searcher_probe(srv);
    if (sd_server_start(srv) < 0) {
        sd_server_free(srv);
        return 1;
    }
    sd_log(SD_LOG_INFO, "gongwen-searchd %s serving %s", GW_VERSION, cfg->database);
    int sig = 0;
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        reload(srv, cl);
    }
    sd_log(SD_LOG_INFO, "%s: finishing requests in flight, then exiting",
           sig == SIGINT ? "SIGINT" : "SIGTERM");
    sd_server_drain(srv, DRAIN_SECONDS);
    sd_server_free(srv);
    sd_searcher_global_done();
    sd_access_log_close();
    sd_log(SD_LOG_INFO, "stopped");
    return 0;
}

/* The configuration of the command line: printed (--print-config, exit status 0), or
 * served. 2 when it is not valid or its access log cannot be opened. */
static int run(const cmdline *cl)
{
    gw_config *cfg = build_config(cl);
    if (!cfg)
        return 2;
    if (cl->print_config) {
        char *d = gw_config_dump(cfg);
        fputs(d, stdout);
        free(d);
        gw_config_free(cfg);
        return 0;
    }
    if (sd_access_log_open(cfg->access_log) < 0) {
        sd_log(SD_LOG_ERROR, "access_log %s: %s", cfg->access_log, strerror(errno));
        gw_config_free(cfg);
        return 2;
    }
    return serve(cfg, cl);
}

int main(int argc, char **argv)
{
    cmdline cl = {0};
    cl.cache = -1;
    cl.listen = calloc((size_t)argc, sizeof *cl.listen);
    cl.sets = calloc((size_t)argc, sizeof *cl.sets);
    if (!cl.listen || !cl.sets)
        return 1;
    int rc = parse_cmdline(argc, argv, &cl);
    if (rc < 0)
        rc = run(&cl);
    free(cl.listen);
    free(cl.sets);
    return rc;
}
