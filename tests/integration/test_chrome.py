#!/usr/bin/env python3
"""Every visible line is searchable (docs/text-pipeline.md, "What is dropped or demoted"):
metadata lines (来源：, 责任编辑：) and page chrome (breadcrumbs, footers, link rows, garbled
tails) are indexed as parts of their own. A plain query finds them, a match only there
ranks after body matches, the snippet shows the matching metadata or chrome line only when
the body holds no match, and source:, the facets and the near-duplicate key still come
from the body and the extracted metadata. Real files, the real indexer, the real CLI."""
import json
import os
import subprocess
import sys

from oracle import INDEXER, SEARCH, diag, main, ok

FILLER = ("会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，"
          "着力推动经济实现质的有效提升和量的合理增长。各级机关要切实履行职责，抓好工作落实。")


def sj(db, *args):
    r = subprocess.run([SEARCH, "-d", db, "--json"] + list(args), capture_output=True, text=True)
    if r.returncode not in (0, 1):
        diag(r.stderr)
        return {"hits": [], "total": -1, "facets": {"source": [], "year": []}}
    return json.loads(r.stdout)


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)


def hit(r, path):
    h = [x for x in r["hits"] if x["path"] == path]
    return h[0] if h else None


def run(tmp):
    d = os.path.join(tmp, "docs")
    os.makedirs(d)
    # the agency and the editor appear only in metadata lines
    write(d, "meta.txt", "关于开展年度经济责任审计工作的通知\n"
          "来源：北京市审计局 发布时间：2023-05-06\n" + FILLER + "\n"
          "（新闻来源：市融媒体中心 转载：司马青云）\n责任编辑：欧阳修远\n")
    # the site name only in the breadcrumb and the copyright footer ...
    write(d, "chrome.txt", "当前位置：文范网 > 讲话致辭 > 领导讲话稿\n"
          "在全区机关党建工作会议上的讲话\n2023年04月01日\n" + FILLER + "\n"
          "文章版权属于文章作者所有，转载请注明出处\n【打印本页】【关闭窗口】\n")
    # ... and in the body of another document, which ranks first
    write(d, "body.txt", "关于规范网络转载的通知\n2023年03月01日\n"
          "近期文范网等网站转载公文不规范，现提出如下要求。" + FILLER + "\n")
    # a broken scrape: the garbled tail is cut from the body but stays findable
    write(d, "tail.txt", "忠诚干净担当\n2023年02月01日\n" + FILLER + "\n"
          "树立机关干部忠诚干净擔當?shù)牧己眯蜗蟆?/P>\n")
    # a help text: a sentence holding 关闭窗口 is body, not a link row
    write(d, "help.txt", "选项对话框\n单击确定按钮将保存所有设置并关闭窗口。\n单击取消按钮将放弃修改。\n")
    db = os.path.join(tmp, "db")
    r = subprocess.run([INDEXER, "-d", db, d], capture_output=True, text=True)
    if not ok(r.returncode == 0, "indexer builds the test database"):
        diag(r.stderr[-2000:])
        return

    # --- metadata lines
    r = sj(db, "北京市审计局")
    h = hit(r, "meta.txt")
    ok(h is not None, "a plain query finds an agency named only in a 来源： line")
    r = sj(db, "欧阳修远")
    h = hit(r, "meta.txt")
    ok(h is not None, "a plain query finds an editor named only in 责任编辑：")
    ok(h and "<mark>欧阳修远</mark>" in h["snippet_html"] and "责任编辑" in h["snippet"]["text"],
       "the snippet of a metadata-only match is the metadata line, marked (%s)"
       % (h["snippet_html"] if h else None))
    ok(h and h.get("snippet_from") == "metadata", "snippet_from says metadata (%s)"
       % (h.get("snippet_from") if h else None))
    ok(h and all(h["snippet"]["text"][s:e] == "欧阳修远" for s, e in h["snippet"]["marks"])
       and h["snippet"]["marks"], "marks point into the metadata snippet")
    r = sj(db, "司马青云")
    ok(hit(r, "meta.txt") is not None, "a name in （新闻来源：… 转载：…） is found")
    # a phrase checked against the stored text (it ends in punctuation) also matches there
    r = sj(db, '"责任编辑："')
    ok(hit(r, "meta.txt") is not None, "a phrase verified on the text matches in the metadata")
    r = sj(db, '"欧阳修远 会议"')
    ok(r["total"] == 0, "no phrase runs across a part boundary")

    # --- source: and the facets come from the extracted metadata, as before
    r = sj(db, "source:北京市审计局")
    ok([x["path"] for x in r["hits"]] == ["meta.txt"], "source: finds the extracted source")
    r = sj(db, "source:欧阳修远")
    ok(r["total"] == 0, "source: does not search the other metadata lines")
    r = sj(db, "source:文范网")
    ok(r["total"] == 0, "source: does not search the chrome")
    r = sj(db, "欧阳修远")
    ok([(f["value"], f["count"]) for f in r["facets"]["source"]] == [("北京市审计局", 1)],
       "the source facet is the extracted source (%s)" % r["facets"]["source"])

    # --- chrome: found, after the body match; snippet from the body when it matches
    r = sj(db, "文范网")
    paths = [x["path"] for x in r["hits"]]
    ok(paths == ["body.txt", "chrome.txt"],
       "a site name in a breadcrumb is found, after the document holding it in the body: %s" % paths)
    h = hit(r, "chrome.txt")
    ok(h and h.get("snippet_from") == "chrome" and "<mark>文范网</mark>" in h["snippet_html"],
       "a chrome-only match shows the chrome line (%s)" % (h["snippet_html"] if h else None))
    h = hit(r, "body.txt")
    ok(h and h.get("snippet_from") == "body" and "<mark>文范网</mark>" in h["snippet_html"],
       "a body match shows the body")
    r = sj(db, "文章版权属于")
    ok(hit(r, "chrome.txt") is not None, "the copyright footer is found")
    r = sj(db, "会议 文范网", "--no-collapse")
    h = hit(r, "chrome.txt")
    ok(h and h.get("snippet_from") == "body",
       "the chrome is never the snippet when the body matches (%s)" % (h.get("snippet_from") if h else None))
    r = sj(db, "shù")
    h = hit(r, "tail.txt")
    ok(h and h.get("snippet_from") == "chrome" and "<mark>shù</mark>" in h["snippet_html"],
       "the shù of a garbled tail is found (%s)" % (h["snippet_html"] if h else None))
    r = sj(db, "担当")
    h = hit(r, "tail.txt")
    ok(h and h.get("snippet_from") == "body", "the kept part of the line is body")

    # --- a help sentence holding 关闭窗口 stays body
    r = sj(db, "保存所有设置并关闭窗口")
    h = hit(r, "help.txt")
    ok(h and h.get("snippet_from") == "body" and h["score"] > 0,
       "保存所有设置并关闭窗口。 is body text, ranked (%s)" % (h and h["score"]))

    # --- --inspect lists the parts
    r = subprocess.run([INDEXER, "--inspect", os.path.join(d, "chrome.txt")],
                       capture_output=True, text=True)
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    kinds = [(c["kind"], c["text"][:6]) for c in j.get("chrome_lines", [])]
    ok(kinds == [("boilerplate", "当前位置：文"), ("boilerplate", "文章版权属于"),
                 ("boilerplate", "【打印本页】")], "--inspect lists the chrome lines by kind: %s" % kinds)
    r = subprocess.run([INDEXER, "--inspect", os.path.join(d, "meta.txt")],
                       capture_output=True, text=True)
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    ok(len(j.get("metadata_lines", [])) == 3 and j.get("source") == "北京市审计局",
       "--inspect lists the metadata lines: %s" % j.get("metadata_lines"))


if __name__ == "__main__":
    sys.exit(main(run, "gongwen-chrome."))
