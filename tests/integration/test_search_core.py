#!/usr/bin/env python3
"""The search core through the real CLI on real databases (issue 6, points 3-7):
ranking (a title hit outranks a passing mention), sorting by date, near-duplicates collapsed
with "N similar" and listed with --similar, facets equal to the counts over the full result
set (also for 10,000 matching documents), snippets on the original text, explanations,
exit codes, and the JSON shape shared with the daemon."""
import json
import os
import subprocess
import sys

from oracle import INDEXER, SEARCH, diag, main, ok


def search(db, *args):
    r = subprocess.run([SEARCH, "-d", db] + list(args), capture_output=True, text=True)
    return r


def sj(db, *args):
    r = search(db, "--json", *args)
    if r.returncode not in (0, 1):
        diag(r.stderr)
        return {"hits": [], "total": -1, "facets": {"source": [], "year": []}}
    return json.loads(r.stdout)


def index(docdir, db):
    r = subprocess.run([INDEXER, "-d", db, docdir], capture_output=True, text=True)
    if r.returncode != 0:
        diag(r.stderr[-2000:])
    return r.returncode == 0


FILLER = ("会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，"
          "着力推动经济实现质的有效提升和量的合理增长。各级机关要切实履行职责，抓好工作落实。")


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)


def run_all(tmp):
    run(tmp)
    run_big(tmp)


def run(tmp):
    d = os.path.join(tmp, "docs")
    os.makedirs(d)
    # ranking: the title holds the query vs. one passing mention in a longer body
    write(d, "rank_title.txt", "全面推进生态文明示范区建设的实施意见\n2022年05月06日\n来源：省政府网站\n"
          + FILLER * 3 + "\n")
    write(d, "rank_passing.txt", "关于做好二〇二二年春季农业生产工作的通知\n2022年03月01日\n来源：农业农村厅\n"
          + FILLER * 2 + "同时也要兼顾生态文明示范区的相关要求。" + FILLER + "\n")
    # dates for sorting
    for i, (y, m) in enumerate([(2019, 1), (2021, 7), (2020, 3), (2023, 11), (2018, 5)]):
        write(d, "dated_%d.txt" % i, "排序测试文件第%d号\n%d年%02d月15日\n来源：市委办公室\n排序专用词出现在这里。%s\n"
              % (i, y, m, FILLER))
    # near-duplicates: the same report reposted with different boilerplate and titles
    body = "".join("第%d条，关于重复转载检测的正文内容，%s" % (k, FILLER) for k in range(12))
    write(d, "dup_a.txt", "重复转载检测报告\n2023年02月03日\n来源：新华网\n" + body + "\n")
    write(d, "dup_b.txt", "【转载】重复转载检测报告\n当前位置：首页 > 新闻中心 > 正文\n2023年02月03日\n来源：人民网\n"
          + body + "\n版权声明：本站所有内容均为转载。\n")
    write(d, "dup_c.txt", "重复转载检测报告_县融媒体中心\n2023年02月03日\n来源：县融媒体中心\n" + body
          + "\n【打印本页】【关闭窗口】\n")
    # snippets on the original text
    write(d, "trad.txt", "堅定不移推動機關黨建高質量發(fā)展\n2022年10月01日\n來源：旗幟網\n"
          "要以黨的政治建設為統領，推動機關黨建高質(zhì)量發展。" + FILLER + "\n")
    db = os.path.join(tmp, "db")
    ok(index(d, db), "indexer builds the test database")

    # --- the three ways a query is matched rank alike: with facets the page is ranked
    # inside the facet pass's matches (phrases without positions), without facets by the
    # query with its phrases matched by their bigram cover, uncollapsed in one pass
    for q in ('"生态文明示范区"', "生态文明示范区", '"重复转载检测"', "会议强调 排序专用词"):
        runs = [sj(db, q, *extra) for extra in ((), ("--no-facets",), ("--no-collapse",),
                                                ("--no-collapse", "--no-facets"))]
        ranked = [[(h["id"], h["score"]) for h in x["hits"]] for x in runs]
        ok(ranked[0] == ranked[1] and ranked[2] == ranked[3] and ranked[0],
           "%s: the same hits and weights with and without facets: %s" % (q, ranked[0][:3]))
    # --- ranking
    r = sj(db, "生态文明示范区")
    paths = [h["path"] for h in r["hits"]]
    ok(paths[:2] == ["rank_title.txt", "rank_passing.txt"],
       "a title hit ranks above a passing mention: %s" % paths)
    # --- sorting by date
    r = sj(db, "排序专用词", "--sort", "date")
    dates = [h["date"] for h in r["hits"]]
    ok(len(dates) == 5 and dates == sorted(dates) and all(dates), "--sort date: oldest first %s" % dates)
    r = sj(db, "排序专用词", "--sort", "-date")
    dates2 = [h["date"] for h in r["hits"]]
    ok(dates2 == sorted(dates, reverse=True), "--sort -date: newest first %s" % dates2)
    # --- near-duplicates
    r = sj(db, "重复转载检测")
    dup_hits = [h for h in r["hits"] if h["path"].startswith("dup_")]
    ok(len(dup_hits) == 1 and dup_hits[0]["similar"] == 2,
       "three reposts show once with 2 similar: %s" % [(h["path"], h["similar"]) for h in dup_hits])
    ok(r["total"] == 1 and r["total_is_exact"],
       "total counts the collapsed hit once, exactly (%s, %s)" % (r["total"], r["total_is_exact"]))
    r2 = sj(db, "重复转载检测", "--no-collapse")
    ok(sorted(h["path"] for h in r2["hits"]) == ["dup_a.txt", "dup_b.txt", "dup_c.txt"],
       "--no-collapse shows all three")
    if dup_hits:
        r3 = sj(db, "重复转载检测", "--similar", str(dup_hits[0]["id"]))
        ok(sorted(h["path"] for h in r3["hits"]) == ["dup_a.txt", "dup_b.txt", "dup_c.txt"],
           "--similar lists the collapsed duplicates: %s" % [h["path"] for h in r3["hits"]])
    # a query that needs checking against the text collapses the same way
    r = sj(db, '"检测的正文内容，会议强调"')
    ok([h["similar"] for h in r["hits"]] == [2], "collapse also for phrases checked on the text")
    # --- facets: equal to the counts over the whole uncollapsed result set
    for q in ("会议强调", "排序专用词", '"职责，抓好"'):
        full = sj(db, q, "--no-collapse", "--size", "1000")
        want_src, want_year = {}, {}
        for h in full["hits"]:
            if h["source"]:
                want_src[h["source"]] = want_src.get(h["source"], 0) + 1
            if h["date"]:
                want_year[h["date"][:4]] = want_year.get(h["date"][:4], 0) + 1
        got_src = {f["value"]: f["count"] for f in full["facets"]["source"]}
        got_year = {f["value"]: f["count"] for f in full["facets"]["year"]}
        ok(got_src == want_src and got_year == want_year and want_src,
           "facets of %s equal the result set's sources and years" % q)
        if got_src != want_src or got_year != want_year:
            diag("source want %s got %s" % (want_src, got_src))
            diag("year want %s got %s" % (want_year, got_year))
    # --- filters
    r = sj(db, "会议强调", "--year", "2019", "--no-collapse")
    ok([h["date"][:4] for h in r["hits"]] == ["2019"], "--year filters")
    r = sj(db, "会议强调 year:2019")
    ok([h["date"][:4] for h in r["hits"]] == ["2019"], "year: in the query filters")
    r = sj(db, "会议强调 date:2020-01-01..2021-12-31", "--no-collapse")
    ok(sorted(h["date"][:4] for h in r["hits"]) == ["2020", "2021"], "date range in the query")
    r = sj(db, "--from", "2022-01-01", "--to", "2022-12-31", "--no-collapse")
    ok(r["hits"] and all(h["date"].startswith("2022") for h in r["hits"]),
       "filters alone (no words) list documents in the range")
    src = [f["value"] for f in sj(db, "会议强调")["facets"]["source"]]
    if src:
        r = sj(db, "会议强调", "--source", src[0], "--no-collapse")
        ok(r["hits"] and all(h["source"] == src[0] for h in r["hits"]), "--source filters exactly")
    # --- snippets on the original text
    r = sj(db, "高质量发展")
    h = [h for h in r["hits"] if h["path"] == "trad.txt"]
    ok(h and "<mark>高質量發展</mark>" in h[0]["snippet_html"],
       "query 高质量发展 highlights 高質量發展 in the original (snippet %s)" % (h[0]["snippet_html"] if h else None))
    ok(h and h[0]["snippet"]["marks"] and all(h[0]["snippet"]["text"][s:e] in ("高質量發展", "发展")
                                   for s, e in h[0]["snippet"]["marks"]),
       "marks are character offsets into snippet.text")
    t = search(db, "高质量发展")
    ok("【高質量發展】" in t.stdout, "the terminal form puts 【】 around matches")
    # --- explain
    t = search(db, "--explain", '"機關黨建" 2022年 -疫情')
    ok('phrase "机关党建"' in t.stdout and "2022年" in t.stdout and "NOT" in t.stdout
       and "T2S" in t.stdout, "--explain prints the understood query")
    r = sj(db, "--explain", "發(fā)展 title:示范区")
    e = r.get("explain", {})
    ok("pinyin" in e.get("normalizations", []) and e.get("tree", {}).get("op") == "and",
       "the JSON explanation lists normalizations and the tree")
    r = sj(db, "--explain", "生态文明 甲乙丙丁")
    parts = {p["text"]: p["documents"] for p in r.get("explain", {}).get("parts_alone", [])}
    ok(r["total"] == 0 and parts.get("生态", 0) >= 2 and parts.get("甲乙") == 0,
       "with zero results the explanation says what each part matches alone: %s" % parts)
    # --- exit codes
    ok(search(db, "高质量发展").returncode == 0, "exit 0 with hits")
    ok(search(db, "不存在的字符串甲乙丙").returncode == 1, "exit 1 without hits")
    r = search(db, "")
    ok(r.returncode == 2 and "empty" in r.stderr, "exit 2 for an empty query, saying so")
    r = search(db, "x" * 5000)
    ok(r.returncode == 2 and "too long" in r.stderr, "exit 2 for an over-long query, saying so")
    ok(search(os.path.join(tmp, "nope"), "发展").returncode == 3, "exit 3 without a database")
    # --- JSON shape
    r = sj(db, "高质量发展")
    h = r["hits"][0]
    keys = {"id", "path", "title", "date", "source", "docno", "score", "snippet_html", "snippet",
            "similar", "dupkey"}
    ok(keys <= set(h) and {"total", "total_is_exact", "took_ms", "hits", "facets"} <= set(r),
       "JSON carries the documented fields")
    r2 = sj(db, "高质量发展", "--no-snippets")
    ok([x["path"] for x in r2["hits"]] == [x["path"] for x in r["hits"]]
       and all(x["snippet_html"] == "" and x["snippet"]["text"] == "" for x in r2["hits"])
       and h["snippet_html"] != "",
       "--no-snippets: the same hits with empty snippets")
    d1 = json.loads(search(db, "--json", "--doc", str(h["id"]), "高质量发展").stdout)
    ok("<mark>" in d1["html"] and d1["path"] == h["path"], "--doc shows the whole document highlighted")


def run_big(tmp):
    """Facets stay exact for 10,000 matching documents."""
    d = os.path.join(tmp, "big")
    os.makedirs(d)
    n_match = 10000
    want_src, want_year = {}, {}
    sources = ["甲单位", "乙单位", "丙单位", "丁单位", "戊单位", "己单位", "庚单位"]
    for i in range(n_match + 300):
        src = sources[i % 7]
        y = 2015 + (i * 7 // 3) % 9
        word = "统计专用词" if i < n_match else "其他内容"
        write(d, "b%05d.txt" % i, "第%d号文件\n%d年01月02日\n来源：%s\n%s编号%d。\n" % (i, y, src, word, i))
        if i < n_match:
            want_src[src] = want_src.get(src, 0) + 1
            want_year[str(y)] = want_year.get(str(y), 0) + 1
    db = os.path.join(tmp, "bigdb")
    if not ok(index(d, db), "indexer builds a 10,300-document database"):
        return
    r = sj(db, "统计专用词", "--no-collapse")
    got_src = {f["value"]: f["count"] for f in r["facets"]["source"]}
    got_year = {f["value"]: f["count"] for f in r["facets"]["year"]}
    ok(r["total"] == n_match and r["total_is_exact"], "total exact for 10,000 matches (%s)" % r["total"])
    ok(sum(got_src.values()) == n_match and sum(got_year.values()) == n_match,
       "facet counts add up to 10,000 (%d, %d)" % (sum(got_src.values()), sum(got_year.values())))
    # the sources as stored (whatever the metadata extractor made of them) vs. the generator
    ok(sorted(got_src.values()) == sorted(want_src.values()) and got_year == want_year,
       "facet counts by source and year are exact")
    # collapsed (the default): one result per near-duplicate key among the 10,000, known
    # exactly — counted here from the full uncollapsed list (these short reports differ
    # only by their numbers, so some share a key)
    full = sj(db, "统计专用词", "--no-collapse", "--no-snippets", "--size", str(n_match))
    keys = [h["dupkey"] for h in full["hits"]]
    want = len(set(k for k in keys if k)) + sum(1 for k in keys if not k)
    r = sj(db, "统计专用词")
    ok(len(keys) == n_match and r["total"] == want and r["total_is_exact"],
       "collapsed total exact for 10,000 matches (%s of %d listed, want %d, exact %s)"
       % (r["total"], len(keys), want, r["total_is_exact"]))


if __name__ == "__main__":
    sys.exit(main(run_all, "gongwen-core."))
