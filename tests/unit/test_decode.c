/* Unit tests of gw_decode: every seed re-encoded by the test itself (GB18030, Big5-HKSCS,
 * UTF-16LE/BE and UTF-32LE with BOM, UTF-8 with BOM) must decode back to the original;
 * hostile input (invalid and truncated sequences, NULs, binaries, mislabeled hints, empty,
 * 50 MB) must give valid UTF-8 with counted replacements, or GW_EBINARY. Run from the
 * repository root (tests/run.sh does), which holds corpus/. */
#include "gw_buf.h"
#include "gw_decode.h"

#include "test_util.h"

#include <check.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char *const seeds[] = {
    "corpus/000_189274416b8a826d.txt", /* Traditional */
    "corpus/001_644562c8775a6dbf.txt", /* Traditional */
    "corpus/002_2994eda826c22957.txt", /* Simplified */
    "corpus/003_58fd5961e537d1e9.txt", /* Traditional */
    "corpus/004_3e7bccd1fa082b11.txt", /* Simplified */
};
#define NSEEDS 5

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    gw_buf b = {0};
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gw_buf_append(&b, tmp, n);
    fclose(f);
    return gw_buf_steal(&b, len);
}

/* Encodes UTF-8 s[0..n) into `to`, one character at a time, so that characters `to`
 * cannot represent are skipped; *expect receives the UTF-8 of what was kept (what a
 * decoder must give back). CRLF/CR -> LF is applied to *expect, as gw_decode does. */
static void encode(const char *s, size_t n, const char *to, gw_buf *enc, gw_buf *expect)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    ck_assert_msg(cd != (iconv_t)-1, "iconv cannot encode %s", to);
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = gw_utf8_next(s + i, n - i, &cp);
        char out[16];
        char *in = (char *)s + i, *o = out;
        size_t inleft = k, outleft = sizeof out;
        size_t r = iconv(cd, &in, &inleft, &o, &outleft);
        if (r != (size_t)-1)
            r = iconv(cd, NULL, NULL, &o, &outleft); /* flush a stateful encoder */
        if (r != (size_t)-1 && inleft == 0) {
            gw_buf_append(enc, out, (size_t)(o - out));
            gw_buf_append(expect, s + i, k);
        }
        iconv(cd, NULL, NULL, NULL, NULL);
        i += k;
    }
    iconv_close(cd);
}

/* Every result of gw_decode must be valid UTF-8 without NUL, NUL-terminated. */
static void check_text(const gw_decoded *d)
{
    ck_assert_ptr_nonnull(d->text);
    ck_assert_uint_eq(strlen(d->text), d->len);
    ck_assert_msg(gw_utf8_valid(d->text, d->len), "output is not valid UTF-8");
    ck_assert_msg(memchr(d->text, '\r', d->len) == NULL, "output holds a CR");
}

static size_t count_fffd(const char *s, size_t n)
{
    size_t c = 0;
    for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "\xEF\xBF\xBD", 3)); p += 3)
        c++;
    return c;
}

/* ---- 1. every seed in every encoding round-trips ------------------------------------ */

typedef struct roundtrip {
    int seed;
    const char *to;  /* iconv name to encode with */
    const char *bom; /* prepended bytes, or NULL */
    size_t bom_len;
    const char *expect_enc;
    int need_partial; /* 1: Big5 cannot hold every character; compare on the rest */
} roundtrip;

static const roundtrip rts[] = {
    /* 0-4 UTF-8 without BOM */
    {0, "UTF-8", NULL, 0, "UTF-8", 0},
    {1, "UTF-8", NULL, 0, "UTF-8", 0},
    {2, "UTF-8", NULL, 0, "UTF-8", 0},
    {3, "UTF-8", NULL, 0, "UTF-8", 0},
    {4, "UTF-8", NULL, 0, "UTF-8", 0},
    /* 5-9 UTF-8 with BOM */
    {0, "UTF-8", "\xEF\xBB\xBF", 3, "UTF-8", 0},
    {1, "UTF-8", "\xEF\xBB\xBF", 3, "UTF-8", 0},
    {2, "UTF-8", "\xEF\xBB\xBF", 3, "UTF-8", 0},
    {3, "UTF-8", "\xEF\xBB\xBF", 3, "UTF-8", 0},
    {4, "UTF-8", "\xEF\xBB\xBF", 3, "UTF-8", 0},
    /* 10-14 UTF-16LE with BOM */
    {0, "UTF-16LE", "\xFF\xFE", 2, "UTF-16LE", 0},
    {1, "UTF-16LE", "\xFF\xFE", 2, "UTF-16LE", 0},
    {2, "UTF-16LE", "\xFF\xFE", 2, "UTF-16LE", 0},
    {3, "UTF-16LE", "\xFF\xFE", 2, "UTF-16LE", 0},
    {4, "UTF-16LE", "\xFF\xFE", 2, "UTF-16LE", 0},
    /* 15-19 UTF-16BE with BOM */
    {0, "UTF-16BE", "\xFE\xFF", 2, "UTF-16BE", 0},
    {1, "UTF-16BE", "\xFE\xFF", 2, "UTF-16BE", 0},
    {2, "UTF-16BE", "\xFE\xFF", 2, "UTF-16BE", 0},
    {3, "UTF-16BE", "\xFE\xFF", 2, "UTF-16BE", 0},
    {4, "UTF-16BE", "\xFE\xFF", 2, "UTF-16BE", 0},
    /* 20-21 GB18030, the Simplified seeds, no hint: uchardet + byte statistics */
    {2, "GB18030", NULL, 0, "GB18030", 0},
    {4, "GB18030", NULL, 0, "GB18030", 0},
    /* 22-24 GB18030 holds Traditional characters too (GBK/3, GBK/4) */
    {0, "GB18030", NULL, 0, "GB18030", 0},
    {1, "GB18030", NULL, 0, "GB18030", 0},
    {3, "GB18030", NULL, 0, "GB18030", 0},
    /* 25-27 Big5-HKSCS, the Traditional seeds */
    {0, "BIG5-HKSCS", NULL, 0, "BIG5-HKSCS", 1},
    {1, "BIG5-HKSCS", NULL, 0, "BIG5-HKSCS", 1},
    {3, "BIG5-HKSCS", NULL, 0, "BIG5-HKSCS", 1},
    /* 28-29 UTF-32LE with BOM */
    {0, "UTF-32LE", "\xFF\xFE\0\0", 4, "UTF-32LE", 0},
    {2, "UTF-32LE", "\xFF\xFE\0\0", 4, "UTF-32LE", 0},
};

START_TEST(seed_roundtrip)
{
    const roundtrip *rt = &rts[_i];
    size_t n;
    char *orig = read_file(seeds[rt->seed], &n);
    gw_buf enc = {0}, expect = {0};
    if (rt->bom)
        gw_buf_append(&enc, rt->bom, rt->bom_len);
    encode(orig, n, rt->to, &enc, &expect);
    if (!rt->need_partial)
        ck_assert_uint_eq(expect.len, n); /* everything was representable */
    else
        ck_assert_msg(expect.len * 10 >= n * 9, "case %d: Big5 kept only %zu of %zu bytes", _i,
                      expect.len, n);
    gw_decoded d;
    gw_err err;
    int rc = gw_decode(enc.data, enc.len, NULL, &d, &err);
    ck_assert_msg(rc == GW_OK, "case %d: %s", _i, err.msg);
    check_text(&d);
    ck_assert_str_eq(d.encoding, rt->expect_enc);
    ck_assert_int_eq(d.had_bom, rt->bom != NULL);
    ck_assert_uint_eq(d.replacements, count_fffd(expect.data, expect.len));
    ck_assert_uint_eq(d.len, expect.len);
    ck_assert_msg(memcmp(d.text, expect.data, d.len) == 0, "case %d: text differs", _i);
    gw_decoded_free(&d);
    gw_buf_free(&enc);
    gw_buf_free(&expect);
    free(orig);
}
END_TEST

/* ---- 2. hostile byte strings, table-driven --------------------------------------- */

typedef struct hostile {
    const char *in;
    size_t len;
    const char *hint;
    int rc;
    const char *out; /* expected text (rc == GW_OK) */
    size_t repl;
    const char *enc; /* expected encoding, or NULL for "don't care" */
} hostile;

#define S(lit) lit, sizeof(lit) - 1
/* 中华人民共和国 in GBK/GB18030 */
#define GBK_ZHRMGHG "\xD6\xD0\xBB\xAA\xC8\xCB\xC3\xF1\xB9\xB2\xBA\xCD\xB9\xFA"
/* 中華人民共和國 in Big5 */
#define BIG5_ZHRMGHG "\xA4\xA4\xB5\xD8\xA4\x48\xA5\xC1\xA6\x40\xA9\x4D\xB0\xEA"
#define U8_LONG "政府工作报告发展改革委员会关于推进高质量发展的意见"

static const hostile hs[] = {
    /* 0 */ {S(""), NULL, GW_OK, "", 0, "UTF-8"},
    /* 1 */ {S("abc\r\ndef\rghi\n\r\n"), NULL, GW_OK, "abc\ndef\nghi\n\n", 0, "UTF-8"},
    /* 2 one invalid byte inside UTF-8 Chinese: still UTF-8, one U+FFFD */
    {S(U8_LONG "\xFF" U8_LONG), NULL, GW_OK, U8_LONG "\xEF\xBF\xBD" U8_LONG, 1, "UTF-8"},
    /* 3 truncated 3-byte character at the end: one U+FFFD */
    {S(U8_LONG "\xE5\x8F"), NULL, GW_OK, U8_LONG "\xEF\xBF\xBD", 1, "UTF-8"},
    /* 4 overlong '/' and an encoded surrogate: each byte replaced (maximal subparts) */
    {S(U8_LONG "\xC0\xAF" U8_LONG "\xED\xA0\x80"), NULL, GW_OK,
     U8_LONG "\xEF\xBF\xBD\xEF\xBF\xBD" U8_LONG "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 5, "UTF-8"},
    /* 5 a single stray NUL is replaced, not fatal, never passed through */
    {S("Gongwen\0report text"), NULL, GW_OK, "Gongwen\xEF\xBF\xBDreport text", 1, "UTF-8"},
    /* 6 NUL-filled */
    {"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32, NULL, GW_EBINARY, NULL,
     0, NULL},
    /* 7 control characters and nothing else */
    {S("\x01\x02\x03\x04\x05\x06\x07\x08\x0E\x0F\x10\x11\x12\x13\x14\x15"), NULL, GW_EBINARY, NULL,
     0, NULL},
    /* 8 GBK labeled UTF-8 by its page: the UTF-8 check fails, the hint is ignored */
    {S(GBK_ZHRMGHG), "utf-8", GW_OK, "中华人民共和国", 0, "GB18030"},
    /* 9 UTF-8 labeled gb2312: valid UTF-8 wins over the label */
    {S("中华人民共和国"), "gb2312", GW_OK, "中华人民共和国", 0, "UTF-8"},
    /* 10 GBK labeled iso-8859-1 (a classic mislabel): the pairs say GB */
    {S(GBK_ZHRMGHG GBK_ZHRMGHG), "iso-8859-1", GW_OK, "中华人民共和国中华人民共和国", 0, "GB18030"},
    /* 11 GBK, no hint, short */
    {S(GBK_ZHRMGHG), NULL, GW_OK, "中华人民共和国", 0, "GB18030"},
    /* 12 Big5 with a big5 hint: decoded as BIG5-HKSCS */
    {S(BIG5_ZHRMGHG), "big5", GW_OK, "中華人民共和國", 0, "BIG5-HKSCS"},
    /* 13 gbk hint spelled oddly */
    {S(GBK_ZHRMGHG), " 'GBK' ", GW_OK, "中华人民共和国", 0, "GB18030"},
    /* 14 UTF-16LE BOM, odd trailing byte: one U+FFFD */
    {S("\xFF\xFE"
       "A\0"
       "-\x4E"
       "\x41"),
     NULL, GW_OK, "A中\xEF\xBF\xBD", 1, "UTF-16LE"},
    /* 15 UTF-16LE BOM, lone high surrogate then 'B' */
    {S("\xFF\xFE"
       "A\0"
       "\x00\xD8"
       "B\0"),
     NULL, GW_OK,
     "A\xEF\xBF\xBD"
     "B",
     1, "UTF-16LE"},
    /* 16 UTF-16BE BOM with CRLF and U+0000 */
    {S("\xFE\xFF"
       "\0a\0\r\0\n\0\0\0b"),
     NULL, GW_OK,
     "a\n\xEF\xBF\xBD"
     "b",
     1, "UTF-16BE"},
    /* 17 a BOM and nothing else */
    {S("\xEF\xBB\xBF"), NULL, GW_OK, "", 0, "UTF-8"},
    /* 18 GB18030 truncated in the middle of a 2-byte character */
    {S(GBK_ZHRMGHG GBK_ZHRMGHG "\xD6"), "gb18030", GW_OK,
     "中华人民共和国中华人民共和国\xEF\xBF\xBD", 1, "GB18030"},
    /* 19 GB18030 four-byte form: U+20000 and the euro sign between GBK text */
    {S(GBK_ZHRMGHG "\x95\x32\x82\x36"
                   "\xA2\xE3" GBK_ZHRMGHG),
     "gb18030", GW_OK, "中华人民共和国\xF0\xA0\x80\x80€中华人民共和国", 0, "GB18030"},
    /* 20 ASCII-heavy UTF-16LE without a BOM */
    {S("G\0o\0n\0g\0w\0e\0n\0 \0r\0e\0p\0o\0r\0t\0\n\0-\x4E"), NULL, GW_OK, "Gongwen report\n中", 0,
     "UTF-16LE"},
    /* 21 invalid GB bytes inside GBK text: 0x80 and 0xFF are never GB18030 */
    {S(GBK_ZHRMGHG "\x80" GBK_ZHRMGHG "\xFF" GBK_ZHRMGHG), "gbk", GW_OK,
     "中华人民共和国\xEF\xBF\xBD中华人民共和国\xEF\xBF\xBD中华人民共和国", 2, "GB18030"},
    /* 22 UTF-8 BOM then NULs: binary, the BOM does not make it text */
    {"\xEF\xBB\xBF\0\0\0\0\0\0\0\0\0\0\0\0", 15, NULL, GW_EBINARY, NULL, 0, NULL},
    /* 23 an unknown hint is ignored */
    {S("plain ascii"), "x-no-such-charset", GW_OK, "plain ascii", 0, "UTF-8"},
    /* 24 text drowned in control characters */
    {S("ab\x01\x02\x03\x04\x1B\x06\x7F\x1F cd"), NULL, GW_EBINARY, NULL, 0, NULL},
    /* 25 Latin text with one accented byte that pairs with nothing: uchardet's
     * single-byte answer stands (the high byte is no double-byte lead) */
    {S("Report of the year 2023: \xE9 final."), NULL, GW_OK, "Report of the year 2023: é final.", 0,
     "WINDOWS-1252"},
    /* 26 a UTF-16 label on GBK bytes means nothing (WHATWG) */
    {S(GBK_ZHRMGHG), "utf-16", GW_OK, "中华人民共和国", 0, "GB18030"},
    /* 27 CP950/ETEN extensions (0xF9D6-0xF9DC) survive through BIG5-HKSCS */
    {S(BIG5_ZHRMGHG "\xF9\xD6\xF9\xD7\xF9\xD8\xF9\xD9\xF9\xDA\xF9\xDB\xF9\xDC"), "big5", GW_OK,
     "中華人民共和國碁銹裏墻恒粧嫺", 0, "BIG5-HKSCS"},
};

START_TEST(hostile_bytes)
{
    const hostile *h = &hs[_i];
    gw_decoded d;
    gw_err err;
    int rc = gw_decode(h->in, h->len, h->hint, &d, &err);
    ck_assert_msg(rc == h->rc, "case %d: rc %d (%s), expected %d", _i, rc, err.msg, h->rc);
    if (rc != GW_OK) {
        ck_assert_ptr_null(d.text);
        ck_assert_msg(strstr(err.msg, "binary") != NULL, "case %d: message '%s'", _i, err.msg);
        return;
    }
    check_text(&d);
    ck_assert_msg(d.len == strlen(h->out) && !memcmp(d.text, h->out, d.len),
                  "case %d: got '%s', expected '%s'", _i, d.text, h->out);
    ck_assert_msg(d.replacements == h->repl, "case %d: %zu replacements, expected %zu", _i,
                  d.replacements, h->repl);
    if (h->enc)
        ck_assert_str_eq(d.encoding, h->enc);
    gw_decoded_free(&d);
    gw_decoded_free(&d); /* freeing twice is a no-op */
}
END_TEST

/* ---- 3. seeds with damage ------------------------------------------------------------ */

/* Invalid bytes injected at character boundaries of a UTF-8 seed: one U+FFFD each, the
 * rest intact. */
START_TEST(injected_invalid_utf8)
{
    size_t n;
    char *orig = read_file(seeds[_i], &n);
    gw_buf bad = {0}, expect = {0};
    size_t i = 0, chars = 0, injected = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = gw_utf8_next(orig + i, n - i, &cp);
        if (++chars % 97 == 0) {
            static const char junk[] = {'\xFF', '\xC0', '\x80', '\xFE'};
            gw_buf_putc(&bad, junk[injected % 4]);
            gw_buf_append(&expect, "\xEF\xBF\xBD", 3);
            injected++;
        }
        gw_buf_append(&bad, orig + i, k);
        gw_buf_append(&expect, orig + i, k);
        i += k;
    }
    ck_assert_uint_gt(injected, 10);
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(bad.data, bad.len, NULL, &d, &err), GW_OK);
    check_text(&d);
    ck_assert_str_eq(d.encoding, "UTF-8");
    ck_assert_uint_eq(d.replacements, injected + count_fffd(orig, n));
    ck_assert_uint_eq(d.len, expect.len);
    ck_assert(memcmp(d.text, expect.data, d.len) == 0);
    gw_decoded_free(&d);
    gw_buf_free(&bad);
    gw_buf_free(&expect);
    free(orig);
}
END_TEST

/* A GB18030 seed cut inside its last character: one U+FFFD at the end, the rest intact. */
START_TEST(truncated_gb18030_seed)
{
    size_t n;
    char *orig = read_file(seeds[4], &n);
    gw_buf enc = {0}, expect = {0};
    encode(orig, n, "GB18030", &enc, &expect);
    /* 004 ends with '。' (2 bytes in GB18030): drop its last byte. */
    ck_assert(n >= 3 && !memcmp(orig + n - 3, "。", 3));
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(enc.data, enc.len - 1, NULL, &d, &err), GW_OK);
    check_text(&d);
    ck_assert_str_eq(d.encoding, "GB18030");
    ck_assert_uint_eq(d.replacements, 1);
    ck_assert_uint_eq(d.len, n);
    ck_assert(memcmp(d.text, orig, n - 3) == 0);
    ck_assert(memcmp(d.text + n - 3, "\xEF\xBF\xBD", 3) == 0);
    gw_decoded_free(&d);
    gw_buf_free(&enc);
    gw_buf_free(&expect);
    free(orig);
}
END_TEST

/* Mislabeled pages: a GB18030 seed whose <meta> says UTF-8, and a UTF-8 seed whose
 * <meta> says gb2312. The bytes win both times. */
START_TEST(mislabeled_seeds)
{
    size_t n;
    char *orig = read_file(seeds[2], &n);
    gw_buf enc = {0}, expect = {0};
    encode(orig, n, "GB18030", &enc, &expect);
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(enc.data, enc.len, "UTF-8", &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "GB18030");
    ck_assert(d.len == n && !memcmp(d.text, orig, n));
    gw_decoded_free(&d);
    ck_assert_int_eq(gw_decode(orig, n, "gb2312", &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "UTF-8");
    ck_assert(d.len == n && !memcmp(d.text, orig, n));
    gw_decoded_free(&d);
    /* A Big5 seed labeled gb2312: the trail bytes contradict the label. */
    gw_buf b5 = {0}, b5x = {0};
    free(orig);
    orig = read_file(seeds[3], &n);
    encode(orig, n, "BIG5-HKSCS", &b5, &b5x);
    ck_assert_int_eq(gw_decode(b5.data, b5.len, "gb2312", &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "BIG5-HKSCS");
    ck_assert(d.len == b5x.len && !memcmp(d.text, b5x.data, d.len));
    gw_decoded_free(&d);
    gw_buf_free(&b5);
    gw_buf_free(&b5x);
    gw_buf_free(&enc);
    gw_buf_free(&expect);
    free(orig);
}
END_TEST

/* HKSCS characters (not in plain Big5) survive: 㗎 U+35CE, 𠝹 U+20779, 嘅 U+5605. */
START_TEST(hkscs_extensions)
{
    const char *text = "呢個係香港增補字符集嘅字：㗎𠝹，中華民國政府工作報告";
    gw_buf enc = {0}, expect = {0};
    encode(text, strlen(text), "BIG5-HKSCS", &enc, &expect);
    ck_assert_uint_eq(expect.len, strlen(text));
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(enc.data, enc.len, "big5", &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "BIG5-HKSCS");
    ck_assert_str_eq(d.text, text);
    ck_assert_uint_eq(d.replacements, 0);
    gw_decoded_free(&d);
    gw_buf_free(&enc);
    gw_buf_free(&expect);
}
END_TEST

/* Binaries: pseudo-random bytes (like compressed data) and a NUL-padded header. */
START_TEST(binary_noise)
{
    size_t n = 100000;
    unsigned char *p = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
        p[i] = (unsigned char)x;
    }
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode((char *)p, n, NULL, &d, &err), GW_EBINARY);
    ck_assert_ptr_null(d.text);
    ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
    /* The same noise without any NUL: caught as undecodable after decoding. */
    for (size_t i = 0; i < n; i++)
        if (!p[i])
            p[i] = 0x01;
    ck_assert_int_eq(gw_decode((char *)p, n, NULL, &d, &err), GW_EBINARY);
    ck_assert_ptr_null(d.text);
    ck_assert_ptr_nonnull(strstr(err.msg, "undecodable"));
    free(p);
}
END_TEST

/* Line ends, NULs and controls at every alignment (the sink reads 8 bytes at a time), and
 * CRLF split across iconv's 32 KiB output chunks. */
START_TEST(specials_at_every_alignment)
{
    for (size_t k = 0; k < 24; k++) {
        gw_buf in = {0}, expect = {0};
        for (size_t j = 0; j < k; j++) {
            gw_buf_putc(&in, 'x');
            gw_buf_putc(&expect, 'x');
        }
        gw_buf_puts(&in, "中文\r\n政府\r报告\n\x01工作");
        gw_buf_putc(&in, '\0');
        gw_buf_puts(&in, "发展改革委员会关于推进高质量发展的意见\r");
        gw_buf_puts(&expect, "中文\n政府\n报告\n\x01工作\xEF\xBF\xBD"
                             "发展改革委员会关于推进高质量发展的意见\n");
        gw_decoded d;
        gw_err err;
        ck_assert_int_eq(gw_decode(in.data, in.len, NULL, &d, &err), GW_OK);
        ck_assert_msg(!strcmp(d.text, expect.data), "offset %zu: [%s]", k, d.text);
        ck_assert_uint_eq(d.replacements, 1);
        gw_decoded_free(&d);
        gw_buf_free(&in);
        gw_buf_free(&expect);
    }
    /* UTF-16LE, 40,000 lines "a\r\n" (3 output bytes each: CR and LF land in different
     * 32 KiB chunks somewhere) and 20,000 lines "\u4E2D\r\n". */
    gw_buf in = {0};
    gw_buf_append(&in, "\xFF\xFE", 2);
    for (int i = 0; i < 40000; i++)
        gw_buf_append(&in, "a\0\r\0\n\0", 6);
    for (int i = 0; i < 20000; i++)
        gw_buf_append(&in, "\x2D\x4E\r\0\n\0", 6);
    gw_decoded d;
    ck_assert_int_eq(gw_decode(in.data, in.len, NULL, &d, NULL), GW_OK);
    ck_assert_uint_eq(d.len, 40000 * 2 + 20000 * 4);
    ck_assert_ptr_null(memchr(d.text, '\r', d.len));
    ck_assert(!memcmp(d.text + 80000 - 4, "a\na\n\xE4\xB8\xAD\n", 8));
    gw_decoded_free(&d);
    gw_buf_free(&in);
}
END_TEST

START_TEST(null_arguments)
{
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode("x", 1, NULL, NULL, &err), GW_EINVAL);
    ck_assert_int_eq(gw_decode(NULL, 5, NULL, &d, &err), GW_EINVAL);
    ck_assert_ptr_null(d.text);
    ck_assert_int_eq(gw_decode(NULL, 0, NULL, &d, NULL), GW_OK);
    ck_assert_str_eq(d.text, "");
    gw_decoded_free(&d);
    gw_decoded_free(NULL);
}
END_TEST

/* ---- 4. 50 MB: decoded in one pass, memory bounded by ~1.5x the input ---------------- */

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

START_TEST(fifty_megabytes_gb18030)
{
    size_t n;
    char *orig = read_file(seeds[2], &n);
    gw_buf unit = {0}, expect = {0};
    encode(orig, n, "GB18030", &unit, &expect);
    const size_t target = 50u << 20;
    size_t reps = target / unit.len + 1, big_len = reps * unit.len;
    long before = maxrss_kb();
    char *big = malloc(big_len);
    ck_assert_ptr_nonnull(big);
    for (size_t r = 0; r < reps; r++)
        memcpy(big + r * unit.len, unit.data, unit.len);
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(big, big_len, NULL, &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "GB18030");
    ck_assert_uint_eq(d.replacements, 0);
    ck_assert_uint_eq(d.len, reps * n);
    /* Spot checks: first and last copy intact. */
    ck_assert(!memcmp(d.text, orig, n));
    ck_assert(!memcmp(d.text + d.len - n, orig, n));
    long grew_kb = maxrss_kb() - before;
    /* Input (50 MB) + output (~1.49x for this text) + slack: never a second copy. */
    long bound_kb = (long)((big_len + big_len * 3 / 2) / 1024) + 16 * 1024;
    ck_assert_msg(grew_kb <= bound_kb, "peak RSS grew by %ld KiB, bound %ld KiB", grew_kb,
                  bound_kb);
    gw_decoded_free(&d);
    free(big);
    gw_buf_free(&unit);
    gw_buf_free(&expect);
    free(orig);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, seed_roundtrip, 0, (int)(sizeof rts / sizeof rts[0]));
    tcase_add_loop_test(tc, hostile_bytes, 0, (int)(sizeof hs / sizeof hs[0]));
    tcase_add_loop_test(tc, injected_invalid_utf8, 0, NSEEDS);
    tcase_add_test(tc, truncated_gb18030_seed);
    tcase_add_test(tc, mislabeled_seeds);
    tcase_add_test(tc, hkscs_extensions);
    tcase_add_test(tc, binary_noise);
    tcase_add_test(tc, specials_at_every_alignment);
    tcase_add_test(tc, null_arguments);
    tcase_add_test(tc, fifty_megabytes_gb18030);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
