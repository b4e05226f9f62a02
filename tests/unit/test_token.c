/* Unit tests of gw_token: the contract of gw_token.h — bigrams with positions, unigrams,
 * EDGE unigrams where Han touches a word, words, one position per separator run — with
 * kinds, positions and ORIGINAL byte spans. Expected tables are written from the
 * contract. */
#include "gw_buf.h"
#include "gw_norm.h"
#include "gw_token.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B GW_TOK_BIGRAM
#define U GW_TOK_UNIGRAM
#define E GW_TOK_EDGE
#define W GW_TOK_WORD
#define P GW_TOK_SEP

typedef struct tok {
    int kind;
    const char *term;
    uint32_t pos;
    size_t off, len;
} tok;

#define MAXTOK 64

typedef struct got {
    tok t[MAXTOK];
    char terms[MAXTOK][80];
    size_t n;
    size_t calls;
    size_t stop_after; /* 0: never */
} got;

static int collect(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                   gw_span orig)
{
    got *g = ctx;
    g->calls++;
    ck_assert_uint_le(len, GW_TOKEN_MAX_WORD);
    ck_assert_uint_gt(len, 0);
    if (g->n < MAXTOK) {
        memcpy(g->terms[g->n], term, len);
        g->terms[g->n][len] = '\0';
        g->t[g->n] = (tok){(int)kind, g->terms[g->n], pos, orig.off, orig.len};
        g->n++;
    }
    if (g->stop_after && g->calls == g->stop_after)
        return 7;
    return 0;
}

static uint32_t run(const char *s, size_t len, uint32_t first, got *g)
{
    gw_norm_text t = {0};
    gw_norm_run(s, len, 0, &t);
    memset(g, 0, sizeof *g);
    uint32_t next = 0;
    ck_assert_int_eq(gw_token_run(&t, first, collect, g, &next), 0);
    gw_norm_text_free(&t);
    return next;
}

static void expect(const char *in, const got *g, const tok *want, size_t n)
{
    for (size_t i = 0; i < n && i < g->n; i++) {
        const tok *a = &g->t[i], *w = &want[i];
        ck_assert_msg(a->kind == w->kind && strcmp(a->term, w->term) == 0 && a->pos == w->pos &&
                          a->off == w->off && a->len == w->len,
                      "\"%s\" token %zu: kind %d \"%s\" @%u (%zu,%zu), want kind %d \"%s\" "
                      "@%u (%zu,%zu)",
                      in, i, a->kind, a->term, a->pos, a->off, a->len, w->kind, w->term,
                      w->pos, w->off, w->len);
    }
    ck_assert_msg(g->n == n, "\"%s\": %zu tokens, want %zu", in, g->n, n);
}

/* ---- 1. numbered cases ------------------------------------------------------------- */

static const struct {
    const char *in;
    uint32_t first, next;
    size_t n;
    tok t[24];
} cases[] = {
    /* 0: the mixed-script example. Bytes: 2022 [0,4) 年 [4,7) G20 [7,10) 峰 [10,13)
     * 会 [13,16) , [16,17) 質 [17,20) 量 [20,23) 發 [23,26) 展 [26,29). */
    {"2022年G20峰会,質量發展", 1, 11, 16, {
        {W, "2022", 1, 0, 4},
        {U, "年", 2, 4, 3}, {E, "年", 2, 4, 3},
        {W, "g20", 3, 7, 3},
        {U, "峰", 4, 10, 3}, {E, "峰", 4, 10, 3}, {B, "峰会", 4, 10, 6},
        {U, "会", 5, 13, 3},
        /* "," is position 6: a separator term */
        {P, "P,", 6, 16, 1},
        {U, "质", 7, 17, 3}, {B, "质量", 7, 17, 6},
        {U, "量", 8, 20, 3}, {B, "量发", 8, 20, 6},
        {U, "发", 9, 23, 3}, {B, "发展", 9, 23, 6},
        {U, "展", 10, 26, 3}}},
    /* 1: a phrase across punctuation: no 量发, and 发展 is 3 positions after 质量 */
    {"質量,發展", 1, 6, 7, {
        {U, "质", 1, 0, 3}, {B, "质量", 1, 0, 6}, {U, "量", 2, 3, 3},
        {P, "P,", 3, 6, 1},
        {U, "发", 4, 7, 3}, {B, "发展", 4, 7, 6}, {U, "展", 5, 10, 3}}},
    /* 2: a blank line, and a run of several separators, are one position each (white
     * space next to punctuation goes: the run's term is ",;") */
    {"质量\n\n发展 , ;展", 1, 8, 9, {
        {U, "质", 1, 0, 3}, {B, "质量", 1, 0, 6}, {U, "量", 2, 3, 3},
        {P, "P\n\n", 3, 6, 2},
        {U, "发", 4, 8, 3}, {B, "发展", 4, 8, 6}, {U, "展", 5, 11, 3},
        {P, "P,;", 6, 15, 3},
        {U, "展", 7, 18, 3}}},
    /* 3: 5G网络 */
    {"5G网络", 1, 4, 5, {
        {W, "5g", 1, 0, 2},
        {U, "网", 2, 2, 3}, {E, "网", 2, 2, 3}, {B, "网络", 2, 2, 6},
        {U, "络", 3, 5, 3}}},
    /* 4: a Han character between two words: one EDGE */
    {"a年b", 1, 4, 4, {
        {W, "a", 1, 0, 1}, {U, "年", 2, 1, 3}, {E, "年", 2, 1, 3}, {W, "b", 3, 4, 1}}},
    /* 5: a lone Han character, no word neighbour: just the unigram */
    {"、的、", 1, 4, 3, {{P, "P、", 1, 0, 3}, {U, "的", 2, 3, 3}, {P, "P、", 3, 6, 3}}},
    /* 6: Han touching a word on its left */
    {"会议G20", 1, 4, 5, {
        {U, "会", 1, 0, 3}, {B, "会议", 1, 0, 6},
        {U, "议", 2, 3, 3}, {E, "议", 2, 3, 3},
        {W, "g20", 3, 6, 3}}},
    /* 7: full width folds; spans are those of the full-width originals */
    {"２０２２年", 1, 3, 3, {
        {W, "2022", 1, 0, 12}, {U, "年", 2, 12, 3}, {E, "年", 2, 12, 3}}},
    /* 8: positions start where asked */
    {"发展", 100, 102, 3, {
        {U, "发", 100, 0, 3}, {B, "发展", 100, 0, 6}, {U, "展", 101, 3, 3}}},
    /* 9: empty */
    {"", 1, 1, 0, {{0}}},
    /* 10: only separators: one position, one term (white space next to them goes) */
    {" ,。\n", 1, 2, 1, {{P, "P,。", 1, 1, 4}}},
    /* 11: invalid byte between Han: U+FFFD separates */
    {"发\xFF展", 1, 4, 3, {{U, "发", 1, 0, 3}, {P, "P\xEF\xBF\xBD", 2, 3, 1}, {U, "展", 3, 4, 3}}},
    /* 12: a zero-width space inside a word normalizes away: still one bigram */
    {"发\xE2\x80\x8B展", 1, 3, 3, {
        {U, "发", 1, 0, 3}, {B, "发展", 1, 0, 9}, {U, "展", 2, 6, 3}}},
    /* 13: supplementary-plane Han (ext. B), 4 bytes each */
    {"\xF0\xA0\x80\x80\xF0\xA0\x80\x81", 1, 3, 3, {
        {U, "\xF0\xA0\x80\x80", 1, 0, 4},
        {B, "\xF0\xA0\x80\x80\xF0\xA0\x80\x81", 1, 0, 8},
        {U, "\xF0\xA0\x80\x81", 2, 4, 4}}},
    /* 14: hangul and kana are Han-like: bigrams */
    {"한국テスト", 1, 6, 9, {
        {U, "한", 1, 0, 3}, {B, "한국", 1, 0, 6},
        {U, "국", 2, 3, 3}, {B, "국テ", 2, 3, 6},
        {U, "テ", 3, 6, 3}, {B, "テス", 3, 6, 6},
        {U, "ス", 4, 9, 3}, {B, "スト", 4, 9, 6},
        {U, "ト", 5, 12, 3}}},
    /* 15: ㍻ gives two Han code points from one original: both span it */
    {"㍻", 1, 3, 3, {
        {U, "平", 1, 0, 3}, {B, "平成", 1, 0, 3}, {U, "成", 2, 0, 3}}},
    /* 16: combining mark stays inside the word */
    {"cafe\xCC\x81 x", 1, 4, 3, {
        {W, "cafe\xCC\x81", 1, 0, 6}, {P, "P ", 2, 6, 1}, {W, "x", 3, 7, 1}}},
    /* 17: NUL is a separator; the separator term stops before it */
    {"ab\0cd", 1, 4, 3, {{W, "ab", 1, 0, 2}, {P, "P", 2, 2, 1}, {W, "cd", 3, 3, 2}}},
    /* 18: Traditional and Simplified give the same terms */
    {"機關黨建", 1, 5, 7, {
        {U, "机", 1, 0, 3}, {B, "机关", 1, 0, 6},
        {U, "关", 2, 3, 3}, {B, "关党", 2, 3, 6},
        {U, "党", 3, 6, 3}, {B, "党建", 3, 6, 6},
        {U, "建", 4, 9, 3}}},
    /* 19: white space between a word and Han does not separate: the EDGE rule applies,
     * and spans stay those of the original characters */
    {"使用 Linux 系统", 1, 6, 9, {
        {U, "使", 1, 0, 3}, {B, "使用", 1, 0, 6},
        {U, "用", 2, 3, 3}, {E, "用", 2, 3, 3},
        {W, "linux", 3, 7, 5},
        {U, "系", 4, 13, 3}, {E, "系", 4, 13, 3}, {B, "系统", 4, 13, 6},
        {U, "统", 5, 16, 3}}},
    /* 20: one line break with indentation between Han: one bigram across it */
    {"系\n   统", 1, 3, 3, {
        {U, "系", 1, 0, 3}, {B, "系统", 1, 0, 10}, {U, "统", 2, 7, 3}}},
    /* 21: two words keep a separator between them */
    {"open source", 1, 4, 3, {
        {W, "open", 1, 0, 4}, {P, "P ", 2, 4, 1}, {W, "source", 3, 5, 6}}},
    /* 22: a blank line is a separator run of its own term */
    {"量\r\n\r\n发", 1, 4, 3, {
        {U, "量", 1, 0, 3}, {P, "P\n\n", 2, 3, 3}, {U, "发", 3, 7, 3}}},
    /* 23: OpenCC's phrase: 藉口 is 借口 */
    {"藉口", 1, 3, 3, {
        {U, "借", 1, 0, 3}, {B, "借口", 1, 0, 6}, {U, "口", 2, 3, 3}}},
};

START_TEST(test_cases)
{
    const char *in = cases[_i].in;
    size_t len = _i == 17 ? 5 : strlen(in);
    got g;
    uint32_t next = run(in, len, cases[_i].first, &g);
    expect(in, &g, cases[_i].t, cases[_i].n);
    ck_assert_msg(next == cases[_i].next, "case %d: next_pos %u, want %u", _i, next,
                  cases[_i].next);
}
END_TEST

/* ---- 2. words are cut on a code point boundary ------------------------------------- */

START_TEST(test_long_words)
{
    gw_buf b = {0};
    for (int i = 0; i < 100; i++)
        gw_buf_putc(&b, 'a');
    gw_buf_puts(&b, " x");
    got g;
    uint32_t next = run(b.data, b.len, 1, &g);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_uint_eq(strlen(g.t[0].term), GW_TOKEN_MAX_WORD);
    ck_assert_uint_eq(g.t[0].off, 0);
    ck_assert_uint_eq(g.t[0].len, 100); /* the span covers the whole run */
    ck_assert_str_eq(g.t[1].term, "P ");
    ck_assert_str_eq(g.t[2].term, "x");
    ck_assert_uint_eq(g.t[2].pos, 3);
    ck_assert_uint_eq(next, 4);
    gw_buf_free(&b);

    /* A long separator run: its term is cut on a code point boundary, its span whole. */
    gw_buf_puts(&b, "x");
    for (int i = 0; i < 30; i++)
        gw_buf_puts(&b, "。");
    gw_buf_puts(&b, "y");
    run(b.data, b.len, 1, &g);
    ck_assert_uint_eq(g.n, 3);
    ck_assert_int_eq(g.t[1].kind, GW_TOK_SEP);
    ck_assert_uint_eq(strlen(g.t[1].term), 1 + 15); /* "P" + 5 x 3 bytes <= 1 + 16 */
    ck_assert(gw_utf8_valid(g.t[1].term, 16));
    ck_assert_uint_eq(g.t[1].off, 1);
    ck_assert_uint_eq(g.t[1].len, 90);
    gw_buf_free(&b);

    /* "a" + 40 x "я" (2 bytes): 1 + 2k <= 64 -> 31 of them, 63 bytes. */
    gw_buf_putc(&b, 'a');
    for (int i = 0; i < 40; i++)
        gw_buf_puts(&b, "я");
    run(b.data, b.len, 1, &g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_uint_eq(strlen(g.t[0].term), 63);
    ck_assert(gw_utf8_valid(g.t[0].term, 63));
    ck_assert_uint_eq(g.t[0].len, 81);
    gw_buf_free(&b);

    /* A huge line of one word: one token, no overflow. */
    for (int i = 0; i < 1000000; i++)
        gw_buf_puts(&b, "Ｚ");
    run(b.data, b.len, 1, &g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_uint_eq(strlen(g.t[0].term), 64);
    ck_assert_uint_eq(g.t[0].len, 3000000);
    gw_buf_free(&b);
}
END_TEST

/* ---- 3. the callback's return value stops the run ---------------------------------- */

START_TEST(test_stop)
{
    gw_norm_text t = {0};
    const char *s = "高质量发展 2022";
    gw_norm_run(s, strlen(s), 0, &t);
    got g;
    memset(&g, 0, sizeof g);
    g.stop_after = 3;
    uint32_t next = 0;
    ck_assert_int_eq(gw_token_run(&t, 1, collect, &g, &next), 7);
    ck_assert_uint_eq(g.calls, 3);
    /* NULL next_pos is allowed */
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(gw_token_run(&t, 1, collect, &g, NULL), 0);
    ck_assert_uint_eq(g.n, 11);
    gw_norm_text_free(&t);
}
END_TEST

/* ---- 4. a query's tokens agree with the document's --------------------------------- */

/* For every substring of a document that starts and ends on Han/word boundaries, the
 * query's positioned terms (bigrams, edges, words, separator runs inside it) occur in
 * the document at the same relative positions: exactness by construction. */
typedef struct ptok {
    char term[80];
    uint32_t pos;
} ptok;
typedef struct plist {
    ptok t[512];
    size_t n;
} plist;

static int collect_pos(void *ctx, gw_tok_kind kind, const char *term, size_t len,
                       uint32_t pos, gw_span orig)
{
    (void)orig;
    plist *p = ctx;
    if (kind == GW_TOK_UNIGRAM || p->n >= 512)
        return 0;
    memcpy(p->t[p->n].term, term, len);
    p->t[p->n].term[len] = '\0';
    p->t[p->n].pos = pos;
    p->n++;
    return 0;
}

static int has(const plist *p, const char *term, uint32_t pos)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->t[i].pos == pos && strcmp(p->t[i].term, term) == 0)
            return 1;
    return 0;
}

START_TEST(test_query_agrees)
{
    const char *doc = "2022年G20峰会在杭州举行，5G网络覆盖高质量发展。";
    gw_norm_text t = {0};
    gw_norm_run(doc, strlen(doc), 0, &t);
    plist d = {0};
    gw_token_run(&t, 1, collect_pos, &d, NULL);
    gw_norm_text_free(&t);
    /* Every (start, end) code point range without a separator inside. */
    size_t offs[64], n = 0;
    for (size_t i = 0; i < strlen(doc);) {
        uint32_t cp;
        offs[n++] = i;
        i += gw_utf8_next(doc + i, strlen(doc) - i, &cp);
    }
    offs[n] = strlen(doc);
    size_t checked = 0;
    for (size_t a = 0; a < n; a++) {
        for (size_t b = a + 2; b <= n; b++) {
            gw_norm_text q = {0};
            gw_norm_run(doc + offs[a], offs[b] - offs[a], 0, &q);
            /* Separators inside are fine (their runs are whole, so their terms agree);
             * at an edge the run may continue in the document. */
            int clean = q.n > 0 && gw_norm_class(q.cp[0]) != GW_CLASS_SEP &&
                        gw_norm_class(q.cp[q.n - 1]) != GW_CLASS_SEP;
            /* A query cutting a word in half is not a whole-word match: skip those. */
            if (a > 0 && gw_norm_class(q.cp[0]) == GW_CLASS_WORD) {
                uint32_t prev;
                gw_utf8_next(doc + offs[a - 1], offs[a] - offs[a - 1], &prev);
                clean &= !gw_norm_is_word(prev);
            }
            if (b < n && gw_norm_class(q.cp[q.n - 1]) == GW_CLASS_WORD) {
                uint32_t nx;
                gw_utf8_next(doc + offs[b], offs[b + 1] - offs[b], &nx);
                clean &= !gw_norm_is_word(nx);
            }
            if (clean) {
                plist qp = {0};
                gw_token_run(&q, 0, collect_pos, &qp, NULL);
                /* Find the document position the query's first positioned term aligns
                 * to: try them all. */
                int found = qp.n == 0;
                for (uint32_t base = 1; base < 64 && !found; base++) {
                    int all = 1;
                    for (size_t k = 0; k < qp.n && all; k++)
                        all = has(&d, qp.t[k].term, base + qp.t[k].pos);
                    found = all;
                }
                ck_assert_msg(found, "query \"%.*s\" does not match its own document",
                              (int)(offs[b] - offs[a]), doc + offs[a]);
                checked++;
            }
            gw_norm_text_free(&q);
        }
    }
    ck_assert_uint_gt(checked, 50);
}
END_TEST

/* ---- 5. hostile input -------------------------------------------------------------- */

typedef struct checker {
    size_t len;
    uint32_t last_pos;
    size_t count;
} checker;

static int check_tok(void *ctx, gw_tok_kind kind, const char *term, size_t len, uint32_t pos,
                     gw_span orig)
{
    checker *c = ctx;
    ck_assert(kind <= GW_TOK_SEP);
    ck_assert_uint_ge(len, 1);
    ck_assert_uint_le(len, GW_TOKEN_MAX_WORD);
    ck_assert(gw_utf8_valid(term, len));
    ck_assert_uint_ge(pos, c->last_pos);
    ck_assert_uint_le(orig.off + orig.len, c->len);
    c->last_pos = pos;
    c->count++;
    return 0;
}

START_TEST(test_random)
{
    unsigned long long x = 0x2545F4914F6CDD1DULL;
    static const char *pieces[] = {"发", "展", "a", "Z", "9", "，", " ", "\n", "\xFF", "\xE5",
                                   "\x80", "Ｇ", "①", "㍻", "\xF0\xA0\x80\x80", "\0", "é",
                                   "\xCC\x81", "ß", "\xEF\xBF\xBD"};
    gw_norm_text t = {0};
    for (int round = 0; round < 500; round++) {
        gw_buf b = {0};
        int n = round % 97;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *p = pieces[x % (sizeof pieces / sizeof *pieces)];
            if (!*p)
                gw_buf_putc(&b, '\0');
            else
                gw_buf_puts(&b, p);
        }
        gw_norm_run(b.data ? b.data : "", b.len, 0, &t);
        checker c = {b.len, 1, 0};
        uint32_t next = 0;
        ck_assert_int_eq(gw_token_run(&t, 1, check_tok, &c, &next), 0);
        ck_assert_uint_ge(next, c.last_pos);
        ck_assert_uint_le(next, 1 + t.n);
        gw_buf_free(&b);
    }
    gw_norm_text_free(&t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("token");
    TCase *tc = tcase_create("token");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_cases, 0, sizeof cases / sizeof *cases);
    tcase_add_test(tc, test_long_words);
    tcase_add_test(tc, test_stop);
    tcase_add_test(tc, test_query_agrees);
    tcase_add_test(tc, test_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gw_norm_init(NULL);
    return gw_test_run(suite());
}
