#!/usr/bin/env python3
"""Exactness against brute force (issue 6, point 2).

Generates a few hundred noisy documents (Traditional and Simplified mixed, pinyin
annotations, full-width digits and letters, line wraps with indentation, letter-spaced
Han, Latin words set apart by spaces, blank lines, Latin+Han, punctuation, phrases that
OpenCC converts by its phrase table), indexes
them with the real gongwen-indexer into a temporary database, and for a few hundred queries
of every kind compares the engine's result set (gongwen-search --batch --json, no collapsing,
every hit) with a brute-force substring search over the normalized stored text:

  - the normalized form is the oracle's own (oracle.py: pinyin annotations out, Python's
    NFKC + casefold, Traditional -> Simplified by the opencc command), never the engine's
    gw_norm, so that a normalization bug shared by both cannot hide; the substring search
    and the letter/digit edge rule are the oracle's too;
  - a quoted phrase matches where its normalized text occurs in the normalized body or
    title; where it begins or ends with a letter/digit, that edge must be the edge of the
    letter/digit run in the document (32个 not in 132个, g20 not in g201);
  - an unquoted query is the AND of its words; the words are the ones the engine reports in
    its explanation (friso's segmentation of the query is part of the specification), and
    the test checks that they cover the letters of the oracle's normalized query exactly.

The white space rules and OpenCC's phrases are covered both ways: documents written with
white space (浙 江 省, Linux 系统, a wrap 系⏎   统) are searched typed solid, solid text
is searched typed with spaces, nothing may match across a blank line or a punctuation
mark; 藉口, 瞭解, 計畫, 乾隆, 項鍊 written in Traditional are searched in Simplified, and the
other way round.

Prints TAP lines, recall and precision per kind; both must be 100%.
"""
import json
import os
import random
import subprocess
import sys

from oracle import (INDEXER, SEARCH, diag, find, fold, have_opencc, is_han, is_word, main,
                    normalize_many, ok, strip_pinyin)

NDOCS = int(os.environ.get("EXACT_DOCS", "300"))


# ---- the generator -----------------------------------------------------------------------

VOCAB = [
    ("发展", "發展"), ("质量", "質量"), ("机关", "機關"), ("党建", "黨建"), ("经济", "經濟"),
    ("会议", "會議"), ("国家", "國家"), ("建设", "建設"), ("开放", "開放"), ("峰会", "峰會"),
    ("改革", "改革"), ("工作", "工作"), ("人民", "人民"), ("政府", "政府"), ("报告", "報告"),
    ("创新", "創新"), ("环境", "環境"), ("治理", "治理"), ("社会", "社會"), ("体系", "體系"),
    ("现代化", "現代化"), ("推动", "推動"), ("坚持", "堅持"), ("领导", "領導"),
    ("组织", "組織"), ("干部", "幹部"), ("服务", "服務"), ("网络", "網絡"), ("数字", "數字"),
    ("农村", "農村"), ("教育", "教育"), ("医疗", "醫療"), ("高质量", "高質量"),
    ("新时代", "新時代"), ("全面", "全面"), ("实施", "實施"), ("战略", "戰略"),
    ("区域", "區域"), ("协调", "協調"), ("绿色", "綠色"), ("生态", "生態"), ("保护", "保護"),
    ("安全", "安全"), ("稳定", "穩定"), ("就业", "就業"), ("收入", "收入"), ("增长", "增長"),
    ("项目", "項目"), ("资金", "資金"), ("科技", "科技"), ("产业", "產業"), ("企业", "企業"),
    ("市场", "市場"), ("民生", "民生"), ("乡村振兴", "鄉村振興"), ("营商环境", "營商環境"),
]
# Converted by OpenCC's phrase table, not character by character (藉 stays 藉, 乾 is 干,
# 瞭 stays 瞭, 畫 is 画, 鍊 is 炼 in the character table)
PHRASES = [("借口", "藉口"), ("了解", "瞭解"), ("计划", "計畫"), ("乾隆", "乾隆"), ("项链", "項鍊")]
VOCAB += PHRASES
SPACES = [" ", "  ", "\u3000", "\t", "\n", "\n    ", "\r\n  "]
FILLERS = list("的和在了是与对把为及并等将以上中下年月日")
LATIN = ["G20峰会", "G201号", "5G网络", "32个", "132个", "COVID-19疫情", "APEC会议",
         "2022年", "2023年", "GDP增长", "第3季度", "AI产业", "A股市场", "12345热线"]
PUNCT = ["，", "、", "；", "：", ",", "“", "”", "（", "）", " "]
PINYIN = {"发": "fā", "發": "fā", "展": "zhǎn", "质": "zhì", "質": "zhì", "量": "liàng",
          "建": "jiàn", "設": "shè", "设": "shè", "机": "jī", "機": "jī", "关": "guān",
          "關": "guān", "党": "dǎng", "黨": "dǎng", "改": "gǎi", "革": "gé", "经": "jīng",
          "經": "jīng", "济": "jì", "濟": "jì"}
FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
SOURCES = ["新华社", "人民网", "旗帜网", "市委办公室", "县融媒体中心", "省政府网站"]


def word(rng, script):
    s, t = rng.choice(VOCAB)
    if script == "s":
        return s
    if script == "t":
        return t
    return rng.choice((s, t))


def latin(rng):
    w = rng.choice(LATIN)
    if rng.random() < 0.3:
        w = "".join(FULL.get(c, c) for c in w)
    return w


def sentence(rng, script):
    parts = []
    for _ in range(rng.randint(3, 10)):
        r = rng.random()
        if r < 0.6:
            parts.append(word(rng, script))
        elif r < 0.8:
            parts.append(rng.choice(FILLERS))
        elif r < 0.9:
            parts.append(latin(rng))
        else:
            parts.append(rng.choice(PUNCT))
    s = "".join(parts)
    # white space that does not separate: Han letter-spaced, a Latin word set apart
    if rng.random() < 0.2:
        k = rng.randint(1, len(s) - 1) if len(s) > 1 else 0
        if k and is_han(s[k - 1]) and is_han(s[k]):
            s = s[:k] + " ".join(s[k:k + 4]) + s[k + 4:]
    if rng.random() < 0.2:
        s += rng.choice(SPACES) + latin(rng) + rng.choice(SPACES) + word(rng, script)
    # pinyin annotations after some characters
    out = []
    for ch in s:
        out.append(ch)
        if ch in PINYIN and rng.random() < 0.08:
            out.append(rng.choice(("(", "（")) + PINYIN[ch] + rng.choice((")", "）")))
    s = "".join(out)
    # a line wrap inside the sentence, with some indentation
    if len(s) > 8 and rng.random() < 0.15:
        k = rng.randint(2, len(s) - 2)
        s = s[:k] + rng.choice(("\n", "\n  ", "\n\t")) + s[k:]
    # some end without punctuation (a heading-like line): a line or paragraph break is
    # then all that stands between two Han characters
    return s + rng.choice(("。", "。", "；", "！", ""))


def document(rng, i):
    script = rng.choice(("s", "t", "m"))
    title = "".join(word(rng, script) for _ in range(rng.randint(2, 4))) + rng.choice(
        ("工作报告", "的通知", "情况汇报", "会议召开"))
    y = rng.choice((2019, 2020, 2021, 2022, 2023))
    date = "%d年%02d月%02d日" % (y, rng.randint(1, 12), rng.randint(1, 28))
    paras = []
    for _ in range(rng.randint(3, 7)):
        paras.append("".join(sentence(rng, script) for _ in range(rng.randint(2, 5))))
    body = paras[0]
    for p in paras[1:]:  # a paragraph break (blank line) or only a line break
        body += rng.choice(("\n", "\n\n", "\n \n", "\r\n\r\n")) + p
    return "%s\n%s 来源：%s\n%s\n" % (title, date, rng.choice(SOURCES), body)


# ---- helpers -------------------------------------------------------------------------------


def explain_words(tree):
    """(kind, [texts]) of an unquoted query's explanation: the AND of words."""
    op = tree["op"]
    if op == "word":
        return [tree["text"]]
    if op in ("words", "and"):
        out = []
        for a in tree["args"]:
            w = explain_words(a)
            if w is None:
                return None
            out += w
        return out
    return None


def run(tmp):
    if not ok(have_opencc(), "the oracle's converter, the opencc command, is installed"):
        return
    # the oracle itself folds what the engine promises to fold (DESIGN.md §2.2, §2.4)
    examples = {"２０２２年": "2022年", "Ｇ２０峰會": "g20峰会", "發(fā)展": "发展",
                "高質（zhì）量": "高质量", "COVID-19疫情": "covid-19疫情", "網絡\u3000環境": "网络环境",
                "機關\u200b黨建": "机关党建", "使用 Linux 系统": "使用linux系统", "浙 江 省": "浙江省",
                "文件系\n    统": "文件系统", "质量\n\n发展": "质量\n\n发展", "open  source": "open source",
                "藉口": "借口", "計畫": "计划", "乾隆": "乾隆", "項鍊": "项链", "瞭解": "了解"}
    got = normalize_many(list(examples))
    ok(got == list(examples.values()), "the oracle normalizes %s" % dict(zip(examples, got)))
    rng = random.Random(20231118)
    docdir = os.path.join(tmp, "docs")
    os.makedirs(docdir)
    for i in range(NDOCS):
        with open(os.path.join(docdir, "d%04d.txt" % i), "w", encoding="utf-8") as f:
            f.write(document(rng, i))
    db = os.path.join(tmp, "db")
    r = subprocess.run([INDEXER, "-d", db, docdir], capture_output=True, text=True)
    ok(r.returncode == 0, "indexer builds the database (exit %d)" % r.returncode)
    if r.returncode != 0:
        diag(r.stderr[-2000:])
        return

    # the stored text and title of every document, normalized
    paths, raw_title, raw_body = [], [], []
    for docid in range(1, NDOCS + 1):
        r = subprocess.run([SEARCH, "-d", db, "--json", "--doc", str(docid)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            continue
        d = json.loads(r.stdout)
        paths.append(d["path"])
        raw_title.append(d["title"])
        raw_body.append(d["text"])
    ok(len(paths) == NDOCS, "every document is stored (%d of %d)" % (len(paths), NDOCS))
    # the generator annotates ~8% of some characters: cleaning took them all out
    kept = [p for p, t, b in zip(paths, raw_title, raw_body)
            if strip_pinyin(t) != t or strip_pinyin(b) != b]
    ok(not kept, "no stored text keeps a pinyin annotation (%s)" % kept[:5])
    # the oracle's normalization of the whole corpus (one run of opencc)
    norm = normalize_many(raw_title + raw_body)
    ntitle, nbody = norm[:len(paths)], norm[len(paths):]
    docs = list(zip(paths, ntitle, nbody))

    # ---- queries of every kind (taken from the normalized texts, then disguised) ----
    # None of them meets a phrase OpenCC converts otherwise than the engine's character
    # table (the module docstring).
    qrng = random.Random(7)
    s2t = {s: t for s, t in VOCAB}
    queries = []  # (kind, query text, quoted)

    def han_sub(text, n, allow_sep=False):
        for _ in range(200):
            i = qrng.randrange(0, max(1, len(text) - n))
            s = text[i:i + n]
            if len(s) != n:
                continue
            if allow_sep:
                if any(not (is_han(c) or is_word(c)) and c not in "\n" for c in s[1:-1]) \
                        and is_han(s[0]) and is_han(s[-1]) and "\n" not in s:
                    return s
            elif all(is_han(c) for c in s):
                return s
        return None

    def pick():
        return qrng.choice(docs)[2]

    for _ in range(40):
        s = han_sub(pick(), 1)
        if s:
            queries.append(("1 char", s, False))
    for c in "龘鱻靐":  # characters in no document
        queries.append(("1 char", c, False))
    for _ in range(40):
        s = han_sub(pick(), 2)
        if s:
            queries.append(("2 chars", '"%s"' % s, True))
    for _ in range(20):
        s = han_sub(pick(), 2)
        if s:
            queries.append(("2 chars unquoted", s, False))
    for s, t in VOCAB:
        queries.append(("words", qrng.choice((s, t)), False))
    for _ in range(40):
        s = han_sub(pick(), qrng.randint(4, 14))
        if s:
            queries.append(("long phrases", '"%s"' % s, True))
    for _ in range(25):
        s = han_sub(pick(), qrng.randint(4, 10))
        if s:
            queries.append(("long phrases unquoted", s, False))
    for _ in range(30):
        ws = [qrng.choice(VOCAB)[qrng.randint(0, 1)] for _ in range(qrng.randint(2, 4))]
        queries.append(("AND of words", " ".join(ws), False))
    for _ in range(30):
        s = han_sub(pick(), qrng.randint(3, 10))
        if not s:
            continue
        t = s
        for a, b in s2t.items():
            t = t.replace(a, b)
        queries.append(("Traditional for Simplified", '"%s"' % t, True))
    # Simplified queries taken from documents stored in Traditional characters
    trad_docs = [d for d, raw in zip(docs, raw_body)
                 if sum(raw.count(t) for s_, t in VOCAB if s_ != t) > 10]
    ok(len(trad_docs) > 20, "the corpus has documents in Traditional (%d)" % len(trad_docs))
    for _ in range(25):
        d = qrng.choice(trad_docs or docs)
        s = han_sub(d[2], qrng.randint(2, 8))
        if s:
            queries.append(("Simplified for Traditional", '"%s"' % s, True))
    for w in LATIN:
        queries.append(("full-width", "".join(FULL.get(c.upper(), c) for c in w), False))
    for q in ["G20峰会", "g20", "G20", "20峰会", "32个", "132个", "2个", "5g网络", "5G", "covid-19",
              "COVID", "19疫情", "gdp增长", "第3季度", "3季度", "ai产业", "a股", "12345热线",
              "1234", "2022年", "022年", "2023", "APEC", "apec会议", "G201号", "G2"]:
        queries.append(("Latin+Han", '"%s"' % q, True))
        queries.append(("Latin+Han", q, False))
    n_punct = 0
    for _ in range(400):
        if n_punct >= 40:
            break
        s = han_sub(pick(), qrng.randint(3, 9), allow_sep=True)
        if not s:
            continue
        n_punct += 1
        queries.append(("spanning punctuation", '"%s"' % s, True))
        # the same with another punctuation mark: matches only where the text has that
        seps = [c for c in s if not (is_han(c) or is_word(c))]
        other = qrng.choice([p for p in "，、；：,." if p not in seps])
        queries.append(("spanning punctuation", '"%s"' % s.replace(seps[0], other, 1), True))
        # and without it: must not match across the mark
        queries.append(("spanning punctuation", '"%s"' % s.replace(seps[0], "", 1), True))
    for q in ["發(fā)展", "質(zhì)量發(fā)展", "改(gǎi)革"]:
        queries.append(("pinyin-annotated", q, False))
        queries.append(("pinyin-annotated", '"%s"' % q, True))
    # ---- rules 1 and 2: white space ----
    # written with white space inside (raw stored text), typed solid
    n_ws = 0
    for _ in range(3000):
        if n_ws >= 40:
            break
        raw = qrng.choice(raw_body)
        i = qrng.randrange(0, max(1, len(raw) - 12))
        s = raw[i:i + qrng.randint(4, 12)]
        f = fold(s)
        inner = f.strip()
        if inner != f or not inner or not any(c.isspace() for c in inner):
            continue
        if "\n\n" in inner.replace(" ", "").replace("\t", "").replace("\r", ""):
            continue
        if not all(is_han(c) or is_word(c) or c.isspace() for c in inner):
            continue
        n_ws += 1
        solid = "".join(c for c in inner if not c.isspace())
        queries.append(("white space typed solid", '"%s"' % solid, True))
        queries.append(("white space typed solid", solid, False))
    ok(n_ws >= 20, "documents hold white space between Han and Latin/Han (%d taken)" % n_ws)
    # written solid, typed with spaces (letter-spaced, or a Latin word set apart)
    for _ in range(30):
        s = han_sub(pick(), qrng.randint(3, 6))
        if s:
            queries.append(("solid typed with spaces", '"%s"' % " ".join(s), True))
    for w in ["G20峰会", "32个", "5G网络", "2022年", "APEC会议", "GDP增长", "12345热线"]:
        i = next(k for k in range(1, len(w)) if is_han(w[k]) != is_han(w[k - 1]))
        queries.append(("solid typed with spaces", '"%s %s"' % (w[:i], w[i:]), True))
        queries.append(("solid typed with spaces", '"%s\u3000%s"' % (w[:i], w[i:]), True))
    queries.append(("solid typed with spaces", '"132 个"', True))  # never in 32个: edges stay
    # across a blank line or punctuation: the characters on both sides glued (what matches
    # is only where the text holds them glued elsewhere)
    n_break = 0
    for d in docs:
        b = d[2]
        for m in range(len(b)):
            if n_break >= 30:
                break
            if b.startswith("\n\n", m) and m >= 2 and is_han(b[m - 1]) and is_han(b[m - 2]) \
                    and m + 4 <= len(b) and is_han(b[m + 2]) and is_han(b[m + 3]):
                queries.append(("across a blank line", '"%s%s"' % (b[m - 2:m], b[m + 2:m + 4]), True))
                n_break += 1
    ok(n_break >= 10, "documents hold blank lines between Han characters (%d taken)" % n_break)
    # ---- rule 4: OpenCC's phrases, both ways ----
    for s_, t in PHRASES:
        for form in (s_, t):
            queries.append(("phrase-level T->S", '"%s"' % form, True))
            queries.append(("phrase-level T->S", form, False))
    queries.append(("phrase-level T->S", '"干隆"', True))  # the character table's form: nowhere

    for _ in range(15):
        s = list(han_sub(pick(), 6) or "")
        qrng.shuffle(s)
        if s:
            queries.append(("absent strings", '"%s"' % "".join(s), True))

    # ---- run the engine once over all queries ----
    qfile = os.path.join(tmp, "queries")
    with open(qfile, "w", encoding="utf-8") as f:
        for _, q, _ in queries:
            f.write(q + "\n")
    with open(qfile, encoding="utf-8") as f:
        r = subprocess.run([SEARCH, "-d", db, "--batch", "--json", "--explain", "--no-collapse",
                            "--size", str(NDOCS + 10), "--snippet-chars", "40"], stdin=f,
                           capture_output=True, text=True)
    ok(r.returncode == 0, "gongwen-search --batch runs (exit %d)" % r.returncode)
    lines = r.stdout.splitlines()
    ok(len(lines) == len(queries), "one answer per query (%d for %d)" % (len(lines), len(queries)))
    if len(lines) != len(queries):
        diag(r.stderr[-2000:])
        return

    # the oracle's normalization of every query (one run of opencc); a quoted phrase
    # without its quotes
    queries_norm = normalize_many([q[1:-1] if qu else q for _, q, qu in queries])
    stats = {}
    failures = []
    for (kind, q, quoted), qn, line in zip(queries, queries_norm, lines):
        res = json.loads(line)
        if "error" in res:
            failures.append((kind, q, "engine error %s" % res["error"]))
            stats.setdefault(kind, [0, 0, 0, 0])
            continue
        got = {h["path"] for h in res["hits"]}
        if quoted:
            pat = qn.strip(" \t\n")
            want = {p for p, t, b in docs if find(pat, b) or find(pat, t)}
        else:
            words = explain_words(res["explain"]["tree"])
            if words is None:
                failures.append((kind, q, "unexpected explanation %s" % res["explain"]["tree"]))
                continue
            # the words must cover the normalized query's letters exactly, in order
            letters = "".join(c for c in qn if is_han(c) or is_word(c))
            if "".join(words) != letters:
                failures.append((kind, q, "words %s do not cover %s" % (words, letters)))
            want = {p for p, t, b in docs if all(find(w, b) or find(w, t) for w in words)}
        st = stats.setdefault(kind, [0, 0, 0, 0])  # queries, want, got&want, got
        st[0] += 1
        st[1] += len(want)
        st[2] += len(got & want)
        st[3] += len(got)
        if got != want:
            failures.append((kind, q, "missing %s, extra %s" % (sorted(want - got)[:5],
                                                                sorted(got - want)[:5])))
    total_q = 0
    for kind, (n, w, gw, g) in sorted(stats.items()):
        total_q += n
        recall = 100.0 * gw / w if w else 100.0
        precision = 100.0 * gw / g if g else 100.0
        bad = [f for f in failures if f[0] == kind]
        ok(not bad and recall == 100.0 and precision == 100.0,
           "%-28s %3d queries, %5d expected hits: recall %.2f%%, precision %.2f%%"
           % (kind, n, w, recall, precision))
        for f in bad[:5]:
            diag("  %s: %s" % (f[1], f[2]))
    ok(total_q >= 300, "at least 300 queries compared (%d)" % total_q)


if __name__ == "__main__":
    sys.exit(main(run, "gongwen-exact."))
