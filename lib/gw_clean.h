/* gw_clean.h: decoded UTF-8 text -> the text a reader should see (DESIGN.md §2.2).
 *
 * Nothing a reader sees is lost but converter annotations and repeated titles: a line is
 * either the BODY (what snippets, the facets and
 * the near-duplicate key use), METADATA or CHROME (both still indexed and searchable, ranked
 * below the body: docs/text-pipeline.md lists every rule). In this order, each line:
 *  - pinyin annotations left by converters are removed (the only text dropped outright,
 *    together with repeated title lines): a Han character, then "(" or "（", 1-7 Latin
 *    letters with at least one tone mark, then ")" or "）": 發(fā)展 -> 發展;
 *  - boilerplate lines (當前位置:…, 版權聲明…, 文字縮放, share/print links, …) go to the
 *    chrome, by a rule list: built-in rules (documented in gw_clean.c, one place) plus the
 *    user's file (conf/boilerplate.rules, format documented there);
 *  - metadata lines (來源:…, (新聞來源:…), 本版文图由 … 提供) go to the metadata, which
 *    gw_meta reads (source, date) and the index searches;
 *  - a garbled tail ending in a broken tag is cut from the line and goes to the chrome
 *    ("擔當?shù)牧…?/P>" -> body "擔當", chrome "?shù)牧…?/P>"); a mojibake-only line
 *    (U+FFFD, Latin-1 soup, improbable characters: a line that is half common Han
 *    characters never is) goes to the chrome;
 *  - repeated title lines are dropped: in the head of the document (up to the first line
 *    of 60+ characters, at most 20 lines), a line equal to one already kept (seed 003 has
 *    its title four times; the kept copy holds the same text);
 *  - hard line wraps are joined, only in a text whose lines ending inside a sentence share
 *    one width (rule in gw_clean.c above wrap_find, docs/text-pipeline.md): short lines,
 *    headings, captions, list items and indented lines are never joined; Han next to a
 *    digit or Latin word is joined without a space, two Latin letters/digits never.
 *
 * Rules (the line rules in gw_clean.c and the user's file) match a line's KEY: the line
 * trimmed, with every white space removed (ASCII, U+3000, NBSP, ...) and the full-width
 * forms ： （ ） ＞ ｜ folded to : ( ) > |. So `prefix:來源:` matches "來 源：…".
 * Rules only look at lines whose key is at most GW_CLEAN_RULE_MAX bytes: a longer line is
 * a paragraph, never boilerplate, whatever it contains.
 *
 * The body keeps the title line once (the reader sees it; gw_meta reads it from there).
 *
 * A gw_clean_rules object is read-only after creation and may be shared by threads;
 * gw_clean_run is reentrant. */
#ifndef GW_CLEAN_H
#define GW_CLEAN_H

#include "gw_buf.h"
#include "gw_err.h"

#include <stddef.h>

#define GW_CLEAN_RULE_MAX 600

typedef struct gw_clean_stats {
    size_t pinyin;          /* annotations removed */
    size_t boilerplate;     /* boilerplate lines moved to the chrome */
    size_t metadata;        /* metadata lines moved out of the body */
    size_t mojibake;        /* mojibake-only lines moved to the chrome */
    size_t repeated_title;  /* repeated title lines collapsed */
    size_t joined_wraps;    /* line wraps joined */
    size_t mojibake_tails;  /* garbled line tails cut to the chrome ("?shù)牧…?/P>") */
} gw_clean_stats;

typedef struct gw_clean_rules gw_clean_rules;

/* Built-in rules plus, if user_rules_path is non-NULL, the rules in that file.
 * NULL on failure (unreadable file: GW_EIO/GW_ENOTFOUND; bad rule: GW_EINVAL, err names
 * the file and line). Free with gw_clean_rules_free (NULL is a no-op). */
gw_clean_rules *gw_clean_rules_new(const char *user_rules_path, gw_err *err);
void gw_clean_rules_free(gw_clean_rules *rules);

/* Number of rules (built-in + user), for diagnostics. */
size_t gw_clean_rules_count(const gw_clean_rules *rules);

/* Why a line of the chrome is not body text (one byte per line, printable for --inspect). */
typedef enum gw_chrome_kind {
    GW_CHROME_BOILERPLATE = 'b', /* a boilerplate rule matched the line */
    GW_CHROME_MOJIBAKE = 'm',    /* a mojibake-only line */
    GW_CHROME_TAIL = 't'         /* a garbled tail cut from a body line */
} gw_chrome_kind;

typedef struct gw_clean_result {
    char *text;       /* the body: non-empty trimmed lines separated by '\n', or by "\n\n"
                         where the input had a blank line between them (a paragraph
                         break); no trailing '\n'; NUL-terminated; "" when nothing is left */
    size_t len;
    char *meta;       /* the metadata lines taken out of the body, trimmed, in document
                         order, each followed by '\n'; "" when none (input to gw_meta) */
    size_t meta_len;
    char *chrome;     /* the chrome: boilerplate lines, mojibake lines and garbled tails,
                         trimmed, in document order, each followed by '\n'; "" when none */
    size_t chrome_len;
    char *chrome_kinds; /* one gw_chrome_kind byte per line of chrome, NUL-terminated */
    gw_clean_stats stats;
} gw_clean_result;

/* Cleans text[0..len) (valid UTF-8, as produced by gw_decode; NUL bytes are treated as
 * spaces). rules may be NULL: the built-in rules. On success fills *out (free with
 * gw_clean_result_free) and returns GW_OK; GW_EINVAL when text or out is NULL. */
int gw_clean_run(const gw_clean_rules *rules, const char *text, size_t len,
                 gw_clean_result *out, gw_err *err);

void gw_clean_result_free(gw_clean_result *res);

/* Appends s[0..len) to *out with the pinyin annotations removed; returns how many were
 * removed. Used by gw_clean_run per line, and usable on a query ("發(fā)展") or a <title>.
 * Parentheses that do not hold a toned syllable, like (黨委), (2023), (CPC), (fa), stay. */
size_t gw_clean_pinyin(const char *s, size_t len, gw_buf *out);

/* 1 if the code point is a Han character (CJK unified ideographs incl. extensions A-G,
 * compatibility ideographs, 〇). */
int gw_clean_is_han(uint32_t cp);

#endif
