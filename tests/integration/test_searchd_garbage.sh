#!/bin/bash
# Bytes that are not HTTP, and connections that send nothing, must not hold a connection
# for the whole idle timeout: header_timeout closes them, while a keep-alive connection
# that already sent a request keeps conn_timeout. The daemon serves on afterwards.
source "$(dirname "$0")/lib.sh"

"$BIN/gongwen-indexer" -q -d "$T/db" "$ROOT/corpus" >"$T/index.log" 2>&1
check "index the sample corpus" test $? -le 1
start_searchd "$T/db" -t 2 --set searchd.header_timeout=2 --set searchd.conn_timeout=30

python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])

def ok(c, d):
    print(("ok - " if c else "not ok - ") + d)

def closed_after(payload):
    """Seconds until the daemon closes (recv gives b"" or a reset); None past 15 s."""
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    t0 = time.monotonic()
    if payload:
        s.sendall(payload)
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        return None, b""
    except ConnectionResetError:
        pass
    finally:
        s.close()
    return time.monotonic() - t0, b""

for name, payload in [("bytes starting with NUL", b"\x00\x01\x02garbage\r\n\r\n"),
                      ("nothing at all", b""),
                      ("a request line without a version", b"GARBAGE\r\n\r\n"),
                      ("half a request line", b"GET /sea")]:
    t, _ = closed_after(payload)
    ok(t is not None and t < 10,
       "%s: closed by the header timeout, not the 30 s idle one (%s)" %
       (name, "never" if t is None else "%.1f s" % t))

# a kept-alive connection outlives the header timeout once a request went through
s = socket.create_connection(("127.0.0.1", port), timeout=10)
req = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
s.sendall(req)
first = s.recv(65536)
time.sleep(3.5)
try:
    s.sendall(req)
    second = s.recv(65536)
except OSError:
    second = b""
s.close()
ok(first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200"),
   "a keep-alive connection idle past the header timeout still serves its next request")

# requests too large for our limits: answered in the API's shape, not libmicrohttpd's HTML
import json
def raw(req):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(req)
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except OSError:
        pass
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body

def is_json_error(head, body, status):
    try:
        j = json.loads(body)
        return head.startswith("HTTP/1.1 %d" % status) and j["error"]["status"] == status \
            and "application/json" in head
    except (ValueError, KeyError, TypeError):
        return False

long_q = "q=" + "%E5%8F%91" * 5000  # a 45 KB request target
head, body = raw(("GET /search?%s HTTP/1.1\r\nHost: x\r\n\r\n" % long_q).encode())
ok(is_json_error(head, body, 414), "a 45 KB target on /search: 414 as JSON (%r)" % head[:40])
head, body = raw(("GET /?%s HTTP/1.1\r\nHost: x\r\n\r\n" % long_q).encode())
ok(head.startswith("HTTP/1.1 414") and b"<html" in body and b"414" in body,
   "on the search page: 414 as the page's own HTML (%r)" % head[:40])
big = "".join("X-Filler-%d: %s\r\n" % (i, "a" * 1000) for i in range(40))
head, body = raw(("GET /search?q=a HTTP/1.1\r\nHost: x\r\n%s\r\n" % big).encode())
ok(is_json_error(head, body, 431), "40 KB of headers: 431 as JSON (%r)" % head[:40])
PY
check "the daemon still answers" curl -sf -o /dev/null "$URL/search?q=%E5%8F%91%E5%B1%95"
finish
