/* gw_clean.c: pinyin annotations, boilerplate and metadata lines, mojibake, repeated
 * titles, hard line wraps (see gw_clean.h): the body, the metadata and the chrome.
 *
 * One pass over the lines; each line goes through, in order:
 *   1. pinyin annotations removed (gw_clean_pinyin);
 *   2. trimmed (ASCII white space, U+3000, NBSP and the other Unicode spaces); empty -> gone;
 *   3. line rules (the table below + the user's file) on the line's key: boilerplate lines
 *      go to result.chrome, metadata lines to result.meta;
 *   4. a garbled tail ending in a broken tag is cut to result.chrome (cut_garbled_tail);
 *      mojibake-only lines go to result.chrome (is_mojibake);
 *   5. repeated title lines dropped (only in the head of the document, see the loop);
 * and after the pass, hard line wraps are joined (see the comment above wrap_find).
 * Everything is linear in the input: the head is at most 20 lines, the wrap search is a
 * histogram, rules only look at lines of at most GW_CLEAN_RULE_MAX bytes.
 * No regular expression runs unless the user's file asks for one. */
#include "gw_clean.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------- */
/* Rules                                                                              */

enum rule_action { R_DROP, R_META };
enum rule_match { M_PREFIX, M_CONTAINS, M_SUFFIX, M_LINE, M_REGEX, M_BREADCRUMB, M_LINK };

struct rule {
    enum rule_action action;
    enum rule_match match;
    char *pat;       /* the pattern, as a key (see make_key); owned */
    size_t plen;
    char *also;      /* NULL, or a key the line must also contain; owned */
    size_t alen;
    size_t maxlen;   /* only lines whose key is at most this many bytes */
    int has_re;
    regex_t re;
};

struct gw_clean_rules {
    struct rule *v;
    size_t n, cap;
};

struct builtin_rule {
    enum rule_action action;
    enum rule_match match;
    const char *pat;
    size_t maxlen; /* 0: GW_CLEAN_RULE_MAX */
    const char *also; /* if set, the line must also contain this */
};

/* THE built-in rule list, the one place where boilerplate and metadata lines are named.
 * "Drop" rules no longer drop: the line goes to the chrome (searchable, ranked last); the
 * name stays, it is the user file's word too.
 * Patterns are written as keys: no spaces, ':' for '：', '(' for '（' (see gw_clean.h).
 * Traditional and Simplified are both listed: the rules run before normalization.
 * A user extends this list in conf/boilerplate.rules (same kinds, same matching). */
static const struct builtin_rule builtin_rules[] = {
    /* Breadcrumbs: "當前位置:文範網 >", "講話致辭 >領導講話稿 >", "旗幟網>>政治建設",
     * "首页 » 新闻". A short line cut into short parts by '>' (also ＞ » ›), without
     * sentence punctuation: see is_breadcrumb(). */
    {R_DROP, M_BREADCRUMB, "", 0, NULL},
    /* "當前位置:…" / "您的位置：首页" and the like, even without a '>' */
    {R_DROP, M_PREFIX, "當前位置", 0, NULL},
    {R_DROP, M_PREFIX, "当前位置", 0, NULL},
    {R_DROP, M_PREFIX, "您的位置", 0, NULL},
    {R_DROP, M_PREFIX, "你的位置", 0, NULL},
    {R_DROP, M_PREFIX, "您现在的位置", 0, NULL},
    {R_DROP, M_PREFIX, "您現在的位置", 0, NULL},
    {R_DROP, M_PREFIX, "所在位置", 0, NULL},
    {R_DROP, M_PREFIX, "您所在的位置", 0, NULL},
    {R_DROP, M_PREFIX, "你所在的位置", 0, NULL},
    {R_DROP, M_PREFIX, "位置:首页", 0, NULL},
    {R_DROP, M_PREFIX, "位置:首頁", 0, NULL},
    /* site chrome at the top of seed 001: "投稿郵箱:qizhixmt@126.com", "站內搜索:",
     * "文字縮放:" */
    {R_DROP, M_PREFIX, "投稿郵箱", 0, NULL},
    {R_DROP, M_PREFIX, "投稿邮箱", 0, NULL},
    {R_DROP, M_PREFIX, "站內搜索", 0, NULL},
    {R_DROP, M_PREFIX, "站内搜索", 0, NULL},
    {R_DROP, M_PREFIX, "文字縮放", 0, NULL},
    {R_DROP, M_PREFIX, "文字缩放", 0, NULL},
    /* font size switches: "字号：大 中 小", "【字體：大 中 小】" */
    {R_DROP, M_CONTAINS, "字号:大中小", 60, NULL},
    {R_DROP, M_CONTAINS, "字號:大中小", 60, NULL},
    {R_DROP, M_CONTAINS, "字体:大中小", 60, NULL},
    {R_DROP, M_CONTAINS, "字體:大中小", 60, NULL},
    /* copyright notices: seed 004 ends with "版权声明:本文内容由互联网用户自发贡献…",
     * seed 003 with "• 文章版權屬於文章作者所有,轉載請註明 https://…" */
    {R_DROP, M_PREFIX, "版權聲明", 0, NULL},
    {R_DROP, M_PREFIX, "版权声明", 0, NULL},
    {R_DROP, M_CONTAINS, "文章版權屬於", 0, NULL},
    {R_DROP, M_CONTAINS, "文章版权属于", 0, NULL},
    {R_DROP, M_PREFIX, "版權所有", 0, NULL},
    {R_DROP, M_PREFIX, "版权所有", 0, NULL},
    {R_DROP, M_PREFIX, "Copyright", 0, NULL},
    {R_DROP, M_PREFIX, "copyright", 0, NULL},
    {R_DROP, M_CONTAINS, "©", 200, NULL},
    /* footers: ICP licence and police registration numbers, site owner */
    {R_DROP, M_CONTAINS, "ICP备", 200, NULL},
    {R_DROP, M_CONTAINS, "ICP備", 200, NULL},
    {R_DROP, M_CONTAINS, "公网安备", 200, NULL},
    {R_DROP, M_CONTAINS, "公網安備", 200, NULL},
    {R_DROP, M_PREFIX, "主办单位:", 0, NULL},
    {R_DROP, M_PREFIX, "主辦單位:", 0, NULL},
    {R_DROP, M_PREFIX, "技术支持:", 0, NULL},
    {R_DROP, M_PREFIX, "技術支持:", 0, NULL},
    /* share / print / close links: "分享到：", "【打印本页】【关闭窗口】", "返回顶部". Link
     * labels only in a line without sentence punctuation (M_LINK): "保存所有设置并关闭窗口。"
     * is a sentence of a help text. */
    {R_DROP, M_PREFIX, "分享到", 0, NULL},
    {R_DROP, M_PREFIX, "分享至", 0, NULL},
    {R_DROP, M_LINK, "打印本页", 90, NULL},
    {R_DROP, M_LINK, "打印本頁", 90, NULL},
    {R_DROP, M_LINK, "关闭窗口", 90, NULL},
    {R_DROP, M_LINK, "關閉窗口", 90, NULL},
    {R_DROP, M_LINK, "【打印】", 90, NULL},
    {R_DROP, M_LINK, "【关闭】", 90, NULL},
    {R_DROP, M_LINK, "【關閉】", 90, NULL},
    {R_DROP, M_CONTAINS, "扫一扫", 90, NULL},
    {R_DROP, M_CONTAINS, "掃一掃", 90, NULL},
    {R_DROP, M_LINE, "打印", 0, NULL},
    {R_DROP, M_LINE, "关闭", 0, NULL},
    {R_DROP, M_LINE, "關閉", 0, NULL},
    {R_DROP, M_LINE, "分享", 0, NULL},
    {R_DROP, M_LINE, "收藏", 0, NULL},
    {R_DROP, M_LINE, "返回顶部", 0, NULL},
    {R_DROP, M_LINE, "返回頂部", 0, NULL},
    {R_DROP, M_LINE, "回到顶部", 0, NULL},
    {R_DROP, M_LINE, "网站地图", 0, NULL},
    {R_DROP, M_LINE, "網站地圖", 0, NULL},
    {R_DROP, M_LINE, "联系我们", 0, NULL},
    {R_DROP, M_LINE, "聯繫我們", 0, NULL},
    /* navigation between articles */
    {R_DROP, M_PREFIX, "上一篇", 0, NULL},
    {R_DROP, M_PREFIX, "下一篇", 0, NULL},
    {R_DROP, M_PREFIX, "上一條:", 0, NULL},
    {R_DROP, M_PREFIX, "下一條:", 0, NULL},
    {R_DROP, M_PREFIX, "上一条:", 0, NULL},
    {R_DROP, M_PREFIX, "下一条:", 0, NULL},
    /* counters */
    {R_DROP, M_PREFIX, "浏览次数", 0, NULL},
    {R_DROP, M_PREFIX, "瀏覽次數", 0, NULL},
    {R_DROP, M_PREFIX, "点击数", 0, NULL},
    {R_DROP, M_PREFIX, "點擊數", 0, NULL},
    {R_DROP, M_PREFIX, "阅读次数", 0, NULL},
    {R_DROP, M_PREFIX, "閱讀次數", 0, NULL},
    /* a lone "專題" (topics link) after the copyright line of seed 003 */
    {R_DROP, M_LINE, "專題", 0, NULL},
    {R_DROP, M_LINE, "专题", 0, NULL},

    /* ---- metadata lines: out of the body, into gw_meta ---- */
    /* source: "來源:旗幟網2023年09月18日09:48", "(新聞來源:武山縣融媒體中心 轉載:李俊鋒)" */
    {R_META, M_PREFIX, "來源:", 300, NULL},
    {R_META, M_PREFIX, "来源:", 300, NULL},
    {R_META, M_PREFIX, "新聞來源:", 300, NULL},
    {R_META, M_PREFIX, "新闻来源:", 300, NULL},
    {R_META, M_PREFIX, "(新聞來源:", 300, NULL},
    {R_META, M_PREFIX, "(新闻来源:", 300, NULL},
    {R_META, M_PREFIX, "(來源:", 300, NULL},
    {R_META, M_PREFIX, "(来源:", 300, NULL},
    {R_META, M_PREFIX, "信息來源:", 300, NULL},
    {R_META, M_PREFIX, "信息来源:", 300, NULL},
    {R_META, M_PREFIX, "文章來源:", 300, NULL},
    {R_META, M_PREFIX, "文章来源:", 300, NULL},
    {R_META, M_PREFIX, "稿源:", 300, NULL},
    /* publication date (not "时间:" alone: in a notice that is the meeting's time) */
    {R_META, M_PREFIX, "發布時間:", 300, NULL},
    {R_META, M_PREFIX, "发布时间:", 300, NULL},
    {R_META, M_PREFIX, "發佈時間:", 300, NULL},
    {R_META, M_PREFIX, "發布日期:", 300, NULL},
    {R_META, M_PREFIX, "发布日期:", 300, NULL},
    {R_META, M_PREFIX, "发表时间:", 300, NULL},
    {R_META, M_PREFIX, "發表時間:", 300, NULL},
    {R_META, M_PREFIX, "成文日期:", 300, NULL},
    {R_META, M_PREFIX, "更新时间:", 300, NULL},
    {R_META, M_PREFIX, "更新時間:", 300, NULL},
    /* "时间：2023-09-18 来源：新华网": a bare 时间/日期 label only with a source on the line */
    {R_META, M_PREFIX, "时间:", 200, "来源:"},
    {R_META, M_PREFIX, "時間:", 200, "來源:"},
    {R_META, M_PREFIX, "日期:", 200, "来源:"},
    {R_META, M_PREFIX, "日期:", 200, "來源:"},
    /* government information-disclosure header: 索引号 / 发文机关 / 发文字号 / 标题 ... */
    {R_META, M_PREFIX, "索引号:", 300, NULL},
    {R_META, M_PREFIX, "索引號:", 300, NULL},
    {R_META, M_PREFIX, "发文机关:", 300, NULL},
    {R_META, M_PREFIX, "發文機關:", 300, NULL},
    {R_META, M_PREFIX, "发布机构:", 300, NULL},
    {R_META, M_PREFIX, "發布機構:", 300, NULL},
    {R_META, M_PREFIX, "发文字号:", 300, NULL},
    {R_META, M_PREFIX, "發文字號:", 300, NULL},
    {R_META, M_PREFIX, "文号:", 300, NULL},
    {R_META, M_PREFIX, "文號:", 300, NULL},
    {R_META, M_PREFIX, "主题分类:", 300, NULL},
    {R_META, M_PREFIX, "主題分類:", 300, NULL},
    {R_META, M_PREFIX, "标题:", 300, NULL},
    {R_META, M_PREFIX, "標題:", 300, NULL},
    /* editors: "( 編輯:鄂歆奕   送簽:閆奕   簽發:趙品 )", "责任编辑：…", "作者：…" */
    {R_META, M_PREFIX, "(編輯:", 300, NULL},
    {R_META, M_PREFIX, "(编辑:", 300, NULL},
    {R_META, M_PREFIX, "編輯:", 300, NULL},
    {R_META, M_PREFIX, "编辑:", 300, NULL},
    {R_META, M_PREFIX, "責任編輯", 300, NULL},
    {R_META, M_PREFIX, "责任编辑", 300, NULL},
    {R_META, M_PREFIX, "(責任編輯", 300, NULL},
    {R_META, M_PREFIX, "(责任编辑", 300, NULL},
    {R_META, M_PREFIX, "【責任編輯", 300, NULL},
    {R_META, M_PREFIX, "【责任编辑", 300, NULL},
    {R_META, M_PREFIX, "作者:", 300, NULL},
    {R_META, M_PREFIX, "轉載:", 300, NULL},
    {R_META, M_PREFIX, "转载:", 300, NULL},
    /* providers: "本版文图由 市委直属机关工委 提供", "（市委办公室供稿）" */
    {R_META, M_PREFIX, "本版文图由", 300, NULL},
    {R_META, M_PREFIX, "本版文圖由", 300, NULL},
    {R_META, M_PREFIX, "供稿:", 300, NULL},
    {R_META, M_SUFFIX, "供稿", 90, NULL},
    {R_META, M_SUFFIX, "供稿)", 90, NULL},
};

/* ---------------------------------------------------------------------------------- */
/* Characters                                                                          */

int gw_clean_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x2F800 && cp <= 0x2FA1F) || cp == 0x3007;
}

static inline int is_space_cp(uint32_t cp)
{
    if (cp > 0x3000) return cp == 0xFEFF; /* most of the text: Han, CJK punctuation */
    return cp == ' ' || cp == '\t' || cp == '\f' || cp == '\v' || cp == '\r' || cp == 0 ||
           cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
           cp == 0x205F;
}

/* Decodes one code point. ASCII and well-formed three-byte sequences (Han, CJK
 * punctuation: nearly all of a Chinese text) without a call; anything else, invalid
 * bytes included, through gw_utf8_next. */
static inline size_t next_cp(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xF0) == 0xE0 && len >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        uint32_t v = (c & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
            *cp = v;
            return 3;
        }
    }
    return gw_utf8_next(s, len, cp);
}

/* The code point that ends exactly at s[end] (0 when none or not well-formed). */
static uint32_t cp_before(const char *s, size_t end)
{
    if (end == 0) return 0;
    size_t q = end - 1;
    while (q > 0 && end - q < 4 && ((unsigned char)s[q] & 0xC0) == 0x80) q--;
    uint32_t cp;
    if (next_cp(s + q, end - q, &cp) != end - q) return 0;
    return cp;
}

/* ---------------------------------------------------------------------------------- */
/* Pinyin annotations                                                                  */

/* Letters of a pinyin syllable: 1 = plain letter, 2 = letter carrying a tone mark,
 * 3 = combining tone mark (decomposed input: "a" U+0304), 0 = not a pinyin letter. */
static int pinyin_class(uint32_t cp)
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return 1;
    switch (cp) {
    case 0xFC: case 0xEA: case 0xDC: /* ü ê Ü */
        return 1;
    case 0x101: case 0xE1: case 0x1CE: case 0xE0:   /* ā á ǎ à */
    case 0x113: case 0xE9: case 0x11B: case 0xE8:   /* ē é ě è */
    case 0x12B: case 0xED: case 0x1D0: case 0xEC:   /* ī í ǐ ì */
    case 0x14D: case 0xF3: case 0x1D2: case 0xF2:   /* ō ó ǒ ò */
    case 0x16B: case 0xFA: case 0x1D4: case 0xF9:   /* ū ú ǔ ù */
    case 0x1D6: case 0x1D8: case 0x1DA: case 0x1DC: /* ǖ ǘ ǚ ǜ */
    case 0x1EBF: case 0x1EC1:                       /* ế ề */
    case 0x144: case 0x148: case 0x1F9: case 0x1E3F: /* ń ň ǹ ḿ */
    case 0x100: case 0xC1: case 0x1CD: case 0xC0:   /* capitals: Ā Á Ǎ À ... */
    case 0x112: case 0xC9: case 0x11A: case 0xC8:
    case 0x12A: case 0xCD: case 0x1CF: case 0xCC:
    case 0x14C: case 0xD3: case 0x1D1: case 0xD2:
    case 0x16A: case 0xDA: case 0x1D3: case 0xD9:
    case 0x1D5: case 0x1D7: case 0x1D9: case 0x1DB:
        return 2;
    case 0x300: case 0x301: case 0x304: case 0x30C: /* combining grave acute macron caron */
        return 3;
    default:
        return 0;
    }
}

/* If s[0..len) starts with an annotation body "fā)" (after the opening paren), returns
 * its length including the closing paren, else 0. */
static size_t pinyin_body(const char *s, size_t len)
{
    size_t i = 0;
    int letters = 0, toned = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = next_cp(s + i, len - i, &cp);
        if (cp == ')' || cp == 0xFF09) {
            if (letters >= 1 && toned) return i + k;
            return 0;
        }
        int c = pinyin_class(cp);
        if (c == 0) return 0;
        if (c == 3) {
            if (letters == 0) return 0; /* a mark must follow a letter */
            toned = 1;
        } else {
            if (++letters > 7) return 0;
            if (c == 2) toned = 1;
        }
        i += k;
    }
    return 0;
}

size_t gw_clean_pinyin(const char *s, size_t len, gw_buf *out)
{
    /* Only the opening parens are looked at ('(' or U+FF08 = EF BC 88); the character
     * before one is decoded backwards. After a removed annotation the previous character
     * is the closing paren, so "發(fā)(fā)" loses only the first (as gw_query does). */
    size_t i = 0, copied = 0, count = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t open;
        if (c == '(')
            open = 1;
        else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
                 (unsigned char)s[i + 2] == 0x88)
            open = 3;
        else {
            i++;
            continue;
        }
        if (gw_clean_is_han(cp_before(s, i))) {
            size_t b = pinyin_body(s + i + open, len - i - open);
            if (b) {
                gw_buf_append(out, s + copied, i - copied);
                i += open + b;
                copied = i;
                count++;
                continue;
            }
        }
        i += open;
    }
    gw_buf_append(out, s + copied, len - copied);
    return count;
}

/* ---------------------------------------------------------------------------------- */
/* Keys                                                                                */

/* The key of a line: white space removed, ： （ ） ＞ ｜ » › folded to ASCII. Rules and
 * repeated-title detection compare keys, so "來 源：" and "來源:" are the same. */
static void make_key(const char *s, size_t len, gw_buf *key)
{
    gw_buf_reset(key);
    gw_buf_reserve(key, len + 1);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = next_cp(s + i, len - i, &cp);
        if (is_space_cp(cp)) {
            i += k;
            continue;
        }
        char c = 0;
        switch (cp) {
        case 0xFF1A: c = ':'; break;
        case 0xFF08: c = '('; break;
        case 0xFF09: c = ')'; break;
        case 0xFF1E: case 0xBB: case 0x203A: c = '>'; break;
        case 0xFF5C: c = '|'; break;
        default: break;
        }
        if (c)
            gw_buf_putc(key, c);
        else
            gw_buf_append(key, s + i, k);
        i += k;
    }
    key->data[key->len] = '\0';
}

static int is_sentence_punct(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF01 || cp == 0xFF1F ||
           cp == 0x3001 || cp == ',' || cp == ';' || cp == '!' || cp == 0xFF0E;
}

static int has_sentence_punct(const char *key, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += next_cp(key + i, len - i, &cp);
        if (is_sentence_punct(cp)) return 1;
    }
    return 0;
}

/* A breadcrumb: at most 120 bytes, at least one '>', no sentence punctuation, every part
 * between '>' at most 36 bytes (12 Han) and not all parts empty, no digit next to a '>'
 * ("温度>30℃" is a comparison), no colon ("结论：甲>乙"; "当前位置：首页 > 新闻" is caught
 * by its own prefix rule). */
static int is_breadcrumb(const char *key, size_t len)
{
    if (len > 120 || !memchr(key, '>', len)) return 0;
    size_t part = 0, nonempty = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = next_cp(key + i, len - i, &cp);
        if (cp == '>') {
            if ((i > 0 && key[i - 1] >= '0' && key[i - 1] <= '9') ||
                (i + 1 < len && key[i + 1] >= '0' && key[i + 1] <= '9'))
                return 0;
            if (part) nonempty++;
            part = 0;
        } else {
            if (is_sentence_punct(cp) || cp == '<' || cp == '=' || cp == ':') return 0;
            part += k;
            if (part > 36) return 0;
        }
        i += k;
    }
    if (part) nonempty++;
    return nonempty >= 1;
}

static int rule_matches(const struct rule *r, const char *key, size_t klen)
{
    if (klen > r->maxlen) return 0;
    if (r->also && !memmem(key, klen, r->also, r->alen)) return 0;
    switch (r->match) {
    case M_PREFIX:
        return klen >= r->plen && memcmp(key, r->pat, r->plen) == 0;
    case M_SUFFIX:
        return klen >= r->plen && memcmp(key + klen - r->plen, r->pat, r->plen) == 0;
    case M_LINE:
        return klen == r->plen && memcmp(key, r->pat, r->plen) == 0;
    case M_CONTAINS:
        return memmem(key, klen, r->pat, r->plen) != NULL;
    case M_LINK:
        return memmem(key, klen, r->pat, r->plen) != NULL && !has_sentence_punct(key, klen);
    case M_BREADCRUMB:
        return is_breadcrumb(key, klen);
    case M_REGEX:
        /* key is NUL-terminated by gw_buf */
        return r->has_re && regexec(&r->re, key, 0, NULL, 0) == 0;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Rule objects                                                                        */

static void rules_add(gw_clean_rules *rs, enum rule_action a, enum rule_match m,
                      const char *pat, size_t plen, size_t maxlen, const char *also)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->v = gw_xrealloc(rs->v, rs->cap * sizeof *rs->v);
    }
    struct rule *r = &rs->v[rs->n++];
    memset(r, 0, sizeof *r);
    r->action = a;
    r->match = m;
    if (m == M_REGEX) {
        r->pat = gw_xstrndup(pat, plen);
        r->plen = plen;
    } else {
        gw_buf key = {0};
        make_key(pat, plen, &key);
        r->pat = gw_buf_steal(&key, &r->plen);
    }
    r->maxlen = maxlen ? maxlen : GW_CLEAN_RULE_MAX;
    if (also) {
        gw_buf key = {0};
        make_key(also, strlen(also), &key);
        r->also = gw_buf_steal(&key, &r->alen);
    }
}

void gw_clean_rules_free(gw_clean_rules *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->v[i].pat);
        free(rs->v[i].also);
        if (rs->v[i].has_re) regfree(&rs->v[i].re);
    }
    free(rs->v);
    free(rs);
}

size_t gw_clean_rules_count(const gw_clean_rules *rs)
{
    return rs ? rs->n : 0;
}

static char *trim_ascii(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* One user rule: "[drop|meta] KIND:PATTERN". 0 ok, -1 bad (err set). */
static int parse_user_rule(gw_clean_rules *rs, char *line, const char *path, int lineno,
                           gw_err *err)
{
    enum rule_action a = R_DROP;
    if (strncmp(line, "drop ", 5) == 0 || strncmp(line, "drop\t", 5) == 0) {
        line = trim_ascii(line + 5);
    } else if (strncmp(line, "meta ", 5) == 0 || strncmp(line, "meta\t", 5) == 0) {
        a = R_META;
        line = trim_ascii(line + 5);
    }
    static const struct { const char *name; enum rule_match m; } kinds[] = {
        {"prefix:", M_PREFIX}, {"contains:", M_CONTAINS}, {"suffix:", M_SUFFIX},
        {"line:", M_LINE},     {"regex:", M_REGEX},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t nl = strlen(kinds[k].name);
        if (strncmp(line, kinds[k].name, nl) != 0) continue;
        const char *pat = line + nl;
        if (!*pat) {
            gw_err_set(err, GW_EINVAL, "%s:%d: empty pattern after '%s'", path, lineno,
                       kinds[k].name);
            return -1;
        }
        rules_add(rs, a, kinds[k].m, pat, strlen(pat), 0, NULL);
        struct rule *r = &rs->v[rs->n - 1];
        if (r->plen == 0) {
            rs->n--;
            free(r->pat);
            gw_err_set(err, GW_EINVAL, "%s:%d: pattern is only white space", path, lineno);
            return -1;
        }
        if (kinds[k].m == M_REGEX) {
            int rc = regcomp(&r->re, r->pat, REG_EXTENDED | REG_NOSUB);
            if (rc != 0) {
                char msg[128];
                regerror(rc, &r->re, msg, sizeof msg);
                rs->n--;
                free(r->pat);
                gw_err_set(err, GW_EINVAL, "%s:%d: bad regular expression: %s", path, lineno,
                           msg);
                return -1;
            }
            r->has_re = 1;
        }
        return 0;
    }
    gw_err_set(err, GW_EINVAL,
               "%s:%d: expected '[drop|meta] prefix:|contains:|suffix:|line:|regex:PATTERN'",
               path, lineno);
    return -1;
}

gw_clean_rules *gw_clean_rules_new(const char *user_rules_path, gw_err *err)
{
    gw_clean_rules *rs = gw_xcalloc(1, sizeof *rs);
    for (size_t i = 0; i < sizeof builtin_rules / sizeof builtin_rules[0]; i++) {
        const struct builtin_rule *b = &builtin_rules[i];
        rules_add(rs, b->action, b->match, b->pat, strlen(b->pat), b->maxlen, b->also);
    }
    if (!user_rules_path) return rs;
    FILE *f = fopen(user_rules_path, "r");
    if (!f) {
        gw_err_set(err, errno == ENOENT ? GW_ENOTFOUND : GW_EIO, "%s: %s", user_rules_path,
                   strerror(errno));
        gw_clean_rules_free(rs);
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        char *l = trim_ascii(line);
        if (!*l || *l == '#') continue;
        if (parse_user_rule(rs, l, user_rules_path, lineno, err) != 0) {
            free(line);
            fclose(f);
            gw_clean_rules_free(rs);
            return NULL;
        }
    }
    free(line);
    fclose(f);
    return rs;
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static gw_clean_rules *builtin_only;
static void builtin_init(void)
{
    builtin_only = gw_clean_rules_new(NULL, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Mojibake                                                                            */

/* Common Han characters: GB2312 level 1 (the 3,755 most used Simplified characters) and
 * Big5 level 1 (the 5,401 most used Traditional ones), read once through glibc's iconv.
 * Mojibake made of valid but improbable characters (UTF-8 read as GBK: 鍏氱殑…) is mostly
 * outside both; ordinary text of either script is almost entirely inside. */
static uint8_t common_bits[(0x9FFF - 0x4E00 + 8) / 8];
static int common_ok;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void common_add(iconv_t cd, unsigned hi, unsigned lo)
{
    char in[2] = {(char)hi, (char)lo};
    unsigned char out[8];
    char *ip = in, *op = (char *)out;
    size_t il = 2, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || (sizeof out - ol) != 4) return;
    uint32_t cp = out[0] | out[1] << 8 | out[2] << 16 | (uint32_t)out[3] << 24;
    if (cp >= 0x4E00 && cp <= 0x9FFF) common_bits[(cp - 0x4E00) >> 3] |= 1u << ((cp - 0x4E00) & 7);
}

static void common_init(void)
{
    iconv_t gb = iconv_open("UTF-32LE", "GB2312");
    iconv_t b5 = iconv_open("UTF-32LE", "BIG5");
    if (gb != (iconv_t)-1) {
        for (unsigned hi = 0xB0; hi <= 0xD7; hi++)
            for (unsigned lo = 0xA1; lo <= 0xFE; lo++) common_add(gb, hi, lo);
        iconv_close(gb);
    }
    if (b5 != (iconv_t)-1) {
        for (unsigned hi = 0xA4; hi <= 0xC6; hi++) {
            for (unsigned lo = 0x40; lo <= 0x7E; lo++) common_add(b5, hi, lo);
            if (hi < 0xC6)
                for (unsigned lo = 0xA1; lo <= 0xFE; lo++) common_add(b5, hi, lo);
        }
        iconv_close(b5);
    }
    /* Without the tables, no character is rare: the check falls back to the strong signs. */
    common_ok = gb != (iconv_t)-1 && b5 != (iconv_t)-1;
}

static int is_common_han(uint32_t cp)
{
    if (!common_ok) return gw_clean_is_han(cp);
    return cp >= 0x4E00 && cp <= 0x9FFF &&
           (common_bits[(cp - 0x4E00) >> 3] >> ((cp - 0x4E00) & 7) & 1);
}

/* Strong signs of a decoding accident: U+FFFD, control characters, private use, an ASCII
 * '?' (Chinese text writes ？), Latin-1 letters and symbols (UTF-8 read as Latin-1: "å…š")
 * except the ones Chinese text uses (° ± · × ÷ § © ®), box drawing, half-width katakana
 * (GBK read as Shift_JIS). */
static int is_strong_bad(uint32_t cp)
{
    if (cp == 0xFFFD || cp == '?' || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return 1;
    if (cp >= 0xA1 && cp <= 0xFF)
        return !(cp == 0xA7 || cp == 0xA9 || cp == 0xAE || cp == 0xB0 || cp == 0xB1 ||
                 cp == 0xB7 || cp == 0xD7 || cp == 0xF7);
    return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0x2500 && cp <= 0x257F) ||
           (cp >= 0xFF61 && cp <= 0xFF9F);
}

/* One decoding pass over a kept line: what the mojibake test, the wrap detection and
 * the head-of-document test need. */
struct line_scan {
    size_t chars;      /* code points */
    size_t cols;       /* display columns: Han and full-width count 2 */
    size_t n, strong, rare, common; /* non-space characters and their kinds */
    uint32_t first, last;
    int punct;         /* holds sentence punctuation ，。；！？ (or , ; ! ?): prose */
};

static void scan_line(const char *s, size_t len, struct line_scan *ls)
{
    memset(ls, 0, sizeof *ls);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = next_cp(s + i, len - i, &cp);
        i += k;
        if (ls->chars == 0) ls->first = cp;
        ls->last = cp;
        ls->chars++;
        ls->cols += (cp >= 0x2E80 && !(cp >= 0xFF61 && cp <= 0xFFDC)) ? 2 : 1;
        if (cp >= 0x4E00 && cp <= 0x9FFF) { /* the common case first */
            ls->n++;
            if (is_common_han(cp))
                ls->common++;
            else
                ls->rare++;
            continue;
        }
        if (is_space_cp(cp) && cp != 0) continue;
        ls->n++;
        if (cp == 0xFF0C || cp == 0x3002 || cp == 0xFF1B || cp == 0xFF01 || cp == 0xFF1F ||
            cp == ',' || cp == ';' || cp == '!' || cp == '?')
            ls->punct = 1;
        if (cp < 0x80 && cp != '?' && cp >= 0x20 && cp != 0x7F) continue;
        if (is_strong_bad(cp))
            ls->strong++;
        else if (gw_clean_is_han(cp))
            ls->rare++;
    }
}

/* A mojibake-only line. Counted over non-space characters (n):
 *  - half or more common Han characters: never (a normal Chinese line);
 *  - half or more strong signs (see is_strong_bad): yes;
 *  - at least 6 characters of which 70% or more are strong signs or rare Han: yes.
 * Ordinary text has well under 5% rare characters; names with rare characters sit in
 * lines that are still mostly common characters. Known blind spot: GBK read as Big5
 * gives common Traditional characters (絨腔膘…), which this test cannot tell from text. */
static int is_mojibake(const struct line_scan *ls)
{
    if (ls->n == 0) return 0;
    if (ls->common * 2 >= ls->n) return 0;
    if (ls->strong * 2 >= ls->n) return 1;
    return ls->n >= 6 && (ls->strong + ls->rare) * 10 >= ls->n * 7;
}

/* A garbled tail: the line ends in a broken tag ("?/P>" or "</P>", tag 1-6 letters),
 * markup that never belongs in a Chinese line. The tag is cut; so is the run before it
 * that starts at an ASCII '?' right after a Han character and holds no Chinese
 * punctuation, at most 30 characters back ("擔當?shù)牧己眯蜗蟆?/P>" -> "擔當").
 * Returns the new length (== len when nothing was cut). */
static size_t cut_garbled_tail(const char *s, size_t len)
{
    if (len < 3 || s[len - 1] != '>') return len;
    size_t j = len - 1, letters = 0;
    while (j > 0 && ((s[j - 1] >= 'A' && s[j - 1] <= 'Z') || (s[j - 1] >= 'a' && s[j - 1] <= 'z'))) {
        j--;
        letters++;
    }
    if (letters < 1 || letters > 6 || j < 2 || s[j - 1] != '/') return len;
    j--; /* at '/' */
    if (s[j - 1] != '?' && s[j - 1] != '<') return len;
    size_t cut = j - 1;
    /* walk back over the tail, looking for the earliest '?' that follows a Han char */
    size_t chars = 0, best = cut, p = cut;
    while (p > 0 && chars < 30) {
        size_t q = p - 1;
        while (q > 0 && ((unsigned char)s[q] & 0xC0) == 0x80) q--;
        uint32_t cp;
        gw_utf8_next(s + q, p - q, &cp);
        if (cp != '?' && (is_sentence_punct(cp) || cp == 0x201C || cp == 0x201D ||
                          cp == 0xFF1A || cp == ':' || cp == ' ')) break;
        if (cp == '?' && q > 0) {
            size_t r = q - 1;
            while (r > 0 && ((unsigned char)s[r] & 0xC0) == 0x80) r--;
            uint32_t pc;
            gw_utf8_next(s + r, q - r, &pc);
            if (gw_clean_is_han(pc)) best = q;
        }
        p = q;
        chars++;
    }
    return best;
}

/* ---------------------------------------------------------------------------------- */
/* The pass                                                                            */

struct kline {
    size_t off, len;   /* in the work buffer */
    size_t cols;       /* display columns (Han and full-width = 2) */
    size_t chars;      /* code points */
    uint32_t first, last;
    int indented;      /* the raw line started with white space: a new paragraph */
    int marker;        /* the line starts with a list marker: 一、 (一) 1. 第三条 ① */
    int punct;         /* the line holds sentence punctuation (line_scan.punct) */
    int blank;         /* a blank line came before it: a paragraph break, kept */
};

static int is_digit_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static int is_latin_cp(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

static int is_cn_numeral(uint32_t cp)
{
    switch (cp) {
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: /* 一二三四五 */
    case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341: /* 六七八九十 */
    case 0x767E: case 0x96F6: case 0x3007:                           /* 百零〇 */
        return 1;
    default:
        return 0;
    }
}

/* A line that starts with a list or section marker begins an item, never continues the
 * line above: "一、" "十二、" "(一)" "（3）" "1." "2、" (not "1.5") "第三条" "第二章" "①". */
static int starts_with_marker(const char *s, size_t len)
{
    uint32_t cp[6];
    size_t n = 0, i = 0;
    while (n < 6 && i < len) i += next_cp(s + i, len - i, &cp[n++]);
    if (n < 2) return 0;
    if (cp[0] >= 0x2460 && cp[0] <= 0x2473) return 1; /* ① - ⑳ */
    size_t k = 0;
    if (cp[0] == '(' || cp[0] == 0xFF08) {
        k = 1;
        while (k < n && (is_cn_numeral(cp[k]) || is_digit_cp(cp[k]))) k++;
        return k > 1 && k < n && (cp[k] == ')' || cp[k] == 0xFF09);
    }
    if (cp[0] == 0x7B2C) { /* 第 */
        k = 1;
        while (k < n && (is_cn_numeral(cp[k]) || is_digit_cp(cp[k]))) k++;
        return k > 1 && k < n &&
               (cp[k] == 0x7AE0 || cp[k] == 0x8282 || cp[k] == 0x7BC0 || cp[k] == 0x6761 ||
                cp[k] == 0x689D || cp[k] == 0x7BC7 || cp[k] == 0x90E8); /* 章节節条條篇部 */
    }
    if (is_cn_numeral(cp[0])) {
        while (k < n && is_cn_numeral(cp[k])) k++;
        return k < n && (cp[k] == 0x3001 || cp[k] == 0xFF0E);     /* 、 ． */
    }
    if (is_digit_cp(cp[0])) {
        while (k < n && is_digit_cp(cp[k])) k++;
        if (k >= n) return 0;
        if (cp[k] == 0x3001) return 1;                            /* 1、 */
        return (cp[k] == '.' || cp[k] == 0xFF0E) && (k + 1 >= n || !is_digit_cp(cp[k + 1]));
    }
    return 0;
}

/* Hard line wraps (text exported from PDF or Word, or typed at a fixed width): every
 * line of a paragraph but its last is cut at about the same width, inside a sentence.
 *
 * A line break between A and B is a wrap CANDIDATE when
 *  - A is not the first line, unless that line is indented (the first line is the title:
 *    a title followed by a paragraph that starts with a Han character is the common
 *    case, not a wrap; an indented first line is the first line of a paragraph);
 *  - A is not a subtitle or an attribution: a line that starts with a dash (——) and holds
 *    no sentence punctuation is a line of its own;
 *  - A ends inside a sentence: with a Han character, a digit or Latin letter, ，、 or an
 *    opening bracket or quote; never with 。！？；：… or a closing quote, which may end a
 *    paragraph;
 *  - B continues it: it starts with a Han character, a digit, a Latin letter or closing
 *    punctuation (，。、；：！？”》）…, which no line of text starts with), is not indented
 *    (an indented line starts a paragraph) and does not start with a list marker
 *    (一、 (一) 1. 第三条 ①: see starts_with_marker);
 *  - not both sides are Latin letters or digits: "IPv\n6", "100\n000" or an English
 *    word per line cannot be told from a lost space, so they are left alone. Han next to
 *    a digit or a Latin word is joined ("2022\n年", "G20\n峰会": Chinese writes no space
 *    there; the tokenizer separates the scripts anyway).
 * The DOCUMENT is hard-wrapped when the candidates' A lines share one width: measured in
 * code points (a wrap every n characters) and in display columns (Han = 2: a wrap at a
 * fixed page width), the unit whose window [x, x + max(2, x/8)] holds more A lines wins;
 * x >= 16 characters / 30 columns. It must hold at least 2 A lines and half of all
 * candidates, at most 5% + 2 of all lines may be longer than the window plus a slack of
 * max(4, hi/2) (a text of unwrapped paragraphs has its paragraphs there: all the seeds),
 * and at least a third of the candidates' A lines must hold sentence punctuation
 * (，。；！？: prose; a list of titles of similar length is not a wrapped text).
 * In a hard-wrapped document, a candidate break is joined when A is a full line (its
 * width >= x - max(1, x/20)) and neither A nor B is longer than the window plus the slack
 * (a short heading, a caption, a signature is never a full line; a paragraph that was
 * never wrapped is too long). Joined lines are concatenated without a space (Chinese has
 * none between characters). Linear: two histograms of at most WRAP_MAX_COLS widths, searched through prefix sums. */
#define WRAP_MAX_COLS 512

struct wrap_plan {
    int unit;          /* 0: not hard-wrapped, 1: code points, 2: columns */
    size_t lo, hi, max;
};

static size_t line_width(const struct kline *l, int unit)
{
    return unit == 1 ? l->chars : l->cols;
}

static int ends_inside_sentence(uint32_t c)
{
    return gw_clean_is_han(c) || is_digit_cp(c) || is_latin_cp(c) || c == 0xFF0C ||
           c == 0x3001 || c == ',' || c == 0x201C || c == 0x300A || c == 0xFF08 ||
           c == '(' || c == 0x300C || c == 0x300E || c == 0x3008 || c == 0x3010;
}

static int continues_sentence(uint32_t c)
{
    return gw_clean_is_han(c) || is_digit_cp(c) || is_latin_cp(c) || c == 0xFF0C ||
           c == 0x3002 || c == 0x3001 || c == 0xFF1B || c == 0xFF1A || c == 0xFF01 ||
           c == 0xFF1F || c == 0x201D || c == 0x300B || c == 0xFF09 || c == 0x300D ||
           c == 0x300F || c == 0x3009 || c == 0x3011 || c == ',' || c == ';' || c == ':' ||
           c == '!' || c == '?' || c == ')';
}

static int wrap_candidate(const struct kline *a, const struct kline *b)
{
    if (b->indented || b->marker) return 0;
    /* "——武山縣2022年基層黨建工作綜述之六": a subtitle or attribution, a line of its own */
    if ((a->first == 0x2014 || a->first == 0x2015 || a->first == 0x2500) && !a->punct)
        return 0;
    if (!ends_inside_sentence(a->last) || !continues_sentence(b->first)) return 0;
    int a_an = is_digit_cp(a->last) || is_latin_cp(a->last);
    int b_an = is_digit_cp(b->first) || is_latin_cp(b->first);
    return !(a_an && b_an);
}

/* The break before line i (i >= 1) is a candidate; the first line only when it is
 * indented (a paragraph's first line: a title is not indented, or is a short centred
 * line that is never a full line). */
static int may_wrap(const struct kline *ls, size_t i)
{
    if (i == 0 || (i == 1 && !ls[0].indented)) return 0;
    return wrap_candidate(&ls[i - 1], &ls[i]);
}

static void wrap_find(const struct kline *ls, size_t n, struct wrap_plan *plan)
{
    enum { H = WRAP_MAX_COLS + 2 }; /* widths 0..WRAP_MAX_COLS, then "longer" */
    memset(plan, 0, sizeof *plan);
    size_t *hist = gw_xcalloc(2 * H, sizeof *hist);
    size_t k = 0, prose = 0;
    for (size_t i = 0; i < n; i++) {
        if (!may_wrap(ls, i)) continue;
        k++;
        prose += ls[i - 1].punct;
        for (int u = 1; u <= 2; u++) {
            size_t w = line_width(&ls[i - 1], u);
            hist[(u - 1) * H + (w <= WRAP_MAX_COLS ? w : H - 1)]++;
        }
    }
    size_t best_c = 0, best_x = 0;
    int best_u = 0;
    if (k >= 2 && prose * 3 >= k) {
        for (int u = 2; u >= 1; u--) { /* columns first: a tie keeps columns */
            size_t *h = hist + (u - 1) * H;
            for (size_t t = 1; t <= WRAP_MAX_COLS; t++) h[t] += h[t - 1]; /* prefix sums */
            size_t xmin = u == 1 ? 16 : 30;
            for (size_t x = xmin; x <= WRAP_MAX_COLS; x++) {
                size_t tol = x / 8 > 2 ? x / 8 : 2;
                size_t top = x + tol < WRAP_MAX_COLS ? x + tol : WRAP_MAX_COLS;
                size_t c = h[top] - h[x - 1]; /* A lines of width x .. x + tol */
                if (c > best_c || (c == best_c && c && u == best_u && x > best_x)) {
                    best_c = c;
                    best_x = x;
                    best_u = u;
                }
            }
        }
    }
    free(hist);
    if (best_c < 2 || best_c * 2 < k) return;
    size_t hi = best_x + (best_x / 8 > 2 ? best_x / 8 : 2);
    size_t max = hi + (hi / 2 > 4 ? hi / 2 : 4), longer = 0;
    for (size_t i = 0; i < n; i++)
        if (line_width(&ls[i], best_u) > max) longer++;
    if (longer > n / 20 + 2) return;
    plan->unit = best_u;
    plan->lo = best_x - (best_x / 20 > 1 ? best_x / 20 : 1);
    plan->hi = hi;
    plan->max = max;
}

static int joinable(const struct kline *ls, size_t i, const struct wrap_plan *p)
{
    if (!p->unit || !may_wrap(ls, i)) return 0;
    const struct kline *a = &ls[i - 1], *b = &ls[i];
    size_t wa = line_width(a, p->unit);
    return wa >= p->lo && wa <= p->max && line_width(b, p->unit) <= p->max;
}

/* Code points and display columns of s[0..len) (as scan_line counts them). */
static void line_width_raw(const char *s, size_t len, size_t *chars, size_t *cols)
{
    size_t i = 0;
    *chars = *cols = 0;
    while (i < len) {
        uint32_t cp;
        i += next_cp(s + i, len - i, &cp);
        ++*chars;
        *cols += (cp >= 0x2E80 && !(cp >= 0xFF61 && cp <= 0xFFDC)) ? 2 : 1;
    }
}

/* Trims s[0..*len) in place (returns the new start); sets *indented if it began with
 * white space. */
static const char *trim_line(const char *s, size_t *len, int *indented)
{
    size_t b = 0, e = *len;
    *indented = 0;
    while (b < e) {
        uint32_t cp;
        size_t k = next_cp(s + b, e - b, &cp);
        if (!is_space_cp(cp)) break;
        b += k;
        *indented = 1;
    }
    while (e > b) {
        size_t q = e - 1;
        while (q > b && ((unsigned char)s[q] & 0xC0) == 0x80) q--;
        uint32_t cp;
        gw_utf8_next(s + q, e - q, &cp);
        if (!is_space_cp(cp)) break;
        e = q;
    }
    *len = e - b;
    return s + b;
}

/* ---- gw_clean_run: the stages -------------------------------------------------------- */

/* One run's state: the lines kept so far and what was taken out. */
typedef struct clean_run {
    const gw_clean_rules *rules;
    gw_buf work;        /* the kept lines back to back (ls[] says where each is) */
    gw_buf meta;        /* the metadata lines, each ending in '\n' */
    gw_buf chrome;      /* the chrome lines, each ending in '\n' */
    gw_buf kinds;       /* one gw_chrome_kind per chrome line */
    gw_buf line, key;   /* scratch: the line without annotations, its key */
    gw_buf headkeys;    /* keys of the lines kept in the head, '\n'-separated */
    struct kline *ls;
    size_t nl, capl;
    int in_head;
    size_t head_lines;  /* the head ends after 20 lines: the search stays linear */
    int blank;          /* a blank line since the last kept line */
    gw_clean_stats st;
} clean_run;

/* The line at text[*pos..len): returns its start, sets *rlen to its length without the
 * end of line and moves *pos past it. A line ends at "\n", "\r\n" or a lone "\r" (old
 * Mac exports). */
static const char *next_line(const char *text, size_t len, size_t *pos, size_t *rlen)
{
    const char *raw = text + *pos;
    const char *nlp = memchr(raw, '\n', len - *pos);
    size_t n = nlp ? (size_t)(nlp - raw) : len - *pos;
    const char *crp = memchr(raw, '\r', n);
    if (crp) n = (size_t)(crp - raw);
    size_t e = *pos + n;
    if (e >= len)
        *pos = len;
    else if (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
        *pos = e + 2;
    else
        *pos = e + 1;
    *rlen = n;
    return raw;
}

/* The action of the first rule matching key, or -1. */
static int rule_action(const gw_clean_rules *rules, const gw_buf *key)
{
    if (key->len > GW_CLEAN_RULE_MAX) return -1;
    for (size_t r = 0; r < rules->n; r++)
        if (rule_matches(&rules->v[r], key->data, key->len)) return rules->v[r].action;
    return -1;
}

/* Repeated titles: while no paragraph (60+ characters) has been kept yet (and at most
 * 20 lines), a line whose key equals the key of a line already kept is dropped (returns
 * 1). Later repetitions are text (a speech may repeat a slogan line on purpose). */
static int head_repeats(clean_run *cr, int has_key, size_t chars)
{
    if (cr->in_head && ++cr->head_lines > 20) cr->in_head = 0;
    if (!cr->in_head) return 0;
    const gw_buf *hk = &cr->headkeys, *key = &cr->key;
    size_t p = 0;
    while (has_key && p < hk->len) {
        const char *e = memchr(hk->data + p, '\n', hk->len - p);
        size_t kl = (size_t)(e - (hk->data + p));
        if (kl == key->len && memcmp(hk->data + p, key->data, kl) == 0) {
            cr->st.repeated_title++;
            return 1;
        }
        p += kl + 1;
    }
    if (chars >= 60 || !has_key) {
        cr->in_head = 0;
    } else {
        gw_buf_append(&cr->headkeys, key->data, key->len);
        gw_buf_putc(&cr->headkeys, '\n');
    }
    return 0;
}

/* Appends l[0..llen) to the kept lines with what the wrap finder needs of it. raw is the
 * line as written: with annotations, its width is that of raw. */
static void keep_line(clean_run *cr, const char *l, size_t llen, const struct line_scan *sc,
                      int indented, size_t annotations, const char *raw, size_t rlen)
{
    if (cr->nl == cr->capl) {
        cr->capl = cr->capl ? cr->capl * 2 : 64;
        cr->ls = gw_xrealloc(cr->ls, cr->capl * sizeof *cr->ls);
    }
    struct kline *k = &cr->ls[cr->nl++];
    k->off = cr->work.len;
    k->len = llen;
    k->cols = sc->cols;
    k->chars = sc->chars;
    if (annotations) {
        /* a wrap width is a property of the line as written: with its annotations */
        size_t rl = rlen;
        int dummy;
        const char *r = trim_line(raw, &rl, &dummy);
        line_width_raw(r, rl, &k->chars, &k->cols);
    }
    k->marker = starts_with_marker(l, llen);
    k->punct = sc->punct;
    k->first = sc->first;
    k->last = sc->last;
    k->indented = indented;
    k->blank = cr->blank;
    cr->blank = 0;
    gw_buf_append(&cr->work, l, llen);
}

/* Appends l[0..llen) (trimmed, non-empty) to the chrome as a line of kind k. */
static void to_chrome(clean_run *cr, const char *l, size_t llen, gw_chrome_kind k)
{
    gw_buf_append(&cr->chrome, l, llen);
    gw_buf_putc(&cr->chrome, '\n');
    gw_buf_putc(&cr->kinds, (char)k);
}

/* One line of the input: annotations out, then trimmed, matched against the rules
 * (moved to the chrome or the metadata), cut of a garbled tail (to the chrome), moved to
 * the chrome if mojibake, dropped if a repeated title, else kept. */
static void clean_line(clean_run *cr, const char *raw, size_t rlen)
{
    gw_buf_reset(&cr->line);
    size_t annotations = gw_clean_pinyin(raw, rlen, &cr->line);
    cr->st.pinyin += annotations;
    size_t llen = cr->line.len;
    int indented;
    const char *l = trim_line(cr->line.data ? cr->line.data : "", &llen, &indented);
    if (llen == 0) { cr->blank = 1; return; } /* a paragraph break: kept (join_lines) */

    /* Rules and repeated titles compare keys; a line too long for a rule is a
     * paragraph, and ends the head: no key needed. */
    int action = -1, has_key = llen <= GW_CLEAN_RULE_MAX;
    if (has_key) {
        make_key(l, llen, &cr->key);
        action = rule_action(cr->rules, &cr->key);
    }
    if (action == R_DROP) {
        to_chrome(cr, l, llen, GW_CHROME_BOILERPLATE);
        cr->st.boilerplate++;
        return;
    }
    if (action == R_META) {
        gw_buf_append(&cr->meta, l, llen);
        gw_buf_putc(&cr->meta, '\n');
        cr->st.metadata++;
        return;
    }
    size_t cut = cut_garbled_tail(l, llen);
    if (cut != llen) {
        cr->st.mojibake_tails++;
        /* the tail stays searchable: "?shù)牧…" keeps its shù (a reader sees it) */
        size_t tl = llen - cut;
        int dummy;
        const char *t = trim_line(l + cut, &tl, &dummy);
        if (tl) to_chrome(cr, t, tl, GW_CHROME_TAIL);
        llen = cut;
        l = trim_line(l, &llen, &dummy);
        if (llen == 0) return;
        if (has_key) make_key(l, llen, &cr->key);
    }
    struct line_scan sc;
    scan_line(l, llen, &sc);
    if (is_mojibake(&sc)) {
        to_chrome(cr, l, llen, GW_CHROME_MOJIBAKE);
        cr->st.mojibake++;
        return;
    }
    if (head_repeats(cr, has_key, sc.chars)) return;
    keep_line(cr, l, llen, &sc, indented, annotations, raw, rlen);
}

/* The kept lines as one text: a line the wrap plan joins to the previous one follows
 * it directly, any other starts a new line. */
static void join_lines(clean_run *cr, gw_buf *body)
{
    struct wrap_plan plan;
    wrap_find(cr->ls, cr->nl, &plan);
    gw_buf_reserve(body, cr->work.len + cr->nl + 1);
    body->data[0] = '\0';
    for (size_t i = 0; i < cr->nl; i++) {
        if (i > 0) {
            if (cr->ls[i].blank) /* white space alone does not separate Han (gw_norm.h) */
                gw_buf_puts(body, "\n\n");
            else if (joinable(cr->ls, i, &plan))
                cr->st.joined_wraps++;
            else
                gw_buf_putc(body, '\n');
        }
        gw_buf_append(body, cr->work.data + cr->ls[i].off, cr->ls[i].len);
    }
}

/* NUL cannot appear in a C string the rest of the pipeline passes around. */
static void nul_to_space(gw_buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] == 0) b->data[i] = ' ';
}

int gw_clean_run(const gw_clean_rules *rules, const char *text, size_t len,
                 gw_clean_result *out, gw_err *err)
{
    if (!text || !out) {
        if (out) memset(out, 0, sizeof *out);
        return gw_err_set(err, GW_EINVAL, "gw_clean_run: NULL argument");
    }
    memset(out, 0, sizeof *out);
    if (!rules) {
        pthread_once(&builtin_once, builtin_init);
        rules = builtin_only;
    }
    pthread_once(&common_once, common_init);

    clean_run cr = {.rules = rules, .in_head = 1};
    size_t pos = 0;
    while (pos < len) {
        size_t rlen;
        const char *raw = next_line(text, len, &pos, &rlen);
        clean_line(&cr, raw, rlen);
    }
    gw_buf body = {0};
    join_lines(&cr, &body);
    nul_to_space(&body);
    nul_to_space(&cr.meta);
    nul_to_space(&cr.chrome);

    out->text = gw_buf_steal(&body, &out->len);
    out->meta = gw_buf_steal(&cr.meta, &out->meta_len);
    out->chrome = gw_buf_steal(&cr.chrome, &out->chrome_len);
    out->chrome_kinds = gw_buf_steal(&cr.kinds, NULL);
    out->stats = cr.st;
    free(cr.ls);
    gw_buf_free(&cr.work);
    gw_buf_free(&cr.line);
    gw_buf_free(&cr.key);
    gw_buf_free(&cr.headkeys);
    return GW_OK;
}

void gw_clean_result_free(gw_clean_result *res)
{
    if (!res) return;
    free(res->text);
    free(res->meta);
    free(res->chrome);
    free(res->chrome_kinds);
    res->text = res->meta = res->chrome = res->chrome_kinds = NULL;
    res->len = res->meta_len = res->chrome_len = 0;
}
