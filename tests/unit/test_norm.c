/* Unit tests of gw_norm: NFKC + case folding per code point, the white space rules,
 * Traditional -> Simplified by OpenCC's phrases and character table, spans back into the
 * original bytes, character classes; hostile input (invalid UTF-8, NUL, empty, huge
 * lines, supplementary planes, combining marks, expansions). */
#include "gw_buf.h"
#include "gw_clean.h"
#include "gw_norm.h"

#include "test_util.h"

#include "gw_t2s_phrases.h" /* generated: OpenCC's phrases, for checking every key */

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *norm(const char *s, size_t len, size_t *out_len)
{
    return gw_norm_string(s, len, out_len);
}

/* ---- 1. normalized forms ----------------------------------------------------------- */

static const struct {
    const char *in;
    size_t in_len; /* 0: strlen */
    const char *out;
    size_t out_len; /* 0: strlen */
} forms[] = {
    /*  0 */ {"发展", 0, "发展", 0},
    /*  1 */ {"發展", 0, "发展", 0},
    /*  2 */ {"２０２２年", 0, "2022年", 0},
    /*  3 */ {"Ｇ２０", 0, "g20", 0},
    /*  4 */ {"G20峰會", 0, "g20峰会", 0},
    /*  5 */ {"ＡＢＣ，。！", 0, "abc,。!", 0},
    /*  6 */ {"黨質臺關機發", 0, "党质台关机发", 0},
    /*  7 */ {"著力推動機關思想政治工作守正創新", 0, "著力推动机关思想政治工作守正创新", 0},
    /*  8 */ {"高質量發展", 0, "高质量发展", 0},
    /*  9 */ {"ß", 0, "ss", 0},
    /* 10 */ {"①②", 0, "12", 0},
    /* 11 */ {"a\xE2\x80\x8B" "b", 0, "ab", 0},          /* ZWSP is ignorable */
    /* 12 */ {"发\xC2\xAD展", 0, "发展", 0},             /* soft hyphen */
    /* 13 */ {"", 0, "", 0},
    /* 14 */ {"㍻", 0, "平成", 0},                        /* one -> two Han */
    /* 15 */ {"\xF0\x9D\x90\x80", 0, "a", 0},             /* U+1D400 MATHEMATICAL BOLD A */
    /* 16 */ {"\xF0\xA0\x80\x80", 0, "\xF0\xA0\x80\x80", 0}, /* U+20000, ext. B: itself */
    /* 17 */ {"a\0b", 3, "a\0b", 3},                      /* NUL stays (a separator) */
    /* 18 */ {"a\xFF" "b", 0, "a\xEF\xBF\xBD" "b", 0},    /* invalid byte -> U+FFFD */
    /* 19 */ {"\xE5\x8F", 0, "\xEF\xBF\xBD\xEF\xBF\xBD", 0}, /* truncated: one per byte */
    /* 20 */ {"\xED\xA0\x80", 0, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 0}, /* surrogate */
    /* 21 */ {"\xC0\xAF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD", 0}, /* overlong '/' */
    /* 22 */ {"e\xCC\x81", 0, "e\xCC\x81", 0},            /* e + combining acute: kept */
    /* 23 */ {"\xC3\x89", 0, "\xC3\xA9", 0},              /* É -> é */
    /* 24 */ {"Ⅻ ﬁ", 0, "xii fi", 0},
    /* 25 */ {"\xEF\xBF\xBD", 0, "\xEF\xBF\xBD", 0},      /* U+FFFD stays U+FFFD */
    /* 26 */ {"乾隆於後", 0, "乾隆于后", 0},               /* OpenCC's phrase 乾隆 */
    /* 27 */ {"\xEF\xA4\x80", 0, "岂", 0},               /* U+F900 -> 豈 -> 岂 (fixpoint) */
    /* 28 */ {"⼀", 0, "一", 0},                          /* Kangxi radical */
    /* 29 */ {"ＩＳＯ　９００１", 0, "iso 9001", 0},      /* ideographic space -> space */
    /* white space (rules 1 and 2) */
    /* 30 */ {"使用 Linux 系统", 0, "使用linux系统", 0},  /* Han | word: joined */
    /* 31 */ {"共 32 个", 0, "共32个", 0},
    /* 32 */ {"浙 江 省", 0, "浙江省", 0},               /* Han | Han: joined */
    /* 33 */ {"挂载文件系\n       统", 0, "挂载文件系统", 0}, /* one line break + indent */
    /* 34 */ {"高质量\u3000\t发展", 0, "高质量发展", 0},
    /* 35 */ {"质量\n\n发展", 0, "质量\n\n发展", 0},     /* a blank line separates */
    /* 36 */ {"质量\r\n  \r\n发展", 0, "质量\n\n发展", 0}, /* ... canonically */
    /* 37 */ {"质量\n \t\n\n发展", 0, "质量\n\n发展", 0},
    /* 38 */ {"质量\xE2\x80\xA9发展", 0, "质量\n\n发展", 0}, /* U+2029 */
    /* 39 */ {"质量\r\n发展", 0, "质量发展", 0},           /* \r\n is one line break */
    /* 40 */ {"open  \n source", 0, "open source", 0},   /* word | word: one space */
    /* 41 */ {"G20 201", 0, "g20 201", 0},
    /* 42 */ {"质量 ， 发展", 0, "质量,发展", 0},          /* next to punctuation: goes */
    /* 43 */ {" \n 发展 \n", 0, "发展", 0},              /* at the ends: goes */
    /* 44 */ {"发展。\n\n二、", 0, "发展。\n\n二、", 0},
    /* 45 */ {" \n\n ", 0, "", 0},
    /* phrase-level Traditional -> Simplified (rule 4) */
    /* 46 */ {"藉口", 0, "借口", 0},
    /* 47 */ {"瞭解", 0, "了解", 0},
    /* 48 */ {"計畫", 0, "计划", 0},
    /* 49 */ {"乾隆", 0, "乾隆", 0},
    /* 50 */ {"項鍊", 0, "项链", 0},
    /* 51 */ {"乾燥", 0, "干燥", 0},                    /* no phrase: the character table */
    /* 52 */ {"藉 口", 0, "借口", 0},                   /* white space first, as OpenCC sees it */
    /* 53 */ {"以免藉口", 0, "以免借口", 0},             /* longest key: 以免藉口 */
    /* 54 */ {"Ｘ藉口Ｙ", 0, "x借口y", 0},
};

START_TEST(test_forms)
{
    const char *in = forms[_i].in;
    size_t in_len = forms[_i].in_len ? forms[_i].in_len : strlen(in);
    size_t want_len = forms[_i].out_len ? forms[_i].out_len : strlen(forms[_i].out);
    size_t got_len = 0;
    char *got = norm(in, in_len, &got_len);
    ck_assert_msg(got_len == want_len && memcmp(got, forms[_i].out, want_len) == 0,
                  "case %d: \"%s\" -> \"%.*s\" (%zu bytes), want \"%s\"", _i, in, (int)got_len,
                  got, got_len, forms[_i].out);
    free(got);
}
END_TEST

/* 2. The query side: 发展, 發展 and 發(fā)展 (after the pinyin annotation is removed, as
 * gw_clean does for documents and queries) normalize to the same text. */
START_TEST(test_query_variants)
{
    const char *variants[] = {"发展", "發展", "發(fā)展", "發（fā）展"};
    char *ref = NULL;
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        gw_buf b = {0};
        gw_clean_pinyin(variants[i], strlen(variants[i]), &b);
        size_t n;
        char *s = norm(b.data ? b.data : "", b.len, &n);
        if (!ref)
            ref = s;
        else {
            ck_assert_msg(strcmp(s, ref) == 0, "variant %zu: %s != %s", i, s, ref);
            free(s);
        }
        gw_buf_free(&b);
    }
    ck_assert_str_eq(ref, "发展");
    free(ref);
    size_t n1, n2;
    char *a = norm("２０２２年", strlen("２０２２年"), &n1);
    char *b = norm("2022年", strlen("2022年"), &n2);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

/* Pairs that normalize to the same text, or (same = 0) must not. */
static const struct {
    const char *a, *b;
    int same;
} pairs[] = {
    {"Linux系统", "使用 Linux 系统", -1}, /* -1: a inside b */
    {"Linux 系统", "Linux系统", 1},
    {"32个", "共 32 个", -1},
    {"党史学习教育", "浙 江 省 纪 委 监 委 召 开 党 史 学 习 教 育 推 进 会", -1},
    {"文件系统", "挂载文件系\n       统", -1},
    {"浙 江 省", "浙江省", 1},
    {"高质量发展", "高质量 发展", 1},
    {"质量发展", "质量\n\n发展", 0},
    {"质量发展", "质量，发展", 0},
    {"质量 ，发展", "质量，发展", 1},
    {"open source", "opensource", 0},
    {"借口", "藉口", 1},
    {"计划", "計畫", 1},
    {"乾隆", "干隆", 0},
};

START_TEST(test_pairs)
{
    size_t na, nb;
    char *a = norm(pairs[_i].a, strlen(pairs[_i].a), &na);
    char *b = norm(pairs[_i].b, strlen(pairs[_i].b), &nb);
    if (pairs[_i].same == 1)
        ck_assert_msg(!strcmp(a, b), "\"%s\" -> \"%s\" and \"%s\" -> \"%s\" differ",
                      pairs[_i].a, a, pairs[_i].b, b);
    else if (pairs[_i].same == -1)
        ck_assert_msg(strstr(b, a) != NULL, "\"%s\" (%s) not in \"%s\" (%s)", pairs[_i].a, a,
                      pairs[_i].b, b);
    else
        ck_assert_msg(strcmp(a, b) != 0 && !strstr(b, a), "\"%s\" and \"%s\" agree (%s, %s)",
                      pairs[_i].a, pairs[_i].b, a, b);
    free(a);
    free(b);
}
END_TEST

/* Texts built of white space, line breaks, words, Han and punctuation of every kind:
 * normalizing twice changes nothing. */
START_TEST(test_fixpoint_white_space)
{
    static const char *parts[] = {" ", "  ", "\t", "\n", "\r\n", "\r", "\xE3\x80\x80",
                                  "\xE2\x80\xA9", "\xE2\x80\xA8", "\xC2\x85", "\v", "\f",
                                  "a", "12", "發", "藉", "口", "乾", "隆", "，", "。", "-"};
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        gw_buf b = {0};
        int k = 1 + (int)(seed % 9);
        for (int i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            gw_buf_puts(&b, parts[(seed >> 8) % (sizeof parts / sizeof *parts)]);
        }
        size_t n1, n2;
        char *x = norm(b.data, b.len, &n1);
        char *y = norm(x, n1, &n2);
        ck_assert_msg(n1 == n2 && !memcmp(x, y, n1), "not a fixpoint: [%s] -> [%s] -> [%s]",
                      b.data, x, y);
        free(x);
        free(y);
        gw_buf_free(&b);
    }
}
END_TEST

/* Every key of OpenCC's phrase table converts to its value (the table's first candidate,
 * what `opencc -c t2s.json` writes), and normalizing a key's or a value's result again
 * changes nothing. */
START_TEST(test_phrase_every_key)
{
    for (size_t i = 0; i < GW_T2S_PHRASE_COUNT; i++) {
        const uint32_t *k = gw_t2s_phrase_cp + gw_t2s_phrase_ent[i][0];
        size_t len = gw_t2s_phrase_ent[i][1];
        gw_buf key = {0}, val = {0};
        for (size_t j = 0; j < len; j++) {
            gw_buf_put_utf8(&key, k[j]);
            gw_buf_put_utf8(&val, k[len + j]);
        }
        const gw_buf *in[2] = {&key, &val};
        for (int w = 0; w < 2; w++) {
            size_t n1, n2;
            char *x = norm(in[w]->data, in[w]->len, &n1);
            char *y = norm(x, n1, &n2);
            if (w == 0)
                ck_assert_msg(!strcmp(x, val.data), "phrase %s -> %s, want %s", key.data, x,
                              val.data);
            ck_assert_msg(!strcmp(x, y), "not a fixpoint: %s -> %s -> %s", in[w]->data, x, y);
            free(x);
            free(y);
        }
        gw_buf_free(&key);
        gw_buf_free(&val);
    }
}
END_TEST

/* The variant for showing a whole query keeps its white space (it is syntax there), and
 * still converts phrases. */
START_TEST(test_spaced)
{
    const char *q = "\"機關黨建\" 2022年  -藉口\n浙 江";
    size_t n;
    char *s = gw_norm_string_spaced(q, strlen(q), &n);
    ck_assert_str_eq(s, "\"机关党建\" 2022年  -借口\n浙 江");
    ck_assert_uint_eq(n, strlen(s));
    free(s);
}
END_TEST

/* ---- 3. spans ---------------------------------------------------------------------- */

static const struct {
    const char *in;
    size_t base;
    size_t n;
    size_t off[10], len[10];
} spans[] = {
    /* 0 */ {"發展２０２２", 0, 6, {0, 3, 6, 9, 12, 15}, {3, 3, 3, 3, 3, 3}},
    /* 1 */ {"發展２０２２", 100, 6, {100, 103, 106, 109, 112, 115}, {3, 3, 3, 3, 3, 3}},
    /* 2 */ {"㈱x", 0, 4, {0, 0, 0, 3}, {3, 3, 3, 1}},   /* "(株)x": 3 from one */
    /* 3 */ {"a\xE2\x80\x8B" "b", 0, 2, {0, 4}, {1, 1}}, /* ignorable: no output */
    /* 4 */ {"A\xFF" "ß", 0, 4, {0, 1, 2, 2}, {1, 1, 2, 2}},
    /* 5 */ {"\xF0\xA0\x80\x80" "x", 0, 2, {0, 4}, {4, 1}},
    /* 6 */ {"", 0, 0, {0}, {0}},
    /* 7: removed white space leaves no code point; kept ones keep their spans */
    /* 7 */ {"使用 Linux 系统", 0, 9, {0, 3, 7, 8, 9, 10, 11, 13, 16}, {3, 3, 1, 1, 1, 1, 1, 3, 3}},
    /* 8: a blank line: the first and the last line break */
    /* 8 */ {"量\r\n\n发", 0, 4, {0, 3, 5, 6}, {3, 1, 1, 3}},
    /* 9: between words: the first white space of the run */
    /* 9 */ {"a \tb", 0, 3, {0, 1, 3}, {1, 1, 1}},
    /* 10: a phrase keeps every span */
    /* 10 */ {"藉口", 0, 2, {0, 3}, {3, 3}},
};

START_TEST(test_spans)
{
    gw_norm_text t = {0};
    const char *in = spans[_i].in;
    gw_norm_run(in, strlen(in), spans[_i].base, &t);
    ck_assert_msg(t.n == spans[_i].n, "case %d: %zu code points, want %zu", _i, t.n,
                  spans[_i].n);
    for (size_t k = 0; k < t.n; k++) {
        ck_assert_msg(t.orig[k].off == spans[_i].off[k] && t.orig[k].len == spans[_i].len[k],
                      "case %d, char %zu: span (%zu,%zu), want (%zu,%zu)", _i, k,
                      t.orig[k].off, t.orig[k].len, spans[_i].off[k], spans[_i].len[k]);
    }
    gw_norm_text_free(&t);
}
END_TEST

/* Every normalized character's span holds the original character that gives it. */
START_TEST(test_spans_point_at_original)
{
    const char *s = "來源:旗幟網２０２３年09月18日 Ｇ２０峰會 ①高質量發展";
    size_t len = strlen(s);
    gw_norm_text t = {0};
    gw_norm_run(s, len, 0, &t);
    ck_assert_uint_gt(t.n, 10);
    for (size_t k = 0; k < t.n; k++) {
        ck_assert_uint_le(t.orig[k].off + t.orig[k].len, len);
        uint32_t cp, out[GW_NORM_MAX];
        size_t kk = gw_utf8_next(s + t.orig[k].off, t.orig[k].len, &cp);
        ck_assert_uint_eq(kk, t.orig[k].len);
        size_t m = gw_norm_char(cp, out, NULL);
        int found = 0;
        for (size_t j = 0; j < m; j++)
            found |= out[j] == t.cp[k];
        ck_assert_msg(found, "char %zu U+%04X does not come from U+%04X", k, t.cp[k], cp);
        if (k)
            ck_assert_uint_ge(t.orig[k].off, t.orig[k - 1].off);
    }
    gw_norm_text_free(&t);
}
END_TEST

/* ---- 4. which normalizations fired ------------------------------------------------- */

static const struct {
    const char *in;
    unsigned fired;
} fired_cases[] = {
    /* 0 */ {"发展 abc 2022", 0},
    /* 1 */ {"Ｇ", GW_NORM_WIDTH | GW_NORM_CASE},
    /* 2 */ {"A", GW_NORM_CASE},
    /* 3 */ {"ａ", GW_NORM_WIDTH},
    /* 4 */ {"發", GW_NORM_T2S},
    /* 5 */ {"２０２２年發展", GW_NORM_WIDTH | GW_NORM_T2S},
    /* 6 */ {"", 0},
    /* 7 */ {"藉口", GW_NORM_T2S},       /* by the phrase alone: 藉 is 藉 in the table */
    /* 8 */ {"浙 江", 0},                /* the white space rule is not a normalization */
};

START_TEST(test_fired)
{
    gw_norm_text t = {0};
    gw_norm_run(fired_cases[_i].in, strlen(fired_cases[_i].in), 0, &t);
    ck_assert_msg(t.fired == fired_cases[_i].fired, "case %d: fired %u, want %u", _i, t.fired,
                  fired_cases[_i].fired);
    gw_norm_text_free(&t);
}
END_TEST

/* ---- 5. the mapping as a whole ----------------------------------------------------- */

/* Normalizing normalized text changes nothing, for every code point; outputs are scalar
 * values and never more than GW_NORM_MAX. */
START_TEST(test_fixpoint_all_code_points)
{
    gw_norm_init(NULL);
    size_t bad = 0;
    for (uint32_t c = 0; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        uint32_t out[GW_NORM_MAX];
        size_t n = gw_norm_char(c, out, NULL);
        ck_assert_uint_le(n, GW_NORM_MAX);
        for (size_t i = 0; i < n; i++) {
            ck_assert(out[i] <= 0x10FFFF && !(out[i] >= 0xD800 && out[i] <= 0xDFFF));
            uint32_t again[GW_NORM_MAX];
            unsigned f = 0;
            size_t m = gw_norm_char(out[i], again, &f);
            if (m != 1 || again[0] != out[i] || f != 0) {
                if (bad < 5)
                    fprintf(stderr, "U+%04X -> U+%04X -> not itself\n", c, out[i]);
                bad++;
            }
        }
    }
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* The table path (BMP) and the per-call path agree on sample text. */
START_TEST(test_char_matches_run)
{
    const char *s = "發展ＡＢＣ①㍻ß\xF0\x9D\x90\x80\xF0\xA0\x80\x80";
    gw_norm_text t = {0};
    gw_norm_run(s, strlen(s), 0, &t);
    size_t k = 0;
    for (size_t i = 0; i < strlen(s);) {
        uint32_t cp, out[GW_NORM_MAX];
        size_t n = gw_utf8_next(s + i, strlen(s) - i, &cp);
        size_t m = gw_norm_char(cp, out, NULL);
        for (size_t j = 0; j < m; j++, k++) {
            ck_assert_uint_lt(k, t.n);
            ck_assert_uint_eq(out[j], t.cp[k]);
        }
        i += n;
    }
    ck_assert_uint_eq(k, t.n);
    gw_norm_text_free(&t);
}
END_TEST

/* ---- 6. classes -------------------------------------------------------------------- */

static const struct {
    uint32_t cp;
    int cls;
} classes[] = {
    /*  0 */ {0x53D1, GW_CLASS_HAN},   /* 发 */
    /*  1 */ {0x3007, GW_CLASS_HAN},   /* 〇 */
    /*  2 */ {0x3042, GW_CLASS_HAN},   /* あ */
    /*  3 */ {0x30AB, GW_CLASS_HAN},   /* カ */
    /*  4 */ {0xD55C, GW_CLASS_HAN},   /* 한 */
    /*  5 */ {0x20000, GW_CLASS_HAN},  /* ext. B */
    /*  6 */ {0x3400, GW_CLASS_HAN},   /* ext. A */
    /*  7 */ {0x30000, GW_CLASS_HAN},  /* ext. G */
    /*  8 */ {'a', GW_CLASS_WORD},
    /*  9 */ {'7', GW_CLASS_WORD},
    /* 10 */ {0xE9, GW_CLASS_WORD},    /* é */
    /* 11 */ {0x44F, GW_CLASS_WORD},   /* я */
    /* 12 */ {0x627, GW_CLASS_WORD},   /* ا */
    /* 13 */ {0x301, GW_CLASS_WORD},   /* combining acute */
    /* 14 */ {',', GW_CLASS_SEP},
    /* 15 */ {0x3002, GW_CLASS_SEP},   /* 。 */
    /* 16 */ {' ', GW_CLASS_SEP},
    /* 17 */ {'\n', GW_CLASS_SEP},
    /* 18 */ {0, GW_CLASS_SEP},
    /* 19 */ {0xFFFD, GW_CLASS_SEP},
    /* 20 */ {0x30FB, GW_CLASS_SEP},   /* ・ katakana middle dot */
    /* 21 */ {0x3014, GW_CLASS_SEP},   /* 〔 */
    /* 22 */ {0x1F600, GW_CLASS_SEP},  /* emoji */
    /* 23 */ {0x10FFFF, GW_CLASS_SEP},
};

START_TEST(test_classes)
{
    gw_norm_init(NULL);
    uint32_t cp = classes[_i].cp;
    int want = classes[_i].cls;
    ck_assert_msg(gw_norm_class(cp) == want, "case %d: U+%04X class %d, want %d", _i, cp,
                  gw_norm_class(cp), want);
    ck_assert_int_eq(gw_norm_is_han(cp), want == GW_CLASS_HAN);
    ck_assert_int_eq(gw_norm_is_word(cp), want == GW_CLASS_WORD);
}
END_TEST

/* ---- 7. hostile and big input ------------------------------------------------------ */

/* A 4 MB line: one code point per character, spans contiguous, text as expected. */
START_TEST(test_huge_line)
{
    gw_buf in = {0}, want = {0};
    for (int i = 0; i < 400000; i++) {
        gw_buf_puts(&in, "發展Ａ，");
        gw_buf_puts(&want, "发展a,");
    }
    gw_norm_text t = {0};
    gw_norm_run(in.data, in.len, 0, &t);
    ck_assert_uint_eq(t.n, 400000u * 4);
    size_t off = 0;
    for (size_t k = 0; k < t.n; k++) {
        ck_assert_uint_eq(t.orig[k].off, off);
        off += t.orig[k].len;
    }
    ck_assert_uint_eq(off, in.len);
    size_t n;
    char *s = gw_norm_to_utf8(&t, &n);
    ck_assert_uint_eq(n, want.len);
    ck_assert(memcmp(s, want.data, n) == 0);
    free(s);
    /* Reuse with a smaller text. */
    gw_norm_run("發", 3, 7, &t);
    ck_assert_uint_eq(t.n, 1);
    ck_assert_uint_eq(t.cp[0], 0x53D1);
    ck_assert_uint_eq(t.orig[0].off, 7);
    gw_norm_text_free(&t);
    gw_norm_text_free(&t); /* twice: still fine */
    gw_buf_free(&in);
    gw_buf_free(&want);
}
END_TEST

/* Random bytes: never a crash, output valid UTF-8, spans inside the input, increasing. */
START_TEST(test_random_bytes)
{
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    gw_norm_text t = {0};
    for (int round = 0; round < 300; round++) {
        size_t len = (size_t)(round * 37 % 2000);
        unsigned char *b = malloc(len + 1);
        for (size_t i = 0; i < len; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned v = (unsigned)(x >> 56);
            /* Bias towards UTF-8 lead and continuation bytes to reach deep paths. */
            b[i] = (unsigned char)(round % 3 == 0 ? v : (v & 1 ? 0x80 | (v & 0x3F) : 0xE0 | (v & 0x1F)));
        }
        gw_norm_run((const char *)b, len, 5, &t);
        size_t last = 5;
        for (size_t k = 0; k < t.n; k++) {
            ck_assert_uint_ge(t.orig[k].off, last);
            ck_assert_uint_le(t.orig[k].off + t.orig[k].len, len + 5);
            ck_assert_uint_ge(t.orig[k].len, 1);
            last = t.orig[k].off;
        }
        size_t n;
        char *s = gw_norm_to_utf8(&t, &n);
        ck_assert(gw_utf8_valid(s, n));
        free(s);
        free(b);
    }
    gw_norm_text_free(&t);
}
END_TEST

/* Tables are built once, whoever comes first: several threads at once agree. */
static void *thread_norm(void *arg)
{
    size_t n;
    char *s = gw_norm_string("２０２２年發展Ｇ２０", strlen("２０２２年發展Ｇ２０"), &n);
    *(int *)arg = strcmp(s, "2022年发展g20") == 0;
    free(s);
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t th[8];
    int ok[8] = {0};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_norm, &ok[i]), 0);
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(ok[i], 1);
    }
    gw_err err;
    ck_assert_int_eq(gw_norm_init(&err), GW_OK);
    ck_assert_int_eq(gw_norm_init(NULL), GW_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("norm");
    TCase *tc = tcase_create("norm");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_forms, 0, sizeof forms / sizeof *forms);
    tcase_add_test(tc, test_query_variants);
    tcase_add_loop_test(tc, test_pairs, 0, sizeof pairs / sizeof *pairs);
    tcase_add_test(tc, test_fixpoint_white_space);
    tcase_add_test(tc, test_phrase_every_key);
    tcase_add_test(tc, test_spaced);
    tcase_add_loop_test(tc, test_spans, 0, sizeof spans / sizeof *spans);
    tcase_add_test(tc, test_spans_point_at_original);
    tcase_add_loop_test(tc, test_fired, 0, sizeof fired_cases / sizeof *fired_cases);
    tcase_add_test(tc, test_fixpoint_all_code_points);
    tcase_add_test(tc, test_char_matches_run);
    tcase_add_loop_test(tc, test_classes, 0, sizeof classes / sizeof *classes);
    tcase_add_test(tc, test_huge_line);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gw_test_run(suite());
}
