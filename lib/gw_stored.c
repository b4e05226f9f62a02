/* gw_stored.c: the stored format of a document, written and read (see gw_stored.h). */
#include "gw_stored.h"

#include "gw_index.h"
#include "gw_json.h"

#include <jansson.h>
#include <limits.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

/* The text value: a format byte, the length as 4 bytes little-endian, the block. */
#define TEXT_LZ4 'L'
#define TEXT_HEAD 5

/* ---- writer ---------------------------------------------------------------------------- */

/* The text value of (s, n) into v (replaced): "L", the length, the block. s is valid
 * UTF-8 (the caller sanitized it). */
static int pack_text(const char *s, size_t n, gw_buf *v, gw_err *err)
{
    gw_buf_reset(v);
    if (n > (size_t)LZ4_MAX_INPUT_SIZE)
        return gw_err_set(err, GW_EINVAL, "text of %zu bytes: more than can be stored (%d)",
                          n, LZ4_MAX_INPUT_SIZE);
    int bound = LZ4_compressBound((int)n);
    char *d = gw_buf_reserve(v, TEXT_HEAD + (size_t)bound);
    d[0] = TEXT_LZ4;
    for (int i = 0; i < 4; i++)
        d[1 + i] = (char)((n >> (8 * i)) & 0xFF);
    int c = LZ4_compress_default(s, d + TEXT_HEAD, (int)n, bound);
    if (c <= 0)
        return gw_err_set(err, GW_EINTERNAL, "cannot compress a text of %zu bytes", n);
    v->len = TEXT_HEAD + (size_t)c;
    return GW_OK;
}

/* The text value (GW_SLOT_TEXT) of (s, n), valid UTF-8 as the data's strings are. */
static int set_text(gw_xdoc *out, const char *s, size_t n, gw_err *err)
{
    gw_buf clean = {0}, v = {0};
    s = gw_utf8_sanitize(s, &n, &clean);
    int r = pack_text(s, n, &v, err);
    if (r == GW_OK) gw_xdoc_set_value(out, GW_SLOT_TEXT, v.data, v.len);
    gw_buf_free(&clean);
    gw_buf_free(&v);
    return r;
}

/* The parts value (GW_SLOT_PARTS): the metadata's length in bytes (4 bytes little-endian),
 * then the text value of the metadata and the chrome back to back. One value, not one per
 * part: each value of a document is a B-tree lookup of its own, and both parts are read
 * together (a verified candidate). Unset when both are empty. */
static int set_parts(gw_xdoc *out, const char *meta, size_t ml, const char *chrome,
                     size_t cl, gw_err *err)
{
    if (!ml && !cl) return GW_OK;
    gw_buf m = {0}, c = {0}, both = {0}, v = {0};
    meta = gw_utf8_sanitize(meta, &ml, &m);
    chrome = gw_utf8_sanitize(chrome, &cl, &c);
    gw_buf_append(&both, meta, ml);
    gw_buf_append(&both, chrome, cl);
    int r = ml > 0xFFFFFFFFu ? gw_err_set(err, GW_EINVAL, "metadata of %zu bytes", ml)
                             : pack_text(both.data, both.len, &v, err);
    if (r == GW_OK) {
        gw_buf val = {0};
        char *h = gw_buf_reserve(&val, 4 + v.len);
        for (int i = 0; i < 4; i++)
            h[i] = (char)((ml >> (8 * i)) & 0xFF);
        memcpy(h + 4, v.data, v.len);
        gw_xdoc_set_value(out, GW_SLOT_PARTS, h, 4 + v.len);
        gw_buf_free(&val);
    }
    gw_buf_free(&m);
    gw_buf_free(&c);
    gw_buf_free(&both);
    gw_buf_free(&v);
    return r;
}

int gw_stored_write(gw_xdoc *out, const gw_doc *doc, const char *relpath, gw_err *err)
{
    if (!out || !doc)
        return gw_err_set(err, GW_EINVAL, "gw_stored_write: no document");
    json_t *o = json_object();
    json_object_set_new(o, "path", gw_json_str(relpath));
    json_object_set_new(o, "title", gw_json_str(doc->title));
    json_object_set_new(o, "date", gw_json_str(doc->date));
    json_object_set_new(o, "source", gw_json_str(doc->source));
    json_object_set_new(o, "docno", gw_json_str(doc->docno));
    json_object_set_new(o, "encoding",
                        gw_json_strn(doc->encoding, strnlen(doc->encoding,
                                                            sizeof doc->encoding - 1)));
    /* jansson's own compact form, not gw_json_dump's: its escaping of < > & is for JSON
     * embedded in pages, and the data keeps the bytes every layout-3 index was written
     * with (an index rebuilt by this build is byte for byte the one before). */
    char *data = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!data)
        return gw_err_set(err, GW_EINTERNAL, "gw_stored_write: cannot serialize the data");
    int r = doc->text && doc->len ? set_text(out, doc->text, doc->len, err) : GW_OK;
    if (r == GW_OK)
        r = set_parts(out, doc->meta_lines ? doc->meta_lines : "",
                      doc->meta_lines ? strlen(doc->meta_lines) : 0,
                      doc->chrome ? doc->chrome : "", doc->chrome ? doc->chrome_len : 0, err);
    if (r != GW_OK) {
        free(data);
        return r;
    }
    gw_xdoc_set_data(out, data, strlen(data));
    free(data);
    gw_err_clear(err);
    return GW_OK;
}

/* ---- readers --------------------------------------------------------------------------- */

/* The string value of key in o, borrowed; "" when absent or not a string. */
static const char *field(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

void gw_stored_view_free(gw_stored_view *v)
{
    if (!v)
        return;
    json_decref(v->root);
    v->root = NULL;
    v->path = v->title = v->date = v->source = v->docno = v->encoding = "";
}

int gw_stored_read(gw_stored_view *v, const char *data, size_t len, gw_err *err)
{
    if (!v)
        return gw_err_set(err, GW_EINVAL, "gw_stored_read: no output");
    gw_stored_view_free(v);
    if (!data)
        return gw_err_set(err, GW_EINVAL, "gw_stored_read: no data");
    json_error_t je;
    json_t *o = json_loadb(data, len, JSON_ALLOW_NUL, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return gw_err_set(err, GW_ECORRUPT, "stored document data is not a JSON object: %s",
                          o ? "wrong type" : je.text);
    }
    v->root = o;
    v->path = field(o, "path");
    v->title = field(o, "title");
    v->date = field(o, "date");
    v->source = field(o, "source");
    v->docno = field(o, "docno");
    v->encoding = field(o, "encoding");
    gw_err_clear(err);
    return GW_OK;
}

int gw_stored_parse(const char *data, size_t len, gw_stored *out, gw_err *err)
{
    if (!out)
        return gw_err_set(err, GW_EINVAL, "gw_stored_parse: no output");
    memset(out, 0, sizeof *out);
    gw_stored_view v = {0};
    int r = gw_stored_read(&v, data, len, err);
    if (r != GW_OK)
        return r;
    out->path = gw_xstrdup(v.path);
    out->title = gw_xstrdup(v.title);
    out->date = gw_xstrdup(v.date);
    out->source = gw_xstrdup(v.source);
    out->docno = gw_xstrdup(v.docno);
    out->encoding = gw_xstrdup(v.encoding);
    out->text = gw_xstrdup(""); /* in GW_SLOT_TEXT since layout 3: gw_stored_load */
    out->text_len = 0;
    out->meta = gw_xstrdup("");
    out->chrome = gw_xstrdup("");
    gw_stored_view_free(&v);
    return GW_OK;
}

/* Decompresses the text value v[0..vl) into out (see gw_stored_text). */
static int unpack_text(const char *v, size_t vl, gw_buf *out, gw_err *err)
{
    gw_buf_reset(out);
    if (vl < TEXT_HEAD || v[0] != TEXT_LZ4 || vl - TEXT_HEAD > (size_t)INT_MAX)
        return gw_err_set(err, GW_ECORRUPT, "stored text: not an LZ4 block");
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= (size_t)(unsigned char)v[1 + i] << (8 * i);
    /* An LZ4 block expands at most 255-fold: a length past that is damage, refused before
     * it costs an allocation of that size. */
    if (n > (size_t)LZ4_MAX_INPUT_SIZE || n > (vl - TEXT_HEAD) * 255 + 16)
        return gw_err_set(err, GW_ECORRUPT, "stored text: length %zu out of range", n);
    char *dst = gw_buf_reserve(out, n + 1);
    int got = LZ4_decompress_safe(v + TEXT_HEAD, dst, (int)(vl - TEXT_HEAD), (int)n);
    if (got < 0 || (size_t)got != n) {
        gw_buf_reset(out);
        return gw_err_set(err, GW_ECORRUPT, "stored text: a damaged LZ4 block (%zu bytes "
                          "announced)", n);
    }
    out->len = n;
    dst[n] = '\0';
    gw_err_clear(err);
    return GW_OK;
}

int gw_stored_text(const gw_xdoc *doc, gw_buf *out, gw_err *err)
{
    gw_buf_reset(out);
    size_t vl;
    const char *v = doc ? gw_xdoc_value(doc, GW_SLOT_TEXT, &vl) : NULL;
    if (!v || vl == 0) {
        gw_err_clear(err);
        return GW_OK;
    }
    return unpack_text(v, vl, out, err);
}

int gw_stored_parts(const gw_xdoc *doc, gw_buf *meta, gw_buf *chrome, gw_err *err)
{
    gw_buf_reset(meta);
    gw_buf_reset(chrome);
    size_t vl;
    const char *v = doc ? gw_xdoc_value(doc, GW_SLOT_PARTS, &vl) : NULL;
    if (!v || vl == 0) {
        gw_err_clear(err);
        return GW_OK;
    }
    if (vl < 4) return gw_err_set(err, GW_ECORRUPT, "stored parts: no metadata length");
    size_t ml = 0;
    for (int i = 0; i < 4; i++)
        ml |= (size_t)(unsigned char)v[i] << (8 * i);
    int r = unpack_text(v + 4, vl - 4, chrome, err);
    if (r != GW_OK) return r;
    if (ml > chrome->len) {
        gw_buf_reset(chrome);
        return gw_err_set(err, GW_ECORRUPT, "stored parts: metadata of %zu bytes in %zu", ml,
                          chrome->len);
    }
    /* the block holds metadata then chrome: split it */
    gw_buf_append(meta, chrome->data, ml);
    memmove(chrome->data, chrome->data + ml, chrome->len - ml + 1);
    chrome->len -= ml;
    return GW_OK;
}

int gw_stored_load(const gw_xdoc *doc, gw_stored *out, gw_err *err)
{
    size_t dl = 0;
    const char *data = doc ? gw_xdoc_data(doc, &dl) : NULL;
    int r = gw_stored_parse(data, dl, out, err);
    if (r != GW_OK)
        return r;
    gw_buf t = {0};
    r = gw_stored_text(doc, &t, err);
    if (r != GW_OK) {
        gw_buf_free(&t);
        gw_stored_free(out);
        return r;
    }
    free(out->text);
    out->text = gw_buf_steal(&t, &out->text_len);
    gw_buf c = {0};
    r = gw_stored_parts(doc, &t, &c, err);
    if (r != GW_OK) {
        gw_buf_free(&t);
        gw_buf_free(&c);
        gw_stored_free(out);
        return r;
    }
    free(out->meta);
    free(out->chrome);
    out->meta = gw_buf_steal(&t, &out->meta_len);
    out->chrome = gw_buf_steal(&c, &out->chrome_len);
    return GW_OK;
}

void gw_stored_free(gw_stored *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->title);
    free(s->date);
    free(s->source);
    free(s->docno);
    free(s->encoding);
    free(s->text);
    free(s->meta);
    free(s->chrome);
    memset(s, 0, sizeof *s);
}
