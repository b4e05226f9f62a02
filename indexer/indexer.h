/* indexer.h: the pieces of gongwen-indexer (internal to indexer/).
 *
 *   main.c        options, configuration, dispatch, summary line, --report JSON
 *   walk.c        tree walk: include/exclude globs, symlink loops (dev/ino of directories)
 *   state.c       incremental state read from the database (Q terms + mtime/size/hash)
 *   run.c         the indexing loop: decide, read, hash, parse, write in batches, delete
 *   layout.c      database layout: stub file -> build directory, pid lock, switch, status
 *   rebuild.c     full builds: first run, --rebuild (parts, merge, validation, switch),
 *                 and --rollback
 *   space.c       does the file system hold a full build? (refuse early)
 *   progress.c    progress bar (tty) or periodic log lines (cron, systemd)
 *
 * Exit codes (documented in man/gongwen-indexer.1):
 *   0 all files indexed, 1 some files skipped (each listed), 2 failed (usage, lock held,
 *   database error, refused switch; nothing of the failing batch is committed),
 *   130 / 143 stopped by SIGINT / SIGTERM after committing the work done. */
#ifndef GW_INDEXER_H
#define GW_INDEXER_H

#include "gw_clean.h"
#include "gw_config.h"
#include "gw_err.h"
#include "gw_xapian.h"

#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

enum { IX_EXIT_OK = 0, IX_EXIT_SKIPPED = 1, IX_EXIT_FAILED = 2 };
/* ix_run's answer "a full build is cheaper": nothing was written (not an exit code). */
enum { IX_RUN_FULL = -1 };
/* Below this many files to read, an incremental run never turns into a full build. */
#define IX_FULL_MIN_FILES 1000

enum ix_verbosity { IX_QUIET = 0, IX_NORMAL = 1, IX_VERBOSE = 2 };

/* Set by the SIGINT/SIGTERM handler: the signal number. The loop finishes the current
 * document, commits and stops. */
extern volatile sig_atomic_t ix_stop_signal;

typedef struct ix_skip {
    char *path;
    char *reason;
} ix_skip;

typedef struct ix_stats {
    unsigned long added, replaced, deleted, unchanged, touched, skipped;
    unsigned long long bytes_read;
    unsigned long commits;
    double seconds;
    unsigned doc_count;          /* documents in the database at the end */
    unsigned long revision;      /* its revision at the end */
    ix_skip *skips;              /* the first IX_MAX_SKIPS_LISTED skips (for --report) */
    size_t n_skips;
} ix_stats;

#define IX_MAX_SKIPS_LISTED 10000

typedef struct ix_opts {
    gw_config *cfg;
    const char *db_path;         /* what readers open (stub file or plain database) */
    int rebuild, dry_run;
    int verbosity;               /* IX_QUIET: no progress, no info lines */
    int level;                   /* lines up to this level are logged (0 error .. 3 debug) */
    const gw_clean_rules *rules;
    int jobs_given;              /* --jobs was on the command line */
    int full_share_ok;           /* an incremental run may turn into a full build */
} ix_opts;

/* ---- output (main.c) ---- */
/* Logs one line to stderr unless quiet (level: 0 error, 1 warn, 2 info, 3 debug). */
void ix_log(const ix_opts *o, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "Skipping <file>: <reason>": printed (even with --quiet), counted, remembered. */
void ix_skip_file(const ix_opts *o, ix_stats *st, const char *path, const char *reason);
void ix_stats_free(ix_stats *st);

/* ---- walk.c ---- */
typedef struct ix_root {
    const char *path;     /* as given */
    const char *prefix;   /* id prefix: "" with one root, else "<basename>/" */
} ix_root;

/* Called for each regular file to index: id = prefix + path relative to the root.
 * A non-zero return stops the walk and is returned. */
typedef int (*ix_file_fn)(void *ctx, const char *abspath, const char *id,
                          const struct stat *st);
/* Called for each unreadable directory (its id prefix, so that the documents under it
 * are not deleted) and for each skipped entry. */
typedef struct ix_walk_cb {
    ix_file_fn file;
    void (*skip)(void *ctx, const char *abspath, const char *reason);
    void (*dir_failed)(void *ctx, const char *id_prefix);
    void *ctx;
} ix_walk_cb;

/* Walks one root in sorted order, following symlinks, each directory (dev/ino) once.
 * Returns 0, the callback's non-zero value, or -1 with err set if the root itself cannot
 * be read (the caller must then not delete anything). */
int ix_walk(const ix_opts *o, const ix_root *root, const ix_walk_cb *cb, gw_err *err);
int ix_glob_match(const gw_strlist *globs, const char *name, const char *relpath);

/* ---- state.c ---- */
typedef struct ix_entry {
    char *uid;               /* the Q term */
    long long mtime, size;
    long mtime_ns;           /* nanoseconds part (stored as "SECONDS.NNNNNNNNN") */
    char hash[17];
    unsigned char seen;      /* met during this run's walk (keep) */
} ix_entry;

typedef struct ix_state {
    ix_entry *slots;         /* open addressing; uid == NULL = empty */
    size_t cap, n;
} ix_state;

int ix_state_load(ix_state *s, gw_db *db, gw_err *err);
ix_entry *ix_state_find(ix_state *s, const char *uid);
void ix_state_free(ix_state *s);

/* ---- run.c ---- */
/* Indexes all roots into db (writable, or read-only with dry_run). With a state, runs
 * incrementally (skip unchanged, delete vanished); with state NULL, adds everything.
 * Returns an exit code, or IX_RUN_FULL (nothing written) when o->full_share_ok and the
 * walk found at least cfg->full_share of the files (and IX_FULL_MIN_FILES) to read. */
int ix_run(const ix_opts *o, gw_db *db, ix_state *state, ix_stats *st);
/* A full build (first run, --rebuild) with par->jobs processes: walks once, cuts the work
 * list into chunks of consecutive files, and each process indexes the next free chunk
 * into its own new database par->parts[c] (one process: one chunk). Merging the parts in
 * order (rebuild.c) gives the documents the docids of a one-process build. */
typedef struct ix_parallel {
    /* in */
    const char *build;           /* the parts are named build + ".part-NNNN" */
    size_t jobs;                 /* processes (>= 1) */
    /* called after the walk with the bytes to index; non-zero stops the build (the
     * callback has said why) */
    int (*after_walk)(const ix_opts *o, unsigned long long bytes, void *ctx);
    void *ctx;
    /* out: the part paths (allocated; some may not exist when a run was stopped or
     * failed); the caller frees them and removes the parts */
    char **parts;
    size_t n_parts;
    double seconds_walk, seconds_index;
} ix_parallel;
/* Returns an exit code (the worst of the children's; 128 + signal when stopped: the
 * children committed what they did). */
int ix_run_parallel(const ix_opts *o, ix_parallel *par, ix_stats *st);
/* FNV-1a 64 of the bytes, 16 hex digits. */
void ix_hash_hex(const char *p, size_t n, char out[17]);

/* ---- layout.c ---- */
typedef struct ix_layout {
    char *db_path;           /* as given with -d */
    int plain;               /* db_path is a plain Xapian database directory */
    int exists;              /* something is at db_path */
    char *current;           /* absolute path of the live build directory (or db_path) */
    char *builds_dir;        /* db_path + ".d" */
} ix_layout;

int ix_layout_read(ix_layout *l, const char *db_path, gw_err *err);
void ix_layout_free(ix_layout *l);
/* A new, empty build directory path under builds_dir (created). Caller frees. */
char *ix_layout_new_build(ix_layout *l, gw_err *err);
/* Atomically points db_path at build_dir (stub written beside, fsync'ed, renamed). A plain
 * database directory at db_path is first moved into builds_dir (kept as the previous
 * build). Records the old current build as "previous". */
int ix_layout_switch(ix_layout *l, const char *build_dir, gw_err *err);
/* The previous build recorded by the last switch, or NULL. Caller frees. */
char *ix_layout_previous(const ix_layout *l);
/* Records build_dir (NULL: none) as the previous build (after a switch that only
 * compacted the current build: the rollback point stays the one before). */
int ix_layout_set_previous(ix_layout *l, const char *build_dir, gw_err *err);
/* Removes build directories other than the current and previous ones. */
void ix_layout_prune(ix_layout *l, const char *keep_also);
/* Removes path and everything under it, not following symlinks; best effort (what
 * cannot be removed stays, silently). */
void ix_rm_tree(const char *path);

/* The one-writer lock: DB.lock, flock + our pid inside. Returns the fd, or -1 with a
 * message naming the holder's pid. */
int ix_lock(const char *db_path, gw_err *err);
void ix_unlock(int fd);

/* ---- rebuild.c ---- */
/* A full build: a new build directory beside the live one (if any), filled by
 * ix_run_parallel (after the disk-space check), merged and compacted by xapian-compact,
 * validated, switched atomically. first: the first run, into a database that does not
 * exist yet (messages say so; stopped by SIGINT/SIGTERM, it switches to what its
 * processes committed). A killed run switches nothing: readers find no database, or the
 * old one. Returns an exit code. */
int ix_rebuild(const ix_opts *o, ix_layout *l, ix_stats *st, int first);
int ix_rollback(const ix_opts *o, ix_layout *l);
/* After an incremental run: when the live build has grown past index.compact_growth times
 * its size when last compacted (recorded in the build, file IX_COMPACTED_MARK), compacts
 * it into a new build, checks it holds the same documents and switches to it atomically
 * (readers follow; the rollback point stays the build before). Best effort: a failure is
 * logged and leaves the live build as it was. Returns nothing the run's status depends on. */
void ix_compact_if_grown(const ix_opts *o, ix_layout *l);
/* Records in a build directory its size as compacted (full builds, compactions). */
void ix_mark_compacted(const char *build_dir);
#define IX_COMPACTED_MARK "gongwen.compacted"
/* The processes of a full build: cfg->jobs, or the number of cores when 0 (1..64). */
int ix_jobs(const ix_opts *o);
/* Runs the canary queries of o->cfg->canaries against db; prints failures; returns the
 * number that found nothing (or -1 if the file cannot be read). */
int ix_canaries(const ix_opts *o, gw_db *db, int *total);

/* ---- space.c ---- */
/* 0 when the file system of dir has input_bytes x cfg->space_ratio bytes free (or the
 * ratio is 0, or statvfs fails: warned); -1 after logging a refusal that says how much is
 * needed and how to override. */
int ix_space_check(const ix_opts *o, const char *dir, unsigned long long input_bytes);

/* ---- progress.c ---- */
typedef struct ix_progress ix_progress;
ix_progress *ix_progress_new(const ix_opts *o, unsigned long files_total,
                             unsigned long long bytes_total);
void ix_progress_update(ix_progress *p, unsigned long files_done,
                        unsigned long long bytes_done);
/* Erases the bar (tty) before other output. */
void ix_progress_clear(ix_progress *p);
void ix_progress_free(ix_progress *p);

#endif
