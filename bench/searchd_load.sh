#!/bin/bash
# Load test of gongwen-searchd alone: qps and p50/p99 at 1, 4 and 16 connections with a
# realistic query mix (bench/searchd_mix.lua), 127.0.0.1 only, fixed duration.
#   bench/searchd_load.sh DB [SECONDS]
# GW_BENCH_PARAMS="&facets=false" measures the same mix without facet counting;
# GW_BENCH_QUERIES=FILE replaces the built-in mix (bench/searchd_queries.py writes a Zipf
# sequence); SEARCHD_ARGS adds daemon options (e.g. "--cache 0" to measure every search).
# Starts its own daemon on a free port and stops it at the end.
set -eu
cd "$(dirname "$0")/.."
DB=$1
SECS=${2:-10}
BIN=${BIN:-bin}
command -v wrk >/dev/null || { echo "wrk missing: scripts/deps.sh bench installs it" >&2; exit 1; }
LOG=$(mktemp)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/gongwen-searchd" -d "$DB" -l "127.0.0.1:$PORT" --set searchd.per_ip_connections=1000 ${SEARCHD_ARGS:-} \
    2>"$LOG" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$LOG"' EXIT
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.1; done
docs=$(curl -s "http://127.0.0.1:$PORT/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')
echo "gongwen-searchd on $docs documents, $(nproc) cores, ${SECS}s per run${GW_BENCH_PARAMS:+, params $GW_BENCH_PARAMS}${GW_BENCH_QUERIES:+, queries $GW_BENCH_QUERIES}${SEARCHD_ARGS:+, $SEARCHD_ARGS}"
# Warm the page cache of the database (not the answer cache: a short run).
GW_BENCH_PARAMS="${GW_BENCH_PARAMS:-}&size=9" wrk -t1 -c1 -d1s -s bench/searchd_mix.lua "http://127.0.0.1:$PORT" >/dev/null
printf '%-12s %10s %10s %10s %8s\n' connections 'q/s' 'p50 ms' 'p99 ms' errors
for c in 1 4 16; do
    t=$((c < 2 ? 1 : 2))
    out=$(wrk -t$t -c$c -d${SECS}s --latency -s bench/searchd_mix.lua "http://127.0.0.1:$PORT")
    qps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    line=$(grep '^non-200' <<<"$out")
    p50=$(awk '{print $4}' <<<"$line"); p99=$(awk '{print $7}' <<<"$line"); err=$(awk '{print $2}' <<<"$line")
    printf '%-12s %10s %10s %10s %8s\n' "$c" "$qps" "$p50" "$p99" "$err"
done
