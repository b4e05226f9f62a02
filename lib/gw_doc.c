/* gw_doc.c: the text pipeline of one file, decode -> HTML -> clean -> metadata
 * (see gw_doc.h), and its --inspect JSON. */
#include "gw_doc.h"

#include "gw_buf.h"
#include "gw_decode.h"
#include "gw_html.h"
#include "gw_json.h"
#include "gw_meta.h"

#include <stdlib.h>
#include <string.h>

int gw_doc_parse(const char *bytes, size_t len, const char *name, const gw_clean_rules *rules,
                 gw_doc *out, gw_err *err)
{
    if (!out) return gw_err_set(err, GW_EINVAL, "gw_doc_parse: NULL document");
    memset(out, 0, sizeof *out);
    if (!bytes && len) return gw_err_set(err, GW_EINVAL, "gw_doc_parse: NULL bytes");
    if (!bytes) bytes = "";

    int is_html = gw_html_is_html(bytes, len, name);
    char charset[32] = "";
    const char *hint = is_html && gw_html_sniff_charset(bytes, len, charset) ? charset : NULL;

    gw_decoded d;
    int rc = gw_decode(bytes, len, hint, &d, err);
    if (rc != GW_OK) return rc;

    const char *text = d.text;
    size_t text_len = d.len;
    gw_buf html_text = {0};
    char *html_title = NULL;
    if (is_html) {
        rc = gw_html_to_text(d.text, d.len, &html_text, &html_title, err);
        if (rc != GW_OK) {
            gw_decoded_free(&d);
            return rc;
        }
        text = html_text.data ? html_text.data : "";
        text_len = html_text.len;
    }

    gw_clean_result cr;
    rc = gw_clean_run(rules, text, text_len, &cr, err);
    /* the decoded and HTML texts are no longer needed: free them before the next stage */
    gw_buf_free(&html_text);
    char encoding[32];
    snprintf(encoding, sizeof encoding, "%s", d.encoding);
    size_t replacements = d.replacements;
    gw_decoded_free(&d);
    if (rc != GW_OK) {
        free(html_title);
        return rc;
    }

    /* The <title> carries the same converter noise as the body: 發(fā)展 in both. */
    char *title_clean = NULL;
    if (html_title && *html_title) {
        gw_buf t = {0};
        gw_clean_pinyin(html_title, strlen(html_title), &t);
        title_clean = gw_buf_steal(&t, NULL);
    }

    gw_meta m;
    rc = gw_meta_extract(cr.text, cr.len, cr.meta, cr.meta_len, title_clean, &m, err);
    free(title_clean);
    free(html_title);
    if (rc != GW_OK) {
        gw_clean_result_free(&cr);
        return rc;
    }

    memcpy(out->encoding, encoding, sizeof out->encoding);
    out->is_html = is_html;
    out->text = cr.text;
    out->len = cr.len;
    out->meta_lines = cr.meta;
    out->chrome = cr.chrome;
    out->chrome_len = cr.chrome_len;
    out->chrome_kinds = cr.chrome_kinds;
    out->title = m.title;
    out->date = m.date;
    out->source = m.source;
    out->docno = m.docno;
    out->stats.replacements = replacements;
    out->stats.clean = cr.stats;
    return GW_OK;
}

void gw_doc_free(gw_doc *d)
{
    if (!d) return;
    free(d->text);
    free(d->title);
    free(d->date);
    free(d->source);
    free(d->docno);
    free(d->meta_lines);
    free(d->chrome);
    free(d->chrome_kinds);
    memset(d, 0, sizeof *d);
}

static const char *chrome_kind_name(char k)
{
    switch (k) {
    case GW_CHROME_BOILERPLATE: return "boilerplate";
    case GW_CHROME_MOJIBAKE: return "mojibake";
    case GW_CHROME_TAIL: return "garbled_tail";
    default: return "chrome";
    }
}

/* The '\n'-ended lines of s as a JSON array: strings, or {kind, text} objects when kinds
 * is given (one byte per line). */
static json_t *lines_json(const char *s, const char *kinds)
{
    json_t *a = json_array();
    size_t i = 0;
    s = s ? s : "";
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l && kinds) {
            json_t *o = json_object();
            char k = kinds[i] ? kinds[i] : 0;
            json_object_set_new(o, "kind", gw_json_str(chrome_kind_name(k)));
            json_object_set_new(o, "text", gw_json_strn(s, l));
            json_array_append_new(a, o);
        } else if (l) {
            json_array_append_new(a, gw_json_strn(s, l));
        }
        if (kinds && kinds[i]) i++;
        s += l + (e ? 1 : 0);
    }
    return a;
}

char *gw_doc_to_json(const gw_doc *d, const char *path)
{
    if (!d) return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "path", path ? gw_json_str(path) : json_null());
    json_object_set_new(o, "encoding", gw_json_str(d->encoding));
    json_object_set_new(o, "replacements", json_integer((json_int_t)d->stats.replacements));
    json_object_set_new(o, "is_html", json_boolean(d->is_html));
    json_object_set_new(o, "title", gw_json_str(d->title));
    json_object_set_new(o, "date", gw_json_str(d->date));
    json_object_set_new(o, "source", gw_json_str(d->source));
    json_object_set_new(o, "docno", gw_json_str(d->docno));
    const gw_clean_stats *s = &d->stats.clean;
    json_t *r = json_object();
    json_object_set_new(r, "pinyin", json_integer((json_int_t)s->pinyin));
    json_object_set_new(r, "boilerplate", json_integer((json_int_t)s->boilerplate));
    json_object_set_new(r, "metadata", json_integer((json_int_t)s->metadata));
    json_object_set_new(r, "mojibake", json_integer((json_int_t)s->mojibake));
    json_object_set_new(r, "mojibake_tails", json_integer((json_int_t)s->mojibake_tails));
    json_object_set_new(r, "repeated_title", json_integer((json_int_t)s->repeated_title));
    json_object_set_new(r, "joined_wraps", json_integer((json_int_t)s->joined_wraps));
    json_object_set_new(o, "removed", r);
    json_object_set_new(o, "metadata_lines", lines_json(d->meta_lines, NULL));
    json_object_set_new(o, "chrome_lines",
                        lines_json(d->chrome, d->chrome_kinds ? d->chrome_kinds : ""));
    json_object_set_new(o, "bytes", json_integer((json_int_t)d->len));
    json_object_set_new(o, "text", gw_json_strn(d->text, d->text ? d->len : 0));
    char *out = gw_json_dump(o, GW_JSON_PRETTY);
    json_decref(o);
    return out;
}
