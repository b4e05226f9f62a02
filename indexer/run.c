/* run.c: the indexing loop.
 *
 * Three phases:
 *  1. Walk every root. A file whose size and mtime equal the stored ones is unchanged: it
 *     is marked seen and never opened. The others go to a work list (only changed files
 *     are remembered, so an unchanged nightly run holds nothing but the state).
 *  2. Work list, in walk order: read (at most max_file_size + 1 bytes), hash; same hash as
 *     stored -> only the stored mtime is updated ("touched": not re-read next night);
 *     else parse, build and replace by the unique id term. Every batch_size writes, one
 *     commit: readers see whole batches, and a SIGKILL leaves exactly the last commit.
 *  3. Deletions: documents whose file was not seen. Skipped when the run was stopped
 *     early (we did not see everything), and never under a directory that could not be
 *     read or a root that turned up empty (an unmounted share must not empty the index).
 *
 * What happens to the old document of a file that is skipped this time:
 *  - transient reasons (vanished during the run, permission denied, I/O error): kept,
 *    so one bad night does not drop it from search;
 *  - content reasons (now empty, binary, too large, no longer a regular file): deleted,
 *    since the file no longer has indexable text. */
#include "indexer.h"
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_norm.h" /* gw_index.h uses gw_norm_text */
#include "gw_index.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct work {
    char *abspath, *id;
    long long size, mtime;
    long mtime_ns;
} work;

typedef struct run {
    const ix_opts *o;
    gw_db *db;
    ix_state *state;
    ix_stats *st;
    work *items;
    size_t n, cap;
    unsigned long long bytes_total;
    char **kept_prefixes; /* ids under these are never deleted this run */
    size_t n_kept;
    unsigned long files_in_root;
    unsigned long pending;    /* writes since the last commit */
    ix_progress *progress;
    int no_thread;            /* no preparing thread (a process of a parallel build) */
    struct shared *shared;    /* a parallel build's counters, or NULL */
} run;

/* What the processes of a parallel build share (an anonymous shared mapping): the next
 * chunk to take, and the progress the parent shows. */
typedef struct shared {
    atomic_size_t next_chunk;
    atomic_ulong files_done;
    atomic_ullong bytes_done;
} shared;

void ix_hash_hex(const char *p, size_t n, char out[17])
{
    /* FNV-1a 64: ~1 GB/s, far above what indexing absorbs; 64 bits make a false
     * "unchanged" (same size and new mtime, different bytes, same hash) negligible. */
    uint64_t h = 1469598103934665603ull;
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void keep_prefix(run *r, const char *prefix)
{
    r->kept_prefixes = gw_xrealloc(r->kept_prefixes, (r->n_kept + 1) * sizeof(char *));
    r->kept_prefixes[r->n_kept++] = gw_xstrdup(prefix);
}

static int uid_of(const char *id, char *buf, size_t n)
{
    return gw_index_uid_term(id, buf, n) > 0 ? 0 : -1;
}

/* ---- phase 1: walk ---- */

static int on_file(void *ctx, const char *abspath, const char *id, const struct stat *st)
{
    run *r = ctx;
    r->files_in_root++;
    char uid[256];
    if (uid_of(id, uid, sizeof uid) != 0) {
        ix_skip_file(r->o, r->st, abspath, "path too long for an id");
        return 0;
    }
    ix_entry *e = r->state ? ix_state_find(r->state, uid) : NULL;
    if (e && e->size == (long long)st->st_size && e->mtime == (long long)st->st_mtime &&
        e->mtime_ns == st->st_mtim.tv_nsec) {
        e->seen = 1;
        r->st->unchanged++;
        return 0;
    }
    if (st->st_size == 0) {
        ix_skip_file(r->o, r->st, abspath, "empty");
        return 0;
    }
    if ((unsigned long long)st->st_size > r->o->cfg->max_file_size) {
        char reason[128];
        snprintf(reason, sizeof reason, "too large (%lld bytes > max_file_size %zu)",
                 (long long)st->st_size, r->o->cfg->max_file_size);
        ix_skip_file(r->o, r->st, abspath, reason);
        return 0;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->items = gw_xrealloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->n++] = (work){gw_xstrdup(abspath), gw_xstrdup(id), (long long)st->st_size,
                              (long long)st->st_mtime, st->st_mtim.tv_nsec};
    r->bytes_total += (unsigned long long)st->st_size;
    return 0;
}

static void on_skip(void *ctx, const char *abspath, const char *reason)
{
    run *r = ctx;
    ix_skip_file(r->o, r->st, abspath, reason);
}

static void on_dir_failed(void *ctx, const char *id_prefix)
{
    keep_prefix(ctx, id_prefix);
}

/* ---- phase 2: one file ---- */

static int commit(run *r, gw_err *err)
{
    if (r->o->dry_run || r->pending == 0) return GW_OK;
    int rc = gw_db_commit(r->db, err);
    if (rc == GW_OK) {
        r->st->commits++;
        r->pending = 0;
    }
    return rc;
}

static int wrote(run *r, gw_err *err)
{
    if (r->o->dry_run) return GW_OK;
    if (++r->pending >= r->o->cfg->batch_size) return commit(r, err);
    return GW_OK;
}

/* Reads the whole file (at most max+1 bytes). Returns 0, or an errno. */
static int read_file(const char *path, size_t max, char **out, size_t *len, int *not_regular)
{
    *not_regular = 0;
    /* O_NONBLOCK: a FIFO that replaced the file since the walk must not hang us. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) { int e = errno; close(fd); return e; }
    if (!S_ISREG(st.st_mode)) { close(fd); *not_regular = 1; return 0; }
    size_t cap = (size_t)st.st_size + 1;
    if (cap > max + 1) cap = max + 1;
    char *buf = gw_xmalloc(cap + 1);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max) break; /* read max+1: too large, the caller says so */
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = gw_xrealloc(buf, cap + 1);
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            return e;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* The stored mtime keeps nanoseconds: with whole seconds, a file edited in the same
 * second as it was indexed (same size) would look unchanged forever. */
static void set_mtime(gw_xdoc *d, const work *w)
{
    char v[48];
    int n = snprintf(v, sizeof v, "%lld.%09ld", w->mtime, w->mtime_ns);
    gw_xdoc_set_value(d, GW_SLOT_MTIME, v, (size_t)n);
}

/* Rewrites only the stored mtime/size of an unchanged document. */
static int touch_doc(run *r, const char *uid, const work *w, gw_err *err)
{
    if (r->o->dry_run) return GW_OK;
    gw_docid id = gw_db_find_by_term(r->db, uid, strlen(uid), err);
    if (!id) return err && err->code ? err->code : GW_ENOTFOUND;
    gw_xdoc *d = gw_db_get_doc(r->db, id, err);
    if (!d) return err ? err->code : GW_EINTERNAL;
    char v[32];
    set_mtime(d, w);
    int n = snprintf(v, sizeof v, "%lld", w->size);
    gw_xdoc_set_value(d, GW_SLOT_SIZE, v, (size_t)n);
    gw_docid ok = gw_db_replace_by_term(r->db, uid, strlen(uid), d, err);
    gw_xdoc_free(d);
    return ok ? GW_OK : (err ? err->code : GW_EINTERNAL);
}

/* Phase 2 is split in two so that it can run on two cores: prepare() reads, hashes, parses
 * and builds the Xapian document (no database access, no shared state written: it only
 * looks entries up), apply() does everything else in walk order on the main thread
 * (database writes, counts, the state's seen marks, log lines). Measured: prepare() is
 * about a third of a first run's instructions, all of which leave the writer's path. */
typedef enum {
    P_SKIP_KEEP, /* skipped for a transient reason: the old document stays */
    P_SKIP,      /* skipped for a content reason */
    P_SAME,      /* same content hash as stored: touch */
    P_DRY,       /* parsed, not built (--dry-run) */
    P_DOC        /* built: replace */
} prep_kind;

typedef struct prep {
    prep_kind kind;
    int counted;       /* the file was read: len counts in bytes_read */
    size_t len;
    gw_xdoc *xd;       /* P_DOC: owned until apply() */
    char reason[sizeof ((gw_err *)0)->msg];
} prep;

static void prepare(const run *r, const work *w, prep *p)
{
    const ix_opts *o = r->o;
    memset(p, 0, sizeof *p);
    p->kind = P_SKIP;
    char uid[256];
    uid_of(w->id, uid, sizeof uid);
    const ix_entry *e = r->state ? ix_state_find(r->state, uid) : NULL;
    char *bytes = NULL;
    size_t len = 0;
    int not_regular;
    int oe = read_file(w->abspath, o->cfg->max_file_size, &bytes, &len, &not_regular);
    if (oe) {
        if (oe == ENOENT) snprintf(p->reason, sizeof p->reason, "vanished during the run");
        else if (oe == EACCES || oe == EPERM) snprintf(p->reason, sizeof p->reason, "permission denied");
        else snprintf(p->reason, sizeof p->reason, "cannot read: %s", strerror(oe));
        p->kind = P_SKIP_KEEP;
        return;
    }
    if (not_regular) {
        snprintf(p->reason, sizeof p->reason, "not a regular file");
        return;
    }
    p->counted = 1;
    p->len = len;
    if (len == 0) {
        snprintf(p->reason, sizeof p->reason, "empty");
        free(bytes);
        return;
    }
    if (len > o->cfg->max_file_size) {
        snprintf(p->reason, sizeof p->reason, "too large (more than max_file_size %zu bytes)",
                 o->cfg->max_file_size);
        free(bytes);
        return;
    }
    char hash[17];
    ix_hash_hex(bytes, len, hash);
    if (e && strcmp(hash, e->hash) == 0) {
        free(bytes);
        p->kind = P_SAME;
        return;
    }
    gw_doc doc;
    gw_err perr;
    int rc = gw_doc_parse(bytes, len, w->abspath, o->rules, &doc, &perr);
    free(bytes);
    if (rc != GW_OK) {
        snprintf(p->reason, sizeof p->reason, "%s", rc == GW_EBINARY ? "binary file" : perr.msg);
        return;
    }
    if (o->dry_run) { /* parsed (so binary files are reported), not built */
        gw_doc_free(&doc);
        p->kind = P_DRY;
        return;
    }
    gw_file_info fi = {w->id, w->mtime, (long long)len, hash};
    gw_xdoc *xd = gw_xdoc_new();
    rc = gw_index_build(&doc, &fi, xd, &perr);
    gw_doc_free(&doc);
    set_mtime(xd, w);
    if (rc != GW_OK) {
        gw_xdoc_free(xd);
        snprintf(p->reason, sizeof p->reason, "%s", perr.msg);
        return;
    }
    p->kind = P_DOC;
    p->xd = xd;
}

/* Returns GW_OK (indexed or skipped) or a database error code (fatal). Disposes of p->xd
 * (through discard(), defined below, when q is not NULL; else frees it). */
typedef struct prep_queue prep_queue;
static void discard(prep_queue *q, gw_xdoc *xd);

static int apply(run *r, prep_queue *q, const work *w, prep *p, gw_err *err)
{
    const ix_opts *o = r->o;
    char uid[256];
    uid_of(w->id, uid, sizeof uid);
    ix_entry *e = r->state ? ix_state_find(r->state, uid) : NULL;
    if (p->counted) r->st->bytes_read += p->len;
    switch (p->kind) {
    case P_SKIP_KEEP:
        ix_skip_file(o, r->st, w->abspath, p->reason);
        if (e) e->seen = 1; /* transient: keep the old document */
        return GW_OK;
    case P_SKIP:
        ix_skip_file(o, r->st, w->abspath, p->reason);
        return GW_OK;
    case P_SAME: {
        e->seen = 1; /* P_SAME needs a stored entry */
        r->st->touched++;
        r->st->unchanged++;
        int rc = touch_doc(r, uid, w, err);
        if (rc != GW_OK) return rc;
        return wrote(r, err);
    }
    case P_DRY:
        if (e) { e->seen = 1; r->st->replaced++; } else r->st->added++;
        return GW_OK;
    case P_DOC:
        break;
    }
    gw_xdoc *xd = p->xd;
    p->xd = NULL;
    if (!gw_db_replace_by_term(r->db, uid, strlen(uid), xd, err)) {
        gw_xdoc_free(xd);
        gw_err_prefix(err, "%s: ", w->abspath);
        return err ? err->code : GW_EINTERNAL;
    }
    discard(q, xd);
    if (e) {
        e->seen = 1;
        r->st->replaced++;
        ix_log(o, 3, "replaced %s", w->id);
    } else {
        r->st->added++;
        ix_log(o, 3, "added %s", w->id);
    }
    return wrote(r, err);
}

/* ---- phase 2: the preparing thread ---- */

/* A bounded queue from the preparing thread to the writer, in walk order. Small: each
 * slot may hold a built document (memory stays flat), and a few slots are enough to
 * absorb the variation in file sizes. */
#define PREP_QUEUE 8

struct prep_queue {
    const run *r;
    size_t lo, hi;           /* the items [lo, hi) of r->items */
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    prep slots[PREP_QUEUE];
    size_t item[PREP_QUEUE]; /* index in r->items */
    size_t head, count;
    /* Written documents go back to the preparing thread to be freed: freeing one is ~2% of
     * a run's instructions, and memory returns to the thread (malloc arena) that took it. */
    gw_xdoc *garbage[2 * PREP_QUEUE];
    size_t n_garbage;
    int finished; /* the producer has queued everything it will */
    int quit;     /* the writer stops: the producer must stop too */
};

static void *producer(void *arg)
{
    prep_queue *q = arg;
    const run *r = q->r;
    for (size_t i = q->lo; i < q->hi; i++) {
        if (ix_stop_signal) break;
        prep p;
        prepare(r, &r->items[i], &p);
        gw_xdoc *trash[2 * PREP_QUEUE];
        size_t n_trash;
        pthread_mutex_lock(&q->mu);
        n_trash = q->n_garbage;
        memcpy(trash, q->garbage, n_trash * sizeof *trash);
        q->n_garbage = 0;
        while (q->count == PREP_QUEUE && !q->quit) pthread_cond_wait(&q->not_full, &q->mu);
        if (q->quit) {
            pthread_mutex_unlock(&q->mu);
            gw_xdoc_free(p.xd);
            for (size_t t = 0; t < n_trash; t++) gw_xdoc_free(trash[t]);
            break;
        }
        size_t k = (q->head + q->count) % PREP_QUEUE;
        q->slots[k] = p;
        q->item[k] = i;
        q->count++;
        pthread_cond_signal(&q->not_empty);
        pthread_mutex_unlock(&q->mu);
        for (size_t t = 0; t < n_trash; t++) gw_xdoc_free(trash[t]);
    }
    pthread_mutex_lock(&q->mu);
    q->finished = 1;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Takes the next prepared item: 1, or 0 when the producer has finished. */
static int next_prepared(prep_queue *q, size_t *item, prep *p)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == 0 && !q->finished) pthread_cond_wait(&q->not_empty, &q->mu);
    int got = q->count > 0;
    if (got) {
        *p = q->slots[q->head];
        *item = q->item[q->head];
        q->head = (q->head + 1) % PREP_QUEUE;
        q->count--;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return got;
}

/* Hands a written document back to the preparing thread to free (or frees it here when
 * that thread is done or the list is full). */
static void discard(prep_queue *q, gw_xdoc *xd)
{
    if (!q) { gw_xdoc_free(xd); return; }
    pthread_mutex_lock(&q->mu);
    int kept = !q->finished && q->n_garbage < 2 * PREP_QUEUE;
    if (kept) q->garbage[q->n_garbage++] = xd;
    pthread_mutex_unlock(&q->mu);
    if (!kept) gw_xdoc_free(xd);
}

/* Stops the producer, waits for it and frees what it prepared in advance. */
static void stop_producer(prep_queue *q, pthread_t th)
{
    pthread_mutex_lock(&q->mu);
    q->quit = 1;
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
    pthread_join(th, NULL);
    for (; q->count > 0; q->count--) {
        gw_xdoc_free(q->slots[q->head].xd);
        q->head = (q->head + 1) % PREP_QUEUE;
    }
    for (size_t t = 0; t < q->n_garbage; t++) gw_xdoc_free(q->garbage[t]);
    q->n_garbage = 0;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
}

/* Starts the producer for the items [lo, hi); 0, or -1 (then the caller works inline).
 * Signals stay with the main thread: the handler's flag is all either thread needs. */
static int start_producer(prep_queue *q, pthread_t *th, const run *r, size_t lo, size_t hi)
{
    memset(q, 0, sizeof *q);
    q->r = r;
    q->lo = lo;
    q->hi = hi;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(th, NULL, producer, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->not_empty);
        pthread_cond_destroy(&q->not_full);
        return -1;
    }
    return 0;
}

/* ---- phase 3: deletions ---- */

static int kept(const run *r, const char *uid)
{
    const char *id = uid + strlen(GW_PREFIX_UID);
    for (size_t i = 0; i < r->n_kept; i++) {
        size_t n = strlen(r->kept_prefixes[i]);
        if (strncmp(id, r->kept_prefixes[i], n) == 0 &&
            (n == 0 || r->kept_prefixes[i][n - 1] == '/' || id[n] == '/' || id[n] == '\0'))
            return 1;
    }
    return 0;
}

static int delete_unseen(run *r, gw_err *err)
{
    for (size_t i = 0; i < r->state->cap && !ix_stop_signal; i++) {
        ix_entry *e = &r->state->slots[i];
        if (!e->uid || e->seen || kept(r, e->uid)) continue;
        if (!r->o->dry_run) {
            int rc = gw_db_delete_by_term(r->db, e->uid, strlen(e->uid), err);
            if (rc != GW_OK) return rc;
        }
        r->st->deleted++;
        ix_log(r->o, 3, "deleted %s", e->uid + strlen(GW_PREFIX_UID));
        int rc = wrote(r, err);
        if (rc != GW_OK) return rc;
    }
    return GW_OK;
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Ids: relpath with one root; "<basename of root>/<relpath>" with several. NULL (after
 * saying why) when two roots have the same name. */
static char **root_prefixes(const ix_opts *o)
{
    const gw_strlist *roots = &o->cfg->roots;
    char **prefixes = gw_xcalloc(roots->n + 1, sizeof *prefixes);
    for (size_t i = 0; i < roots->n; i++) {
        if (roots->n == 1) { prefixes[i] = gw_xstrdup(""); continue; }
        const char *p = roots->v[i];
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/') n--;
        const char *b = p + n;
        while (b > p && b[-1] != '/') b--;
        prefixes[i] = gw_xmalloc((size_t)(p + n - b) + 2);
        memcpy(prefixes[i], b, (size_t)(p + n - b));
        strcpy(prefixes[i] + (p + n - b), "/");
        for (size_t j = 0; j < i; j++) {
            if (strcmp(prefixes[i], prefixes[j]) == 0) {
                ix_log(o, 0, "roots %s and %s have the same name '%.*s'; with several roots "
                       "the ids are <root name>/<path>, so names must differ",
                       roots->v[j], roots->v[i], (int)(p + n - b), b);
                for (size_t k = 0; k <= i; k++) free(prefixes[k]);
                free(prefixes);
                return NULL;
            }
        }
    }
    return prefixes;
}

static void free_prefixes(char **prefixes)
{
    for (size_t i = 0; prefixes && prefixes[i]; i++) free(prefixes[i]);
    free(prefixes);
}

/* Phase 1 for all roots. Returns 0, or -1 (said why) when a root cannot be read. */
static int walk_roots(run *r, char **prefixes)
{
    const ix_opts *o = r->o;
    const gw_strlist *roots = &o->cfg->roots;
    gw_err err = {0};
    ix_log(o, 2, "walking %zu root%s", roots->n, roots->n == 1 ? "" : "s");
    for (size_t i = 0; i < roots->n && !ix_stop_signal; i++) {
        ix_root root = {roots->v[i], prefixes[i]};
        ix_walk_cb cb = {on_file, on_skip, on_dir_failed, r};
        r->files_in_root = 0;
        if (ix_walk(o, &root, &cb, &err) < 0) {
            ix_log(o, 0, "%s; nothing changed", err.msg);
            return -1;
        }
        if (r->files_in_root == 0 && r->state && r->state->n > 0) {
            ix_log(o, 1, "root %s has no files to index; keeping its documents (unmounted "
                   "share?). Use --rebuild to empty it on purpose.", roots->v[i]);
            keep_prefix(r, prefixes[i]);
        }
    }
    ix_log(o, 2, "%lu unchanged, %zu to read (%.1f MB)", r->st->unchanged, r->n,
           (double)r->bytes_total / 1e6);
    return 0;
}

/* Phase 2 for the items [lo, hi), in walk order, then (incremental runs) phase 3.
 * Returns an exit code. */
static int process_range(run *r, size_t lo, size_t hi)
{
    const ix_opts *o = r->o;
    gw_err err = {0};
    unsigned long long done_bytes = 0;
    unsigned long done = 0;
    prep_queue q;
    pthread_t th;
    /* One core: a second thread would only add switches. The processes of a parallel
     * build already fill the cores, so they don't add threads either. */
    int threaded = hi - lo > 1 && !r->no_thread && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
                   start_producer(&q, &th, r, lo, hi) == 0;
    size_t next_i = lo;
    for (;;) {
        if (ix_stop_signal) break;
        size_t i;
        prep p;
        if (threaded) {
            if (!next_prepared(&q, &i, &p)) break;
        } else {
            if (next_i >= hi) break;
            i = next_i++;
            prepare(r, &r->items[i], &p);
        }
        if (apply(r, threaded ? &q : NULL, &r->items[i], &p, &err) != GW_OK) {
            if (threaded) stop_producer(&q, th);
            ix_progress_clear(r->progress);
            ix_log(o, 0, "database error: %s (%s); the current batch is not committed, the "
                   "database holds the previous commit", err.msg, gw_code_name(err.code));
            if (err.code == GW_ECORRUPT)
                ix_log(o, 0, "the database is damaged: see gongwen-indexer --check, and build "
                       "a new one with gongwen-indexer --rebuild (the current build keeps "
                       "serving until the switch)");
            return IX_EXIT_FAILED;
        }
        done_bytes += (unsigned long long)r->items[i].size;
        ix_progress_update(r->progress, ++done, done_bytes);
        if (r->shared) {
            atomic_fetch_add(&r->shared->files_done, 1);
            atomic_fetch_add(&r->shared->bytes_done, (unsigned long long)r->items[i].size);
        }
    }
    if (threaded) stop_producer(&q, th);
    ix_progress_clear(r->progress);
    if (!ix_stop_signal && r->state) {
        if (delete_unseen(r, &err) != GW_OK) {
            ix_log(o, 0, "database error while deleting: %s; the current batch is not "
                   "committed", err.msg);
            return IX_EXIT_FAILED;
        }
    }
    if (commit(r, &err) != GW_OK) {
        ix_log(o, 0, "commit failed: %s; the database holds the previous commit", err.msg);
        return IX_EXIT_FAILED;
    }
    if (ix_stop_signal) return 128 + (int)ix_stop_signal;
    return r->st->skipped ? IX_EXIT_SKIPPED : IX_EXIT_OK;
}

static void run_free(run *r)
{
    ix_progress_free(r->progress);
    r->progress = NULL;
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].abspath);
        free(r->items[i].id);
    }
    free(r->items);
    for (size_t i = 0; i < r->n_kept; i++) free(r->kept_prefixes[i]);
    free(r->kept_prefixes);
}

static void final_counts(gw_db *db, ix_stats *st)
{
    if (!db) return;
    gw_err e2;
    st->doc_count = gw_db_doc_count(db, &e2);
    st->revision = gw_db_revision(db, &e2);
}

/* An incremental run that would read most of the files: a full build with all cores is
 * faster (one process replaces a document at ~1.3 times the cost of adding it, and the
 * full build is merged compacted). Only with several jobs, with enough files for the
 * difference to matter, and on a stub layout (a full build switches builds). */
static int full_build_cheaper(const ix_opts *o, const run *r)
{
    if (!r->state || r->state->n == 0 || o->dry_run || !o->full_share_ok) return 0;
    double share = o->cfg->full_share;
    size_t seen = r->n + (size_t)r->st->unchanged;
    if (share <= 0 || share > 1 || r->n < IX_FULL_MIN_FILES || seen == 0) return 0;
    if ((double)r->n < share * (double)seen) return 0;
    ix_log(o, 2, "%zu of %zu files to read (%.0f%%, full_share %.0f%%): a full build with %d "
           "processes instead of an incremental run", r->n, seen,
           100.0 * (double)r->n / (double)seen, share * 100, ix_jobs(o));
    return 1;
}

int ix_run(const ix_opts *o, gw_db *db, ix_state *state, ix_stats *st)
{
    double t0 = now();
    run r = {.o = o, .db = db, .state = state, .st = st};
    int status = IX_EXIT_FAILED;
    gw_err lerr;
    if (db && gw_index_check_layout(db, &lerr) != GW_OK) {
        ix_log(o, 0, "%s: %s", o->db_path, lerr.msg);
        st->seconds = now() - t0;
        return IX_EXIT_FAILED;
    }
    char **prefixes = root_prefixes(o);
    if (prefixes && walk_roots(&r, prefixes) == 0) {
        if (full_build_cheaper(o, &r)) {
            status = IX_RUN_FULL;
            goto out;
        }
        r.progress = ix_progress_new(o, (unsigned long)r.n, r.bytes_total);
        status = process_range(&r, 0, r.n);
    }
    if (status == IX_EXIT_OK && st->skipped) status = IX_EXIT_SKIPPED;
    if (status >= 128)
        ix_log(o, 1, "stopped by signal %d after committing the work done; deletions of "
               "vanished files were not applied", status - 128);
out:
    st->seconds = now() - t0;
    final_counts(db, st);
    run_free(&r);
    free_prefixes(prefixes);
    return status;
}

/* ---- parallel rebuild ---- */

/* A child's result travels to the parent through a pipe: one line of counts, then one
 * line per skipped file ("path\treason"). Skip lines were already printed by the child. */
static void send_stats(int fd, const ix_stats *st)
{
    FILE *f = fdopen(fd, "w");
    if (!f) return;
    fprintf(f, "%lu %lu %lu %lu %lu %lu %llu %lu\n", st->added, st->replaced, st->deleted,
            st->unchanged, st->touched, st->skipped, st->bytes_read, st->commits);
    for (size_t i = 0; i < st->n_skips; i++)
        fprintf(f, "%s\t%s\n", st->skips[i].path, st->skips[i].reason);
    fclose(f);
}

static void merge_stats(ix_stats *st, const char *text)
{
    ix_stats c = {0};
    if (sscanf(text, "%lu %lu %lu %lu %lu %lu %llu %lu", &c.added, &c.replaced, &c.deleted,
               &c.unchanged, &c.touched, &c.skipped, &c.bytes_read, &c.commits) != 8)
        return;
    st->added += c.added;
    st->replaced += c.replaced;
    st->deleted += c.deleted;
    st->touched += c.touched;
    st->skipped += c.skipped;
    st->bytes_read += c.bytes_read;
    st->commits += c.commits;
    const char *line = strchr(text, '\n');
    while (line && *++line) {
        const char *end = strchr(line, '\n');
        const char *tab = memchr(line, '\t', end ? (size_t)(end - line) : strlen(line));
        if (!end || !tab) break;
        if (st->n_skips < IX_MAX_SKIPS_LISTED) {
            st->skips = gw_xrealloc(st->skips, (st->n_skips + 1) * sizeof *st->skips);
            st->skips[st->n_skips].path = gw_xstrndup(line, (size_t)(tab - line));
            st->skips[st->n_skips].reason = gw_xstrndup(tab + 1, (size_t)(end - tab - 1));
            st->n_skips++;
        }
        line = end;
    }
}

/* ---- parallel full build ---- */

/* The work list is cut into chunks of consecutive files of about equal bytes; each chunk
 * is indexed into its own database, and the processes take the next chunk as they finish
 * one. Consecutive: merged in chunk order, every document gets the docid a one-process
 * build gives it (same answers, same order of ties). Several per process: a process held
 * up by big files or by other load on the machine takes fewer chunks instead of leaving
 * the others waiting for its share (with fixed shares, the run ends with the slowest). */
#define IX_CHUNKS_PER_JOB 4
#define IX_CHUNK_MIN_FILES 100

/* Cuts r's work list into m chunks: chunk c is [bounds[c], bounds[c + 1]). Returns m. */
static size_t cut_chunks(const run *r, size_t jobs, size_t **bounds_out)
{
    size_t m = jobs == 1 ? 1 : r->n / IX_CHUNK_MIN_FILES;
    if (m > jobs * IX_CHUNKS_PER_JOB) m = jobs * IX_CHUNKS_PER_JOB;
    if (m < jobs) m = jobs;
    if (m > r->n) m = r->n;
    if (m < 1) m = 1;
    size_t *b = gw_xcalloc(m + 1, sizeof *b);
    size_t i = 0;
    unsigned long long acc = 0;
    for (size_t c = 1; c < m; c++) {
        unsigned long long target = r->bytes_total / m * c;
        /* at least one file per chunk, and room for one in each chunk after it */
        while (i < r->n - (m - c) && (i <= b[c - 1] || acc < target))
            acc += (unsigned long long)r->items[i++].size;
        b[c] = i;
    }
    b[m] = r->n;
    *bounds_out = b;
    return m;
}

/* A child's signal handler: only the flag. The parent forwards SIGINT/SIGTERM, and a
 * Ctrl-C also reaches the children directly: a second signal must not kill a child
 * before it commits (the parent's handler would). */
static void child_on_signal(int sig)
{
    ix_stop_signal = sig;
}

/* One process of a parallel build: takes chunks until none is left. Returns its exit
 * code. */
static int child_main(run *cr, ix_parallel *par, const size_t *bounds, size_t m, size_t k)
{
    const ix_opts *o = cr->o;
    int code = IX_EXIT_OK;
    double busy = 0;
    size_t chunks = 0;
    while (!ix_stop_signal) {
        size_t c = atomic_fetch_add(&cr->shared->next_chunk, 1);
        if (c >= m) break;
        double t = now();
        gw_err err;
        int rc = IX_EXIT_FAILED;
        cr->db = gw_db_open(par->parts[c], GW_DB_CREATE, &err);
        if (!cr->db) ix_log(o, 0, "%s: %s", par->parts[c], err.msg);
        else if (gw_index_check_layout(cr->db, &err) != GW_OK)
            ix_log(o, 0, "%s: %s", par->parts[c], err.msg);
        else rc = process_range(cr, bounds[c], bounds[c + 1]);
        gw_db_close(cr->db);
        cr->db = NULL;
        t = now() - t;
        busy += t;
        chunks++;
        ix_log(o, 3, "chunk %zu/%zu: %zu files in %.2f s", c + 1, m, bounds[c + 1] - bounds[c], t);
        if (rc == IX_EXIT_FAILED || rc >= 128) return rc;
        if (rc == IX_EXIT_SKIPPED) code = rc;
    }
    /* CPU against wall time: how much of a core this process got (other load, I/O) */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    ix_log(o, 2, "process %zu: %zu chunk%s, busy %.2f s, CPU %.2f s", k + 1, chunks,
           chunks == 1 ? "" : "s", busy, cpu);
    return ix_stop_signal ? 128 + (int)ix_stop_signal : code;
}

int ix_run_parallel(const ix_opts *o, ix_parallel *par, ix_stats *st)
{
    double t0 = now();
    run r = {.o = o, .st = st};
    int status = IX_EXIT_FAILED;
    size_t jobs = par->jobs < 1 ? 1 : par->jobs, n_alloc = jobs;
    char **prefixes = root_prefixes(o);
    pid_t *pids = gw_xcalloc(jobs, sizeof *pids);
    int *fds = gw_xcalloc(jobs, sizeof *fds);
    double *ended = gw_xcalloc(jobs, sizeof *ended);
    gw_buf *out = gw_xcalloc(jobs, sizeof *out);
    size_t *bounds = NULL, started = 0;
    shared *sh = MAP_FAILED;
    par->parts = NULL;
    par->n_parts = 0;
    if (!prefixes || walk_roots(&r, prefixes) != 0 || ix_stop_signal) goto done;
    par->seconds_walk = now() - t0;
    ix_log(o, 2, "walk: %zu files to index (%.1f MB) in %.2f s", r.n,
           (double)r.bytes_total / 1e6, par->seconds_walk);
    if (par->after_walk && par->after_walk(o, r.bytes_total, par->ctx) != 0) goto done;

    size_t m = cut_chunks(&r, jobs, &bounds);
    if (jobs > m) jobs = m;
    par->parts = gw_xcalloc(m, sizeof *par->parts);
    par->n_parts = m;
    for (size_t c = 0; c < m; c++) {
        size_t n = strlen(par->build) + 32;
        par->parts[c] = gw_xmalloc(n);
        snprintf(par->parts[c], n, "%s.part-%04zu", par->build, c);
    }
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        ix_log(o, 0, "mmap: %s", strerror(errno));
        goto done;
    }
    atomic_init(&sh->next_chunk, 0);
    atomic_init(&sh->files_done, 0);
    atomic_init(&sh->bytes_done, 0);
    r.shared = sh;
    r.no_thread = jobs > 1;
    ix_log(o, 2, "indexing with %zu process%s, %zu chunk%s", jobs, jobs == 1 ? "" : "es", m,
           m == 1 ? "" : "s");
    double t_index = now();
    pid_t parent = getpid();
    /* The walk's skips are the parent's; the children count only their own. */
    fflush(NULL);
    for (size_t k = 0; k < jobs; k++) {
        int pfd[2];
        if (pipe(pfd) != 0) {
            ix_log(o, 0, "pipe: %s", strerror(errno));
            goto wait_children;
        }
        pid_t pid = fork();
        if (pid < 0) {
            ix_log(o, 0, "fork: %s", strerror(errno));
            close(pfd[0]);
            close(pfd[1]);
            goto wait_children;
        }
        if (pid == 0) {
            /* A killed parent takes its children along: no orphan goes on writing parts
             * (and holding the writers' lock, inherited) after a SIGKILL. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(IX_EXIT_FAILED);
            struct sigaction sa = {0};
            sa.sa_handler = child_on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, NULL);
            sigaction(SIGTERM, &sa, NULL);
            close(pfd[0]);
            for (size_t j = 0; j < k; j++) close(fds[j]);
            ix_stats cst = {0};
            run cr = r;
            cr.st = &cst;
            cr.progress = NULL;
            int code = child_main(&cr, par, bounds, m, k);
            send_stats(pfd[1], &cst);
            _exit(code);
        }
        close(pfd[1]);
        pids[k] = pid;
        fds[k] = pfd[0];
        started++;
    }
wait_children:
    r.progress = ix_progress_new(o, (unsigned long)r.n, r.bytes_total);
    /* Read all pipes to the end (a child blocks if its pipe fills), then reap. A stop
     * signal is passed on: each child commits what it did and stops. */
    {
        int forwarded = 0;
        unsigned long files_shown = 0;
        struct pollfd *pfds = gw_xcalloc(started ? started : 1, sizeof *pfds);
        for (size_t open_n = started; open_n > 0;) {
            if (ix_stop_signal && !forwarded) {
                for (size_t k = 0; k < started; k++) kill(pids[k], (int)ix_stop_signal);
                forwarded = 1;
            }
            for (size_t k = 0; k < started; k++) pfds[k] = (struct pollfd){fds[k], POLLIN, 0};
            int pr = poll(pfds, started, 500);
            unsigned long files = atomic_load(&sh->files_done);
            if (files != files_shown || (pr == 0 && files < r.n)) {
                ix_progress_update(r.progress, files, atomic_load(&sh->bytes_done));
                files_shown = files;
            }
            if (pr <= 0) continue;
            open_n = 0;
            for (size_t k = 0; k < started; k++) {
                if (fds[k] < 0) continue;
                open_n++;
                if (!(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char buf[4096];
                ssize_t n = read(fds[k], buf, sizeof buf);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    close(fds[k]);
                    fds[k] = -1;
                    ended[k] = now() - t_index;
                    open_n--;
                    continue;
                }
                gw_buf_append(&out[k], buf, (size_t)n);
            }
        }
        free(pfds);
    }
    ix_progress_clear(r.progress);
    status = started == jobs ? IX_EXIT_OK : IX_EXIT_FAILED;
    for (size_t k = 0; k < started; k++) {
        int ws = 0;
        while (waitpid(pids[k], &ws, 0) < 0 && errno == EINTR) {}
        int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        if (out[k].data) merge_stats(st, out[k].data);
        if (code >= 128 && status < 128) status = code;
        else if (code == IX_EXIT_FAILED && status < 128) status = IX_EXIT_FAILED;
    }
    if (status == IX_EXIT_OK && ix_stop_signal) status = 128 + (int)ix_stop_signal;
    par->seconds_index = now() - t_index;
    {
        char ends[256] = "";
        size_t len = 0;
        for (size_t k = 0; k < started && len < sizeof ends - 16; k++)
            len += (size_t)snprintf(ends + len, sizeof ends - len, "%s%.2f", k ? ", " : "",
                                    ended[k]);
        ix_log(o, 2, "indexing: %.2f s (processes ended after %s s)", par->seconds_index, ends);
    }
    if (status == IX_EXIT_OK && st->skipped) status = IX_EXIT_SKIPPED;
done:
    st->seconds = now() - t0;
    if (sh != MAP_FAILED) munmap(sh, sizeof *sh);
    for (size_t k = 0; k < n_alloc; k++) gw_buf_free(&out[k]);
    free(out);
    free(ended);
    free(fds);
    free(pids);
    free(bounds);
    run_free(&r);
    free_prefixes(prefixes);
    return status;
}
