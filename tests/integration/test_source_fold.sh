#!/bin/bash
# One agency, one name: files whose source is the same agency written in Simplified, in
# Traditional, with full-width letters or with spaces are indexed by the real indexer;
# the real daemon (and gongwen-search) must show one facet entry per agency, with the
# summed count and the most frequent spelling as its label, and source= in any spelling
# must select the same documents: those source: finds for that whole name. Different
# agencies, even one whose name contains another's, stay apart.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/corpus"
# mk NAME METADATA-LINE [DATE]: a small report on 机关党建 with that metadata line and
# date (2023年9月N日 by default); each body differs (no near-duplicates), and a comma
# follows 机关党建 (for the verified query).
n=0
mk() {
    n=$((n + 1))
    printf '关于第%s项机关党建工作的报告\n%s\n%s\n机关党建，是第%s项重点工作，各单位要认真落实第%s条要求。\n' \
        "$n" "$2" "${3:-2023年9月${n}日}" "$n" "$n" >"$T/corpus/$1.txt"
}
# agency A: 全國融媒體中心 three times, 全国融媒体中心 twice, once with spaces
mk a1 '(来源:全國融媒體中心)'
mk a2 '(来源:全國融媒體中心)'
mk a3 '(來源:全國融媒體中心)'
mk a4 '(来源:全国融媒体中心)'
mk a5 '(来源:全国融媒体中心)'
mk a6 '发布机构：全国 融媒体　中心'
# agency B: letters, full-width and cased
mk b1 '(来源:CCTV新闻中心)'
mk b2 '(来源:CCTV新闻中心)'
mk b3 '(来源:ＣＣＴＶ新聞中心)'
mk b4 '发布机构：cctv 新闻中心'
# other agencies: one whose name holds A's, one close to it
mk c1 '(来源:全国融媒体中心办公室)'
mk d1 '(来源:武山县融媒体中心)'
mk d2 '(来源:武山縣融媒體中心)'
# a date in full-width digits
mk e1 '(来源:国务院办公厅)' '２０２２年３月１日'

"$BIN/gongwen-indexer" -d "$T/db" "$T/corpus" >"$T/index.log" 2>&1
check_eq "indexer exits 0" 0 "$?"
start_searchd "$T/db"

# search QUERY-STRING: the daemon's JSON for /search?QUERY-STRING (size 100, no collapse)
search() { curl -s "$URL/search?size=100&collapse=false&$1"; }
enc() { urlencode "$1"; }

# facets JSON: "label=count" of the source facet, in order, space-separated
facets() {
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(" ".join("%s=%d" % (f["value"], f["count"]) for f in r["facets"]["source"]))' "$1"
}
# paths JSON: the hits' paths without ".txt", sorted, space-separated
paths() {
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(" ".join(sorted(h["path"][:-4] for h in r["hits"])))' "$1"
}

want_facets="全國融媒體中心=6 CCTV新闻中心=4 武山县融媒体中心=2 全国融媒体中心办公室=1 国务院办公厅=1"
r=$(search "q=$(enc 机关党建)")
check_eq "机关党建: one facet entry per agency, summed, most frequent spelling" \
    "$want_facets" "$(facets "$r")"
# the same through the verify stage (a comma at the phrase's edge is checked on the text)
r=$(search "q=$(enc '"机关党建，"')")
check_eq "\"机关党建，\" (verified): the same facet" "$want_facets" "$(facets "$r")"
check_eq "\"机关党建，\" (verified) finds all 14" 14 "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["total"])' "$r")"
# filters only (no words): the facet of every document
r=$(search "from=2000")
check_eq "from=2000 alone: the same facet" "$want_facets" "$(facets "$r")"
# years: ASCII digits in the facet, full-width ones typed in year= or a document's date
# fold
years() {
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(" ".join("%s=%d" % (f["value"], f["count"]) for f in r["facets"]["year"]))' "$1"
}
check_eq "the year facet: the full-width date read as 2022" "2023=13 2022=1" "$(years "$r")"
check_eq "year=２０２２ selects the document dated in full-width digits" "e1" \
    "$(paths "$(search "year=$(enc ２０２２)")")"
check_eq "from=２０２２－０３&to=２０２２ selects it too" "e1" \
    "$(paths "$(search "from=$(enc ２０２２－０３)&to=$(enc ２０２２)")")"
check_eq "year=2023 and year=２０２３ select the same" "$(paths "$(search "year=2023")")" \
    "$(paths "$(search "year=$(enc ２０２３)")")"

# source= in every spelling: the same documents
want_a="a1 a2 a3 a4 a5 a6"
for s in 全国融媒体中心 全國融媒體中心 '全国 融媒体中心' ' 全國融媒體中心 ' '全国融媒体中心　'; do
    check_eq "source='$s' selects agency A" "$want_a" "$(paths "$(search "q=$(enc 机关党建)&source=$(enc "$s")")")"
    check_eq "source='$s' alone (no q) selects agency A" "$want_a" "$(paths "$(search "source=$(enc "$s")")")"
done
want_b="b1 b2 b3 b4"
for s in CCTV新闻中心 ＣＣＴＶ新聞中心 'cctv 新闻中心' 'Cctv新聞中心'; do
    check_eq "source='$s' selects agency B" "$want_b" "$(paths "$(search "q=$(enc 机关党建)&source=$(enc "$s")")")"
done
check_eq "source=全国融媒体中心办公室: that agency alone" "c1" \
    "$(paths "$(search "q=$(enc 机关党建)&source=$(enc 全国融媒体中心办公室)")")"
check_eq "source=武山縣融媒體中心: both spellings of D" "d1 d2" \
    "$(paths "$(search "source=$(enc 武山縣融媒體中心)")")"
check_eq "source=全国融媒体 (a part of a name) selects nothing" "" \
    "$(paths "$(search "q=$(enc 机关党建)&source=$(enc 全国融媒体)")")"
# the facet under a filter: one entry, the agency's label
check_eq "source=全国融媒体中心: its facet is A's one entry" "全國融媒體中心=6" \
    "$(facets "$(search "q=$(enc 机关党建)&source=$(enc 全国融媒体中心)")")"

# source= selects what source: finds for the whole name, and more only where source:
# does not fold: the spaced spellings (a6, b4: a phrase does not run across a space
# between two words, or today between Han characters). source: also finds the longer
# name that contains the whole one (c1), which is another agency.
# same_as_phrase WANT SPACED Q-JSON: the source: hits, the spaced ones added, equal WANT
# once the longer name's c1 is set aside (which source: must find)
same_as_phrase() {
    python3 -c '
import json, sys
want, spaced, r = set(sys.argv[1].split()), set(sys.argv[2].split()), json.loads(sys.argv[3])
got = {h["path"][:-4] for h in r["hits"]}
assert "c1" in got or not want & {"a1"}, got
assert (got - {"c1"}) | spaced == want, (sorted(got), sorted(want))
' "$@"
}
for s in 全国融媒体中心 全國融媒體中心; do
    check "source:\"$s\" finds what source= does (and the longer name)" \
        same_as_phrase "$want_a" a6 "$(search "q=$(enc "source:\"$s\"")")"
done
check "source:\"cctv新闻中心\" finds what source= does" \
    same_as_phrase "$want_b" b4 "$(search "q=$(enc 'source:"cctv新闻中心"')")"

# the page: one sidebar entry per agency; source= in another spelling marks A's entry
curl -s "$URL/?q=$(enc 机关党建)&source=$(enc 全国融媒体中心)" >"$T/page.html"
check "the page marks A's entry as chosen under source=全国融媒体中心" python3 -c '
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
on = re.findall(r"<li class=\"on\"><a[^>]*>([^<]*)</a>", html)
assert on == ["全國融媒體中心"], on
' "$T/page.html"
curl -s "$URL/?q=$(enc 机关党建)" >"$T/page2.html"
check "the page lists A once" python3 -c '
import sys
html = open(sys.argv[1], encoding="utf-8").read()
assert html.count(">全國融媒體中心</a>") == 1 and ">全国融媒体中心</a>" not in html, html
' "$T/page2.html"

# the command line folds the same way
stop_searchd
out=$("$BIN/gongwen-search" -d "$T/db" --json --no-collapse --size 100 --source 'ＣＣＴＶ新聞中心' 机关党建)
check_eq "gongwen-search --source ＣＣＴＶ新聞中心 selects agency B" "$want_b" "$(paths "$out")"
out=$("$BIN/gongwen-search" -d "$T/db" --json --size 100 --year ２０２２ --from ２０２２－０１ '')
check_eq "gongwen-search --year ２０２２ --from ２０２２－０１ selects e1" "e1" "$(paths "$out")"

finish
