# Helpers shared by the test_indexer_*.sh tests (sourced after lib.sh).
IX="$BIN/gongwen-indexer"

# status DB FIELD: one field of `gongwen-indexer --status` (documents, revision, build...).
status() {
    "$IX" -d "$1" --status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# jfield FILE FIELD: one field of a --report JSON file.
jfield() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# ids DB: the unique ids (Q terms without the prefix) of all documents, sorted, one a line.
ids() { xapian-delve -a -1 "$1" 2>/dev/null | sed -n 's/^Q//p' | sort; }

# gen_tree DIR N: N small UTF-8 reports in 20 sub-folders, each a different slice of the
# seed reports with a numbered title, so that every file is distinct.
gen_tree() {
    python3 - "$ROOT/corpus" "$1" "$2" <<'PY'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = [open(os.path.join(src, f), encoding="utf-8").read() for f in sorted(os.listdir(src))]
for i in range(n):
    d = os.path.join(dst, "part%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    s = seeds[i % len(seeds)]
    a = (i * 7919) % max(1, len(s) - 1500)
    with open(os.path.join(d, "doc%05d.txt" % i), "w", encoding="utf-8") as f:
        f.write("第%d号报告\n" % i + s[a:a + 1500])
PY
}
