#!/usr/bin/env python3
"""Writes a request sequence for bench/searchd_mix.lua (GW_BENCH_QUERIES=FILE): N queries
drawn with a Zipf law (s = 1) from a vocabulary of V distinct queries, as real search-box
traffic is heavy-headed. The vocabulary: the hand-written mix of searchd_mix.lua's kinds
first, then 2-6 character Han substrings of corpus/ sentences (some quoted, some pairs).

    python3 bench/searchd_queries.py OUT [N=20000] [V=3000] [SEED=1]
"""
import os
import random
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
HEAD = ["高质量发展", "机关党建", "發展", "党建", "政治", "模范机关", "\"機關黨建\"", "发展 党建",
        "思想政治工作", "基层", "2022年", "机关", "服务中心大局", "党员", "守正创新",
        "高质量发展 -疫情", "乡村振兴", "营商环境", "作风建设", "理论武装"]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    v = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    runs = []
    corpus = os.path.join(ROOT, "corpus")
    for name in sorted(os.listdir(corpus)):
        text = open(os.path.join(corpus, name), encoding="utf-8", errors="replace").read()
        runs += [r for r in re.findall(r"[\u4e00-\u9fff]{6,}", text)]
    vocab, seen = list(HEAD), set(HEAD)
    while len(vocab) < v:
        r = rng.choice(runs)
        k = rng.randint(2, 6)
        i = rng.randrange(len(r) - k + 1)
        q = r[i:i + k]
        kind = rng.random()
        if kind < 0.15:
            q = '"%s"' % q
        elif kind < 0.30:
            r2 = rng.choice(runs)
            q = q + " " + r2[:rng.randint(2, 3)]
        if q not in seen:
            seen.add(q)
            vocab.append(q)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    seq = rng.choices(vocab, weights=weights, k=n)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(seq) + "\n")


if __name__ == "__main__":
    main()
