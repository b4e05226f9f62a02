#!/bin/bash
# The first run is a full build (parts indexed by several processes, merged, switched to
# only when complete): it answers every query exactly as a one-process build does; a
# SIGKILL leaves no database for readers to open half-written, and the rerun succeeds;
# SIGTERM switches to what was committed; a file system too small for the build is
# refused before anything is written.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

N=1500
gen_tree "$T/tree" $N
S="$BIN/gongwen-search"

# answers DB: the JSON of a set of queries (several pages, sorts, filters, a document
# view), one line each, timing fields removed.
answers() {
    local q
    {
        for q in 报告 机关党建 高质量发展 '"第12号报告"' 第1 通知 发展 -党建 '党建 OR 发展'; do
            "$S" -d "$1" --json --size 20 "$q"
            "$S" -d "$1" --json --size 10 --page 3 --no-collapse "$q"
            "$S" -d "$1" --json --sort -date --size 15 "$q"
        done
        "$S" -d "$1" --json --doc part03/doc00123.txt 报告
        "$S" -d "$1" --json --ids 报告
    } 2>&1 | python3 -c '
import json, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("took_ms",)}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        print(json.dumps(strip(json.loads(line)), ensure_ascii=False, sort_keys=False))
    except ValueError:
        print(line)
'
}

"$IX" -d "$T/j1" "$T/tree" --jobs 1 --batch-size 100 --report "$T/j1.json" >"$T/out1" 2>&1
check_eq "first run --jobs 1 exits 0" 0 "$?"
"$IX" -d "$T/j3" "$T/tree" --jobs 3 --batch-size 100 -v --report "$T/j3.json" >"$T/out3" 2>"$T/err3"
check_eq "first run --jobs 3 exits 0" 0 "$?"
"$IX" -d "$T/jd" "$T/tree" --batch-size 100 >"$T/outd" 2>&1
check_eq "first run with the default jobs (cores) exits 0" 0 "$?"
check "the first run is a stub naming a build (switched like --rebuild)" test -f "$T/j3"
check "--jobs 3 worked in chunks, several processes" grep -q 'indexing with 3 processes, 12 chunks' "$T/err3"
check "each phase is timed (walk)" grep -Eq 'walk: 1500 files to index .* in [0-9.]+ s' "$T/err3"
check "each phase is timed (merge)" grep -Eq 'merge: [0-9.]+ s' "$T/err3"
check "each phase is timed (summary)" grep -Eq 'phases: walk and indexing [0-9.]+ s, merge [0-9.]+ s' "$T/err3"
check_eq "--jobs 3: all $N documents" $N "$(status "$T/j3" documents)"
check_eq "--jobs 3: the report counts every process's documents" $N "$(jfield "$T/j3.json" added)"
answers "$T/j1" >"$T/a1"
answers "$T/j3" >"$T/a3"
answers "$T/jd" >"$T/ad"
check "the queries found something ($(grep -c '"total"' "$T/a1") answers)" bash -c "grep -q '\"total\": [1-9]' '$T/a1'"
check "--jobs 3 gives the same answers as --jobs 1, byte for byte" cmp -s "$T/a1" "$T/a3"
check "the default jobs give the same answers as --jobs 1, byte for byte" cmp -s "$T/a1" "$T/ad"
"$IX" -d "$T/j3" "$T/tree" >"$T/out4" 2>&1
check "an incremental run after a parallel first run finds everything unchanged" grep -q '0 added, 0 replaced, 0 deleted, 1500 unchanged' "$T/out4"

# Compacted: the same documents added one by one by incremental runs take more room.
mkdir -p "$T/half"
cp -rp "$T/tree/part00" "$T/half/"
"$IX" -d "$T/inc" "$T/half" -q >/dev/null 2>&1
"$IX" -d "$T/inc" "$T/tree" --batch-size 100 -q >/dev/null 2>&1
s_inc=$(du -sk "$(status "$T/inc" build)" | cut -f1)
s_j1=$(du -sk "$(status "$T/j1" build)" | cut -f1)
check "a one-process first run ends compacted ($s_j1 KB against $s_inc KB built incrementally)" test "$s_j1" -lt "$s_inc"

# SIGKILL during a first run: no database at all (readers do not open a half one), no
# process left behind (the rerun gets the lock), and the rerun builds everything.
"$IX" -d "$T/k" "$T/tree" --jobs 2 --batch-size 20 -q >/dev/null 2>&1 &
p=$!
_pids+=("$p")
for i in $(seq 1 400); do
    ls -d "$T"/k.d/build-*.part-* >/dev/null 2>&1 && break
    sleep 0.05
done
sleep 0.3
check "the killed run had started writing parts" bash -c "ls -d '$T'/k.d/build-*.part-* >/dev/null 2>&1"
kill -KILL "$p"
wait "$p" 2>/dev/null
check "after SIGKILL there is no database to open" test ! -e "$T/k"
"$S" -d "$T/k" 报告 >"$T/outr" 2>&1
check_eq "a reader finds no database (exit 3), not a half one" 3 "$?"
check "... and says so" grep -q 'DatabaseNotFoundError' "$T/outr"
sleep 0.5
"$IX" -d "$T/k" "$T/tree" --batch-size 100 --report "$T/k.json" >"$T/outk" 2>&1
check_eq "the rerun succeeds (no process of the killed run holds the lock)" 0 "$?"
check_eq "... with all $N documents" $N "$(status "$T/k" documents)"
check "... and the leftovers of the killed run are removed" bash -c "[ \$(ls '$T/k.d' | grep -c '^build-') -eq 1 ]"
answers "$T/k" >"$T/ak"
check "... giving the same answers as --jobs 1" cmp -s "$T/a1" "$T/ak"

# SIGTERM during a first run: the processes commit what they did, the parts are merged
# and switched to (exit 143); the next run adds the rest.
"$IX" -d "$T/t" "$T/tree" --jobs 2 --batch-size 20 >"$T/outt" 2>&1 &
p=$!
_pids+=("$p")
for i in $(seq 1 400); do
    ls -d "$T"/t.d/build-*.part-* >/dev/null 2>&1 && break
    sleep 0.05
done
sleep 0.5
kill -TERM "$p"
wait "$p"
rc=$?
check_eq "SIGTERM: exit 143" 143 "$rc"
added=$(sed -n 's/.*: \([0-9]*\) added.*/\1/p' "$T/outt")
check "SIGTERM: the message says what is kept" grep -q 'stopped by signal 15: .* holds the' "$T/outt"
check_eq "SIGTERM: everything counted as added is in the database" "$added" "$(status "$T/t" documents)"
"$IX" -d "$T/t" "$T/tree" --batch-size 100 >"$T/outt2" 2>&1
check_eq "after SIGTERM the next run completes" $N "$(status "$T/t" documents)"

# An incremental run that finds most files changed does a full build instead (all cores,
# compacted, switched like --rebuild); with full_share = 0 or one job it stays incremental.
cp -rp "$T/tree" "$T/tree2"
"$IX" -d "$T/f" "$T/tree2" --batch-size 100 -q >/dev/null 2>&1
"$IX" -d "$T/f0" "$T/tree2" --batch-size 100 -q >/dev/null 2>&1
b_f=$(status "$T/f" build)
b_f0=$(status "$T/f0" build)
find "$T/tree2" -name '*.txt' | sort | awk 'NR % 10 != 0' | while read -r f; do echo 修订 >>"$f"; done
"$IX" -d "$T/f" "$T/tree2" --batch-size 100 --jobs 2 >"$T/outf" 2>&1
check_eq "90% changed: exit 0" 0 "$?"
check "90% changed: a full build instead of an incremental run" grep -q '1350 of 1500 files to read (90%, full_share 60%): a full build with 2 processes' "$T/outf"
check "... switched to a new build" test "$(status "$T/f" build)" != "$b_f"
check_eq "... the old one kept for --rollback" "$b_f" "$(status "$T/f" previous)"
check_eq "... all $N documents" $N "$(status "$T/f" documents)"
"$IX" -d "$T/f1" "$T/tree2" --jobs 1 --batch-size 100 -q >/dev/null 2>&1
answers "$T/f" >"$T/af"
answers "$T/f1" >"$T/af1"
check "... answering as a fresh one-process build of the changed files" cmp -s "$T/af1" "$T/af"
"$IX" -d "$T/f0" "$T/tree2" --batch-size 100 --set index.full_share=0 >"$T/outf0" 2>&1
check "full_share = 0: an incremental run" grep -q '0 added, 1350 replaced' "$T/outf0"
check_eq "... in the same build" "$b_f0" "$(status "$T/f0" build)"

# Disk space: a build that needs more than the file system has is refused at once.
"$IX" -d "$T/big" "$T/tree" --set index.space_ratio=1000000 >"$T/outs" 2>&1
check_eq "not enough disk for the estimate: exit 2" 2 "$?"
check "... saying how much is needed and how to override" grep -q 'not enough free disk in .*needs about .* --no-space-check' "$T/outs"
check "... and nothing was created" test ! -e "$T/big"
check "... not even a part" bash -c "[ -z \"\$(ls '$T/big.d' 2>/dev/null)\" ]"
"$IX" -d "$T/big" "$T/tree" --set index.space_ratio=1000000 --no-space-check -q >/dev/null 2>&1
check_eq "--no-space-check overrides it" $N "$(status "$T/big" documents)"
"$IX" -d "$T/big" "$T/tree" --rebuild --set index.space_ratio=1000000 >"$T/outs2" 2>&1
check_eq "--rebuild is refused the same way (exit 2)" 2 "$?"
check "... and the live database is untouched" test "$(status "$T/big" documents)" = $N

# A real small file system, when this machine lets the test mount one (root): the
# default ratio refuses a 2 MB tmpfs for ~7 MB of files.
mkdir "$T/mnt"
if mount -t tmpfs -o size=2m tmpfs "$T/mnt" 2>/dev/null; then
    "$IX" -d "$T/mnt/db" "$T/tree" >"$T/outm" 2>&1
    check_eq "a 2 MB file system is refused with the default ratio (exit 2)" 2 "$?"
    check "... before writing anything" test ! -e "$T/mnt/db"
    umount "$T/mnt"
else
    diag "cannot mount a tmpfs here: the default ratio is checked through --set only"
fi
finish
