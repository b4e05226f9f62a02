#!/bin/bash
# gongwen-searchd over real HTTP: every endpoint, every refusal, the plain-text route,
# escaping of documents and queries (XSS), limits, signals. Real parts only: corpus/ plus
# generated reports indexed by the real indexer into a temp database, the real daemon on a
# free port, curl.
source "$(dirname "$0")/lib.sh"

python3 "$ROOT/tests/integration/searchd_corpus.py" "$T/corpus" 30
# A document whose text holds markup, as text: an HTML page whose entities decode to
# <script>, "><img onerror=…> and a literal &amp;. The page must show them as text.
cat >"$T/corpus/xss.html" <<'HTML'
<html><head><meta charset="utf-8"><title>注入測試 &lt;script&gt;alert(1)&lt;/script&gt;</title></head>
<body><p>注入測試 &lt;script&gt;alert("xss")&lt;/script&gt; 文字</p>
<p>屬性測試 &quot;&gt;&lt;img src=x onerror=alert(2)&gt; 結束</p>
<p>實體測試 &amp;amp; &amp;lt;b&amp;gt; 結束。注入測試到此為止。</p></body></html>
HTML
"$BIN/gongwen-indexer" -q -d "$T/db" "$T/corpus" >"$T/index.log" 2>&1
rc=$?
check "indexer indexes the test corpus (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 1
ndocs=$(ls "$T/corpus" | wc -l)
start_searchd "$T/db" --set searchd.max_query_bytes=400

# status URL [curl args...]: prints the HTTP status; the body goes to $T/body.
status() { local u=$1; shift; curl -s -o "$T/body" -w '%{http_code}' "$@" "$u"; }
# jq-like: json EXPR evaluates a Python expression on the body as r.
json() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1" 2>&1; }

# --- /health -------------------------------------------------------------------------
check_eq "/health is 200" 200 "$(status "$URL/health")"
check_eq "/health counts the documents" "$ndocs" "$(json 'r["documents"]')"
check "/health gives a revision" test "$(json 'r["revision"]')" -ge 1

# --- /search --------------------------------------------------------------------------
q=$(urlencode 机关党建)
check_eq "/search?q=机关党建 is 200" 200 "$(status "$URL/search?q=$q")"
check "/search: total, total_is_exact, took_ms, hits, facets" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["total"] >= 1 and isinstance(r["total_is_exact"], bool), r
assert isinstance(r["took_ms"], (int, float)) and r["hits"], r
for h in r["hits"]:
    assert h["id"] and h["title"] and isinstance(h["score"], (int, float)), h
    assert "date" in h and "source" in h and "similar" in h, h
assert "source" in r["facets"] and "year" in r["facets"], r.keys()
' "$T/body"
total_search=$(json 'r["total"]')
check_eq "size=3 gives 3 hits" 3 "$(status "$URL/search?q=$(urlencode 发展)&size=3" >/dev/null; json 'len(r["hits"])')"
check_eq "page=2 is 200" 200 "$(status "$URL/search?q=$(urlencode 发展)&size=3&page=2")"
check_eq "sort=date is 200" 200 "$(status "$URL/search?q=$(urlencode 发展)&sort=date")"
status "$URL/search?q=$(urlencode 高质量发展)&size=100&sort=-date" >/dev/null
check "sort=-date: newest first" python3 -c '
import json, sys
d = [h["date"] for h in json.load(open(sys.argv[1]))["hits"] if h["date"]]
assert len(d) > 3 and d == sorted(d, reverse=True), d' "$T/body"
status "$URL/search?q=$(urlencode 高质量发展)&size=100&year=2021" >/dev/null
check "year=2021 keeps only 2021" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["hits"] and all(h["date"].startswith("2021") for h in r["hits"]), r["hits"]' "$T/body"
status "$URL/search?q=$(urlencode 高质量发展)&size=100&source=$(urlencode 市委组织部)" >/dev/null
check "source=市委组织部 keeps only that source" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["hits"] and all(h["source"] == "市委组织部" for h in r["hits"]), r["hits"]' "$T/body"
check_eq "a string found nowhere: 200, total 0" "200 0" \
    "$(status "$URL/search?q=$(urlencode 不存在的字符串甲乙丙)") $(json 'r["total"]')"

# explain: on by default (how the query was understood), left out with explain=false,
# which changes nothing else in the answer.
status "$URL/search?q=$q" >/dev/null
cp "$T/body" "$T/explained"
check "the explanation is included by default" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["explain"]["input"] == "机关党建" and r["explain_text"], r.get("explain")' "$T/body"
check_eq "explain=true: 200 with the explanation" "200 True" \
    "$(status "$URL/search?q=$q&explain=true") $(json '"explain" in r and "explain_text" in r')"
check_eq "explain=false: 200 without the explanation" "200 False False" \
    "$(status "$URL/search?q=$q&explain=false") $(json '"explain" in r') $(json '"explain_text" in r')"
check "explain=false: the same hits, total and facets" python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("total", "total_is_exact", "facets", "query"):
    assert a[k] == b[k], k
assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]]' "$T/explained" "$T/body"
check_eq "explain=false with zero hits: 200, total 0, no explanation" "200 0 False" \
    "$(status "$URL/search?q=$(urlencode 不存在的字符串甲乙丙)&explain=0") $(json 'r["total"]') $(json '"explain" in r')"

# The answer cache: a repeat is served from memory, byte for byte the same answer. (Both
# requests on one keep-alive connection, so the same worker, which owns the cache, answers.)
u="$URL/search?q=$(urlencode 思想政治工作)&size=7"
curl -s -D "$T/h" -o "$T/a1" "$u" -o "$T/a2" "$u"
check_eq "a repeated search is answered from the cache (once of two)" 1 "$(grep -ci '^X-Cache: hit' "$T/h")"
check "the cached answer is the same answer" cmp -s "$T/a1" "$T/a2"

# --- refusals -------------------------------------------------------------------------
# expect_error DESC STATUS URL [curl args]: status, JSON error with that status and a message.
expect_error() {
    local d=$1 want=$2 u=$3; shift 3
    local got; got=$(status "$u" "$@")
    if [ "$got" == "$want" ] && python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["status"] == int(sys.argv[2]) and len(e["message"]) > 5, e' "$T/body" "$want" 2>/dev/null; then
        ok "$d ($want: $(json 'r["error"]["message"]'))"
    else
        not_ok "$d"; diag "status $got, body: $(head -c 300 "$T/body")"
    fi
}
expect_error "empty q is refused" 400 "$URL/search?q="
expect_error "missing q is refused" 400 "$URL/search"
expect_error "blank q is refused" 400 "$URL/search?q=+++"
long=$(python3 -c 'print("发展" * 100)')   # 600 bytes > 400
expect_error "over-long q is refused" 400 "$URL/search?q=$(urlencode "$long")"
check "the message says the query is too long" grep -q "too long" "$T/body"
expect_error "page=0 is refused" 400 "$URL/search?q=$q&page=0"
expect_error "page=abc is refused" 400 "$URL/search?q=$q&page=abc"
expect_error "page=-1 is refused" 400 "$URL/search?q=$q&page=-1"
expect_error "size=0 is refused" 400 "$URL/search?q=$q&size=0"
expect_error "size=101 is refused (max_page_size 100)" 400 "$URL/search?q=$q&size=101"
expect_error "a result window past max_offset is refused" 400 "$URL/search?q=$q&size=100&page=101"
expect_error "sort=bogus is refused" 400 "$URL/search?q=$q&sort=bogus"
expect_error "year=20x1 is refused" 400 "$URL/search?q=$q&year=20x1"
expect_error "from=2023-13-01 is refused" 400 "$URL/search?q=$q&from=2023-13-01"
expect_error "explain=maybe is refused" 400 "$URL/search?q=$q&explain=maybe"
check "the message names the valid values" grep -q "expected true or false" "$T/body"
expect_error "an unknown parameter is refused" 400 "$URL/search?q=$q&szie=10"
expect_error "bad percent-encoding is refused" 400 "$URL/search?q=%E6%9C"
expect_error "a truncated escape is refused" 400 "$URL/search?q=abc%2"
expect_error "invalid UTF-8 is refused" 400 "$URL/search?q=%FF%FE"
expect_error "an escaped NUL is refused" 400 "$URL/search?q=a%00b"
expect_error "an unknown path is 404" 404 "$URL/nope"
expect_error "/search/ with a slash is 404" 404 "$URL/search/x"
expect_error "POST is 405" 405 "$URL/search?q=$q" -X POST --data 'q=x'
check "405 names the allowed methods" bash -c "curl -s -D - -o /dev/null -X POST '$URL/search?q=$q' | grep -qi '^Allow: GET, HEAD'"
expect_error "DELETE is 405" 405 "$URL/doc/1" -X DELETE
expect_error "an unknown document is 404" 404 "$URL/doc/no/such/file.txt"
big=$(python3 -c 'print("a" * 40000)')
got=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$URL/health")
check "an oversized header is refused with 4xx ($got)" test "$got" -ge 400 -a "$got" -lt 500
got=$(curl -s -o /dev/null -w '%{http_code}' "$URL/search?q=$(python3 -c 'print("a" * 40000)')")
check "an oversized URI is refused with 4xx ($got)" test "$got" -ge 400 -a "$got" -lt 500
check_eq "still alive after the refusals" 200 "$(status "$URL/health")"

# --- HEAD -----------------------------------------------------------------------------
hdr=$(curl -s -I "$URL/search?q=$q")
check "HEAD /search is 200 with a JSON type" grep -q "application/json" <<<"$hdr"
check_eq "HEAD has no body" 0 "$(curl -s --head "$URL/search?q=$q" -o /dev/null -w '%{size_download}')"

# --- /q= (curl searchd/q=…) -------------------------------------------------------------
# curl sends the UTF-8 bytes of the path as typed; the same search percent-encoded.
plain=$(curl -s "$URL/q=机关党建")
plain_enc=$(curl -s "$URL/q=$q")
check "/q=机关党建 answers plain text" grep -q "^机关党建: " <<<"$plain"
check_eq "/q= raw and percent-encoded give the same answer" \
    "$(sed 1d <<<"$plain")" "$(sed 1d <<<"$plain_enc")"
check "/q= sets the match off with 【】" grep -q "【.*】" <<<"$plain"
check "/q= shows the path of each hit" grep -q '\.txt$' <<<"$plain"
nplain=$(grep -cE '^[0-9]+\. ' <<<"$plain")
check_eq "/q= shows as many hits as /search (first page)" "$(python3 -c "print(min(10, $total_search))")" "$nplain"
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$URL/q=$q")
check "/q= is text/plain" grep -q "text/plain" <<<"$ctype"
check_eq "/q= with Accept: application/json answers JSON" "$total_search" \
    "$(status "$URL/q=$q" -H 'Accept: application/json' >/dev/null; json 'r["total"]')"
check_eq "/q=a+b: '+' is a space in the path form" 200 "$(status "$URL/q=$(urlencode 机关)+$(urlencode 党建)")"
expect_error "/q= with an empty query is 400" 400 "$URL/q="
expect_error "/q= with bad escapes is 400" 400 "$URL/q=%E6%9C"

# --- /doc/{id} --------------------------------------------------------------------------
status "$URL/search?q=$(urlencode 模范机关)" >/dev/null
id=$(json 'r["hits"][0]["path"]')
check_eq "/doc/PATH is 200" 200 "$(status "$URL/doc/$(urlencode "$id")")"
check "/doc/PATH returns the whole text" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["text"]) > 1000 and d["title"], d.keys()' "$T/body"
docid=$(status "$URL/search?q=$(urlencode 模范机关)" >/dev/null; json 'r["hits"][0]["id"]')
check_eq "/doc/DOCID is 200 too" 200 "$(status "$URL/doc/$docid")"
status "$URL/doc/$(urlencode "$id")?q=$(urlencode 模范机关)" -H 'Accept: text/html' >/dev/null
check "/doc/PATH?q= in a browser highlights the matches" grep -q "<mark>" "$T/body"

# --- the page ---------------------------------------------------------------------------
check_eq "/ is 200" 200 "$(status "$URL/")"
check "/ has a search box with autofocus" grep -q '<input[^>]*name="q"[^>]*autofocus' "$T/body"
check "/ has a viewport meta" grep -q 'name="viewport"' "$T/body"
check "/ loads nothing from elsewhere" bash -c "! grep -qiE '(src|href)=\"(https?:)?//' '$T/body'"
check_eq "/?q=高质量发展 is 200" 200 "$(status "$URL/?q=$(urlencode 高质量发展)")"
check "/?q= highlights with <mark>" grep -q "<mark>" "$T/body"
check "/?q= links to the next page" grep -q 'class="next"' "$T/body"
check "/?q= has the source facet links" grep -q 'class="facet" href="/?q=' "$T/body"
check "/?q= links near-duplicates" grep -q 'class="similar"' "$T/body"
check "page has a CSP forbidding scripts" bash -c "curl -s -D - -o /dev/null '$URL/' | grep -qi \"^Content-Security-Policy: default-src 'none'\""
check_eq "/?q= empty is 400 (HTML)" 400 "$(status "$URL/?q=")"
check "the 400 page is HTML with the message" grep -q "empty query" "$T/body"
check_eq "/?q=不存在的字符串甲乙丙 is 200" 200 "$(status "$URL/?q=$(urlencode 不存在的字符串甲乙丙)")"
check "zero hits show the explain line" grep -q 'class="explain"' "$T/body"
status "$URL/?q=$(urlencode '"發展不存在"')" >/dev/null
check "the explain line names the conversion 發展 → 发展" grep -q '已将 <b>&quot;發展不存在&quot;</b> 转换为 <b>&quot;发展不存在&quot;</b>' "$T/body"

# --- XSS: a document and a query with markup render as text --------------------------------
noscript() { ! grep -qiE '<script|<img' "$T/body"; }
status "$URL/?q=$(urlencode 注入測試)" >/dev/null
check "XSS document found" grep -q 'xss.html' "$T/body"
check "XSS document: no tag from its text reaches the page" noscript
check "XSS document: its markup is shown as text" grep -q '&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;' "$T/body"
check "XSS document: the entity text stays text" grep -q '&amp;amp;' "$T/body"
status "$URL/doc/xss.html" -H 'Accept: text/html' >/dev/null
check "XSS document view: no tag from its text" noscript
check "XSS document view: attribute breakout shown as text" grep -q '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;' "$T/body"
for evil in '<script>alert(1)</script>' '"><img src=x onerror=alert(1)>' "'><b>x</b>" '&lt;b&gt; &amp;'; do
    status "$URL/?q=$(urlencode "$evil")" >/dev/null
    check "query $evil: page has no injected tag" bash -c "! grep -qiE '<script|<img|<b>x' '$T/body'"
    esc=$(python3 -c 'import html,sys; print(html.escape(sys.argv[1], quote=True).replace("&#x27;", "&#39;"))' "$evil")
    check "query $evil: echoed escaped in the box" grep -qF "value=\"$esc\"" "$T/body"
done
evil='<script>alert(1)</script>"><img onerror=x>'
hdr=$(curl -s -D - -o "$T/body" "$URL/search?q=$(urlencode "$evil")")
check "JSON: a query with markup comes back as the same string" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["query"] == sys.argv[2]' "$T/body" "$evil"
check "JSON is served as application/json with nosniff (never rendered as HTML)" \
    bash -c "grep -qi '^Content-Type: application/json' <<<\"\$1\" && grep -qi '^X-Content-Type-Options: nosniff' <<<\"\$1\"" _ "$hdr"

# --- /metrics ---------------------------------------------------------------------------
check_eq "/metrics is 200" 200 "$(status "$URL/metrics")"
check "/metrics counts 400s" grep -qE '^gongwen_http_requests_total\{status="400"\} [1-9]' "$T/body"
check "/metrics has the latency histogram" grep -qE '^gongwen_http_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]' "$T/body"
check_eq "/metrics shows the documents" "gongwen_documents $ndocs" "$(grep '^gongwen_documents ' "$T/body")"
check "/metrics has revision and reopens" bash -c "grep -q '^gongwen_revision [1-9]' '$T/body' && grep -q '^gongwen_reopens_total ' '$T/body'"

# --- per-IP limit: 429, not a hanging socket ------------------------------------------------
stop_searchd
start_searchd "$T/db" --set searchd.per_ip_connections=3
got=$(python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
codes = []
for s in socks:
    s.sendall(b"GET /search?q=%E5%8F%91%E5%B1%95 HTTP/1.1\r\nHost: x\r\n\r\n")
    line = s.recv(100).split(b"\r\n")[0]
    codes.append(line.split()[1].decode() if line else "closed")
print(" ".join(sorted(codes)))
PY
)
check_eq "beyond per_ip_connections: 429 (3 served, 2 refused)" "200 200 200 429 429" "$got"
check_eq "after those close, the address is served again" 200 "$(status "$URL/search?q=$q")"

# --- out of connections: a clear 503, not a hanging socket ---------------------------------
# With 200 descriptors the daemon keeps 72 connections for requests (the rest is reserved
# for the database and the workers); the 100 opened here overflow it.
stop_searchd
oldn=$(ulimit -Sn)
ulimit -Sn 200
start_searchd "$T/db" --set searchd.per_ip_connections=1000
ulimit -Sn "$oldn"
got=$(python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
socks, codes = [], {}
for _ in range(100):
    socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
for s in socks:
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
for s in socks:
    s.sendall(b"GET /search?q=%E5%8F%91%E5%B1%95 HTTP/1.1\r\nHost: x\r\n\r\n")
for s in socks:
    try:
        data = b""
        while data.count(b"HTTP/1.1 ") < 2:
            c = s.recv(65536)
            if not c:
                break
            data += c
        code = data.split(b"HTTP/1.1 ")[2][:3].decode() if data.count(b"HTTP/1.1 ") >= 2 else "none"
    except OSError:
        code = "none"
    codes[code] = codes.get(code, 0) + 1
print(" ".join("%s:%d" % kv for kv in sorted(codes.items())))
PY
)
diag "100 connections on a 72-connection daemon: $got"
check "beyond its connections the daemon answers 503" grep -q "503:" <<<"$got"
check "every request got an answer (200 or 503), none left hanging" bash -c "! grep -q none <<<'$got'"
check_eq "it recovers once they close" 200 "$(status "$URL/search?q=$q")"

# --- a second daemon on the same address fails (no silent port sharing) -------------------
"$BIN/gongwen-searchd" -d "$T/db" -l "127.0.0.1:$PORT" >"$T/second.log" 2>&1
check_eq "a second daemon on a busy address exits 1" 1 "$?"
check "it says it cannot listen" grep -q "cannot listen on 127.0.0.1:$PORT" "$T/second.log"
check_eq "the first one still answers" 200 "$(status "$URL/health")"

# --- signals ----------------------------------------------------------------------------
stop_searchd
start_searchd "$T/db" --set "searchd.access_log=$T/access.log"
curl -s -o /dev/null "$URL/search?q=$q"
check "the access log has the request" grep -q "GET /search?q=$q 200 " "$T/access.log"
mv "$T/access.log" "$T/access.log.1"   # as logrotate does
kill -HUP "$SEARCHD_PID"
sleep 0.5
curl -s -o /dev/null "$URL/nope"
check "SIGHUP reopens the access log" grep -q "GET /nope 404 " "$T/access.log"
kill -HUP "$SEARCHD_PID"
sleep 0.3
check_eq "SIGHUP: still serving" 200 "$(status "$URL/health")"
check "SIGHUP is logged" grep -q "SIGHUP" "$T/searchd.log"
# SIGTERM while requests are queued on 16 open connections: every one is answered in full.
got=$(python3 - "$PORT" "$SEARCHD_PID" <<'PY'
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
socks = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(16)]
for i, s in enumerate(socks):
    s.sendall(b"GET /search?q=%%E5%%8F%%91%%E5%%B1%%95&size=20&page=%d HTTP/1.1\r\nHost: x\r\n\r\n" % (i + 1))
time.sleep(0.05)
os.kill(pid, signal.SIGTERM)
codes = []
for s in socks:
    data = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        data += c
        head, _, body = data.partition(b"\r\n\r\n")
        cl = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
        if cl and len(body) >= int(cl[0].split(b":")[1]):
            break
    complete = cl and len(body) == int(cl[0].split(b":")[1])
    codes.append(data.split(b" ")[1].decode() if data and complete else "incomplete")
print(" ".join(sorted(set(codes))), len(codes))
PY
)
check_eq "SIGTERM: requests in flight are all answered in full" "200 16" "$got"
wait "$SEARCHD_PID"
rc=$?
check_eq "SIGTERM: exit status 0" 0 "$rc"
check "SIGTERM: logged a clean stop" grep -q "stopped" "$T/searchd.log"

# --- command line -----------------------------------------------------------------------
check "--help names the options" bash -c "'$BIN/gongwen-searchd' --help | grep -q -- '--listen'"
check "--version prints a version" bash -c "'$BIN/gongwen-searchd' --version | grep -q '^gongwen-searchd [0-9]'"
"$BIN/gongwen-searchd" -l 127.0.0.1:abc -d "$T/db" >"$T/bad.log" 2>&1
check_eq "a bad port exits 2" 2 "$?"
check "a bad port says what is valid" grep -q "expected a number 1-65535" "$T/bad.log"
"$BIN/gongwen-searchd" --bogus >/dev/null 2>&1
check_eq "an unknown option exits 2" 2 "$?"
nodb=$T/none.db
start_searchd "$nodb"
check_eq "no database: /health is 503" 503 "$(status "$URL/health")"
expect_error "no database: /search is 503 with a message" 503 "$URL/search?q=$q"
stop_searchd

finish
