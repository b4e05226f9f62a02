/* Unit tests of gw_clean: pinyin annotations, line rules (built-in and user file),
 * mojibake, repeated titles, hard line wraps, on numbered cases and on the real seeds. */
#include "gw_clean.h"

#include "test_util.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* count_of with a one-byte needle, without strstr: under AddressSanitizer every strstr
 * call measures the whole remaining haystack, which makes counting 200,000 line breaks
 * quadratic. */
static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++) n += *s == c;
    return n;
}

#define SEED0 "corpus/000_189274416b8a826d.txt"
#define SEED1 "corpus/001_644562c8775a6dbf.txt"
#define SEED2 "corpus/002_2994eda826c22957.txt"
#define SEED3 "corpus/003_58fd5961e537d1e9.txt"
#define SEED4 "corpus/004_3e7bccd1fa082b11.txt"

/* ---- 1. pinyin annotations, table-driven ---- */

static const struct {
    const char *in, *out;
    size_t count;
} pinyin_cases[] = {
    /* 0 */ {"發(fā)展", "發展", 1},
    /* 1 */ {"發（fā）展", "發展", 1},
    /* 2 */ {"發(fā）展", "發展", 1},
    /* 3 */ {"黨組(黨委)", "黨組(黨委)", 0},
    /* 4 */ {"年度(2023)", "年度(2023)", 0},
    /* 5 */ {"中共(CPC)", "中共(CPC)", 0},
    /* 6 */ {"中(fa)国", "中(fa)国", 0},                   /* no tone mark */
    /* 7 */ {"中(zhōngguóó)", "中(zhōngguóó)", 0},           /* 8 letters */
    /* 8 */ {"a(fā)b", "a(fā)b", 0},                         /* no Han before */
    /* 9 */ {"(fā)(fā)(fā)", "(fā)(fā)(fā)", 0},
    /* 10 */ {"發(fa\xcc\x84)展", "發展", 1},                /* decomposed macron */
    /* 11 */ {"發(fā展", "發(fā展", 0},                       /* unclosed */
    /* 12 */ {"嗯(ńg)", "嗯", 1},
    /* 13 */ {"欸(ê\xcc\x84)", "欸", 1},
    /* 14 */ {"統(tǒng)領(lǐng)", "統領", 2},
    /* 15 */ {"創(chuàng)新", "創新", 1},
    /* 16 */ {"綠(lǜ)色", "綠色", 1},
    /* 17 */ {"中( fā)国", "中( fā)国", 0},                   /* space: not an annotation */
    /* 18 */ {"中()国", "中()国", 0},
    /* 19 */ {"", "", 0},
    /* 20 */ {"發(fā)", "發", 1},                             /* at the very end */
    /* 21 */ {"中(Zhōng)", "中", 1},
    /* 22 */ {"中(ZHŌNG)", "中", 1},
    /* 23 */ {"發(fā)(fā)展", "發(fā)展", 1},                   /* only right after Han */
    /* 24 */ {"（fā）", "（fā）", 0},
    /* 25 */ {"發\xef\xbc", "發\xef\xbc", 0},              /* truncated U+FF08 */
    /* 26 */ {"發(", "發(", 0},
};

START_TEST(pinyin_table)
{
    gw_buf b = {0};
    size_t n = gw_clean_pinyin(pinyin_cases[_i].in, strlen(pinyin_cases[_i].in), &b);
    ck_assert_msg(n == pinyin_cases[_i].count, "case %d: count %zu", _i, n);
    ck_assert_msg(strcmp(b.data ? b.data : "", pinyin_cases[_i].out) == 0, "case %d: got '%s'",
                  _i, b.data ? b.data : "");
    gw_buf_free(&b);
}
END_TEST

/* ---- 2. whole-text cases, table-driven ---- */

typedef struct { size_t pinyin, boiler, meta, moj, tails, rep, join; } counts;

static const struct {
    const char *in, *text, *meta;
    counts c;
} text_cases[] = {
    /* 0: empty */
    {"", "", "", {0, 0, 0, 0, 0, 0, 0}},
    /* 1: only blank lines and spaces */
    {"\n \n\t\n\xe3\x80\x80\n", "", "", {0}},
    /* 2: only boilerplate */
    {"當前位置:文範網 >\n講話致辭 >領導講話稿 >\n投稿郵箱:a@b.c\n站內搜索:\n文字缩放:\n版权声明:xx\n",
     "", "", {0, 6, 0, 0, 0, 0, 0}},
    /* 3: breadcrumbs with » and full-width ＞; a '>' inside a sentence stays */
    {"首页 » 新闻中心 » 正文\n首頁＞要聞\n收入>支出，说明财务状况良好。\n",
     "收入>支出，说明财务状况良好。", "", {0, 2, 0, 0, 0, 0, 0}},
    /* 4: metadata lines go to meta, trimmed, in order */
    {"标题行\n來源:旗幟網2023年09月18日09:48\n正文。\n　（市委办公室供稿）\n",
     "标题行\n正文。", "來源:旗幟網2023年09月18日09:48\n（市委办公室供稿）\n", {0, 0, 2, 0, 0, 0, 0}},
    /* 5: rules match the key: spaces inside the label, full-width colon */
    {"来 源 ： 新华社\n正文\n", "正文", "来 源 ： 新华社\n", {0, 0, 1, 0, 0, 0, 0}},
    /* 6: a long paragraph that mentions a rule word is not boilerplate */
    {"本单位依法维护作品的版权所有人的合法权益，打印本页所列材料须经审批，并按规定分享到各部门。",
     "本单位依法维护作品的版权所有人的合法权益，打印本页所列材料须经审批，并按规定分享到各部门。", "",
     {0, 0, 0, 0, 0, 0, 0}},
    /* 7: U+FFFD line dropped */
    {"正文一。\n\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n正文二。\n", "正文一。\n正文二。", "",
     {0, 0, 0, 1, 0, 0, 0}},
    /* 8: UTF-8 read as GBK, and as cp1252: dropped */
    {"鍏氱殑寤鸿�炬槸涓�鍒囧伐浣滅殑缁熼��\nå…šçš„å»ºè®¾æ˜¯ä¸€åˆ‡å·¥ä½œçš„ç»Ÿé¢†\n正文。",
     "正文。", "", {0, 0, 0, 2, 0, 0, 0}},
    /* 9: ordinary lines that look odd are kept: rare names, '?' in Latin, short rare run */
    {"鄂歆奕\nWhat?\n魑魅魍魉\n蘇軾、歐陽脩\nα β γ\n",
     "鄂歆奕\nWhat?\n魑魅魍魉\n蘇軾、歐陽脩\nα β γ", "", {0}},
    /* 10: garbled tail with a broken tag (seed 000, line 17) */
    {"鞏固提升忠誠干凈擔當?shù)牧己眯蜗蟆?/P>", "鞏固提升忠誠干凈擔當", "", {0, 0, 0, 0, 1, 0, 0}},
    /* 11: a bare closing tag at the end of a line */
    {"这是正文。</P>", "这是正文。", "", {0, 0, 0, 0, 1, 0, 0}},
    /* 12: repeated title in the head collapses; blank lines between do not matter */
    {"标题\n\n标题\n\n 标题 \n同志们：\n正文。", "标题\n\n同志们：\n正文。", "", {0, 0, 0, 0, 0, 2, 0}},
    /* 13: a repeated line after the first paragraph is text */
    {"标题\n这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文。\n标题\n",
     "标题\n这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文这是第一段很长的正文。\n标题",
     "", {0}},
    /* 14: CRLF and lone CR endings */
    {"第一行\r\n第二行\r第三行\r\n", "第一行\n第二行\n第三行", "", {0}},
    /* 15: NUL bytes become spaces and never end the text */
    {"第一\0行\n第二行", "第一 行\n第二行", "", {0}},
    /* 16: pinyin counted across lines */
    {"發(fā)展\n統(tǒng)一", "發展\n統一", "", {2, 0, 0, 0, 0, 0, 0}},
    /* 17: exact-line rules only match the whole line */
    {"专题\n专题研究部署工作", "专题研究部署工作", "", {0, 1, 0, 0, 0, 0, 0}},
    /* 18: a bare 时间: line is metadata only with a source on it (else: a meeting's time) */
    {"时间：2023-09-18 来源：新华网\n时间：9月18日上午9时\n资金来源：财政拨款\n",
     "时间：9月18日上午9时\n资金来源：财政拨款", "时间：2023-09-18 来源：新华网\n", {0, 0, 1, 0, 0, 0, 0}},
    /* 19: a comparison is not a breadcrumb */
    {"温度>30℃\n首页>通知公告\n结论：甲>乙\n您所在的位置：首页 > 新闻\n位置：首页>政策\n",
     "温度>30℃\n结论：甲>乙", "", {0, 3, 0, 0, 0, 0, 0}},
    /* 20: a blank line (white space only, several in a row) is kept as one paragraph
     * break: white space alone no longer separates Han text (gw_norm.h) */
    {"第一段高质量\n \t\n\n发展。\n第二行", "第一段高质量\n\n发展。\n第二行", "", {0}},
};

START_TEST(text_table)
{
    gw_clean_result r;
    gw_err err;
    const char *in = text_cases[_i].in;
    size_t len = strlen(in);
    if (_i == 15) len = 3 + 3 + 1 + 3 + 1 + 3 + 3 + 3;
    ck_assert_int_eq(gw_clean_run(NULL, in, len, &r, &err), GW_OK);
    ck_assert_msg(strcmp(r.text, text_cases[_i].text) == 0, "case %d: text '%s'", _i, r.text);
    ck_assert_uint_eq(r.len, strlen(r.text));
    ck_assert_msg(strcmp(r.meta, text_cases[_i].meta) == 0, "case %d: meta '%s'", _i, r.meta);
    const counts *c = &text_cases[_i].c;
    ck_assert_msg(r.stats.pinyin == c->pinyin, "case %d: pinyin %zu", _i, r.stats.pinyin);
    ck_assert_msg(r.stats.boilerplate == c->boiler, "case %d: boilerplate %zu", _i,
                  r.stats.boilerplate);
    ck_assert_msg(r.stats.metadata == c->meta, "case %d: metadata %zu", _i, r.stats.metadata);
    ck_assert_msg(r.stats.mojibake == c->moj, "case %d: mojibake %zu", _i, r.stats.mojibake);
    ck_assert_msg(r.stats.mojibake_tails == c->tails, "case %d: tails %zu", _i,
                  r.stats.mojibake_tails);
    ck_assert_msg(r.stats.repeated_title == c->rep, "case %d: repeated %zu", _i,
                  r.stats.repeated_title);
    ck_assert_msg(r.stats.joined_wraps == c->join, "case %d: joined %zu", _i,
                  r.stats.joined_wraps);
    gw_clean_result_free(&r);
}
END_TEST

/* ---- 3. hard line wraps ---- */

/* A text wrapped at 20 characters (40 columns): paragraphs indented with two U+3000. */
static const char *wrapped =
    "关于加强机关党建工作的通知\n"
    "　　各单位：为深入贯彻落实党中央关于加强\n"
    "机关党的建设的决策部署，进一步推动机关党\n"
    "建高质量发展，现就有关事项通知如下。\n"
    "　　一、提高政治站位，切实增强做好机关党\n"
    "建工作的责任感和使命感，把党的政治建设摆\n"
    "在首位，推动各项工作落地见效，确保取得实\n"
    "效。\n"
    "　　二、强化责任落实。\n";

START_TEST(wraps_joined)
{
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, wrapped, strlen(wrapped), &r, NULL), GW_OK);
    ck_assert_str_eq(r.text,
                     "关于加强机关党建工作的通知\n"
                     "各单位：为深入贯彻落实党中央关于加强机关党的建设的决策部署，进一步推动机关党"
                     "建高质量发展，现就有关事项通知如下。\n"
                     "一、提高政治站位，切实增强做好机关党建工作的责任感和使命感，把党的政治建设摆"
                     "在首位，推动各项工作落地见效，确保取得实效。\n"
                     "二、强化责任落实。");
    ck_assert_uint_eq(r.stats.joined_wraps, 5);
    /* the phrase split by the wrap is whole again */
    ck_assert_ptr_nonnull(strstr(r.text, "机关党建高质量发展"));
    gw_clean_result_free(&r);
}
END_TEST

/* Short lines (captions, headings) of a text of long paragraphs are never joined, even
 * when they end and start with Han characters (seed 004 starts with five captions). */
START_TEST(wraps_not_joined)
{
    static const char *t =
        "呼伦贝尔市直属机关党的建设工作会议现场\n"
        "市委直属机关工委领导到党员中心户家中进行走访\n"
        "市发改委党员突击队\n"
        "扎根铸魂—以政治建设为根本建设\n"
        "提高政治能力，围绕主线政治建设摆首位。党的政治建设是党的根本性建设，决定党的建设的方向和效果。"
        "市直机关各级党组织始终牢记政治机关属性。\n"
        "深学笃行—以理论武装铸牢信仰之基\n"
        "中心组示范引领。市直机关各党委理论学习中心组认真贯彻落实中心组巡听旁听制度，精心组织学习。\n";
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, t, strlen(t), &r, NULL), GW_OK);
    ck_assert_uint_eq(r.stats.joined_wraps, 0);
    ck_assert_uint_eq(count_of(r.text, "\n"), 6);
    gw_clean_result_free(&r);
}
END_TEST

/* An indented line after a full line starts a paragraph: not joined. */
START_TEST(wraps_indent_kept)
{
    static const char *t =
        "　　为深入贯彻落实党中央关于加强机关党的\n"
        "建设的决策部署，进一步推动机关党建高质量\n"
        "发展，现就有关事项通知如下各单位要认真贯\n"
        "　　彻落实并及时报告落实情况和存在的问题\n";
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, t, strlen(t), &r, NULL), GW_OK);
    ck_assert_uint_eq(r.stats.joined_wraps, 2);
    ck_assert_uint_eq(count_of(r.text, "\n"), 1);
    gw_clean_result_free(&r);
}
END_TEST

/* ---- 3b. hard line wraps, table-driven: what a reader sees once the wraps are gone ----
 * Built the way an export wraps (bench/gen/gen.py, function wrap): a break every n
 * characters, only between two Han characters; or at a fixed width in display columns. */

static const struct {
    const char *in, *text;
    size_t joins;
} wrap_cases[] = {
    /* 0: a text wrapped every 20 characters (ASCII commas: widths vary in columns), paragraphs separated by a single line break */
    {
     "关于加强机关党建工作的通知\n"
     "为深入贯彻落实党中央关于加强机关党的建设\n"
     "的决策部署,进一步推动机关党建高质量发展,现\n"
     "就有关事项通知如下。各单位要提高政治站位,切\n"
     "实增强做好机关党建工作的责任感和使命感。\n"
     "把党的政治建设摆在首位,推动各项工作落地\n"
     "见效,确保取得实效;要加强理论武装,深化\n"
     "学习贯彻,坚持以上率下,不断提升机关党建\n"
     "工作质量和水平,为全市高质量发展提供坚强\n"
     "保证。\n",
     "关于加强机关党建工作的通知\n为深入贯彻落实党中央关于加强机关党的建设的决策部署,进一步推动机关党建高质量发展,现就有关事项通知如下。各单位要提高政治站位,切实增强做好机关党建工作的责任感和使命感。\n把党的政治建设摆在首位,推动各项工作落地见效,确保取得实效;要加强理论武装,深化学习贯彻,坚持以上率下,不断提升机关党建工作质量和水平,为全市高质量发展提供坚强保证。",
     7},
    /* 1: paragraphs indented with two U+3000: the indented line starts a paragraph even after a full line ending in Han */
    {
     "关于加强机关党建工作的通知\n"
     "　　为深入贯彻落实党中央关于加强机关党的建设\n"
     "的决策部署,进一步推动机关党建高质量发展,现\n"
     "就有关事项通知如下。各单位要提高政治站位,切\n"
     "实增强做好机关党建工作的责任感和使命感\n"
     "　　把党的政治建设摆在首位,推动各项工作落地\n"
     "见效,确保取得实效;要加强理论武装,深化\n"
     "学习贯彻,坚持以上率下,不断提升机关党建\n"
     "工作质量和水平,为全市高质量发展提供坚强\n"
     "保证。\n",
     "关于加强机关党建工作的通知\n为深入贯彻落实党中央关于加强机关党的建设的决策部署,进一步推动机关党建高质量发展,现就有关事项通知如下。各单位要提高政治站位,切实增强做好机关党建工作的责任感和使命感\n把党的政治建设摆在首位,推动各项工作落地见效,确保取得实效;要加强理论武装,深化学习贯彻,坚持以上率下,不断提升机关党建工作质量和水平,为全市高质量发展提供坚强保证。",
     7},
    /* 2: a short heading, a line starting with (三), 1. after a full line: never joined */
    {
     "关于加强机关党建工作的通知\n"
     "为深入贯彻落实党中央关于加强机关党的建设\n"
     "的决策部署,进一步推动机关党建高质量发展,现\n"
     "就有关事项通知如下。各单位要提高政治站位,切\n"
     "实增强做好机关党建工作的责任感和使命感。\n"
     "二、强化责任落实\n"
     "把党的政治建设摆在首位,推动各项工作落地\n"
     "见效,确保取得实效;要加强理论武装,深化\n"
     "学习贯彻,坚持以上率下,不断提升机关党建\n"
     "工作质量和水平,为全市高质量发展提供坚强\n"
     "(三)持续深化模范机关创建工作\n"
     "1.建立健全工作机制\n",
     "关于加强机关党建工作的通知\n为深入贯彻落实党中央关于加强机关党的建设的决策部署,进一步推动机关党建高质量发展,现就有关事项通知如下。各单位要提高政治站位,切实增强做好机关党建工作的责任感和使命感。\n二、强化责任落实\n把党的政治建设摆在首位,推动各项工作落地见效,确保取得实效;要加强理论武装,深化学习贯彻,坚持以上率下,不断提升机关党建工作质量和水平,为全市高质量发展提供坚强\n(三)持续深化模范机关创建工作\n1.建立健全工作机制",
     6},
    /* 3: a list of titles of similar length, each ending and starting with Han: not prose, not joined */
    {
     "市委组织部关于模范机关建设情况的汇报材料\n"
     "市直机关工委关于开展主题党日活动的通知要求\n"
     "市发展和改革委员会关于加强党建工作的实施意见\n"
     "市财政局关于进一步规范党费收缴管理工作的通知\n"
     "市教育局关于深化机关作风建设专项行动的方案\n"
     "市卫生健康委员会关于做好疫情防控工作的意见\n",
     "市委组织部关于模范机关建设情况的汇报材料\n市直机关工委关于开展主题党日活动的通知要求\n市发展和改革委员会关于加强党建工作的实施意见\n市财政局关于进一步规范党费收缴管理工作的通知\n市教育局关于深化机关作风建设专项行动的方案\n市卫生健康委员会关于做好疫情防控工作的意见",
     0},
    /* 4: the same text in Traditional characters */
    {
     "關於加強機關黨建工作的通知\n"
     "爲深入貫徹落實黨中央關於加強機關黨的建設\n"
     "的決策部署,進一步推動機關黨建高質量發展,現\n"
     "就有關事項通知如下。各單位要提高政治站位,切\n"
     "實增強做好機關黨建工作的責任感和使命感。\n"
     "把黨的政治建設擺在首位,推動各項工作落地\n"
     "見效,確保取得實效;要加強理論武裝,深化\n"
     "學習貫徹,堅持以上率下,不斷提升機關黨建\n"
     "工作質量和水平,爲全市高質量發展提供堅強\n"
     "保證。\n",
     "關於加強機關黨建工作的通知\n爲深入貫徹落實黨中央關於加強機關黨的建設的決策部署,進一步推動機關黨建高質量發展,現就有關事項通知如下。各單位要提高政治站位,切實增強做好機關黨建工作的責任感和使命感。\n把黨的政治建設擺在首位,推動各項工作落地見效,確保取得實效;要加強理論武裝,深化學習貫徹,堅持以上率下,不斷提升機關黨建工作質量和水平,爲全市高質量發展提供堅強保證。",
     7},
    /* 5: Han next to a digit or a Latin word is joined without a space (2022|年, G20|峰会); two Latin letters or digits (IPv|6, 100|000) are not: a space may have been lost */
    {
     "关于加强机关党建工作的通知\n"
     "市直机关各级党组织认真落实精神,全年2022\n"
     "年共开展主题党日活动三百余次,推动服务G20\n"
     "峰会保障工作落地见效,完成网络全覆盖和IPv\n"
     "6改造任务,累计投入专项资金合计人民币100\n"
     "000元,各项工作取得明显成效。\n",
     "关于加强机关党建工作的通知\n市直机关各级党组织认真落实精神,全年2022年共开展主题党日活动三百余次,推动服务G20峰会保障工作落地见效,完成网络全覆盖和IPv\n6改造任务,累计投入专项资金合计人民币100\n000元,各项工作取得明显成效。",
     2},
    /* 6: Traditional with pinyin annotations, wrapped as written (annotations counted in the width) */
    {
     "關於加強機關黨建工作的通知\n"
     "爲深入貫徹落實(shí)黨中央關(guān)於加強機\n"
     "關(guān)黨的建(jiàn)設的決策部署,進一步\n"
     "推動機(jī)關黨(dǎng)建高質量發(fā)展,現\n"
     "就有關事項通知如下。各單位要提高政治站位,切實(shí)增\n"
     "強做好機關(guān)黨建(jiàn)工作的責任感和\n"
     "使命感。\n"
     "把黨(dǎng)的政治建設(shè)擺在首位,推動各\n"
     "項工作落地見效,確保取得實效;要加強理論武裝,深化學\n"
     "習貫徹,堅持以上率下,不斷提升機(jī)關黨(dǎng)建\n"
     "工作質量和水平,爲全市高質量發(fā)展提供堅強保證。\n",
     "關於加強機關黨建工作的通知\n爲深入貫徹落實黨中央關於加強機關黨的建設的決策部署,進一步推動機關黨建高質量發展,現就有關事項通知如下。各單位要提高政治站位,切實增強做好機關黨建工作的責任感和使命感。\n把黨的政治建設擺在首位,推動各項工作落地見效,確保取得實效;要加強理論武裝,深化學習貫徹,堅持以上率下,不斷提升機關黨建工作質量和水平,爲全市高質量發展提供堅強保證。",
     8},
    /* 7: a fixed width of 40 display columns (Han = 2, ASCII = 1) */
    {
     "关于加强机关党建工作的通知\n"
     "2023年全市共发展党员1260名,比上年增长15.6%;组\n"
     "织开展专题培训85期,培训党员干部12000人次,覆\n"
     "盖全部369个基层党组织。全年共评选表彰先\n"
     "进基层党组织48个、优秀共产党员236名,为推\n"
     "动高质量发展提供了坚强组织保证。\n",
     "关于加强机关党建工作的通知\n2023年全市共发展党员1260名,比上年增长15.6%;组织开展专题培训85期,培训党员干部12000人次,覆盖全部369个基层党组织。全年共评选表彰先进基层党组织48个、优秀共产党员236名,为推动高质量发展提供了坚强组织保证。",
     4},
};

START_TEST(wrap_table)
{
    gw_clean_result r;
    const char *in = wrap_cases[_i].in;
    ck_assert_int_eq(gw_clean_run(NULL, in, strlen(in), &r, NULL), GW_OK);
    ck_assert_msg(strcmp(r.text, wrap_cases[_i].text) == 0, "case %d: text '%s'", _i, r.text);
    ck_assert_msg(r.stats.joined_wraps == wrap_cases[_i].joins, "case %d: joined %zu", _i,
                  r.stats.joined_wraps);
    gw_clean_result_free(&r);
}
END_TEST

/* Wrapping a real seed changes nothing a reader sees: each seed, cleaned, then every line
 * (but the first, the title) hard-wrapped every n characters between two Han characters,
 * cleaned again, gives the same text; and the seeds themselves have no join at all. */
static const char *const seeds[] = {SEED0, SEED1, SEED2, SEED3, SEED4};

static int han_at(const char *s, size_t len)
{
    uint32_t cp;
    if (len == 0) return 0;
    gw_utf8_next(s, len, &cp);
    return gw_clean_is_han(cp);
}

static void wrap_text(const char *t, size_t width, gw_buf *out)
{
    const char *line = t;
    int first = 1;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t i = 0, chars = 0;
        uint32_t prev = 0;
        while (i < len) {
            uint32_t cp;
            size_t k = gw_utf8_next(line + i, len - i, &cp);
            if (!first && chars >= width && gw_clean_is_han(prev) && han_at(line + i, len - i)) {
                gw_buf_putc(out, '\n');
                chars = 0;
            }
            gw_buf_append(out, line + i, k);
            prev = cp;
            chars++;
            i += k;
        }
        gw_buf_putc(out, '\n');
        first = 0;
        line += len + (end ? 1 : 0);
    }
}

START_TEST(seeds_wrapped_rejoined)
{
    static const size_t widths[] = {20, 30, 45};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t len;
        char *raw = slurp(seeds[s], &len);
        gw_clean_result a, b;
        ck_assert_int_eq(gw_clean_run(NULL, raw, len, &a, NULL), GW_OK);
        ck_assert_msg(a.stats.joined_wraps == 0, "seed %zu: %zu joins", s, a.stats.joined_wraps);
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            gw_buf wr = {0};
            wrap_text(a.text, widths[w], &wr);
            ck_assert_int_eq(gw_clean_run(NULL, wr.data, wr.len, &b, NULL), GW_OK);
            ck_assert_msg(b.stats.joined_wraps > 0, "seed %zu width %zu", s, widths[w]);
            size_t d = 0;
            while (a.text[d] && a.text[d] == b.text[d]) d++;
            ck_assert_msg(a.text[d] == b.text[d], "seed %zu width %zu: differs at %zu: '%.120s'",
                          s, widths[w], d, b.text + (d > 60 ? d - 60 : 0));
            gw_clean_result_free(&b);
            gw_buf_free(&wr);
        }
        gw_clean_result_free(&a);
        free(raw);
    }
}
END_TEST

/* ---- 4. the real seeds ---- */

/* ---- demoted lines: every line not in the body is in the metadata or the chrome ---- */

START_TEST(demoted_lines)
{
    static const char *in =
        "當前位置:文範網 > 講話致辭\n"
        "關於加強審計工作的通知\n"
        "來源:北京市審計局 發布時間:2023-09-18\n"
        "各區審計局:現將有關事項通知如下。\n"
        "\xc3\xa5\xe2\x80\xa6\xc5\xa1\xc3\xa7\xc2\x9a\xc2\x84\xc3\xa9\xc2\xab\xc2\x98\n"
        "要樹立擔當?shù)牧己眯蜗蟆?/P>\n"
        "責任編輯:張三豐\n"
        "保存所有设置并关闭窗口。\n"
        "【打印本页】【关闭窗口】\n"
        "浏览次数:128\n";
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, in, strlen(in), &r, NULL), GW_OK);
    ck_assert_str_eq(r.text, "關於加強審計工作的通知\n"
                             "各區審計局:現將有關事項通知如下。\n"
                             "要樹立擔當\n"
                             "保存所有设置并关闭窗口。"); /* a sentence, not a link */
    ck_assert_str_eq(r.meta, "來源:北京市審計局 發布時間:2023-09-18\n責任編輯:張三豐\n");
    ck_assert_str_eq(r.chrome, "當前位置:文範網 > 講話致辭\n"
                               "\xc3\xa5\xe2\x80\xa6\xc5\xa1\xc3\xa7\xc2\x9a\xc2\x84"
                               "\xc3\xa9\xc2\xab\xc2\x98\n"
                               "?shù)牧己眯蜗蟆?/P>\n"
                               "【打印本页】【关闭窗口】\n"
                               "浏览次数:128\n");
    ck_assert_uint_eq(r.chrome_len, strlen(r.chrome));
    ck_assert_str_eq(r.chrome_kinds, "bmtbb");
    ck_assert_uint_eq(r.stats.boilerplate, 3);
    ck_assert_uint_eq(r.stats.mojibake, 1);
    ck_assert_uint_eq(r.stats.mojibake_tails, 1);
    ck_assert_uint_eq(r.stats.metadata, 2);
    gw_clean_result_free(&r);
    gw_clean_result_free(&r); /* twice: a no-op */

    /* nothing demoted: empty parts, never NULL */
    ck_assert_int_eq(gw_clean_run(NULL, "正文\n", 7, &r, NULL), GW_OK);
    ck_assert_str_eq(r.meta, "");
    ck_assert_str_eq(r.chrome, "");
    ck_assert_str_eq(r.chrome_kinds, "");
    ck_assert_uint_eq(r.chrome_len, 0);
    gw_clean_result_free(&r);
}
END_TEST

START_TEST(seed0_pinyin)
{
    size_t len;
    char *raw = slurp(SEED0, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    ck_assert_uint_eq(r.stats.pinyin, 68);
    ck_assert_uint_eq(count_of(raw, "高質量發展"), 0);
    ck_assert_uint_eq(count_of(r.text, "高質量發展"), 2);
    ck_assert_uint_eq(count_of(r.text, "(fā)"), 0);
    ck_assert_uint_eq(count_of(r.text, "ā"), 0);
    /* the title line, first, without annotations */
    ck_assert_int_eq(strncmp(r.text, "突出政治引領 服務中心大局 堅定不移推動機關黨建高質量發展\n",
                             strlen("突出政治引領 服務中心大局 堅定不移推動機關黨建高質量發展\n")), 0);
    ck_assert_uint_eq(r.stats.metadata, 1);
    ck_assert_str_eq(r.meta, "(新聞來源:武山縣融媒體中心 轉載:李俊鋒)\n");
    ck_assert_uint_eq(r.stats.mojibake_tails, 1);
    ck_assert_uint_eq(count_of(r.text, "/P>"), 0);
    ck_assert_uint_eq(count_of(r.text, "忠誠干凈擔當\n"), 1);
    /* the cut tail is kept as chrome: its shù stays findable */
    ck_assert_str_eq(r.chrome, "?shù)牧己眯蜗蟆?/P>\n");
    ck_assert_str_eq(r.chrome_kinds, "t");
    ck_assert_uint_eq(r.stats.boilerplate + r.stats.mojibake + r.stats.repeated_title +
                          r.stats.joined_wraps, 0);
    /* 9 paragraphs + title + subtitle: nothing joined; the 8 blank lines between the
     * paragraphs stay paragraph breaks, one blank line each */
    ck_assert_uint_eq(count_of(r.text, "\n"), 18);
    ck_assert_uint_eq(count_of(r.text, "\n\n"), 8);
    ck_assert_uint_eq(count_of(r.text, "\n\n\n"), 0);
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

START_TEST(seed1_boilerplate)
{
    size_t len;
    char *raw = slurp(SEED1, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    ck_assert_uint_eq(r.stats.boilerplate, 4); /* 投稿郵箱 站內搜索 旗幟網>> 文字縮放 */
    ck_assert_uint_eq(r.stats.metadata, 2);    /* 來源:… and ( 編輯:… ) */
    ck_assert_uint_eq(r.stats.pinyin, 0);
    ck_assert_int_eq(strncmp(r.text, "著力推動機關思想政治工作守正創新\n\n安徽省直機關工委\n\n",
                             strlen("著力推動機關思想政治工作守正創新\n\n安徽省直機關工委\n\n")), 0);
    ck_assert_uint_eq(count_of(r.text, "投稿"), 0);
    ck_assert_uint_eq(count_of(r.text, "站內搜索"), 0);
    ck_assert_uint_eq(count_of(r.text, "文字縮放"), 0);
    ck_assert_uint_eq(count_of(r.text, ">"), 0);
    ck_assert_uint_eq(count_of(r.text, "來源:"), 0);
    ck_assert_uint_eq(count_of(r.text, "簽發"), 0);
    ck_assert_uint_eq(count_of(r.meta, "來源:旗幟網2023年09月18日09:48\n"), 1);
    /* real parentheses stay */
    ck_assert_uint_eq(count_of(r.text, "(黨委)"), count_of(raw, "(黨委)"));
    ck_assert_uint_eq(count_of(r.text, "(組織生活會)"), 1);
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

START_TEST(seed2_title_twice)
{
    size_t len;
    char *raw = slurp(SEED2, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    ck_assert_uint_eq(count_of(raw, "市委组织部关于模范机关建设情况汇报"), 2);
    ck_assert_uint_eq(count_of(r.text, "市委组织部关于模范机关建设情况汇报"), 1);
    ck_assert_uint_eq(r.stats.repeated_title, 1);
    ck_assert_uint_eq(count_of(r.text, "\n\n\n"), 0); /* at most one blank line */
    ck_assert_uint_eq(count_of(r.text, "(单位)"), count_of(raw, "(单位)"));
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

START_TEST(seed3_title_four_times)
{
    size_t len;
    char *raw = slurp(SEED3, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    static const char *title = "在區直系統機關黨委(直屬黨總支)書記抓基層黨建工作責任述職評議會上的講話";
    ck_assert_uint_eq(count_of(raw, title), 4);
    ck_assert_uint_eq(count_of(r.text, title), 1);
    ck_assert_int_eq(strncmp(r.text, title, strlen(title)), 0);
    ck_assert_uint_eq(r.stats.repeated_title, 3);
    /* 當前位置, the breadcrumb, the copyright line, the lone 專題 */
    ck_assert_uint_eq(r.stats.boilerplate, 4);
    ck_assert_uint_eq(count_of(r.text, "當前位置"), 0);
    ck_assert_uint_eq(count_of(r.text, "領導講話稿"), 0);
    ck_assert_uint_eq(count_of(r.text, "版權"), 0);
    ck_assert_uint_eq(count_of(r.text, "專題"), 0);
    /* ... all kept as chrome, in document order */
    ck_assert_str_eq(r.chrome_kinds, "bbbb");
    ck_assert_int_eq(strncmp(r.chrome, "當前位置:文範網 >\n講話致辭 >領導講話稿 >\n• 文章版權屬於",
                             strlen("當前位置:文範網 >\n講話致辭 >領導講話稿 >\n• 文章版權屬於")),
                     0);
    ck_assert_str_eq(r.chrome + r.chrome_len - strlen("\n專題\n"), "\n專題\n");
    ck_assert_uint_eq(count_char(r.chrome, '\n'), 4);
    /* the text ends with the last paragraph */
    static const char *last = "為完成區直機關黨建工作任務作出新的貢獻。";
    ck_assert_str_eq(r.text + r.len - strlen(last), last);
    /* headings stay separate lines */
    ck_assert_uint_eq(count_of(r.text, "\n一、堅持高站位,以着眼全局的戰略思維推進機關黨建\n"), 1);
    ck_assert_uint_eq(r.stats.joined_wraps, 0);
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

START_TEST(seed4_captions_and_provider)
{
    size_t len;
    char *raw = slurp(SEED4, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
    /* the five caption lines are untouched */
    size_t head = 0;
    for (int nl = 0; nl < 5; head++)
        if (raw[head] == '\n') nl++;
    ck_assert_int_eq(strncmp(r.text, raw, head), 0);
    ck_assert_uint_eq(r.stats.joined_wraps, 0);
    ck_assert_uint_eq(r.stats.metadata, 1);
    ck_assert_str_eq(r.meta, "本版文图由 市委直属机关工委 提供\n");
    ck_assert_uint_eq(r.stats.boilerplate, 1);
    ck_assert_uint_eq(count_of(r.text, "版权声明"), 0);
    ck_assert_uint_eq(count_of(r.text, "\n"), 33); /* 36 lines - 2 removed, no blanks */
    ck_assert_uint_eq(count_of(r.text, "高质量发展"), count_of(raw, "高质量发展"));
    gw_clean_result_free(&r);
    free(raw);
}
END_TEST

/* No seed loses a normal line to the mojibake test. */
START_TEST(seeds_no_false_mojibake)
{
    static const char *seeds[] = {SEED0, SEED1, SEED2, SEED3, SEED4};
    for (int i = 0; i < 5; i++) {
        size_t len;
        char *raw = slurp(seeds[i], &len);
        gw_clean_result r;
        ck_assert_int_eq(gw_clean_run(NULL, raw, len, &r, NULL), GW_OK);
        ck_assert_msg(r.stats.mojibake == 0, "%s: %zu lines dropped", seeds[i], r.stats.mojibake);
        gw_clean_result_free(&r);
        free(raw);
    }
}
END_TEST

/* ---- 5. rules files ---- */

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/gongwen-clean.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static const char *write_rules(const char *content)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/test.rules", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
    return path;
}

START_TEST(user_rules)
{
    const char *p = write_rules("# comment\n"
                                "\n"
                                "prefix:本站公告\n"
                                "drop contains:广告位招租\n"
                                "drop line:更多\n"
                                "drop suffix:(完)\n"
                                "meta prefix:审核:\n"
                                "regex:^第[0-9]+页$\n");
    gw_err err;
    gw_clean_rules *rs = gw_clean_rules_new(p, &err);
    ck_assert_msg(rs != NULL, "%s", err.msg);
    gw_clean_rules *builtin = gw_clean_rules_new(NULL, &err);
    ck_assert_uint_eq(gw_clean_rules_count(rs), gw_clean_rules_count(builtin) + 6);
    static const char *t = "本站公告：明日维护\n正文第一段。\n【广告位招租】\n更多\n更多内容见附件。\n"
                           "记者 张三（完）\n审 核：李四\n第12页\n第12页内容\n当前位置：首页\n";
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(rs, t, strlen(t), &r, &err), GW_OK);
    ck_assert_str_eq(r.text, "正文第一段。\n更多内容见附件。\n第12页内容");
    ck_assert_str_eq(r.meta, "审 核：李四\n");
    ck_assert_uint_eq(r.stats.boilerplate, 6);
    gw_clean_result_free(&r);
    /* the same text with the built-in rules only */
    ck_assert_int_eq(gw_clean_run(builtin, t, strlen(t), &r, &err), GW_OK);
    ck_assert_uint_eq(r.stats.boilerplate, 1);
    gw_clean_result_free(&r);
    gw_clean_rules_free(rs);
    gw_clean_rules_free(builtin);
    gw_clean_rules_free(NULL);
}
END_TEST

static const struct {
    const char *content;
    int line;
} bad_rules[] = {
    {"prefix:ok\nnonsense\n", 2},
    {"prefix:\n", 1},
    {"regex:([\n", 1},
    {"\n\n# c\ncontains:   \n", 4},
    {"meta foo:bar\n", 1},
};

START_TEST(user_rules_bad)
{
    const char *p = write_rules(bad_rules[_i].content);
    gw_err err;
    gw_clean_rules *rs = gw_clean_rules_new(p, &err);
    ck_assert_ptr_null(rs);
    ck_assert_int_eq(err.code, GW_EINVAL);
    char want[160];
    snprintf(want, sizeof want, "%s:%d:", p, bad_rules[_i].line);
    ck_assert_msg(strstr(err.msg, want) != NULL, "case %d: '%s'", _i, err.msg);
}
END_TEST

START_TEST(user_rules_missing)
{
    gw_err err;
    ck_assert_ptr_null(gw_clean_rules_new("/nonexistent/gw.rules", &err));
    ck_assert_int_eq(err.code, GW_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/gw.rules"));
}
END_TEST

/* The shipped conf/boilerplate.rules parses, and its rules apply. */
START_TEST(shipped_rules)
{
    gw_err err;
    gw_clean_rules *rs = gw_clean_rules_new("conf/boilerplate.rules", &err);
    ck_assert_msg(rs != NULL, "%s", err.msg);
    gw_clean_rules *builtin = gw_clean_rules_new(NULL, &err);
    ck_assert_uint_gt(gw_clean_rules_count(rs), gw_clean_rules_count(builtin));
    size_t len;
    char *raw = slurp(SEED3, &len);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(rs, raw, len, &r, &err), GW_OK);
    ck_assert_uint_eq(r.stats.boilerplate, 4);
    gw_clean_result_free(&r);
    free(raw);
    gw_clean_rules_free(rs);
    gw_clean_rules_free(builtin);
}
END_TEST

/* ---- 6. hostile input ---- */

START_TEST(null_args)
{
    gw_clean_result r;
    gw_err err;
    ck_assert_int_eq(gw_clean_run(NULL, NULL, 0, &r, &err), GW_EINVAL);
    ck_assert_int_eq(gw_clean_run(NULL, "x", 1, NULL, &err), GW_EINVAL);
    gw_clean_result_free(NULL);
}
END_TEST

START_TEST(huge_line)
{
    size_t n = 4u << 20; /* 4 MiB of Han on one line, with an annotation at the end */
    char *t = malloc(n + 16);
    for (size_t i = 0; i + 3 <= n; i += 3) memcpy(t + i, "中", 3);
    size_t len = n / 3 * 3;
    memcpy(t + len, "(fā)", 5);
    len += 5;
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, t, len, &r, NULL), GW_OK);
    ck_assert_uint_eq(r.len, n / 3 * 3);
    ck_assert_uint_eq(r.stats.pinyin, 1);
    gw_clean_result_free(&r);
    free(t);
}
END_TEST

START_TEST(garbage)
{
    /* every byte but NUL, invalid UTF-8 included: no crash, output stays within bounds */
    char t[4096];
    unsigned s = 12345;
    for (size_t i = 0; i < sizeof t; i++) {
        s = s * 1103515245u + 12345u;
        t[i] = (char)(1 + (s >> 16) % 255);
    }
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, t, sizeof t, &r, NULL), GW_OK);
    ck_assert_uint_le(r.len, sizeof t);
    ck_assert_uint_eq(strlen(r.text), r.len);
    gw_clean_result_free(&r);
    /* many lines of parentheses that look like pinyin but are not annotations */
    gw_buf b = {0};
    for (int i = 0; i < 1000; i++) gw_buf_puts(&b, "(fā)（ǎ）中(abc)(ǎbcdefgh)（）\n");
    ck_assert_int_eq(gw_clean_run(NULL, b.data, b.len, &r, NULL), GW_OK);
    ck_assert_uint_eq(r.stats.pinyin, 0);
    ck_assert_uint_eq(count_of(r.text, "(fā)（ǎ）中(abc)(ǎbcdefgh)（）"), 1000 - 19); /* 19 repeats in the 20-line head */
    gw_clean_result_free(&r);
    gw_buf_free(&b);
}
END_TEST

/* 200,000 short distinct lines, then the same wrapped at 40 columns: both linear (a
 * quadratic head or wrap search would not finish within the test timeout). */
START_TEST(many_lines)
{
    gw_buf b = {0};
    for (int i = 0; i < 200000; i++) gw_buf_printf(&b, "第%d行\n", i);
    gw_clean_result r;
    ck_assert_int_eq(gw_clean_run(NULL, b.data, b.len, &r, NULL), GW_OK);
    ck_assert_uint_eq(count_char(r.text, '\n'), 199999);
    ck_assert_uint_eq(r.stats.repeated_title + r.stats.joined_wraps, 0);
    gw_clean_result_free(&r);
    gw_buf_reset(&b);
    for (int i = 0; i < 200000; i++)
        gw_buf_puts(&b, "机关党建工作要坚持围绕中心，建设队伍服务群众\n"); /* 22 characters */
    ck_assert_int_eq(gw_clean_run(NULL, b.data, b.len, &r, NULL), GW_OK);
    /* the head (20 lines) drops 19 repeats; the first line stays the title line (never a
     * wrap when it is not indented); the rest is one hard-wrapped paragraph */
    ck_assert_uint_eq(r.stats.repeated_title, 19);
    ck_assert_uint_eq(r.stats.joined_wraps, 200000 - 21);
    ck_assert_uint_eq(count_char(r.text, '\n'), 1);
    gw_clean_result_free(&r);
    gw_buf_free(&b);
}
END_TEST

/* Rules are shared read-only between threads; the built-in rules and the common-character
 * table are built once (pthread_once) by whichever thread comes first. */
struct thr { const gw_clean_rules *rules; const char *text; size_t len; size_t pinyin; };

static void *thr_run(void *arg)
{
    struct thr *t = arg;
    for (int i = 0; i < 50; i++) {
        gw_clean_result r;
        if (gw_clean_run(t->rules, t->text, t->len, &r, NULL) != GW_OK) return NULL;
        t->pinyin = r.stats.pinyin;
        gw_clean_result_free(&r);
    }
    return NULL;
}

START_TEST(threads)
{
    size_t len;
    char *raw = slurp(SEED0, &len);
    gw_clean_rules *rs = gw_clean_rules_new("conf/boilerplate.rules", NULL);
    ck_assert_ptr_nonnull(rs);
    pthread_t th[8];
    struct thr t[8];
    for (int i = 0; i < 8; i++) {
        t[i] = (struct thr){i % 2 ? rs : NULL, raw, len, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, thr_run, &t[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert_uint_eq(t[i].pinyin, 68);
    }
    gw_clean_rules_free(rs);
    free(raw);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("clean");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, pinyin_table, 0, sizeof pinyin_cases / sizeof pinyin_cases[0]);
    tcase_add_loop_test(tc, text_table, 0, sizeof text_cases / sizeof text_cases[0]);
    tcase_add_test(tc, wraps_joined);
    tcase_add_test(tc, wraps_not_joined);
    tcase_add_test(tc, wraps_indent_kept);
    tcase_add_loop_test(tc, wrap_table, 0, sizeof wrap_cases / sizeof wrap_cases[0]);
    tcase_add_test(tc, seeds_wrapped_rejoined);
    tcase_add_test(tc, demoted_lines);
    tcase_add_test(tc, seed0_pinyin);
    tcase_add_test(tc, seed1_boilerplate);
    tcase_add_test(tc, seed2_title_twice);
    tcase_add_test(tc, seed3_title_four_times);
    tcase_add_test(tc, seed4_captions_and_provider);
    tcase_add_test(tc, seeds_no_false_mojibake);
    tcase_add_test(tc, null_args);
    tcase_add_test(tc, huge_line);
    tcase_add_test(tc, garbage);
    tcase_add_test(tc, many_lines);
    tcase_add_test(tc, threads);
    suite_add_tcase(s, tc);
    TCase *tr = tcase_create("rules");
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_add_test(tr, user_rules);
    tcase_add_loop_test(tr, user_rules_bad, 0, sizeof bad_rules / sizeof bad_rules[0]);
    tcase_add_test(tr, user_rules_missing);
    tcase_add_test(tr, shipped_rules);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    return gw_test_run(suite());
}
