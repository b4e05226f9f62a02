/* gw_index.h: the index layout — how a gw_doc becomes a Xapian document, and the names
 * (prefixes, value slots, stored data) that the query side must agree on.
 *
 * Terms (DESIGN.md §3; Omega's prefix conventions where one exists):
 *   (none)  body and title text, tokenized by gw_token: Han bigrams with positions, Han
 *           unigrams without (EDGE unigrams with), words with positions; body positions
 *           start at 1. Title tokens are added to the body space too, with a wdf boost
 *           (GW_INDEX_TITLE_WDF), at positions after the body's and a gap (no phrase runs
 *           from the body into the title). Then, each after a gap, the metadata lines and
 *           the chrome lines (gw_doc's meta_lines, chrome) with wdf 0: a plain query finds
 *           them, but they weigh nothing and add nothing to the document length, so a
 *           match only there ranks after every match in the body or title.
 *   S       title text, same tokenization, own position space (title:…)
 *   XS      source text, same tokenization, own positions (source:…)
 *   XD      document number, same tokenization, own positions (docno:…)
 *           (Prefixed terms need no ":" separator: normalized terms never start with a
 *           capital letter.)
 *   Q       unique id: the file's path relative to its root ("Q" + "2023/a.txt"; a
 *           path over 239 bytes: "Q" + its first 200 bytes + "#" + 32 hex digits of a
 *           128-bit hash of the whole path)
 *   Y       year, "Y2023";  D  date, "D20230918";  M  month, "M202309"
 *   XE      encoding detected, lowercased, "XEgb18030" (diagnostics)
 *   XF      the whole source, folded (gw_index_source_key): the source= filter, which
 *           must select one agency however its name is written (layout 4)
 *   Boolean terms (Q Y D M XE XF) have wdf 0.
 * Values (slots):
 *   GW_SLOT_DATE    "YYYYMMDD" (sortable; empty if no date)
 *   GW_SLOT_SOURCE  folded key + GW_SOURCE_SEP + the source as written (facet, layout
 *                   4): the facet counts by key and shows the most frequent form
 *   GW_SLOT_DUPKEY  near-duplicate key (collapse): 16 hex digits, a hash of the bottom-8
 *                   minhash sketch of the body's 8-character shingles (Han and word
 *                   characters only), so reposts share it; unset for a body without
 *                   text (an empty key never collapses)
 *   GW_SLOT_MTIME, GW_SLOT_SIZE  decimal strings (incremental runs)
 *   GW_SLOT_HASH    hex content hash of the file's bytes (incremental runs)
 *   GW_SLOT_YEAR    "YYYY" (facet)
 *   GW_SLOT_TEXT    the cleaned original text (snippets are drawn on it), compressed
 *                   (gw_stored.h)
 *   GW_SLOT_PARTS   the metadata and chrome lines, compressed the same way (gw_stored.h;
 *                   verification, snippets)
 * Data: a JSON object {"path","title","date","source","docno","encoding"} (gw_stored.h,
 * which writes and reads both; this header includes it).
 */
#ifndef GW_INDEX_H
#define GW_INDEX_H

#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_err.h"
#include "gw_norm.h"
#include "gw_stored.h"
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
#define GW_PREFIX_SOURCE_KEY "XF"

enum gw_slot {
    GW_SLOT_DATE = 0,
    GW_SLOT_SOURCE = 1,
    GW_SLOT_DUPKEY = 2,
    GW_SLOT_MTIME = 3,
    GW_SLOT_SIZE = 4,
    GW_SLOT_HASH = 5,
    GW_SLOT_YEAR = 6,
    GW_SLOT_TEXT = 7,
    GW_SLOT_PARTS = 8
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

/* Builds the Xapian document for doc into out (a fresh gw_xdoc_new()): terms, values,
 * and the stored data and text (gw_stored_write). fi may be NULL (no unique id, no
 * mtime/size/hash values, path "": for tests and --inspect). Builds gw_norm's tables if
 * needed. Returns GW_OK, or GW_EINVAL (doc or out NULL, empty relpath, a text too long
 * to store), GW_EINTERNAL (the text cannot be compressed). Thread-safe. */
int gw_index_build(const gw_doc *doc, const gw_file_info *fi, gw_xdoc *out, gw_err *err);

/* The unique-id term for relpath into buf (NUL-terminated); returns its length, or 0 if it
 * does not fit (Xapian terms are limited to 245 bytes; longer paths are hashed). */
size_t gw_index_uid_term(const char *relpath, char *buf, size_t bufsize);

/* ---- one agency, one name -------------------------------------------------------------
 * A source is written many ways: 全国融媒体中心, 全國融媒體中心, 全国 融媒体中心,
 * ＣＣＴＶ / cctv. The facet and the source= filter see one agency through its folded
 * key: gw_norm's folding (NFKC with full-width -> half-width, case folding, Traditional ->
 * Simplified, default-ignorables dropped: what queries get), then white space (and any
 * control character) canonicalized: dropped at both ends and wherever it touches a
 * character that is not a letter or digit (Han text, punctuation), one space between two
 * words ("china daily" stays two words, unlike "chinadaily"). Punctuation is kept: it is
 * part of a name. */

/* The folded key of source[0..len) as a malloc'ed NUL-terminated string (caller frees);
 * *klen (may be NULL) its length. "" for a source of white space only. Never contains
 * GW_SOURCE_SEP nor any other control character. Builds gw_norm's tables if needed. */
char *gw_index_source_key(const char *source, size_t len, size_t *klen);

/* The filter term of a whole source (GW_PREFIX_SOURCE_KEY + its folded key) into buf
 * (NUL-terminated); returns its length, or 0 when the key is empty or buf too small (256
 * bytes always do). A key too long for a Xapian term (over 238 bytes) is cut as a long
 * uid is: its first 200 bytes + "#" + 32 hex digits of a hash of the whole key. */
size_t gw_index_source_term(const char *source, size_t len, char *buf, size_t bufsize);

/* GW_SLOT_SOURCE's value is key + GW_SOURCE_SEP + the source as written, so that the
 * values of one key sort together and one pass counts both the key and each form. */
#define GW_SOURCE_SEP '\x1f'

/* Splits a GW_SLOT_SOURCE value v[0..len): *key_len the key's length (v is its start),
 * returns the source as written (pointer into v), *label_len its length. A value
 * without the separator is its own key and label. */
const char *gw_index_source_split(const char *v, size_t len, size_t *key_len,
                                  size_t *label_len);

/* Near-duplicate key of a normalized body (16 hex digits + NUL into out[17]); "" when the
 * body holds no Han or word character. Exact equality is what Xapian's collapse needs, so
 * the key is a hash of a canonical sample: the DUP_K (8) smallest hashes of the body's
 * 8-character shingles (separators skipped). Two bodies get the same key when those 8
 * shingles are shared, which for Jaccard similarity J happens with probability ~J^8:
 * a repost differing by a decorated line in a 3,000-character report (J ~ 0.99) shares
 * it ~92% of the time; unrelated reports sharing stock phrases essentially never do.
 * Bodies under 8 characters: the key is a hash of the characters themselves. */
void gw_index_dupkey(const gw_norm_text *body, char out[17]);

/* The layout this build writes and reads, kept in the database's metadata. Bumped when
 * an index written by an older build would be searched wrongly by this one:
 *   1  (no key) the first layout
 *   2  separator runs are positioned terms (GW_TOK_SEP): phrases across punctuation
 *   3  the text is stored LZ4-compressed in GW_SLOT_TEXT, no longer in the data
 *   4  white space between Han characters, or Han and a word, no longer separates;
 *      Traditional -> Simplified by OpenCC's phrases too; HTML blocks are paragraphs
 *      (gw_norm.h, gw_html.h): the terms of the same text changed */
#define GW_INDEX_LAYOUT 4
#define GW_INDEX_LAYOUT_KEY "gongwen.layout"

/* Checks db's layout: GW_OK when it is GW_INDEX_LAYOUT or db holds no document yet (a
 * writable db then records GW_INDEX_LAYOUT, committed with its next commit). Otherwise
 * GW_EINVAL "index layout N, this gongwen reads layout M: rebuild it (gongwen-indexer
 * --rebuild)"; other errors from Xapian as gw_db_get_metadata gives them. */
int gw_index_check_layout(gw_db *db, gw_err *err);

#endif
