/* searcher.c: per-thread searchers and their freshness. See searcher.h. */
#include "searcher.h"

#include "gw_norm.h"
#include "gw_query.h"
#include "cache.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sd_worker {
    gw_searcher *s;
    char *path;           /* the path it was opened from */
    dev_t dev;            /* identity of that path when opened */
    ino_t ino;
    struct timespec mtime;
    off_t size;
    int is_dir;
    double checked;       /* last freshness check (monotonic seconds) */
    double failed;        /* last failed open, to avoid retrying on every request */
    unsigned generation;  /* server generation it was opened under */
    unsigned long revision;
    unsigned long epoch;  /* bumped at every change of revision or database */
    sd_cache *cache;      /* answers of this epoch (cache.h) */
};

int sd_searcher_global_init(const gw_config *cfg, gw_err *err)
{
    /* Building the normalization tables and loading the segmentation dictionary once
     * here (~0.6 s) keeps the first request from paying for it, and reports a missing
     * OpenCC data file at start. Without friso's dictionary queries still work (one word
     * per Han run), so that is only a warning. */
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

/* A searcher with the identity of its path and the server's generation when it was
 * opened (open_noted), so that a switch in between is still seen: the spares that
 * sd_searcher_probe opens for the workers, and each worker's fresh opens. */
typedef struct spare {
    gw_searcher *s;
    struct stat st;
    int have_st;
    unsigned generation;
} spare;

struct sd_spares {
    pthread_mutex_t mu;
    spare v[SD_MAX_DAEMONS];
    size_t n;
};

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

/* A spare searcher opened under the current generation, or 0. */
static int take_spare(sd_server *srv, spare *out)
{
    int got = 0;
    pthread_mutex_lock(&srv->spares->mu);
    while (!got && srv->spares->n > 0) {
        spare sp = srv->spares->v[--srv->spares->n];
        if (sp.generation == atomic_load(&srv->generation)) {
            *out = sp;
            got = 1;
        } else {
            gw_searcher_close(sp.s); /* opened before a reload: open afresh instead */
        }
    }
    pthread_mutex_unlock(&srv->spares->mu);
    return got;
}

static void remember_identity(sd_worker *w, const struct stat *st)
{
    w->dev = st->st_dev;
    w->ino = st->st_ino;
    w->mtime = st->st_mtim;
    w->size = st->st_size;
    w->is_dir = S_ISDIR(st->st_mode);
}

/* A stub file is rewritten by rename (new inode) or, by hand, in place (new mtime or
 * size). A database directory changes with every commit, and reopen() covers that, so
 * only its identity counts. */
static int identity_changed(const sd_worker *w, const struct stat *st)
{
    if (st->st_dev != w->dev || st->st_ino != w->ino || S_ISDIR(st->st_mode) != w->is_dir)
        return 1;
    if (w->is_dir)
        return 0;
    return st->st_size != w->size || st->st_mtim.tv_sec != w->mtime.tv_sec ||
           st->st_mtim.tv_nsec != w->mtime.tv_nsec;
}

/* Makes sp's searcher (opened from cfg's database, see open_noted) w's searcher. */
static void adopt(sd_worker *w, sd_server *srv, const gw_config *cfg, const spare *sp)
{
    gw_searcher *ns = sp->s;
    int first = w->s == NULL;
    gw_searcher_close(w->s);
    w->s = ns;
    if (!w->path || strcmp(w->path, cfg->database) != 0) {
        free(w->path);
        w->path = gw_xstrdup(cfg->database);
    }
    if (sp->have_st)
        remember_identity(w, &sp->st);
    else
        memset(&w->mtime, 0, sizeof w->mtime), w->ino = 0, w->dev = 0;
    w->generation = sp->generation;
    unsigned long rev = gw_db_revision(gw_searcher_db(ns), NULL);
    if (!first) {
        atomic_fetch_add_explicit(&srv->metrics.reopens, 1, memory_order_relaxed);
        sd_log(SD_LOG_DEBUG, "worker reopened %s afresh (revision %lu)", cfg->database, rev);
    }
    w->revision = rev;
    w->epoch++;
}

/* Opens cfg's database into *out with the identity of its path and the generation at
 * that moment. The path is stat'ed before the database is opened: if the indexer switches
 * the path (its Xapian stub file, indexer/layout.c) in between, the next check sees a
 * different identity and opens again, never the other way round. */
static int open_noted(sd_server *srv, const gw_config *cfg, spare *out, gw_err *err)
{
    out->generation = atomic_load(&srv->generation);
    out->have_st = stat(cfg->database, &out->st) == 0;
    out->s = gw_searcher_open(cfg->database, err);
    return out->s ? GW_OK : err ? err->code : GW_EIO;
}

/* Opens cfg's database afresh into w (replacing what it had only on success). */
static int open_fresh(sd_worker *w, sd_server *srv, const gw_config *cfg, gw_err *err)
{
    spare sp;
    int rc = open_noted(srv, cfg, &sp, err);
    if (rc != GW_OK)
        return rc;
    adopt(w, srv, cfg, &sp);
    return GW_OK;
}

static void refresh(sd_worker *w, sd_server *srv, const gw_config *cfg, double now)
{
    w->checked = now;
    struct stat st;
    gw_err err;
    int moved = stat(cfg->database, &st) != 0 || identity_changed(w, &st) ||
                strcmp(w->path, cfg->database) != 0 ||
                w->generation != atomic_load(&srv->generation);
    if (moved) {
        if (open_fresh(w, srv, cfg, &err) != GW_OK)
            sd_log(SD_LOG_WARN, "%s changed but cannot be opened (%s); serving the previous "
                   "database", cfg->database, err.msg);
        return;
    }
    if (gw_searcher_reopen(w->s, &err) != GW_OK) {
        /* The directory behind it may be gone (a rebuild removed the old one). */
        if (open_fresh(w, srv, cfg, &err) != GW_OK)
            sd_log(SD_LOG_WARN, "reopen %s: %s", cfg->database, err.msg);
        return;
    }
    unsigned long rev = gw_db_revision(gw_searcher_db(w->s), NULL);
    if (rev != w->revision) {
        w->revision = rev;
        w->epoch++;
        atomic_fetch_add_explicit(&srv->metrics.reopens, 1, memory_order_relaxed);
    }
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
    spare sp;
    if (!w->s && take_spare(srv, &sp)) {
        adopt(w, srv, cfg, &sp);
        /* checked long ago: the first request looks at the path and the revision */
        w->checked = now - SD_FRESH_INTERVAL;
        refresh(w, srv, cfg, now);
        return w;
    }
    if (!w->s) {
        if (w->failed > 0 && now - w->failed < SD_FRESH_INTERVAL) {
            gw_err_set(err, GW_ENOTFOUND, "no database at %s yet", cfg->database);
            return NULL;
        }
        if (open_fresh(w, srv, cfg, err) != GW_OK) {
            w->failed = now;
            return NULL;
        }
        w->checked = now;
        return w;
    }
    if (now - w->checked >= SD_FRESH_INTERVAL)
        refresh(w, srv, cfg, now);
    return w;
}

gw_searcher *sd_worker_searcher(sd_worker *w)
{
    return w->s;
}

int sd_worker_recover(sd_worker *w, sd_server *srv, const gw_config *cfg, int attempt,
                      gw_err *err)
{
    atomic_fetch_add_explicit(&srv->metrics.retries, 1, memory_order_relaxed);
    w->checked = sd_now();
    w->epoch++;
    if (attempt == 0 && gw_searcher_reopen(w->s, err) == GW_OK)
        return GW_OK;
    return open_fresh(w, srv, cfg, err);
}

sd_cache *sd_worker_cache(sd_worker *w)
{
    return w->cache;
}

unsigned long sd_worker_epoch(const sd_worker *w)
{
    return w->epoch;
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
        spare sp;
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
