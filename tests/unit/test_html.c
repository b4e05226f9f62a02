/* Unit tests of gw_html: detection by name and content, <meta> charset sniffing in both
 * forms, and page -> text through libxml2 (tags, scripts, styles, comments dropped,
 * entities decoded, blocks on their own lines, source line wraps between Chinese
 * characters removed, broken pages still read). Every seed is wrapped in a page, encoded
 * in GB18030 or Big5 by the test itself, and must come back line for line through
 * is_html -> sniff -> gw_decode -> gw_html_to_text. Run from the repository root. */
#include "gw_buf.h"
#include "gw_decode.h"
#include "gw_html.h"

#include "test_util.h"

#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(lit) lit, sizeof(lit) - 1

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

/* ---- 1. detection ------------------------------------------------------------------- */

typedef struct detect_case {
    const char *bytes;
    size_t len;
    const char *name;
    int expect;
} detect_case;

static const detect_case dc[] = {
    /* 0 */ {S("plain text"), "report.html", 1},
    /* 1 */ {S("plain text"), "REPORT.HTM", 1},
    /* 2 */ {S("plain text"), "report.txt", 0},
    /* 3 */ {S("<!DOCTYPE html><title>x</title>"), NULL, 1},
    /* 4 */ {S("\n\t  <HTML lang=zh>"), "a.txt", 1},
    /* 5 */ {S("\xEF\xBB\xBF<html>"), NULL, 1},
    /* 6 */ {S("\xFF\xFE<\0h\0t\0m\0l\0>\0"), NULL, 1},
    /* 7 */ {S("\xFE\xFF\0<\0h\0t\0m\0l\0>"), NULL, 1},
    /* 8 */ {S("政府工作报告\n<p>第一段</p>"), NULL, 1},
    /* 9 */ {S("<div class=\"content\">正文</div>"), NULL, 1},
    /* 10 */ {S("第一行<br>第二行"), NULL, 1},
    /* 11 */ {S("<?xml version=\"1.0\"?>\n<!DOCTYPE x>\n<body>"), NULL, 1},
    /* 12 */ {S("政府工作报告：增长 < 5% 且 p > 3"), NULL, 0},
    /* 13 */ {S("<paragraph> is not a tag we know, <pre is cut"), NULL, 0},
    /* 14 */ {S(""), NULL, 0},
    /* 15 */ {NULL, 0, NULL, 0},
    /* 16 */ {S("<!-- a comment alone proves nothing -->"), NULL, 0},
    /* 17 */ {S("<"), NULL, 0},
    /* 18 */ {S("<p"), NULL, 0},
    /* 19 */ {S("x.html"), ".html", 1},
    /* 20 UTF-16LE cut in the middle of a unit (odd length): no read past the end */
    {S("\xFF\xFE<\0h\0t\0m\0l\0>"), NULL, 1},
    /* 21 */ {S("\xFE\xFF\0<\0p\0>\0"), NULL, 1},
};

START_TEST(detect_html)
{
    const detect_case *c = &dc[_i];
    /* An exact-size heap copy, so that ASan sees any read past the end. */
    char *b = c->bytes ? malloc(c->len ? c->len : 1) : NULL;
    if (b)
        memcpy(b, c->bytes, c->len);
    ck_assert_msg(gw_html_is_html(b, c->len, c->name) == c->expect, "case %d", _i);
    free(b);
}
END_TEST

/* ---- 2. charset sniffing ------------------------------------------------------------ */

typedef struct sniff_case {
    const char *bytes;
    size_t len;
    const char *expect; /* NULL: none */
} sniff_case;

static const sniff_case sc[] = {
    /* 0 */ {S("<html><head><meta charset=\"gb2312\"></head>"), "gb2312"},
    /* 1 */ {S("<META CHARSET=UTF-8>"), "UTF-8"},
    /* 2 */ {S("<meta charset='big5' />"), "big5"},
    /* 3 */ {S("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">"), "GBK"},
    /* 4 */ {S("<META CONTENT='text/html;charset=gb18030' HTTP-EQUIV='content-type'>"), "gb18030"},
    /* 5 */ {S("<meta http-equiv=content-type content=\"text/html; charset = big5\">"), "big5"},
    /* 6 no http-equiv: a description that mentions charset= is not a declaration */
    {S("<meta name=\"description\" content=\"charset=gbk tutorial\"><meta charset=utf-8>"),
     "utf-8"},
    /* 7 */ {S("<?xml version=\"1.0\" encoding=\"GB2312\"?><html>"), "GB2312"},
    /* 8 */ {S("<html><head><title>无声明</title></head>"), NULL},
    /* 9 truncated inside the attribute */ {S("<meta charset=\"gb23"), "gb23"},
    /* 10 unterminated everything */ {S("<meta charset="), NULL},
    /* 11 */ {S("<meta"), NULL},
    /* 12 */ {S("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"), NULL},
    /* 13 an over-long label is cut to 31 bytes */
    {S("<meta charset=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"),
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    /* 14 UTF-16LE page */
    {S("\xFF\xFE<\0m\0e\0t\0a\0 \0c\0h\0a\0r\0s\0e\0t\0=\0u\0t\0f\0-\0\x31\0\x36\0>\0"), "utf-16"},
    /* 15 <metadata> is not <meta> */ {S("<metadata charset=gbk><meta charset=big5>"), "big5"},
    /* 16 UTF-16BE with an odd tail */
    {S("\xFE\xFF\0<\0m\0e\0t\0a\0 \0c\0h\0a\0r\0s\0e\0t\0=\0g\0b\0k\0>\0"), "gbk"},
    /* 17 */ {S(""), NULL},
};

START_TEST(sniff_charset)
{
    const sniff_case *c = &sc[_i];
    char out[32];
    memset(out, 'X', sizeof out);
    char *b = malloc(c->len ? c->len : 1);
    memcpy(b, c->bytes, c->len);
    int r = gw_html_sniff_charset(b, c->len, out);
    free(b);
    if (c->expect) {
        ck_assert_msg(r == 1, "case %d: nothing found", _i);
        ck_assert_str_eq(out, c->expect);
    } else {
        ck_assert_msg(r == 0, "case %d: found '%s'", _i, out);
        ck_assert_str_eq(out, "");
    }
}
END_TEST

/* ---- 3. page -> text ---------------------------------------------------------------- */

typedef struct text_case {
    const char *html;
    const char *text;
    const char *title;
} text_case;

static const text_case tc_[] = {
    /* 0 tags stripped, blocks separated */
    {"<html><head><title>标题</title></head><body><p>第一段</p><p>第二<b>段</b></p></body>",
     "第一段\n\n第二段", "标题"},
    /* 1 script, style, noscript, template and comments dropped */
    {"<body><script>var a='不要';</script><style>p{color:red}</style><p>正文<!-- 注释 -->内容"
     "</p><noscript>启用脚本</noscript><template><p>模板</p></template></body>",
     "正文内容", ""},
    /* 2 entities */
    {"<p>A&amp;B &#x4E2D;&#25991; &lt;tag&gt; x&nbsp;y &quot;q&quot;</p>",
     "A&B 中文 <tag> x\xC2\xA0y \"q\"", ""},
    /* 3 a line wrap between Chinese characters is no space; between words it is */
    {"<p>推动机关党建高质量\n    发展，hello\nworld，2022年\n工作</p>",
     "推动机关党建高质量发展，hello world，2022年工作", ""},
    /* 4 spaces on one source line between Chinese characters stay (they were typed) */
    {"<h1>突出政治引領 服務中心大局</h1>", "突出政治引領 服務中心大局", ""},
    /* 5 br (one line break each), li, table rows and cells (blocks: a blank line; a
     * label cell ending in a colon stays on its value's line) */
    {"<div>一<br>二<br/><br>三</div><ul><li>甲</li><li>乙</li></ul>"
     "<table><tr><td>来源：</td><td>旗帜网</td></tr><tr><th>日期</th><td>2023年</td></tr></table>",
     "一\n二\n\n三\n\n甲\n\n乙\n\n来源： 旗帜网\n\n日期\n\n2023年", ""},
    /* 6 pre keeps its line breaks and one blank line of a run */
    {"<pre>第一行\n第二行\n\n第三行\r\n \r\n\n\n第四行</pre>后",
     "第一行\n第二行\n\n第三行\n\n第四行\n\n后", ""},
    /* 7 broken, unclosed page */
    {"<html><body><p>第一段<div>第二段<p>未闭合的<b>粗体<i>斜体",
     "第一段\n\n第二段\n\n未闭合的粗体斜体", ""},
    /* 8 no markup at all */
    {"只是一段文字", "只是一段文字", ""},
    /* 9 title with line breaks and entities, only the first title */
    {"<title>\n  关于&amp;印发\n  通知 </title><title>第二个</title><p>正文</p>", "正文",
     "关于&印发通知"},
    /* 10 whitespace only */
    {"<p>   </p>\n\n<div>\t</div>", "", ""},
    /* 11 headings, hr, blockquote, section */
    {"<h2>一、总体要求</h2>前言<hr>后文<blockquote>引文</blockquote><section>节</section>",
     "一、总体要求\n\n前言\n\n后文\n\n引文\n\n节", ""},
    /* 12 inline elements do not break a line, nor add spaces */
    {"<p><span>高</span><a href=x>质量</a><em>发展</em></p>", "高质量发展", ""},
    /* 13 a stray '<' and '&' in text */
    {"<p>增长 < 5% & 下降</p>", "增长 < 5% & 下降", ""},
    /* 14 CDATA-like and processing instructions */
    {"<?php echo 1; ?><p>正文</p>", "正文", ""},
    /* 15 a meta charset inside the UTF-8 text must not make libxml2 re-decode it */
    {"<head><meta charset=\"gb2312\"><title>标题</title></head><p>中文内容</p>", "中文内容",
     "标题"},
    /* 16 iframe, object, svg content dropped */
    {"<p>前</p><iframe>框</iframe><svg><text>图</text></svg><p>后</p>", "前\n\n后", ""},
};

START_TEST(page_to_text)
{
    const text_case *c = &tc_[_i];
    gw_buf text = {0};
    char *title = NULL;
    gw_err err;
    ck_assert_int_eq(gw_html_to_text(c->html, strlen(c->html), &text, &title, &err), GW_OK);
    ck_assert_ptr_nonnull(title);
    const char *got = text.data ? text.data : "";
    ck_assert_msg(!strcmp(got, c->text), "case %d: got\n[%s]\nexpected\n[%s]", _i, got, c->text);
    ck_assert_msg(!strcmp(title, c->title), "case %d: title [%s], expected [%s]", _i, title,
                  c->title);
    ck_assert(gw_utf8_valid(got, text.len));
    free(title);
    gw_buf_free(&text);
}
END_TEST

START_TEST(empty_null_and_append)
{
    gw_buf text = {0};
    char *title = (char *)1;
    gw_err err;
    ck_assert_int_eq(gw_html_to_text("", 0, &text, &title, &err), GW_OK);
    ck_assert_str_eq(title, "");
    ck_assert_uint_eq(text.len, 0);
    free(title);
    ck_assert_int_eq(gw_html_to_text(NULL, 3, &text, &title, &err), GW_EINVAL);
    ck_assert_ptr_null(title);
    ck_assert_int_eq(gw_html_to_text("<p>x</p>", 8, NULL, &title, &err), GW_EINVAL);
    ck_assert_int_eq(gw_html_to_text("<p>x</p>", 8, &text, NULL, &err), GW_EINVAL);
    /* Text is appended to what the buffer holds. */
    gw_buf_puts(&text, "before|");
    ck_assert_int_eq(gw_html_to_text("<p>后</p>", strlen("<p>后</p>"), &text, &title, NULL), GW_OK);
    ck_assert_str_eq(text.data, "before|后");
    free(title);
    gw_buf_free(&text);
}
END_TEST

/* Hostile pages: deep nesting, a huge line, unterminated constructs, invalid UTF-8. No
 * crash, valid UTF-8 out, the words still there. */
START_TEST(hostile_pages)
{
    gw_buf page = {0}, text = {0};
    char *title;
    gw_err err;
    /* 0: 100,000 nested unclosed <div>s */
    for (int i = 0; i < 100000; i++)
        gw_buf_puts(&page, "<div>");
    gw_buf_puts(&page, "深处的字");
    ck_assert_int_eq(gw_html_to_text(page.data, page.len, &text, &title, &err), GW_OK);
    ck_assert(gw_utf8_valid(text.data ? text.data : "", text.len));
    free(title);
    gw_buf_reset(&page);
    gw_buf_reset(&text);
    /* 1: a 2 MB line of text without markup ends */
    gw_buf_puts(&page, "<p>");
    for (int i = 0; i < 100000; i++)
        gw_buf_puts(&page, "高质量发展 ");
    ck_assert_int_eq(gw_html_to_text(page.data, page.len, &text, &title, &err), GW_OK);
    ck_assert_uint_eq(text.len, 100000 * strlen("高质量发展 ") - 1);
    free(title);
    gw_buf_reset(&page);
    gw_buf_reset(&text);
    /* 2: unterminated comment, script and attribute */
    const char *bad[] = {"<p>前文<!-- 从未结束",     "<p>前文<script>从未结束",
                         "<p title=\"从未结束>前文", "<p>前文</",
                         "<</<<>>&#xFFFFFF;&#0;&;",  "<p>前文\xFF\xFE无效\xE4\xB8</p>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(gw_html_to_text(bad[i], strlen(bad[i]), &text, &title, &err), GW_OK);
        ck_assert_msg(gw_utf8_valid(text.data ? text.data : "", text.len), "bad %zu", i);
        ck_assert_msg(!text.len || !memchr(text.data, '\0', text.len), "bad %zu", i);
        free(title);
        gw_buf_reset(&text);
    }
    gw_buf_free(&page);
    gw_buf_free(&text);
}
END_TEST

/* ---- 4. seeds as saved web pages, end to end ---------------------------------------- */

static const char *const seeds[] = {
    "corpus/000_189274416b8a826d.txt", "corpus/001_644562c8775a6dbf.txt",
    "corpus/002_2994eda826c22957.txt", "corpus/003_58fd5961e537d1e9.txt",
    "corpus/004_3e7bccd1fa082b11.txt",
};

typedef struct page_case {
    int seed;
    const char *to;    /* encoding of the saved page */
    const char *label; /* what its <meta> says */
    int http_equiv;    /* 1: the http-equiv form */
    const char *expect_enc;
} page_case;

static const page_case pc[] = {
    /* 0-4 GB18030 labeled gb2312, meta charset form */
    {0, "GB18030", "gb2312", 0, "GB18030"},
    {1, "GB18030", "gb2312", 0, "GB18030"},
    {2, "GB18030", "gb2312", 0, "GB18030"},
    {3, "GB18030", "gb2312", 0, "GB18030"},
    {4, "GB18030", "gb2312", 0, "GB18030"},
    /* 5-7 Big5 (Traditional seeds), http-equiv form */
    {0, "BIG5-HKSCS", "big5", 1, "BIG5-HKSCS"},
    {1, "BIG5-HKSCS", "big5", 1, "BIG5-HKSCS"},
    {3, "BIG5-HKSCS", "big5", 1, "BIG5-HKSCS"},
    /* 8-9 UTF-8 labeled UTF-8; UTF-8 labeled gb2312 (mislabeled: the bytes win) */
    {2, "UTF-8", "utf-8", 0, "UTF-8"},
    {4, "UTF-8", "gb2312", 1, "UTF-8"},
    /* 10 GB18030 labeled utf-8 (mislabeled the other way) */
    {2, "GB18030", "utf-8", 0, "GB18030"},
};

/* Appends UTF-8 s to b, escaping what HTML would take as markup. */
static void put_escaped(gw_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<')
            gw_buf_puts(b, "&lt;");
        else if (s[i] == '&')
            gw_buf_puts(b, "&amp;");
        else
            gw_buf_putc(b, s[i]);
    }
}

/* Encodes with characters the target lacks skipped (Big5 has no Simplified forms). */
static void encode(const char *s, size_t n, const char *to, gw_buf *out)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    ck_assert(cd != (iconv_t)-1);
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = gw_utf8_next(s + i, n - i, &cp);
        char o[16], *op = o, *in = (char *)s + i;
        size_t inleft = k, outleft = sizeof o;
        if (iconv(cd, &in, &inleft, &op, &outleft) != (size_t)-1 &&
            iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1)
            gw_buf_append(out, o, (size_t)(op - o));
        iconv(cd, NULL, NULL, NULL, NULL);
        i += k;
    }
    iconv_close(cd);
}

/* The text a browser shows for one seed line: ASCII whitespace runs collapsed, trimmed. */
static void visible_line(gw_buf *b, const char *s, size_t n)
{
    size_t start = b->len;
    int ws = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            ws = 1;
            continue;
        }
        if (ws && b->len > start)
            gw_buf_putc(b, ' ');
        ws = 0;
        gw_buf_putc(b, c);
    }
}

START_TEST(seed_pages)
{
    const page_case *c = &pc[_i];
    size_t n;
    char *orig = read_file(seeds[c->seed], &n);
    /* Keep only what the page's encoding can hold, then build the expected text. */
    gw_buf enc_orig = {0};
    encode(orig, n, c->to, &enc_orig);
    gw_decoded plain;
    ck_assert_int_eq(gw_decode(enc_orig.data, enc_orig.len, c->to, &plain, NULL), GW_OK);
    gw_buf page = {0}, expect = {0}, line_title = {0};
    gw_buf_puts(&page, "<!DOCTYPE html>\n<html><head>");
    if (c->http_equiv)
        gw_buf_printf(&page, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">",
                      c->label);
    else
        gw_buf_printf(&page, "<meta charset=\"%s\">", c->label);
    gw_buf_puts(&page,
                "\n<style>p { margin: 0 }</style><script>var x = \"<p>不是正文</p>\";</script>"
                "<title>");
    const char *nl = memchr(plain.text, '\n', plain.len);
    size_t first_len = nl ? (size_t)(nl - plain.text) : plain.len;
    put_escaped(&page, plain.text, first_len);
    visible_line(&line_title, plain.text, first_len);
    gw_buf_puts(&page, "</title></head>\n<body>\n<!-- 站点导航 -->\n");
    const char *p = plain.text, *end = plain.text + plain.len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        gw_buf_puts(&page, "<p>");
        put_escaped(&page, p, (size_t)(e - p));
        gw_buf_puts(&page, "</p>\n");
        size_t before = expect.len;
        if (expect.len)
            gw_buf_puts(&expect, "\n\n"); /* <p> is a block: a blank line */
        size_t mark = expect.len;
        visible_line(&expect, p, (size_t)(e - p));
        if (expect.len == mark) /* blank lines vanish */
            expect.len = before, expect.data[before] = '\0';
        p = e + 1;
    }
    gw_buf_puts(&page, "</body></html>\n");
    gw_buf bytes = {0};
    encode(page.data, page.len, c->to, &bytes);

    ck_assert(gw_html_is_html(bytes.data, bytes.len, NULL));
    char cs[32];
    ck_assert(gw_html_sniff_charset(bytes.data, bytes.len, cs));
    ck_assert_str_eq(cs, c->label);
    gw_decoded d;
    gw_err err;
    ck_assert_int_eq(gw_decode(bytes.data, bytes.len, cs, &d, &err), GW_OK);
    ck_assert_str_eq(d.encoding, c->expect_enc);
    gw_buf text = {0};
    char *title;
    ck_assert_int_eq(gw_html_to_text(d.text, d.len, &text, &title, &err), GW_OK);
    ck_assert_msg(text.len == expect.len && !memcmp(text.data, expect.data, text.len),
                  "case %d: text differs\n[%s]\n---\n[%s]", _i, text.data, expect.data);
    ck_assert_str_eq(title, line_title.data);
    ck_assert_ptr_null(strstr(text.data, "不是正文"));
    free(title);
    gw_buf_free(&text);
    gw_decoded_free(&d);
    gw_decoded_free(&plain);
    gw_buf_free(&bytes);
    gw_buf_free(&page);
    gw_buf_free(&expect);
    gw_buf_free(&line_title);
    gw_buf_free(&enc_orig);
    free(orig);
}
END_TEST

/* The fixture a user can open: a GBK page whose <meta> says so. */
START_TEST(fixture_gbk_meta_charset)
{
    size_t n;
    char *bytes = read_file("tests/fixtures/gbk-meta-charset.html", &n);
    ck_assert(gw_html_is_html(bytes, n, "gbk-meta-charset.html"));
    char cs[32];
    ck_assert(gw_html_sniff_charset(bytes, n, cs));
    ck_assert_str_eq(cs, "gbk");
    gw_decoded d;
    ck_assert_int_eq(gw_decode(bytes, n, cs, &d, NULL), GW_OK);
    ck_assert_str_eq(d.encoding, "GB18030");
    gw_buf text = {0};
    char *title;
    ck_assert_int_eq(gw_html_to_text(d.text, d.len, &text, &title, NULL), GW_OK);
    ck_assert_str_eq(title, "关于推进机关党建高质量发展的通知");
    ck_assert_str_eq(text.data, "关于推进机关党建高质量发展的通知\n\n"
                                "各单位：为推动机关党建高质量发展，现将有关事项通知如下。\n\n"
                                "来源：市委直属机关工委");
    free(title);
    gw_buf_free(&text);
    gw_decoded_free(&d);
    free(bytes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("html");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, detect_html, 0, (int)(sizeof dc / sizeof dc[0]));
    tcase_add_loop_test(tc, sniff_charset, 0, (int)(sizeof sc / sizeof sc[0]));
    tcase_add_loop_test(tc, page_to_text, 0, (int)(sizeof tc_ / sizeof tc_[0]));
    tcase_add_test(tc, empty_null_and_append);
    tcase_add_test(tc, hostile_pages);
    tcase_add_loop_test(tc, seed_pages, 0, (int)(sizeof pc / sizeof pc[0]));
    tcase_add_test(tc, fixture_gbk_meta_charset);
    suite_add_tcase(s, tc);
    return gw_test_run(s);
}
