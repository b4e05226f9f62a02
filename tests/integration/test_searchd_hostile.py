#!/usr/bin/env python3
"""The real daemon under a flood and under random bytes: nothing crashes, every answer is
well formed, memory stays flat.

1. Flood: 10,000 requests from 64 concurrent keep-alive clients, mixing every query kind
   (phrases, Traditional, full-width, pinyin-annotated, AND/OR/NOT, filters, facets,
   paging, the page, the plain-text route, documents, health, metrics) with every error
   kind (bad parameters, unknown parameters and paths, bad percent-encoding, invalid
   UTF-8, over-long queries, deep pages, other methods). Each answer must be a status
   the request can have, in the route's shape (JSON parses on /search, HTML on /, text on
   /q=). The daemon's RSS after the flood must be within 10% of its RSS after a warm-up
   round of the same mix (the answer cache is off, so what grows is a leak). The p99 of
   the good requests is reported, not asserted. (The warm-up is a whole round: the
   allocator's arenas of the worker threads settle during the first one.)
2. Random requests: 2,000 connections send random bytes, truncated requests, random
   methods, broken percent-encoding, huge and empty header lines and pipelined requests.
   Each gets a well-formed HTTP answer with a 4xx status, or (for good pipelined requests)
   2xx, or is closed — never a 5xx, never a hang past the header timeout. The daemon still
   serves afterwards.

FLOOD_REQUESTS and RANDOM_REQUESTS change the counts (`make test-asan` runs 3,000 and 600:
the sanitized daemon is several times slower; the properties checked are the same).
"""
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402
from oracle import ok, diag  # noqa: E402

REQUESTS = int(os.environ.get("FLOOD_REQUESTS", "10000"))
CLIENTS = 64
RANDOM = int(os.environ.get("RANDOM_REQUESTS", "2000"))
SEARCHD = os.path.join(oracle.BIN, "gongwen-searchd")
Q = urllib.parse.quote

GOOD = ["/search?q=" + Q(x) for x in
        ["高质量发展", "\"機關黨建\"", "發展", "２０２２年", "发展 党建", "高质量发展 -疫情",
         "党建 OR 政治", "title:机关", "source:旗帜网", "year:2022", "\"发展，党建\"", "思想"]]
GOOD += ["/search?q=%s&size=5&page=2" % Q("发展"), "/search?q=%s&sort=date" % Q("党建"),
         "/search?q=%s&year=2022" % Q("机关"), "/search?q=%s&collapse=0" % Q("高质量"),
         "/search?q=%s&explain=true" % Q("不存在的词语组合"),
         "/?q=" + Q("高质量发展"), "/q=" + Q("机关党建"), "/health", "/metrics", "/"]
BAD = ["/search?q=", "/search", "/search?q=%s&size=0" % Q("发展"), "/search?q=%s&size=abc" % Q("发展"),
       "/search?q=%s&page=-1" % Q("发展"), "/search?q=%s&nope=1" % Q("发展"), "/search?q=%zz",
       "/search?q=%ff%fe", "/search?q=%00", "/search?q=" + "x" * 2000,
       "/search?q=%s&page=100000" % Q("发展"), "/search?q=%s&from=2023-02-30" % Q("发展"),
       "/nowhere", "/doc/%ff", "/doc/does-not-exist.txt", "/?q=" + "y" * 3000, "/q="]


def start(db, tmp):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    log = open(os.path.join(tmp, "searchd.log"), "w")
    p = subprocess.Popen([SEARCHD, "-d", db, "-l", "127.0.0.1:%d" % port, "-t", "2", "--cache", "0",
                          "--set", "searchd.per_ip_connections=1000",
                          "--set", "searchd.header_timeout=2"], stdout=log, stderr=log)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return p, port
        except OSError:
            pass
        time.sleep(0.1)
    p.kill()
    raise SystemExit("searchd did not start: " + open(os.path.join(tmp, "searchd.log")).read()[-500:])


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def well_formed(path, method, status, ctype, body):
    """Why an answer is wrong, or None."""
    good = method in ("GET", "HEAD") and path in GOOD
    if good and status != 200:
        return "status %d for a good request" % status
    if not good and not (400 <= status < 500):
        return "status %d for a bad request" % status
    if method == "HEAD":
        return None
    if path.startswith("/search") or (path.startswith("/doc/") and status != 200) or \
            path in ("/nowhere", "/health"):
        try:
            j = json.loads(body)
        except ValueError:
            return "not JSON"
        if status >= 400 and not (isinstance(j.get("error"), dict) and j["error"].get("status") == status):
            return "JSON without the error object"
    elif path == "/" or path.startswith("/?"):
        if "text/html" not in ctype or b"</html>" not in body:
            return "not a whole HTML page"
    return None


def flood(port, n, stats):
    lock = threading.Lock()
    rnd = random.Random(7)
    plan = []
    for i in range(n):
        r = rnd.random()
        if r < 0.6:
            plan.append(("GET", rnd.choice(GOOD)))
        elif r < 0.95:
            plan.append(("GET", rnd.choice(BAD)))
        else:
            plan.append((rnd.choice(["POST", "PUT", "DELETE", "HEAD"]), rnd.choice(GOOD)))
    it = iter(plan)

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                item = next(it, None)
            if item is None:
                break
            method, path = item
            t0 = time.monotonic()
            try:
                c.request(method, path, body=b"x" if method in ("POST", "PUT") else None)
                r = c.getresponse()
                body = r.read()
                status, ctype = r.status, r.getheader("Content-Type") or ""
                if r.getheader("Connection", "").lower() == "close":
                    c.close()
            except (OSError, http.client.HTTPException) as e:
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    stats["errors"].append("%s %s: %s" % (method, path[:60], e))
                continue
            why = well_formed(path, method, status, ctype, body)
            with lock:
                stats["n"] += 1
                if why:
                    stats["bad"].append("%s %s: %s" % (method, path[:60], why))
                elif status == 200:
                    stats["lat"].append(time.monotonic() - t0)
        c.close()

    ts = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def random_request(rnd):
    kind = rnd.randrange(7)
    if kind == 0:
        return bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300)))
    if kind == 1:
        full = b"GET /search?q=%E5%8F%91 HTTP/1.1\r\nHost: x\r\n\r\n"
        return full[:rnd.randrange(1, len(full))]
    if kind == 2:
        m = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rnd.randrange(1, 12)))
        return ("%s /search?q=a HTTP/1.1\r\nHost: x\r\n\r\n" % m).encode()
    if kind == 3:
        junk = "".join(rnd.choice("%%0123456789abcdefzZ&=?") for _ in range(rnd.randrange(1, 60)))
        return ("GET /search?q=%s HTTP/1.1\r\nHost: x\r\n\r\n" % junk).encode()
    if kind == 4:
        return b"GET /search?q=a HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * rnd.randrange(1, 70000) + b"\r\n\r\n"
    if kind == 5:
        return b"GET /search?q=a HTTP/1.1\r\nHost: x\r\n" + b"\r\n" * rnd.randrange(0, 3) + b": \r\n\r\n"
    good = b"GET /search?q=%E5%8F%91%E5%B1%95 HTTP/1.1\r\nHost: x\r\n\r\n"
    return good * rnd.randrange(2, 5) + b"GET /search?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n"


def complete_answers(data):
    """How many whole HTTP answers data holds (each with its Content-Length body)."""
    n, i = 0, 0
    while True:
        h = data.find(b"\r\n\r\n", i)
        if h < 0 or not data.startswith(b"HTTP/1.", i):
            return n
        m = re.search(rb"(?i)content-length: *(\d+)", data[i:h])
        end = h + 4 + (int(m.group(1)) if m else 0)
        if end > len(data):
            return n
        n, i = n + 1, end


def one_random(port, req):
    """(statuses, outcome): outcome is answered, closed or hung. An answered connection
    may be kept alive: reading stops once the answers stop coming for a moment. Anything
    else must be closed within the header timeout (2 s here): waiting 6 s means hung."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(req)
    except OSError:
        pass
    data, t_end = b"", time.monotonic() + 6
    while True:
        left = t_end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(min(left, 0.3) if complete_answers(data) else left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            b = b""
        if not b:
            t_end = 0
            break
        data += b
    s.close()
    statuses = [int(m.group(1)) for m in re.finditer(rb"HTTP/1\.[01] (\d{3}) ", data)]
    if complete_answers(data):
        return statuses, data, "answered"
    return statuses, data, "closed" if t_end == 0 else "hung"


def random_requests(port, n):
    rnd = random.Random(11)
    reqs = [random_request(rnd) for _ in range(n)]
    res = [None] * n
    it = iter(range(n))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next(it, None)
            if i is None:
                return
            res[i] = one_random(port, reqs[i])

    ts = [threading.Thread(target=worker) for _ in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    bad, count = [], {"answered": 0, "closed": 0, "hung": 0}
    for req, (statuses, data, outcome) in zip(reqs, res):
        count[outcome] += 1
        if outcome == "hung":
            bad.append((req[:60], "no answer and not closed: %r" % data[:40]))
        for st in statuses:
            if st >= 500 or st < 200:
                bad.append((req[:60], st))
        if data and not data.startswith(b"HTTP/1."):
            bad.append((req[:60], "not an HTTP answer: %r" % data[:40]))
    return bad, count


def run(tmp):
    corpus = os.path.join(tmp, "corpus")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "searchd_corpus.py"),
                    corpus, "200"], check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(tmp, "db")
    r = subprocess.run([oracle.INDEXER, "-q", "-d", db, corpus], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if not ok(r.returncode in (0, 1), "index 205 reports"):
        diag(r.stdout.decode(errors="replace"))
        return
    p, port = start(db, tmp)
    try:
        warm = {"n": 0, "bad": [], "errors": [], "lat": []}
        flood(port, REQUESTS, warm)
        before = rss_kb(p.pid)
        st = {"n": 0, "bad": [], "errors": [], "lat": []}
        t0 = time.monotonic()
        flood(port, REQUESTS, st)
        dt = time.monotonic() - t0
        after = rss_kb(p.pid)
        ok(p.poll() is None, "the daemon is alive after %d requests from %d clients" % (REQUESTS, CLIENTS))
        ok(st["n"] == REQUESTS and not st["errors"],
           "every request was answered (%d of %d; %d connection errors)" % (st["n"], REQUESTS, len(st["errors"])))
        for e in st["errors"][:5]:
            diag(e)
        ok(not st["bad"], "every answer is well formed (%d not)" % len(st["bad"]))
        for e in st["bad"][:10]:
            diag(e)
        ok(after <= before * 1.10, "RSS after the flood %d KB, after the warm-up %d KB (at most +10%%)"
           % (after, before))
        lat = sorted(st["lat"])
        if lat:
            diag("flood: %.0f requests/s; good requests p50 %.1f ms, p99 %.1f ms"
                 % (REQUESTS / dt, 1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)]))
        bad, count = random_requests(port, RANDOM)
        ok(not bad, "%d random or broken requests: no 5xx, only HTTP answers, none left hanging "
           "(%d answered, %d closed, %d hung)" % (RANDOM, count["answered"], count["closed"],
                                                   count["hung"]))
        for b in bad[:10]:
            diag(repr(b))
        ok(p.poll() is None, "the daemon is alive after the random requests")
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/search?q=" + Q("高质量发展"))
        r = c.getresponse()
        ok(r.status == 200 and json.loads(r.read()).get("total", 0) > 0, "and still answers a search")
    finally:
        p.terminate()
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


if __name__ == "__main__":
    sys.exit(oracle.main(run, "gw-hostile-"))
