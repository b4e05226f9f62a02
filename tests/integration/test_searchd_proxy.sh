#!/bin/bash
# Behind a reverse proxy every request comes from the proxy's address. With
# trusted_proxies set, the real daemon must count, limit (429) and log each client named by
# X-Forwarded-For / Forwarded, believe only the proxy's own entry (the right-most that is
# not a trusted proxy), and ignore the headers from any other address.
source "$(dirname "$0")/lib.sh"

"$BIN/gongwen-indexer" -q -d "$T/db" "$ROOT/corpus" >"$T/index.log" 2>&1
check "index the sample corpus" test $? -le 1

# A bad entry is refused at start, naming it.
"$BIN/gongwen-searchd" -d "$T/db" -l 127.0.0.1:0 --set searchd.trusted_proxies=10.0.0.0/40 \
    >"$T/bad.log" 2>&1 &
bad=$!
_pids+=("$bad")
wait "$bad"
rc=$?
check "a bad trusted_proxies entry stops the start (exit $rc)" test "$rc" -ne 0
check "the message names the entry" grep -q "10.0.0.0/40" "$T/bad.log"

start_searchd "$T/db" -t 2 --set searchd.trusted_proxies="127.0.0.1 ::1" \
    --set searchd.per_ip_connections=8 --set searchd.access_log="$T/access.log"

python3 - "$PORT" >"$T/proxy.tap" 2>&1 <<'PY'
import json, socket, sys, time
port = int(sys.argv[1])

def ok(c, d):
    print(("ok - " if c else "not ok - ") + d)

def ask(headers="", src="127.0.0.1", path="/search?q=%E5%8F%91%E5%B1%95"):
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(src, 0))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n" % (path, headers)).encode())
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head else 0
    return status, body

# client A (10.1.1.1) holds 30 requests in flight through the proxy: headers sent, the
# announced body never comes
held = []
for i in range(30):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.1.1\r\n"
              b"Content-Length: 10\r\n\r\n")
    held.append(s)
time.sleep(0.5)
st, body = ask("X-Forwarded-For: 10.1.1.1\r\n")
ok(st == 429, "client A over its limit gets 429 (got %d)" % st)
try:
    j = json.loads(body)
    ok("in flight" in j["error"]["message"], "the 429 is the API's JSON and says why")
except (ValueError, KeyError, TypeError):
    ok(False, "the 429 is the API's JSON and says why: %r" % body[:200])
st, _ = ask("X-Forwarded-For: 10.2.2.2\r\n")
ok(st == 200, "client B behind the same proxy is answered (got %d)" % st)
st, _ = ask("X-Forwarded-For: 10.1.1.1, 10.2.2.2\r\n")
ok(st == 200, "what a client writes left of the proxy's entry is not believed (got %d)" % st)
st, _ = ask("X-Forwarded-For: 10.2.2.2, 10.1.1.1\r\n")
ok(st == 429, "the right-most untrusted entry is the client (got %d)" % st)
st, _ = ask("X-Forwarded-For: 10.1.1.1, 127.0.0.1\r\n")
ok(st == 429, "trusted proxies in the chain are skipped (got %d)" % st)
st, _ = ask('Forwarded: for="10.1.1.1";proto=http\r\n')
ok(st == 429, "Forwarded: for= names the client too (got %d)" % st)
st, _ = ask("Forwarded: for=10.3.3.3\r\n")
ok(st == 200, "another client by Forwarded is answered (got %d)" % st)
st, _ = ask("X-Forwarded-For: 10.1.1.1\r\n", src="127.0.0.2")
ok(st == 200, "the header from an untrusted address is ignored (got %d)" % st)
for s in held:
    s.close()
time.sleep(0.5)
st, _ = ask("X-Forwarded-For: 10.1.1.1\r\n")
ok(st == 200, "client A is answered again once its requests are gone (got %d)" % st)
st, _ = ask("X-Forwarded-For: 10.4.4.4\r\n", path="/search?q=%E5%8F%91%E5%B1%95&size=3")
PY
cat "$T/proxy.tap"
n=$(grep -c '^ok - ' "$T/proxy.tap")
f=$(grep -c '^not ok - ' "$T/proxy.tap")
for i in $(seq 1 "$n"); do _ntests=$((_ntests + 1)); done
_ntests=$((_ntests + f)); _nfail=$((_nfail + f))
check "the checks over the sockets ran (10)" test "$((n + f))" -eq 10

# The access log names the clients, not the proxy.
sleep 0.3
check "the access log names client B" grep -q '^10\.2\.2\.2 GET /search' "$T/access.log"
check "the access log names the client of the last request" grep -q '^10\.4\.4\.4 GET /search?q=%E5%8F%91%E5%B1%95&size=3 200' "$T/access.log"
check "the untrusted peer is logged as itself" grep -q '^127\.0\.0\.2 GET' "$T/access.log"
check "a 429 is logged for client A" grep -q '^10\.1\.1\.1 GET .* 429 ' "$T/access.log"
finish
