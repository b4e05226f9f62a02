#!/bin/bash
# Compaction in the nightly cycle: an incremental run that leaves the live build grown past
# index.compact_growth times its compacted size compacts it into a new build and switches
# to it atomically; the answers stay the same, the rollback point stays the build before,
# and a SIGKILL during compaction leaves a build that serves.
source "$(dirname "$0")/lib.sh"

IX="$BIN/gongwen-indexer"
python3 "$ROOT/tests/integration/searchd_corpus.py" "$T/corpus" 300 >/dev/null
build_of() { sed -n 's/^auto //p' "$T/db"; }
bytes_of() { du -sb "$T/$(build_of)" | cut -f1; }
answers() {
    local q
    for q in 高质量发展 '"机关党建"' 发展 营商环境 乡村振兴; do
        "$BIN/gongwen-search" -d "$T/db" --json --size 1000 --no-snippets "$q" |
            python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["total"], sorted(h["path"] for h in j["hits"]))'
    done
}
# change N: appends a line to the first N reports (their content changes)
change() {
    local f n=0
    for f in "$T"/corpus/*.txt; do
        [ "$n" -ge "$1" ] && break
        echo "补充说明第$RANDOM号：推进高质量发展。" >>"$f"
        n=$((n + 1))
    done
}

"$IX" -q -d "$T/db" --jobs 2 "$T/corpus" >"$T/log1" 2>&1
check "first run" test $? -le 1
b1=$(build_of)
check "a full build records its compacted size" test -s "$T/$b1/gongwen.compacted"
"$IX" -q -d "$T/db" --rebuild --jobs 2 "$T/corpus" >"$T/log2" 2>&1
check "--rebuild" test $? -le 1
b2=$(build_of)

# Replacing most documents one by one grows the build: compact_growth 0 keeps it so.
change 250
"$IX" -d "$T/db" --set index.compact_growth=0 --set index.full_share=0 "$T/corpus" >"$T/log3" 2>&1
check "incremental run without compaction" test $? -le 1
check_eq "compact_growth 0: the same build serves" "$b2" "$(build_of)"
grown=$(bytes_of)
before=$(answers)

change 250
"$IX" -d "$T/db" --set index.compact_growth=1.2 --set index.full_share=0 "$T/corpus" >"$T/log4" 2>&1
check "incremental run with compaction" test $? -le 1
b3=$(build_of)
check "the grown build was compacted into a new one" test "$b3" != "$b2"
check "the log says so" grep -q "compacted:" "$T/log4"
small=$(bytes_of)
check "the compacted build is smaller ($small < $grown bytes)" test "$small" -lt "$grown"
"$IX" -q -d "$T/db2" --jobs 1 "$T/corpus" >/dev/null 2>&1
fresh=$(cd "$T" && for q in 高质量发展 '"机关党建"' 发展 营商环境 乡村振兴; do "$BIN/gongwen-search" -d "$T/db2" --json --size 1000 --no-snippets "$q" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["total"], sorted(h["path"] for h in j["hits"]))'; done)
check_eq "after compaction the answers equal a fresh build's" "$fresh" "$(answers)"
check_eq "the rollback point is still the build before the rebuild" "$(basename "$b1")" "$(cat "$T/db.d/previous")"
check "the uncompacted build is gone" test ! -e "$T/$b2"

# SIGKILL while compacting: whatever the moment, a build that serves is named.
change 250
"$IX" -d "$T/db" --set index.compact_growth=1.01 --set index.full_share=0 "$T/corpus" >"$T/log5" 2>&1 &
pid=$!
_pids+=("$pid")
for i in $(seq 1 2000); do
    grep -q "compacting it into" "$T/log5" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=$("$BIN/gongwen-search" -d "$T/db" --json 高质量发展 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check "after a SIGKILL during compaction the database answers ($n)" test "${n:-0}" -gt 0
"$IX" -q -d "$T/db" --set index.full_share=0 "$T/corpus" >"$T/log6" 2>&1
check "and the next run completes" test $? -le 1
finish
