#!/usr/bin/env python3
"""The search page in a real headless Chromium, driven over the W3C WebDriver protocol
(chromedriver; python3 stdlib only): load /, type a query into the autofocused box,
submit, check results and <mark> highlights in the DOM, follow a source facet, a year
facet and the pagination, open a document, check that markup inside a document and inside
a query stays text, and save screenshots (desktop and phone width) under $OUT for a
person to look at. Real parts: corpus/ plus generated reports indexed by the real indexer,
the real daemon on a free port. Prints TAP lines."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("BIN", "bin")
BIN = BIN if os.path.isabs(BIN) else os.path.join(ROOT, BIN)
OUT = os.environ.get("OUT", os.path.join(ROOT, "build", "test-output"))
OUT = OUT if os.path.isabs(OUT) else os.path.join(ROOT, OUT)
ELEM = "element-6066-11e4-a52e-4f735466cecf"
QUERY = "高质量发展"

ntests = nfail = 0


def ok(cond, desc, detail=""):
    global ntests, nfail
    ntests += 1
    if cond:
        print("ok - " + desc)
    else:
        nfail += 1
        print("not ok - " + desc)
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("# " + line)
    sys.stdout.flush()
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(method, url, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Browser:
    def __init__(self, driver_url, tmp):
        self.base = driver_url
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--user-data-dir=" + os.path.join(tmp, "chrome-profile"),
                         "--window-size=1280,1000", "--lang=zh-CN"]}}}}
        st, r = http("POST", self.base + "/session", caps, timeout=120)
        if st != 200:
            raise RuntimeError("session: %s %s" % (st, r))
        self.sid = r["value"]["sessionId"]
        self.s = self.base + "/session/" + self.sid

    def cmd(self, method, path, body=None):
        st, r = http(method, self.s + path, body)
        if st != 200:
            raise RuntimeError("%s %s: %s %s" % (method, path, st, r))
        return r["value"]

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def url(self):
        return self.cmd("GET", "/url")

    def find(self, css):
        return [e[ELEM] for e in self.cmd("POST", "/elements",
                                          {"using": "css selector", "value": css})]

    def text(self, e):
        return self.cmd("GET", "/element/%s/text" % e)

    def attr(self, e, name):
        return self.cmd("GET", "/element/%s/attribute/%s" % (e, name))

    def prop(self, e, name):
        return self.cmd("GET", "/element/%s/property/%s" % (e, name))

    def click(self, e):
        self.cmd("POST", "/element/%s/click" % e, {})

    def type(self, e, s):
        self.cmd("POST", "/element/%s/value" % e, {"text": s})

    def active(self):
        return self.cmd("GET", "/element/active")[ELEM]

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
        return len(png)

    def resize(self, w, h):
        self.cmd("POST", "/window/rect", {"width": w, "height": h})

    def alert_open(self):
        st, _ = http("GET", self.s + "/alert/text")
        return st == 200

    def wait_url(self, pred, seconds=10):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            u = self.url()
            if pred(u):
                return u
            time.sleep(0.05)
        return self.url()

    def close(self):
        http("DELETE", self.s)


def main():
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        print("chromium or chromedriver missing (make deps-test installs them)")
        return 77
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="gongwen-browser.")
    procs = []
    try:
        corpus = os.path.join(tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/integration/searchd_corpus.py"),
                        corpus, "40"], check=True)
        with open(os.path.join(corpus, "xss.html"), "w", encoding="utf-8") as f:
            f.write('<html><head><meta charset="utf-8"><title>注入測試 &lt;script&gt;</title></head>'
                    '<body><p>注入測試 &lt;script&gt;alert("xss")&lt;/script&gt; 文字</p>'
                    '<p>屬性 &quot;&gt;&lt;img src=x onerror=alert(2)&gt; 結束</p></body></html>')
        db = os.path.join(tmp, "db")
        r = subprocess.run([os.path.join(BIN, "gongwen-indexer"), "-q", "-d", db, corpus],
                           capture_output=True, text=True)
        ok(r.returncode in (0, 1), "indexer indexes the corpus (exit %d)" % r.returncode,
           r.stderr)
        port = free_port()
        base = "http://127.0.0.1:%d" % port
        log = open(os.path.join(tmp, "searchd.log"), "w")
        sd = subprocess.Popen([os.path.join(BIN, "gongwen-searchd"), "-d", db, "-l",
                               "127.0.0.1:%d" % port], stdout=log, stderr=log)
        procs.append(sd)
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        dport = free_port()
        drv = subprocess.Popen(["/usr/bin/chromedriver", "--port=%d" % dport],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(drv)
        durl = "http://127.0.0.1:%d" % dport
        for _ in range(100):
            try:
                st, v = http("GET", durl + "/status", timeout=2)
                if st == 200 and v["value"]["ready"]:
                    break
            except Exception:
                pass
            time.sleep(0.1)
        b = Browser(durl, tmp)
        try:
            run(b, base)
        finally:
            b.close()
    except Exception as e:
        ok(False, "browser session ran to the end", repr(e))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if procs:
            # SIGTERM drains and exits 0 (under ASan, a leak would make it non-zero).
            ok(procs[0].returncode == 0, "searchd exits 0 on SIGTERM (%s)" % procs[0].returncode,
               open(os.path.join(tmp, "searchd.log")).read()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % ntests)
    return 1 if nfail else 0


def norm(s):
    # The corpus mixes scripts; the page shows the original text.
    return s.replace("質", "质").replace("發", "发").replace("展", "展")


def run(b, base):
    b.go(base + "/")
    boxes = b.find("input[name=q]")
    ok(len(boxes) == 1, "/ has one search box")
    ok(b.active() == boxes[0], "the search box has the focus (autofocus)")
    b.type(boxes[0], QUERY)
    b.click(b.find("form.search button[type=submit]")[0])
    u = b.wait_url(lambda u: "q=" in u)
    ok(urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).get("q") == [QUERY],
       "submitting the form searches for the typed query", u)
    hits = b.find("article.hit")
    ok(len(hits) == 10, "a full first page of results (%d)" % len(hits))
    titles = [b.text(e) for e in b.find("article.hit h3 a")]
    ok(all(titles), "every hit has a title")
    ok(any("推動機關黨建高質量發展" in t or "推动机关党建高质量发展" in norm(t) for t in titles),
       "seed 000 (its title says 高質量發展) is among the hits", titles)
    marks = [b.text(e) for e in b.find("article.hit .snippet mark")]
    ok(len(marks) >= 10, "snippets highlight matches with <mark> (%d)" % len(marks))
    ok(all(QUERY in norm(m) or norm(m) in QUERY for m in marks),
       "every highlight is (part of) the query", marks[:10])
    metas = b.find("article.hit .meta .date")
    ok(len(metas) >= 5, "hits show their date")
    ok(bool(b.find("article.hit .meta .source")), "hits show their source")
    ok(bool(b.find("p.similar a.similar")), "a hit with reposts links its similar documents")
    b.screenshot(os.path.join(OUT, "searchd-results.png"))
    results_url = b.url()
    sim = b.find("p.similar a.similar")[0]
    n_similar = int("".join(c for c in b.text(sim) if c.isdigit()))
    b.click(sim)
    b.wait_url(lambda u: "similar=" in u)
    paths = [b.text(e) for e in b.find("article.hit .meta .path")]
    ok(len(paths) == n_similar + 1 and "repost-1.txt" in paths,
       "the similar link lists the hit and its %d near-duplicates" % n_similar, paths)
    b.go(results_url)

    # Facet: the first source link filters to that source.
    facets = b.find("aside a.facet")
    ok(len(facets) >= 4, "the sidebar lists facet links (%d)" % len(facets))
    src_links = [e for e in facets if "source=" in (b.attr(e, "href") or "")]
    name = b.text(src_links[0]).strip()
    b.click(src_links[0])
    u = b.wait_url(lambda u: "source=" in u)
    ok(urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).get("source") == [name],
       "a source facet link filters by %s" % name, u)
    srcs = [b.text(e) for e in b.find("article.hit .meta .source")]
    ok(srcs and all(s == name for s in srcs), "every hit now has source %s" % name, srcs)
    ok(bool(b.find("aside li.on")), "the chosen facet is marked")
    # Year facet, on top of the source filter.
    years = [e for e in b.find("aside a.facet") if "year=" in (b.attr(e, "href") or "")]
    year = b.text(years[0]).strip()
    b.click(years[0])
    u = b.wait_url(lambda u: "year=" in u)
    dates = [b.text(e) for e in b.find("article.hit .meta .date")]
    ok(dates and all(d.startswith(year) for d in dates), "a year facet keeps only %s" % year,
       dates)
    clear = b.find("aside p.clear a")
    ok(len(clear) == 2, "each active filter can be removed")

    # Pagination from the unfiltered results.
    b.go(base + "/?q=" + urllib.parse.quote(QUERY))
    first = [b.text(e) for e in b.find("article.hit h3 a")]
    b.click(b.find("nav.pages a.next")[0])
    u = b.wait_url(lambda u: "page=2" in u)
    ok("page=2" in u, "the next-page link goes to page 2", u)
    cur = b.find("nav.pages b[aria-current=page]")
    ok(cur and b.text(cur[0]) == "2", "page 2 is marked current")
    second = [b.text(e) for e in b.find("article.hit h3 a")]
    ok(second and not set(first) & set(second), "page 2 shows other documents")
    ok(bool(b.find("nav.pages a.prev")), "page 2 links back")
    # Sort by date.
    b.click([e for e in b.find(".sort a") if "sort=-date" in (b.attr(e, "href") or "")][0])
    b.wait_url(lambda u: "sort=-date" in u)
    dates = [b.text(e) for e in b.find("article.hit .meta .date")]
    ok(dates == sorted(dates, reverse=True) and len(dates) > 3, "sort by date: newest first",
       dates)

    # The document view, highlighted.
    b.go(base + "/?q=" + urllib.parse.quote(QUERY))
    link = b.find("article.hit h3 a")[0]
    b.click(link)
    b.wait_url(lambda u: "/doc/" in u)
    ok(bool(b.find("article.doc h1")), "a hit opens the document view")
    dm = [b.text(e) for e in b.find("article.doc .body mark")]
    ok(dm and all(QUERY in norm(m) or norm(m) in QUERY for m in dm),
       "the document view highlights the query (%d marks)" % len(dm), dm[:5])
    ok(len(b.find("article.doc .body p")) > 3, "the document text is in paragraphs")
    b.screenshot(os.path.join(OUT, "searchd-document.png"))

    # Markup in a document and in a query stays text.
    b.go(base + "/?q=" + urllib.parse.quote("注入測試"))
    ok(not b.find("script") and not b.find("main img"), "no script or img element from a document")
    snippet = " ".join(b.text(e) for e in b.find("article.hit .snippet, article.hit h3"))
    ok('<script>alert("xss")</script>' in snippet or "<script>" in snippet,
       "a document's <script> is shown as text", snippet)
    ok(not b.alert_open(), "no alert was raised")
    b.go(base + "/doc/xss.html")
    body = b.text(b.find("article.doc")[0])
    ok('"><img src=x onerror=alert(2)>' in body, "the document view shows the markup as text",
       body)
    ok(not b.find("article.doc img") and not b.alert_open(), "no img element, no alert")
    evil = '"><img src=x onerror=alert(1)><script>alert(3)</script>'
    b.go(base + "/?q=" + urllib.parse.quote(evil))
    box = b.find("input[name=q]")[0]
    ok(b.prop(box, "value") == evil, "an evil query comes back verbatim in the box")
    ok(not b.find("img") and not b.find("body script") and not b.alert_open(),
       "an evil query injects no element")

    # No results: the explain line.
    b.go(base + "/?q=" + urllib.parse.quote("不存在的字符串甲乙丙"))
    ok(bool(b.find(".explain")), "zero results show the explanation")

    # Phone width.
    b.resize(390, 844)
    b.go(base + "/?q=" + urllib.parse.quote(QUERY))
    w = b.cmd("GET", "/element/%s/rect" % b.find("input[name=q]")[0])["width"]
    ok(w > 150, "the search box fits a phone screen (%d px)" % w)
    sw = b.cmd("POST", "/execute/sync", {"script": "return document.documentElement.scrollWidth;",
                                         "args": []})
    ok(sw <= 392, "no horizontal scrolling on a phone (%s px)" % sw)
    b.screenshot(os.path.join(OUT, "searchd-phone.png"))
    b.resize(1280, 1000)
    b.go(base + "/")
    b.screenshot(os.path.join(OUT, "searchd-home.png"))
    print("# screenshots: " + ", ".join(os.path.join(OUT, n) for n in
          ("searchd-home.png", "searchd-results.png", "searchd-document.png", "searchd-phone.png")))


if __name__ == "__main__":
    sys.exit(main())
