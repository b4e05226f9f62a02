/* gw_qexplain.c: the explanation of a parsed query. See gw_qexplain.h. */
#include "gw_qexplain.h"

#include "gw_json.h"
#include "gw_qtree.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *field_name(int f)
{
    switch (f) {
    case GW_QF_TITLE: return "title";
    case GW_QF_SOURCE: return "source";
    case GW_QF_DOCNO: return "docno";
    default: return "text";
    }
}

/* ---- lines ------------------------------------------------------------------------------------ */

static void explain_terms(gw_buf *b, const gw_qterms *t)
{
    gw_buf_puts(b, "[");
    for (size_t i = 0; i < t->nphr; i++) {
        if (i) gw_buf_puts(b, " ");
        gw_buf_append(b, t->phr[i].term, t->phr[i].len);
        if (t->window) gw_buf_printf(b, "@%u", t->phr[i].pos - t->phr[0].pos);
    }
    for (size_t i = 0; i < t->nuni; i++) {
        if (i || t->nphr) gw_buf_puts(b, " ");
        gw_buf_append(b, t->uni[i].term, t->uni[i].len);
    }
    gw_buf_puts(b, "]");
}

static void explain_node(gw_buf *b, const gw_qnode *n, int depth)
{
    for (int i = 0; i < depth; i++) gw_buf_puts(b, "  ");
    switch (n->kind) {
    case GW_QN_AND:
        if (n->chunk) gw_buf_printf(b, "ALL WORDS of \"%s\" (nearness rewarded)\n", n->norm);
        else gw_buf_puts(b, "ALL OF\n");
        break;
    case GW_QN_OR: gw_buf_puts(b, "ANY OF\n"); break;
    case GW_QN_NOT: gw_buf_puts(b, "NOT\n"); break;
    case GW_QN_TEXT:
        gw_buf_printf(b, "%s \"%s\" in %s ", n->quoted ? "phrase" : "word", n->norm,
                      field_name(n->field));
        explain_terms(b, &n->t);
        if (n->t.verify)
            gw_buf_puts(b, " (checked against the text: contains punctuation or spaces)");
        gw_buf_puts(b, "\n");
        break;
    case GW_QN_DATE:
        gw_buf_printf(b, "filter date %s..%s\n", n->lo[0] ? n->lo : "", n->hi[0] ? n->hi : "");
        break;
    case GW_QN_YEAR: gw_buf_printf(b, "filter year %s\n", n->year); break;
    }
    for (size_t i = 0; i < n->nk; i++) explain_node(b, n->k[i], depth + 1);
}

/* The normalizations that fired, as text into b and/or as names into arr. */
static void fired_list(const gw_query *q, gw_buf *b, json_t *arr)
{
    static const struct { unsigned bit; const char *name; } f[] = {
        {GW_NORM_T2S, "T2S"}, {GW_NORM_WIDTH, "width"}, {GW_NORM_CASE, "case"}};
    int first = 1;
    for (size_t i = 0; i < 3; i++)
        if (q->fired & f[i].bit) {
            if (b) gw_buf_printf(b, "%s%s", first ? "" : ", ", f[i].name);
            if (arr) json_array_append_new(arr, gw_json_str(f[i].name));
            first = 0;
        }
    if (q->pinyin) {
        if (b) gw_buf_printf(b, "%spinyin (%zu removed)", first ? "" : ", ", q->pinyin);
        if (arr) json_array_append_new(arr, gw_json_str("pinyin"));
        first = 0;
    }
    if (first && b) gw_buf_puts(b, "none");
}

char *gw_query_explain(const gw_query *q, const gw_xquery *xq)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "query:          %s\n", q->input);
    gw_buf_printf(&b, "normalized:     %s\n", q->norm);
    gw_buf_puts(&b, "normalizations: ");
    fired_list(q, &b, NULL);
    gw_buf_puts(&b, "\n");
    gw_buf_printf(&b, "segmentation:   %s\n",
                  q->segmented ? "dictionary words (friso)" : "none needed");
    gw_buf_puts(&b, "understood as:\n");
    if (q->root) explain_node(&b, q->root, 1);
    if (q->nnotes) gw_buf_printf(&b, "notes:\n  %s\n", q->notes.data);
    if (xq) {
        char *d = gw_xquery_describe(xq);
        gw_buf_printf(&b, "xapian:         %s\n", d);
        free(d);
    }
    return gw_buf_steal(&b, NULL);
}

/* ---- JSON ------------------------------------------------------------------------------------- */

static json_t *terms_json(const gw_qterm *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, gw_json_strn(v[i].term, v[i].len));
    return a;
}

static void text_json(json_t *o, const gw_qnode *n)
{
    json_object_set_new(o, "op", gw_json_str(n->quoted ? "phrase" : "word"));
    json_object_set_new(o, "field", gw_json_str(field_name(n->field)));
    json_object_set_new(o, "text", gw_json_str(n->norm));
    json_object_set_new(o, "terms", terms_json(n->t.phr, n->t.nphr));
    json_object_set_new(o, "unigrams", terms_json(n->t.uni, n->t.nuni));
    json_object_set_new(o, "window", json_integer(n->t.window));
    json_object_set_new(o, "verify", json_boolean(n->t.verify));
}

static json_t *node_json(const gw_qnode *n)
{
    json_t *o = json_object();
    switch (n->kind) {
    case GW_QN_AND: json_object_set_new(o, "op", gw_json_str(n->chunk ? "words" : "and")); break;
    case GW_QN_OR: json_object_set_new(o, "op", gw_json_str("or")); break;
    case GW_QN_NOT: json_object_set_new(o, "op", gw_json_str("not")); break;
    case GW_QN_TEXT: text_json(o, n); break;
    case GW_QN_DATE:
        json_object_set_new(o, "op", gw_json_str("date"));
        json_object_set_new(o, "from", gw_json_str(n->lo));
        json_object_set_new(o, "to", gw_json_str(n->hi));
        break;
    case GW_QN_YEAR:
        json_object_set_new(o, "op", gw_json_str("year"));
        json_object_set_new(o, "year", gw_json_str(n->year));
        break;
    }
    if (n->chunk) json_object_set_new(o, "text", gw_json_str(n->norm));
    if (n->nk) {
        json_t *a = json_array();
        for (size_t i = 0; i < n->nk; i++) json_array_append_new(a, node_json(n->k[i]));
        json_object_set_new(o, "args", a);
    }
    return o;
}

/* The notes ("\n"-separated in q->notes) as an array of strings. */
static json_t *notes_json(const gw_query *q)
{
    json_t *notes = json_array();
    if (!q->nnotes) return notes;
    const char *s = q->notes.data;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        json_array_append_new(notes, gw_json_strn(s, l));
        s += l + (e ? 1 : 0);
    }
    return notes;
}

json_t *gw_query_explain_object(const gw_query *q, const gw_xquery *xq)
{
    json_t *o = json_object();
    json_object_set_new(o, "input", gw_json_str(q->input));
    json_object_set_new(o, "normalized", gw_json_str(q->norm));
    json_t *f = json_array();
    fired_list(q, NULL, f);
    json_object_set_new(o, "normalizations", f);
    json_object_set_new(o, "pinyin_removed", json_integer((json_int_t)q->pinyin));
    json_object_set_new(o, "segmented", json_boolean(q->segmented));
    json_object_set_new(o, "verify", json_boolean(q->verify));
    json_object_set_new(o, "tree", q->root ? node_json(q->root) : json_null());
    json_object_set_new(o, "notes", notes_json(q));
    /* the highlighted phrases are the positive TEXT nodes: their normalized text */
    json_t *w = json_array();
    for (size_t i = 0; i < q->np; i++) json_array_append_new(w, gw_json_str(q->pnodes[i]->norm));
    json_object_set_new(o, "highlight", w);
    if (xq) {
        char *d = gw_xquery_describe(xq);
        json_object_set_new(o, "xapian", gw_json_str(d));
        free(d);
    }
    return o;
}

char *gw_query_explain_json(const gw_query *q, const gw_xquery *xq)
{
    json_t *o = gw_query_explain_object(q, xq);
    char *s = gw_json_dump(o, GW_JSON_COMPACT);
    json_decref(o);
    return s;
}
