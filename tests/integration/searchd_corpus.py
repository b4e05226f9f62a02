#!/usr/bin/env python3
"""Writes a test corpus for the searchd tests: corpus/ itself plus N generated reports.

    python3 searchd_corpus.py OUTDIR N [SEED]

Each generated report mixes sentences drawn from the real seeds in corpus/ (so it keeps
their noise: Traditional script, pinyin annotations, full-width digits), under a title
that names its number, with a date and a source line, and says 高质量发展 at least once.
Sources and years cycle, so the source and year facets have several values. Shuffled
sentences give each report its own near-duplicate key; two exact reposts of seed 000
(under other names) give the collapsing something to collapse.
"""
import os
import random
import re
import shutil
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SOURCES = ["市委办公室", "市政府研究室", "市委组织部", "市直机关工委", "旗帜网"]
TOPICS = ["机关党建", "营商环境", "乡村振兴", "基层治理", "数字政府", "生态保护", "城市更新"]


def sentences():
    pool = []
    corpus = os.path.join(ROOT, "corpus")
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for s in re.split(r"(?<=[。！？；])|\n", text):
            s = s.strip()
            if 12 <= len(s) <= 200 and "\ufffd" not in s:
                pool.append(s)
    return pool


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    os.makedirs(out, exist_ok=True)
    corpus = os.path.join(ROOT, "corpus")
    for name in sorted(os.listdir(corpus)):
        shutil.copy(os.path.join(corpus, name), os.path.join(out, name))
    seed0 = sorted(os.listdir(corpus))[0]
    for k in (1, 2):
        shutil.copy(os.path.join(corpus, seed0), os.path.join(out, "repost-%d.txt" % k))
    pool = sentences()
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        year = 2019 + i % 6
        body = rng.sample(pool, min(len(pool), rng.randint(12, 30)))
        body.insert(rng.randrange(len(body) + 1),
                    "要坚持以%s推动高质量发展，把各项任务落到实处。" % topic)
        text = "关于推进%s工作的第%d号通知\n%d年%02d月%02d日\n来源：%s\n\n%s\n" % (
            topic, i + 1, year, 1 + i % 12, 1 + i % 28, SOURCES[i % len(SOURCES)],
            "\n".join(body))
        with open(os.path.join(out, "gen-%05d.txt" % (i + 1)), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
