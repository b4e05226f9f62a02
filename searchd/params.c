/* params.c: see params.h. */
#include "params.h"

#include "gw_date.h"

#include "gw_err.h"
#include "gw_norm.h"
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sd_pct_decode(const char *s, size_t len, int plus_space, gw_buf *out)
{
    size_t start = out->len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int h, l;
            if (i + 2 >= len)
                return -1;
            h = hexval(s[i + 1]);
            l = hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            c = (char)(h * 16 + l);
            if (c == '\0')
                return -1;
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        } else if (c == '\0') {
            return -1;
        }
        gw_buf_putc(out, c);
    }
    if (out->len > start && !gw_utf8_valid(out->data + start, out->len - start))
        return -1;
    return 0;
}

static int fail(sd_perr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(sd_perr *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->status = 400;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Strict unsigned decimal in [lo, hi]; no sign, no spaces, no leading "+". */
static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    if (!*s || strlen(s) > 10)
        return -1;
    unsigned long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (unsigned long long)(*c - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* A date in one of the API's three shapes (docs/api.md: YYYY, YYYY-MM, YYYY-MM-DD; the
 * looser forms gw_date also reads for the query language, 2023/9/1 or 20230901, are not
 * part of the API), checked as a day of the calendar by gw_date, widened to a whole day
 * range (from: first day, to: last day), as "YYYY-MM-DD" (links to other pages show it
 * so). */
static int parse_date(const char *s, int is_to, char out[11])
{
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return -1;
    char d8[9];
    if (!gw_date_parse(s, n, is_to, d8))
        return -1;
    snprintf(out, 11, "%.4s-%.2s-%.2s", d8, d8 + 4, d8 + 6);
    return 0;
}

#define EXPECTED "expected q, page, size, sort, source, year, from, to, collapse, facets, " \
                 "explain or similar"

/* true/1/yes/on (or empty) -> 1, false/0/no/off -> 0, else -1. */
static int parse_bool(const char *s)
{
    if (!*s || !strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        return 1;
    if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        return 0;
    return -1;
}

/* The CLI's and Elasticsearch's convention: a leading '-' is descending. */
static int parse_sort(const char *s)
{
    if (!*s || strcmp(s, "relevance") == 0)
        return SD_SORT_RELEVANCE;
    if (strcmp(s, "-date") == 0 || strcmp(s, "date_desc") == 0)
        return SD_SORT_DATE_DESC;
    if (strcmp(s, "date") == 0 || strcmp(s, "+date") == 0 || strcmp(s, "date_asc") == 0)
        return SD_SORT_DATE_ASC;
    return -1;
}

/* The numbers: page, size, year, similar. 1 when key is none of them. */
static int set_number(sd_params *p, const char *key, const char *s, const sd_limits *lim,
                      sd_perr *err)
{
    unsigned u;
    if (strcmp(key, "page") == 0) {
        if (parse_uint(s, 1, 1000000, &u) < 0)
            return fail(err, "page '%.40s': expected a number 1-%u", s,
                        lim->max_offset ? lim->max_offset : 1000000);
        p->page = u;
    } else if (strcmp(key, "size") == 0) {
        if (parse_uint(s, 1, lim->max_page_size, &u) < 0)
            return fail(err, "size '%.40s': expected a number 1-%u", s, lim->max_page_size);
        p->size = u;
    } else if (strcmp(key, "year") == 0) {
        if (*s && (parse_uint(s, 1000, 9999, &u) < 0 || strlen(s) != 4))
            return fail(err, "year '%.40s': expected four digits, like 2023", s);
        p->year = *s ? (int)u : 0;
    } else if (strcmp(key, "similar") == 0) {
        if (*s && parse_uint(s, 1, 4000000000u, &u) < 0)
            return fail(err, "similar '%.40s': expected a document id (a number)", s);
        p->similar = *s ? u : 0;
    } else {
        return 1;
    }
    return 0;
}

/* One parameter, its value s (decoded, NUL-terminated, vlen bytes). 0 or -1 + err. */
static int set_value(sd_params *p, const char *key, const char *s, size_t vlen,
                     const sd_limits *lim, sd_perr *err)
{
    int rc = set_number(p, key, s, lim, err);
    if (rc <= 0)
        return rc;
    if (strcmp(key, "q") == 0) {
        free(p->q);
        p->q = gw_xstrdup(s);
    } else if (strcmp(key, "sort") == 0) {
        int sort = parse_sort(s);
        if (sort < 0)
            return fail(err, "sort '%.40s': expected relevance, -date (newest first) or "
                             "date (oldest first)", s);
        p->sort = sort;
    } else if (strcmp(key, "source") == 0) {
        free(p->source);
        p->source = NULL;
        if (vlen > 256)
            return fail(err, "source: at most 256 bytes");
        if (*s)
            p->source = gw_xstrdup(s);
    } else if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
        int is_to = key[0] == 't';
        char *dst = is_to ? p->to : p->from;
        if (!*s)
            dst[0] = '\0';
        else if (parse_date(s, is_to, dst) < 0)
            return fail(err, "%s '%.40s': expected a date YYYY-MM-DD (or YYYY-MM, YYYY)", key,
                        s);
    } else if (strcmp(key, "collapse") == 0 || strcmp(key, "explain") == 0 ||
               strcmp(key, "facets") == 0) {
        int b = parse_bool(s);
        if (b < 0)
            return fail(err, "%s '%.40s': expected true or false", key, s);
        *(key[0] == 'c' ? &p->collapse : key[0] == 'f' ? &p->facets : &p->explain) = b;
    } else {
        return fail(err, "unknown parameter '%.40s'; " EXPECTED, key);
    }
    return 0;
}

/* set_value, with the dates and the year folded as queries are first: typed with a
 * Chinese input method they come in full-width digits (２０２３, ２０２３－０９). (source= is
 * folded by the search core, which owns its key; q is the query language's.) */
static int set_param(sd_params *p, const char *key, const char *s, size_t vlen,
                     const sd_limits *lim, sd_perr *err)
{
    if (strcmp(key, "year") && strcmp(key, "from") && strcmp(key, "to"))
        return set_value(p, key, s, vlen, lim, err);
    size_t n;
    char *f = gw_norm_string(s, vlen, &n);
    int rc = set_value(p, key, f, n, lim, err);
    free(f);
    return rc;
}

/* One "key=value" pair kv[0..kvlen) of the query string; v is scratch. 0 or -1 + err. */
static int parse_pair(const char *kv, size_t kvlen, const sd_limits *lim, sd_params *p,
                      gw_buf *v, sd_perr *err)
{
    const char *eq = memchr(kv, '=', kvlen);
    size_t klen = eq ? (size_t)(eq - kv) : kvlen;
    const char *val = eq ? eq + 1 : kv + kvlen;
    size_t vlen = eq ? kvlen - klen - 1 : 0;
    char key[16];
    gw_buf_reset(v);
    if (sd_pct_decode(kv, klen, 1, v) < 0)
        return fail(err, "invalid percent-encoding or UTF-8 in a parameter name");
    if (v->len >= sizeof key)
        return fail(err, "unknown parameter '%.40s'; " EXPECTED, v->data);
    memcpy(key, v->data ? v->data : "", v->len);
    key[v->len] = '\0';
    gw_buf_reset(v);
    if (sd_pct_decode(val, vlen, 1, v) < 0)
        return fail(err, "parameter '%s': invalid percent-encoding or UTF-8", key);
    return set_param(p, key, v->data ? v->data : "", v->len, lim, err);
}

int sd_params_parse(const char *qs, size_t len, const sd_limits *lim, sd_params *p,
                    sd_perr *err)
{
    memset(p, 0, sizeof *p);
    p->page = 1;
    p->size = 10;
    p->collapse = 1;
    p->facets = 1;
    p->explain = 1;
    p->sort = SD_SORT_RELEVANCE;
    gw_buf v = {0};
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0;) {
        size_t j = i;
        while (j < len && qs[j] != '&')
            j++;
        if (j > i)
            rc = parse_pair(qs + i, j - i, lim, p, &v, err);
        i = j + 1;
    }
    gw_buf_free(&v);
    return rc;
}

int sd_params_check(const sd_params *p, const sd_limits *lim, sd_perr *err)
{
    const char *q = p->q ? p->q : "";
    size_t n = strlen(q);
    if (n > lim->max_query_bytes)
        return fail(err, "query too long: %zu bytes, at most %zu", n, lim->max_query_bytes);
    int filtered = p->source || p->year || p->from[0] || p->to[0];
    if (strspn(q, " \t\r\n") == n && !filtered)
        return fail(err, "empty query: give the words to search for in q (GET /search?q=...)");
    unsigned long end = (unsigned long)(p->page - 1) * p->size + p->size;
    if (end > lim->max_offset)
        return fail(err, "result window too large: page %u with size %u reaches hit %lu, at "
                         "most %u",
                    p->page, p->size, end, lim->max_offset);
    if (p->from[0] && p->to[0] && strcmp(p->from, p->to) > 0)
        return fail(err, "from %s is after to %s", p->from, p->to);
    return 0;
}

void sd_params_free(sd_params *p)
{
    free(p->q);
    free(p->source);
    p->q = p->source = NULL;
}

static void add(gw_buf *out, const char *key, const char *val)
{
    gw_buf_putc(out, '&');
    gw_buf_puts(out, key);
    gw_buf_putc(out, '=');
    sd_url_encode(out, val, strlen(val));
}

void sd_params_link(gw_buf *out, const sd_params *p, int page, int sort, const char *source,
                    int year)
{
    char num[32];
    gw_buf_putc(out, '?');
    gw_buf_puts(out, "q=");
    if (p->q)
        sd_url_encode(out, p->q, strlen(p->q));
    const char *src = source ? (*source ? source : NULL) : p->source;
    if (src)
        add(out, "source", src);
    int y = year >= 0 ? year : p->year;
    if (y > 0) {
        snprintf(num, sizeof num, "%d", y);
        add(out, "year", num);
    }
    if (p->from[0])
        add(out, "from", p->from);
    if (p->to[0])
        add(out, "to", p->to);
    int s = sort >= 0 ? sort : p->sort;
    if (s == SD_SORT_DATE_DESC)
        add(out, "sort", "-date");
    else if (s == SD_SORT_DATE_ASC)
        add(out, "sort", "date");
    if (p->size != 10) {
        snprintf(num, sizeof num, "%u", p->size);
        add(out, "size", num);
    }
    if (!p->collapse)
        add(out, "collapse", "false");
    if (p->similar) {
        snprintf(num, sizeof num, "%u", p->similar);
        add(out, "similar", num);
    }
    int pg = page > 0 ? page : (int)p->page;
    if (pg > 1) {
        snprintf(num, sizeof num, "%d", pg);
        add(out, "page", num);
    }
}
