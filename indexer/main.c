/* main.c: gongwen-indexer's command line, configuration, dispatch and final report.
 *
 *   gongwen-indexer [-c CONF] [-d DB] [OPTIONS] [ROOT...]
 *
 * See man/gongwen-indexer.1 (and --help) for the options and exit codes; indexer.h for
 * how the work is split between the files of this directory. */
#include "indexer.h"
#include "gw_doc.h"
#include "gw_norm.h" /* gw_index.h uses gw_norm_text */
#include "gw_index.h"
#include "gw_json.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VERSION "0.1"

volatile sig_atomic_t ix_stop_signal;

static void on_signal(int sig)
{
    if (ix_stop_signal) {
        /* a second Ctrl-C: the operator really wants out; the last commit stands */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    ix_stop_signal = sig;
}

void ix_log(const ix_opts *o, int level, const char *fmt, ...)
{
    if (level > o->level) return;
    ix_progress_clear(NULL);
    va_list ap;
    va_start(ap, fmt);
    fputs("gongwen-indexer: ", stderr);
    if (level == 0) fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void ix_skip_file(const ix_opts *o, ix_stats *st, const char *path, const char *reason)
{
    st->skipped++;
    if (st->n_skips < IX_MAX_SKIPS_LISTED) {
        st->skips = gw_xrealloc(st->skips, (st->n_skips + 1) * sizeof *st->skips);
        st->skips[st->n_skips].path = gw_xstrdup(path);
        st->skips[st->n_skips].reason = gw_xstrdup(reason);
        st->n_skips++;
    }
    if (o->level >= 1) {
        ix_progress_clear(NULL);
        fprintf(stderr, "Skipping %s: %s\n", path, reason);
    }
}

void ix_stats_free(ix_stats *st)
{
    for (size_t i = 0; i < st->n_skips; i++) {
        free(st->skips[i].path);
        free(st->skips[i].reason);
    }
    free(st->skips);
}

static void usage(FILE *f)
{
    fputs("usage: gongwen-indexer [-c CONF] [-d DB] [OPTIONS] [ROOT...]\n"
          "Indexes the files under each ROOT into the Xapian database DB, incrementally:\n"
          "unchanged files are skipped, changed ones replaced, vanished ones deleted.\n"
          "The first run (no DB yet) and --rebuild are full builds: all cores, parts merged\n"
          "and compacted, switched to atomically. A full build needs free disk of 25 times\n"
          "the bytes of its input files (measured peak: 19 times the input, 3.2 times the\n"
          "final database; index.space_ratio) and refuses to start without it. An\n"
          "incremental run that finds 60% of the files or more new or changed (at least\n"
          "1000; index.full_share) does a full build instead, when jobs > 1.\n"
          "\n"
          "  -c, --config CONF       read CONF (INI; see conf/gongwen.conf)\n"
          "  -d, --database DB       database path readers open (index.database)\n"
          "      --rebuild           build a fresh database beside the live one, validate it\n"
          "                          (document count, canaries) and switch atomically\n"
          "      --rollback          point DB back at the build before the last switch\n"
          "      --status            print DB's build, document count and revision as JSON\n"
          "      --check             run Xapian's consistency check on DB's live build\n"
          "                          (reads it all); exit 2 when it is damaged\n"
          "      --inspect FILE      print what the text pipeline makes of FILE (JSON)\n"
          "      --report FILE.json  write the run's summary as JSON\n"
          "      --set S.K=V         set any configuration key (e.g. index.max_drop=0.2)\n"
          "      --batch-size N      documents per commit (index.batch_size)\n"
          "      --max-file-size N   skip bigger files; K, M, G suffixes (index.max_file_size)\n"
          "      --include GLOB      index files matching GLOB (repeatable; index.include)\n"
          "      --exclude GLOB      skip files and folders matching GLOB (index.exclude)\n"
          "      --jobs N            processes of a full build: the first run, --rebuild\n"
          "                          (index.jobs; 0 = cores)\n"
          "      --no-space-check    build even when the disk seems too small for it\n"
          "                          (index.space_ratio = 0)\n"
          "  -n, --dry-run           report what would change; write nothing\n"
          "      --print-config      print the effective configuration and exit\n"
          "  -q, --quiet             only errors, warnings and skipped files\n"
          "  -v, --verbose           also one line per document added/replaced/deleted\n"
          "  -h, --help              this help\n"
          "  -V, --version           version\n"
          "\n"
          "Exit status: 0 all indexed, 1 some files skipped (listed), 2 failed (nothing of\n"
          "the failing batch committed), 130/143 stopped by SIGINT/SIGTERM after committing.\n",
          f);
}

enum {
    OPT_REBUILD = 256, OPT_ROLLBACK, OPT_STATUS, OPT_CHECK, OPT_INSPECT, OPT_REPORT, OPT_SET,
    OPT_BATCH, OPT_MAXSIZE, OPT_INCLUDE, OPT_EXCLUDE, OPT_JOBS, OPT_PRINT_CONFIG, OPT_NO_SPACE
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"database", required_argument, NULL, 'd'},
    {"rebuild", no_argument, NULL, OPT_REBUILD},
    {"rollback", no_argument, NULL, OPT_ROLLBACK},
    {"status", no_argument, NULL, OPT_STATUS},
    {"check", no_argument, NULL, OPT_CHECK},
    {"inspect", required_argument, NULL, OPT_INSPECT},
    {"report", required_argument, NULL, OPT_REPORT},
    {"set", required_argument, NULL, OPT_SET},
    {"batch-size", required_argument, NULL, OPT_BATCH},
    {"max-file-size", required_argument, NULL, OPT_MAXSIZE},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"no-space-check", no_argument, NULL, OPT_NO_SPACE},
    {"dry-run", no_argument, NULL, 'n'},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Command-line settings, applied in order after the configuration file. */
typedef struct setting {
    const char *key;   /* "index.batch_size" or NULL for a raw --set */
    const char *value;
} setting;

/* The command line, as parse_args read it. */
typedef struct cli {
    const char *conf, *db_opt, *inspect_file, *report;
    int rebuild, rollback, status, check, dry, print_config, quiet, verbose, jobs_opt;
    setting *sets;
    size_t nsets;
    char **roots;      /* the ROOT... operands */
    int nroots;
} cli;

static int inspect(const ix_opts *o, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gongwen-indexer: %s: %s\n", path, strerror(errno));
        return IX_EXIT_FAILED;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = gw_xmalloc(cap + 1);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            if (cap > o->cfg->max_file_size) break;
            cap *= 2;
            buf = gw_xrealloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = 0;
    gw_doc doc;
    gw_err err;
    int rc = gw_doc_parse(buf, n, path, o->rules, &doc, &err);
    free(buf);
    if (rc != GW_OK) {
        fprintf(stderr, "gongwen-indexer: %s: %s\n", path,
                rc == GW_EBINARY ? "binary file" : err.msg);
        return IX_EXIT_SKIPPED;
    }
    char *json = gw_doc_to_json(&doc, path);
    puts(json);
    free(json);
    gw_doc_free(&doc);
    return IX_EXIT_OK;
}

/* The layout of an existing database (--check, --status): 0, or -1 after saying why. */
static int read_existing(const char *db_path, ix_layout *l)
{
    gw_err err;
    int rc = ix_layout_read(l, db_path, &err);
    if (rc == GW_OK && l->exists) return 0;
    if (rc != GW_OK) fprintf(stderr, "gongwen-indexer: %s\n", err.msg);
    else fprintf(stderr, "gongwen-indexer: %s: no such database\n", db_path);
    ix_layout_free(l);
    return -1;
}

/* --check: Xapian's consistency check of the build readers are served. 0 when clean,
 * IX_EXIT_FAILED with what is damaged and what to do. */
static int check_db(const char *db_path)
{
    ix_layout l;
    gw_err err;
    if (read_existing(db_path, &l) < 0) return IX_EXIT_FAILED;
    char *report = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int n = gw_db_check(l.current, &report, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (report && report[0]) fputs(report, stdout);
    free(report);
    int code = IX_EXIT_OK;
    if (n < 0) {
        fprintf(stderr, "gongwen-indexer: %s: the check stopped at damage: %s\n", l.current,
                err.msg);
        code = IX_EXIT_FAILED;
    } else if (n > 0) {
        fprintf(stderr, "gongwen-indexer: %s: %d problem%s found\n", l.current, n,
                n == 1 ? "" : "s");
        code = IX_EXIT_FAILED;
    } else {
        printf("%s: no damage found (%.1f s)\n", l.current, secs);
    }
    if (code != IX_EXIT_OK)
        fprintf(stderr, "gongwen-indexer: the database is damaged; readers may fail on the "
                "damaged part. Build a new one with: gongwen-indexer --rebuild (the damaged "
                "build stays until the switch)\n");
    ix_layout_free(&l);
    return code;
}

static int status_json(const char *db_path)
{
    ix_layout l;
    gw_err err;
    if (read_existing(db_path, &l) < 0) return IX_EXIT_FAILED;
    gw_db *db = gw_db_open(db_path, GW_DB_READ, &err);
    if (!db) {
        fprintf(stderr, "gongwen-indexer: %s: %s\n", db_path, err.msg);
        ix_layout_free(&l);
        return IX_EXIT_FAILED;
    }
    json_t *j = json_object();
    json_object_set_new(j, "database", gw_json_str(db_path));
    json_object_set_new(j, "layout", gw_json_str(l.plain ? "directory" : "stub"));
    json_object_set_new(j, "build", gw_json_str(l.current));
    char *prev = ix_layout_previous(&l);
    json_object_set_new(j, "previous", prev ? gw_json_str(prev) : json_null());
    free(prev);
    json_object_set_new(j, "documents", json_integer(gw_db_doc_count(db, &err)));
    json_object_set_new(j, "revision", json_integer((json_int_t)gw_db_revision(db, &err)));
    char *s = gw_json_dump(j, GW_JSON_PRETTY);
    puts(s);
    free(s);
    json_decref(j);
    gw_db_close(db);
    ix_layout_free(&l);
    return IX_EXIT_OK;
}

static const char *mode_name(int rebuild, int dry)
{
    return dry ? "dry-run" : rebuild ? "rebuild" : "incremental";
}

static void summary(const ix_opts *o, const ix_stats *st)
{
    if (o->level < 1) return;
    printf("gongwen-indexer: %s%lu added, %lu replaced, %lu deleted, %lu unchanged, %lu "
           "skipped, %.2f MB read, %.1f s (%u documents, revision %lu)\n",
           o->dry_run ? "dry run, would have: " : "", st->added, st->replaced, st->deleted,
           st->unchanged, st->skipped, st->bytes_read / 1e6, st->seconds, st->doc_count,
           st->revision);
    fflush(stdout);
}

/* The report is written with jansson's own dump, not gw_json_dump: its reals (mb_read,
 * seconds) keep full precision for the programs that read it. */
static int write_report(const ix_opts *o, const char *path, const char *mode,
                        const ix_stats *st, int code, const char *build, time_t started)
{
    json_t *j = json_object();
    const char *status = code == 0 ? "ok" : code == 1 ? "skipped" : code >= 128 ? "interrupted"
                                                                               : "failed";
    char ts[32], te[32];
    time_t ended = time(NULL);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
    strftime(te, sizeof te, "%Y-%m-%dT%H:%M:%SZ", gmtime(&ended));
    json_object_set_new(j, "status", gw_json_str(status));
    json_object_set_new(j, "exit_code", json_integer(code));
    json_object_set_new(j, "mode", gw_json_str(mode));
    json_object_set_new(j, "database", gw_json_str(o->db_path));
    json_object_set_new(j, "build", build ? gw_json_str(build) : json_null());
    json_object_set_new(j, "started", gw_json_str(ts));
    json_object_set_new(j, "finished", gw_json_str(te));
    const struct { const char *key; unsigned long long n; } counts[] = {
        {"added", st->added},         {"replaced", st->replaced}, {"deleted", st->deleted},
        {"unchanged", st->unchanged}, {"touched", st->touched},   {"skipped", st->skipped},
        {"bytes_read", st->bytes_read},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        json_object_set_new(j, counts[i].key, json_integer((json_int_t)counts[i].n));
    json_object_set_new(j, "mb_read", json_real(st->bytes_read / 1e6));
    json_object_set_new(j, "seconds", json_real(st->seconds));
    json_object_set_new(j, "commits", json_integer((json_int_t)st->commits));
    json_object_set_new(j, "documents", json_integer(st->doc_count));
    json_object_set_new(j, "revision", json_integer((json_int_t)st->revision));
    json_t *sk = json_array();
    for (size_t i = 0; i < st->n_skips; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "path", gw_json_str(st->skips[i].path));
        json_object_set_new(e, "reason", gw_json_str(st->skips[i].reason));
        json_array_append_new(sk, e);
    }
    json_object_set_new(j, "skipped_files", sk);
    json_object_set_new(j, "skipped_files_truncated", json_boolean(st->skipped > st->n_skips));
    int rc = json_dump_file(j, path, JSON_INDENT(2));
    json_decref(j);
    if (rc != 0) {
        ix_log(o, 0, "cannot write report %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The run without --rebuild: the first run (no DB yet) is a full build; otherwise opens
 * the current build, loads the state and runs incrementally, or turns into a full build
 * when most files changed (ix_run says IX_RUN_FULL). */
static int incremental(const ix_opts *o, ix_layout *l, ix_stats *st)
{
    gw_err err;
    gw_db *db;
    if (!l->exists) {
        if (o->dry_run) {
            ix_log(o, 2, "%s does not exist yet: everything would be added", o->db_path);
            ix_state empty = {0};
            int rc = ix_run(o, NULL, &empty, st);
            ix_state_free(&empty);
            return rc;
        }
        /* First run: a full build, like --rebuild (all cores, merged and compacted),
         * switched to only when complete: a killed first run leaves no database. */
        return ix_rebuild(o, l, st, 1);
    } else {
        /* a plain directory may be empty (made with mkdir): create the database in it */
        db = gw_db_open(l->current, o->dry_run ? GW_DB_READ
                                    : l->plain ? GW_DB_CREATE_OR_OPEN : GW_DB_OPEN, &err);
        if (!db) {
            if (err.code == GW_ELOCKED)
                ix_log(o, 0, "%s is locked by another writer: %s", l->current, err.msg);
            else
                ix_log(o, 0, "%s: %s", l->current, err.msg);
            return IX_EXIT_FAILED;
        }
    }
    ix_state state = {0};
    if (ix_state_load(&state, db, &err) != GW_OK) {
        ix_log(o, 0, "reading the index state of %s: %s", o->db_path, err.msg);
        gw_db_close(db);
        return IX_EXIT_FAILED;
    }
    ix_log(o, 3, "%zu documents in the index before this run", state.n);
    ix_opts o2 = *o;
    /* a full build switches builds: not for a plain directory, which is updated in place */
    o2.full_share_ok = !l->plain && ix_jobs(o) > 1;
    int rc = ix_run(&o2, db, &state, st);
    ix_state_free(&state);
    gw_db_close(db);
    if (rc == IX_RUN_FULL) {
        ix_stats_free(st);
        memset(st, 0, sizeof *st);
        return ix_rebuild(o, l, st, 0);
    }
    if ((rc == IX_EXIT_OK || rc == IX_EXIT_SKIPPED) && st->added + st->replaced + st->deleted)
        ix_compact_if_grown(o, l);
    return rc;
}

/* ---- main: the stages ------------------------------------------------------------------ */

/* Reads the options into a (a->sets has room for argc settings). Returns -1 to go on, or
 * the exit code of --help, --version or a usage error. */
static int parse_args(int argc, char **argv, cli *a)
{
    int c;
    while ((c = getopt_long(argc, argv, "c:d:nqvhV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->conf = optarg; break;
        case 'd': a->db_opt = optarg; break;
        case OPT_REBUILD: a->rebuild = 1; break;
        case OPT_ROLLBACK: a->rollback = 1; break;
        case OPT_STATUS: a->status = 1; break;
        case OPT_CHECK: a->check = 1; break;
        case OPT_INSPECT: a->inspect_file = optarg; break;
        case OPT_REPORT: a->report = optarg; break;
        case OPT_SET: a->sets[a->nsets++] = (setting){NULL, optarg}; break;
        case OPT_BATCH: a->sets[a->nsets++] = (setting){"batch_size", optarg}; break;
        case OPT_MAXSIZE: a->sets[a->nsets++] = (setting){"max_file_size", optarg}; break;
        case OPT_INCLUDE: a->sets[a->nsets++] = (setting){"include", optarg}; break;
        case OPT_EXCLUDE: a->sets[a->nsets++] = (setting){"exclude", optarg}; break;
        case OPT_JOBS: a->sets[a->nsets++] = (setting){"jobs", optarg}; a->jobs_opt = 1; break;
        case OPT_NO_SPACE: a->sets[a->nsets++] = (setting){"space_ratio", "0"}; break;
        case 'n': a->dry = 1; break;
        case OPT_PRINT_CONFIG: a->print_config = 1; break;
        case 'q': a->quiet = 1; break;
        case 'v': a->verbose = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': puts("gongwen-indexer " VERSION); return 0;
        default: usage(stderr); return IX_EXIT_FAILED;
        }
    }
    if (a->rebuild + a->rollback + a->status + a->check + (a->inspect_file != NULL) > 1) {
        fputs("gongwen-indexer: --rebuild, --rollback, --status, --check and --inspect "
              "exclude each other\n", stderr);
        return IX_EXIT_FAILED;
    }
    a->roots = argv + optind;
    a->nroots = argc - optind;
    return -1;
}

/* The configuration: defaults, then the file, then the command line in its order.
 * NULL after printing the error. */
static gw_config *load_config(const cli *a)
{
    gw_config *cfg = gw_config_new();
    gw_err err;
    if (a->conf && gw_config_load(cfg, a->conf, &err) != GW_OK) {
        fprintf(stderr, "gongwen-indexer: %s\n", err.msg);
        gw_config_free(cfg);
        return NULL;
    }
    for (size_t i = 0; i < a->nsets; i++) {
        const setting *t = &a->sets[i];
        int rc = t->key ? gw_config_set(cfg, "index", t->key, t->value, &err)
                        : gw_config_set_option(cfg, t->value, &err);
        if (rc != GW_OK) {
            fprintf(stderr, "gongwen-indexer: %s\n", err.msg);
            gw_config_free(cfg);
            return NULL;
        }
    }
    if (a->db_opt) gw_config_set(cfg, "index", "database", a->db_opt, NULL);
    if (a->nroots > 0) {
        gw_config_clear_list(&cfg->roots);
        for (int i = 0; i < a->nroots; i++) gw_config_set(cfg, "index", "roots", a->roots[i], NULL);
    }
    return cfg;
}

/* The run's options: the log level from the configuration unless -q or -v says. */
static ix_opts make_opts(gw_config *cfg, const cli *a)
{
    int level = gw_config_log_level(cfg);
    if (a->quiet) level = 1;
    if (a->verbose) level = 3;
    ix_opts o = {.cfg = cfg, .db_path = cfg->database, .rebuild = a->rebuild,
                 .dry_run = a->dry,
                 .verbosity = level >= 2 ? (level >= 3 ? IX_VERBOSE : IX_NORMAL) : IX_QUIET,
                 .level = level, .jobs_given = a->jobs_opt};
    return o;
}

/* Under the lock: the rebuild or the incremental run (st filled), after the flush
 * threshold and the signal handlers are set. */
static int index_locked(const ix_opts *o, ix_layout *l, ix_stats *st)
{
    /* Xapian reads its flush threshold from the environment when a database is opened.
     * It only bounds memory here: the wrapper keeps every batch inside a transaction, so
     * a flush never makes a partial batch visible. */
    char ft[32];
    snprintf(ft, sizeof ft, "%zu", o->cfg->flush_threshold);
    setenv("XAPIAN_FLUSH_THRESHOLD", ft, 1);

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    ix_log(o, 2, "%s of %s", o->rebuild ? "rebuild" : o->dry_run ? "dry run"
                             : !l->exists ? "first run" : "incremental run", o->cfg->database);
    if (o->jobs_given && o->cfg->jobs > 1 && !o->rebuild && l->exists)
        ix_log(o, 1, "--jobs %d: only full builds (the first run, --rebuild) index with several "
               "processes; this incremental run uses one", o->cfg->jobs);
    if (o->rebuild && o->dry_run) {
        ix_log(o, 0, "--rebuild --dry-run: use --dry-run alone to see what would change");
        return IX_EXIT_FAILED;
    }
    if (o->rebuild) return ix_rebuild(o, l, st, 0);
    return incremental(o, l, st);
}

/* Indexing or --rollback: takes the writer's lock, reads the layout, runs, prints the
 * summary and writes the --report. Returns the exit code. */
static int run(const ix_opts *o, const cli *a)
{
    gw_err err;
    struct timespec t_start;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    if (gw_norm_init(&err) != GW_OK) {
        ix_log(o, 0, "%s", err.msg);
        return IX_EXIT_FAILED;
    }

    /* One writer at a time: our lock names the holder's pid (Xapian's own lock, which we
     * also take, would only say "locked"). */
    time_t started = time(NULL);
    ix_stats st = {0};
    ix_layout l = {0};
    const char *mode = a->rollback ? "rollback" : mode_name(a->rebuild, a->dry);
    int code = IX_EXIT_FAILED;
    int lock_fd = -1;
    if (!a->dry) {
        lock_fd = ix_lock(o->cfg->database, &err);
        if (lock_fd < 0) {
            ix_log(o, 0, "%s", err.msg);
            goto out_report; /* monitoring learns of the clash from the report too */
        }
    }
    if (ix_layout_read(&l, o->cfg->database, &err) != GW_OK) {
        ix_log(o, 0, "%s", err.msg);
        goto out_report;
    }
    if (a->rollback) {
        code = ix_rollback(o, &l);
        goto out_report;
    }
    code = index_locked(o, &l, &st);
    struct timespec t_end;
    clock_gettime(CLOCK_MONOTONIC, &t_end);
    /* the whole run, state loading and tables included (ix_run timed only its loop) */
    st.seconds = (double)(t_end.tv_sec - t_start.tv_sec) + (t_end.tv_nsec - t_start.tv_nsec) / 1e9;
    summary(o, &st);
out_report:
    if (a->report && write_report(o, a->report, mode, &st, code, l.current, started) != 0 &&
        code < 2)
        code = IX_EXIT_FAILED;
    ix_stats_free(&st);
    ix_layout_free(&l);
    ix_unlock(lock_fd);
    return code;
}

int main(int argc, char **argv)
{
    cli a = {.sets = gw_xcalloc((size_t)argc + 1, sizeof *a.sets)};
    int code = parse_args(argc, argv, &a);
    if (code >= 0) {
        free(a.sets);
        return code;
    }
    code = IX_EXIT_FAILED;
    gw_clean_rules *rules = NULL;
    gw_config *cfg = load_config(&a);
    if (!cfg) goto out;
    if (a.print_config) {
        char *d = gw_config_dump(cfg);
        fputs(d, stdout);
        free(d);
        code = 0;
        goto out;
    }
    ix_opts o = make_opts(cfg, &a);
    if (a.inspect_file || (!a.status && !a.rollback)) {
        gw_err err;
        rules = gw_clean_rules_new(*cfg->rules ? cfg->rules : NULL, &err);
        if (!rules) {
            ix_log(&o, 0, "rules: %s", err.msg);
            goto out;
        }
        o.rules = rules;
    }
    if (a.inspect_file)
        code = inspect(&o, a.inspect_file);
    else if (a.status)
        code = status_json(cfg->database);
    else if (a.check)
        code = check_db(cfg->database);
    else if (!a.rollback && cfg->roots.n == 0)
        ix_log(&o, 0, "no document root: give ROOT... or set roots in [index] of the "
               "configuration");
    else
        code = run(&o, &a);
out:
    gw_clean_rules_free(rules);
    gw_config_free(cfg);
    free(a.sets);
    return code;
}
