#!/bin/bash
# The thin path end to end: corpus/ -> gongwen-indexer -> Xapian database -> gongwen-searchd
# -> HTTP JSON. Expected answers come from an independent brute force over the raw files
# (pinyin annotations stripped by regex, Traditional folded with OpenCC's own converter),
# never from the engine.
source "$(dirname "$0")/lib.sh"

cp -r "$ROOT/corpus" "$T/corpus"
"$BIN/gongwen-indexer" -d "$T/db" "$T/corpus" >"$T/index.log" 2>&1
rc=$?
check "indexer exits 0 on corpus/ (exit $rc)" test "$rc" -eq 0
start_searchd "$T/db"

# expected QUERY: the corpus files (basenames, sorted) whose text contains QUERY, with
# both sides folded to Simplified by OpenCC and the files' pinyin annotations removed.
expected() {
    python3 - "$T/corpus" "$1" <<'PY'
import os, re, subprocess, sys
root, q = sys.argv[1], sys.argv[2]
tone = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
ann = re.compile(r"(?<=[\u4e00-\u9fff])[(（](?=[a-zü" + tone + r"]{1,7}[)）])(?=[^)）]*[" + tone + r"])[a-zü" + tone + r"]{1,7}[)）]")
def t2s(s):
    return subprocess.run(["opencc", "-c", "t2s.json"], input=s, capture_output=True, text=True).stdout
q = t2s(ann.sub("", q)).strip()  # the query is cleaned like the documents (issue 6)
hits = []
for f in sorted(os.listdir(root)):
    text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
    if q in t2s(ann.sub("", text)):
        hits.append(f)
print(" ".join(hits))
PY
}

# got QUERY: the files the daemon returns for QUERY (sorted basenames).
got() {
    curl -s "$URL/search?q=$(urlencode "$1")&size=100" | python3 -c '
import json, sys, os
r = json.load(sys.stdin)
ids = []
for h in r["hits"]:
    v = h.get("path") or str(h["id"])
    ids.append(os.path.basename(v))
print(" ".join(sorted(ids)))'
}

for q in 机关党建 '"機關黨建"' 高质量发展 發展 发展 '發(fā)展' 党建 机关 政治 '不存在的字符串甲乙丙' '"模范机关"'; do
    bare=${q//\"/}
    e=$(expected "$bare")
    g=$(got "$q")
    check_eq "search $q finds exactly the files that contain it" "$e" "$g"
done

# The JSON shape of the thin path: total, hits with id, title, score.
r=$(curl -s "$URL/search?q=$(urlencode 机关党建)")
check "JSON has total and hits with id, title, score" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["total"] >= 1, r
h = r["hits"][0]
assert "id" in h and h["title"] and isinstance(h["score"], (int, float)), h
' "$r"
n=$(curl -s "$URL/search?q=$(urlencode 不存在的字符串甲乙丙)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
check_eq "a string that occurs nowhere finds none" 0 "$n"

finish
