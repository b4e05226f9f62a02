/* gw_doc.h: one file's bytes -> a described, cleaned document (DESIGN.md §2.1-2.3).
 *
 * The pipeline: gw_decode (any encoding -> UTF-8) -> gw_html (if HTML: text of the
 * blocks, <title>) -> gw_clean (pinyin annotations, boilerplate, mojibake, repeated
 * titles, line wraps) -> gw_meta (title, date, source, document number).
 *
 * `text` is the cleaned ORIGINAL text: what the reader sees, stored in the index and used
 * for snippets. Normalization (gw_norm) runs on it afterwards, and every normalized code
 * point points back into it. The lines gw_clean took out of it are kept as two more
 * parts, indexed and stored too (gw_index.h): `meta_lines` (metadata) and `chrome` (page
 * chrome: boilerplate, mojibake lines, garbled tails).
 *
 * Thread-safety: gw_doc_parse is reentrant once gw_clean_rules are built; a rules object
 * may be shared between threads (read-only). */
#ifndef GW_DOC_H
#define GW_DOC_H

#include "gw_clean.h"
#include "gw_err.h"

#include <stddef.h>

typedef struct gw_doc_stats {
    size_t replacements;     /* U+FFFD substituted by the decoder */
    gw_clean_stats clean;    /* removals by kind */
} gw_doc_stats;

typedef struct gw_doc {
    char encoding[32];   /* as detected, e.g. "GB18030" */
    int is_html;
    char *text;          /* cleaned original text, UTF-8, NUL-terminated, paragraphs
                            separated by '\n' */
    size_t len;
    char *title;         /* never NULL; "" if none found */
    char *date;          /* ISO "2023-09-18", or "" if none found */
    char *source;        /* issuing body / source, or "" */
    char *docno;         /* document number as written ("国发〔2023〕5号"), or "" */
    gw_doc_stats stats;
    char *meta_lines;    /* the metadata lines gw_clean took out of the body, each ending
                            in '\n' ("" when none; NULL reads as "") */
    char *chrome;        /* the chrome lines, each ending in '\n' ("" when none; NULL reads
                            as ""), in document order */
    size_t chrome_len;
    char *chrome_kinds;  /* a gw_chrome_kind per chrome line (gw_clean.h); may be NULL */
} gw_doc;

/* Runs the whole pipeline on bytes[0..len). Memory: about 4 times len at the peak (the
 * bytes, the decoded text, the cleaned text, scratch); the caller caps len (the
 * indexer's max_file_size). name (may be NULL) is the file name, used only
 * to recognise HTML by extension (.html/.htm); content that is clearly HTML is parsed as
 * HTML whatever the name. rules may be NULL (built-in rules). On success fills *out (free
 * with gw_doc_free) and returns GW_OK; fails with GW_EBINARY for binary input. */
int gw_doc_parse(const char *bytes, size_t len, const char *name, const gw_clean_rules *rules,
                 gw_doc *out, gw_err *err);

/* Frees what gw_doc_parse allocated (not the struct itself); NULL is a no-op. */
void gw_doc_free(gw_doc *d);

/* Writes the --inspect JSON of a parsed document to a malloc'ed string the caller frees
 * (NULL only if d is NULL), indented for people (gw_json_dump, GW_JSON_PRETTY: invalid
 * UTF-8 in a string becomes U+FFFD). path may be NULL (then null). Keys, in this order: path, encoding,
 * replacements, is_html, title, date, source, docno, removed {pinyin, boilerplate,
 * metadata, mojibake, mojibake_tails, repeated_title, joined_wraps} (counts; only pinyin
 * and repeated_title are gone from the index, the other lines are demoted to a part),
 * metadata_lines (array of strings: the metadata part), chrome_lines (array of
 * {"kind": "boilerplate"|"mojibake"|"garbled_tail", "text"}: the chrome part, in
 * document order), bytes (of text), text (the body part). */
char *gw_doc_to_json(const gw_doc *d, const char *path);

#endif
