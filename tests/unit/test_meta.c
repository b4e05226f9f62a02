/* Unit tests of gw_meta: dates, document numbers, sources, titles; the seeds' expected
 * descriptions (issue 4) on the real files, through gw_clean. */
#include "gw_clean.h"
#include "gw_meta.h"

#include "test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ---- */

static const struct {
    const char *in, *iso;
    int kind;
} date_cases[] = {
    /* 0 */ {"2023年09月18日", "2023-09-18", 2},
    /* 1 */ {"2023年9月18日", "2023-09-18", 2},
    /* 2 */ {"2023-09-18", "2023-09-18", 2},
    /* 3 */ {"2023/9/18", "2023-09-18", 2},
    /* 4 */ {"2023.09.18", "2023-09-18", 2},
    /* 5 */ {"二〇二三年九月十八日", "2023-09-18", 2},
    /* 6 */ {"二〇二三年九月", "2023-09-01", 1},
    /* 7 */ {"２０２３年９月１８日", "2023-09-18", 2},
    /* 8 */ {"2023 年 9 月 18 日", "2023-09-18", 2},
    /* 9 */ {"二〇二〇年十二月三十一日", "2020-12-31", 2},
    /* 10 */ {"二○二三年十月二十日", "2023-10-20", 2},
    /* 11 */ {"2023年2月29日", "", 0},
    /* 12 */ {"2024年2月29日", "2024-02-29", 2},
    /* 13 */ {"2023年13月1日", "", 0},
    /* 14 */ {"2023-9-31", "", 0},
    /* 15 */ {"來源:旗幟網2023年09月18日09:48", "2023-09-18", 2},
    /* 16 */ {"12023-09-18", "", 0},
    /* 17 */ {"2022年,武山縣各機關", "", 0},
    /* 18 */ {"版本1.2.3", "", 0},
    /* 19 */ {"见2023.09.18.1节", "", 0},
    /* 20 */ {"2023年9月18号", "2023-09-18", 2},
    /* 21 */ {"1899年1月1日", "", 0},
    /* 22 */ {"２０２３－０９－１８", "2023-09-18", 2},
    /* 23 */ {"2023-09/18", "", 0},
    /* 24 */ {"2023年9月", "2023-09-01", 1},
    /* 25 */ {"", "", 0},
    /* 26 */ {"二〇二三年二月三十日", "", 0},
    /* 27 */ {"今年2月3日至3月23日", "", 0},
    /* 28 */ {"发布时间：2023-09-18 10:20:00", "2023-09-18", 2},
    /* 29 */ {"2023年9月18", "", 0},
    /* 30 */ {"二〇二三年元月", "", 0},
    /* 31 */ {"2000年2月29日", "2000-02-29", 2},
    /* 32 */ {"1900年2月29日", "", 0},
};

START_TEST(date_table)
{
    char iso[11];
    const char *in = date_cases[_i].in;
    int k = gw_meta_find_date(in, strlen(in), iso, NULL, NULL);
    ck_assert_msg(k == date_cases[_i].kind, "case %d: kind %d", _i, k);
    ck_assert_msg(strcmp(iso, date_cases[_i].iso) == 0, "case %d: '%s'", _i, iso);
}
END_TEST

START_TEST(date_span)
{
    const char *s = "来源：新华社 2023年9月18日 10:00";
    char iso[11];
    size_t off, len;
    ck_assert_int_eq(gw_meta_find_date(s, strlen(s), iso, &off, &len), 2);
    ck_assert_int_eq(strncmp(s + off, "2023年9月18日", len), 0);
    ck_assert_uint_eq(len, strlen("2023年9月18日"));
}
END_TEST

/* ---- document numbers ---- */

static const struct {
    const char *in, *docno;
} docno_cases[] = {
    /* 0 */ {"国发〔2023〕5号", "国发〔2023〕5号"},
    /* 1 */ {"国办发[2023]12号", "国办发[2023]12号"},
    /* 2 */ {"粤府(2023)3号", "粤府(2023)3号"},
    /* 3 */ {"京政发（2023）18号", "京政发（2023）18号"},
    /* 4 */ {"关于印发方案的通知（国发〔2023〕5号）", "国发〔2023〕5号"},
    /* 5 */ {"國發〔2023〕5號", "國發〔2023〕5號"},
    /* 6 */ {"发〔2023〕5号", ""},
    /* 7 */ {"国发〔23〕5号", ""},
    /* 8 */ {"国发〔2023〕号", ""},
    /* 9 */ {"国发〔２０２３〕５号", "国发〔２０２３〕５号"},
    /* 10 */ {"年度(2023)报告", ""},
    /* 11 */ {"黨組(黨委)", ""},
    /* 12 */ {"发文字号：湘政办发【2022】40号", "湘政办发【2022】40号"},
    /* 13 */ {"国发〔2023〕1234567号", ""},
    /* 14 */ {"", ""},
};

START_TEST(docno_table)
{
    const char *in = docno_cases[_i].in;
    size_t off = 0, len = 0;
    int found = gw_meta_find_docno(in, strlen(in), &off, &len);
    char got[128] = "";
    if (found) snprintf(got, sizeof got, "%.*s", (int)len, in + off);
    ck_assert_msg(strcmp(got, docno_cases[_i].docno) == 0, "case %d: '%s'", _i, got);
    ck_assert_int_eq(found, docno_cases[_i].docno[0] != 0);
}
END_TEST

/* ---- whole descriptions ---- */

static const struct {
    const char *body, *meta, *html_title;
    const char *title, *date, *source, *docno;
} doc_cases[] = {
    /* 0: signature at the end: date and issuing body */
    {"关于做好防汛工作的通知\n各区县人民政府：现将有关事项通知如下，请认真贯彻执行。\n"
     "某某市人民政府办公室\n2023年9月18日",
     "", NULL, "关于做好防汛工作的通知", "2023-09-18", "某某市人民政府办公室", ""},
    /* 1: a date inside a paragraph is not the publication date */
    {"标题在这里\n2023年9月18日，我市召开全市机关党建工作会议，总结工作成效，部署下一阶段任务。\n正文。",
     "", NULL, "标题在这里", "", "", ""},
    /* 2: a date line in the head */
    {"标题在这里\n2023-09-18\n正文第一段。", "", NULL, "标题在这里", "2023-09-18", "", ""},
    /* 3: a publication label beats an earlier metadata date */
    {"标题\n正文。", "來源:新华社 2023-09-01\n发布时间：2023-09-18 10:00\n", NULL, "标题",
     "2023-09-18", "新华社", ""},
    /* 4: disclosure header */
    {"正文第一段。",
     "索引号：000014349/2023-00012\n发文机关：国务院\n发文字号：国发〔2023〕5号\n"
     "标　　题：国务院关于印发某方案的通知\n成文日期：2023年03月01日\n",
     NULL, "国务院关于印发某方案的通知", "2023-03-01", "国务院", "国发〔2023〕5号"},
    /* 5: HTML title with a site suffix; the body has the line */
    {"著力推動機關思想政治工作守正創新\n安徽省直機關工委\n正文。", "",
     "著力推動機關思想政治工作守正創新 - 旗幟網", "著力推動機關思想政治工作守正創新", "", "",
     ""},
    /* 6: HTML title, body without it: the longest part */
    {"正文第一段很长很长。", "", "关于做好2023年工作的通知_政策文件_某某市人民政府网",
     "关于做好2023年工作的通知", "", "", ""},
    /* 7: a paragraph first: no title line */
    {"近年来，市委组织部坚持以习近平总书记关于党的建设的重要思想为指引，牢记政治上绝对可靠、对党绝对忠诚的重要要求，"
     "坚持政治立部、从严治部，把机关党的政治建设摆在重要位置，着力建设模范部门和过硬队伍，持续打造坚定拥护的政治机关。",
     "", NULL, "", "", "", ""},
    /* 8: skipped before the title: subtitle, salutation, date line, document number */
    {"——副标题\n同志们：\n2023年9月18日\n国发〔2023〕5号\n真正的标题\n正文。", "", NULL, "真正的标题",
     "2023-09-18", "", "国发〔2023〕5号"},
    /* 9: sources in their many forms */
    {"标题\n正文。", "（新聞來源:武山縣融媒體中心 轉載:李俊鋒）\n", NULL, "标题", "", "武山縣融媒體中心", ""},
    /* 10 */ {"标题\n正文。", "来源：《人民日报》\n", NULL, "标题", "", "人民日报", ""},
    /* 11 */ {"标题\n正文。", "（市委办公室供稿）\n", NULL, "标题", "", "市委办公室", ""},
    /* 12 */ {"标题\n正文。", "供稿：市委宣传部\n", NULL, "标题", "", "市委宣传部", ""},
    /* 13 */ {"标题\n正文。", "来源: 人民网 | 作者：张三\n", NULL, "标题", "", "人民网", ""},
    /* 14 */ {"标题\n正文。", "来源：新华网作者：李四\n", NULL, "标题", "", "新华网", ""},
    /* 15: signature with a date without a day */
    {"关于某事的报告\n正文。\n中共某某县委组织部\n二〇二三年九月", "", NULL, "关于某事的报告",
     "2023-09-01", "中共某某县委组织部", ""},
    /* 16: a docno cited inside a paragraph belongs to another document */
    {"标题\n根据《国务院关于印发某方案的通知》（国发〔2023〕5号）要求，结合我市实际，制定本实施方案，请各地认真贯彻落实并按时报送。",
     "", NULL, "标题", "", "", ""},
    /* 17: empty */
    {"", "", NULL, "", "", "", ""},
    /* 19: source label in the middle of a metadata line */
    {"标题\n正文。", "发布时间：2023-09-18 10:00 来源：新华网 浏览次数：100\n", NULL, "标题", "2023-09-18",
     "新华网", ""},
    /* 18: issuing body beats 来源 */
    {"标题\n正文。", "来源：某某网\n发布机构：某某市人民政府\n", NULL, "标题", "", "某某市人民政府", ""},
};

START_TEST(doc_table)
{
    gw_meta m;
    gw_err err;
    const char *meta = doc_cases[_i].meta;
    ck_assert_int_eq(gw_meta_extract(doc_cases[_i].body, strlen(doc_cases[_i].body), meta,
                                     strlen(meta), doc_cases[_i].html_title, &m, &err),
                     GW_OK);
    ck_assert_msg(strcmp(m.title, doc_cases[_i].title) == 0, "case %d: title '%s'", _i, m.title);
    ck_assert_msg(strcmp(m.date, doc_cases[_i].date) == 0, "case %d: date '%s'", _i, m.date);
    ck_assert_msg(strcmp(m.source, doc_cases[_i].source) == 0, "case %d: source '%s'", _i,
                  m.source);
    ck_assert_msg(strcmp(m.docno, doc_cases[_i].docno) == 0, "case %d: docno '%s'", _i, m.docno);
    gw_meta_free(&m);
}
END_TEST

/* ---- the seeds (issue 4's expectations), on the real files ---- */

static const struct {
    const char *path, *title, *date, *source;
} seeds[] = {
    {"corpus/000_189274416b8a826d.txt",
     "突出政治引領 服務中心大局 堅定不移推動機關黨建高質量發展", "", "武山縣融媒體中心"},
    {"corpus/001_644562c8775a6dbf.txt", "著力推動機關思想政治工作守正創新", "2023-09-18",
     "旗幟網"},
    {"corpus/002_2994eda826c22957.txt", "市委组织部关于模范机关建设情况汇报", "", ""},
    {"corpus/003_58fd5961e537d1e9.txt",
     "在區直系統機關黨委(直屬黨總支)書記抓基層黨建工作責任述職評議會上的講話", "", ""},
    {"corpus/004_3e7bccd1fa082b11.txt", "呼伦贝尔市直属机关党的建设工作会议现场", "",
     "市委直属机关工委"},
};

START_TEST(seed_table)
{
    size_t len;
    char *raw = slurp(seeds[_i].path, &len);
    gw_clean_result r;
    gw_meta m;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    ck_assert_int_eq(gw_meta_extract(r.text, r.len, r.meta, r.meta_len, NULL, &m, NULL), GW_OK);
    ck_assert_msg(strcmp(m.title, seeds[_i].title) == 0, "seed %d: title '%s'", _i, m.title);
    ck_assert_msg(strcmp(m.date, seeds[_i].date) == 0, "seed %d: date '%s'", _i, m.date);
    ck_assert_msg(strcmp(m.source, seeds[_i].source) == 0, "seed %d: source '%s'", _i, m.source);
    ck_assert_str_eq(m.docno, "");
    gw_meta_free(&m);
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(hostile)
{
    gw_meta m;
    gw_err err;
    ck_assert_int_eq(gw_meta_extract(NULL, 0, NULL, 0, NULL, &m, &err), GW_EINVAL);
    ck_assert_int_eq(gw_meta_extract("x", 1, NULL, 0, NULL, NULL, &err), GW_EINVAL);
    gw_meta_free(NULL);
    /* a huge single line, invalid UTF-8 and separators everywhere */
    size_t n = 1u << 20;
    char *t = malloc(n);
    unsigned s = 7;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        t[i] = (char)(1 + (s >> 16) % 255);
    }
    ck_assert_int_eq(gw_meta_extract(t, n, t, n, "_|_ - _", &m, &err), GW_OK);
    ck_assert_ptr_nonnull(m.title);
    ck_assert_ptr_nonnull(m.date);
    gw_meta_free(&m);
    /* one long Han line: the title is not a 1 MB string */
    for (size_t i = 0; i + 3 <= n; i += 3) memcpy(t + i, "中", 3);
    ck_assert_int_eq(gw_meta_extract(t, n / 3 * 3, NULL, 0, NULL, &m, &err), GW_OK);
    ck_assert_str_eq(m.title, "");
    gw_meta_free(&m);
    /* an HTML title made only of separators */
    ck_assert_int_eq(gw_meta_extract("", 0, NULL, 0, " - _|", &m, &err), GW_OK);
    ck_assert_str_eq(m.title, "");
    gw_meta_free(&m);
    free(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("meta");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, date_table, 0, sizeof date_cases / sizeof date_cases[0]);
    tcase_add_test(tc, date_span);
    tcase_add_loop_test(tc, docno_table, 0, sizeof docno_cases / sizeof docno_cases[0]);
    tcase_add_loop_test(tc, doc_table, 0, sizeof doc_cases / sizeof doc_cases[0]);
    tcase_add_loop_test(tc, seed_table, 0, sizeof seeds / sizeof seeds[0]);
    tcase_add_test(tc, hostile);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gw_test_run(suite());
}
