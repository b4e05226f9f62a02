/* walk.c: the tree walk of one document root.
 *
 * - Entries are visited in byte order of their names (readdir order is arbitrary), so
 *   two runs over the same tree assign documents in the same order.
 * - Symlinks are followed (archives are often assembled with them), and every directory
 *   is entered at most once per root, identified by (st_dev, st_ino): a symlink loop
 *   (`a/loop -> ..`) or two links to one folder cannot make the walk endless or index a
 *   file twice under two names.
 * - include/exclude globs (fnmatch) are tried on the entry's name and on its path
 *   relative to the root: `*.txt` selects by name, `drafts/…` patterns a subtree. exclude applies
 *   to directories too (`.*` keeps .git and .snapshot out); include only to files.
 * - What cannot be read is reported through the callbacks and skipped; only an unreadable
 *   root is an error (then the caller must not delete the documents it holds). */
#include "indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct dev_ino {
    dev_t dev;
    ino_t ino;
} dev_ino;

typedef struct walk {
    const ix_opts *o;
    const ix_root *root;
    const ix_walk_cb *cb;
    dev_ino *seen; /* directories entered (small: one per directory) */
    size_t n_seen, cap_seen;
} walk;

int ix_glob_match(const gw_strlist *globs, const char *name, const char *relpath)
{
    for (size_t i = 0; i < globs->n; i++) {
        if (fnmatch(globs->v[i], name, 0) == 0) return 1;
        if (relpath && fnmatch(globs->v[i], relpath, FNM_PATHNAME) == 0) return 1;
    }
    return 0;
}

/* Returns 1 if the directory was entered before, else records it. Open addressing:
 * an archive can hold hundreds of thousands of directories. */
static int seen_dir(walk *w, const struct stat *st)
{
    if (2 * (w->n_seen + 1) > w->cap_seen) {
        size_t cap = w->cap_seen ? 2 * w->cap_seen : 256;
        dev_ino *t = gw_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < w->cap_seen; i++) {
            if (!w->seen[i].ino) continue;
            size_t h = (size_t)(w->seen[i].ino * 0x9E3779B97F4A7C15ull ^ w->seen[i].dev) & (cap - 1);
            while (t[h].ino) h = (h + 1) & (cap - 1);
            t[h] = w->seen[i];
        }
        free(w->seen);
        w->seen = t;
        w->cap_seen = cap;
    }
    size_t h = (size_t)(st->st_ino * 0x9E3779B97F4A7C15ull ^ st->st_dev) & (w->cap_seen - 1);
    while (w->seen[h].ino) {
        if (w->seen[h].ino == st->st_ino && w->seen[h].dev == st->st_dev) return 1;
        h = (h + 1) & (w->cap_seen - 1);
    }
    w->seen[h] = (dev_ino){st->st_dev, st->st_ino};
    w->n_seen++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = gw_xmalloc(na + nb + 2);
    memcpy(s, a, na);
    size_t k = na;
    if (na && a[na - 1] != '/') s[k++] = '/';
    memcpy(s + k, b, nb + 1);
    return s;
}

static const char *stat_reason(int e, char *buf, size_t n)
{
    switch (e) {
    case ENOENT: return "dangling symlink or vanished";
    case ELOOP: return "symlink loop";
    case EACCES: return "permission denied";
    default: snprintf(buf, n, "cannot stat: %s", strerror(e)); return buf;
    }
}

/* A directory that could not be read (whole or in part): skipped with "what: errno's
 * message", and its id prefix reported so that the documents under it are kept. */
static void dir_failed(walk *w, const char *abspath, const char *rel, const char *what, int e)
{
    char reason[160];
    snprintf(reason, sizeof reason, "%s: %s", what, strerror(e));
    w->cb->skip(w->cb->ctx, abspath, reason);
    char *prefix = join(w->root->prefix, rel);
    w->cb->dir_failed(w->cb->ctx, prefix);
    free(prefix);
}

/* abspath: the directory; rel: its path relative to the root ("" for the root). */
static int walk_dir(walk *w, const char *abspath, const char *rel)
{
    DIR *d = opendir(abspath);
    if (!d) {
        dir_failed(w, abspath, rel, "cannot read directory", errno);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = gw_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = gw_xstrdup(de->d_name);
    }
    int read_err = errno;
    closedir(d);
    if (read_err) dir_failed(w, abspath, rel, "error reading directory", read_err);
    if (n) qsort(names, n, sizeof *names, cmp_names); /* qsort(NULL, 0) is undefined */

    int rc = 0;
    for (size_t i = 0; i < n && rc == 0 && !ix_stop_signal; i++) {
        char *path = join(abspath, names[i]);
        char *relp = *rel ? join(rel, names[i]) : gw_xstrdup(names[i]);
        if (ix_glob_match(&w->o->cfg->exclude, names[i], relp)) goto next; /* silently */
        struct stat st;
        if (stat(path, &st) != 0) {
            int e = errno;
            /* An excluded-by-name dangling link is already skipped above; a link whose
             * name does not match include is no document either: stay silent. */
            struct stat lst;
            if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
                !ix_glob_match(&w->o->cfg->include, names[i], relp))
                goto next;
            char buf[128];
            w->cb->skip(w->cb->ctx, path, stat_reason(e, buf, sizeof buf));
            goto next;
        }
        if (S_ISDIR(st.st_mode)) {
            if (seen_dir(w, &st)) {
                struct stat lst;
                int is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
                if (is_link)
                    w->cb->skip(w->cb->ctx, path, "symlink loop (directory already walked)");
                goto next;
            }
            rc = walk_dir(w, path, relp);
            goto next;
        }
        if (!ix_glob_match(&w->o->cfg->include, names[i], relp)) goto next;
        if (!S_ISREG(st.st_mode)) {
            w->cb->skip(w->cb->ctx, path,
                        S_ISFIFO(st.st_mode)   ? "not a regular file (FIFO)"
                        : S_ISSOCK(st.st_mode) ? "not a regular file (socket)"
                                               : "not a regular file (device)");
            goto next;
        }
        {
            char *id = join(w->root->prefix, relp); /* prefix "" or "name/" */
            rc = w->cb->file(w->cb->ctx, path, id, &st);
            free(id);
        }
    next:
        free(path);
        free(relp);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int ix_walk(const ix_opts *o, const ix_root *root, const ix_walk_cb *cb, gw_err *err)
{
    struct stat st;
    if (stat(root->path, &st) != 0)
        return gw_err_set(err, GW_ENOTFOUND, "root %s: %s", root->path, strerror(errno)), -1;
    if (!S_ISDIR(st.st_mode))
        return gw_err_set(err, GW_EINVAL, "root %s: not a directory", root->path), -1;
    DIR *probe = opendir(root->path);
    if (!probe)
        return gw_err_set(err, GW_EIO, "root %s: %s", root->path, strerror(errno)), -1;
    closedir(probe);
    walk w = {.o = o, .root = root, .cb = cb};
    seen_dir(&w, &st);
    int rc = walk_dir(&w, root->path, "");
    free(w.seen);
    return rc;
}
