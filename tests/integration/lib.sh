# Shared helpers for integration tests (sourced). Tests print TAP lines; tests/run.sh
# counts them. Everything a test creates lives under $T (a fresh temp dir, removed at
# exit); every process it starts is stopped by PID at exit.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BIN:-bin}
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/gongwen-test.XXXXXX")
_pids=()
_ntests=0
_nfail=0

cleanup() {
    local p
    for p in "${_pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${_pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

ok() { _ntests=$((_ntests + 1)); echo "ok - $*"; }
not_ok() { _ntests=$((_ntests + 1)); _nfail=$((_nfail + 1)); echo "not ok - $*"; }
diag() { echo "# $*"; }

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1"; diag "expected: $2"; diag "actual:   $3"; fi
}

# A TCP port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_searchd DB [extra args...]: starts the real daemon on a free port; sets PORT,
# SEARCHD_PID and URL; waits until it answers /health (or fails the test).
start_searchd() {
    local db=$1; shift
    PORT=$(free_port)
    URL="http://127.0.0.1:$PORT"
    "$BIN/gongwen-searchd" -d "$db" -l "127.0.0.1:$PORT" "$@" >"$T/searchd.log" 2>&1 &
    SEARCHD_PID=$!
    _pids+=("$SEARCHD_PID")
    local i
    for i in $(seq 1 100); do
        if curl -s -o /dev/null "$URL/health"; then return 0; fi
        if ! kill -0 "$SEARCHD_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    not_ok "searchd started on port $PORT"; cat "$T/searchd.log"; exit 1
}

stop_searchd() {
    kill "$SEARCHD_PID" 2>/dev/null; wait "$SEARCHD_PID" 2>/dev/null
}

# Percent-encodes a UTF-8 string for a URL query.
urlencode() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# Exit status: 0 when every check passed.
finish() { echo "1..$_ntests"; [ "$_nfail" -eq 0 ]; }
