/* Unit tests of gw_mark: the one renderer of highlight marks, as HTML (inline and one <p>
 * per line) and as plain text between markers, with hostile input: invalid UTF-8, NUL,
 * marks at the very start and end, adjacent, overlapping, unsorted, empty and past the
 * end, empty text. */
#include "gw_buf.h"
#include "gw_escape.h"
#include "gw_mark.h"

#include "test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

enum { HTML, LINES, TEXT };

#define FFFD "\xEF\xBF\xBD"

static const struct {
    int how;
    const char *in;
    size_t len; /* 0 = strlen */
    gw_mark marks[3];
    size_t n;
    const char *out;
} cases[] = {
    /* 0 */ {HTML, "", 0, {{0, 0}}, 0, ""},
    /* 1 */ {HTML, "", 0, {{0, 1}}, 1, ""},
    /* 2 */ {HTML, "发展", 0, {{0, 2}}, 1, "<mark>发展</mark>"},
    /* 3 */ {HTML, "a发展b", 0, {{1, 3}}, 1, "a<mark>发展</mark>b"},
    /* 4 */ {HTML, "abc", 0, {{0, 1}}, 1, "<mark>a</mark>bc"},
    /* 5 */ {HTML, "abc", 0, {{2, 3}}, 1, "ab<mark>c</mark>"},
    /* 6 */ {HTML, "abc", 0, {{0, 1}, {1, 2}}, 2, "<mark>a</mark><mark>b</mark>c"},
    /* 7 */ {HTML, "abcd", 0, {{0, 2}, {1, 3}}, 2, "<mark>ab</mark><mark>c</mark>d"},
    /* 8 */ {HTML, "abc", 0, {{2, 3}, {0, 1}}, 2, "ab<mark>c</mark>"},
    /* 9 */ {HTML, "abc", 0, {{1, 1}}, 1, "abc"},
    /* 10 */ {HTML, "abc", 0, {{1, 10}}, 1, "a<mark>bc</mark>"},
    /* 11 */ {HTML, "abc", 0, {{2, 1}, {0, 1}}, 2, "<mark>a</mark>bc"},
    /* 12 */ {HTML, "<a>&'\"", 0, {{1, 2}}, 1, "&lt;<mark>a</mark>&gt;&amp;&#39;&quot;"},
    /* 13 */ {HTML, "\xff发\xfe", 0, {{1, 2}}, 1, FFFD "<mark>发</mark>" FFFD},
    /* 14 */ {HTML, "\xe5\x8f" "a", 0, {{2, 3}}, 1, FFFD FFFD "<mark>a</mark>"},
    /* 15 */ {HTML, "a\0b", 3, {{2, 3}}, 1, "a<mark>b</mark>"},
    /* 16 */ {HTML, "\0", 1, {{0, 1}}, 1, "<mark></mark>"},
    /* 17 */ {HTML, "𠀀发", 0, {{1, 2}}, 1, "𠀀<mark>发</mark>"},
    /* 18 */ {HTML, "a\nb", 0, {{0, 3}}, 1, "<mark>a\nb</mark>"},
    /* 19 */ {HTML, "<mark>", 0, {{0, 6}}, 1, "<mark>&lt;mark&gt;</mark>"},
    /* 20 */ {LINES, "", 0, {{0, 1}}, 1, ""},
    /* 21 */ {LINES, "a\nb", 0, {{0, 1}, {2, 3}}, 2,
              "<p><mark>a</mark></p>\n<p><mark>b</mark></p>\n"},
    /* 22 */ {LINES, "ab\ncd", 0, {{1, 4}}, 1,
              "<p>a<mark>b</mark></p>\n<p><mark>c</mark>d</p>\n"},
    /* 23 */ {LINES, "\n\na\n", 0, {{0, 0}}, 0, "<p>a</p>\n"},
    /* 24 */ {LINES, "a\nb", 0, {{1, 2}}, 1, "<p>a</p>\n<p>b</p>\n"},
    /* 25 */ {LINES, "a\r\nb\tc", 0, {{0, 0}}, 0, "<p>a\r</p>\n<p>b\tc</p>\n"},
    /* 26 */ {LINES, "<\n>", 0, {{2, 3}}, 1, "<p>&lt;</p>\n<p><mark>&gt;</mark></p>\n"},
    /* 27 */ {LINES, "\n", 0, {{0, 1}}, 1, ""},
    /* 28 */ {LINES, "a\n\nb", 0, {{0, 4}}, 1,
              "<p><mark>a</mark></p>\n<p><mark>b</mark></p>\n"},
    /* 29 */ {LINES, "\xff\n\xfe", 0, {{2, 3}}, 1, "<p>" FFFD "</p>\n<p><mark>" FFFD "</mark></p>\n"},
    /* 30 */ {TEXT, "", 0, {{0, 1}}, 1, ""},
    /* 31 */ {TEXT, "a发展b", 0, {{1, 3}}, 1, "a【发展】b"},
    /* 32 */ {TEXT, "abc", 0, {{0, 1}, {1, 2}}, 2, "【a】【b】c"},
    /* 33 */ {TEXT, "abc", 0, {{2, 3}}, 1, "ab【c】"},
    /* 34 */ {TEXT, "<b>", 0, {{0, 3}}, 1, "【<b>】"},
    /* 35 */ {TEXT, "\xff" "a", 0, {{1, 2}}, 1, "\xff【a】"},
    /* 36 */ {TEXT, "a\nb", 0, {{0, 3}}, 1, "【a\nb】"},
    /* 37 */ {TEXT, "a\0b", 3, {{1, 2}}, 1, "a【\0】b"},
};

START_TEST(test_table)
{
    const char *in = cases[_i].in;
    size_t n = cases[_i].len ? cases[_i].len : strlen(in);
    gw_buf b = {0};
    if (cases[_i].how == TEXT)
        gw_mark_text(&b, in, n, cases[_i].marks, cases[_i].n, GW_MARK_TEXT_OPEN,
                     GW_MARK_TEXT_CLOSE);
    else
        gw_mark_html(&b, in, n, cases[_i].marks, cases[_i].n,
                     cases[_i].how == LINES ? GW_MARK_LINES : GW_MARK_INLINE);
    size_t want = strlen(cases[_i].out);
    if (_i == 37)
        want = strlen("a【") + 1 + strlen("】b"); /* the NUL is copied */
    ck_assert_msg(b.len == want && memcmp(b.data ? b.data : "", cases[_i].out, want) == 0,
                  "case %d: got '%s'", _i, b.data ? b.data : "");
    gw_buf_free(&b);
}
END_TEST

START_TEST(test_null_text)
{
    gw_buf b = {0};
    gw_mark m = {0, 1};
    gw_mark_html(&b, NULL, 0, &m, 1, GW_MARK_INLINE);
    gw_mark_html(&b, NULL, 0, &m, 1, GW_MARK_LINES);
    gw_mark_text(&b, NULL, 0, NULL, 0, "[", "]");
    ck_assert_uint_eq(b.len, 0);
    gw_buf_free(&b);
}
END_TEST

/* Removes every occurrence of the two markers. */
static void strip(gw_buf *b, const char *open, const char *close)
{
    const char *tags[2] = {open, close};
    for (int t = 0; t < 2; t++) {
        size_t tl = strlen(tags[t]), w = 0;
        for (size_t r = 0; r < b->len;) {
            if (r + tl <= b->len && memcmp(b->data + r, tags[t], tl) == 0) {
                r += tl;
                continue;
            }
            b->data[w++] = b->data[r++];
        }
        b->len = w;
        if (b->data)
            b->data[w] = 0;
    }
}

/* Random texts (hostile bytes included) and sorted, apart marks: the HTML without its
 * <mark> tags is the escaped text, the plain form without its markers is the text, both
 * have as many opening as closing markers, and the HTML is valid UTF-8 with no markup of
 * its own but the marks. */
START_TEST(test_random)
{
    static const char *const pieces[] = {"发展", "a", "<", "&", "\"", "'", "\xff", "\xe5\x8f",
                                         "𠀀", "\n", "\t", "\x01", " ", "】"};
    unsigned seed = 7;
    for (int round = 0; round < 2000; round++) {
        gw_buf t = {0};
        int np = rand_r(&seed) % 30;
        for (int i = 0; i < np; i++)
            gw_buf_puts(&t, pieces[rand_r(&seed) % 14]);
        gw_mark mk[8];
        size_t nm = 0;
        unsigned at = 0;
        while (nm < 8 && rand_r(&seed) % 4) {
            at += rand_r(&seed) % 4;
            mk[nm].start = at;
            at += 1 + rand_r(&seed) % 5;
            mk[nm].end = at;
            nm++;
        }
        gw_buf h = {0}, esc = {0}, p = {0};
        gw_mark_html(&h, t.data, t.len, mk, nm, GW_MARK_INLINE);
        ck_assert(gw_utf8_valid(h.data ? h.data : "", h.len));
        gw_buf_putc(&h, 0);
        h.len--;
        size_t opens = 0, closes = 0;
        for (const char *s = h.data; (s = strstr(s, "<mark>")); s++) opens++;
        for (const char *s = h.data; (s = strstr(s, "</mark>")); s++) closes++;
        ck_assert_uint_eq(opens, closes);
        ck_assert_uint_le(opens, nm);
        strip(&h, "<mark>", "</mark>");
        ck_assert(memchr(h.data, '<', h.len) == NULL);
        gw_escape_html(&esc, t.data ? t.data : "", t.len);
        ck_assert(h.len == esc.len && memcmp(h.data, esc.data, h.len) == 0);
        gw_mark_text(&p, t.data, t.len, mk, nm, "[[", "]]");
        strip(&p, "[[", "]]");
        ck_assert(p.len == t.len && (t.len == 0 || memcmp(p.data, t.data, t.len) == 0));
        gw_buf_free(&h);
        gw_buf_free(&esc);
        gw_buf_free(&p);
        gw_buf_free(&t);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mark");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_null_text);
    tcase_add_test(tc, test_random);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
