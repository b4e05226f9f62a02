/* searcher.c: the workers' searchers and their freshness. See searcher.h: the state
 * machine is sd_worker_get, the two transitions are start() and check(). */
#include "searcher.h"

#include "gw_norm.h"
#include "gw_query.h"
#include "cache.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A searcher with what was noted just before it was opened (open_noted): the path's
 * identity and the server's reload count, so that a switch in between is still seen at
 * the next check. The spares sd_searcher_probe opens for the workers are these too. */
typedef struct opened {
    gw_searcher *s;
    struct stat st;
    int have_st;          /* 0: the path could not be stat'ed (then any identity differs) */
    unsigned reloads;     /* sd_server.generation at the open */
} opened;

struct sd_spares {
    pthread_mutex_t mu;
    opened v[SD_MAX_DAEMONS];
    size_t n;
};

struct sd_worker {
    gw_searcher *s;       /* NULL: EMPTY; else SERVING */
    char *path;           /* the configured path it was opened from */
    struct stat st;       /* that path's identity at the open */
    int have_st;
    unsigned reloads;     /* sd_server.generation at the open */
    double checked;       /* last freshness check (monotonic seconds; 0: never) */
    double failed;        /* last failed open while EMPTY */
    unsigned long base;   /* epoch = base + gw_searcher_generation(s); raised past the
                             last epoch at every replacement, whose generation restarts */
    sd_cache *cache;      /* answers of the current epoch (cache.h) */
};

int sd_searcher_global_init(const gw_config *cfg, gw_err *err)
{
    /* Loading the segmentation dictionary here (~0.2 s) and building the normalization
     * tables (~6 ms) keeps the first request from paying for them. The Traditional ->
     * Simplified table is compiled in (lib/gen_t2s.sh, from OpenCC's TSCharacters.ocd2),
     * so nothing of OpenCC is read at run time. Without friso's dictionary queries still
     * work (one word per Han run), so that is only a warning. */
    int rc = gw_norm_init(err);
    if (rc != GW_OK)
        return rc;
    if (!gw_query_init(cfg->dictionary))
        sd_log(SD_LOG_WARN, "friso dictionary not found in %s: unquoted Chinese queries are "
                            "not split into words (install friso-dict, or set [searchd] "
                            "dictionary)", cfg->dictionary);
    return GW_OK;
}

void sd_searcher_global_done(void)
{
}

static void worker_free(void *p)
{
    sd_worker *w = p;
    if (!w)
        return;
    gw_searcher_close(w->s);
    sd_cache_free(w->cache);
    free(w->path);
    free(w);
}

void sd_searcher_key_init(sd_server *s)
{
    pthread_key_create(&s->worker_key, worker_free);
    s->spares = gw_xcalloc(1, sizeof *s->spares);
    pthread_mutex_init(&s->spares->mu, NULL);
}

void sd_searcher_key_done(sd_server *s)
{
    pthread_key_delete(s->worker_key);
    if (s->spares) {
        for (size_t i = 0; i < s->spares->n; i++)
            gw_searcher_close(s->spares->v[i].s);
        pthread_mutex_destroy(&s->spares->mu);
        free(s->spares);
        s->spares = NULL;
    }
}

/* Opens cfg's database into *out with the identity of its path and the reload count at
 * that moment. The path is stat'ed before the database is opened: if the indexer switches
 * the path (its Xapian stub file, indexer/layout.c) in between, the next check sees a
 * different identity and opens again, never the other way round. */
static int open_noted(sd_server *srv, const gw_config *cfg, opened *out, gw_err *err)
{
    out->reloads = atomic_load(&srv->generation);
    out->have_st = stat(cfg->database, &out->st) == 0;
    out->s = gw_searcher_open(cfg->database, err);
    return out->s ? GW_OK : err ? err->code : GW_EIO;
}

/* A spare opened under the current reload count, or 0. */
static int take_spare(sd_server *srv, opened *out)
{
    int got = 0;
    pthread_mutex_lock(&srv->spares->mu);
    while (!got && srv->spares->n > 0) {
        opened sp = srv->spares->v[--srv->spares->n];
        if (sp.reloads == atomic_load(&srv->generation)) {
            *out = sp;
            got = 1;
        } else {
            gw_searcher_close(sp.s); /* opened before a reload: open afresh instead */
        }
    }
    pthread_mutex_unlock(&srv->spares->mu);
    return got;
}

/* Makes o's searcher, opened from cfg's database, w's searcher (closing the one it
 * replaces), with a new epoch. */
static void install(sd_worker *w, sd_server *srv, const gw_config *cfg, const opened *o)
{
    if (w->s) {
        atomic_fetch_add_explicit(&srv->metrics.reopens, 1, memory_order_relaxed);
        sd_log(SD_LOG_DEBUG, "worker reopened %s afresh (revision %lu)", cfg->database,
               gw_db_revision(gw_searcher_db(o->s), NULL));
    }
    w->base = sd_worker_epoch(w) + 1 - gw_searcher_generation(o->s);
    gw_searcher_close(w->s);
    w->s = o->s;
    if (!w->path || strcmp(w->path, cfg->database) != 0) {
        free(w->path);
        w->path = gw_xstrdup(cfg->database);
    }
    w->st = o->st;
    w->have_st = o->have_st;
    w->reloads = o->reloads;
}

/* Opens cfg's database afresh for w; w's searcher is replaced on success only. */
static int open_fresh(sd_worker *w, sd_server *srv, const gw_config *cfg, gw_err *err)
{
    opened o;
    int rc = open_noted(srv, cfg, &o, err);
    if (rc == GW_OK)
        install(w, srv, cfg, &o);
    return rc;
}

/* A stub file is rewritten by rename (new inode) or, by hand, in place (new mtime or
 * size). A database directory changes with every commit, and reopen() covers that, so
 * only its identity counts. */
static int identity_changed(const sd_worker *w, const struct stat *st)
{
    const struct stat *was = &w->st;
    if (!w->have_st || st->st_dev != was->st_dev || st->st_ino != was->st_ino ||
        S_ISDIR(st->st_mode) != S_ISDIR(was->st_mode))
        return 1;
    if (S_ISDIR(was->st_mode))
        return 0;
    return st->st_size != was->st_size || st->st_mtim.tv_sec != was->st_mtim.tv_sec ||
           st->st_mtim.tv_nsec != was->st_mtim.tv_nsec;
}

/* EMPTY -> SERVING: a spare (to be checked at once), else an open of the path. */
static int start(sd_worker *w, sd_server *srv, const gw_config *cfg, double now, gw_err *err)
{
    opened sp;
    if (take_spare(srv, &sp)) {
        install(w, srv, cfg, &sp);
        w->checked = 0;
        return GW_OK;
    }
    if (w->failed > 0 && now - w->failed < SD_FRESH_INTERVAL) {
        gw_err_set(err, GW_ENOTFOUND, "no database at %s yet", cfg->database);
        return GW_ENOTFOUND;
    }
    int rc = open_fresh(w, srv, cfg, err);
    w->failed = rc == GW_OK ? 0 : now;
    w->checked = now;
    return rc;
}

/* SERVING, check due: a fresh open when the path or the configuration moved, else a
 * reopen. Failures keep the searcher w has (logged). */
static void check(sd_worker *w, sd_server *srv, const gw_config *cfg, double now)
{
    w->checked = now;
    struct stat st;
    gw_err err;
    int moved = stat(cfg->database, &st) != 0 || identity_changed(w, &st) ||
                strcmp(w->path, cfg->database) != 0 ||
                w->reloads != atomic_load(&srv->generation);
    if (moved) {
        if (open_fresh(w, srv, cfg, &err) != GW_OK)
            sd_log(SD_LOG_WARN, "%s changed but cannot be opened (%s); serving the previous "
                   "database", cfg->database, err.msg);
        return;
    }
    unsigned long gen = gw_searcher_generation(w->s);
    if (gw_searcher_reopen(w->s, &err) != GW_OK) {
        /* The directory behind it may be gone (a rebuild removed the old one). */
        if (open_fresh(w, srv, cfg, &err) != GW_OK)
            sd_log(SD_LOG_WARN, "reopen %s: %s", cfg->database, err.msg);
        return;
    }
    if (gw_searcher_generation(w->s) != gen)
        atomic_fetch_add_explicit(&srv->metrics.reopens, 1, memory_order_relaxed);
}

sd_worker *sd_worker_get(sd_server *srv, const gw_config *cfg, gw_err *err)
{
    sd_worker *w = pthread_getspecific(srv->worker_key);
    double now = sd_now();
    if (!w) {
        w = gw_xcalloc(1, sizeof *w);
        w->cache = sd_cache_new(srv->cache_entries);
        pthread_setspecific(srv->worker_key, w);
    }
    if (!w->s && start(w, srv, cfg, now, err) != GW_OK)
        return NULL;
    if (now - w->checked >= SD_FRESH_INTERVAL)
        check(w, srv, cfg, now);
    return w;
}

sd_worker *sd_worker_current(sd_server *srv)
{
    sd_worker *w = pthread_getspecific(srv->worker_key);
    return w && w->s ? w : NULL;
}

gw_searcher *sd_worker_searcher(sd_worker *w)
{
    return w->s;
}

sd_cache *sd_worker_cache(sd_worker *w)
{
    return w->cache;
}

unsigned long sd_worker_epoch(const sd_worker *w)
{
    return w->base + (w->s ? gw_searcher_generation(w->s) : 0);
}

void sd_worker_info(sd_worker *w, long *docs, long *revision)
{
    gw_err err;
    gw_db *db = gw_searcher_db(w->s);
    *docs = (long)gw_db_doc_count(db, &err);
    *revision = (long)gw_db_revision(db, &err);
}

void sd_searcher_probe(sd_server *srv)
{
    gw_config *cfg = atomic_load(&srv->cfg);
    gw_err err;
    /* one per worker thread: sd_server_start makes `threads` per listen address */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cfg->threads > 0 ? (size_t)cfg->threads : cores > 0 ? (size_t)cores : 1;
    size_t want = threads * (cfg->listen.n ? cfg->listen.n : 1);
    if (want > SD_MAX_DAEMONS) want = SD_MAX_DAEMONS;
    for (size_t i = 0; i < want; i++) {
        opened sp;
        if (open_noted(srv, cfg, &sp, &err) != GW_OK) {
            if (i == 0)
                sd_log(SD_LOG_WARN, "database %s: %s; answering 503 until it can be opened",
                       cfg->database, err.msg);
            return;
        }
        if (i == 0) {
            gw_db *db = gw_searcher_db(sp.s);
            sd_log(SD_LOG_INFO, "database %s: %u documents, revision %lu", cfg->database,
                   gw_db_doc_count(db, NULL), gw_db_revision(db, NULL));
        }
        pthread_mutex_lock(&srv->spares->mu);
        srv->spares->v[srv->spares->n++] = sp;
        pthread_mutex_unlock(&srv->spares->mu);
    }
}
