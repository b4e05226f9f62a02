#!/bin/bash
# One writer at a time: a second indexer on the same database exits 2 and names the pid of
# the one holding the lock; the first one is not disturbed.
# The first indexer is frozen with SIGSTOP while the second runs: no timing involved.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

gen_tree "$T/tree" 1500
"$IX" -d "$T/db" "$T/tree" --batch-size 50 -q >"$T/out1" 2>&1 &
p1=$!
_pids+=("$p1")
for i in $(seq 1 200); do
    [ "$(cat "$T/db.lock" 2>/dev/null)" = "$p1" ] && break
    sleep 0.05
done
kill -STOP "$p1"
check_eq "the running indexer wrote its pid into DB.lock" "$p1" "$(cat "$T/db.lock" 2>/dev/null)"
"$IX" -d "$T/db" "$T/tree" --report "$T/r2.json" >"$T/out2" 2>&1
check_eq "a second indexer exits 2" 2 "$?"
check "its message names the first one's pid" grep -q "another gongwen-indexer (pid $p1) is updating $T/db" "$T/out2"
check_eq "its --report says failed" failed "$(jfield "$T/r2.json" status)"
"$IX" -d "$T/db" "$T/tree" --rebuild >"$T/out3" 2>&1
check_eq "a --rebuild meanwhile is refused too" 2 "$?"
kill -CONT "$p1"
wait "$p1"
check_eq "the first indexer finishes normally" 0 "$?"
check_eq "it indexed everything" 1500 "$(status "$T/db" documents)"
"$IX" -d "$T/db" "$T/tree" >"$T/out4" 2>&1
check_eq "after it ended, the lock is free" 0 "$?"
finish
