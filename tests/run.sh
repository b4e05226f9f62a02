#!/bin/bash
# Runs Gongwen's tests and prints one closing line: "N passed, N failed".
#   tests/run.sh [unit|integration|fuzz-regress] [NAME-FILTER]
# Unit tests are Check programs ($BUILD/tests/test_*): their "Checks: N, Failures: F,
# Errors: E" line is counted. Integration tests are tests/integration/test_*.sh (or .py):
# each prints TAP lines ("ok - …" / "not ok - …"), and a non-zero exit without any
# "not ok" counts as one failure. Output of each program goes to $OUT/<name>.log; the log
# of a failing program is printed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=${BIN:-bin}
export BUILD BIN
OUT=${OUT:-$BUILD/test-output}
export OUT
mkdir -p "$OUT"
# Timeouts in Check tests guard against hangs, not speed: give loaded machines and
# sanitizer builds room (the ASan target raises it further).
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
what=${1:-all}
filter=${2:-}
passed=0
failed=0
failed_names=()

run_unit() {
    local t name log line n f e
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
        log="$OUT/$name.log"
        # CK_FORK keeps a crashing test from taking the others down.
        CK_FORK=yes "$t" >"$log" 2>&1
        local rc=$?
        line=$(grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
        if [ -n "$line" ]; then
            n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
            f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
            e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
            passed=$((passed + n - f - e))
            failed=$((failed + f + e))
            if [ $((f + e)) -ne 0 ] || [ $rc -ne 0 ]; then
                [ $((f + e)) -eq 0 ] && failed=$((failed + 1))
                failed_names+=("$name")
                echo "FAIL $name"; grep -vE '^[0-9]+%: Checks' "$log" | tail -n 40
            else
                echo "ok   $name ($n checks)"
            fi
        else
            failed=$((failed + 1)); failed_names+=("$name")
            echo "FAIL $name (no summary, exit $rc)"; tail -n 40 "$log"
        fi
    done
}

run_integration() {
    local t name log rc ok nok
    for t in tests/integration/test_*.sh tests/integration/test_*.py; do
        [ -f "$t" ] || continue
        name=$(basename "$t"); name=${name%.*}
        [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
        log="$OUT/$name.log"
        case "$t" in
            *.py) timeout 600 python3 "$t" >"$log" 2>&1 ;;
            *) timeout 600 bash "$t" >"$log" 2>&1 ;;
        esac
        rc=$?
        ok=$(grep -cE '^ok\b' "$log")
        nok=$(grep -cE '^not ok\b' "$log")
        if [ "$rc" -eq 77 ] && [ "$nok" -eq 0 ]; then
            echo "skip $name: $(tail -n 1 "$log")"
            continue
        fi
        passed=$((passed + ok))
        failed=$((failed + nok))
        if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
            failed=$((failed + 1))
        fi
        if [ "$rc" -ne 0 ] || [ "$nok" -ne 0 ]; then
            failed_names+=("$name")
            echo "FAIL $name (exit $rc)"; tail -n 60 "$log"
        else
            echo "ok   $name ($ok checks)"
        fi
    done
}

case "$what" in
    unit) run_unit ;;
    integration) run_integration ;;
    all) run_unit; run_integration ;;
    *) echo "usage: $0 [unit|integration|all] [FILTER]" >&2; exit 2 ;;
esac

if [ ${#failed_names[@]} -gt 0 ]; then
    echo "failing: ${failed_names[*]} (logs in $OUT/)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
