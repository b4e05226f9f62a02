/* Unit tests of gw_snippet: highlights on the original text (Traditional, full-width,
 * cleaned pinyin annotations), merging, HTML escaping, the character budget, sentence
 * boundaries, fragments, marks as character offsets, UTF-8 never cut. */
#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_mark.h"
#include "gw_query.h"
#include "gw_snippet.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The spans of the matches of query q (body patterns) in text; caller frees *spans. */
static size_t find_spans(const char *q, const char *text, gw_span **spans)
{
    gw_query *p = gw_query_parse(q, strlen(q), 0, NULL);
    ck_assert_ptr_nonnull(p);
    const uint32_t *const *pats;
    const size_t *lens;
    size_t np = gw_query_patterns(p, &pats, &lens, NULL);
    gw_norm_text nt = {0};
    gw_norm_run(text, strlen(text), 0, &nt);
    size_t ns = gw_snippet_find(&nt, pats, lens, np, 0, spans);
    gw_norm_text_free(&nt);
    gw_query_free(p);
    return ns;
}

/* Snippet of text for query q (body patterns), budget chars. */
static void snip(const char *q, const char *text, unsigned chars, gw_snippet *out)
{
    gw_span *spans;
    size_t ns = find_spans(q, text, &spans);
    gw_snippet_make(text, strlen(text), spans, ns, chars, out);
    free(spans);
}

static size_t nchars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if ((*s & 0xC0) != 0x80) n++;
    return n;
}

/* The marked substring (characters [start, end) of text) as UTF-8. */
static char *marked(const char *text, gw_mark m)
{
    size_t ci = 0;
    const char *s = text, *a = NULL, *b = NULL;
    for (;; s++) {
        if (!*s || (*s & 0xC0) != 0x80) {
            if (ci == m.start) a = s;
            if (ci == m.end) {
                b = s;
                break;
            }
            if (!*s) break;
            ci++;
        }
    }
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    return strndup(a, (size_t)(b - a));
}

/* A match across white space that does not separate (gw_norm.h) is marked whole, the
 * white space shown as written; a Traditional phrase is marked on the original. */
START_TEST(across_white_space_highlighted)
{
    static const struct {
        const char *q, *text, *mark;
    } c[] = {
        {"\"Linux系统\"", "本机使用 Linux 系统。", "Linux 系统"},
        {"\"党史学习\"", "召 开 党 史 学 习 教 育 推 进 会", "党 史 学 习"},
        /* (a snippet shows a line break inside a fragment as a space) */
        {"\"文件系统\"", "先挂载文件系\n       统，再运行。", "文件系        统"},
        {"借口", "不能以此為藉口。", "藉口"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        gw_snippet s;
        snip(c[i].q, c[i].text, 120, &s);
        ck_assert_msg(s.n_marks == 1, "%s: %zu marks in %s", c[i].q, s.n_marks, s.text);
        char *m = marked(s.text, s.marks[0]);
        ck_assert_msg(!strcmp(m, c[i].mark), "%s: marked [%s] in [%s], want [%s]", c[i].q, m,
                      s.text, c[i].mark);
        free(m);
        gw_snippet_free(&s);
    }
}
END_TEST

START_TEST(traditional_highlighted)
{
    gw_snippet s;
    snip("发展", "堅定不移推動機關黨建高質量發展。", 120, &s);
    ck_assert_msg(strstr(s.html, "<mark>發展</mark>") != NULL, "%s", s.html);
    ck_assert_uint_eq(s.n_marks, 1);
    char *m = marked(s.text, s.marks[0]);
    ck_assert_str_eq(m, "發展");
    free(m);
    gw_snippet_free(&s);
}
END_TEST

START_TEST(pinyin_cleaned_then_highlighted)
{
    /* the stored text is the cleaned one: the pipeline removes 發(fā)展's annotation */
    const char *raw = "推動機關黨建高質量發(fā)展，努力建設模范機關。\n";
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(raw, strlen(raw), "a.txt", NULL, &d, NULL), GW_OK);
    gw_snippet s;
    snip("高质量发展", d.text, 120, &s);
    ck_assert_msg(strstr(s.html, "<mark>高質量發展</mark>") != NULL, "%s", s.html);
    gw_snippet_free(&s);
    gw_doc_free(&d);
}
END_TEST

START_TEST(adjacent_merged)
{
    gw_snippet s;
    snip("高质量 发展", "推动高质量发展。", 120, &s);
    ck_assert_uint_eq(s.n_marks, 1);
    ck_assert_msg(strstr(s.html, "<mark>高质量发展</mark>") != NULL, "%s", s.html);
    gw_snippet_free(&s);
}
END_TEST

START_TEST(html_escaped)
{
    gw_snippet s;
    snip("发展", "<b>\"发展\"</b> & 'x'", 120, &s);
    ck_assert_str_eq(s.html,
                     "&lt;b&gt;&quot;<mark>发展</mark>&quot;&lt;/b&gt; &amp; &#39;x&#39;");
    ck_assert_str_eq(s.text, "<b>\"发展\"</b> & 'x'");
    gw_snippet_free(&s);
}
END_TEST

START_TEST(fullwidth_and_case)
{
    gw_snippet s;
    snip("g20 2022", "在Ｇ２０峰会上，２０２２年。", 120, &s);
    ck_assert_msg(strstr(s.html, "<mark>Ｇ２０</mark>") != NULL, "%s", s.html);
    ck_assert_msg(strstr(s.html, "<mark>２０２２</mark>") != NULL, "%s", s.html);
    gw_snippet_free(&s);
    /* edge rule: 32个 is not in 132个 */
    snip("32个", "共132个。另有32个。", 120, &s);
    ck_assert_uint_eq(s.n_marks, 1);
    char *m = marked(s.text, s.marks[0]);
    ck_assert_str_eq(m, "32个");
    free(m);
    gw_snippet_free(&s);
}
END_TEST

START_TEST(budget_in_characters)
{
    gw_buf b = {0};
    for (int i = 0; i < 600; i++) gw_buf_puts(&b, "测");
    gw_buf_puts(&b, "发展");
    for (int i = 0; i < 600; i++) gw_buf_puts(&b, "试");
    for (unsigned budget = 10; budget <= 300; budget += 29) {
        gw_snippet s;
        snip("发展", b.data, budget, &s);
        size_t n = nchars(s.text);
        /* the budget plus at most two ellipses */
        ck_assert_msg(n <= budget + 2, "budget %u: %zu chars", budget, n);
        ck_assert_msg(n >= budget, "budget %u: only %zu chars", budget, n);
        ck_assert_uint_eq(s.n_marks, 1);
        char *m = marked(s.text, s.marks[0]);
        ck_assert_str_eq(m, "发展");
        free(m);
        ck_assert(gw_utf8_valid(s.html, strlen(s.html)));
        gw_snippet_free(&s);
    }
    gw_buf_free(&b);
}
END_TEST

START_TEST(sentence_start)
{
    gw_snippet s;
    snip("发展", "第一句话在这里。这里讲的是发展问题，还有别的。第三句。", 120, &s);
    ck_assert_msg(!strncmp(s.text, "第一句话", strlen("第一句话")), "%s", s.text);
    gw_snippet_free(&s);
    /* a long text: the fragment starts at the sentence of the match, no ellipsis */
    gw_buf b = {0};
    for (int i = 0; i < 100; i++) gw_buf_puts(&b, "前文前文。");
    gw_buf_puts(&b, "这里讲的是发展问题。");
    for (int i = 0; i < 100; i++) gw_buf_puts(&b, "后文后文。");
    snip("发展", b.data, 40, &s);
    ck_assert_msg(!strncmp(s.text, "这里讲的是", strlen("这里讲的是")), "%s", s.text);
    gw_snippet_free(&s);
    gw_buf_free(&b);
}
END_TEST

START_TEST(fragments)
{
    gw_buf b = {0};
    gw_buf_puts(&b, "开头是改革的事。");
    for (int i = 0; i < 300; i++) gw_buf_puts(&b, "无关");
    gw_buf_puts(&b, "。中间说发展的事。");
    for (int i = 0; i < 300; i++) gw_buf_puts(&b, "无关");
    gw_snippet s;
    snip("改革 OR 发展", b.data, 120, &s);
    ck_assert_uint_eq(s.n_marks, 2);
    ck_assert_msg(strstr(s.text, "…") != NULL, "%s", s.text);
    ck_assert_msg(strstr(s.html, "<mark>改革</mark>") && strstr(s.html, "<mark>发展</mark>"),
                  "%s", s.html);
    ck_assert_uint_le(nchars(s.text), 120 + 3);
    gw_snippet_free(&s);
    gw_buf_free(&b);
}
END_TEST

START_TEST(no_match_and_empty)
{
    gw_snippet s;
    snip("发展", "\n\n  没有匹配的文字。", 120, &s);
    ck_assert_str_eq(s.text, "没有匹配的文字。");
    ck_assert_uint_eq(s.n_marks, 0);
    gw_snippet_free(&s);
    gw_snippet_make("", 0, NULL, 0, 0, &s);
    ck_assert_str_eq(s.text, "");
    ck_assert_str_eq(s.html, "");
    gw_snippet_free(&s);
    gw_snippet_free(NULL);
}
END_TEST

START_TEST(astral_and_marks)
{
    /* 4-byte characters before the match: marks count characters, not bytes */
    gw_snippet s;
    snip("发展", "𠀀𠀁𠀂发展𠀃。", 120, &s);
    ck_assert_uint_eq(s.n_marks, 1);
    ck_assert_uint_eq(s.marks[0].start, 3);
    ck_assert_uint_eq(s.marks[0].end, 5);
    gw_snippet_free(&s);
}
END_TEST

START_TEST(whole_document)
{
    const char *t = "第一段发展。\n第二段<发展>。";
    gw_span *spans;
    size_t ns = find_spans("发展", t, &spans);
    ck_assert_uint_eq(ns, 2);
    gw_snippet s;
    gw_snippet_whole(t, strlen(t), spans, ns, &s);
    ck_assert_str_eq(s.text, t);
    gw_buf h = {0};
    gw_mark_html(&h, s.text, strlen(s.text), s.marks, s.n_marks, GW_MARK_LINES);
    ck_assert_str_eq(h.data, s.html);
    gw_buf_free(&h);
    ck_assert_str_eq(s.html, "<p>第一段<mark>发展</mark>。</p>\n<p>第二段&lt;<mark>发展</mark>&gt;。</p>\n");
    ck_assert_uint_eq(s.n_marks, 2);
    char *m = marked(s.text, s.marks[1]);
    ck_assert_str_eq(m, "发展");
    free(m);
    gw_snippet_free(&s);
    free(spans);
}
END_TEST

/* Random texts and budgets: output always valid UTF-8, the HTML the text with its marks
 * drawn, marks inside the text and on matches, text within budget. */
START_TEST(random_texts)
{
    static const char *const pieces[] = {"发展", "發", "展", "，", "。", "\n", "a", "Ｇ", "<",
                                         "&", "𠀀", " ", "质量", "！"};
    unsigned seed = 99;
    for (int round = 0; round < 500; round++) {
        gw_buf b = {0};
        int n = rand_r(&seed) % 200;
        for (int i = 0; i < n; i++) gw_buf_puts(&b, pieces[rand_r(&seed) % 14]);
        unsigned budget = 1 + rand_r(&seed) % 150;
        gw_snippet s;
        snip("发展 OR 质量", b.data ? b.data : "", budget, &s);
        ck_assert(gw_utf8_valid(s.html, strlen(s.html)));
        ck_assert(gw_utf8_valid(s.text, strlen(s.text)));
        /* the HTML is the text with its marks, drawn by the one renderer */
        gw_buf h = {0};
        gw_mark_html(&h, s.text, strlen(s.text), s.marks, s.n_marks, GW_MARK_INLINE);
        ck_assert_str_eq(h.data, s.html);
        gw_buf_free(&h);
        size_t tn = nchars(s.text);
        ck_assert_msg(tn <= budget + GW_SNIPPET_MAX_FRAGMENTS + 1, "%zu > %u", tn, budget);
        for (size_t i = 0; i < s.n_marks; i++) {
            ck_assert_uint_lt(s.marks[i].start, s.marks[i].end);
            ck_assert_uint_le(s.marks[i].end, tn);
            if (i) ck_assert_uint_lt(s.marks[i - 1].end, s.marks[i].start + 1);
        }
        gw_snippet_free(&s);
        gw_buf_free(&b);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("snippet");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, traditional_highlighted);
    tcase_add_test(tc, across_white_space_highlighted);
    tcase_add_test(tc, pinyin_cleaned_then_highlighted);
    tcase_add_test(tc, adjacent_merged);
    tcase_add_test(tc, html_escaped);
    tcase_add_test(tc, fullwidth_and_case);
    tcase_add_test(tc, budget_in_characters);
    tcase_add_test(tc, sentence_start);
    tcase_add_test(tc, fragments);
    tcase_add_test(tc, no_match_and_empty);
    tcase_add_test(tc, astral_and_marks);
    tcase_add_test(tc, whole_document);
    tcase_add_test(tc, random_texts);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
