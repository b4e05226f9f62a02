/* gw_html.c: web pages -> text, through libxml2's HTML parser. See gw_html.h. */
#include "gw_html.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* Pages announce themselves and their charset near the top; bounding the look keeps a
 * 50 MB file from being scanned for a tag that is not there. */
#define DETECT_MAX 4096
#define SNIFF_MAX 8192

/* ---- detection (raw bytes) --------------------------------------------------------- */

/* An ASCII view of the head: UTF-16 is folded to its low bytes so that the same string
 * tests work; other encodings are ASCII-compatible in their markup. */
static size_t ascii_head(const unsigned char *u, size_t len, char *out, size_t max)
{
    size_t n = 0, i = 0, step = 1, lo = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        i = 3;
    } else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        i = 2, step = 2, lo = 0; /* UTF-16LE: the ASCII byte comes first */
    } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        i = 2, step = 2, lo = 1;
    }
    for (; i + step <= len && n < max; i += step) { /* a whole unit: odd UTF-16 tails */
        unsigned c = u[i + lo];
        if (step == 2 && u[i + 1 - lo] != 0)
            c = 0x80; /* not ASCII */
        out[n++] = (char)(c ? c : ' ');
    }
    return n;
}

/* Case-insensitive search of the tag "<name" followed by a tag boundary. */
static int has_tag(const char *h, size_t n, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k + 1 < n; i++) {
        if (h[i] != '<' || strncasecmp(h + i + 1, name, k))
            continue;
        char c = h[i + 1 + k];
        if (c == '>' || c == '/' || isspace((unsigned char)c))
            return 1;
    }
    return 0;
}

static int has_suffix(const char *name, const char *suf)
{
    size_t n = strlen(name), k = strlen(suf);
    return n >= k && !strcasecmp(name + n - k, suf);
}

int gw_html_is_html(const char *bytes, size_t len, const char *name)
{
    if (name && (has_suffix(name, ".html") || has_suffix(name, ".htm") ||
                 has_suffix(name, ".xhtml") || has_suffix(name, ".shtml")))
        return 1;
    if (!bytes || !len)
        return 0;
    char h[DETECT_MAX];
    size_t n = ascii_head((const unsigned char *)bytes, len, h, sizeof h);
    size_t i = 0;
    while (i < n && isspace((unsigned char)h[i]))
        i++;
    const char *p = h + i;
    size_t left = n - i;
    if ((left >= 14 && !strncasecmp(p, "<!doctype html", 14)) ||
        (left >= 5 && !strncasecmp(p, "<html", 5)))
        return 1;
    static const char *const tags[] = {"html", "head",  "body", "p",     "div",
                                       "br",   "table", "meta", "title", NULL};
    /* "<?xml" and "<!--" prefixes alone prove nothing; the tags inside do. */
    for (int t = 0; tags[t]; t++)
        if (has_tag(p, left, tags[t]))
            return 1;
    return 0;
}

/* Reads one attribute of a tag at h[*i..n): name into an, value into av (both
 * lowercased names, value as written). Returns 0 at the end of the tag. */
static int next_attr(const char *h, size_t n, size_t *i, char *an, size_t anmax, char *av,
                     size_t avmax)
{
    size_t p = *i;
    while (p < n && (isspace((unsigned char)h[p]) || h[p] == '/'))
        p++;
    if (p >= n || h[p] == '>' || h[p] == '<')
        return 0;
    size_t k = 0;
    while (p < n && !isspace((unsigned char)h[p]) && h[p] != '=' && h[p] != '>' && h[p] != '<') {
        if (k + 1 < anmax)
            an[k++] = (char)tolower((unsigned char)h[p]);
        p++;
    }
    an[k] = '\0';
    while (p < n && isspace((unsigned char)h[p]))
        p++;
    k = 0;
    if (p < n && h[p] == '=') {
        p++;
        while (p < n && isspace((unsigned char)h[p]))
            p++;
        if (p < n && (h[p] == '"' || h[p] == '\'')) {
            char q = h[p++];
            while (p < n && h[p] != q) {
                if (k + 1 < avmax)
                    av[k++] = h[p];
                p++;
            }
            if (p < n)
                p++;
        } else {
            while (p < n && !isspace((unsigned char)h[p]) && h[p] != '>') {
                if (k + 1 < avmax)
                    av[k++] = h[p];
                p++;
            }
        }
    }
    av[k] = '\0';
    if (p == *i) /* no progress: a stray character */
        p++;
    *i = p;
    return 1;
}

/* Copies a charset label (up to a quote, ';', space or end) into out[32]. */
static int take_label(const char *s, char out[32])
{
    while (*s && (isspace((unsigned char)*s) || *s == '"' || *s == '\'' || *s == '='))
        s++;
    size_t k = 0;
    while (s[k] && k < 31 && !isspace((unsigned char)s[k]) && s[k] != ';' && s[k] != '"' &&
           s[k] != '\'' && s[k] != ',')
        k++;
    if (!k)
        return 0;
    memcpy(out, s, k);
    out[k] = '\0';
    return 1;
}

int gw_html_sniff_charset(const char *bytes, size_t len, char out[32])
{
    out[0] = '\0';
    if (!bytes || !len)
        return 0;
    char h[SNIFF_MAX];
    size_t n = ascii_head((const unsigned char *)bytes, len, h, sizeof h);
    for (size_t i = 0; i + 5 < n; i++) {
        if (h[i] != '<')
            continue;
        if (!strncmp(h + i, "<?xml", 5)) {
            /* <?xml version="1.0" encoding="gb2312"?> */
            size_t j = i + 5;
            char an[32], av[64];
            while (next_attr(h, n, &j, an, sizeof an, av, sizeof av) && h[j - 1] != '?')
                if (!strcmp(an, "encoding") && take_label(av, out))
                    return 1;
            continue;
        }
        if (strncasecmp(h + i + 1, "meta", 4) ||
            !(isspace((unsigned char)h[i + 5]) || h[i + 5] == '/'))
            continue;
        size_t j = i + 5;
        char an[32], av[256], content[256] = "";
        int equiv = 0;
        while (next_attr(h, n, &j, an, sizeof an, av, sizeof av)) {
            if (!strcmp(an, "charset") && take_label(av, out))
                return 1;
            if (!strcmp(an, "http-equiv") && !strcasecmp(av, "content-type"))
                equiv = 1;
            if (!strcmp(an, "content"))
                memcpy(content, av, sizeof content);
        }
        /* content="...charset=X" counts only with http-equiv="Content-Type" (WHATWG):
         * <meta name="description" content="..."> is page text, not a declaration. */
        for (char *c = equiv ? content : ""; *c; c++) {
            if (!strncasecmp(c, "charset", 7)) {
                char *v = c + 7;
                while (isspace((unsigned char)*v))
                    v++;
                if (*v == '=' && take_label(v + 1, out))
                    return 1;
            }
        }
    }
    return 0;
}

/* ---- HTML -> text ------------------------------------------------------------------ */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

static void silent_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* Elements whose content is not visible text. */
static int is_skipped(const char *n)
{
    static const char *const skip[] = {"script", "style",    "noscript", "template", "head",
                                       "title",  "iframe",   "object",   "svg",      "math",
                                       "select", "frameset", "map",      NULL};
    for (int i = 0; skip[i]; i++)
        if (!strcmp(n, skip[i]))
            return 1;
    return 0;
}

/* Elements that begin and end a paragraph (<br> is a line break inside one). */
static int is_block(const char *n)
{
    static const char *const block[] = {
        "p",        "div",                      "li",      "tr",       "h1",      "h2",
        "h3",       "h4",         "h5",         "h6",      "section",  "article", "table",
        "ul",       "ol",         "blockquote", "pre",     "hr",       "dd",      "dt",
        "dl",       "address",    "aside",      "caption", "center",   "details", "dialog",
        "fieldset", "figcaption", "figure",     "footer",  "form",     "header",  "hgroup",
        "legend",   "main",       "menu",       "nav",     "summary",  "tbody",   "thead",
        "tfoot",    "body",       "html",       "option",  "textarea", "dir",     "listing",
        "xmp",      "plaintext",  NULL};
    for (int i = 0; block[i]; i++)
        if (!strcmp(n, block[i]))
            return 1;
    return 0;
}

/* Characters between which a source line break is no space (CSS Text's segment break
 * rule): East Asian wide characters other than Hangul, which uses spaces. */
static int is_wide(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x303F) || (c >= 0x3040 && c <= 0x33FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

typedef struct writer {
    gw_buf *b;
    size_t start;  /* where this page's text begins in b */
    uint32_t last; /* last code point written on the current line, 0 at line start */
    int ws;        /* collapsible whitespace pending */
    int ws_nl;     /* ... and it contained a line break */
    int nl;        /* pending: 1 a line break, 2 a paragraph break (a blank line) */
    int sep;       /* cell separator pending (a forced space) */
    int pre;       /* depth of <pre>-like elements */
} writer;

/* Table cells are separate boxes: what a reader sees in two cells is not one string, and
 * white space no longer separates Han text (DESIGN.md §2.4), so a cell boundary is a
 * paragraph break. Except after a label cell ending in a colon ("来源：" | "旗帜网"): the
 * label and its value read as one line (and the metadata rules read them so). */
static void cell_boundary(writer *w)
{
    if (w->nl) return;
    if (w->last == ':' || w->last == 0xFF1A)
        w->sep = 1;
    else if (w->last)
        w->nl = 2;
}

static int ws_char(uint32_t c)
{
    /* HTML's whitespace. U+00A0 (&nbsp;) is not: browsers keep every one of them, and so
     * do we, so that a page and the same text saved as .txt read alike (NFKC turns it
     * into a space for matching anyway). */
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void put_char(writer *w, uint32_t c, const char *p, size_t k)
{
    if (w->nl) {
        /* w->nl line breaks in all (a blank line at most), counting those already
         * written; none at the start of the page's text */
        if (w->b->len > w->start) {
            size_t have = 0;
            while (have < (size_t)w->nl && w->b->len - have > w->start &&
                   w->b->data[w->b->len - 1 - have] == '\n')
                have++;
            for (size_t i = have; i < (size_t)w->nl; i++)
                gw_buf_putc(w->b, '\n');
        }
        w->nl = w->ws = w->sep = 0;
        w->last = 0;
    }
    if (w->last && (w->sep || (w->ws && !(w->ws_nl && is_wide(w->last) && is_wide(c)))))
        gw_buf_putc(w->b, ' ');
    w->ws = w->ws_nl = w->sep = 0;
    gw_buf_append(w->b, p, k);
    w->last = c;
}

static void put_text(writer *w, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        size_t k = gw_utf8_next(s + i, n - i, &c);
        if (c == 0 && k == 1) {
            i++; /* never let a NUL through */
            continue;
        }
        if (ws_char(c)) {
            if (w->pre && (c == '\n' || c == '\r')) {
                /* as written: a line holding only white space between two line breaks
                 * is a blank line (\r\n is one line break) */
                if (!(c == '\r' && i + 1 < n && s[i + 1] == '\n') && w->nl < 2)
                    w->nl++;
            } else {
                w->ws = 1;
                w->ws_nl |= c == '\n' || c == '\r';
            }
        } else if (k == 1 && c == 0xFFFD) {
            put_char(w, c, "\xEF\xBF\xBD", 3); /* invalid input byte: keep valid UTF-8 */
        } else {
            put_char(w, c, s + i, k);
        }
        i += k;
    }
}

/* Returns 1 to descend into n's children. */
static int enter(writer *w, xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            put_text(w, (const char *)n->content, strlen((const char *)n->content));
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
    const char *name = (const char *)n->name;
    if (!name || is_skipped(name))
        return 0;
    if (!strcmp(name, "br")) {
        if (w->nl < 2) /* one line break each: <br><br> shows an empty line */
            w->nl++;
    } else if (is_block(name)) {
        w->nl = 2;
        if (!strcmp(name, "pre") || !strcmp(name, "listing") || !strcmp(name, "xmp") ||
            !strcmp(name, "plaintext") || !strcmp(name, "textarea"))
            w->pre++;
    } else if (!strcmp(name, "td") || !strcmp(name, "th")) {
        cell_boundary(w);
    }
    return 1;
}

static void leave(writer *w, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return;
    const char *name = (const char *)n->name;
    if (is_block(name)) {
        w->nl = 2;
        if (w->pre && (!strcmp(name, "pre") || !strcmp(name, "listing") || !strcmp(name, "xmp") ||
                       !strcmp(name, "plaintext") || !strcmp(name, "textarea")))
            w->pre--;
    } else if (!strcmp(name, "td") || !strcmp(name, "th")) {
        cell_boundary(w);
    }
}

/* Walks the tree without recursion: hostile pages nest deeper than a C stack likes. */
static void walk(writer *w, xmlNode *top)
{
    xmlNode *n = top->children;
    while (n) {
        if (enter(w, n) && n->children) {
            n = n->children;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE && n->name && !is_skipped((const char *)n->name))
            leave(w, n);
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == top) {
                n = NULL;
                break;
            }
            leave(w, n);
        }
        if (n)
            n = n->next;
    }
}

static xmlNode *find_title(xmlNode *top)
{
    xmlNode *n = top->children;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->name && !strcmp((const char *)n->name, "title"))
            return n;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == top)
                return NULL;
        }
        if (n)
            n = n->next;
    }
    return NULL;
}

static char *title_text(xmlDoc *doc)
{
    xmlNode *t = find_title((xmlNode *)doc);
    if (!t)
        return gw_xstrdup("");
    xmlChar *c = xmlNodeGetContent(t);
    gw_buf b = {0};
    writer w = {.b = &b};
    if (c)
        put_text(&w, (const char *)c, strlen((const char *)c));
    xmlFree(c);
    return gw_buf_steal(&b, NULL);
}

int gw_html_to_text(const char *utf8, size_t len, gw_buf *text, char **title, gw_err *err)
{
    if (title)
        *title = NULL;
    if (!text || !title || (!utf8 && len))
        return gw_err_set(err, GW_EINVAL, "gw_html_to_text: NULL argument");
    if (len > INT_MAX)
        return gw_err_set(err, GW_EINVAL, "HTML page of %zu bytes is too large to parse", len);
    if (len == 0) {
        gw_buf_reserve(text, 0);
        text->data[text->len] = '\0';
        *title = gw_xstrdup("");
        gw_err_clear(err);
        return GW_OK;
    }
    pthread_once(&init_once, init_libxml);

    /* libxml2 reports to thread-local handlers: silence them for this parse only and
     * restore them, so that other users of libxml2 in the program are unaffected. */
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlSetStructuredErrorFunc(NULL, silent_structured);

    /* IGNORE_ENC: the text is already UTF-8 whatever its <meta> says. */
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    htmlDocPtr doc = htmlReadMemory(utf8, (int)len, NULL, "UTF-8", opts);

    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);

    if (!doc) {
        /* libxml2 recovers from almost anything; if it still gives up, the words of the
         * page are worth more than nothing. */
        gw_buf tmp = {0};
        writer w = {.b = &tmp};
        put_text(&w, utf8, len);
        gw_buf_append(text, tmp.data ? tmp.data : "", tmp.len);
        gw_buf_free(&tmp);
        *title = gw_xstrdup("");
        gw_err_clear(err);
        return GW_OK;
    }
    size_t start = text->len;
    writer w = {.b = text, .start = start};
    gw_buf_reserve(text, len / 2);
    walk(&w, (xmlNode *)doc);
    text->data[text->len] = '\0';
    *title = title_text(doc);
    xmlFreeDoc(doc);
    gw_err_clear(err);
    return GW_OK;
}
