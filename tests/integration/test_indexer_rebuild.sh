#!/bin/bash
# --rebuild: a fresh build beside the live one, validated, switched atomically while a
# reader holds the old one open; a failing validation (canary, document-count drop)
# refuses the switch and leaves the live database as it was; --rollback switches back;
# a plain database directory is migrated to the stub layout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

cp -r "$ROOT/corpus" "$T/c"
chmod -R u+w "$T/c"
DB=$T/db
printf '# canaries\n机关党建\n\n高质量发展\n' >"$T/canaries.txt"
"$IX" -d "$DB" "$T/c" >"$T/out0" 2>&1
old_build=$(status "$DB" build)
old_stub=$(cat "$DB")

# A reader holds the old build open: the daemon if it is built, and in any case open
# file descriptors on the old build's tables (what any reader holds).
exec 7<"$old_build/postlist.glass" 8<"$old_build/docdata.glass"
if [ -x "$BIN/gongwen-searchd" ]; then
    start_searchd "$DB"
    before=$(curl -s "$URL/search?q=$(urlencode 机关党建)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
fi

printf '关于开展机关党建示范点创建活动的通知\n各支部：现就有关事项通知如下。\n' >"$T/c/new.txt"
"$IX" -d "$DB" "$T/c" --rebuild --set "index.canaries=$T/canaries.txt" --report "$T/r1.json" >"$T/out1" 2>"$T/err1"
check_eq "rebuild exits 0" 0 "$?"
new_build=$(status "$DB" build)
check "the stub now names a new build" test "$new_build" != "$old_build"
check_eq "the new build has the new file" 6 "$(status "$DB" documents)"
check "validation lines are printed" grep -q 'validation: canaries 2/2 found: ok' "$T/err1"
check "the document-count check is printed" grep -q 'validation: 6 documents (live build has 5' "$T/err1"
check_eq "the previous build is kept" "$old_build" "$(status "$DB" previous)"
check "the old build still opens (for readers that have it open)" bash -c "xapian-delve '$old_build' | grep -q 'number of documents = 5'"
check "the open descriptors on the old build still read" bash -c "head -c 1 <&7 >/dev/null"
check_eq "report: mode rebuild" rebuild "$(jfield "$T/r1.json" mode)"
if [ -x "$BIN/gongwen-searchd" ]; then
    after=$(curl -s "$URL/search?q=$(urlencode 机关党建)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    check "the daemon kept answering across the switch ($before -> $after)" test -n "$after" -a "$after" -ge "$before"
    stop_searchd
else
    diag "gongwen-searchd not built: reader checked through open descriptors only"
fi
exec 7<&- 8<&-

# Failing canary: refuse, live database untouched, exit 2.
stub=$(cat "$DB")
printf '机关党建\n这个短语绝对不在任何文件里\n' >"$T/bad-canaries.txt"
"$IX" -d "$DB" "$T/c" --rebuild --set "index.canaries=$T/bad-canaries.txt" >"$T/out2" 2>"$T/err2"
check_eq "a failing canary refuses the switch (exit 2)" 2 "$?"
check "the failing canary is named" grep -q "canary '这个短语绝对不在任何文件里': finds nothing" "$T/err2"
check "the refusal is explained" grep -q 'refusing to switch' "$T/err2"
check_eq "the stub is unchanged" "$stub" "$(cat "$DB")"
check_eq "the live database is unchanged" 6 "$(status "$DB" documents)"

# Document count dropping by more than max_drop: refused; allowed with a larger max_drop.
mkdir "$T/small"
cp "$T/c/new.txt" "$T/small/"
"$IX" -d "$DB" "$T/small" --rebuild >"$T/out3" 2>"$T/err3"
check_eq "a drop from 6 to 1 document is refused (exit 2)" 2 "$?"
check "the drop is reported" grep -q 'validation: 1 documents (live build has 6: -83.3%, allowed drop 10.0%): FAILED' "$T/err3"
check_eq "the stub is unchanged after the refused drop" "$stub" "$(cat "$DB")"
"$IX" -d "$DB" "$T/small" --rebuild --set index.max_drop=1 >"$T/out4" 2>"$T/err4"
check_eq "with max_drop=1 the same rebuild switches" 0 "$?"
check_eq "the live database now has 1 document" 1 "$(status "$DB" documents)"
nbuilds=$(ls -d "$DB".d/build-* | wc -l)
check_eq "refused and superseded builds are pruned: live + previous remain" 2 "$nbuilds"

# --rollback: back to the 6-document build; again: forth.
"$IX" -d "$DB" --rollback >"$T/out5" 2>&1
check_eq "--rollback exits 0" 0 "$?"
check_eq "after --rollback: 6 documents" 6 "$(status "$DB" documents)"
check_eq "after --rollback the stub is the one before the last switch" "$stub" "$(cat "$DB")"
"$IX" -d "$DB" --rollback >/dev/null 2>&1
check_eq "a second --rollback switches forth" 1 "$(status "$DB" documents)"
"$IX" -d "$T/nothing" --rollback >"$T/out6" 2>&1
check_eq "--rollback without a previous build: exit 2" 2 "$?"
check "... saying so" grep -q 'no previous build' "$T/out6"

# A killed rebuild leaves the live database alone.
"$IX" -d "$DB" --rollback >/dev/null 2>&1
stub=$(cat "$DB")
gen_tree "$T/tree" 1500
"$IX" -d "$DB" "$T/tree" --rebuild --batch-size 50 -q >/dev/null 2>&1 &
p=$!
_pids+=("$p")
for i in $(seq 1 200); do
    [ "$(ls -d "$DB".d/build-* 2>/dev/null | wc -l)" -ge 3 ] && break
    sleep 0.05
done
kill -KILL "$p"; wait "$p" 2>/dev/null
check_eq "after a killed --rebuild the stub is unchanged" "$stub" "$(cat "$DB")"
check_eq "after a killed --rebuild the live database is intact" 6 "$(status "$DB" documents)"

# Migration of a plain database directory to the stub layout.
cp -r "$(status "$DB" build)" "$T/plain"
"$IX" -d "$T/plain" "$T/c" >"$T/out7" 2>&1
check_eq "a plain database directory is updated in place" 0 "$?"
check "it is still a directory" test -d "$T/plain"
"$IX" -d "$T/plain" "$T/c" --rebuild >"$T/out8" 2>&1
check_eq "--rebuild on a plain directory exits 0" 0 "$?"
check "it became a stub" test -f "$T/plain"
check "the old directory is kept as the previous build" bash -c "ls -d '$T'/plain.d/build-*-migrated >/dev/null"
"$IX" -d "$T/plain" --rollback >/dev/null 2>&1
check_eq "and --rollback returns to it" 6 "$(status "$T/plain" documents)"

# One process or several (parts merged by xapian-compact): the same documents.
"$IX" -d "$T/j1" "$T/tree" --rebuild --jobs 1 --batch-size 100 --report "$T/j1.json" >/dev/null 2>&1
check_eq "--rebuild --jobs 1 exits 0" 0 "$?"
"$IX" -d "$T/j3" "$T/tree" --rebuild --jobs 3 --batch-size 100 --report "$T/j3.json" >/dev/null 2>&1
check_eq "--rebuild --jobs 3 exits 0" 0 "$?"
check_eq "--jobs 3: all 1500 documents" 1500 "$(status "$T/j3" documents)"
check "--jobs 1 and --jobs 3 hold the same ids" bash -c "diff <(xapian-delve -a -1 '$T/j1' | grep ^Q) <(xapian-delve -a -1 '$T/j3' | grep ^Q) >/dev/null"
check_eq "--jobs 3: the report counts every child's documents" 1500 "$(jfield "$T/j3.json" added)"
"$IX" -d "$T/j3" "$T/tree" >"$T/out9" 2>&1
check "an incremental run after a parallel rebuild finds everything unchanged" grep -q '0 added, 0 replaced, 0 deleted, 1500 unchanged' "$T/out9"
finish
