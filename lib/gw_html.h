/* gw_html.h: saved web pages -> the text of their blocks (DESIGN.md §2.2).
 *
 * Three steps, in the order a caller uses them:
 *  1. gw_html_is_html()       on the RAW bytes: is this a web page? (by name or content)
 *  2. gw_html_sniff_charset() on the RAW bytes: the <meta> charset, to pass to gw_decode()
 *                             as its hint (gw_decode trusts a strict UTF-8 check and a BOM
 *                             more than the hint, because pages are often mislabeled).
 *  3. gw_html_to_text()       on the DECODED UTF-8: text and <title>, through libxml2's
 *                             HTML parser (a real parser, never regular expressions).
 *
 * Typical usage:
 *     char cs[32]; gw_decoded d; gw_buf text = {0}; char *title;
 *     int html = gw_html_is_html(bytes, len, name);
 *     gw_decode(bytes, len, html && gw_html_sniff_charset(bytes, len, cs) ? cs : NULL,
 *               &d, err);
 *     if (html && gw_html_to_text(d.text, d.len, &text, &title, err) == GW_OK) {
 *         ... use text.data / text.len and title ...
 *         free(title); gw_buf_free(&text);
 *     }
 *
 * What gw_html_to_text makes of a page:
 *  - The content of <head>, <script>, <style>, <noscript>, <template>, <iframe>, <object>,
 *    <svg>, <math> and comments is dropped (not visible text).
 *  - Entities are decoded (&amp; &#x4E2D; &nbsp; ...) by libxml2. &nbsp; is U+00A0 and
 *    stays so, as in a browser: it is not collapsible whitespace (gw_norm's NFKC turns it
 *    into a space for matching). NUL never appears in the output.
 *  - Block elements (p, div, li, tr, h1-h6, section, article, table, ul, ol, blockquote,
 *    pre, hr, dd, dt, ...) are paragraphs: one blank line ("\n\n") between them, since
 *    a single line break no longer separates anything for matching (gw_norm.h: a
 *    heading must not run into the paragraph under it). <br> is one line break, so
 *    <br><br> (an empty line on the screen) is a blank line too. Never more than one
 *    blank line in a row, none at the start or the end; lines carry no leading/trailing
 *    spaces. td and th cells of a row are separated by a space.
 *  - Inside a line, HTML whitespace (space, tab, CR, LF, FF) collapses to one space, except
 *    that a whitespace run containing a line break between two CJK characters vanishes:
 *    source line wraps inside a Chinese paragraph must not become spaces, or a phrase
 *    would no longer match. Inside <pre>, line breaks are kept as written (\r\n is one),
 *    blank lines as one blank line.
 *  - The output is valid UTF-8 whenever the input is (run gw_decode first).
 *
 * Memory: libxml2 builds the whole tree, a few times the page's size (a 20 MB page peaks
 * near 100 MB); callers cap the file size (gw_config max_file_size).
 *
 * Thread-safety: all functions are reentrant. libxml2 is initialised once (xmlInitParser,
 * under pthread_once) the first time gw_html_to_text runs; its error output is silenced
 * per parse (lib/ never prints). A program that also uses libxml2 elsewhere is unaffected.
 */
#ifndef GW_HTML_H
#define GW_HTML_H

#include "gw_buf.h"
#include "gw_err.h"

#include <stddef.h>

/* 1 if bytes[0..len) is a web page, else 0. name (may be NULL) is the file name: a
 * ".html" / ".htm" / ".xhtml" suffix (any case) is enough. Otherwise the first 4 KiB are
 * inspected after skipping a BOM and whitespace: the content starts with "<!DOCTYPE html",
 * "<html", "<?xml ...><html" or "<!--", or holds a <body>, <head>, <p>, <div>, <br>,
 * <table> or <meta> tag. ASCII-compatible encodings and UTF-16 (with BOM) are recognised. */
int gw_html_is_html(const char *bytes, size_t len, const char *name);

/* Looks in the first 8 KiB of the RAW bytes for <meta charset="X"> or
 * <meta http-equiv="Content-Type" content="text/html; charset=X"> (attribute order, case
 * and quoting free; content= counts only with that http-equiv), or an XML declaration
 * <?xml ... encoding="X"?>; the first found wins. UTF-16 with a BOM is read through its
 * low bytes. On success copies X (at most 31 bytes, NUL-terminated, as written, e.g.
 * "gb2312", "UTF-8") into out and returns 1; returns 0 (out = "") when none. */
int gw_html_sniff_charset(const char *bytes, size_t len, char out[32]);

/* Converts the page utf8[0..len) (UTF-8, as produced by gw_decode; need not be
 * NUL-terminated) to text, appended to *text (a gw_buf, possibly non-empty: text is
 * appended, never reset). *title receives the <title> text (whitespace collapsed),
 * malloc'ed, caller frees with free(); never NULL on success ("" if the page has none).
 * A broken or unclosed page still yields its text (libxml2's recovery mode). Returns GW_OK;
 * GW_EINVAL when an argument is NULL or the input is too large for libxml2 (> 2 GiB);
 * on failure *title is NULL and *text is unchanged. An empty input yields empty text. */
int gw_html_to_text(const char *utf8, size_t len, gw_buf *text, char **title, gw_err *err);

#endif
