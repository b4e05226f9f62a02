/* Unit tests of gw_query: the parser (table-driven, through the explanation's tree), the
 * terms it builds (they must mirror gw_token), pinyin removal, errors, and hostile input
 * (random bytes, deep nesting, NULs, huge input). The exact matcher is test_qmatch.c, the
 * Xapian queries test_qbuild.c, a phrase's terms test_qterms.c. */
#include "gw_buf.h"
#include "gw_query.h"

#include "test_util.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A compact signature of the explanation's tree:
 *   word: text   phrase: "text"   field: title:…   verify: …!   and: (a b)   or: (a | b)
 *   not: -x      words of one run: {a b}   date: date[lo..hi]   year: year[2023] */
static void sig(json_t *n, gw_buf *b)
{
    const char *op = json_string_value(json_object_get(n, "op"));
    json_t *args = json_object_get(n, "args");
    size_t i;
    json_t *v;
    if (!strcmp(op, "word") || !strcmp(op, "phrase")) {
        const char *f = json_string_value(json_object_get(n, "field"));
        if (strcmp(f, "text")) gw_buf_printf(b, "%s:", f);
        const char *t = json_string_value(json_object_get(n, "text"));
        if (!strcmp(op, "phrase")) gw_buf_printf(b, "\"%s\"", t);
        else gw_buf_puts(b, t);
        if (json_is_true(json_object_get(n, "verify"))) gw_buf_putc(b, '!');
    } else if (!strcmp(op, "date")) {
        gw_buf_printf(b, "date[%s..%s]", json_string_value(json_object_get(n, "from")),
                      json_string_value(json_object_get(n, "to")));
    } else if (!strcmp(op, "year")) {
        gw_buf_printf(b, "year[%s]", json_string_value(json_object_get(n, "year")));
    } else if (!strcmp(op, "not")) {
        gw_buf_putc(b, '-');
        sig(json_array_get(args, 0), b);
    } else {
        int words = !strcmp(op, "words"), or = !strcmp(op, "or");
        gw_buf_putc(b, words ? '{' : '(');
        json_array_foreach(args, i, v)
        {
            if (i) gw_buf_puts(b, or ? " | " : " ");
            sig(v, b);
        }
        gw_buf_putc(b, words ? '}' : ')');
    }
}

static char *parse_sig(const char *q)
{
    gw_err e;
    gw_query *p = gw_query_parse(q, strlen(q), 0, &e);
    if (!p) {
        gw_buf b = {0};
        gw_buf_printf(&b, "ERR %s", gw_code_name(e.code));
        return gw_buf_steal(&b, NULL);
    }
    char *js = gw_query_explain_json(p, NULL);
    json_error_t je;
    json_t *o = json_loads(js, 0, &je);
    ck_assert_msg(o != NULL, "explain is not JSON: %s", js);
    gw_buf b = {0};
    sig(json_object_get(o, "tree"), &b);
    json_decref(o);
    free(js);
    gw_query_free(p);
    return gw_buf_steal(&b, NULL);
}

static const struct {
    const char *q, *want;
} table[] = {
    /* words and phrases */
    {"发展", "发展"},
    {"發展", "发展"},
    {"发", "发"},
    {"\"高质量发展\"", "\"高质量发展\""},
    {"\"高質量發展\"", "\"高质量发展\""},
    {"高质量发展", "{高质量 发展}"},
    {"机关党建", "{机关 党建}"},
    {"“機關黨建”", "\"机关党建\""},
    {"＂机关党建＂", "\"机关党建\""},
    {"G20峰会", "g20峰会"},
    {"Ｇ２０峰会", "g20峰会"},
    {"2022年", "2022年"},
    {"３２个", "32个"},
    {"發(fā)展", "发展"},
    {"\"質量,發展\"", "\"质量,发展\""},
    {"\"质量 发展\"", "\"质量发展\""},   /* white space between Han joins */
    {"\"Linux 系统\"", "\"linux系统\""},
    {"\"open  source\"", "\"open source\""}, /* between words: one space */
    {"\" 发展 \"", "\"发展\""},
    {"质量,发展", "{质量 发展}"},
    /* operators */
    {"a b", "(a b)"},
    {"发展 OR 改革", "(发展 | 改革)"},
    {"发展 | 改革", "(发展 | 改革)"},
    {"发展 -疫情", "(发展 -疫情)"},
    {"-疫情", "-疫情"},
    {"(发展 OR 改革) 党建", "((发展 | 改革) 党建)"},
    {"发展 改革 OR 党建", "((发展 改革) | 党建)"},
    {"\"機關黨建\" 2022年 -疫情", "(\"机关党建\" 2022年 -疫情)"},
    {"-\"质量,发展\" 改革", "(-\"质量,发展\" 改革)"},
    /* fields and filters */
    {"title:发展", "title:发展"},
    {"title:\"高质量发展\"", "title:\"高质量发展\""},
    {"source:新华社", "source:新华社"},
    {"docno:国发〔2023〕5号", "{docno:国发 docno:2023 docno:5号}"},
    {"year:2023", "year[2023]"},
    {"year:2020..2023", "date[20200101..20231231]"},
    {"date:2023-01-01..2023-12-31", "date[20230101..20231231]"},
    {"date:2023-01-01..", "date[20230101..]"},
    {"date:..2023-06", "date[..20230631]"},
    {"date:2023-09", "date[20230901..20230931]"},
    {"date:2023/9/18", "date[20230918..20230918]"},
    {"发展 year:2023", "(发展 year[2023])"},
    {"TITLE:发展", "title:发展"},
    /* degrading to text */
    {"\"发展", "发展"},
    {"发展\"", "发展"},
    {"发展 OR", "(发展 or)"},
    {"OR 发展", "(or 发展)"},
    {"发展 OR OR 改革", "((发展 or) | 改革)"},
    {"(发展", "发展"},
    {"发展)", "发展"},
    {")))发展", "发展"},
    {"date:abc", "{date abc}"},
    {"date:2023-13-01", "{date 2023 13 01}"},
    {"year:20", "{year 20}"},
    {"title:", "title"},
    {"foo:发展", "{foo 发展}"},
    {"-", "ERR EINVAL"},
    /* empty */
    {"", "ERR EINVAL"},
    {"   ", "ERR EINVAL"},
    {"\"\"", "ERR EINVAL"},
    {"，。！", "ERR EINVAL"},
    {"()", "ERR EINVAL"},
};

START_TEST(parse_table)
{
    char *got = parse_sig(table[_i].q);
    ck_assert_msg(!strcmp(got, table[_i].want), "query [%s]: want [%s] got [%s]", table[_i].q,
                  table[_i].want, got);
    free(got);
}
END_TEST

START_TEST(too_long)
{
    char *q = malloc(2001);
    memset(q, 'a', 2000);
    q[2000] = 0;
    gw_err e;
    ck_assert_ptr_null(gw_query_parse(q, 2000, 1000, &e));
    ck_assert_int_eq(e.code, GW_EINVAL);
    ck_assert_msg(strstr(e.msg, "too long") != NULL, "%s", e.msg);
    gw_query *p = gw_query_parse(q, 2000, 4000, &e);
    ck_assert_ptr_nonnull(p);
    gw_query_free(p);
    free(q);
    ck_assert_ptr_null(gw_query_parse("", 0, 0, &e));
    ck_assert_msg(strstr(e.msg, "empty") != NULL, "%s", e.msg);
}
END_TEST

/* The terms of a phrase: bigram chain, edge unigrams, words. */
START_TEST(terms_mirror_tokenizer)
{
    static const struct {
        const char *q, *terms;
    } t[] = {
        {"\"高质量发展\"", "高质 质量 量发 发展"},
        {"\"2022年度\"", "2022 年度"},
        {"\"g20峰\"", "g20 峰"},
        {"\"峰会G20\"", "峰会 会 g20"},
        {"\"发\"", ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        gw_query *p = gw_query_parse(t[i].q, strlen(t[i].q), 0, NULL);
        ck_assert_ptr_nonnull(p);
        char *js = gw_query_explain_json(p, NULL);
        json_t *o = json_loads(js, 0, NULL);
        json_t *terms = json_object_get(json_object_get(o, "tree"), "terms");
        gw_buf b = {0};
        size_t k;
        json_t *v;
        json_array_foreach(terms, k, v)
        {
            if (k) gw_buf_putc(&b, ' ');
            gw_buf_puts(&b, json_string_value(v));
        }
        ck_assert_msg(!strcmp(b.data ? b.data : "", t[i].terms), "%s: want [%s] got [%s]",
                      t[i].q, t[i].terms, b.data ? b.data : "");
        gw_buf_free(&b);
        json_decref(o);
        free(js);
        gw_query_free(p);
    }
}
END_TEST

START_TEST(pinyin)
{
    size_t n, l;
    char *s = gw_query_strip_pinyin("發(fā)展和改(gǎi)革（gé）", strlen("發(fā)展和改(gǎi)革（gé）"), &l, &n);
    ck_assert_str_eq(s, "發展和改革");
    ck_assert_uint_eq(n, 3);
    free(s);
    /* no tone mark, too long, not after Han: kept */
    const char *keep = "发(fa)展 a(fā) 发(fāfāfāfā)";
    s = gw_query_strip_pinyin(keep, strlen(keep), &l, &n);
    ck_assert_str_eq(s, keep);
    ck_assert_uint_eq(n, 0);
    free(s);
}
END_TEST

/* Whatever the bytes, parse either fails with EINVAL or yields a query that builds and
 * explains as valid JSON. */
static void hostile(const char *q, size_t len)
{
    gw_err e;
    gw_query *p = gw_query_parse(q, len, 100000, &e);
    if (!p) {
        ck_assert_int_eq(e.code, GW_EINVAL);
        return;
    }
    gw_xquery *x = gw_query_build(p);
    ck_assert_ptr_nonnull(x);
    char *js = gw_query_explain_json(p, x);
    json_t *o = json_loads(js, 0, NULL);
    ck_assert_msg(o != NULL, "bad JSON for hostile input");
    json_decref(o);
    free(js);
    char *t = gw_query_explain(p, x);
    free(t);
    gw_xquery_free(x);
    gw_query_free(p);
}

START_TEST(hostile_input)
{
    static const char *const fixed[] = {
        "\"\"\"\"\"", "((((((((((((((((((((((((((((((((((((((((((((((((((((((((发展",
        "))))))))))))))))))))", "OR OR OR OR", "- - - -", "--发展", "-(-(-(发展)))",
        "title:title:title:", "date:....", "date:..", "year:..", "\xff\xfe\xfd",
        "发\xe5\x8f", "\xe5", "a\0b", "title:\"", "(\"(\")", "发(fā", "(fā)", "：：：",
        "date:9999-12-31..0000-01-01", "\xf0\x9f\x98\x80\xf0\xa0\x80\x80", "ＯＲ", "|||",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) hostile(fixed[i], strlen(fixed[i]));
    hostile("a\0b", 3);
    /* deep nesting of every kind */
    gw_buf b = {0};
    for (int i = 0; i < 5000; i++) gw_buf_puts(&b, "(-\"发");
    hostile(b.data, b.len);
    gw_buf_reset(&b);
    for (int i = 0; i < 3000; i++) gw_buf_puts(&b, "发展 OR ");
    hostile(b.data, b.len);
    gw_buf_free(&b);
    /* random bytes from a fixed seed, biased towards syntax characters */
    static const char alphabet[] = "\"()-: OR|tileyardocn.0123456789";
    static const char *const cjk[] = {"发", "展", "發", "（", "）", "“", "”", "，", "ā", "Ｇ"};
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        char buf[96];
        size_t n = 0;
        int len = (int)(rand_r(&seed) % 40);
        for (int k = 0; k < len && n < sizeof buf - 4; k++) {
            int r = rand_r(&seed) % 10;
            if (r < 5) buf[n++] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
            else if (r < 9) {
                const char *c = cjk[rand_r(&seed) % 10];
                memcpy(buf + n, c, strlen(c));
                n += strlen(c);
            } else buf[n++] = (char)(rand_r(&seed) & 0xff);
        }
        hostile(buf, n);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, parse_table, 0, sizeof table / sizeof *table);
    tcase_add_test(tc, too_long);
    tcase_add_test(tc, terms_mirror_tokenizer);
    tcase_add_test(tc, pinyin);
    tcase_add_test(tc, hostile_input);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
