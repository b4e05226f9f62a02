#!/bin/bash
# The index layout version: a database written by an older layout (here: one whose
# "gongwen.layout" key says 3, whose terms predate the white space and phrase rules, or 2,
# which kept the text in the document data, or is removed, as the first layout wrote
# none) is refused with a message that says to rebuild it — by
# gongwen-search, by the daemon (/health 503) and by an incremental indexer run — and
# --rebuild makes it current again. A phrase across a punctuation mark is then found
# exactly through the separator terms, and snippets are drawn from the stored text.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

cp -r "$ROOT/corpus" "$T/c"
chmod -R u+w "$T/c"
DB=$T/db
"$IX" -d "$DB" -q "$T/c" >"$T/out0" 2>&1
check_eq "first run exits 0" 0 "$?"
build=$(status "$DB" build)
check_eq "the layout is recorded" 4 "$(xapian-metadata get "$build" gongwen.layout)"

# A phrase across punctuation, found through its separator term: the text of seed 001.
q='"機關黨建,模範機關"'
printf '关于开展机关党建,模范机关创建的通知\n各支部：机关党建 模范机关。\n' >"$T/c/p.txt"
printf '机关党建模范机关\n' >"$T/c/q.txt"
"$IX" -d "$DB" -q "$T/c" >/dev/null 2>&1
# (a small database grows past compact_growth with two documents more: the run may have
# compacted it into a new build)
build=$(status "$DB" build)
check_eq "the layout is still recorded" 4 "$(xapian-metadata get "$build" gongwen.layout)"
"$BIN/gongwen-search" -d "$DB" --ids "$q" >"$T/ids" 2>"$T/err"
check_eq "a phrase across a comma finds exactly the document with it" "p.txt" "$(cut -f2 "$T/ids" | tr '\n' ' ' | sed 's/ $//')"
"$BIN/gongwen-search" -d "$DB" --explain "$q" >"$T/explain" 2>&1
check "the phrase is matched by positions alone (no check against the text)" \
    bash -c "! grep -q 'checked against the text' '$T/explain'"

# The previous layout (terms of other white space and T->S rules): refused, not searched
# with a wrong answer.
xapian-metadata set "$build" gongwen.layout 3
"$BIN/gongwen-search" -d "$DB" 发展 >"$T/s3" 2>"$T/e3a"
rc=$?
check "gongwen-search refuses an index of layout 3 (exit $rc)" test "$rc" -ne 0
check "naming both layouts" \
    grep -q 'index layout 3, this gongwen reads layout 4: rebuild it (gongwen-indexer --rebuild)' "$T/e3a"

# The layout before (the text in the data): refused, not searched with empty snippets.
xapian-metadata set "$build" gongwen.layout 2
"$BIN/gongwen-search" -d "$DB" 发展 >"$T/s2" 2>"$T/e2a"
rc=$?
check "gongwen-search refuses an index of layout 2 (exit $rc)" test "$rc" -ne 0
check "naming both layouts" \
    grep -q 'index layout 2, this gongwen reads layout 4: rebuild it (gongwen-indexer --rebuild)' "$T/e2a"

# The first layout: no key.
xapian-metadata set "$build" gongwen.layout ""
check_eq "the key is gone" "" "$(xapian-metadata get "$build" gongwen.layout)"
"$BIN/gongwen-search" -d "$DB" 发展 >"$T/s1" 2>"$T/e1"
rc=$?
check "gongwen-search refuses an index of layout 1 (exit $rc)" test "$rc" -ne 0
check "its message names the layouts and the cure" \
    grep -q 'index layout 1, this gongwen reads layout 4: rebuild it (gongwen-indexer --rebuild)' "$T/e1"
"$IX" -d "$DB" -q "$T/c" >"$T/o2" 2>"$T/e2"
check_eq "an incremental run refuses it (exit 2)" 2 "$?"
check "with the same message" grep -q 'index layout 1, this gongwen reads layout 4' "$T/e2"
if [ -x "$BIN/gongwen-searchd" ]; then
    start_searchd "$DB"
    # the workers open the database at their first request: poll briefly for the reason
    for i in $(seq 1 30); do
        code=$(curl -s -o "$T/h" -w '%{http_code}' "$URL/health")
        grep -q 'layout 1' "$T/h" && break
        sleep 0.1
    done
    check_eq "the daemon answers /health with 503" 503 "$code"
    check "and says why" grep -q 'index layout 1, this gongwen reads layout 4' "$T/h"
    code=$(curl -s -o "$T/s" -w '%{http_code}' "$URL/search?q=$(urlencode 发展)")
    check_eq "searches get 503 too, not wrong answers" 503 "$code"
    stop_searchd
fi
"$IX" -d "$DB" -q --rebuild "$T/c" >"$T/o3" 2>"$T/e3"
check_eq "--rebuild makes it current (exit 0)" 0 "$?"
check_eq "the new build records layout 4" 4 "$(xapian-metadata get "$(status "$DB" build)" gongwen.layout)"
"$BIN/gongwen-search" -d "$DB" --ids "$q" >"$T/ids2" 2>&1
check_eq "and the phrase is found again" "p.txt" "$(cut -f2 "$T/ids2" | tr '\n' ' ' | sed 's/ $//')"
"$BIN/gongwen-search" -d "$DB" '"模范机关创建"' >"$T/snip" 2>&1
check "its snippet comes from the stored text, the match marked" grep -q '【模范机关创建】的通知' "$T/snip"
finish
