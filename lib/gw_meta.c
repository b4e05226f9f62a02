/* gw_meta.c: title, date, source and document number of a cleaned document.
 * The rules, and why each prefers "" to a guess, are in gw_meta.h. */
#include "gw_meta.h"

#include "gw_date.h"

#include "gw_buf.h"
#include "gw_clean.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line as code points with their byte offsets. Metadata lives in short lines; longer
 * lines are looked at up to MAXCP characters only. */
#define MAXCP 512
typedef struct cpline {
    uint32_t cp[MAXCP];
    size_t off[MAXCP + 1];
    size_t n;
} cpline;

static void cpl_load(cpline *c, const char *s, size_t len)
{
    size_t i = 0;
    c->n = 0;
    while (i < len && c->n < MAXCP) {
        uint32_t cp;
        size_t k = gw_utf8_next(s + i, len - i, &cp);
        c->off[c->n] = i;
        c->cp[c->n++] = cp;
        i += k;
    }
    c->off[c->n] = i;
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0xFEFF;
}

static int digit_val(uint32_t cp)
{
    if (cp >= '0' && cp <= '9') return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19) return (int)(cp - 0xFF10);
    return -1;
}

static int zh_digit(uint32_t cp)
{
    switch (cp) {
    case 0x3007: case 0x25CB: case 0x96F6: return 0; /* 〇 ○ 零 */
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: return 2; /* 二 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

static size_t skip_spaces(const cpline *c, size_t i)
{
    while (i < c->n && is_space(c->cp[i])) i++;
    return i;
}

/* 1-2 Arabic digits at i; returns the count read (0 if none or 3+). */
static size_t read_small(const cpline *c, size_t i, int *v)
{
    size_t j = i;
    int x = 0;
    while (j < c->n && digit_val(c->cp[j]) >= 0 && j - i < 3) x = x * 10 + digit_val(c->cp[j++]);
    if (j == i || j - i > 2) return 0;
    *v = x;
    return j - i;
}

/* A Chinese number 1-39: 九, 十, 十八, 二十, 三十一. Returns characters read (0: none). */
static size_t read_zh_small(const cpline *c, size_t i, int *v)
{
    size_t j = i;
    int a = -1, b = -1, ten = 0;
    if (j < c->n && zh_digit(c->cp[j]) > 0) a = zh_digit(c->cp[j++]);
    if (j < c->n && c->cp[j] == 0x5341) { /* 十 */
        ten = 1;
        j++;
        if (j < c->n && zh_digit(c->cp[j]) > 0) b = zh_digit(c->cp[j++]);
    }
    if (!ten) {
        if (a < 0) return 0;
        *v = a;
    } else {
        *v = (a > 0 ? a : 1) * 10 + (b > 0 ? b : 0);
    }
    return j - i;
}

/* A publication date: a calendar day (gw_date) in the years an archive's documents come
 * from; a "date" outside them is a number that only looks like one. */
static int valid_date(int y, int m, int d)
{
    return y >= 1900 && y <= 2100 && gw_date_valid(y, m, d);
}

static int is_day_mark(uint32_t cp)
{
    return cp == 0x65E5 || cp == 0x53F7 || cp == 0x865F; /* 日 号 號 */
}

/* A date starting at i. Returns 2 (full), 1 (month only) or 0; *end after it. */
static int date_at(const cpline *c, size_t i, int *y, int *m, int *d, size_t *end)
{
    size_t j = i;
    *d = 0;
    if (digit_val(c->cp[i]) >= 0) {
        if (i > 0 && digit_val(c->cp[i - 1]) >= 0) return 0;
        int yy = 0;
        while (j < c->n && digit_val(c->cp[j]) >= 0 && j - i < 5) yy = yy * 10 + digit_val(c->cp[j++]);
        if (j - i != 4) return 0;
        size_t k = skip_spaces(c, j);
        if (k >= c->n) return 0;
        uint32_t sep = c->cp[k];
        if (sep == 0x5E74) { /* 年 */
            int mm, dd;
            size_t r;
            k = skip_spaces(c, k + 1);
            if (!(r = read_small(c, k, &mm))) return 0;
            k = skip_spaces(c, k + r);
            if (k >= c->n || c->cp[k] != 0x6708) return 0; /* 月 */
            size_t month_end = k + 1;
            k = skip_spaces(c, k + 1);
            if ((r = read_small(c, k, &dd))) {
                size_t e = skip_spaces(c, k + r);
                if (e < c->n && is_day_mark(c->cp[e]) && valid_date(yy, mm, dd)) {
                    *y = yy, *m = mm, *d = dd, *end = e + 1;
                    return 2;
                }
                return 0; /* 2023年9月18 without 日, or a bad day: not a date we trust */
            }
            if (!valid_date(yy, mm, 0)) return 0;
            *y = yy, *m = mm, *end = month_end;
            return 1;
        }
        int ascii_sep = sep == '-' || sep == '/' || sep == '.';
        int wide_sep = sep == 0xFF0D || sep == 0xFF0F || sep == 0xFF0E;
        if (!ascii_sep && !wide_sep) return 0;
        if (k != j) return 0; /* "2023 -" is not a date */
        int mm, dd;
        size_t r;
        k++;
        if (!(r = read_small(c, k, &mm))) return 0;
        k += r;
        if (k >= c->n || c->cp[k] != sep) return 0;
        k++;
        if (!(r = read_small(c, k, &dd))) return 0;
        k += r;
        if (k < c->n && digit_val(c->cp[k]) >= 0) return 0;
        /* "2023.09.18.1" is a section number */
        if (k + 1 < c->n && c->cp[k] == sep && digit_val(c->cp[k + 1]) >= 0) return 0;
        if (!valid_date(yy, mm, dd)) return 0;
        *y = yy, *m = mm, *d = dd, *end = k;
        return 2;
    }
    if (zh_digit(c->cp[i]) >= 0) {
        if (i > 0 && zh_digit(c->cp[i - 1]) >= 0) return 0;
        int yy = 0;
        while (j < c->n && zh_digit(c->cp[j]) >= 0 && j - i < 5) yy = yy * 10 + zh_digit(c->cp[j++]);
        if (j - i != 4 || j >= c->n || c->cp[j] != 0x5E74) return 0;
        int mm, dd;
        size_t r, k = j + 1;
        if (!(r = read_zh_small(c, k, &mm))) return 0;
        k += r;
        if (k >= c->n || c->cp[k] != 0x6708) return 0;
        k++;
        size_t month_end = k;
        if ((r = read_zh_small(c, k, &dd))) {
            if (k + r < c->n && is_day_mark(c->cp[k + r]) && valid_date(yy, mm, dd)) {
                *y = yy, *m = mm, *d = dd, *end = k + r + 1;
                return 2;
            }
            return 0;
        }
        if (!valid_date(yy, mm, 0)) return 0;
        *y = yy, *m = mm, *end = month_end;
        return 1;
    }
    return 0;
}

static int cpl_find_date(const cpline *c, char iso[11], size_t *from, size_t *to)
{
    for (size_t i = 0; i < c->n; i++) {
        int y, m, d;
        size_t end;
        int kind = date_at(c, i, &y, &m, &d, &end);
        if (kind) {
            gw_date_iso(iso, y, m, d ? d : 1);
            if (from) *from = i;
            if (to) *to = end;
            return kind;
        }
    }
    return 0;
}

int gw_meta_find_date(const char *s, size_t len, char iso[11], size_t *off, size_t *mlen)
{
    cpline *c = gw_xmalloc(sizeof *c);
    cpl_load(c, s, len);
    size_t a, b;
    int kind = cpl_find_date(c, iso, &a, &b);
    if (kind) {
        if (off) *off = c->off[a];
        if (mlen) *mlen = c->off[b] - c->off[a];
    } else {
        iso[0] = 0;
    }
    free(c);
    return kind;
}

/* ---- document numbers ---- */

static int is_open_br(uint32_t cp)
{
    return cp == 0x3014 || cp == '[' || cp == '(' || cp == 0xFF08 || cp == 0x3010 ||
           cp == 0xFF3B || cp == 0x3016;
}

static int is_close_br(uint32_t cp)
{
    return cp == 0x3015 || cp == ']' || cp == ')' || cp == 0xFF09 || cp == 0x3011 ||
           cp == 0xFF3D || cp == 0x3017;
}

static int cpl_find_docno(const cpline *c, size_t *from, size_t *to)
{
    for (size_t i = 2; i + 7 < c->n + 1; i++) {
        if (!is_open_br(c->cp[i])) continue;
        size_t h = i;
        while (h > 0 && i - h < 10 && gw_clean_is_han(c->cp[h - 1])) h--;
        if (i - h < 2) continue;
        size_t k = i + 1, y = 0;
        while (k < c->n && digit_val(c->cp[k]) >= 0 && y < 5) k++, y++;
        if (y != 4 || k >= c->n || !is_close_br(c->cp[k])) continue;
        k++;
        size_t nd = 0;
        while (k < c->n && digit_val(c->cp[k]) >= 0 && nd < 7) k++, nd++;
        if (nd < 1 || nd > 6 || k >= c->n || (c->cp[k] != 0x53F7 && c->cp[k] != 0x865F))
            continue;
        *from = h;
        *to = k + 1;
        return 1;
    }
    return 0;
}

int gw_meta_find_docno(const char *s, size_t len, size_t *off, size_t *dlen)
{
    cpline *c = gw_xmalloc(sizeof *c);
    cpl_load(c, s, len);
    size_t a, b;
    int found = cpl_find_docno(c, &a, &b);
    if (found) {
        if (off) *off = c->off[a];
        if (dlen) *dlen = c->off[b] - c->off[a];
    }
    free(c);
    return found;
}

/* ---- labels ---- */

/* Matches one of labels, followed by ':' or '：', at index s of line c (spaces inside
 * the label are skipped: "来 源："). Returns the index of the value (after the colon and
 * spaces), or 0. */
static size_t label_at(const cpline *c, size_t s, const char *const *labels, size_t nlabels)
{
    for (size_t l = 0; l < nlabels; l++) {
        const char *p = labels[l];
        size_t plen = strlen(p), pi = 0, i = s;
        while (pi < plen && i < c->n) {
            if (pi > 0 && is_space(c->cp[i])) {
                i++;
                continue;
            }
            uint32_t lc;
            size_t k = gw_utf8_next(p + pi, plen - pi, &lc);
            if (lc != c->cp[i]) break;
            pi += k;
            i++;
        }
        if (pi < plen) continue;
        i = skip_spaces(c, i);
        if (i < c->n && (c->cp[i] == ':' || c->cp[i] == 0xFF1A)) return skip_spaces(c, i + 1);
    }
    return 0;
}

/* A label at the start of the line (after spaces and an opening bracket). */
static size_t label_value(const cpline *c, const char *const *labels, size_t nlabels)
{
    size_t s = skip_spaces(c, 0);
    if (s < c->n && (c->cp[s] == '(' || c->cp[s] == 0xFF08 || c->cp[s] == 0x3010 ||
                     c->cp[s] == '['))
        s = skip_spaces(c, s + 1);
    return label_at(c, s, labels, nlabels);
}

/* A label anywhere in a metadata line ("发布时间：2023-09-18 来源：新华网"): only used
 * on lines gw_clean already classified as metadata. */
static size_t label_anywhere(const cpline *c, const char *const *labels, size_t nlabels)
{
    for (size_t s = 0; s < c->n; s++) {
        size_t v = label_at(c, s, labels, nlabels);
        if (v) return v;
    }
    return 0;
}

static const char *const pub_date_labels[] = {
    "发布时间", "發布時間", "發佈時間", "发布日期", "發布日期", "發佈日期",
    "发表时间", "發表時間", "发表日期", "發表日期", "更新时间", "更新時間",
};
static const char *const issuer_labels[] = {
    "发文机关", "發文機關", "发布机构", "發布機構", "發佈機構", "发文单位", "發文單位",
};
static const char *const source_labels[] = {
    "来源", "來源", "新闻来源", "新聞來源", "信息来源", "信息來源",
    "文章来源", "文章來源", "稿件来源", "稿件來源", "稿源",
};
static const char *const docno_labels[] = {"发文字号", "發文字號", "文号", "文號"};
static const char *const title_labels[] = {"标题", "標題"};
/* words that start the next field on the same line */
static const char *const stop_words[] = {
    "作者", "编辑", "編輯", "转载", "轉載", "时间", "時間", "发布", "發布", "發佈",
    "日期", "浏览", "瀏覽", "点击", "點擊", "责任", "責任", "送签", "送簽", "签发", "簽發",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int starts_word(const cpline *c, size_t i, const char *w)
{
    size_t wl = strlen(w), wi = 0;
    while (wi < wl) {
        if (i >= c->n) return 0;
        uint32_t cp;
        wi += gw_utf8_next(w + wi, wl - wi, &cp);
        if (cp != c->cp[i++]) return 0;
    }
    return 1;
}

/* Copies c[a..b) as a string, trimmed of spaces and of the wrappers 《》“”, and of a
 * trailing ':'. NULL when empty or implausibly long for a name (> 40 characters). */
static char *value_str(const char *s, const cpline *c, size_t a, size_t b)
{
    while (a < b && (is_space(c->cp[a]) || c->cp[a] == 0x300A || c->cp[a] == 0x201C)) a++;
    while (b > a && (is_space(c->cp[b - 1]) || c->cp[b - 1] == 0x300B ||
                     c->cp[b - 1] == 0x201D || c->cp[b - 1] == ':' || c->cp[b - 1] == 0xFF1A))
        b--;
    if (a >= b || b - a > 40) return NULL;
    return gw_xstrndup(s + c->off[a], c->off[b] - c->off[a]);
}

/* The source named by a 来源 line, from index v: up to a digit, a space, a separator,
 * a closing bracket or the next field's label. */
static char *source_value(const char *s, const cpline *c, size_t v)
{
    size_t e = v;
    while (e < c->n) {
        uint32_t cp = c->cp[e];
        if (digit_val(cp) >= 0 || is_space(cp) || cp == '|' || cp == 0xFF5C || cp == ')' ||
            cp == 0xFF09 || cp == 0x3011 || cp == ']' || cp == ',' || cp == 0xFF0C ||
            cp == ';' || cp == 0xFF1B || cp == '/' || cp == 0x3001)
            break;
        int stop = 0;
        for (size_t w = 0; w < N(stop_words) && !stop; w++)
            if (e > v && starts_word(c, e, stop_words[w])) stop = 1;
        if (stop) break;
        e++;
    }
    return value_str(s, c, v, e);
}

/* "本版文图由 X 提供", "X供稿", "(X供稿)", "供稿:X". */
static char *provider_value(const char *s, const cpline *c)
{
    size_t a = skip_spaces(c, 0), b = c->n;
    while (b > a && is_space(c->cp[b - 1])) b--;
    if (starts_word(c, a, "本版文图由") || starts_word(c, a, "本版文圖由")) {
        size_t v = a + 5;
        for (size_t e = v; e + 1 < b; e++)
            if (starts_word(c, e, "提供")) return value_str(s, c, v, e);
        return NULL;
    }
    if (starts_word(c, a, "供稿")) {
        size_t v = a + 2;
        v = skip_spaces(c, v);
        if (v < b && (c->cp[v] == ':' || c->cp[v] == 0xFF1A)) return value_str(s, c, v + 1, b);
        return NULL;
    }
    if (b > a && (c->cp[b - 1] == ')' || c->cp[b - 1] == 0xFF09)) b--;
    if (b >= a + 2 && c->cp[b - 2] == 0x4F9B && c->cp[b - 1] == 0x7A3F) { /* 供稿 */
        if (a < b && (c->cp[a] == '(' || c->cp[a] == 0xFF08)) a++;
        return value_str(s, c, a, b - 2);
    }
    return NULL;
}

/* ---- lines of the body ---- */

typedef struct linev {
    const char *s;
    size_t len;
} linev;

/* Splits text into at most max lines from the start (from_end = 0) or the end. */
static size_t take_lines(const char *text, size_t len, linev *out, size_t max, int from_end)
{
    size_t n = 0;
    if (!from_end) {
        size_t p = 0;
        while (p < len && n < max) {
            const char *nl = memchr(text + p, '\n', len - p);
            size_t e = nl ? (size_t)(nl - text) : len;
            if (e > p) out[n++] = (linev){text + p, e - p};
            p = e + 1;
        }
    } else {
        size_t e = len;
        while (e > 0 && n < max) {
            size_t b = e;
            while (b > 0 && text[b - 1] != '\n') b--;
            if (e > b) out[n++] = (linev){text + b, e - b};
            if (b == 0) break;
            e = b - 1;
        }
    }
    return n;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

static size_t count_han(const cpline *c, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++) n += gw_clean_is_han(c->cp[i]);
    return n;
}

/* Title candidate test for one body line (see gw_meta.h). 1 yes, 0 skip it. */
static int substantive(const cpline *c)
{
    if (count_han(c, 0, c->n) < 2) return 0;
    uint32_t f = c->cp[0], l = c->cp[c->n - 1];
    if (f == 0x2014 || f == 0x2015 || f == 0x2500) return 0; /* —— subtitle */
    if (l == ':' || l == 0xFF1A) return 0;                    /* 同志們: */
    size_t a, b;
    char iso[11];
    if (cpl_find_date(c, iso, &a, &b) && count_han(c, 0, a) + count_han(c, b, c->n) < 2)
        return 0;
    if (cpl_find_docno(c, &a, &b) && count_han(c, 0, a) + count_han(c, b, c->n) < 2)
        return 0;
    return 1;
}

static int eq_nospace(const char *a, size_t al, const char *b, size_t bl)
{
    size_t i = 0, j = 0;
    for (;;) {
        uint32_t x = 0, y = 0;
        size_t kx = 0, ky = 0;
        while (i < al && ((kx = gw_utf8_next(a + i, al - i, &x)), is_space(x))) i += kx;
        while (j < bl && ((ky = gw_utf8_next(b + j, bl - j, &y)), is_space(y))) j += ky;
        if (i >= al || j >= bl) return i >= al && j >= bl;
        if (x != y) return 0;
        i += kx;
        j += ky;
    }
}

/* <title> parts between site separators. */
static size_t title_parts(const char *t, size_t len, linev *parts, size_t max)
{
    static const char *const seps[] = {" - ", " – ", " — ", " | ", "|", "｜", "_", "－", " -- "};
    size_t n = 0, start = 0, i = 0;
    while (i < len && n + 1 < max) {
        size_t sl = 0;
        for (size_t s = 0; s < N(seps); s++) {
            size_t l = strlen(seps[s]);
            if (i + l <= len && memcmp(t + i, seps[s], l) == 0) {
                sl = l;
                break;
            }
        }
        if (sl) {
            if (i > start) parts[n++] = (linev){t + start, i - start};
            i += sl;
            start = i;
        } else {
            i++;
        }
    }
    if (len > start) parts[n++] = (linev){t + start, len - start};
    /* trim spaces */
    for (size_t k = 0; k < n; k++) {
        while (parts[k].len && parts[k].s[0] == ' ') parts[k].s++, parts[k].len--;
        while (parts[k].len && parts[k].s[parts[k].len - 1] == ' ') parts[k].len--;
    }
    return n;
}

static int ends_with(const char *s, size_t len, const char *suf)
{
    size_t l = strlen(suf);
    return len >= l && memcmp(s + len - l, suf, l) == 0;
}

static int looks_like_org(const char *s, size_t len)
{
    static const char *const suf[] = {
        "政府", "委员会", "委員會", "办公室", "辦公室", "办公厅", "辦公廳", "工委", "党委",
        "黨委", "党组", "黨組", "支部", "总支", "總支", "中心", "协会", "協會", "联合会",
        "聯合會", "局", "厅", "廳", "部", "院", "委", "处", "處", "办", "辦", "所",
    };
    for (size_t i = 0; i < N(suf); i++)
        if (ends_with(s, len, suf[i])) return 1;
    return 0;
}

static int has_punct(const cpline *c)
{
    for (size_t i = 0; i < c->n; i++) {
        uint32_t cp = c->cp[i];
        if ((cp >= 0x3000 && cp <= 0x303F && cp != 0x3000) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
            cp == 0xFF1A || cp == 0xFF1B || cp == 0xFF1F || cp == ',' || cp == '.' ||
            cp == ':' || cp == ';')
            return 1;
    }
    return 0;
}

/* ---- gw_meta_extract: the stages -------------------------------------------------------- */

/* What gw_meta_extract has found so far. A field found by a surer means is not replaced
 * by a later, weaker one: the ranks say how sure. */
typedef struct meta_found {
    cpline *c;                  /* scratch: the code points of the line looked at */
    char *title, *source, *docno;
    char date[11];
    int date_rank;              /* 3: publication label, 2: other metadata line, 0: none */
    int source_rank;            /* 1 issuer, 2 source label, 3 provider, 4 signature, 9 none */
    linev head[10], tail[4];    /* the first and the last lines of the body */
    size_t nh, nt;
} meta_found;

static void set_source(meta_found *f, char *x, int rank)
{
    if (!x) return;
    free(f->source);
    f->source = x;
    f->source_rank = rank;
}

/* One metadata line s[0..len): a date (better with a publication label), a source by
 * issuer label, source label or provider, a document number and a title by their labels. */
static void from_meta_line(meta_found *f, const char *s, size_t len)
{
    cpline *c = f->c;
    cpl_load(c, s, len);
    size_t v;
    char iso[11];
    int is_pub = label_value(c, pub_date_labels, N(pub_date_labels)) != 0;
    if (cpl_find_date(c, iso, NULL, NULL)) {
        int rank = is_pub ? 3 : 2;
        if (rank > f->date_rank) {
            memcpy(f->date, iso, sizeof f->date);
            f->date_rank = rank;
        }
    }
    if (f->source_rank > 1 && (v = label_anywhere(c, issuer_labels, N(issuer_labels))))
        set_source(f, value_str(s, c, v, c->n), 1);
    else if (f->source_rank > 2 && (v = label_anywhere(c, source_labels, N(source_labels))))
        set_source(f, source_value(s, c, v), 2);
    else if (f->source_rank > 3)
        set_source(f, provider_value(s, c), 3);
    if (!f->docno && (v = label_value(c, docno_labels, N(docno_labels)))) {
        size_t a, b;
        if (cpl_find_docno(c, &a, &b))
            f->docno = gw_xstrndup(s + c->off[a], c->off[b] - c->off[a]);
    }
    if (!f->title && (v = label_value(c, title_labels, N(title_labels))) && v < c->n) {
        size_t b = c->n;
        while (b > v && is_space(c->cp[b - 1])) b--;
        if (b > v) f->title = gw_xstrndup(s + c->off[v], c->off[b] - c->off[v]);
    }
}

/* 1. The metadata lines, '\n'-separated. */
static void from_meta_lines(meta_found *f, const char *meta, size_t meta_len)
{
    size_t p = 0, nmeta = 0;
    /* a document has a handful of metadata lines; 64 bounds the work on hostile input */
    while (p < meta_len && nmeta++ < 64) {
        const char *nl = memchr(meta + p, '\n', meta_len - p);
        size_t e = nl ? (size_t)(nl - meta) : meta_len;
        const char *s = meta + p;
        size_t len = e - p;
        p = e + 1;
        if (len) from_meta_line(f, s, len);
    }
}

/* 2a. The title from the HTML <title>: a head line equal to it or to one of its parts
 * (spaces aside), else its longest part. */
static void title_from_html(meta_found *f, const char *html_title)
{
    size_t tl = strlen(html_title);
    linev parts[16];
    size_t np = title_parts(html_title, tl, parts, 16);
    for (size_t i = 0; i < f->nh && !f->title; i++) {
        const linev *h = &f->head[i];
        if (eq_nospace(h->s, h->len, html_title, tl)) f->title = gw_xstrndup(h->s, h->len);
        for (size_t k = 0; k < np && !f->title; k++)
            if (eq_nospace(h->s, h->len, parts[k].s, parts[k].len))
                f->title = gw_xstrndup(h->s, h->len);
    }
    size_t best = np;
    for (size_t k = 0; k < np && !f->title; k++)
        if (best == np || parts[k].len > parts[best].len) best = k;
    if (!f->title && best < np) f->title = gw_xstrndup(parts[best].s, parts[best].len);
}

/* 2b. The title as the first substantive head line, if it is short enough to be one. */
static void title_from_head(meta_found *f)
{
    for (size_t i = 0; i < f->nh; i++) {
        cpl_load(f->c, f->head[i].s, f->head[i].len);
        if (!substantive(f->c)) continue;
        if (count_chars(f->head[i].s, f->head[i].len) <= 100)
            f->title = gw_xstrndup(f->head[i].s, f->head[i].len);
        break; /* a paragraph first: no title line */
    }
}

/* 3a. A full date alone on a short line among the first six. */
static void date_from_head(meta_found *f)
{
    for (size_t i = 0; i < f->nh && i < 6 && !f->date[0]; i++) {
        if (count_chars(f->head[i].s, f->head[i].len) > 40) continue;
        char iso[11];
        cpl_load(f->c, f->head[i].s, f->head[i].len);
        if (cpl_find_date(f->c, iso, NULL, NULL) == 2) memcpy(f->date, iso, sizeof f->date);
    }
}

/* 3b. The signature: the last short line with a date (the date, if none yet), and the
 * issuing body on the line above it (the source, if none surer). */
static void from_signature(meta_found *f)
{
    const linev *tail = f->tail;
    for (size_t i = 0; i < f->nt; i++) { /* tail[0] is the last line */
        if (count_chars(tail[i].s, tail[i].len) > 30) continue;
        char iso[11];
        cpl_load(f->c, tail[i].s, tail[i].len);
        if (!cpl_find_date(f->c, iso, NULL, NULL)) continue;
        if (!f->date_rank && !f->date[0]) memcpy(f->date, iso, sizeof f->date);
        if (f->source_rank > 4 && i + 1 < f->nt &&
            count_chars(tail[i + 1].s, tail[i + 1].len) <= 25 &&
            looks_like_org(tail[i + 1].s, tail[i + 1].len)) {
            cpl_load(f->c, tail[i + 1].s, tail[i + 1].len);
            if (!has_punct(f->c) && count_han(f->c, 0, f->c->n) >= 2) {
                f->source = gw_xstrndup(tail[i + 1].s, tail[i + 1].len);
                f->source_rank = 4;
            }
        }
        break;
    }
}

/* 4. A document number on a head line of at most 60 characters. */
static void docno_from_head(meta_found *f)
{
    for (size_t i = 0; i < f->nh && !f->docno; i++) {
        if (count_chars(f->head[i].s, f->head[i].len) > 60) continue;
        cpl_load(f->c, f->head[i].s, f->head[i].len);
        size_t a, b;
        if (cpl_find_docno(f->c, &a, &b))
            f->docno = gw_xstrndup(f->head[i].s + f->c->off[a], f->c->off[b] - f->c->off[a]);
    }
}

int gw_meta_extract(const char *body, size_t body_len, const char *meta, size_t meta_len,
                    const char *html_title, gw_meta *out, gw_err *err)
{
    if (!body || !out) {
        if (out) memset(out, 0, sizeof *out);
        return gw_err_set(err, GW_EINVAL, "gw_meta_extract: NULL argument");
    }
    memset(out, 0, sizeof *out);
    if (!meta) meta_len = 0;
    meta_found f = {.c = gw_xmalloc(sizeof *f.c), .source_rank = 9};

    from_meta_lines(&f, meta, meta_len);
    f.nh = take_lines(body, body_len, f.head, 10, 0);
    f.nt = take_lines(body, body_len, f.tail, 4, 1);
    if (!f.title && html_title && *html_title) title_from_html(&f, html_title);
    if (!f.title) title_from_head(&f);
    if (!f.date_rank) date_from_head(&f);
    from_signature(&f);
    docno_from_head(&f);

    free(f.c);
    out->title = f.title ? f.title : gw_xstrdup("");
    out->date = gw_xstrdup(f.date);
    out->source = f.source ? f.source : gw_xstrdup("");
    out->docno = f.docno ? f.docno : gw_xstrdup("");
    return GW_OK;
}

void gw_meta_free(gw_meta *m)
{
    if (!m) return;
    free(m->title);
    free(m->date);
    free(m->source);
    free(m->docno);
    memset(m, 0, sizeof *m);
}
