/* layout.c: where the database lives on disk, and how a new build replaces the old one.
 *
 *   DB                 what readers open (-d DB): a Xapian stub file "auto DB.d/build-…"
 *   DB.d/build-…/      the build directories (glass databases); the stub names one
 *   DB.d/previous      the build the stub named before the last switch (--rollback)
 *   DB.lock            the one-writer lock (flock), holding the writer's pid
 *
 * The stub's path is relative (Xapian resolves it against the stub's directory), so the
 * whole layout can be moved or copied. Incremental runs write into the current build in
 * place: a Xapian commit is atomic for readers. --rebuild writes a fresh build and then
 * switches by writing DB.tmp, fsync, rename over DB: a reader opens either the old build
 * or the new one, never a half-built one, and readers that have the old build open keep
 * reading it (its files stay until the next rebuild prunes it).
 *
 * A plain database directory at DB (made by an older version, or by hand) is used in
 * place by incremental runs; the first switch exchanges it with the stub atomically
 * (renameat2 RENAME_EXCHANGE) and keeps it as DB.d/build-…-migrated, the previous build. */
#include "indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static char *str_cat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = gw_xmalloc(na + nb + 1);
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return gw_xstrdup(".");
    if (slash == path) return gw_xstrdup("/");
    return gw_xstrndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int is_xapian_dir(const char *dir)
{
    static const char *const marks[] = {"iamglass", "iamchert", "iamhoney"};
    for (size_t i = 0; i < 3; i++) {
        char *p = str_cat(dir, "/");
        char *q = str_cat(p, marks[i]);
        int ok = access(q, F_OK) == 0;
        free(p);
        free(q);
        if (ok) return 1;
    }
    return 0;
}

/* Reads a single-database stub: "auto PATH" (or just "PATH"); PATH relative to dir. */
static int read_stub(const char *stub, char **target, gw_err *err)
{
    FILE *f = fopen(stub, "r");
    if (!f) return gw_err_set(err, GW_EIO, "%s: %s", stub, strerror(errno));
    char line[PATH_MAX + 16];
    char *found = NULL;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ')) s[--len] = 0;
        if (!*s || *s == '#') continue;
        if (strncmp(s, "auto ", 5) == 0 || strncmp(s, "glass ", 6) == 0) {
            s = strchr(s, ' ') + 1;
            while (*s == ' ') s++;
        } else if (strchr(s, ' ')) {
            fclose(f);
            free(found);
            return gw_err_set(err, GW_EINVAL, "%s: '%s': the indexer writes only to a local "
                              "database stub (\"auto PATH\")", stub, line);
        }
        n++;
        free(found);
        found = gw_xstrdup(s);
    }
    fclose(f);
    if (n != 1) {
        free(found);
        return gw_err_set(err, GW_EINVAL, "%s: a stub listing %d databases; the indexer "
                          "writes to a stub naming exactly one", stub, n);
    }
    if (found[0] == '/') {
        *target = found;
    } else {
        char *d = dir_of(stub);
        char *p = str_cat(d, "/");
        *target = str_cat(p, found);
        free(d);
        free(p);
        free(found);
    }
    return GW_OK;
}

int ix_layout_read(ix_layout *l, const char *db_path, gw_err *err)
{
    memset(l, 0, sizeof *l);
    l->db_path = gw_xstrdup(db_path);
    l->builds_dir = str_cat(db_path, ".d");
    struct stat st;
    if (stat(db_path, &st) != 0) {
        if (errno != ENOENT) return gw_err_set(err, GW_EIO, "%s: %s", db_path, strerror(errno));
        return GW_OK;
    }
    l->exists = 1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(db_path);
        int empty = 1;
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = 0;
        if (d) closedir(d);
        if (!is_xapian_dir(db_path) && !empty)
            return gw_err_set(err, GW_EINVAL, "%s is a directory but not a Xapian database; "
                              "refusing to write into it", db_path);
        l->plain = 1;
        l->current = gw_xstrdup(db_path);
        return GW_OK;
    }
    return read_stub(db_path, &l->current, err);
}

void ix_layout_free(ix_layout *l)
{
    free(l->db_path);
    free(l->builds_dir);
    free(l->current);
    memset(l, 0, sizeof *l);
}

char *ix_layout_new_build(ix_layout *l, gw_err *err)
{
    if (mkdir(l->builds_dir, 0755) != 0 && errno != EEXIST) {
        gw_err_set(err, GW_EIO, "%s: %s", l->builds_dir, strerror(errno));
        return NULL;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char name[96];
    for (int i = 1; i < 1000; i++) {
        snprintf(name, sizeof name, "/build-%04d%02d%02d-%02d%02d%02d-%d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, i);
        char *p = str_cat(l->builds_dir, name);
        if (access(p, F_OK) != 0) return p;
        free(p);
    }
    gw_err_set(err, GW_EIO, "%s: cannot find a free build name", l->builds_dir);
    return NULL;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes content to path atomically: tmp file, fsync, rename. */
static int write_atomic(const char *path, const char *content, gw_err *err)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return gw_err_set(err, GW_EIO, "%s: %s", tmp, strerror(errno));
    size_t n = strlen(content);
    if (write(fd, content, n) != (ssize_t)n || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return gw_err_set(err, GW_EIO, "%s: %s", tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return gw_err_set(err, GW_EIO, "rename %s -> %s: %s", tmp, path, strerror(e));
    }
    char *d = dir_of(path);
    fsync_dir(d);
    free(d);
    return GW_OK;
}

static char *stub_text(const ix_layout *l, const char *build_dir)
{
    /* relative to the stub's directory: DB's basename + ".d/" + build name */
    char buf[PATH_MAX + 16];
    snprintf(buf, sizeof buf, "auto %s.d/%s\n", base_of(l->db_path), base_of(build_dir));
    return gw_xstrdup(buf);
}

int ix_layout_switch(ix_layout *l, const char *build_dir, gw_err *err)
{
    char *previous = l->current ? gw_xstrdup(l->current) : NULL;
    char *stub = stub_text(l, build_dir);
    int rc;
    if (l->plain) {
        /* Move the plain database into DB.d/ and put the stub in its place. */
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s.tmp.%d", l->db_path, (int)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) { rc = gw_err_set(err, GW_EIO, "%s: %s", tmp, strerror(errno)); goto out; }
        size_t n = strlen(stub);
        if (write(fd, stub, n) != (ssize_t)n || fsync(fd) != 0) {
            rc = gw_err_set(err, GW_EIO, "%s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            goto out;
        }
        close(fd);
        char migrated[PATH_MAX];
        snprintf(migrated, sizeof migrated, "%s/%s-migrated", l->builds_dir,
                 base_of(build_dir));
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, l->db_path, RENAME_EXCHANGE) == 0) {
            /* now tmp is the old database directory */
            if (rename(tmp, migrated) != 0) {
                rc = gw_err_set(err, GW_EIO, "rename %s -> %s: %s", tmp, migrated,
                                strerror(errno));
                goto out;
            }
        } else {
            /* No RENAME_EXCHANGE on this file system: two renames, a moment without DB. */
            if (rename(l->db_path, migrated) != 0 || rename(tmp, l->db_path) != 0) {
                rc = gw_err_set(err, GW_EIO, "moving %s to %s: %s", l->db_path, migrated,
                                strerror(errno));
                goto out;
            }
        }
        char *d = dir_of(l->db_path);
        fsync_dir(d);
        free(d);
        free(previous);
        previous = gw_xstrdup(migrated);
        l->plain = 0;
    } else {
        rc = write_atomic(l->db_path, stub, err);
        if (rc != GW_OK) goto out;
    }
    if (previous) {
        char *pfile = str_cat(l->builds_dir, "/previous");
        char line[PATH_MAX + 2];
        snprintf(line, sizeof line, "%s\n", base_of(previous));
        gw_err e2;
        write_atomic(pfile, line, &e2); /* best effort: only --rollback needs it */
        free(pfile);
    }
    free(l->current);
    l->current = gw_xstrdup(build_dir);
    l->exists = 1;
    rc = GW_OK;
out:
    free(stub);
    free(previous);
    return rc;
}

int ix_layout_set_previous(ix_layout *l, const char *build_dir, gw_err *err)
{
    char *pfile = str_cat(l->builds_dir, "/previous");
    int rc;
    if (!build_dir) {
        rc = unlink(pfile) == 0 || errno == ENOENT
                 ? GW_OK
                 : gw_err_set(err, GW_EIO, "%s: %s", pfile, strerror(errno));
    } else {
        char line[PATH_MAX + 2];
        snprintf(line, sizeof line, "%s\n", base_of(build_dir));
        rc = write_atomic(pfile, line, err);
    }
    free(pfile);
    return rc;
}

char *ix_layout_previous(const ix_layout *l)
{
    char *pfile = str_cat(l->builds_dir, "/previous");
    FILE *f = fopen(pfile, "r");
    free(pfile);
    if (!f) return NULL;
    char line[PATH_MAX];
    char *res = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (*line && !strchr(line, '/')) {
            char *p = str_cat(l->builds_dir, "/");
            res = str_cat(p, line);
            free(p);
        }
    }
    fclose(f);
    return res;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP) rmdir(path);
    else unlink(path);
    return 0;
}

void ix_rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void ix_layout_prune(ix_layout *l, const char *keep_also)
{
    DIR *d = opendir(l->builds_dir);
    if (!d) return;
    char *prev = ix_layout_previous(l);
    struct dirent *de;
    char **doomed = NULL;
    size_t n = 0;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "build-", 6) != 0) continue;
        char *p = str_cat(l->builds_dir, "/");
        char *full = str_cat(p, de->d_name);
        free(p);
        int keep = (l->current && strcmp(base_of(l->current), de->d_name) == 0) ||
                   (prev && strcmp(base_of(prev), de->d_name) == 0) ||
                   (keep_also && strcmp(base_of(keep_also), de->d_name) == 0);
        if (keep) { free(full); continue; }
        doomed = gw_xrealloc(doomed, (n + 1) * sizeof *doomed);
        doomed[n++] = full;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        ix_rm_tree(doomed[i]);
        free(doomed[i]);
    }
    free(doomed);
    free(prev);
}

int ix_lock(const char *db_path, gw_err *err)
{
    char *path = str_cat(db_path, ".lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        gw_err_set(err, GW_EIO, "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = {0};
        ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
        int pid = k > 0 ? atoi(buf) : 0;
        if (pid > 0)
            gw_err_set(err, GW_ELOCKED, "another gongwen-indexer (pid %d) is updating %s",
                       pid, db_path);
        else
            gw_err_set(err, GW_ELOCKED, "another gongwen-indexer is updating %s (lock %s)",
                       db_path, path);
        close(fd);
        free(path);
        return -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
        /* the lock holds anyway; only the message of a second writer loses the pid */
    }
    free(path);
    return fd;
}

void ix_unlock(int fd)
{
    if (fd >= 0) close(fd); /* the lock file stays: removing it would race a new writer */
}
