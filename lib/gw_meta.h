/* gw_meta.h: a cleaned document -> title, date, source, document number (DESIGN.md §2.3).
 *
 * Input: what gw_clean_run made of the text (the body and the metadata lines it took
 * out of it) and, for a web page, its <title>. Every field is a filter in the index, so
 * a wrong value is worse than none: each rule below prefers "" to a guess.
 *
 * Title, first that applies:
 *  1. a "标题:"/"標題:" metadata line (government disclosure header);
 *  2. the HTML <title>: if one of the first 10 body lines equals the whole <title> or
 *     one of its parts between site separators (" - ", "_", "|", " — ", "－"), that line;
 *     else the longest part ("著力推動… - 旗幟網" -> "著力推動…");
 *  3. the first substantive body line: at least 2 Han characters, not a date line, not
 *     a subtitle ("——…"), not a salutation ending in ':' ("同志們:"), not a bare document
 *     number; if that line is longer than 100 characters it is a paragraph and the
 *     document has no title line: "".
 * Date (ISO "2023-09-18"), the publication date, not the first date in the text:
 *  1. metadata lines: a publication label (发布时间/發布日期/发表时间…) first, then any
 *     metadata line with a date ("來源:旗幟網2023年09月18日09:48"), in document order;
 *  2. the head: a full date in one of the first 6 body lines of at most 40 characters;
 *  3. the signature: a date in one of the last 4 body lines of at most 30 characters
 *     (the last such line wins), e.g. "二〇二三年九月十八日" under the issuing body;
 *  4. otherwise "": dates inside paragraphs are events, not publication.
 *  Forms: 2023年09月18日, 2023年9月18日 (日/号/號), 2023-09-18, 2023/9/18, 2023.09.18,
 *  二〇二三年九月十八日 (〇/○/零), full-width digits, spaces between the parts. Months
 *  1-12 and days valid for the month (leap years too). A date without a day
 *  ("二〇二三年九月", common under signatures) is only taken in places 1 and 3, and
 *  becomes the first of the month ("2023-09-01") so that date ranges still include it.
 * Source (issuing body), first that applies:
 *  1. 发文机关:/發布機構: … (value);
 *  2. 来源:/來源:/新聞來源:/信息来源:/文章来源:/稿源: up to a digit (the date), a
 *     space, '|', a closing paren or the next label ("來源:旗幟網2023年…" -> 旗幟網,
 *     "(新聞來源:武山縣融媒體中心 轉載:李俊鋒)" -> 武山縣融媒體中心);
 *  3. "本版文图由 X 提供" -> X; "X供稿", "(X供稿)", "供稿:X" -> X;
 *  4. the signature: the short line (<= 25 characters, no punctuation) just above the
 *     date of place 3 when it ends like an organisation (政府, 委员会, 办公室, 工委, 局…).
 * Document number: pattern "2-10 Han + bracket + 4-digit year + bracket + digits + 号"
 * (〔2023〕, [2023], (2023), （2023）, 【2023】, ［2023］), as written. Looked for in a
 * 发文字号/文号 metadata line, then in the first 10 body lines of at most 60
 * characters. Numbers cited inside paragraphs belong to other documents: not taken.
 *
 * Only the first 64 metadata lines and the first/last few body lines are read, so the
 * cost does not grow with the document. All strings are UTF-8; every function is
 * reentrant. */
#ifndef GW_META_H
#define GW_META_H

#include "gw_err.h"

#include <stddef.h>

typedef struct gw_meta {
    char *title;   /* never NULL after success; "" if none */
    char *date;    /* "YYYY-MM-DD" or "" */
    char *source;  /* "" if none */
    char *docno;   /* as written, or "" */
} gw_meta;

/* Describes a document. body[0..body_len): gw_clean_result.text; meta[0..meta_len):
 * gw_clean_result.meta (may be NULL/0); html_title: the page's <title> with pinyin
 * annotations already removed, or NULL. Fills *out (free with gw_meta_free) and returns
 * GW_OK; GW_EINVAL when body or out is NULL. */
int gw_meta_extract(const char *body, size_t body_len, const char *meta, size_t meta_len,
                    const char *html_title, gw_meta *out, gw_err *err);

/* Frees the strings (not the struct); NULL is a no-op. */
void gw_meta_free(gw_meta *m);

/* Finds the first valid date in s[0..len). Returns 2 for a full date, 1 for a date
 * without a day (iso gets day 01), 0 when none; iso receives "YYYY-MM-DD". If off/mlen
 * are non-NULL they receive the byte span of the date as written. */
int gw_meta_find_date(const char *s, size_t len, char iso[11], size_t *off, size_t *mlen);

/* Finds the first document number in s[0..len); returns 1 and its byte span, or 0. */
int gw_meta_find_docno(const char *s, size_t len, size_t *off, size_t *dlen);

#endif
