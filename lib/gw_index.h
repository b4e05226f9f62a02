/* gw_index.h: the index layout — how a gw_doc becomes a Xapian document, and the names
 * (prefixes, value slots, stored data) that the query side must agree on.
 *
 * Terms (DESIGN.md §3; Omega's prefix conventions where one exists):
 *   (none)  body and title text, tokenized by gw_token: Han bigrams with positions, Han
 *           unigrams without (EDGE unigrams with), words with positions. Title tokens
 *           are added to the body space too, with a wdf boost (GW_INDEX_TITLE_WDF).
 *   S       title text, same tokenization, own position space (title:…)
 *   XS      source text, same tokenization (source:…)
 *   XD      document number, same tokenization (docno:…)
 *   Q       unique id: the file's path relative to its root ("Q" + "2023/a.txt")
 *   Y       year, "Y2023";  D  date, "D20230918";  M  month, "M202309"
 *   XE      encoding detected, "XEgb18030" (diagnostics)
 * Values (slots):
 *   GW_SLOT_DATE    "YYYYMMDD" (sortable; empty if no date)
 *   GW_SLOT_SOURCE  the source as displayed (facet)
 *   GW_SLOT_DUPKEY  near-duplicate key (collapse): 16 hex digits of a simhash over
 *                   normalized body shingles, quantized so reposts share it
 *   GW_SLOT_MTIME, GW_SLOT_SIZE  decimal strings (incremental runs)
 *   GW_SLOT_HASH    hex content hash of the file's bytes (incremental runs)
 *   GW_SLOT_YEAR    "YYYY" (facet)
 * Data: a JSON object {"path","title","date","source","docno","encoding","text"} where
 *   text is the cleaned original text (snippets are drawn on it).
 */
#ifndef GW_INDEX_H
#define GW_INDEX_H

#include "gw_doc.h"
#include "gw_err.h"
#include "gw_xapian.h"

#include <stdint.h>

#define GW_PREFIX_TITLE "S"
#define GW_PREFIX_SOURCE "XS"
#define GW_PREFIX_DOCNO "XD"
#define GW_PREFIX_UID "Q"
#define GW_PREFIX_YEAR "Y"
#define GW_PREFIX_DATE "D"
#define GW_PREFIX_MONTH "M"
#define GW_PREFIX_ENCODING "XE"

enum gw_slot {
    GW_SLOT_DATE = 0,
    GW_SLOT_SOURCE = 1,
    GW_SLOT_DUPKEY = 2,
    GW_SLOT_MTIME = 3,
    GW_SLOT_SIZE = 4,
    GW_SLOT_HASH = 5,
    GW_SLOT_YEAR = 6
};

/* Title terms count this many times in the body space: a title hit outranks a passing
 * mention. */
#define GW_INDEX_TITLE_WDF 5

/* What the indexer knows about the file besides its content. */
typedef struct gw_file_info {
    const char *relpath;   /* path relative to its root: the unique id */
    long long mtime;       /* seconds since the epoch */
    long long size;        /* bytes */
    const char *hash;      /* hex content hash (NUL-terminated), may be NULL */
} gw_file_info;

/* Builds the Xapian document for doc into out (a fresh gw_xdoc_new()). Needs
 * gw_norm_init() done. Returns GW_OK or an error code. Thread-safe. */
int gw_index_build(const gw_doc *doc, const gw_file_info *fi, gw_xdoc *out, gw_err *err);

/* The unique-id term for relpath into buf (NUL-terminated); returns its length, or 0 if it
 * does not fit (Xapian terms are limited to 245 bytes; longer paths are hashed). */
size_t gw_index_uid_term(const char *relpath, char *buf, size_t bufsize);

/* The stored fields of a document, parsed from its data. All strings are owned by the
 * struct (free with gw_stored_free), never NULL. */
typedef struct gw_stored {
    char *path, *title, *date, *source, *docno, *encoding, *text;
    size_t text_len;
} gw_stored;

int gw_stored_parse(const char *data, size_t len, gw_stored *out, gw_err *err);
void gw_stored_free(gw_stored *s);

/* Near-duplicate key of a normalized body (16 hex digits + NUL into out[17]). */
void gw_index_dupkey(const gw_norm_text *body, char out[17]);

#endif
