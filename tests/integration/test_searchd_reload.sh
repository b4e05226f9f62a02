#!/bin/bash
# A fresh index without a restart and without a failed request: queries run in a loop on
# several connections while the real indexer adds documents (incremental commits) and
# while `gongwen-indexer --rebuild` switches the database stub to a new build. Every
# answer must be 200, and the daemon must serve each new document count soon after the
# indexer finishes (bounded wait; the lag is reported, not asserted).
source "$(dirname "$0")/lib.sh"

gen() { python3 "$ROOT/tests/integration/searchd_corpus.py" "$T/corpus" "$1"; }
index() { "$BIN/gongwen-indexer" -q -d "$T/db" "$@" "$T/corpus" >>"$T/index.log" 2>&1; }
docs() { curl -s "$URL/health" | grep -o '"documents":[0-9]*' | cut -d: -f2; }
# wait_docs N: polls /health (up to 10 s) until it reports N documents; prints the lag.
wait_docs() {
    local t0 i
    t0=$(date +%s%N)
    for i in $(seq 1 200); do
        if [ "$(docs)" == "$1" ]; then
            echo "$((($(date +%s%N) - t0) / 1000000)) ms"
            return 0
        fi
        sleep 0.05
    done
    echo "never"
    return 1
}

gen 20
index
check "initial index" test $? -le 1
# Two daemons on the database: one with the answer cache (default), for the staleness
# checks; one without, under load, so that every request really searches while the index
# changes (reopens, retries after a modified database, stub switches).
start_searchd "$T/db" -t 2
CACHED_URL=$URL
start_searchd "$T/db" -t 2 --cache 0
n0=$(docs)
check "serving the initial index ($n0 documents)" test "$n0" -ge 20

# The load: 4 connections over the search, page and plain routes until told to stop.
python3 "$ROOT/tests/integration/searchd_load.py" "$URL" --connections 4 \
    --paths search,page,plain,search --until "$T/stop" --json-out "$T/load.json" \
    2>"$T/load.err" >/dev/null &
load=$!
_pids+=("$load")
sleep 1

# total Q: the number of hits /search reports for Q.
total() { curl -s "$CACHED_URL/search?q=$(urlencode "$1")" | grep -o '"total":[0-9]*' | cut -d: -f2; }
# wait_found Q: polls (up to 10 s) until Q finds something.
wait_found() {
    local i
    for i in $(seq 1 200); do
        [ "$(total "$1")" != 0 ] && return 0
        sleep 0.05
    done
    return 1
}

# Incremental runs: each commits new documents into the build the stub names. The title of
# the newest report is asked for before the run (nothing: that answer may now sit in the
# answer cache) and after it (found: a cached answer never outlives its revision).
for n in 30 45 60; do
    newest="关于推进$(python3 -c "t=['机关党建','营商环境','乡村振兴','基层治理','数字政府','生态保护','城市更新']; print(t[($n-1)%7])")工作的第${n}号通知"
    check_eq "before the run, '$newest' finds nothing" 0 "$(total "$newest")"
    gen "$n"
    index
    want=$(ls "$T/corpus" | wc -l)
    lag=$(wait_docs "$want")
    check "incremental run to $want documents is served (after ${lag})" test "$lag" != never
    check "after the run, '$newest' is found (no stale cached answer)" wait_found "$newest"
done

# Rebuilds: a fresh build each time, then the stub is renamed over the old one.
for n in 70 80; do
    gen "$n"
    index --rebuild
    rc=$?
    check "rebuild to $n generated reports (exit $rc)" test "$rc" -le 1
    want=$(ls "$T/corpus" | wc -l)
    lag=$(wait_docs "$want")
    check "rebuilt database with $want documents is served (after ${lag})" test "$lag" != never
done
# And an incremental run on the rebuilt database.
gen 90
index
want=$(ls "$T/corpus" | wc -l)
lag=$(wait_docs "$want")
check "incremental run after the rebuild is served (after ${lag})" test "$lag" != never

touch "$T/stop"
wait "$load"
cat "$T/load.err" | head -5 | sed 's/^/# /'
check "the load ran" python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["requests"] > 200, r' "$T/load.json"
diag "load: $(cat "$T/load.json")"
check_eq "zero failed requests during commits and switches" 0 \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$T/load.json")"
m=$(curl -s "$URL/metrics")
check "metrics count the reopens" grep -qE '^gongwen_reopens_total [1-9]' <<<"$m"
check_eq "no 5xx answered" "0 0" "$(grep -E '^gongwen_http_requests_total\{status="50[03]"\}' <<<"$m" | awk '{printf "%s%s", s, $2; s=" "}')"
stop_searchd
finish
