/* rebuild.c: full builds — the first run, --rebuild, and an incremental run that found
 * most files changed: a fresh build beside the live one (if any), indexed in parts by
 * several processes (run.c), merged and compacted, validated, then switched — and
 * --rollback (point the stub back at the previous build).
 *
 * Validation before the switch — a nightly rebuild that lost its share (unmounted
 * volume, wrong include glob) must not replace a good index:
 *  1. document count: new >= old * (1 - max_drop);
 *  2. canaries: every query in the file named by the `canaries` key (one per line, # for
 *     comments) finds at least one document. A canary is matched as exact phrases the
 *     way the search matches text: normalized (gw_norm), tokenized (gw_token), each run of
 *     consecutive positions one OP_PHRASE, the runs ANDed; a lone Han character is its
 *     unigram term.
 * A failed check leaves the live database untouched, keeps the new build for inspection
 * (pruned by the next rebuild) and exits 2. */
#include "indexer.h"
#include "gw_norm.h"
#include "gw_token.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct tok {
    char term[GW_TOKEN_MAX_WORD * 4 + 8];
    size_t len;
    uint32_t pos;
    int kind;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

static int on_token(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                    gw_span orig)
{
    (void)orig;
    toks *t = ctx;
    if (len >= sizeof t->v[0].term) return 0;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 32;
        t->v = gw_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    tok *k = &t->v[t->n++];
    memcpy(k->term, term, len);
    k->term[len] = 0;
    k->len = len;
    k->pos = pos;
    k->kind = (int)kind;
    return 0;
}

static int rank(int kind)
{
    return kind == GW_TOK_BIGRAM ? 3 : kind == GW_TOK_WORD ? 2 : kind == GW_TOK_EDGE ? 1 : 0;
}

/* The query for one canary line, or NULL if it has no terms. */
static gw_xquery *canary_query(const char *line)
{
    gw_norm_text nt = {0};
    gw_norm_run(line, strlen(line), 0, &nt);
    toks t = {0};
    gw_token_run(&nt, 1, on_token, &t, NULL);
    gw_norm_text_free(&nt);

    /* one term per position: the bigram if any, else the word, else the edge unigram */
    tok *best = NULL;
    size_t nb = 0;
    for (size_t i = 0; i < t.n; i++) {
        /* separators: the canary's words apart (a run at a line's edge may be longer in
         * the documents) */
        if (t.v[i].kind == GW_TOK_UNIGRAM || t.v[i].kind == GW_TOK_SEP) continue;
        if (nb && best[nb - 1].pos == t.v[i].pos) {
            if (rank(t.v[i].kind) > rank(best[nb - 1].kind)) best[nb - 1] = t.v[i];
            continue;
        }
        best = gw_xrealloc(best, (nb + 1) * sizeof *best);
        best[nb++] = t.v[i];
    }
    gw_xquery **subs = NULL;
    size_t ns = 0;
    for (size_t i = 0; i < nb;) {
        size_t j = i + 1;
        while (j < nb && best[j].pos == best[j - 1].pos + 1) j++;
        const char **terms = gw_xmalloc((j - i) * sizeof *terms);
        size_t *lens = gw_xmalloc((j - i) * sizeof *lens);
        for (size_t k = i; k < j; k++) {
            terms[k - i] = best[k].term;
            lens[k - i] = best[k].len;
        }
        subs = gw_xrealloc(subs, (ns + 1) * sizeof *subs);
        subs[ns++] = gw_xquery_phrase(terms, lens, j - i, 0);
        free(terms);
        free(lens);
        i = j;
    }
    if (ns == 0) { /* only unpositioned unigrams: a one-character canary */
        for (size_t i = 0; i < t.n; i++) {
            subs = gw_xrealloc(subs, (ns + 1) * sizeof *subs);
            subs[ns++] = gw_xquery_term(t.v[i].term, t.v[i].len, 1);
        }
    }
    gw_xquery *q = NULL;
    if (ns == 1) {
        q = subs[0];
    } else if (ns > 1) {
        q = gw_xquery_combine(GW_OP_AND, subs, ns, 0);
        for (size_t i = 0; i < ns; i++) gw_xquery_free(subs[i]);
    }
    free(subs);
    free(best);
    free(t.v);
    return q;
}

int ix_canaries(const ix_opts *o, gw_db *db, int *total)
{
    *total = 0;
    const char *path = o->cfg->canaries;
    if (!path || !*path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        ix_log(o, 0, "canaries %s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int failed = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '#') continue;
        (*total)++;
        gw_xquery *q = canary_query(s);
        if (!q) {
            ix_log(o, 0, "canary '%s': no searchable text", s);
            failed++;
            continue;
        }
        gw_search_opts so = GW_SEARCH_OPTS_INIT;
        so.limit = 1;
        gw_err err;
        gw_mset *m = gw_db_search(db, q, &so, &err);
        gw_xquery_free(q);
        if (!m) {
            ix_log(o, 0, "canary '%s': search failed: %s", s, err.msg);
            failed++;
            continue;
        }
        if (gw_mset_size(m) == 0) {
            ix_log(o, 0, "canary '%s': finds nothing in the new build", s);
            failed++;
        } else {
            ix_log(o, 3, "canary '%s': ok", s);
        }
        gw_mset_free(m);
    }
    fclose(f);
    return failed;
}

/* A part that exists (a stopped run may not have started every part). */
static int is_part(const char *path)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/iamglass", path);
    return access(p, F_OK) == 0;
}

static unsigned count_docs(const char *path, int *ok)
{
    gw_err err;
    gw_db *db = gw_db_open(path, GW_DB_READ, &err);
    *ok = db != NULL;
    if (!db) return 0;
    unsigned n = gw_db_doc_count(db, &err);
    gw_db_close(db);
    return n;
}

/* Merges the parts that exist into build with xapian-compact (package xapian-tools):
 * Xapian's Compactor over several sources, docids renumbered source after source, so in
 * part order. Returns 0 on success. */
static int merge_parts(const ix_opts *o, char *const *parts, size_t n, const char *build,
                       double *cpu)
{
    char **argv = gw_xcalloc(n + 4, sizeof *argv);
    size_t k = 0;
    argv[k++] = "xapian-compact";
    argv[k++] = "--quiet";
    for (size_t i = 0; i < n; i++)
        if (is_part(parts[i])) argv[k++] = parts[i];
    argv[k++] = (char *)build;
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* killed with us: no merge goes on writing into a build nobody will switch to */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    free(argv);
    if (pid < 0) {
        ix_log(o, 0, "fork: %s", strerror(errno));
        return -1;
    }
    int ws;
    struct rusage ru;
    while (wait4(pid, &ws, 0, &ru) < 0) {
        if (errno != EINTR) return -1;
    }
    *cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127) {
        ix_log(o, 0, "cannot run xapian-compact (package xapian-tools)");
        return -1;
    }
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        ix_log(o, 0, "xapian-compact failed merging the parts into %s", build);
        return -1;
    }
    return 0;
}

int ix_jobs(const ix_opts *o)
{
    long n = o->cfg->jobs > 0 ? o->cfg->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The space check after the walk: on the file system of the builds' directory. */
static int space_ok(const ix_opts *o, unsigned long long bytes, void *ctx)
{
    const ix_layout *l = ctx;
    return ix_space_check(o, l->builds_dir, bytes);
}

/* Parts, then one merge (a compaction, also with one part: a full build ends compacted,
 * about half the size of the same documents added one by one). Measured (DESIGN.md §3):
 * Xapian's indexing is CPU-bound, so N cores give nearly N times the speed. A run stopped
 * by a signal merges nothing, except a first run (there is no live build to keep): it
 * merges what its processes committed. */
static int build_parts(const ix_opts *o, ix_layout *l, const char *build, int first,
                       ix_stats *st, double *t_merge)
{
    ix_parallel par = {.build = build, .jobs = (size_t)ix_jobs(o), .after_walk = space_ok,
                       .ctx = l};
    int status = ix_run_parallel(o, &par, st);
    int merge = status == IX_EXIT_OK || status == IX_EXIT_SKIPPED || (first && status >= 128);
    size_t existing = 0;
    for (size_t c = 0; c < par.n_parts; c++) existing += is_part(par.parts[c]);
    if (merge && existing > 0) {
        double t = now();
        ix_log(o, 2, "merging %zu part%s into %s", existing, existing == 1 ? "" : "s", build);
        double cpu = 0;
        if (merge_parts(o, par.parts, par.n_parts, build, &cpu) != 0) status = IX_EXIT_FAILED;
        *t_merge = now() - t;
        ix_log(o, 2, "merge: %.2f s, CPU %.2f s", *t_merge, cpu);
    } else if (merge) {
        status = IX_EXIT_FAILED; /* the walk was stopped: nothing to switch to */
    }
    for (size_t c = 0; c < par.n_parts; c++) {
        ix_rm_tree(par.parts[c]);
        free(par.parts[c]);
    }
    free(par.parts);
    return status;
}

int ix_rebuild(const ix_opts *o, ix_layout *l, ix_stats *st, int first)
{
    gw_err err;
    double t0 = now(), t_merge = 0;
    char *build = ix_layout_new_build(l, &err);
    if (!build) {
        ix_log(o, 0, "%s", err.msg);
        return IX_EXIT_FAILED;
    }
    /* Clear out builds left by killed or refused rebuilds before adding one more. */
    ix_layout_prune(l, NULL);
    ix_log(o, 2, "%s into %s", first ? "first run: building" : "rebuilding", build);
    int status = build_parts(o, l, build, first, st, &t_merge);
    int stopped = status >= 128;
    if (status != IX_EXIT_OK && status != IX_EXIT_SKIPPED && !(first && stopped)) {
        if (first)
            ix_log(o, 0, "first run did not finish; %s was not created (the partial build %s "
                   "is removed by the next run)", l->db_path, build);
        else
            ix_log(o, 0, "rebuild did not finish; %s is unchanged (the partial build %s is "
                   "removed by the next --rebuild)", l->db_path, build);
        free(build);
        return stopped ? status : IX_EXIT_FAILED;
    }
    if (first && stopped && access(build, F_OK) != 0) {
        ix_log(o, 1, "stopped by signal %d before anything was committed; %s was not "
               "created", status - 128, l->db_path);
        free(build);
        return status;
    }
    double t_valid = now();

    /* validation */
    int ok_new, ok_old = 0;
    unsigned n_new = count_docs(build, &ok_new);
    st->doc_count = n_new;
    {
        gw_db *rdb = gw_db_open(build, GW_DB_READ, &err);
        if (rdb) {
            st->revision = gw_db_revision(rdb, &err);
            gw_db_close(rdb);
        }
    }
    unsigned n_old = l->current ? count_docs(l->current, &ok_old) : 0;
    int fail = !ok_new;
    double limit = o->cfg->max_drop;
    if (ok_old && n_old > 0) {
        double change = ((double)n_new - (double)n_old) / (double)n_old;
        int bad = (double)n_new < (double)n_old * (1.0 - limit) - 1e-9;
        ix_log(o, bad ? 0 : 2, "validation: %u documents (live build has %u: %+.1f%%, allowed "
               "drop %.1f%%): %s", n_new, n_old, change * 100, limit * 100,
               bad ? "FAILED" : "ok");
        fail |= bad;
    } else {
        ix_log(o, 2, "validation: %u documents (no live build to compare with)", n_new);
    }
    int total = 0, failed = 0;
    /* a stopped first run holds only part of the files: canaries would fail for that */
    if (ok_new && !stopped) {
        gw_db *rdb = gw_db_open(build, GW_DB_READ, &err);
        if (rdb) {
            failed = ix_canaries(o, rdb, &total);
            gw_db_close(rdb);
        } else {
            failed = -1;
        }
        if (total || failed)
            ix_log(o, failed ? 0 : 2, "validation: canaries %d/%d found: %s",
                   failed < 0 ? 0 : total - failed, total, failed ? "FAILED" : "ok");
        fail |= failed != 0;
    }
    t_valid = now() - t_valid;
    if (fail) {
        ix_log(o, 0, "refusing to switch: %s still serves the previous build; the new build "
               "is kept for inspection at %s", first ? "nothing" : l->db_path, build);
        free(build);
        return IX_EXIT_FAILED;
    }
    double t_switch = now();
    if (ix_layout_switch(l, build, &err) != GW_OK) {
        ix_log(o, 0, "switch failed: %s; %s is unchanged", err.msg, l->db_path);
        free(build);
        return IX_EXIT_FAILED;
    }
    ix_layout_prune(l, NULL);
    ix_mark_compacted(build);
    t_switch = now() - t_switch;
    if (first)
        ix_log(o, 2, "created %s -> %s", l->db_path, build);
    else
        ix_log(o, 2, "switched %s to %s (previous build kept for --rollback)", l->db_path, build);
    if (stopped)
        ix_log(o, 1, "stopped by signal %d: %s holds the %u documents committed so far; the "
               "next run adds the rest", status - 128, l->db_path, n_new);
    ix_log(o, 2, "phases: walk and indexing %.2f s, merge %.2f s, validation %.2f s, switch "
           "%.2f s", now() - t0 - t_merge - t_valid - t_switch, t_merge, t_valid, t_switch);
    free(build);
    return status;
}

/* ---- compaction after incremental runs ---------------------------------------------------- */

/* Bytes of the regular files directly in dir (a glass database is flat). */
static unsigned long long dir_bytes(const char *dir)
{
    unsigned long long n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *de;
    char path[PATH_MAX];
    while ((de = readdir(d))) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) n += (unsigned long long)st.st_size;
    }
    closedir(d);
    return n;
}

static unsigned long long mark_read(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, IX_COMPACTED_MARK);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long n = 0;
    if (fscanf(f, "%llu", &n) != 1) n = 0;
    fclose(f);
    return n;
}

static void mark_write(const char *dir, unsigned long long bytes)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, IX_COMPACTED_MARK);
    FILE *f = fopen(path, "w");
    if (!f) return; /* best effort: without it the next run takes the size it finds */
    fprintf(f, "%llu\n", bytes);
    fclose(f);
}

void ix_mark_compacted(const char *build_dir)
{
    mark_write(build_dir, dir_bytes(build_dir));
}

void ix_compact_if_grown(const ix_opts *o, ix_layout *l)
{
    double growth = o->cfg->compact_growth;
    if (l->plain || !l->current || o->dry_run || growth <= 0 || ix_stop_signal) return;
    unsigned long long now_b = dir_bytes(l->current), base = mark_read(l->current);
    if (!base) {
        /* a build from before the mark: as compact as it is now */
        mark_write(l->current, now_b);
        return;
    }
    if ((double)now_b < (double)base * growth) {
        ix_log(o, 3, "build size %.1f MB, %.2f times its compacted size (compacting from "
               "%.2f)", now_b / 1e6, (double)now_b / (double)base, growth);
        return;
    }
    struct statvfs vfs;
    if (statvfs(l->builds_dir, &vfs) == 0 &&
        (unsigned long long)vfs.f_bavail * vfs.f_frsize < now_b) {
        ix_log(o, 1, "not compacting %s (%.1f MB): the disk has less free space than that",
               l->current, now_b / 1e6);
        return;
    }
    double t0 = now();
    gw_err err;
    char *build = ix_layout_new_build(l, &err);
    if (!build) {
        ix_log(o, 1, "not compacting: %s", err.msg);
        return;
    }
    rmdir(build); /* the compactor creates its output itself */
    ix_log(o, 2, "the live build grew to %.1f MB, %.2f times its compacted size "
           "(index.compact_growth %.2f): compacting it into %s", now_b / 1e6,
           (double)now_b / (double)base, growth, build);
    char *before = ix_layout_previous(l);
    int ok_old, ok_new;
    unsigned n_old = count_docs(l->current, &ok_old);
    if (gw_db_compact(l->current, build, &err) != GW_OK) {
        ix_log(o, 1, "compaction failed (%s); the live build is unchanged", err.msg);
        ix_rm_tree(build);
        goto out;
    }
    unsigned n_new = count_docs(build, &ok_new);
    if (!ok_old || !ok_new || n_old != n_new) {
        ix_log(o, 1, "compaction gave %u documents for %u; the live build is unchanged",
               n_new, n_old);
        ix_rm_tree(build);
        goto out;
    }
    ix_mark_compacted(build);
    unsigned long long new_b = dir_bytes(build);
    if (ix_layout_switch(l, build, &err) != GW_OK) {
        ix_log(o, 1, "switch after compaction failed: %s; the live build is unchanged", err.msg);
        ix_rm_tree(build);
        goto out;
    }
    /* same documents: the rollback point stays the build before this one */
    ix_layout_set_previous(l, before, &err);
    ix_layout_prune(l, NULL);
    ix_log(o, 2, "compacted: %.1f MB -> %.1f MB in %.1f s; %s now names %s", now_b / 1e6,
           new_b / 1e6, now() - t0, l->db_path, build);
out:
    free(before);
    free(build);
}

int ix_rollback(const ix_opts *o, ix_layout *l)
{
    char *prev = ix_layout_previous(l);
    if (!prev || access(prev, F_OK) != 0) {
        if (prev) ix_log(o, 0, "no previous build to roll back to (%s is missing)", prev);
        else ix_log(o, 0, "no previous build to roll back to (none recorded in %s/previous)",
                    l->builds_dir);
        free(prev);
        return IX_EXIT_FAILED;
    }
    int ok;
    unsigned n = count_docs(prev, &ok);
    if (!ok) {
        ix_log(o, 0, "previous build %s does not open; not switching", prev);
        free(prev);
        return IX_EXIT_FAILED;
    }
    gw_err err;
    if (ix_layout_switch(l, prev, &err) != GW_OK) {
        ix_log(o, 0, "rollback failed: %s", err.msg);
        free(prev);
        return IX_EXIT_FAILED;
    }
    ix_log(o, 2, "rolled back %s to %s (%u documents); --rollback again undoes this",
           l->db_path, prev, n);
    free(prev);
    return IX_EXIT_OK;
}
