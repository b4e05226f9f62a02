#!/usr/bin/env python3
"""A small bounded HTTP load client for the searchd tests and measurements (stdlib only).

    python3 searchd_load.py URL --connections N (--seconds S | --until FILE) [--queries FILE]
        [--paths search,page,plain,doc] [--json-out FILE]

Each connection is a thread with its own keep-alive connection, cycling through a mix of
queries (default: a built-in realistic mix) over the chosen routes. Every answer that is
not 200 (or any connection error) counts as an error and the first few are printed.
Prints one JSON line: requests, errors, qps, p50/p90/p99 latency in ms.
It stops by itself: after S seconds, or when FILE exists (at most 600 s either way).
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

MIX = ["高质量发展", "机关党建", "發展", "党建", "政治", "模范机关", "\"機關黨建\"", "发展 党建",
       "思想政治工作", "基层", "2022年", "机关", "服务中心大局", "党员", "守正创新",
       "高质量发展 -疫情", "乡村振兴", "营商环境", "作风建设", "理论武装"]


def worker(url, queries, routes, deadline, until, stats, lock, idx):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    lat, errs, n, i = [], [], 0, idx * 7
    while True:
        now = time.monotonic()
        if now >= deadline or (until and os.path.exists(until)):
            break
        q = urllib.parse.quote(queries[i % len(queries)])
        route = routes[i % len(routes)]
        i += 1
        path = {"search": "/search?q=%s" % q, "page": "/?q=%s" % q, "plain": "/q=%s" % q,
                "health": "/health"}.get(route, "/search?q=%s" % q)
        t0 = time.monotonic()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                errs.append("%s -> %d %s" % (path, r.status, body[:200]))
        except Exception as e:  # a dropped connection is an error too
            errs.append("%s -> %r" % (path, e))
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        lat.append(time.monotonic() - t0)
        n += 1
    conn.close()
    with lock:
        stats["lat"].extend(lat)
        stats["errors"].extend(errs)
        stats["n"] += n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--until")
    ap.add_argument("--queries")
    ap.add_argument("--paths", default="search")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    queries = MIX
    if a.queries:
        with open(a.queries, encoding="utf-8") as f:
            queries = [l.strip() for l in f if l.strip()]
    limit = a.seconds if a.seconds > 0 else 600
    start = time.monotonic()
    deadline = start + min(limit, 600)
    stats, lock = {"lat": [], "errors": [], "n": 0}, threading.Lock()
    ts = [threading.Thread(target=worker, args=(a.url, queries, a.paths.split(","), deadline,
                                                a.until, stats, lock, k))
          for k in range(a.connections)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    el = time.monotonic() - start
    lat = sorted(stats["lat"])
    pct = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else 0
    out = {"connections": a.connections, "requests": stats["n"], "errors": len(stats["errors"]),
           "seconds": round(el, 2), "qps": round(stats["n"] / el, 1) if el else 0,
           "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99)}
    for e in stats["errors"][:5]:
        print("# error: " + e, file=sys.stderr)
    print(json.dumps(out))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
