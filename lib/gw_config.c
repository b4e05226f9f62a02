/* gw_config.c: conf/gongwen.conf -> gw_config (see gw_config.h).
 *
 * One table (keys[] below) lists every key: its section, name, type, range and where it
 * lives in the struct. Loading, --set, error messages ("valid keys: ...") and the dump
 * are all driven by that table, so a key added there is documented by the error
 * messages automatically (conf/gongwen.conf still needs a line by hand). */
#include "gw_config.h"

#include "gw_segment.h"
#include "gw_buf.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_type { K_STR, K_LIST, K_SIZE, K_BYTES, K_INT, K_UINT, K_DOUBLE, K_LEVEL };

typedef struct key_def {
    const char *section;
    const char *name;
    enum key_type type;
    size_t offset;      /* of the field in gw_config */
    double lo, hi;      /* valid range for numbers */
    unsigned list_bit;  /* for lists: bit in gw_config.lists_assigned */
    int split;          /* for lists: a value may hold several items separated by blanks */
} key_def;

#define F(field) offsetof(gw_config, field)

/* One row per key, deliberately alike: the rows are data, and the code that reads,
 * checks, sets and dumps them is written once over the table. */
static const key_def keys[] = {
    {"index", "database", K_STR, F(database), 0, 0, 0, 0},
    {"index", "roots", K_LIST, F(roots), 0, 0, GW_CONFIG_LIST_ROOTS, 0},
    {"index", "include", K_LIST, F(include), 0, 0, GW_CONFIG_LIST_INCLUDE, 1},
    {"index", "exclude", K_LIST, F(exclude), 0, 0, GW_CONFIG_LIST_EXCLUDE, 1},
    {"index", "batch_size", K_SIZE, F(batch_size), 1, 1000000, 0, 0},
    {"index", "flush_threshold", K_SIZE, F(flush_threshold), 1, 10000000, 0, 0},
    {"index", "max_file_size", K_BYTES, F(max_file_size), 1, 1099511627776.0, 0, 0},
    {"index", "rules", K_STR, F(rules), 0, 0, 0, 0},
    {"index", "canaries", K_STR, F(canaries), 0, 0, 0, 0},
    {"index", "max_drop", K_DOUBLE, F(max_drop), 0, 1, 0, 0},
    {"index", "jobs", K_INT, F(jobs), 0, 256, 0, 0},
    {"index", "space_ratio", K_DOUBLE, F(space_ratio), 0, 1000000, 0, 0},
    {"index", "full_share", K_DOUBLE, F(full_share), 0, 1, 0, 0},
    {"index", "compact_growth", K_DOUBLE, F(compact_growth), 0, 1000, 0, 0},
    {"index", "log_level", K_LEVEL, F(log_level), 0, 0, 0, 0},
    {"searchd", "listen", K_LIST, F(listen), 0, 0, GW_CONFIG_LIST_LISTEN, 1},
    {"searchd", "threads", K_INT, F(threads), 0, 1024, 0, 0},
    {"searchd", "max_query_bytes", K_SIZE, F(max_query_bytes), 1, 1048576, 0, 0},
    {"searchd", "max_page_size", K_UINT, F(max_page_size), 1, 10000, 0, 0},
    {"searchd", "max_offset", K_UINT, F(max_offset), 0, 10000000, 0, 0},
    {"searchd", "conn_timeout", K_UINT, F(conn_timeout), 1, 3600, 0, 0},
    {"searchd", "header_timeout", K_UINT, F(header_timeout), 1, 3600, 0, 0},
    {"searchd", "per_ip_connections", K_UINT, F(per_ip_connections), 1, 100000, 0, 0},
    {"searchd", "trusted_proxies", K_LIST, F(trusted_proxies), 0, 0, GW_CONFIG_LIST_TRUSTED, 1},
    {"searchd", "snippet_chars", K_UINT, F(snippet_chars), 10, 10000, 0, 0},
    {"searchd", "access_log", K_STR, F(access_log), 0, 0, 0, 0},
    {"searchd", "dictionary", K_STR, F(dictionary), 0, 0, 0, 0},
    {"search", "time_limit_ms", K_UINT, F(time_limit_ms), 0, 3600000, 0, 0},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const levels[] = {"error", "warn", "info", "debug"};

int gw_config_log_level(const gw_config *c)
{
    /* log_level holds one of levels[] as written there (set through K_LEVEL) */
    for (int i = 0; c && i < (int)(sizeof levels / sizeof levels[0]); i++)
        if (strcmp(c->log_level, levels[i]) == 0) return i;
    return 2;
}

static void *field(gw_config *c, const key_def *k) { return (char *)c + k->offset; }
static const void *cfield(const gw_config *c, const key_def *k)
{
    return (const char *)c + k->offset;
}

static void list_push(gw_strlist *l, const char *s, size_t n)
{
    l->v = gw_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = gw_xstrndup(s, n);
}

void gw_config_clear_list(gw_strlist *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = gw_xstrdup(v);
}

gw_config *gw_config_new(void)
{
    gw_config *c = gw_xcalloc(1, sizeof *c);
    c->database = gw_xstrdup("gongwen.db");
    static const char *const inc[] = {"*.txt", "*.htm", "*.html", "*.text"};
    for (size_t i = 0; i < 4; i++) list_push(&c->include, inc[i], strlen(inc[i]));
    static const char *const exc[] = {".*", "*~", "*.tmp"};
    for (size_t i = 0; i < 3; i++) list_push(&c->exclude, exc[i], strlen(exc[i]));
    c->batch_size = 1000;
    c->flush_threshold = 100;
    c->max_file_size = (size_t)64 << 20;
    c->rules = gw_xstrdup("");
    c->canaries = gw_xstrdup("");
    c->max_drop = 0.1;
    c->jobs = 0;
    c->space_ratio = GW_CONFIG_SPACE_RATIO;
    c->full_share = 0.6;
    c->compact_growth = 1.5;
    c->log_level = gw_xstrdup("info");
    list_push(&c->listen, "127.0.0.1:8080", 14);
    c->threads = 0;
    c->max_query_bytes = 1000;
    c->max_page_size = 100;
    c->max_offset = 10000;
    c->conn_timeout = 30;
    c->header_timeout = 10;
    c->per_ip_connections = 64;
    c->snippet_chars = 120;
    c->access_log = gw_xstrdup("");
    c->dictionary = gw_xstrdup(GW_SEGMENT_DICT_DEFAULT);
    c->time_limit_ms = 1000;
    return c;
}

void gw_config_free(gw_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].type == K_LIST) gw_config_clear_list(field(c, &keys[i]));
        else if (keys[i].type == K_STR || keys[i].type == K_LEVEL) free(*(char **)field(c, &keys[i]));
    }
    free(c);
}

/* "index": "database, roots, ..." for error messages. */
static void valid_keys(const char *section, gw_buf *b)
{
    int first = 1;
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) != 0) continue;
        gw_buf_printf(b, "%s%s", first ? "" : ", ", keys[i].name);
        first = 0;
    }
}

static const key_def *find_key(const char *section, const char *key, gw_err *err)
{
    int section_known = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) != 0) continue;
        section_known = 1;
        if (strcmp(keys[i].name, key) == 0) return &keys[i];
    }
    if (!section_known) {
        gw_err_set(err, GW_EINVAL, "unknown section [%s]; valid sections: [index], [searchd]",
                   section);
        return NULL;
    }
    gw_buf b = {0};
    valid_keys(section, &b);
    gw_err_set(err, GW_EINVAL, "unknown key '%s' in [%s]; valid keys: %s", key, section,
               b.data);
    gw_buf_free(&b);
    return NULL;
}

static int blank(const char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    return *s == '\0';
}

/* Parses a whole decimal number (optionally with a K/M/G suffix when bytes != 0). */
static int parse_number(const char *v, int bytes, double *out)
{
    while (isspace((unsigned char)*v)) v++;
    if (*v == '\0' || *v == '-' || *v == '+') return -1;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || errno == ERANGE) return -1;
    double d = (double)n;
    if (bytes && *end) {
        switch (toupper((unsigned char)*end)) {
        case 'K': d *= 1024.0; end++; break;
        case 'M': d *= 1048576.0; end++; break;
        case 'G': d *= 1073741824.0; end++; break;
        default: break;
        }
        if (toupper((unsigned char)*end) == 'I' && toupper((unsigned char)end[1]) == 'B') end += 2;
        else if (toupper((unsigned char)*end) == 'B') end++;
    }
    while (isspace((unsigned char)*end)) end++;
    if (*end) return -1;
    *out = d;
    return 0;
}

int gw_config_set(gw_config *c, const char *section, const char *key, const char *value,
                  gw_err *err)
{
    gw_err_clear(err);
    const key_def *k = find_key(section, key, err);
    if (!k) return GW_EINVAL;
    if (!value) value = "";
    double d = 0;
    switch (k->type) {
    case K_STR:
        set_str(field(c, k), value);
        return GW_OK;
    case K_LEVEL:
        for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
            if (strcasecmp(value, levels[i]) == 0) {
                set_str(field(c, k), levels[i]);
                return GW_OK;
            }
        }
        return gw_err_set(err, GW_EINVAL, "%s.%s '%s': expected one of error, warn, info, debug",
                          section, key, value);
    case K_LIST: {
        gw_strlist *l = field(c, k);
        /* The first assignment replaces the built-in default; later ones accumulate. */
        if (!(c->lists_assigned & k->list_bit)) {
            gw_config_clear_list(l);
            c->lists_assigned |= k->list_bit;
        }
        if (blank(value)) { /* "exclude =" empties the list */
            gw_config_clear_list(l);
            return GW_OK;
        }
        if (!k->split) {
            const char *s = value, *e = value + strlen(value);
            while (s < e && isspace((unsigned char)*s)) s++;
            while (e > s && isspace((unsigned char)e[-1])) e--;
            list_push(l, s, (size_t)(e - s));
            return GW_OK;
        }
        const char *p = value;
        for (;;) {
            while (*p && (isspace((unsigned char)*p) || *p == ',')) p++;
            if (!*p) break;
            const char *s = p;
            while (*p && !isspace((unsigned char)*p) && *p != ',') p++;
            list_push(l, s, (size_t)(p - s));
        }
        return GW_OK;
    }
    case K_DOUBLE: {
        char *end;
        errno = 0;
        d = strtod(value, &end);
        while (*end && isspace((unsigned char)*end)) end++;
        if (end == value || *end || errno || !(d >= k->lo && d <= k->hi))
            return gw_err_set(err, GW_EINVAL, "%s.%s '%s': expected a number %g-%g", section,
                              key, value, k->lo, k->hi);
        *(double *)field(c, k) = d;
        return GW_OK;
    }
    case K_SIZE:
    case K_BYTES:
    case K_INT:
    case K_UINT:
        if (parse_number(value, k->type == K_BYTES, &d) != 0 || d < k->lo || d > k->hi) {
            if (k->type == K_BYTES)
                return gw_err_set(err, GW_EINVAL,
                                  "%s.%s '%s': expected a size in bytes 1-1T (suffix K, M or G "
                                  "allowed)", section, key, value);
            return gw_err_set(err, GW_EINVAL, "%s.%s '%s': expected a whole number %.0f-%.0f",
                              section, key, value, k->lo, k->hi);
        }
        if (k->type == K_INT) *(int *)field(c, k) = (int)d;
        else if (k->type == K_UINT) *(unsigned *)field(c, k) = (unsigned)d;
        else *(size_t *)field(c, k) = (size_t)d;
        return GW_OK;
    }
    return gw_err_set(err, GW_EINTERNAL, "bad key table");
}

int gw_config_set_option(gw_config *c, const char *assignment, gw_err *err)
{
    const char *dot = strchr(assignment, '.');
    const char *eq = strchr(assignment, '=');
    if (!dot || !eq || dot > eq || dot == assignment || eq == dot + 1)
        return gw_err_set(err, GW_EINVAL,
                          "'%s': expected section.key=value (e.g. index.batch_size=500)",
                          assignment);
    char *section = gw_xstrndup(assignment, (size_t)(dot - assignment));
    char *key = gw_xstrndup(dot + 1, (size_t)(eq - dot - 1));
    int rc = gw_config_set(c, section, key, eq + 1, err);
    free(section);
    free(key);
    return rc;
}

typedef struct load_ctx {
    gw_config *c;
    gw_err first;   /* the first error; inih reports its line */
    int failed;
} load_ctx;

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *lc = user;
    if (lc->failed) return 0;
    gw_err e;
    if (gw_config_set(lc->c, section, name, value, &e) != GW_OK) {
        lc->first = e;
        lc->failed = 1;
        return 0;
    }
    return 1;
}

int gw_config_load(gw_config *c, const char *path, gw_err *err)
{
    gw_err_clear(err);
    FILE *f = fopen(path, "r");
    if (!f)
        return gw_err_set(err, errno == ENOENT ? GW_ENOTFOUND : GW_EIO, "%s: %s", path,
                          strerror(errno));
    load_ctx lc = {.c = c};
    int line = ini_parse_file(f, on_key, &lc);
    fclose(f);
    if (line == 0) return GW_OK;
    if (line < 0) return gw_err_set(err, GW_EIO, "%s: cannot parse", path);
    if (lc.failed) return gw_err_set(err, GW_EINVAL, "%s:%d: %s", path, line, lc.first.msg);
    return gw_err_set(err, GW_EINVAL,
                      "%s:%d: syntax error (expected [section], key = value, or a comment "
                      "starting with ; or #)", path, line);
}

char *gw_config_dump(const gw_config *c)
{
    gw_buf b = {0};
    const char *section = "";
    for (size_t i = 0; i < NKEYS; i++) {
        const key_def *k = &keys[i];
        if (strcmp(section, k->section) != 0) {
            gw_buf_printf(&b, "%s[%s]\n", *section ? "\n" : "", k->section);
            section = k->section;
        }
        const void *p = cfield(c, k);
        switch (k->type) {
        case K_STR:
        case K_LEVEL:
            gw_buf_printf(&b, "%s = %s\n", k->name, *(char *const *)p);
            break;
        case K_LIST: {
            const gw_strlist *l = p;
            if (l->n == 0) gw_buf_printf(&b, "%s =\n", k->name);
            if (k->split && l->n > 0) {
                gw_buf_printf(&b, "%s =", k->name);
                for (size_t j = 0; j < l->n; j++) gw_buf_printf(&b, " %s", l->v[j]);
                gw_buf_putc(&b, '\n');
            } else {
                for (size_t j = 0; j < l->n; j++) gw_buf_printf(&b, "%s = %s\n", k->name, l->v[j]);
            }
            break;
        }
        case K_SIZE:
        case K_BYTES:
            gw_buf_printf(&b, "%s = %zu\n", k->name, *(const size_t *)p);
            break;
        case K_INT:
            gw_buf_printf(&b, "%s = %d\n", k->name, *(const int *)p);
            break;
        case K_UINT:
            gw_buf_printf(&b, "%s = %u\n", k->name, *(const unsigned *)p);
            break;
        case K_DOUBLE:
            gw_buf_printf(&b, "%s = %g\n", k->name, *(const double *)p);
            break;
        }
    }
    return gw_buf_steal(&b, NULL);
}
