#!/bin/bash
# --inspect FILE prints what the text pipeline made of the file, as JSON; on seed 000 the
# title comes without its pinyin annotations.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/indexer_lib.sh"

f=$(ls "$ROOT"/corpus/000_*.txt)
"$IX" --inspect "$f" >"$T/out" 2>"$T/err"
check_eq "--inspect exits 0" 0 "$?"
check "--inspect prints JSON with a title" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["title"], d
' "$T/out"
title=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["title"])' "$T/out")
check_eq "seed 000's title, pinyin annotations removed" "突出政治引領 服務中心大局 堅定不移推動機關黨建高質量發展" "$title"
"$IX" --inspect "$T/missing.txt" >/dev/null 2>"$T/err2"
check_eq "--inspect on a missing file exits 2" 2 "$?"
check "... naming it" grep -q "missing.txt" "$T/err2"
finish
