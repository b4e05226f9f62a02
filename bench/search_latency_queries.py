#!/usr/bin/env python3
"""Query set for bench/search_latency.c: "kind<TAB>query" lines on stdout.

    python3 bench/search_latency_queries.py QUERIES.json CORPUS_DIR [--seed S] > q.tsv

QUERIES.json is the benchmark's query file (bench/work/queries-s1-nN.json: 14 kinds, every
term quoted as the benchmark sends it to GET /search). CORPUS_DIR is the generated
corpus (its truth.jsonl): from it come the kinds the benchmark does not have, which
exercise the slow paths of the search core:

  punct        a quoted phrase spanning one punctuation mark, taken from a document
               ("市委，党校"): checked against the stored text of every candidate;
  punct_common two very common words joined by punctuation ("工作，发展"): thousands of
               candidates, few or no exact matches;
  common_phrase quoted phrases of very common character pairs ("机关党组织");
  unquoted     unquoted runs cut into words by the dictionary (高质量发展): AND of phrases
               plus the nearness boosts;
  mixed        AND / OR / NOT of common words.
"""
import argparse
import json
import random
import re
import sys

COMMON_WORDS = ["工作", "发展", "开展", "党员", "组织", "建设", "学习", "干部", "机关", "党建",
                "推进", "加强", "深入", "落实", "服务", "群众", "制度", "活动"]
COMMON_PHRASES = ["机关党组织", "党员干部", "基层党组织", "工作会议", "全面从严治党",
                  "学习贯彻", "组织生活", "党建工作", "深入开展", "推动高质量发展",
                  "党的建设", "领导干部", "思想政治", "工作作风", "主体责任"]
UNQUOTED = ["高质量发展", "机关党组织建设", "基层党建工作", "全面从严治党主体责任",
            "党员干部作风建设", "学习贯彻党的精神", "推进机关党建", "党风廉政建设责任制",
            "组织生活会", "深入开展主题教育", "党建品牌", "优化营商环境", "乡村振兴战略",
            "干部队伍建设", "网格化管理", "群众满意度"]
MIXED = ["发展 -工作", "党建 OR 党员", "(机关 OR 基层) 党组织", "学习 工作 -会议",
         "干部 OR 群众 OR 党员", "发展 改革 -疫情", "\"党员干部\" -\"工作会议\"",
         "title:工作 发展", "year:2020 发展", "\"全面从严治党\" OR \"主体责任\""]
PUNCT = "，、；：,;:"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("queries")
    ap.add_argument("corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-kind", type=int, default=30)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = []
    for q in json.load(open(a.queries, encoding="utf-8")):
        out.append((q["kind"], " ".join('"%s"' % t for t in q["terms"])))
    # phrases across punctuation, from the truth texts
    texts = []
    with open(a.corpus + "/truth.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 97 == 0:
                texts.append(json.loads(line)["strict"])
    pat = re.compile(r"[\u4e00-\u9fff]{2,4}[%s][\u4e00-\u9fff]{2,4}" % PUNCT)
    found = []
    for t in texts:
        found.extend(pat.findall(t))
    rnd.shuffle(found)
    seen = set()
    for s in found:
        if s in seen:
            continue
        seen.add(s)
        out.append(("punct", '"%s"' % s))
        if len(seen) >= a.per_kind:
            break
    pairs = set()
    while len(pairs) < a.per_kind:
        w1, w2 = rnd.sample(COMMON_WORDS, 2)
        pairs.add('"%s%s%s"' % (w1, rnd.choice(PUNCT), w2))
    out.extend(("punct_common", p) for p in sorted(pairs))
    out.extend(("common_phrase", '"%s"' % p) for p in COMMON_PHRASES)
    out.extend(("unquoted", p) for p in UNQUOTED)
    out.extend(("mixed", p) for p in MIXED)
    for k, q in out:
        sys.stdout.write("%s\t%s\n" % (k, q))


if __name__ == "__main__":
    main()
