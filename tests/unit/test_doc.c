/* Unit tests of gw_doc: the whole pipeline (decode -> HTML -> clean -> metadata) on the
 * real seeds, on the seeds converted to other encodings and wrapped in HTML by the test
 * itself, on hostile input; and the --inspect JSON. */
#include "gw_doc.h"

#include "test_util.h"

#include <check.h>
#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Converts UTF-8 to enc with glibc's iconv; characters enc cannot hold are skipped
 * (Big5 lacks a few characters of the Traditional seeds: 脱 説 NBSP). Caller frees. */
static char *convert(const char *in, size_t len, const char *enc, size_t *out_len)
{
    char to[64];
    snprintf(to, sizeof to, "%s//IGNORE", enc);
    iconv_t cd = iconv_open(to, "UTF-8");
    ck_assert_msg(cd != (iconv_t)-1, "iconv %s", enc);
    size_t cap = len * 4 + 16, ol = cap;
    char *out = malloc(cap), *op = out, *ip = (char *)in;
    size_t il = len;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && il > 0) {
            ip++; /* skip what cannot be converted */
            il--;
        }
    }
    iconv_close(cd);
    *out_len = cap - ol;
    return out;
}

static const struct {
    const char *path, *title, *date, *source;
    size_t pinyin;
} seeds[] = {
    {"corpus/000_189274416b8a826d.txt",
     "突出政治引領 服務中心大局 堅定不移推動機關黨建高質量發展", "", "武山縣融媒體中心", 68},
    {"corpus/001_644562c8775a6dbf.txt", "著力推動機關思想政治工作守正創新", "2023-09-18",
     "旗幟網", 0},
    {"corpus/002_2994eda826c22957.txt", "市委组织部关于模范机关建设情况汇报", "", "", 0},
    {"corpus/003_58fd5961e537d1e9.txt",
     "在區直系統機關黨委(直屬黨總支)書記抓基層黨建工作責任述職評議會上的講話", "", "", 0},
    {"corpus/004_3e7bccd1fa082b11.txt", "呼伦贝尔市直属机关党的建设工作会议现场", "",
     "市委直属机关工委", 0},
};

static void check_seed(int i, const gw_doc *d)
{
    ck_assert_msg(strcmp(d->title, seeds[i].title) == 0, "seed %d: title '%s'", i, d->title);
    ck_assert_msg(strcmp(d->date, seeds[i].date) == 0, "seed %d: date '%s'", i, d->date);
    ck_assert_msg(strcmp(d->source, seeds[i].source) == 0, "seed %d: source '%s'", i,
                  d->source);
    ck_assert_str_eq(d->docno, "");
    ck_assert_uint_eq(strlen(d->text), d->len);
}

/* The seeds as they are (UTF-8). */
START_TEST(seeds_utf8)
{
    size_t len;
    char *raw = slurp(seeds[_i].path, &len);
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse(raw, len, seeds[_i].path, NULL, &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, "UTF-8");
    ck_assert_int_eq(d.is_html, 0);
    ck_assert_uint_eq(d.stats.replacements, count_of(raw, "\xef\xbf\xbd"));
    ck_assert_uint_eq(d.stats.clean.pinyin, seeds[_i].pinyin);
    check_seed(_i, &d);
    gw_doc_free(&d);
    free(raw);
}
END_TEST

/* Seed 000: the point of the annotations (issue 4). */
START_TEST(seed0_phrase)
{
    size_t len;
    char *raw = slurp(seeds[0].path, &len);
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(raw, len, NULL, NULL, &d, NULL), GW_OK);
    ck_assert_uint_eq(count_of(raw, "高質量發展"), 0);
    ck_assert_uint_eq(count_of(d.text, "高質量發展"), 2);
    ck_assert_str_eq(d.meta_lines, "(新聞來源:武山縣融媒體中心 轉載:李俊鋒)\n");
    ck_assert_str_eq(d.chrome, "?shù)牧己眯蜗蟆?/P>\n");
    ck_assert_uint_eq(d.chrome_len, strlen(d.chrome));
    ck_assert_str_eq(d.chrome_kinds, "t");
    gw_doc_free(&d);
    free(raw);
}
END_TEST

/* Simplified seeds in GB18030, Traditional ones in Big5, all in UTF-16LE with a BOM:
 * the same description as from UTF-8. */
START_TEST(seeds_other_encodings)
{
    size_t len, clen;
    char *raw = slurp(seeds[_i].path, &len);
    int simplified = _i == 2 || _i == 4;
    const char *encs[2] = {simplified ? "GB18030" : "BIG5-HKSCS", "UTF-16LE"};
    for (int e = 0; e < 2; e++) {
        char *conv = convert(raw, len, encs[e], &clen);
        if (e == 1) { /* prepend the BOM */
            char *b = malloc(clen + 2);
            b[0] = (char)0xFF, b[1] = (char)0xFE;
            memcpy(b + 2, conv, clen);
            free(conv);
            conv = b;
            clen += 2;
        }
        gw_doc d;
        gw_err err;
        int rc = gw_doc_parse(conv, clen, "x.txt", NULL, &d, &err);
        ck_assert_msg(rc == GW_OK, "seed %d %s: %s", _i, encs[e], err.msg);
        ck_assert_msg(strcmp(d.encoding, encs[e]) == 0, "seed %d: detected %s, made %s", _i,
                      d.encoding, encs[e]);
        /* HKSCS holds the toned letters too: the annotations survive Big5 and go */
        check_seed(_i, &d);
        ck_assert_uint_eq(d.stats.clean.pinyin, seeds[_i].pinyin);
        gw_doc_free(&d);
        free(conv);
    }
    free(raw);
}
END_TEST

/* Each seed wrapped in a web page by the test: <title> with a site suffix, paragraphs,
 * a script and a style that must not leak into the text. */
START_TEST(seeds_html)
{
    size_t len;
    char *raw = slurp(seeds[_i].path, &len);
    gw_buf page = {0};
    gw_buf_printf(&page,
                  "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s - 某某網</title>"
                  "<style>p{color:red}</style><script>var x = '當前位置';</script></head><body>\n",
                  seeds[_i].title);
    const char *p = raw;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        gw_buf_puts(&page, "<p>");
        for (size_t k = 0; k < l; k++) {
            if (p[k] == '<') gw_buf_puts(&page, "&lt;");
            else if (p[k] == '&') gw_buf_puts(&page, "&amp;");
            else if (p[k] == '>') gw_buf_puts(&page, "&gt;");
            else gw_buf_putc(&page, p[k]);
        }
        gw_buf_puts(&page, "</p>\n");
        p += l + (e ? 1 : 0);
    }
    gw_buf_puts(&page, "</body></html>\n");
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse(page.data, page.len, "page.html", NULL, &d, &err), GW_OK);
    ck_assert_int_eq(d.is_html, 1);
    check_seed(_i, &d);
    ck_assert_uint_eq(count_of(d.text, "color:red"), 0);
    ck_assert_uint_eq(count_of(d.text, "var x"), 0);
    ck_assert_uint_eq(count_of(d.text, "<p>"), 0);
    ck_assert_uint_eq(d.stats.clean.pinyin, seeds[_i].pinyin);
    gw_doc_free(&d);
    gw_buf_free(&page);
    free(raw);
}
END_TEST

/* A <title> with pinyin annotations is cleaned like the body. */
START_TEST(html_title_pinyin)
{
    static const char *page = "<html><head><title>推動高質量發(fā)展_某某網</title></head>"
                              "<body><div>當前位置：首頁 &gt; 新聞</div><p>正文第一段。</p></body></html>";
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(page, strlen(page), NULL, NULL, &d, NULL), GW_OK);
    ck_assert_int_eq(d.is_html, 1);
    ck_assert_str_eq(d.title, "推動高質量發展");
    ck_assert_str_eq(d.text, "正文第一段。");
    ck_assert_uint_eq(d.stats.clean.boilerplate, 1);
    gw_doc_free(&d);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(empty)
{
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse("", 0, "empty.txt", NULL, &d, &err), GW_OK);
    ck_assert_str_eq(d.text, "");
    ck_assert_str_eq(d.title, "");
    ck_assert_str_eq(d.date, "");
    ck_assert_uint_eq(d.len, 0);
    gw_doc_free(&d);
    ck_assert_int_eq(gw_doc_parse(NULL, 0, NULL, NULL, &d, &err), GW_OK);
    gw_doc_free(&d);
    ck_assert_int_eq(gw_doc_parse(NULL, 5, NULL, NULL, &d, &err), GW_EINVAL);
    ck_assert_int_eq(gw_doc_parse("x", 1, NULL, NULL, NULL, &err), GW_EINVAL);
    gw_doc_free(NULL);
}
END_TEST

START_TEST(binary)
{
    char z[4096];
    memset(z, 0, sizeof z);
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse(z, sizeof z, "z.txt", NULL, &d, &err), GW_EBINARY);
    gw_doc_free(&d); /* zeroed on failure: safe */
}
END_TEST

START_TEST(only_boilerplate)
{
    static const char *t = "當前位置:文範網 >\n\n講話致辭 >領導講話稿 >\n版權聲明:本站所有\n";
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(t, strlen(t), NULL, NULL, &d, NULL), GW_OK);
    ck_assert_str_eq(d.text, "");
    ck_assert_str_eq(d.title, "");
    ck_assert_uint_eq(d.stats.clean.boilerplate, 3);
    gw_doc_free(&d);
}
END_TEST

START_TEST(invalid_bytes)
{
    size_t len;
    char *raw = slurp(seeds[1].path, &len);
    /* break a few sequences in the body and cut the last character in half */
    raw[400] = (char)0xFF;
    raw[1200] = (char)0xC0;
    len -= 1;
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(raw, len, NULL, NULL, &d, NULL), GW_OK);
    ck_assert_uint_ge(d.stats.replacements, 2);
    check_seed(1, &d);
    gw_doc_free(&d);
    free(raw);
}
END_TEST

/* A 50 MB text (seed 000 repeated) goes through whole: the pipeline does not stream,
 * it holds about 4 times the input at its peak; the indexer caps files by max_file_size. */
START_TEST(big_file)
{
    size_t len;
    char *raw = slurp(seeds[0].path, &len);
    gw_buf big = {0};
    size_t copies = 0;
    while (big.len < (50u << 20)) {
        gw_buf_append(&big, raw, len);
        gw_buf_putc(&big, '\n');
        copies++;
    }
    gw_doc d;
    gw_err err;
    ck_assert_int_eq(gw_doc_parse(big.data, big.len, "big.txt", NULL, &d, &err), GW_OK);
    ck_assert_uint_eq(d.stats.clean.pinyin, 68 * copies);
    ck_assert_uint_eq(d.stats.clean.metadata, copies);
    ck_assert_str_eq(d.title, seeds[0].title);
    ck_assert_uint_eq(count_of(d.text, "高質量發展"), 2 * copies);
    gw_doc_free(&d);
    gw_buf_free(&big);
    free(raw);
}
END_TEST

/* ---- --inspect JSON ---- */

START_TEST(json)
{
    size_t len;
    char *raw = slurp(seeds[0].path, &len);
    gw_doc d;
    ck_assert_int_eq(gw_doc_parse(raw, len, NULL, NULL, &d, NULL), GW_OK);
    char *js = gw_doc_to_json(&d, seeds[0].path);
    ck_assert_ptr_nonnull(js);
    json_error_t je;
    json_t *o = json_loads(js, 0, &je);
    ck_assert_msg(o != NULL, "%s", je.text);
    ck_assert_str_eq(json_string_value(json_object_get(o, "path")), seeds[0].path);
    ck_assert_str_eq(json_string_value(json_object_get(o, "encoding")), "UTF-8");
    ck_assert_int_eq(json_integer_value(json_object_get(o, "replacements")), 0);
    ck_assert(json_is_false(json_object_get(o, "is_html")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "title")), seeds[0].title);
    ck_assert_str_eq(json_string_value(json_object_get(o, "source")), seeds[0].source);
    ck_assert_str_eq(json_string_value(json_object_get(o, "date")), "");
    ck_assert_str_eq(json_string_value(json_object_get(o, "docno")), "");
    json_t *r = json_object_get(o, "removed");
    ck_assert_int_eq(json_integer_value(json_object_get(r, "pinyin")), 68);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "metadata")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "mojibake_tails")), 1);
    ck_assert_ptr_nonnull(json_object_get(r, "boilerplate"));
    ck_assert_ptr_nonnull(json_object_get(r, "mojibake"));
    ck_assert_ptr_nonnull(json_object_get(r, "repeated_title"));
    ck_assert_ptr_nonnull(json_object_get(r, "joined_wraps"));
    ck_assert_uint_eq(json_array_size(json_object_get(o, "metadata_lines")), 1);
    /* the demoted lines, by kind: seed 000's garbled tail */
    json_t *cl = json_object_get(o, "chrome_lines");
    ck_assert_uint_eq(json_array_size(cl), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cl, 0), "kind")),
                     "garbled_tail");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cl, 0), "text")),
                     "?shù)牧己眯蜗蟆?/P>");
    ck_assert_str_eq(json_string_value(json_object_get(o, "text")), d.text);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "bytes")), (json_int_t)d.len);
    json_decref(o);
    free(js);
    /* a document holding invalid UTF-8 (not from gw_doc_parse) still gives valid JSON */
    gw_doc bad = d;
    bad.title = "\xff\xfe title";
    js = gw_doc_to_json(&bad, NULL);
    o = json_loads(js, 0, &je);
    ck_assert_ptr_nonnull(o);
    ck_assert(json_is_null(json_object_get(o, "path")));
    json_decref(o);
    free(js);
    ck_assert_ptr_null(gw_doc_to_json(NULL, NULL));
    gw_doc_free(&d);
    free(raw);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, seeds_utf8, 0, 5);
    tcase_add_test(tc, seed0_phrase);
    tcase_add_loop_test(tc, seeds_other_encodings, 0, 5);
    tcase_add_loop_test(tc, seeds_html, 0, 5);
    tcase_add_test(tc, html_title_pinyin);
    tcase_add_test(tc, empty);
    tcase_add_test(tc, binary);
    tcase_add_test(tc, only_boilerplate);
    tcase_add_test(tc, invalid_bytes);
    tcase_add_test(tc, json);
    tcase_add_test(tc, big_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gw_test_run(suite());
}
