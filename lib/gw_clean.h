/* gw_clean.h: decoded UTF-8 text -> the text a reader should see (DESIGN.md §2.2).
 *
 * What it removes, in this order, counting each kind:
 *  - pinyin annotations left by converters: a Han character, then "(" or "（", 1-7 Latin
 *    letters with at least one tone mark, then ")" or "）": 發(fā)展 -> 發展;
 *  - boilerplate lines (當前位置:…, 版權聲明…, 文字縮放, 站內搜索, share/print links, …)
 *    by a rule list: built-in rules (documented in gw_clean.c, one place) plus the user's
 *    file (conf/boilerplate.rules, format documented there);
 *  - mojibake-only lines; repeated title lines (seed 003 has its title four times);
 *  - line wraps inside Chinese sentences are joined.
 * Metadata lines (來源:…, (新聞來源:…), 本版文图由 … 提供) are NOT the body either: they
 * are handed to gw_meta, and kept out of the body text.
 *
 * A gw_clean_rules object is read-only after creation and may be shared by threads. */
#ifndef GW_CLEAN_H
#define GW_CLEAN_H

#include "gw_err.h"

#include <stddef.h>

typedef struct gw_clean_stats {
    size_t pinyin;          /* annotations removed */
    size_t boilerplate;     /* boilerplate lines removed */
    size_t metadata;        /* metadata lines moved out of the body */
    size_t mojibake;        /* mojibake-only lines dropped */
    size_t repeated_title;  /* repeated title lines collapsed */
    size_t joined_wraps;    /* line wraps joined */
} gw_clean_stats;

typedef struct gw_clean_rules gw_clean_rules;

/* Built-in rules plus, if user_rules_path is non-NULL, the rules in that file.
 * NULL on failure (unreadable file, bad rule: err names the file and line). */
gw_clean_rules *gw_clean_rules_new(const char *user_rules_path, gw_err *err);
void gw_clean_rules_free(gw_clean_rules *rules);

#endif
