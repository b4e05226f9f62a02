#!/bin/bash
# gongwen-indexer's incremental runs on a copy of corpus/: first run, an unchanged second
# run that writes nothing (the revision stays), edit / touch / delete / rename / add,
# dry run, several roots, the JSON report, and the configuration plumbing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

cp -r "$ROOT/corpus" "$T/c"
chmod -R u+w "$T/c"
DB=$T/db
f0=$(cd "$T/c" && ls | head -n 1)

"$IX" -d "$DB" "$T/c" --report "$T/r1.json" >"$T/out1" 2>"$T/err1"
rc=$?
check_eq "first run exits 0" 0 "$rc"
check "first run summary: 5 added" grep -q '5 added, 0 replaced, 0 deleted, 0 unchanged, 0 skipped' "$T/out1"
check_eq "5 documents" 5 "$(status "$DB" documents)"
check_eq "ids are paths relative to the root" "$(cd "$T/c" && ls | sort)" "$(ids "$DB")"
check "DB is a stub naming a build directory" grep -qE '^auto db\.d/build-[0-9]{8}-[0-9]{6}-[0-9]+$' "$DB"
check_eq "report: added" 5 "$(jfield "$T/r1.json" added)"
check_eq "report: status" ok "$(jfield "$T/r1.json" status)"
rev1=$(status "$DB" revision)
check "stderr is not a terminal: plain progress lines, no carriage returns" bash -c "grep -q 'progress 5/5 files' '$T/err1' && ! grep -q \$'\\r' '$T/err1'"
if command -v script >/dev/null; then
    # script(1) gives the indexer a terminal: the bar with files/s, MB/s and ETA.
    script -qec "'$IX' -d '$T/dbtty' '$T/c'" /dev/null >"$T/tty" 2>&1
    check "on a terminal: a progress bar with files/s, MB/s and ETA" grep -qE '\[#+\] +100%.*files/s.*MB/s.*ETA' "$T/tty"
fi

"$IX" -d "$DB" "$T/c" --report "$T/r2.json" >"$T/out2" 2>&1
check_eq "unchanged second run exits 0" 0 "$?"
check "second run summary: all unchanged, nothing read" grep -q '0 added, 0 replaced, 0 deleted, 5 unchanged, 0 skipped, 0.00 MB read' "$T/out2"
check_eq "unchanged second run writes nothing (revision $rev1)" "$rev1" "$(status "$DB" revision)"
check_eq "report of the second run: bytes_read 0" 0 "$(jfield "$T/r2.json" bytes_read)"

# touch alone: re-read, same hash -> no new document, stored mtime updated once
touch -d '2020-01-01 00:00:00' "$T/c/$f0"
"$IX" -d "$DB" "$T/c" --report "$T/r3.json" >"$T/out3" 2>&1
check "touched file: unchanged, 0 replaced" grep -q '0 added, 0 replaced, 0 deleted, 5 unchanged' "$T/out3"
check_eq "touched file was re-read once (touched 1)" 1 "$(jfield "$T/r3.json" touched)"
rev3=$(status "$DB" revision)
"$IX" -d "$DB" "$T/c" >"$T/out3b" 2>&1
check_eq "after a touch, the next run reads nothing and writes nothing" "$rev3" "$(status "$DB" revision)"
check "after a touch: 0.00 MB read" grep -q '0.00 MB read' "$T/out3b"

# touch + edit one file -> one replaced
sed -i '3a 各部门数字化转型试点工作稳步推进。' "$T/c/$f0"
"$IX" -d "$DB" "$T/c" >"$T/out4" 2>&1
check "edit: 1 replaced, 4 unchanged" grep -q '0 added, 1 replaced, 0 deleted, 4 unchanged' "$T/out4"
check "the edited text is in the index" bash -c "xapian-delve -a -1 '$DB' | grep -qx '试点'"

# delete one, rename one, add one
f1=$(cd "$T/c" && ls | sed -n 2p)
f2=$(cd "$T/c" && ls | sed -n 3p)
rm "$T/c/$f1"
mkdir "$T/c/2023"
mv "$T/c/$f2" "$T/c/2023/renamed.txt"
printf '关于加强机关作风建设的通知\n各单位：现将有关事项通知如下。\n' >"$T/c/new.txt"
"$IX" -d "$DB" "$T/c" -v >"$T/out5" 2>"$T/err5"
check "delete+rename+add: 2 added, 2 deleted" grep -q '2 added, 0 replaced, 2 deleted, 3 unchanged' "$T/out5"
check_eq "ids follow the files" "$(cd "$T/c" && find . -type f | sed 's|^\./||' | sort)" "$(ids "$DB")"
check "--verbose names each change" grep -q "deleted $f1" "$T/err5"

# dry run: reports, writes nothing
rev=$(status "$DB" revision)
rm "$T/c/new.txt"
"$IX" -d "$DB" "$T/c" --dry-run >"$T/out6" 2>&1
check "dry run reports the deletion" grep -q 'dry run, would have: 0 added, 0 replaced, 1 deleted' "$T/out6"
check_eq "dry run writes nothing" "$rev" "$(status "$DB" revision)"
check_eq "dry run keeps the document" 5 "$(status "$DB" documents)"

# excludes: a glob on the relative path keeps a subtree out (and its document goes)
"$IX" -d "$DB" "$T/c" --exclude '2023/*' --exclude '.*' >"$T/out7" 2>&1
check "exclude 2023/* deletes its document (and new.txt, removed above)" grep -q "2 deleted" "$T/out7"
check "exclude: 2023/renamed.txt is gone" bash -c "! xapian-delve -a -1 '$DB' | grep -qx 'Q2023/renamed.txt'"

# several roots: ids are <root name>/<path>
mkdir -p "$T/two/alpha" "$T/two/beta"
cp "$ROOT/corpus/$f0" "$T/two/alpha/a.txt"
cp "$ROOT/corpus/$f0" "$T/two/beta/b.txt"
"$IX" -d "$T/db2" "$T/two/alpha" "$T/two/beta/" >"$T/out8" 2>&1
check_eq "two roots: ids prefixed by the root names" "alpha/a.txt beta/b.txt" "$(ids "$T/db2" | tr '\n' ' ' | sed 's/ $//')"
mkdir -p "$T/three/x/alpha"
"$IX" -d "$T/db3" "$T/two/alpha" "$T/three/x/alpha" >"$T/out9" 2>&1
check_eq "two roots with the same name are refused (exit 2)" 2 "$?"
check "same-name roots: message says why" grep -q 'have the same name' "$T/out9"

# configuration plumbing
printf '[index]\ndatabase = %s\nroots = %s\nbatchsize = 3\n' "$T/db4" "$T/c" >"$T/bad.conf"
"$IX" -c "$T/bad.conf" >"$T/out10" 2>&1
check_eq "unknown key in the configuration: exit 2" 2 "$?"
check "unknown key: FILE:LINE and the valid keys" grep -q "bad.conf:4: unknown key 'batchsize' in \[index\]; valid keys: database, roots" "$T/out10"
# one process: a first run with several counts the commits of each part
printf '[index]\ndatabase = %s\nroots = %s\nbatch_size = 2\njobs = 1\n' "$T/db4" "$T/c" >"$T/good.conf"
"$IX" -c "$T/good.conf" --report "$T/r11.json" >"$T/out11" 2>&1
check_eq "roots and database from the configuration" 4 "$(status "$T/db4" documents)"
check_eq "batch_size 2: 2 commits for 4 documents" 2 "$(jfield "$T/r11.json" commits)"
"$IX" --batch-size 0 -d "$T/db5" "$T/c" >"$T/out12" 2>&1
check_eq "--batch-size 0 refused (exit 2)" 2 "$?"
check "--batch-size 0: the valid range is named" grep -q 'expected a whole number 1-1000000' "$T/out12"
"$IX" -d "$T/db5" >"$T/out13" 2>&1
check_eq "no root: exit 2" 2 "$?"
"$IX" --bogus >/dev/null 2>&1
check_eq "unknown option: exit 2" 2 "$?"
"$IX" --help | grep -q -- '--rebuild'
check_eq "--help lists the options" 0 "$?"

# conf/gongwen.conf documents every key with its default: uncommenting every "key = value"
# line (but the example roots) gives exactly the built-in configuration.
grep -E '^;[a-z_]+ =' "$ROOT/conf/gongwen.conf" | grep -v '^;roots' | sed 's/^;//' >"$T/keys"
awk '/^\[/{print} /^;[a-z_]+ =/ && !/^;roots/{sub(/^;/,""); print}' "$ROOT/conf/gongwen.conf" >"$T/uncommented.conf"
"$IX" -c "$T/uncommented.conf" --print-config >"$T/p1" 2>&1
"$IX" --print-config >"$T/p2" 2>&1
check_eq "conf/gongwen.conf's documented defaults equal the built-in ones" "$(cat "$T/p2")" "$(cat "$T/p1")"
nkeys=$(grep -cE '^[a-z_]+ =' "$T/p2")
check_eq "conf/gongwen.conf documents every key ($nkeys)" "$nkeys" "$(( $(wc -l <"$T/keys") + 1 ))"

finish
