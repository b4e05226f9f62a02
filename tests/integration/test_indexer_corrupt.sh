#!/bin/bash
# A damaged database: each table of a copy of a real build is damaged in turn (32 KB of
# its blocks overwritten, as a bad disk or a stray write would). `gongwen-indexer --check`
# must find it (exit 2, naming the damage and the fix); searching it must not crash the
# reader (the daemon answers 500 naming it and fails /health); `--rebuild` must build a
# sound database from the files and switch to it.
source "$(dirname "$0")/lib.sh"

# --check: Xapian's Database::check() frees one of its own table objects with a sized
# delete of the wrong size (inside libxapian, harmless, reported by AddressSanitizer when
# the tests run sanitized): that one report is silenced for this call only.
check_db() {
    ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}new_delete_type_mismatch=0" \
        "$BIN/gongwen-indexer" --check "$@"
}

python3 "$ROOT/tests/integration/searchd_corpus.py" "$T/corpus" 300 >/dev/null
"$BIN/gongwen-indexer" -q -d "$T/db" --jobs 1 "$T/corpus" >"$T/index.log" 2>&1
check "index 305 reports" test $? -le 1
check_db -d "$T/db" >"$T/check0.out" 2>&1
check "--check passes a sound database" test $? -eq 0
check "--check says so" grep -q "no damage found" "$T/check0.out"
build=$(sed -n 's/^auto //p' "$T/db")

# damage TABLE FRACTION: 32 KB of the copy's TABLE overwritten from FRACTION of its size.
damage() {
    python3 - "$T/copy.d/$(basename "$build")/$1.glass" "$2" <<'PY'
import os, sys
p, frac = sys.argv[1], float(sys.argv[2])
n = os.path.getsize(p)
b = bytearray(open(p, "rb").read())
s = int(n * frac)
for i in range(s, min(n, s + 32768)):
    b[i] ^= 0x5a
open(p, "wb").write(b)
PY
}
copy_build() {
    rm -rf "$T/copy" "$T/copy.d"
    mkdir -p "$T/copy.d"
    cp -r "$T/$build" "$T/copy.d/"
    echo "auto copy.d/$(basename "$build")" >"$T/copy"
}

# The daemon on a database whose document data is damaged: a search that meets it gets a
# 500 in the API's shape naming it, /health fails, /metrics counts it, the daemon lives.
copy_build
damage docdata 0.75
start_searchd "$T/copy" -t 1
code=$(curl -s -o "$T/r.json" -w '%{http_code}' "$URL/search?q=$(urlencode 发展)")
check_eq "searchd: a search meeting the damage gets 500" 500 "$code"
check "searchd: the 500 is JSON naming the damage" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["error"]["status"] == 500 and "damaged" in j["error"]["message"] else 1)' "$T/r.json"
code=$(curl -s -o "$T/h.json" -w '%{http_code}' "$URL/health")
check_eq "searchd: /health fails" 500 "$code"
check "searchd: /health says damaged" grep -q '"damaged"' "$T/h.json"
check "searchd: /metrics counts it" bash -c "curl -s '$URL/metrics' | grep -Eq '^gongwen_database_damaged_total [1-9]'"
check "searchd: still running" kill -0 "$SEARCHD_PID"
stop_searchd

for table in postlist termlist position docdata; do
    copy_build
    damage "$table" 0.25
    check_db -d "$T/copy" >"$T/check.out" 2>&1
    rc=$?
    check "$table damaged: --check exits 2 (got $rc)" test "$rc" -eq 2
    check "$table damaged: the message says what to do" grep -q -- "--rebuild" "$T/check.out"
    "$BIN/gongwen-search" -d "$T/copy" --json "发展" >/dev/null 2>"$T/search.err"
    rc=$?
    check "$table damaged: a search ends with an exit status, not a signal (got $rc)" test "$rc" -lt 128
    "$BIN/gongwen-indexer" -q --rebuild -d "$T/copy" --jobs 1 --set index.max_drop=1 "$T/corpus" \
        >"$T/rebuild.out" 2>&1
    rc=$?
    check "$table damaged: --rebuild builds a new database (exit $rc)" test "$rc" -le 1
    check_db -d "$T/copy" >/dev/null 2>&1
    check "$table damaged: the rebuilt database passes --check" test $? -eq 0
    n=$("$BIN/gongwen-search" -d "$T/copy" --json "高质量发展" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    check "$table damaged: the rebuilt database answers (高质量发展: $n)" test "${n:-0}" -gt 0
done
finish
