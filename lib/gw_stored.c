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

static unsigned part_slot(gw_stored_part_id part)
{
    return part == GW_PART_META ? GW_SLOT_META : part == GW_PART_CHROME ? GW_SLOT_CHROME
                                                                         : GW_SLOT_TEXT;
}

/* The text value in slot of (s, n), valid UTF-8 as the data's strings are. */
static int set_text(gw_xdoc *out, unsigned slot, const char *s, size_t n, gw_err *err)
{
    gw_buf clean = {0};
    s = gw_utf8_sanitize(s, &n, &clean);
    if (n > (size_t)LZ4_MAX_INPUT_SIZE) {
        gw_buf_free(&clean);
        return gw_err_set(err, GW_EINVAL, "text of %zu bytes: more than can be stored (%d)",
                          n, LZ4_MAX_INPUT_SIZE);
    }
    int bound = LZ4_compressBound((int)n);
    char *v = gw_xmalloc(TEXT_HEAD + (size_t)bound);
    v[0] = TEXT_LZ4;
    for (int i = 0; i < 4; i++)
        v[1 + i] = (char)((n >> (8 * i)) & 0xFF);
    int c = LZ4_compress_default(s, v + TEXT_HEAD, (int)n, bound);
    gw_buf_free(&clean);
    if (c <= 0) {
        free(v);
        return gw_err_set(err, GW_EINTERNAL, "cannot compress a text of %zu bytes", n);
    }
    gw_xdoc_set_value(out, slot, v, TEXT_HEAD + (size_t)c);
    free(v);
    return GW_OK;
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
    /* the three parts: body, metadata, chrome (an empty one is no value) */
    const char *ps[3] = {doc->text, doc->meta_lines, doc->chrome};
    size_t pl[3] = {doc->text ? doc->len : 0, doc->meta_lines ? strlen(doc->meta_lines) : 0,
                    doc->chrome ? doc->chrome_len : 0};
    for (int i = 0; i < 3; i++) {
        if (!pl[i]) continue;
        int r = set_text(out, part_slot((gw_stored_part_id)i), ps[i], pl[i], err);
        if (r != GW_OK) {
            free(data);
            return r;
        }
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

int gw_stored_text(const gw_xdoc *doc, gw_buf *out, gw_err *err)
{
    return gw_stored_part(doc, GW_PART_BODY, out, err);
}

int gw_stored_part(const gw_xdoc *doc, gw_stored_part_id part, gw_buf *out, gw_err *err)
{
    gw_buf_reset(out);
    size_t vl;
    const char *v = doc ? gw_xdoc_value(doc, part_slot(part), &vl) : NULL;
    if (!v || vl == 0) {
        gw_err_clear(err);
        return GW_OK;
    }
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
    r = gw_stored_part(doc, GW_PART_META, &t, err);
    if (r == GW_OK) {
        out->meta = gw_buf_steal(&t, &out->meta_len);
        r = gw_stored_part(doc, GW_PART_CHROME, &t, err);
    }
    if (r == GW_OK) out->chrome = gw_buf_steal(&t, &out->chrome_len);
    if (r != GW_OK) {
        gw_buf_free(&t);
        gw_stored_free(out);
    }
    return r;
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
