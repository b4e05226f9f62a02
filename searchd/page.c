/* page.c: the HTML search page and document view. See page.h.
 *
 * The page is server-rendered and complete without JavaScript: a GET form, links for
 * facets, sorting and pages. No script, no remote resource (the Content-Security-Policy
 * set by server.c forbids both). Every string from a document, a query or a request goes
 * through gw_escape_html (gw_escape.h) or sd_url_encode (html.h). */
#include "page.h"

#include "api.h"
#include "gw_escape.h"
#include "gw_index.h"
#include "gw_mark.h"
#include "html.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small enough to inline in every page (no second request), readable on a phone. */
static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.65 -apple-system,\"PingFang SC\",\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",system-ui,sans-serif;color:#1f2328;background:#fff}"
    "a{color:#1a4fd0}"
    "header{border-bottom:1px solid #e5e7eb;padding:.7rem 1rem;display:flex;flex-wrap:wrap;"
    "gap:.5rem 1.2rem;align-items:center}"
    ".logo{font-weight:700;color:#b4232a;text-decoration:none;font-size:1.25rem;"
    "white-space:nowrap}"
    "form.search{display:flex;flex:1;min-width:15rem;max-width:42rem}"
    "form.search input{flex:1;min-width:0;font:inherit;padding:.45rem .75rem;"
    "border:1px solid #9ca3af;border-right:0;border-radius:.4rem 0 0 .4rem}"
    "form.search input:focus{outline:2px solid #b4232a;outline-offset:-1px}"
    "form.search button{font:inherit;padding:.45rem 1.1rem;border:1px solid #b4232a;"
    "background:#b4232a;color:#fff;border-radius:0 .4rem .4rem 0;cursor:pointer}"
    ".wrap{display:flex;gap:2.5rem;max-width:66rem;margin:0 auto;padding:.5rem 1rem 2rem}"
    "main{flex:1;min-width:0}"
    "aside{order:-1;width:12rem;flex:none;font-size:.9rem;padding-top:.6rem}"
    "aside h2{font-size:.8rem;color:#6b7280;font-weight:600;margin:1rem 0 .3rem;"
    "letter-spacing:.05em}"
    "aside ul{list-style:none;margin:0;padding:0}"
    "aside li{display:flex;justify-content:space-between;gap:.5rem;padding:.1rem 0}"
    "aside li a{text-decoration:none;overflow:hidden;text-overflow:ellipsis;"
    "white-space:nowrap}"
    "aside .n{color:#6b7280;font-variant-numeric:tabular-nums}"
    "aside .on a{font-weight:700;color:#111}"
    "aside .clear{font-size:.8rem}"
    ".summary{color:#6b7280;font-size:.88rem;margin:.6rem 0;display:flex;flex-wrap:wrap;"
    "gap:.3rem 1.2rem}"
    ".sort a,.sort b{margin-left:.5rem}"
    ".sort a{text-decoration:none}"
    ".hit{margin:1.1rem 0 1.4rem}"
    ".hit h3{font-size:1.08rem;margin:0;font-weight:600;line-height:1.4}"
    ".hit h3 a{text-decoration:none}"
    ".hit h3 a:hover{text-decoration:underline}"
    ".meta{color:#0f7b3f;font-size:.84rem;margin:.15rem 0}"
    ".meta span+span:before{content:\" · \";color:#9ca3af}"
    ".snippet{margin:.2rem 0;color:#374151;overflow-wrap:anywhere}"
    "mark{background:#ffe58a;color:inherit;padding:0 .08em;border-radius:.15em}"
    ".similar{font-size:.84rem;margin:.1rem 0}"
    ".similar a{color:#6b7280}"
    ".pages{display:flex;flex-wrap:wrap;gap:.35rem;margin:2rem 0 1rem}"
    ".pages a,.pages b,.pages span{padding:.2rem .7rem;border:1px solid #d1d5db;"
    "border-radius:.3rem;text-decoration:none}"
    ".pages b{background:#1a4fd0;color:#fff;border-color:#1a4fd0}"
    ".pages span{border:0;color:#9ca3af}"
    ".explain,.error{background:#f3f4f6;padding:.7rem 1rem;border-radius:.4rem}"
    ".error{background:#fdecec;color:#8a1c1c}"
    ".explain summary{cursor:pointer;color:#6b7280;font-size:.88rem}"
    ".explain pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;color:#4b5563;"
    "margin:.5rem 0 0}"
    ".home{max-width:40rem;margin:18vh auto 0;padding:0 1rem;text-align:center}"
    ".home h1{color:#b4232a;font-size:2.2rem;margin:0 0 1.2rem;letter-spacing:.1em}"
    ".home form.search{max-width:none}"
    ".home p{color:#6b7280;font-size:.9rem}"
    ".home .try a{margin:0 .4rem}"
    "article.doc{max-width:46rem;margin:0 auto;padding:1rem}"
    "article.doc h1{font-size:1.5rem;line-height:1.4;margin:.5rem 0}"
    "article.doc .body p{text-indent:2em;margin:.5rem 0;overflow-wrap:anywhere}"
    "article.doc .body p:empty{display:none}"
    ".back{font-size:.9rem}"
    "footer{color:#9ca3af;font-size:.8rem;text-align:center;padding:1rem}"
    "@media (max-width:720px){.wrap{flex-direction:column;gap:0}"
    "aside{order:0;width:auto;border-top:1px solid #e5e7eb;margin-top:1rem}"
    "header{padding:.6rem .7rem}}";

static void head(gw_buf *b, const char *title_prefix)
{
    gw_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<link rel=\"icon\" href=\"data:,\"><title>");
    if (title_prefix && *title_prefix) {
        gw_escape_html_str(b, title_prefix);
        gw_buf_puts(b, " - ");
    }
    gw_buf_puts(b, "公文检索</title><style>");
    gw_buf_puts(b, css);
    gw_buf_puts(b, "</style></head>\n<body>");
}

static void search_form(gw_buf *b, const char *q)
{
    gw_buf_puts(b, "<form class=\"search\" action=\"/\" method=\"get\" role=\"search\">"
                   "<input type=\"search\" name=\"q\" id=\"q\" autofocus "
                   "aria-label=\"搜索公文\" placeholder=\"输入要查找的词语，如 高质量发展\" value=\"");
    gw_escape_html_str(b, q);
    gw_buf_puts(b, "\"><button type=\"submit\">搜索</button></form>");
}

static void header(gw_buf *b, const char *q)
{
    gw_buf_puts(b, "<header><a class=\"logo\" href=\"/\">公文检索</a>");
    search_form(b, q);
    gw_buf_puts(b, "</header>\n");
}

static void foot(gw_buf *b)
{
    gw_buf_puts(b, "<footer>Gongwen · <a href=\"/search?q=%E5%8F%91%E5%B1%95\">JSON API</a>"
                   "</footer></body></html>\n");
}

/* Opens <a href="?…"> for p with the given changes. */
static void link_open(gw_buf *b, const sd_params *p, int page, int sort, const char *source,
                      int year, const char *cls)
{
    gw_buf_puts(b, "<a");
    if (cls)
        gw_buf_printf(b, " class=\"%s\"", cls);
    gw_buf_puts(b, " href=\"/");
    gw_buf tmp = {0};
    sd_params_link(&tmp, p, page, sort, source, year);
    /* sd_params_link percent-encodes every value; the '&' separators still need their
     * entity inside an attribute. */
    gw_escape_html(b, tmp.data, tmp.len);
    gw_buf_free(&tmp);
    gw_buf_puts(b, "\">");
}

void sd_page_home(gw_buf *b, const sd_params *p, const char *error)
{
    head(b, NULL);
    gw_buf_puts(b, "<div class=\"home\"><h1>公文检索</h1>");
    search_form(b, p && p->q ? p->q : "");
    if (error) {
        gw_buf_puts(b, "<p class=\"error\" role=\"alert\">");
        gw_escape_html_str(b, error);
        gw_buf_puts(b, "</p>");
    }
    gw_buf_puts(b, "<p>在工作报告、讲话、通知全文中查找；繁简体、全角数字、拼音注音都不影响结果。"
                   "加引号查找完整短语。</p><p class=\"try\">试试："
                   "<a href=\"/?q=%E9%AB%98%E8%B4%A8%E9%87%8F%E5%8F%91%E5%B1%95\">高质量发展</a>"
                   "<a href=\"/?q=%E6%9C%BA%E5%85%B3%E5%85%9A%E5%BB%BA\">机关党建</a>"
                   "<a href=\"/?q=%22%E6%A8%A1%E8%8C%83%E6%9C%BA%E5%85%B3%22\">\"模范机关\"</a>"
                   "</p></div>");
    foot(b);
}

/* 1 when a and b name one agency (gw_index_source_key): source= in another spelling
 * than the facet's label still marks that entry as the one chosen. */
static int same_source(const char *a, const char *b)
{
    size_t la, lb;
    char *ka = gw_index_source_key(a, strlen(a), &la);
    char *kb = gw_index_source_key(b, strlen(b), &lb);
    int same = la == lb && memcmp(ka, kb, la) == 0;
    free(ka);
    free(kb);
    return same;
}

static void facet_list(gw_buf *b, const sd_params *p, const char *heading,
                       const gw_facet *f, size_t n, int is_year)
{
    if (n == 0)
        return;
    gw_buf_puts(b, "<h2>");
    gw_buf_puts(b, heading);
    gw_buf_puts(b, "</h2><ul>");
    for (size_t i = 0; i < n && i < 20; i++) {
        int year = is_year ? atoi(f[i].value) : -1;
        int on = is_year ? (p->year && p->year == year)
                         : (p->source && same_source(p->source, f[i].value));
        gw_buf_puts(b, on ? "<li class=\"on\">" : "<li>");
        link_open(b, p, 1, -1, is_year ? NULL : f[i].value, is_year ? year : -1, "facet");
        gw_escape_html_str(b, f[i].value[0] ? f[i].value : "（未知）");
        gw_buf_printf(b, "</a><span class=\"n\">%u</span></li>", f[i].count);
    }
    gw_buf_puts(b, "</ul>");
    if (is_year ? p->year != 0 : p->source != NULL) {
        gw_buf_puts(b, "<p class=\"clear\">");
        link_open(b, p, 1, -1, is_year ? NULL : "", is_year ? 0 : -1, NULL);
        gw_buf_puts(b, "✕ 不限");
        gw_buf_puts(b, heading);
        gw_buf_puts(b, "</a></p>");
    }
}

static void pages(gw_buf *b, const sd_params *p, unsigned total, unsigned max_offset)
{
    unsigned last = (total + p->size - 1) / p->size;
    unsigned cap = max_offset / p->size;
    if (cap && last > cap)
        last = cap;
    if (last <= 1)
        return;
    unsigned cur = p->page;
    gw_buf_puts(b, "<nav class=\"pages\" aria-label=\"分页\">");
    if (cur > 1) {
        link_open(b, p, (int)cur - 1, -1, NULL, -1, "prev");
        gw_buf_puts(b, "‹ 上一页</a>");
    }
    unsigned lo = cur > 3 ? cur - 2 : 1, hi = cur + 2 < last ? cur + 2 : last;
    if (lo > 1) {
        link_open(b, p, 1, -1, NULL, -1, NULL);
        gw_buf_puts(b, "1</a>");
        if (lo > 2)
            gw_buf_puts(b, "<span>…</span>");
    }
    for (unsigned i = lo; i <= hi; i++) {
        if (i == cur) {
            gw_buf_printf(b, "<b aria-current=\"page\">%u</b>", i);
        } else {
            link_open(b, p, (int)i, -1, NULL, -1, NULL);
            gw_buf_printf(b, "%u</a>", i);
        }
    }
    if (hi < last) {
        if (hi + 1 < last)
            gw_buf_puts(b, "<span>…</span>");
        link_open(b, p, (int)last, -1, NULL, -1, NULL);
        gw_buf_printf(b, "%u</a>", last);
    }
    if (cur < last) {
        link_open(b, p, (int)cur + 1, -1, NULL, -1, "next");
        gw_buf_puts(b, "下一页 ›</a>");
    }
    gw_buf_puts(b, "</nav>");
}

/* The spans of a document's meta line, each escaped: date, source and number when known,
 * the path always (the results and the document view show the same line). */
static void meta_spans(gw_buf *b, const char *date, const char *source, const char *docno,
                       const char *path)
{
    const char *const cls[] = {"date", "source", "docno", "path"};
    const char *const val[] = {date, source, docno, path};
    for (int i = 0; i < 4; i++) {
        if (!val[i][0] && i < 3)
            continue;
        gw_buf_printf(b, "<span class=\"%s\">", cls[i]);
        gw_escape_html_str(b, val[i]);
        gw_buf_puts(b, "</span>");
    }
}

static void doc_link(gw_buf *b, const char *path, const char *q)
{
    gw_buf_puts(b, "<a href=\"/doc/");
    sd_url_encode(b, path, strlen(path));
    if (q && *q) {
        gw_buf_puts(b, "?q=");
        sd_url_encode(b, q, strlen(q));
    }
    gw_buf_puts(b, "\">");
}

void sd_page_results(gw_buf *b, const sd_params *p, const gw_results *res)
{
    head(b, p->q);
    header(b, p->q);
    gw_buf_puts(b, "<div class=\"wrap\"><main>");
    /* Summary line and sort links. */
    gw_buf_puts(b, "<div class=\"summary\"><span>");
    if (p->similar)
        gw_buf_puts(b, "相似文档 ");
    gw_buf_printf(b, "%s%u 条结果（%.0f 毫秒）</span><span class=\"sort\">排序：",
                  res->total_is_exact ? "共 " : "约 ", res->total, res->took_ms);
    static const char *const sort_names[] = {"相关度", "最新", "最早"};
    for (int s = 0; s < 3; s++) {
        if (s == p->sort) {
            gw_buf_printf(b, "<b>%s</b>", sort_names[s]);
        } else {
            link_open(b, p, 1, s, NULL, -1, "sort");
            gw_buf_printf(b, "%s</a>", sort_names[s]);
        }
    }
    gw_buf_puts(b, "</span></div>");
    if (res->timed_out)
        gw_buf_puts(b, "<p class=\"timeout\">搜索达到时限后停止：结果数为估计，可能漏掉部分"
                       "文档。请使用更具体的检索词。</p>");
    if (res->n_hits == 0) {
        gw_buf_puts(b, "<div class=\"explain\"><p>没有找到与 <b>");
        gw_escape_html_str(b, p->q);
        gw_buf_puts(b, "</b> 相符的公文。</p>");
        /* The one line a reader needs ("searched for 发展 after converting 發展"), then
         * the parser's full account, folded (<details> needs no script). */
        if (p->q && res->query_norm[0] && strcmp(res->query_norm, p->q) != 0) {
            gw_buf_puts(b, "<p class=\"why\">已将 <b>");
            gw_escape_html_str(b, p->q);
            gw_buf_puts(b, "</b> 转换为 <b>");
            gw_escape_html_str(b, res->query_norm);
            gw_buf_puts(b, "</b> 后搜索（繁简、全角、大小写、拼音注音统一处理）。</p>");
        }
        if (res->explain[0]) {
            gw_buf_puts(b, "<details><summary>查询是如何理解的</summary><pre>");
            gw_escape_html_str(b, res->explain);
            gw_buf_puts(b, "</pre></details>");
        }
        gw_buf_puts(b, "</div>");
    }
    for (size_t i = 0; i < res->n_hits; i++) {
        const gw_hit *h = &res->hits[i];
        gw_buf_puts(b, "<article class=\"hit\"><h3>");
        doc_link(b, h->path, p->q);
        gw_escape_html_str(b, h->title[0] ? h->title : h->path);
        gw_buf_puts(b, "</a></h3><p class=\"meta\">");
        meta_spans(b, h->date, h->source, h->docno, h->path);
        gw_buf_puts(b, "</p><p class=\"snippet\">");
        gw_mark_html(b, h->snippet_text, strlen(h->snippet_text), h->marks, h->n_marks,
                     GW_MARK_INLINE);
        gw_buf_puts(b, "</p>");
        if (h->similar && !p->similar) {
            sd_params sp = *p;
            sp.similar = h->id;
            sp.page = 1;
            gw_buf_puts(b, "<p class=\"similar\">");
            link_open(b, &sp, 1, -1, NULL, -1, "similar");
            gw_buf_printf(b, "另有 %u 篇相似</a></p>", h->similar);
        }
        gw_buf_puts(b, "</article>");
    }
    pages(b, p, res->total, 10000);
    gw_buf_puts(b, "</main><aside aria-label=\"筛选\">");
    facet_list(b, p, "来源", res->facet_source, res->n_facet_source, 0);
    facet_list(b, p, "年份", res->facet_year, res->n_facet_year, 1);
    gw_buf_puts(b, "</aside></div>");
    foot(b);
}

void sd_page_doc(gw_buf *b, const gw_docview *d, const char *q)
{
    head(b, d->title[0] ? d->title : d->path);
    header(b, q ? q : "");
    gw_buf_puts(b, "<article class=\"doc\">");
    if (q && *q) {
        gw_buf_puts(b, "<p class=\"back\"><a href=\"/?q=");
        sd_url_encode(b, q, strlen(q));
        gw_buf_puts(b, "\">‹ 返回搜索结果</a></p>");
    }
    gw_buf_puts(b, "<h1>");
    gw_escape_html_str(b, d->title[0] ? d->title : d->path);
    gw_buf_puts(b, "</h1><p class=\"meta\">");
    meta_spans(b, d->date, d->source, d->docno, d->path);
    if (q && *q)
        gw_buf_printf(b, "<span class=\"nmarks\">%zu 处匹配</span>", d->n_marks);
    gw_buf_puts(b, "</p><div class=\"body\">");
    gw_mark_html(b, d->text, strlen(d->text), d->marks, d->n_marks, GW_MARK_LINES);
    gw_buf_puts(b, "</div></article>");
    foot(b);
}

/* ---- GET / ---------------------------------------------------------------------------- */

static const char *render_page(gw_buf *b, const sd_params *p, const gw_results *res)
{
    sd_page_results(b, p, res);
    return "text/html; charset=utf-8";
}

void sd_handle_page(sd_request *rq, sd_reply *r)
{
    sd_params p;
    sd_limits lim = sd_request_limits(rq);
    sd_perr pe;
    const char *error = NULL;
    r->ctype = "text/html; charset=utf-8";
    if (sd_params_parse(rq->query, rq->query_len, &lim, &p, &pe) < 0) {
        error = pe.msg;
    } else if (!p.q && !p.source && !p.year && !p.from[0] && !p.to[0]) {
        /* nothing asked yet: the home page */
    } else if (sd_params_check(&p, &lim, &pe) < 0) {
        error = pe.msg;
    } else {
        if (!sd_cache_serve(rq, r))
            sd_reply_results(rq, &p, 1, render_page, r);
        sd_params_free(&p);
        return;
    }
    r->status = error ? pe.status : 200;
    sd_page_home(&r->body, &p, error);
    sd_params_free(&p);
}
