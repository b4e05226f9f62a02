/* gw_stored.h: what a Xapian document stores besides its terms — the writer and the
 * readers of the stored format, side by side (docs/index-format.md §6).
 *
 * The format (index layout 3, GW_INDEX_LAYOUT in gw_index.h):
 *  - Data: a flat JSON object of strings, written compact by jansson,
 *      {"path","title","date","source","docno","encoding"}
 *    every value valid UTF-8 (an invalid byte is stored as U+FFFD). Readers take a missing
 *    or non-string field as "" and ignore other keys ("text", which layout 2 kept there).
 *  - Text: the cleaned original text (snippets are drawn on it) in value slot
 *    GW_SLOT_TEXT: "L", its length in bytes (4 bytes, little-endian), one LZ4 block.
 *    Unset for an empty text. Xapian stores a value as it is (no zlib on top), and an LZ4
 *    block decompresses ~10x as fast as the zlib Xapian applies to document data: every
 *    hit of every page reads one.
 *  - Parts (layout 4): the document's metadata lines and chrome lines (gw_doc.h), each
 *    line ending in '\n', in value slot GW_SLOT_PARTS: the metadata's length in bytes (4
 *    bytes, little-endian), then the text's format ("L", length, block) over the metadata
 *    and the chrome back to back. Unset when both are empty. One value for both: each
 *    value is a lookup of its own, and both are read together. Read only where a search
 *    needs them (verifying a candidate, a snippet when the body holds no match).
 * Bytes written by this module are readable by the readers of every build of the layout.
 *
 * Some conventions:
 *  1. gw_stored owns its strings (gw_stored_free); gw_stored_view borrows them from the
 *     parsed data it holds, valid until the view is read into again or freed — reuse one
 *     view across documents to read a page of hits without a copy per field.
 *  2. Errors: GW_ECORRUPT when the data is not a JSON object or the text value is not a
 *     block of its announced length; GW_EINVAL for a missing argument.
 *  3. Thread-safe: no state; a view or a gw_stored belongs to one thread at a time. */
#ifndef GW_STORED_H
#define GW_STORED_H

#include "gw_buf.h"
#include "gw_doc.h"
#include "gw_err.h"
#include "gw_xapian.h"

#include <stddef.h>

/* Writes doc's data (relpath as "path"; NULL: "") and its text, metadata and chrome
 * values into out. GW_EINVAL when a text is too long for one LZ4 block (2 GB),
 * GW_EINTERNAL when it cannot be compressed; out then has no data. */
int gw_stored_write(gw_xdoc *out, const gw_doc *doc, const char *relpath, gw_err *err);

/* The stored fields of a document. All strings are owned by the struct (free with
 * gw_stored_free), never NULL; a field the document lacks reads as "". */
typedef struct gw_stored {
    char *path, *title, *date, *source, *docno, *encoding, *text;
    size_t text_len;
    char *meta, *chrome;      /* the metadata and chrome parts (gw_stored_parts) */
    size_t meta_len, chrome_len;
} gw_stored;

/* All stored fields of doc: its data's, its text and its metadata and chrome
 * (gw_stored_parts). GW_ECORRUPT when any is unreadable. */
int gw_stored_load(const gw_xdoc *doc, gw_stored *out, gw_err *err);
/* The fields of a document's data alone (text stays "": it is not in the data). */
int gw_stored_parse(const char *data, size_t len, gw_stored *out, gw_err *err);
void gw_stored_free(gw_stored *s);

/* The data's fields, borrowed (convention 1). Start from a zeroed view. */
typedef struct gw_stored_view {
    const char *path, *title, *date, *source, *docno, *encoding; /* never NULL */
    struct json_t *root; /* the parsed data, owner of the strings */
} gw_stored_view;

/* Reads data[0..len) into v, releasing what v held. On failure (convention 2) every field
 * of v reads "". */
int gw_stored_read(gw_stored_view *v, const char *data, size_t len, gw_err *err);
/* Releases what v holds; v reads "" everywhere and may be read into again. NULL: no-op. */
void gw_stored_view_free(gw_stored_view *v);

/* The stored text of doc, decompressed into out (its content replaced; out->data
 * NUL-terminated unless the text is empty and out was never used; out->len its length).
 * GW_ECORRUPT (out emptied) when the value is not a block of the announced length. */
int gw_stored_text(const gw_xdoc *doc, gw_buf *out, gw_err *err);

/* The metadata and chrome parts of doc into meta and chrome (contents replaced, as
 * gw_stored_text does; "" for a document without them, or of an index without them).
 * GW_ECORRUPT (both emptied) when the value is damaged. */
int gw_stored_parts(const gw_xdoc *doc, gw_buf *meta, gw_buf *chrome, gw_err *err);

#endif
