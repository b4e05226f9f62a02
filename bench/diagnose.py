#!/usr/bin/env python3
"""Why did an engine miss (or wrongly return) documents in the last benchmark run?

    python3 bench/diagnose.py N ENGINE [--seed S] [--max 20]

For every query the engine did not answer exactly, prints the missed and extra documents,
the generator's flags for the first missed one (encoding, HTML, Traditional, pinyin,
line wraps, full-width), and the normalized truth around the expected match next to
what Gongwen's own pipeline (`gongwen-indexer --inspect`) made of the same place.
Reads bench/work/queries-*.json and answers-*.json written by bench/bench.py.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")


def normalize(text):
    exe = os.path.join(WORK, "bin", "normalize")
    if not os.access(exe, os.X_OK):
        return text
    r = subprocess.run([exe], input=text.encode(), stdout=subprocess.PIPE)
    return r.stdout.decode("utf-8", "replace").rstrip("\0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("engine")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max", type=int, default=20)
    a = ap.parse_args()
    tag = f"s{a.seed}-n{a.n}"
    qs = json.load(open(os.path.join(WORK, f"queries-{tag}.json"), encoding="utf-8"))
    answers = json.load(open(os.path.join(WORK, f"answers-{tag}.json")))
    if not answers.get(a.engine):
        sys.exit(f"no answers of {a.engine} in the last run of {tag}")
    ans = answers[a.engine]
    cdir = os.path.join(WORK, f"corpus-{tag}")
    meta, truth = {}, {}
    for line in open(os.path.join(cdir, "meta.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        meta[d["id"]] = d
    for line in open(os.path.join(cdir, "truth.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        truth[d["id"]] = d
    shown = 0
    for q, got in zip(qs, ans):
        if got is None:
            print(f"{q['kind']:14} {' '.join(q['terms'])}: ERROR (no answer)")
            continue
        got = set(got)
        miss = set(q["strict"]) - got
        extra = got - set(q["lenient"])
        if not miss and not extra:
            continue
        print(f"{q['kind']:14} {' '.join(q['terms'])} (normalized {' '.join(q['nterms'])}): "
              f"{len(miss)} missed {sorted(miss)[:6]}, {len(extra)} extra {sorted(extra)[:6]}")
        for d in sorted(miss)[:1]:
            m = meta[d]
            flags = [k for k in ("html", "trad", "pinyin", "wrap", "fullwidth") if m.get(k)]
            print(f"    missed {m['path']} ({m['enc']}; {', '.join(flags) or 'plain'})")
            t = normalize(truth[d]["strict"])
            term = q["nterms"][0]
            k = t.find(term)
            print("    truth:   …" + t[max(0, k - 12):k + len(term) + 12].replace("\n", "⏎") + "…")
            r = subprocess.run([os.path.join(REPO, "bin", "gongwen-indexer"), "--inspect",
                                os.path.join(cdir, "root", m["path"])], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            try:
                cleaned = normalize(json.loads(r.stdout).get("text", ""))
            except ValueError:
                cleaned = ""
            before = t[max(0, k - 6):k]
            k2 = cleaned.find(before) if before else -1
            if k2 >= 0:
                print("    cleaned: …" + cleaned[max(0, k2 - 6):k2 + len(before) + len(term) + 12]
                      .replace("\n", "⏎") + "…")
            else:
                print("    cleaned: (the text before the match is not in the cleaned text)")
        for d in sorted(extra)[:1]:
            m = meta[d]
            print(f"    extra  {m['path']} ({m['enc']}): the term is not in its title/body/metadata")
        shown += 1
        if shown >= a.max:
            break
    if not shown:
        print(f"{a.engine}: every query answered exactly")


if __name__ == "__main__":
    main()
