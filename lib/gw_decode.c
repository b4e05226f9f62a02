/* gw_decode.c: bytes -> valid UTF-8. See gw_decode.h for the rules; this file says why. */
#include "gw_decode.h"

#include "gw_buf.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet/uchardet.h>

/* The head: NUL test and byte statistics look at 64 KiB (cheap, and covers whole typical
 * reports). uchardet gets at most 16 KiB: it is right long before that, and it is slow on
 * Big5 (measured ~1.3 us per byte with uchardet 0.0.7: 85 ms for 64 KiB). */
#define HEAD_MAX (64 * 1024)
#define UCHARDET_MAX (16 * 1024)
/* iconv output goes through a scratch buffer so that NUL and CR can be filtered on the
 * way into the result; 32 KiB makes the per-call overhead of iconv negligible. */
#define SCRATCH_SIZE (32 * 1024)

static const char FFFD[3] = {'\xEF', '\xBF', '\xBD'};

/* ---- the sink: every decoded byte goes through here ------------------------------- */

/* Takes valid UTF-8 and appends it to b (NULL: count only, for trial decodes), turning
 * NUL into U+FFFD and CRLF/CR into LF, and counting what the binary test needs. */
typedef struct sink {
    gw_buf *b;
    int after_cr; /* last input byte was a CR already written as LF */
    size_t chars; /* code points written */
    size_t ctrl;  /* C0 controls other than TAB LF VT FF CR, and DEL */
    size_t repl;  /* U+FFFD written for invalid input or NUL */
} sink;

static void sink_repl(sink *s)
{
    if (s->b)
        gw_buf_append(s->b, FFFD, 3);
    s->repl++;
    s->chars++;
    s->after_cr = 0;
}

/* Word-at-a-time tests (Bit Twiddling Hacks): a byte < 0x20 or == 0x7F somewhere in
 * the 8 bytes, and the number of UTF-8 continuation bytes (10xxxxxx) among them. The
 * sink sees every byte of every file: this keeps it at memory speed. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline int word_has_special(uint64_t x)
{
    uint64_t y = x ^ (ONES * 0x7F);
    return ((((x - ONES * 0x20) & ~x) | ((y - ONES) & ~y)) & HIGHS) != 0;
}

static inline size_t word_continuations(uint64_t x)
{
    /* One bit per continuation byte, moved to bit 0 of its byte; the multiply sums
     * the eight bytes into the top one (at most 8, no carry). */
    return (size_t)((((x & ~(x << 1) & HIGHS) >> 7) * ONES) >> 56);
}

static void sink_put(sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t run = 0; /* start of the bytes not yet copied */
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t x;
            memcpy(&x, u + i, 8);
            if (!word_has_special(x)) {
                s->chars += 8 - word_continuations(x);
                s->after_cr = 0;
                i += 8;
                continue;
            }
        }
        unsigned c = u[i++];
        s->chars += (c & 0xC0) != 0x80;
        if (c >= 0x20 && c != 0x7F) {
            s->after_cr = 0;
            continue;
        }
        if (c == '\n') {
            if (s->after_cr) { /* second half of CRLF: already written as LF */
                if (s->b && i - 1 > run)
                    gw_buf_append(s->b, p + run, i - 1 - run);
                run = i;
                s->chars--;
            }
            s->after_cr = 0;
            continue;
        }
        s->after_cr = 0;
        if (c == '\r' || c == 0) {
            if (s->b) {
                if (i - 1 > run)
                    gw_buf_append(s->b, p + run, i - 1 - run);
                if (c == '\r')
                    gw_buf_putc(s->b, '\n');
            }
            run = i;
            if (c == '\r') {
                s->after_cr = 1;
            } else {
                s->chars--; /* sink_repl counts it again */
                sink_repl(s);
            }
            continue;
        }
        if (c != '\t' && c != '\v' && c != '\f')
            s->ctrl++;
    }
    if (s->b && n > run)
        gw_buf_append(s->b, p + run, n - run);
}

/* ---- UTF-8 ------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at u[0..n), or 0 if invalid; on 0, *bad is the
 * length of the maximal invalid prefix to replace by one U+FFFD (Unicode's "maximal
 * subpart" practice, as in WHATWG's decoder), so a truncated character is one U+FFFD. */
static size_t utf8_seq(const unsigned char *u, size_t n, size_t *bad)
{
    unsigned c = u[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    size_t i = 1;
    for (; i < need && i < n; i++) {
        unsigned b = u[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            break;
    }
    if (i == need)
        return need;
    *bad = i;
    return 0;
}

/* The common cases inline: 3-byte sequences outside the E0/ED special ranges (all of
 * CJK) and 2-byte ones; 0 sends the caller to utf8_seq. */
static inline size_t utf8_fast(const unsigned char *u, size_t n)
{
    unsigned c = u[0];
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && n >= 3 && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80)
        return 3;
    if (c >= 0xC2 && c <= 0xDF && n >= 2 && (u[1] & 0xC0) == 0x80)
        return 2;
    return 0;
}

typedef struct utf8_stats {
    size_t invalid; /* invalid sequences */
    size_t multi;   /* valid multibyte sequences */
} utf8_stats;

/* 1 if the 8 bytes at u are all ASCII. */
static inline int word_ascii(const unsigned char *u)
{
    uint64_t x;
    memcpy(&x, u, 8);
    return !(x & HIGHS);
}

/* The position of the first invalid sequence in u[i..n), or n; *bad is its length (as
 * utf8_seq says) and *multi counts the valid multibyte sequences passed over. The one
 * loop of both the detection (utf8_scan) and the decoding (utf8_decode). */
static inline size_t utf8_next_bad(const unsigned char *u, size_t n, size_t i, size_t *bad,
                                   size_t *multi)
{
    while (i < n) {
        if (i + 8 <= n && word_ascii(u + i)) {
            i += 8;
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_fast(u + i, n - i);
        if (!k)
            k = utf8_seq(u + i, n - i, bad);
        if (!k)
            return i;
        ++*multi;
        i += k;
    }
    return n;
}

static void utf8_scan(const unsigned char *u, size_t n, utf8_stats *st)
{
    size_t i = 0, bad, multi = 0; /* a local: a register in the inlined loop */
    while ((i = utf8_next_bad(u, n, i, &bad, &multi)) < n) {
        st->invalid++;
        i += bad;
    }
    st->multi += multi;
}

static void utf8_decode(const unsigned char *u, size_t n, sink *s)
{
    size_t i = 0, run = 0, bad, multi = 0;
    while ((i = utf8_next_bad(u, n, i, &bad, &multi)) < n) {
        sink_put(s, (const char *)u + run, i - run);
        sink_repl(s);
        i += bad;
        run = i;
    }
    sink_put(s, (const char *)u + run, n - run);
}

/* ---- iconv ------------------------------------------------------------------------- */

/* How many bytes an EILSEQ at p[0..n) should skip for one U+FFFD: a whole character when
 * its shape is recognisable (so one bad character counts once and the next one stays
 * aligned), else one byte (an ASCII byte after a bad lead is kept: it is real text). */
static size_t skip_len(const char *enc, const unsigned char *p, size_t n)
{
    if (!strncmp(enc, "UTF-16", 6))
        return n >= 2 ? 2 : n;
    if (!strncmp(enc, "UTF-32", 6))
        return n >= 4 ? 4 : n;
    if (n < 2 || p[0] < 0x81 || p[0] == 0xFF)
        return 1;
    if (!strcmp(enc, "GB18030")) {
        if (p[1] >= 0x30 && p[1] <= 0x39)
            return (n >= 4 && p[2] >= 0x81 && p[2] <= 0xFE && p[3] >= 0x30 && p[3] <= 0x39) ? 4 : 1;
        return (p[1] >= 0x40 && p[1] != 0x7F && p[1] != 0xFF) ? 2 : 1;
    }
    /* Big5 family, EUC-*: trail bytes 0x40-0x7E and 0xA1-0xFE. */
    return ((p[1] >= 0x40 && p[1] <= 0x7E) || (p[1] >= 0xA1 && p[1] <= 0xFE)) ? 2 : 1;
}

/* Decodes p[0..n) from enc into s. Returns 0, or -1 if iconv does not know enc. */
static int iconv_decode(const char *enc, const char *p, size_t n, sink *s)
{
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return -1;
    char scratch[SCRATCH_SIZE];
    char *in = (char *)p;
    size_t inleft = n;
    while (inleft > 0) {
        char *out = scratch;
        size_t outleft = sizeof scratch;
        size_t r = iconv(cd, &in, &inleft, &out, &outleft);
        int e = errno;
        sink_put(s, scratch, (size_t)(out - scratch));
        if (r != (size_t)-1 || e == E2BIG)
            continue;
        sink_repl(s);
        if (e == EILSEQ) {
            size_t k = skip_len(enc, (const unsigned char *)in, inleft);
            in += k;
            inleft -= k;
        } else { /* EINVAL: a character cut by the end of the input */
            inleft = 0;
        }
    }
    /* Flush a stateful converter (BIG5-HKSCS may hold a base character for combining). */
    char *out = scratch;
    size_t outleft = sizeof scratch;
    iconv(cd, NULL, NULL, &out, &outleft);
    sink_put(s, scratch, (size_t)(out - scratch));
    iconv_close(cd);
    return 0;
}

/* ---- detection --------------------------------------------------------------------- */

enum { FAM_UTF8, FAM_GB, FAM_BIG5, FAM_OTHER_CJK, FAM_OTHER };

/* Maps a charset label (HTML meta, uchardet) to the name we decode with; returns its
 * family, or -1 for "no usable answer". out gets the iconv name. */
static int canon_charset(const char *label, char out[32])
{
    char l[32];
    size_t n = 0;
    while (*label && (isspace((unsigned char)*label) || *label == '"' || *label == '\''))
        label++;
    for (; label[n] && n < sizeof l - 1; n++) {
        unsigned char c = (unsigned char)label[n];
        if (isspace(c) || c == '"' || c == '\'' || c == ';')
            break;
        l[n] = (char)tolower(c);
    }
    l[n] = '\0';
    if (n == 0 || n >= sizeof l - 1)
        return -1;
    static const char *const gb[] = {"gb18030",  "gbk",      "gb2312",  "gb_2312",     "gb_2312-80",
                                     "x-gbk",    "cp936",    "ms936",   "windows-936", "euc-cn",
                                     "x-euc-cn", "csgb2312", "chinese", "iso-ir-58",   NULL};
    static const char *const big5[] = {"big5",   "big5-hkscs", "big5hkscs", "cp950",    "ms950",
                                       "x-big5", "csbig5",     "cn-big5",   "x-x-big5", NULL};
    static const char *const u8[] = {
        "utf-8", "utf8", "unicode-1-1-utf-8", "ascii", "us-ascii", "ansi_x3.4-1968", NULL};
    for (int i = 0; gb[i]; i++)
        if (!strcmp(l, gb[i])) {
            strcpy(out, "GB18030"); /* GBK is a subset of GB18030: nothing is lost */
            return FAM_GB;
        }
    for (int i = 0; big5[i]; i++)
        if (!strcmp(l, big5[i])) {
            strcpy(out, "BIG5-HKSCS"); /* keeps the HKSCS/CP950 extensions */
            return FAM_BIG5;
        }
    for (int i = 0; u8[i]; i++)
        if (!strcmp(l, u8[i])) {
            strcpy(out, "UTF-8");
            return FAM_UTF8;
        }
    /* A UTF-16/32 label without a BOM means nothing (WHATWG treats it as UTF-8). */
    if (!strncmp(l, "utf-16", 6) || !strncmp(l, "utf-32", 6) || !strncmp(l, "ucs-", 4) ||
        !strncmp(l, "x-iso-10646", 11))
        return -1;
    /* WHATWG: latin1 labels mean windows-1252 (its superset). */
    if (!strcmp(l, "iso-8859-1") || !strcmp(l, "latin1") || !strcmp(l, "l1") ||
        !strcmp(l, "iso8859-1"))
        strcpy(l, "windows-1252");
    for (size_t i = 0; l[i]; i++)
        out[i] = (char)toupper((unsigned char)l[i]);
    out[strlen(l)] = '\0';
    iconv_t cd = iconv_open("UTF-8", out);
    if (cd == (iconv_t)-1)
        return -1;
    iconv_close(cd);
    if (!strcmp(out, "EUC-TW") || !strncmp(out, "HZ", 2) || !strncmp(out, "ISO-2022-CN", 11))
        return FAM_OTHER_CJK;
    return FAM_OTHER;
}

/* Byte statistics of the head, read as a double-byte encoding. */
typedef struct dbcs_stats {
    size_t high;     /* bytes >= 0x80 */
    size_t pairs;    /* lead 0x81-0xFE + a GBK/Big5 trail (or a GB18030 4-byte form) */
    size_t trail_lo; /* pairs whose trail is 0x40-0x7E: ~40% in Big5, ~0 in GB2312 */
    size_t lead_gbk; /* pairs with lead 0x81-0xA0: GBK only (Big5 leads start at 0xA1) */
    size_t orphans;  /* high bytes that cannot start such a pair */
} dbcs_stats;

static void dbcs_scan(const unsigned char *u, size_t n, dbcs_stats *st)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        st->high++;
        if (c == 0x80 || c == 0xFF || i + 1 >= n) {
            st->orphans++;
            i++;
            continue;
        }
        unsigned t = u[i + 1];
        if (t >= 0x30 && t <= 0x39 && i + 3 < n && u[i + 2] >= 0x81 && u[i + 2] <= 0xFE &&
            u[i + 3] >= 0x30 && u[i + 3] <= 0x39) {
            st->pairs++; /* GB18030 four-byte form */
            st->high++;
            i += 4;
        } else if (t >= 0x40 && t != 0x7F && t != 0xFF) {
            st->pairs++;
            st->trail_lo += t <= 0x7E;
            st->lead_gbk += c <= 0xA0;
            st->high += t >= 0x80;
            i += 2;
        } else {
            st->orphans++;
            i++;
        }
    }
}

/* The high bytes pair up like a Chinese double-byte encoding. */
static int dbcs_likely(const dbcs_stats *st)
{
    return (st->pairs >= 2 && st->orphans == 0) ||
           (st->pairs >= 8 && st->orphans * 20 <= st->pairs);
}

/* GB18030 or Big5 by the trail bytes: Big5 puts ~40% of its trails in 0x40-0x7E, GB2312
 * none; leads 0x81-0xA0 exist only in GBK. */
static int dbcs_guess(const dbcs_stats *st)
{
    if (st->pairs && st->trail_lo * 5 > st->pairs && st->lead_gbk * 20 < st->pairs)
        return FAM_BIG5;
    return FAM_GB;
}

/* FAM_GB or FAM_BIG5 when the statistics leave no doubt, else -1. */
static int dbcs_sure(const dbcs_stats *st)
{
    if (st->pairs < 32 || st->orphans * 50 > st->pairs)
        return -1;
    if (st->trail_lo * 100 < st->pairs * 3 && st->lead_gbk * 100 < st->pairs * 3)
        return FAM_GB;
    /* GBK-encoded Traditional text: GBK/3 leads (0x81-0xA0) ~15% of pairs, trails
     * 0x40-0x7E ~22%. Big5 text has the first only for rare HKSCS characters and ~40%
     * of the second. */
    if (st->lead_gbk * 100 >= st->pairs * 10 && st->trail_lo * 100 < st->pairs * 30)
        return FAM_GB;
    if (st->trail_lo * 100 >= st->pairs * 30 && st->lead_gbk * 100 < st->pairs * 5)
        return FAM_BIG5;
    return -1;
}

/* Is a GB or Big5 answer (from a hint or uchardet) contradicted by the bytes? Needs
 * enough pairs to be sure; below that the answer stands. */
static int dbcs_contradicts(int fam, const dbcs_stats *st)
{
    if (st->pairs < 16)
        return 0;
    if (fam == FAM_BIG5)
        return st->trail_lo * 20 < st->pairs || st->lead_gbk * 5 > st->pairs;
    if (fam == FAM_GB)
        return st->trail_lo * 5 > st->pairs && st->lead_gbk * 20 < st->pairs;
    return 0;
}

static void set_fam(int fam, char enc[32])
{
    strcpy(enc, fam == FAM_BIG5 ? "BIG5-HKSCS" : "GB18030");
}

/* Share of U+FFFD when decoding the head with enc, in per mille; 1000 if iconv refuses. */
static unsigned trial_permille(const char *enc, const char *p, size_t n)
{
    sink s = {0};
    if (iconv_decode(enc, p, n, &s) != 0)
        return 1000;
    if (s.chars == 0)
        return 0;
    return (unsigned)(s.repl * 1000 / s.chars);
}

static int bom(const unsigned char *u, size_t n, char enc[32])
{
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        strcpy(enc, "UTF-8");
        return 3;
    }
    if (n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) {
        strcpy(enc, "UTF-32LE");
        return 4;
    }
    if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF) {
        strcpy(enc, "UTF-32BE");
        return 4;
    }
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        strcpy(enc, "UTF-16LE");
        return 2;
    }
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        strcpy(enc, "UTF-16BE");
        return 2;
    }
    return 0;
}

/* Chooses the encoding of bytes without a BOM; enc gets the name. Returns GW_OK or
 * GW_EBINARY (message in err). */
static int detect(const unsigned char *u, size_t n, const char *hint, char enc[32], int *valid_utf8,
                  gw_err *err)
{
    size_t head = n < HEAD_MAX ? n : HEAD_MAX;
    size_t nul[2] = {0, 0};
    for (size_t i = 0; i < head; i++)
        if (u[i] == 0)
            nul[i & 1]++;
    size_t nuls = nul[0] + nul[1];
    /* Text files do not hold NULs; binaries hold many. One stray NUL (a scrape artefact)
     * is forgiven and replaced. */
    if (nuls > 1 + head / 1024) {
        /* ASCII-heavy UTF-16 without a BOM: a NUL in every other byte, same parity. */
        if (nuls * 8 >= head && nul[1] * 10 >= nuls * 9) {
            strcpy(enc, "UTF-16LE");
            return GW_OK;
        }
        if (nuls * 8 >= head && nul[0] * 10 >= nuls * 9) {
            strcpy(enc, "UTF-16BE");
            return GW_OK;
        }
        return gw_err_set(err, GW_EBINARY, "binary: %zu NUL bytes in the first %zu bytes", nuls,
                          head);
    }

    utf8_stats us = {0};
    utf8_scan(u, n, &us);
    /* GBK read as UTF-8 yields about one valid multibyte sequence per ten invalid ones;
     * real UTF-8 with a few damaged bytes yields the reverse. */
    if (us.invalid == 0 || us.multi >= 4 * us.invalid) {
        *valid_utf8 = us.invalid == 0;
        strcpy(enc, "UTF-8");
        return GW_OK;
    }

    dbcs_stats ds = {0};
    dbcs_scan(u, head, &ds);
    char cand[32];
    int fam;
    if (hint && (fam = canon_charset(hint, cand)) >= 0 && fam != FAM_UTF8) {
        int ok;
        if (fam == FAM_GB || fam == FAM_BIG5)
            ok = !dbcs_contradicts(fam, &ds);
        else if (fam == FAM_OTHER)
            ok = !dbcs_likely(&ds); /* e.g. a GBK page labeled iso-8859-1 */
        else
            ok = 1;
        /* A label whose decode of the head is more than 2% U+FFFD is not this file's. */
        if (ok && trial_permille(cand, (const char *)u, head) <= 20) {
            strcpy(enc, cand);
            return GW_OK;
        }
    }

    /* Clear Chinese double-byte text needs no uchardet (which costs far more than the
     * decode): GB2312-range text has no trail byte below 0xA1; Big5 has ~40% of them and
     * no GBK-only leads. Mixed pictures (GBK-encoded Traditional text, HKSCS Simplified
     * characters, Japanese) go to uchardet. */
    if ((fam = dbcs_sure(&ds)) >= 0) {
        set_fam(fam, enc);
        return GW_OK;
    }

    uchardet_t ud = uchardet_new();
    const char *ans = NULL;
    char name[32] = "";
    if (ud) {
        size_t feed = head < UCHARDET_MAX ? head : UCHARDET_MAX;
        if (uchardet_handle_data(ud, (const char *)u, feed) == 0) {
            uchardet_data_end(ud);
            ans = uchardet_get_charset(ud);
        }
        if (ans)
            snprintf(name, sizeof name, "%s", ans);
        uchardet_delete(ud);
    }
    fam = name[0] ? canon_charset(name, cand) : -1;
    if (fam == FAM_GB || fam == FAM_BIG5) {
        if (dbcs_contradicts(fam, &ds))
            fam = fam == FAM_GB ? FAM_BIG5 : FAM_GB;
        set_fam(fam, enc);
        return GW_OK;
    }
    if (fam == FAM_OTHER_CJK) {
        strcpy(enc, cand);
        return GW_OK;
    }
    if (dbcs_likely(&ds) || (fam < 0 && ds.high * 4 >= head)) {
        /* Nothing sure, but the bytes look like (or are mostly) a double-byte encoding. */
        set_fam(dbcs_guess(&ds), enc);
        return GW_OK;
    }
    if (fam == FAM_OTHER) {
        strcpy(enc, cand);
        return GW_OK;
    }
    /* Mostly ASCII with stray bytes: keep the text, replace the strays. */
    strcpy(enc, "UTF-8");
    return GW_OK;
}

/* ---- entry points ------------------------------------------------------------------ */

/* Output bytes per input byte the encoding needs at most in practice. */
static size_t estimate(const char *enc, size_t n)
{
    if (!strcmp(enc, "UTF-8") || !strncmp(enc, "UTF-32", 6))
        return n + 64;
    if (!strcmp(enc, "GB18030") || !strncmp(enc, "BIG5", 4) || !strncmp(enc, "UTF-16", 6) ||
        !strncmp(enc, "EUC-", 4))
        return n + n / 2 + 64;
    return 2 * n + 64; /* single-byte encodings: up to 3 bytes per byte, 2 typical */
}

int gw_decode(const char *bytes, size_t len, const char *hint, gw_decoded *out, gw_err *err)
{
    if (!out)
        return gw_err_set(err, GW_EINVAL, "gw_decode: out is NULL");
    memset(out, 0, sizeof *out);
    if (!bytes && len)
        return gw_err_set(err, GW_EINVAL, "gw_decode: bytes is NULL");
    const unsigned char *u = (const unsigned char *)bytes;
    char enc[32] = "UTF-8";
    size_t off = bom(u, len, enc);
    int valid_utf8 = 0; /* already checked: no need to validate again */
    if (!off && len) {
        int rc = detect(u, len, hint, enc, &valid_utf8, err);
        if (rc != GW_OK)
            return rc;
    }
    if (off == 3) {
        /* Same NUL test as detect(), for UTF-8 with a BOM (UTF-16/32 hold NULs legitimately). */
        size_t head = len - off < HEAD_MAX ? len - off : HEAD_MAX, nuls = 0;
        for (size_t i = 0; i < head; i++)
            nuls += u[off + i] == 0;
        if (nuls > 1 + head / 1024)
            return gw_err_set(err, GW_EBINARY, "binary: %zu NUL bytes in the first %zu bytes", nuls,
                              head);
    }

    /* Sized exactly (gw_buf_reserve would round up to a power of two: 128 MB of address
     * space for a 50 MB GB18030 file instead of 75 MB). */
    gw_buf b = {0};
    b.cap = estimate(enc, len - off);
    b.data = gw_xmalloc(b.cap);
    b.data[0] = '\0';
    sink s = {.b = &b};
    if (valid_utf8) {
        sink_put(&s, bytes, len);
    } else if (!strcmp(enc, "UTF-8")) {
        utf8_decode(u + off, len - off, &s);
    } else if (iconv_decode(enc, bytes + off, len - off, &s) != 0) {
        /* Cannot happen for names detect() checked; say so rather than return garbage. */
        gw_buf_free(&b);
        return gw_err_set(err, GW_EINTERNAL, "iconv cannot decode %s", enc);
    }

    size_t bad = s.repl + s.ctrl;
    if (s.chars && bad * 4 > s.chars && (bad >= 4 || bad == s.chars)) {
        gw_buf_free(&b);
        return gw_err_set(err, GW_EBINARY,
                          "binary: %zu of %zu characters undecodable as %s (%zu invalid "
                          "sequences, %zu control characters)",
                          bad, s.chars, enc, s.repl, s.ctrl);
    }

    /* Give back the slack of the 1.5x estimate when it is worth a realloc. */
    if (b.cap > b.len + b.len / 8 + 4096) {
        b.data = gw_xrealloc(b.data, b.len + 1);
        b.cap = b.len + 1;
    }
    out->text = gw_buf_steal(&b, &out->len);
    snprintf(out->encoding, sizeof out->encoding, "%s", enc);
    out->had_bom = off > 0;
    out->replacements = s.repl;
    gw_err_clear(err);
    return GW_OK;
}

void gw_decoded_free(gw_decoded *d)
{
    if (!d)
        return;
    free(d->text);
    memset(d, 0, sizeof *d);
}
