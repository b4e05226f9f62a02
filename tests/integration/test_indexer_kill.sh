#!/bin/bash
# Killing an incremental run: SIGKILL at any moment leaves a database that opens and
# holds exactly the documents of the last commit (a multiple of the batch size); the next
# run finishes the job, and the one after writes nothing. SIGTERM stops cleanly with 143
# after committing what was done. (A first run is a full build: killing it is tested in
# test_indexer_first_run.sh.) Each database is first made by a first run over one file,
# so that the runs killed here are incremental; full_share = 0 keeps them incremental
# although they add nearly every file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

N=3000
B=100
gen_tree "$T/tree" $N

# seed DB: a first run over the tree's first file only (same id, same mtime)
seed() {
    mkdir -p "$T/seed/part00"
    cp -p "$T/tree/part00/doc00000.txt" "$T/seed/part00/"
    "$IX" -d "$1" "$T/seed" -q >/dev/null 2>&1
}

# wait_docs DB MIN: waits until DB holds at least MIN documents (or the writer ended).
wait_docs() {
    local i
    for i in $(seq 1 600); do
        local n
        n=$(status "$1" documents 2>/dev/null)
        [ -n "$n" ] && [ "$n" -ge "$2" ] && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

seed "$T/db"
"$IX" -d "$T/db" "$T/tree" --batch-size $B --set index.full_share=0 -q >"$T/out1" 2>&1 &
p=$!
_pids+=("$p")
wait_docs "$T/db" 200 "$p"
kill -KILL "$p"
wait "$p" 2>/dev/null
n=$(status "$T/db" documents)
check "after SIGKILL the database opens" test -n "$n"
diag "SIGKILL left $n documents"
check "it holds whole batches only ($n is the seed plus a multiple of $B)" test $(((n - 1) % B)) -eq 0 -a "$n" -gt 1 -a "$n" -lt $N
check_eq "its ids are exactly its documents (no half-written document)" "$n" "$(ids "$T/db" | wc -l)"
check "it answers a query (xapian-delve finds a term's postings)" bash -c "xapian-delve -t '报告' '$T/db' | grep -q 'Posting List'"
"$IX" -d "$T/db" "$T/tree" --batch-size $B --set index.full_share=0 --report "$T/r2.json" >"$T/out2" 2>&1
check_eq "the next run completes (exit 0)" 0 "$?"
check_eq "... adding exactly the missing documents" $((N - n)) "$(jfield "$T/r2.json" added)"
check_eq "... to the full count" $N "$(status "$T/db" documents)"
rev=$(status "$T/db" revision)
"$IX" -d "$T/db" "$T/tree" --batch-size $B >"$T/out3" 2>&1
check_eq "and the run after that writes nothing" "$rev" "$(status "$T/db" revision)"

# SIGTERM: commit what is done, exit 143, say so.
seed "$T/db2"
"$IX" -d "$T/db2" "$T/tree" --batch-size $B --set index.full_share=0 >"$T/out4" 2>&1 &
p=$!
_pids+=("$p")
wait_docs "$T/db2" 100 "$p"
kill -TERM "$p"
wait "$p"
check_eq "SIGTERM: exit 143" 143 "$?"
check "SIGTERM: the message says the work done was committed" grep -q "stopped by signal 15 after committing" "$T/out4"
added=$(sed -n 's/.*: \([0-9]*\) added.*/\1/p' "$T/out4")
check_eq "SIGTERM: everything it counted as added is in the database (with the seed)" $((added + 1)) "$(status "$T/db2" documents)"
"$IX" -d "$T/db2" "$T/tree" --batch-size $B >"$T/out5" 2>&1
check_eq "after SIGTERM the next run completes" $N "$(status "$T/db2" documents)"
finish
