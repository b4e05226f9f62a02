#!/bin/bash
# The bad-file zoo: every bad entry is reported "Skipping <file>: <reason>" and counted,
# the good files are all indexed, and the run exits 1 (some files skipped).
# Unreadable files: the tests usually run as root, whom chmod 000 does not stop; then the
# permission case runs the indexer as user nobody (setpriv) on its own small tree, and is
# skipped with a note if that is impossible.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

Z=$T/zoo
mkdir -p "$Z/sub" "$Z/folder.txt"
cp "$ROOT"/corpus/*.txt "$Z/"
chmod -R u+w "$Z"
cp "$ROOT/corpus/$(ls "$ROOT/corpus" | head -n 1)" "$Z/folder.txt/inside.txt"   # a folder named like a file
mkfifo "$Z/fifo.txt"                                             # would block a reader
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$Z/socket.txt"
ln -s "$Z/does-not-exist.txt" "$Z/dangling.txt"                  # dangling symlink
ln -s "$Z/loop-b.txt" "$Z/loop-a.txt"; ln -s "$Z/loop-a.txt" "$Z/loop-b.txt"   # file link loop
ln -s .. "$Z/sub/up"                                             # directory loop
head -c 4096 /dev/urandom | tr -d '\n' | tr '\000-\010' '\000' >"$Z/binary.txt"   # NULs
: >"$Z/empty.txt"
head -c 30000 /dev/zero | tr '\0' 'a' >"$Z/large.txt"
echo "ignored: not matching include" >"$Z/notes.md"
echo "ignored: hidden" >"$Z/.hidden.txt"

"$IX" -d "$T/db" "$Z" --max-file-size 20K --report "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
check_eq "a run with bad files exits 1" 1 "$rc"
for f in fifo.txt socket.txt dangling.txt loop-a.txt loop-b.txt binary.txt empty.txt large.txt; do
    check "reported: $f" grep -q "^Skipping $Z/$f: " "$T/err"
done
check "reason: FIFO" grep -q "fifo.txt: not a regular file" "$T/err"
check "reason: dangling symlink" grep -q "dangling.txt: dangling symlink" "$T/err"
check "reason: symlink loop" grep -q "loop-a.txt: symlink loop" "$T/err"
check "reason: directory symlink loop" grep -q "sub/up: symlink loop" "$T/err"
check "reason: binary" grep -q "binary.txt: binary" "$T/err"
check "reason: empty" grep -q "empty.txt: empty" "$T/err"
check "reason: too large, naming the limit" grep -q "large.txt: too large (30000 bytes > max_file_size 20480)" "$T/err"
check "not reported: files outside include, hidden files" bash -c "! grep -q -e notes.md -e .hidden '$T/err'"
nskip=$(grep -c '^Skipping ' "$T/err")
check_eq "summary counts every skipped entry" "$nskip" "$(jfield "$T/r.json" skipped)"
check_eq "report lists every skipped entry with its reason" "$nskip" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["skipped_files"]))' "$T/r.json")"
check_eq "report status: skipped" skipped "$(jfield "$T/r.json" status)"
expect_ids=$( (cd "$ROOT/corpus" && ls; echo folder.txt/inside.txt) | sort)
check_eq "every good file is indexed, once (no loop duplicates)" "$expect_ids" "$(ids "$T/db")"

# A file that was indexed and is now binary / empty loses its document; the others stay.
f0=$(ls "$ROOT/corpus" | head -n 1)
cp "$Z/binary.txt" "$Z/$f0"
"$IX" -d "$T/db" "$Z" --max-file-size 20K >"$T/out2" 2>"$T/err2"
check "an indexed file turned binary is skipped" grep -q "$f0: binary" "$T/err2"
check "... and its old document is deleted" bash -c "! xapian-delve -a -1 '$T/db' | grep -qx 'Q$f0'"
check_eq "the other documents stay" 5 "$(status "$T/db" documents)"

# A folder that cannot be read: its documents are kept, not deleted.
perm_case() {
    local P=$T/perm
    mkdir -p "$P/open" "$P/closed"
    cp "$ROOT/corpus/$f0" "$P/open/a.txt"
    cp "$ROOT/corpus/$f0" "$P/closed/b.txt"
    cp "$ROOT/corpus/$f0" "$P/open/secret.txt"
    chmod -R a+rwX "$P"; chmod a+rwx "$T"
    $AS "$IX" -d "$P/db" "$P" >"$T/p1" 2>&1
    check_eq "permission case: first run indexes 3" 3 "$(status "$P/db" documents)"
    echo "修改后的内容" >>"$P/open/secret.txt"   # changed, so it must be read
    chmod 000 "$P/closed" "$P/open/secret.txt"
    $AS "$IX" -d "$P/db" "$P" >"$T/p2" 2>&1
    local rc=$?
    check_eq "unreadable folder and file: exit 1" 1 "$rc"
    check "reason: permission denied (file)" grep -q "secret.txt: permission denied" "$T/p2"
    check "reason: cannot read directory" grep -q "closed: cannot read directory" "$T/p2"
    check_eq "documents under an unreadable folder or file are kept" 3 "$(status "$P/db" documents)"
    chmod 755 "$P/closed"; chmod 644 "$P/open/secret.txt"
}
if [ "$(id -u)" -ne 0 ]; then
    AS=""
    perm_case
elif command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null \
     && setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$IX"; then
    AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    perm_case
else
    diag "permission case skipped: running as root and cannot run the indexer as nobody"
fi

finish
