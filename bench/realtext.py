#!/usr/bin/env python3
"""Gongwen on real text: recall and precision against an independent oracle.

    python3 bench/realtext.py [--seed S] [--kinds K] [--keep-db]

The generated corpus of bench/bench.py only holds the cases its generator makes. This
benchmark takes Chinese documentation that Debian ships and that this project did not
write, indexes the raw files with bin/gongwen-indexer, and compares every answer with a
brute-force search over the documents' text. See bench/README.md, "Real text".

Documents (Debian packages; the run says which are missing):
  libreoffice-help-zh-cn, libreoffice-help-zh-tw  the same help pages, Simplified and
                                                  Traditional (HTML)
  maint-guide-zh-cn, maint-guide-zh-tw            the New Maintainers' Guide (HTML + text)
  debian-faq-zh-cn                                the Debian FAQ (HTML + text)
Every *.html/*.htm file of `dpkg -L PKG` is copied as it is to
bench/work/realtext/corpus/PKG/<path below /usr/share/>; *.txt.gz is stored decompressed
as *.txt (the indexer reads no gzip; the text itself is untouched). Images, PDF, CSS,
JavaScript, spreadsheets, changelogs and copyright files are left out.

THE ORACLE (what a reader sees, and the target behaviour; it never uses gw_norm):
  1. Text. Files are UTF-8. HTML goes through Python's html.parser: <script> and <style>
     dropped, entities decoded, attributes ignored, <title> is a line of its own. What a
     browser shows is modelled: outside <pre>, every run of white space in the source
     (line breaks included) is one space; a block element (p, div, h1-h6, li, td, pre,
     header, footer, nav, table rows, ...) starts and ends a paragraph; <br> is one line
     break inside a paragraph (so <br><br>, an empty line on the screen, is a blank line). Inside <pre>, and in text files, the text is kept as written:
     a line with nothing but white space (a blank line) ends a paragraph, a single line
     break does not. Everything that is text is kept, page chrome included (LibreOffice's
     header and its hidden "Help content debug info" footer, the guides' navigation).
  2. Characters: Python's NFKC (full-width letters, digits, spaces U+3000 and U+00A0 become
     ASCII), then str.casefold().
  3. White space (the issue's rules 1 and 2), inside a paragraph: a run of white space
     (spaces, tabs, at most one line break with any indentation) is removed when it stands
     between two Han characters, or between a Han character and a letter/digit (either
     order), or next to punctuation or a symbol; between two letters/digits it becomes one
     space; at the ends of a paragraph it goes; a run holding a blank line (two line
     breaks) separates like a paragraph break. Paragraphs are separated by a line break,
     which no query holds, so nothing matches across a paragraph break. "Han" is CJK
     ideographs (with extensions and compatibility ideographs), kana and Hangul; a
     letter/digit is any other character str.isalnum() accepts.
  4. Traditional -> Simplified: ONE call of `opencc -c t2s.json` over all the documents
     (OpenCC's phrase tables apply: 藉口 -> 借口), and one over all the queries.
  A query (each of its AND-ed terms) goes through 2-4 as one paragraph and matches a
  document when the document's oracle text holds it as a substring, with whole-word edges
  where the term begins or ends with a letter or digit (`32个` never matches `132个`).
  AND-ed terms must all match.

QUERIES (a fixed seed; ~K per kind): the kinds of bench/bench.py that make sense here, and
the issue's four; what each is and how it is typed is in KIND_DOC below. Every term is
sent quoted as an exact phrase, as bench.py does: `"t1" "t2"`.

THE ENGINE: `gongwen-indexer -d DB CORPUS` with its defaults (include *.txt *.htm *.html
*.text), then `gongwen-search -d DB --batch --json --no-collapse --no-facets
--no-snippets --size N` (N = number of documents: every match).

MISSES are explained per (query, document) with `gongwen-indexer --inspect FILE` and by
asking which rule of the oracle the match needs (the same search with a rule switched
off): rule 3 when the place is not in the text the pipeline kept; rule 1, 2 or 4 when the
match appears once that rule alone is added to a text with none of them; "other" when
the text without any of the rules already holds it.

Output: a table on stdout, bench/results/<date>-realtext.md and .json.
"""
import argparse
import collections
import datetime
import gzip
import html.parser
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import is_han, is_wordch  # noqa: E402  (one definition of a Han character)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "realtext")
# the programs measured: $BIN (as the test runner sets it, e.g. a sanitizer build) or bin/
BIN = os.path.join(REPO, os.environ.get("BIN") or "bin")
RESULTS = os.path.join(HERE, "results")
LEXICON = "/usr/share/friso/dict/UTF-8/lex-main.lex"  # Debian package friso-dict

PACKAGES = ["libreoffice-help-zh-cn", "libreoffice-help-zh-tw", "maint-guide-zh-cn",
            "maint-guide-zh-tw", "debian-faq-zh-cn"]
KINDS = ["char1", "char2", "word", "phrase", "and2", "and3", "common", "rare", "zero",
         "fullwidth", "trad_for_simp", "simp_for_trad", "latin_han", "word_edge",
         "han_latin_space", "han_space", "across_break", "chrome", "phrase_ts"]
KIND_DOC = {
    "char1": "one Han character of a document",
    "char2": "two adjacent Han characters",
    "word": "a dictionary word (2-4 chars, friso lexicon) as written in a document",
    "phrase": "6-14 characters of a Han run as written",
    "and2": "AND of 2 words of one document", "and3": "AND of 3 words of one document",
    "common": "the 2-3-character strings found in the most documents (of a sample)",
    "rare": "2-4-character strings found in 1-3 documents",
    "zero": "two strings of different documents glued together, found nowhere",
    "fullwidth": "Latin/digit word + Han typed with full-width letters and digits (ＰＤＦ文件)",
    "trad_for_simp": "3-6 Han characters of a Simplified document typed in Traditional (OpenCC s2t)",
    "simp_for_trad": "3-6 Han characters of a Traditional document typed in Simplified (OpenCC t2s)",
    "latin_han": "Latin/digit word written against Han (PDF文件, 3个), typed as written",
    "word_edge": "a Latin/digit word + Han with the word's first character cut (32个 for 132个): whole-word edges",
    "han_latin_space": "rule 1: Han and a Latin/digit word written with a space typed without (Linux系统), and written without typed with one (Linux 系统)",
    "han_space": "rule 2: Han text with white space or one line break inside typed solid (浙江省 for 浙 江 省), and solid text typed letter-spaced",
    "across_break": "rules 2/1: the Han characters on both sides of a paragraph break or a punctuation mark, glued (nothing should match there)",
    "chrome": "rule 3: a string of a page-chrome or metadata line (title, header, footer, navigation, debug info, lines repeated on many pages)",
    "phrase_ts": "rule 4: a Traditional string whose Simplified form depends on OpenCC's phrase table, typed in Traditional or in that Simplified form",
}
ISSUE_KINDS = {"han_latin_space": 1, "han_space": 2, "across_break": 2, "chrome": 3, "phrase_ts": 4}
DOC_SEP = "\n@@GONGWEN-REALTEXT-DOC@@\n"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] realtext: {msg}", flush=True)


# ---------------------------------------------------------------------------------------
# (a) the corpus

def collect(corpus, packages=PACKAGES):
    """Copies the packages' documents into corpus/PKG/...; returns [(pkg, relpath)]."""
    docs, missing = [], []
    for pkg in packages:
        r = subprocess.run(["dpkg", "-L", pkg], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            missing.append(pkg)
            continue
        for path in sorted(r.stdout.decode("utf-8", "replace").splitlines()):
            low = path.lower()
            if not os.path.isfile(path) or "/changelog" in low or low.endswith("/copyright"):
                continue
            if low.endswith((".html", ".htm", ".txt")):
                dst_rel, gz = path, False
            elif low.endswith(".txt.gz"):
                dst_rel, gz = path[:-3], True
            else:
                continue  # images, pdf, css, js, ods
            rel = os.path.join(pkg, os.path.relpath(dst_rel, "/usr/share"))
            dst = os.path.join(corpus, rel)
            st = os.stat(path)
            if not (os.path.exists(dst) and os.path.getmtime(dst) == st.st_mtime):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if gz:
                    with gzip.open(path, "rb") as f, open(dst, "wb") as g:
                        shutil.copyfileobj(f, g)
                else:
                    shutil.copyfile(path, dst)
                os.utime(dst, (st.st_mtime, st.st_mtime))
            docs.append((pkg, rel))
    return docs, missing


# ---------------------------------------------------------------------------------------
# (b) the oracle text

BLOCK = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
         "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
         "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html",
         "legend", "li", "main", "menu", "nav", "noscript", "ol", "p", "pre", "section",
         "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul"}
CHROME_TAGS = {"title", "header", "footer", "nav"}
CHROME_CLASS = re.compile(r"nav|header|footer|debug|breadcrumb|crumb|copyright", re.I)
WS = re.compile(r"\s+")


class Detag(html.parser.HTMLParser):
    """Paragraphs of a web page as a browser shows them; each is (text, chrome?)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.cur = [], []
        self.skip = self.pre = 0
        self.chrome_depth = collections.Counter()  # tag -> open chrome elements
        self.div_stack = []

    def _flush(self):
        t = "".join(self.cur)
        self.cur = []
        if t.strip():
            chrome = any(self.chrome_depth.values())
            if self.pre:
                # text as written: a blank line ends a paragraph
                for p in re.split(r"\n[^\S\n]*\n\s*", t):
                    if p.strip():
                        self.paras.append((p, chrome))
            else:
                self.paras.append((t, chrome))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag == "br":
            self.cur.append("\n")
            return
        if tag in BLOCK:
            self._flush()
        a = dict(attrs)
        mark = tag in CHROME_TAGS or bool(CHROME_CLASS.search((a.get("class") or "") + " " + (a.get("id") or "")))
        if tag == "div":
            self.div_stack.append(mark)
            if mark:
                self.chrome_depth["div"] += 1
        elif mark:
            self.chrome_depth[tag] += 1
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.cur.append("\n")
        elif tag in BLOCK:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK:
            self._flush()
        if tag == "div":
            if self.div_stack and self.div_stack.pop():
                self.chrome_depth["div"] -= 1
        elif self.chrome_depth.get(tag):
            self.chrome_depth[tag] -= 1
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        if self.skip:
            return
        self.cur.append(data if self.pre else WS.sub(" ", data))

    def result(self):
        self._flush()
        return self.paras


def paragraphs(path):
    """[(paragraph, chrome?)]: NFKC text with its white space as written inside."""
    data = open(path, "rb").read()
    t = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    if path.lower().endswith((".html", ".htm")):
        p = Detag()
        p.feed(t)
        p.close()
        paras = p.result()
    else:
        paras = [(x, False) for x in re.split(r"\n[^\S\n]*\n\s*", t) if x.strip()]
    return [(unicodedata.normalize("NFKC", x), c) for x, c in paras]


def squeeze(para, han_latin=True, han_han=True):
    """The white-space rules inside one paragraph (see the module's docstring, 3).
    With han_latin/han_han False the rule is off (the run becomes one space), for
    explaining misses."""
    def repl(m):
        s, e = m.start(), m.end()
        if s == 0 or e == len(para):
            return ""
        a, b = para[s - 1], para[e]
        if len(re.findall(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028]", m.group())) >= 2 \
                or "\u2029" in m.group():
            return "\n"  # a blank line (<br><br>): a break no query holds
        if han_han and is_han(a) and is_han(b):
            return ""
        if han_latin and ((is_han(a) and is_wordch(b)) or (is_wordch(a) and is_han(b))):
            return ""
        if not (is_han(a) or is_wordch(a)) or not (is_han(b) or is_wordch(b)):
            return ""  # next to punctuation: one separator whatever the spacing
        return " "
    return WS.sub(repl, para)


def opencc(texts, cfg="t2s.json"):
    """One opencc process over all `texts` (kept apart by a marker line)."""
    if not texts:
        return []
    data = DOC_SEP.join(t.replace("\n@@", "\n @@") for t in texts)
    r = subprocess.run(["opencc", "-c", cfg], input=data.encode("utf-8"), stdout=subprocess.PIPE,
                       check=True)
    out = r.stdout.decode("utf-8").split(DOC_SEP)
    if len(out) != len(texts):
        raise RuntimeError(f"opencc returned {len(out)} texts for {len(texts)}")
    return out


_T2S_CHARS = None


def char_t2s(texts):
    """Per-character t2s (OpenCC's character table, no phrases): for explaining misses."""
    global _T2S_CHARS
    if _T2S_CHARS is None:
        path = os.path.join(WORK, "t2s-chars.json")
        if os.path.exists(path):
            _T2S_CHARS = {int(k): v for k, v in json.load(open(path)).items()}
        else:
            cps = [c for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(a, b + 1)]
            out = opencc(["\n".join(chr(c) for c in cps)])[0].split("\n")
            _T2S_CHARS = {c: o for c, o in zip(cps, out) if len(o) == 1 and o != chr(c)}
            json.dump({str(k): v for k, v in _T2S_CHARS.items()}, open(path, "w"))
    return [t.translate(_T2S_CHARS) for t in texts]


def find_ok(text, t, start=0):
    """First position >= start of term t in text with whole-word edges, or -1."""
    if not t:
        return -1
    pos = text.find(t, start)
    while pos != -1:
        if not (is_wordch(t[0]) and pos > 0 and is_wordch(text[pos - 1])) and \
                not (is_wordch(t[-1]) and pos + len(t) < len(text) and is_wordch(text[pos + len(t)])):
            return pos
        pos = text.find(t, pos + 1)
    return -1


class Oracle:
    def __init__(self, norms):
        self.norms = norms
        self.starts, pos = [], 0
        for t in norms:
            self.starts.append(pos)
            pos += len(t) + 1
        self.starts.append(pos)
        self.big = "\0".join(norms) + "\0"

    def docs_of(self, t):
        import bisect
        res = set()
        pos = find_ok(self.big, t)
        while pos != -1:
            d = bisect.bisect_right(self.starts, pos) - 1
            res.add(d)
            pos = find_ok(self.big, t, self.starts[d + 1])
        return res

    def docs(self, terms):
        res = None
        for t in terms:
            res = self.docs_of(t) if res is None else {d for d in res if find_ok(self.norms[d], t) != -1}
            if not res:
                break
        return res or set()


# ---------------------------------------------------------------------------------------
# (c) queries

def to_fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


BAD_Q = re.compile(r"[\"“”＂\\\n\x00]")


def make_queries(docs, per_kind, seed, oracle):
    """docs: list of dicts (pkg, trad, paras [(raw paragraph, chrome)], disp). Returns a list
    of {kind, typed: [terms as typed], src: doc index, note}."""
    r = random.Random(seed * 7919 + 3)
    han_run = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
    lex = set()
    if os.path.exists(LEXICON):
        for line in open(LEXICON, encoding="utf-8", errors="replace"):
            w = line.split("/", 1)[0].strip()
            if 2 <= len(w) <= 4 and all(is_han(c) for c in w):
                lex.add(w)
    N = len(docs)
    simp = [i for i, d in enumerate(docs) if not d["trad"]]
    trad = [i for i, d in enumerate(docs) if d["trad"]]
    qs = []

    def add(kind, terms, src, note=""):
        if any(not t.strip() or BAD_Q.search(t) or t.strip().startswith("-") for t in terms):
            return False
        qs.append({"kind": kind, "typed": terms, "src": src, "note": note})
        return True

    def runs(i, minlen=1):
        return [x for x in han_run.findall(docs[i]["disp"]) if len(x) >= minlen]

    def a_run(ids, minlen=1):
        for _ in range(500):
            i = r.choice(ids)
            xs = runs(i, minlen)
            if xs:
                return i, r.choice(xs)
        return None, None

    def word_in(i):
        xs = runs(i, 2)
        for _ in range(300):
            if not xs:
                return None
            x = r.choice(xs)
            L = r.choice((2, 2, 3, 4))
            if len(x) < L:
                continue
            k = r.randrange(len(x) - L + 1)
            w = x[k:k + L]
            if not lex or w in lex:
                return w
        return None

    def count(kind):
        return sum(q["kind"] == kind for q in qs)

    everyone = list(range(N))
    for _ in range(per_kind):
        i, x = a_run(everyone)
        add("char1", [r.choice(x) if r.random() < 0.5 else r.choice(sorted(set(x)))], i)
        i, x = a_run(everyone, 2)
        k = r.randrange(len(x) - 1)
        add("char2", [x[k:k + 2]], i)
        for _t in range(50):
            i = r.choice(everyone)
            w = word_in(i)
            if w:
                add("word", [w], i)
                break
        i, x = a_run(everyone, 8)
        L = r.randint(6, min(14, len(x)))
        k = r.randrange(len(x) - L + 1)
        add("phrase", [x[k:k + L]], i)
        for kind, nw in (("and2", 2), ("and3", 3)):
            for _t in range(100):
                i = r.choice(everyone)
                ws = []
                for _u in range(20):
                    w = word_in(i)
                    if w and w not in ws and not any(w in v or v in w for v in ws):
                        ws.append(w)
                    if len(ws) == nw:
                        break
                if len(ws) == nw:
                    add(kind, ws, i)
                    break

    # common / rare: candidates counted by the oracle (over the Simplified oracle text)
    cands = []
    for _ in range(per_kind * 12):
        i, x = a_run(everyone, 2)
        L = r.choice((2, 2, 3))
        if len(x) >= L:
            k = r.randrange(len(x) - L + 1)
            cands.append((i, x[k:k + L]))
    conv = opencc([c for _, c in cands])
    df = [(len(oracle.docs([c.lower()])), i, w) for (i, w), c in zip(cands, conv)]
    seen = set()
    for n_, i, w in sorted(df, key=lambda z: (-z[0], z[2])):
        if w not in seen and count("common") < per_kind:
            seen.add(w)
            add("common", [w], i, f"{n_} documents")
    rare = [(i, w) for n_, i, w in df if 1 <= n_ <= 3]
    r.shuffle(rare)
    cands = []
    for _ in range(per_kind * 30):
        i, x = a_run(everyone, 3)
        L = r.choice((3, 4))
        if len(x) >= L:
            k = r.randrange(len(x) - L + 1)
            cands.append((i, x[k:k + L]))
    conv = opencc([c for _, c in cands])
    rare += [(i, w) for (i, w), c in zip(cands, conv) if 1 <= len(oracle.docs([c])) <= 3]
    for i, w in rare:
        if count("rare") >= per_kind:
            break
        if w not in seen:
            seen.add(w)
            add("rare", [w], i)
    # zero: two pieces of different documents
    cands = []
    for _ in range(per_kind * 4):
        _, a = a_run(everyone, 2)
        _, b = a_run(everyone, 2)
        ka, kb = r.randrange(len(a) - 1), r.randrange(len(b) - 1)
        cands.append(a[ka:ka + 2] + b[kb:kb + 2])
    for c, n in zip(cands, opencc(cands)):
        if count("zero") < per_kind and not oracle.docs([n]):
            add("zero", [c], None)

    # Latin/digit + Han, as written, full-width, cut at the word's edge
    pat_lh = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]+)([\u4e00-\u9fff]{1,3})|([\u4e00-\u9fff]{1,3})([A-Za-z0-9]+)(?![A-Za-z0-9])")
    lh = []
    for i in r.sample(everyone, min(N, 2000)):
        for para in docs[i]["disp"].split("\n"):
            for m in pat_lh.finditer(para):
                # only where the source had no space (the text as written: raw paragraph)
                lh.append((i, m.group(0), m.group(1) or m.group(4)))
    r.shuffle(lh)
    raw_all = {i: "\n".join(p for p, _ in docs[i]["paras"]) for i in set(i for i, _, _ in lh)}
    lh_solid = [(i, s, w) for i, s, w in lh if s in raw_all[i]]
    for i, s, w in lh_solid:
        if count("latin_han") < per_kind and len(s) <= 24:
            add("latin_han", [s], i)
    for i, s, w in lh_solid[per_kind:]:
        if count("fullwidth") < per_kind and len(s) <= 24 and any(c.isascii() and c.isalnum() for c in s):
            add("fullwidth", [to_fullwidth(s)], i)
    for i, s, w in lh:
        if count("word_edge") >= per_kind:
            break
        if len(w) >= 2 and len(s) <= 24:
            cut = s.replace(w, w[1:], 1) if s.startswith(w) else s[:len(s) - len(w)] + w[:-1]
            add("word_edge", [cut], i, f"cut from {s}")

    # Traditional <-> Simplified
    def ts_cands(ids, cfg):
        cs = []
        for _ in range(per_kind * 8):
            i, x = a_run(ids, 4)
            if x is None:
                break
            L = r.randint(3, min(6, len(x)))
            k = r.randrange(len(x) - L + 1)
            cs.append((i, x[k:k + L]))
        return [(i, a, b) for (i, a), b in zip(cs, opencc([c for _, c in cs], cfg)) if a != b]
    for i, a, b in ts_cands(simp, "s2t.json")[:per_kind]:
        add("trad_for_simp", [b], i, f"written {a}")
    for i, a, b in ts_cands(trad, "t2s.json")[:per_kind]:
        add("simp_for_trad", [b], i, f"written {a}")

    # the issue's kinds, from the paragraphs as written (white space still in them)
    A_spaced, A_solid, B_spaced, B_solid = [], [], [], []
    solid_hl = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]+)([\u4e00-\u9fff]{1,3})|([\u4e00-\u9fff]{1,3})([A-Za-z0-9]+)(?![A-Za-z0-9])")

    def side(para, k, step, n=3):
        """The Han run (at most n) or the whole Latin/digit word at para[k] going by step."""
        out = []
        if is_han(para[k]):
            while 0 <= k < len(para) and is_han(para[k]) and len(out) < n:
                out.append(para[k])
                k += step
        else:
            while 0 <= k < len(para) and para[k].isascii() and para[k].isalnum():
                out.append(para[k])
                k += step
            if 0 <= k < len(para) and is_wordch(para[k]):
                return None  # a non-ASCII letter glued on: skip
        return "".join(out if step > 0 else out[::-1])

    for i in r.sample(everyone, N):
        for para, _c in docs[i]["paras"]:
            for m in re.finditer(r"\s+", para):
                s_, e_ = m.start(), m.end()
                if s_ == 0 or e_ == len(para) or m.group().count("\n") > 1:
                    continue
                a, b = para[s_ - 1], para[e_]
                ascii_w = lambda c: c.isascii() and c.isalnum()
                if is_han(a) and is_han(b):
                    B_spaced.append((i, side(para, s_ - 1, -1) + m.group() + side(para, e_, 1)))
                elif (is_han(a) and ascii_w(b)) or (ascii_w(a) and is_han(b)):
                    left, right = side(para, s_ - 1, -1), side(para, e_, 1)
                    if left and right and len(left) + len(right) <= 24:
                        A_spaced.append((i, left + m.group() + right, ""))
            if len(A_solid) < per_kind * 20:
                for m in solid_hl.finditer(para):
                    A_solid.append((i, m.group(0)))
            if len(B_solid) < per_kind * 20 and r.random() < 0.05:
                for x in han_run.findall(para):
                    if 3 <= len(x) <= 12:
                        B_solid.append((i, x))
    r.shuffle(A_spaced), r.shuffle(A_solid), r.shuffle(B_spaced), r.shuffle(B_solid)
    half = (per_kind + 1) // 2
    for i, s, _ in A_spaced[:half]:
        add("han_latin_space", [WS.sub("", s)], i, f"written {s!r}")
    for i, s in A_solid[:per_kind - half]:
        m = solid_hl.fullmatch(s)
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        add("han_latin_space", [a + " " + b], i, f"written {s!r}")
    n_sp = per_kind - per_kind // 3
    for i, s in B_spaced[:n_sp]:
        add("han_space", [WS.sub("", s)], i, f"written {s!r}")
    for i, s in B_solid[:per_kind - n_sp]:
        add("han_space", [" ".join(s[:6])], i, f"written {s!r}")

    # across a paragraph break or a punctuation mark: glued, should match only where
    # the glued string really is in a text
    brk, pun = [], []
    H = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
    pun_re = re.compile(r"(" + H + r"{2})[，。、；：！？,.;:!?]\s*(" + H + r"{2})")
    for i in r.sample(everyone, min(N, 1500)):
        ps = docs[i]["disp"].split("\n")
        for a, b in zip(ps, ps[1:]):
            if len(a) >= 2 and len(b) >= 2 and all(is_han(c) for c in a[-2:] + b[:2]):
                brk.append((i, a[-2:] + b[:2], a[-2:] + "⏎" + b[:2]))
        for p in ps:
            for m in pun_re.finditer(p):
                pun.append((i, m.group(1) + m.group(2), m.group(0)))
    r.shuffle(brk), r.shuffle(pun)
    for i, s, w in brk[:half]:
        add("across_break", [s], i, f"written {w}")
    for i, s, w in pun[:per_kind - half]:
        add("across_break", [s], i, f"written {w}")

    # chrome: strings of chrome lines (marked by the parser, or repeated on >= 5% of a
    # package's pages)
    per_pkg = collections.Counter(d["pkg"] for d in docs)
    freq = collections.defaultdict(collections.Counter)
    for d in docs:
        for p in set(squeeze(p) for p, _ in d["paras"]):
            freq[d["pkg"]][p] += 1
    repeated, marked = {}, {}
    for i, d in enumerate(docs):
        for p, c in d["paras"]:
            sq = squeeze(p)
            if not han_run.search(sq):
                continue
            n_ = freq[d["pkg"]][sq]
            if n_ >= 3 and n_ >= 0.05 * per_pkg[d["pkg"]]:
                repeated.setdefault(sq, (i, p, f"on {n_} pages"))
            elif c:
                marked.setdefault(sq, (i, p, "chrome element"))
    pools = []
    for pool in (repeated, marked):
        ks = sorted(pool)
        r.shuffle(ks)
        pools.append([(k,) + pool[k] for k in ks])
    picks = pools[0][:per_kind // 2]
    picks += pools[1][:per_kind - len(picks)]
    for sq, i, p, why in picks:
        s = WS.sub(" ", p.strip())
        if len(s) > 40:
            xs = [x for x in han_run.findall(s) if len(x) >= 2]
            if not xs:
                continue
            x = r.choice(xs)
            L = r.randint(2, min(8, len(x)))
            k = r.randrange(len(x) - L + 1)
            s = x[k:k + L]
        add("chrome", [s], i, f"{why}: {sq[:40]!r}")

    # phrase-level T/S: where OpenCC's t2s with phrases differs from its character table
    pts = []
    for i in r.sample(trad, len(trad)):
        if len(pts) >= per_kind * 6:
            break
        d = docs[i]
        cf = d["disp"].casefold()
        a, b = char_t2s([cf])[0], d["norm"]
        if a == b:
            continue
        la, lb, lc = a.split("\n"), b.split("\n"), cf.split("\n")
        for x, y, z in zip(la, lb, lc):
            if x == y or len(x) != len(y) or len(z) != len(y):
                continue
            diffs = [k for k in range(len(x)) if x[k] != y[k]]
            k = r.choice(diffs)
            lo, hi = k, k + 1
            while lo > 0 and k - lo < 2 and is_han(z[lo - 1]):
                lo -= 1
            while hi < len(z) and hi - k < 2 and is_han(z[hi]):
                hi += 1
            if hi - lo >= 2:
                pts.append((i, z[lo:hi], y[lo:hi]))
    r.shuffle(pts)
    seen = set()
    for i, t, s in pts:
        if count("phrase_ts") >= per_kind:
            break
        if t in seen:
            continue
        seen.add(t)
        add("phrase_ts", [t if len(seen) % 2 else s], i, f"{t} -> {s} (phrase table)")
    return qs


# ---------------------------------------------------------------------------------------
# (d) the engine

def run_engine(corpus, db, qs, ndocs, root_rel, work):
    bindir = BIN
    idx, srch = os.path.join(bindir, "gongwen-indexer"), os.path.join(bindir, "gongwen-search")
    for b in (idx, srch):
        if not os.access(b, os.X_OK):
            raise SystemExit(f"realtext: {os.path.relpath(b, REPO)} is not built (make all)")
    for p in (db, db + ".d"):
        shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
    rep = os.path.join(work, "index-report.json")
    t0 = time.monotonic()
    r = subprocess.run([idx, "-d", db, "-q", "--report", rep, corpus], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    dt = time.monotonic() - t0
    open(os.path.join(work, "index.log"), "wb").write(r.stdout)
    if r.returncode not in (0, 1):
        raise SystemExit(f"realtext: gongwen-indexer exited {r.returncode}: "
                         f"{r.stdout.decode(errors='replace')[-300:]}")
    try:
        report = json.load(open(rep))
    except (OSError, ValueError):
        report = {}
    lines = "".join(" ".join('"%s"' % t for t in q["typed"]) + "\n" for q in qs)
    open(os.path.join(work, "queries.txt"), "w", encoding="utf-8").write(lines)
    t1 = time.monotonic()
    s = subprocess.run([srch, "-d", db, "--batch", "--json", "--no-collapse", "--no-facets",
                        "--no-snippets", "--size", str(max(10, ndocs))], input=lines.encode("utf-8"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qt = time.monotonic() - t1
    out = s.stdout.decode("utf-8", "replace").splitlines()
    if len(out) != len(qs):
        raise SystemExit(f"realtext: gongwen-search --batch gave {len(out)} answers for {len(qs)} "
                         f"queries (exit {s.returncode}): {s.stderr.decode(errors='replace')[-300:]}")
    answers = []
    for line in out:
        try:
            j = json.loads(line)
        except ValueError:
            answers.append(None)
            continue
        if "error" in j:
            answers.append(None)
            continue
        got = set()
        for h in j.get("hits", []):
            p = h.get("path") or ""
            got.add(root_rel(p))
        if j.get("total", len(got)) > len(got):
            log(f"warning: a query has {j.get('total')} matches, {len(got)} returned")
        answers.append(got)
    report = {k: v for k, v in report.items() if k not in ("database", "build")}
    return {"index_seconds": dt, "index_exit": r.returncode, "report": report,
            "query_seconds": qt}, answers


# ---------------------------------------------------------------------------------------
# (e) comparison and explanations

def compress(text):
    """(text without white space, NFKC+casefold+char-table t2s; index map to text)."""
    out, idx = [], []
    for k, c in enumerate(text):
        if c.isspace():
            continue
        n = unicodedata.normalize("NFKC", c).casefold()
        for x in n:
            out.append(x)
            idx.append(k)
    return char_t2s(["".join(out)])[0], idx


def show(text, a, b, pad=18):
    s = text[max(0, a - pad):b + pad]
    return ("…" if a > pad else "") + s.replace("\n", "⏎").replace("\t", "⇥").replace("\u3000", "□") + \
        ("…" if b + pad < len(text) else "")


def explain(misses, docs, qs, corpus, limit_docs=4000):
    """misses: [(qi, di)]. Adds a cause to each: rule1/rule2/rule3/rule4/several/other."""
    idx = os.path.join(BIN, "gongwen-indexer")
    need = sorted({d for _, d in misses})
    if len(need) > limit_docs:
        need = sorted(random.Random(len(need)).sample(need, limit_docs))
    def one(d):
        r = subprocess.run(["nice", "-n", "10", idx, "--inspect", os.path.join(corpus, docs[d]["id"])],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            return json.loads(r.stdout.decode("utf-8", "replace"))
        except ValueError:
            return {"text": "", "metadata_lines": []}
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        inspect = dict(zip(need, ex.map(one, need)))
    # variants of the oracle with rules switched off, for the documents and the queries
    # concerned: one opencc call for all of them
    V = [("none", False, False), ("r1", True, False), ("r2", False, True)]
    dtexts = {}
    for d in need:
        for name, hl, hh in V:
            dtexts[(d, name)] = "\n".join(squeeze(p, hl, hh) for p, _ in docs[d]["paras"]).casefold()
    qterms = {}
    for qi in sorted({q for q, d in misses if d in inspect}):
        for name, hl, hh in V:
            qterms[(qi, name)] = [squeeze(unicodedata.normalize("NFKC", t), hl, hh).casefold()
                                  for t in qs[qi]["typed"]]
    keys = list(dtexts)
    phr = dict(zip(keys, opencc([dtexts[k] for k in keys])))
    qkeys = [(k, j) for k in qterms for j in range(len(qterms[k]))]
    qphr_l = opencc([qterms[k][j] for k, j in qkeys])
    qphr = collections.defaultdict(list)
    for (k, j), v in zip(qkeys, qphr_l):
        qphr[k].append(v)
    chr_d = dict(zip(keys, char_t2s([dtexts[k] for k in keys])))
    qchr = {k: char_t2s(v) for k, v in qterms.items()}

    def has(text, terms):
        return all(find_ok(text, t) != -1 for t in terms)

    comp_cache, para_cache = {}, {}
    out = []
    for qi, d in misses:
        if d not in inspect:
            out.append({"q": qi, "doc": d, "cause": "unexplained (over the inspection limit)"})
            continue
        ins = inspect[d]
        itext = ins.get("text", "")
        if d not in comp_cache:
            comp_cache[d] = compress(itext)
        ic, imap = comp_cache[d]
        # where each term's match is in the oracle text (a paragraph as written), and
        # whether --inspect kept that place (rule 3 when it did not)
        cause = None
        ctx_oracle = ctx_engine = ""
        for t_typed, tn in zip(qs[qi]["typed"], qs[qi]["norm"]):
            para = None
            for p, _ in docs[d]["paras"]:
                if find_ok(opencc_norm_para(p, d, docs), tn) != -1:
                    para = p
                    break
            core = compress(t_typed)[0]
            missing_here = False
            if para is not None:
                if (d, para) not in para_cache:
                    para_cache[(d, para)] = compress(para)
                pc, pmap = para_cache[(d, para)]
                k = pc.find(core)
                if k != -1:
                    a, b = pmap[k], pmap[k + len(core) - 1] + 1
                    co = show(para, a, b)
                    win = pc[max(0, k - 6):k + len(core) + 6]
                    missing_here = ic.find(win) == -1 and ic.find(core) == -1
                else:
                    co = show(para, 0, min(len(para), 40), 0)
            else:
                co = ""
            ik = ic.find(core) if core else -1
            if ik != -1:
                ce = show(itext, imap[ik], imap[ik + len(core) - 1] + 1)
            elif any(core in compress(m)[0] for m in ins.get("metadata_lines", []) if isinstance(m, str)):
                ce = "(only in metadata_lines)"
            elif any(core in compress(c.get("text", ""))[0] for c in ins.get("chrome_lines", [])
                     if isinstance(c, dict)):
                ce = "(only in chrome_lines)"
            else:
                ce = "(not in the text --inspect shows, as typed)"
            if missing_here or not ctx_oracle:
                ctx_oracle, ctx_engine = co, ce
            if missing_here:
                cause = "rule3"
                break
        if cause is None:
            if has(chr_d[(d, "none")], qchr[(qi, "none")]):
                cause = "other"
            else:
                alone = []
                if has(chr_d[(d, "r1")], qchr[(qi, "r1")]):
                    alone.append("rule1")
                if has(chr_d[(d, "r2")], qchr[(qi, "r2")]):
                    alone.append("rule2")
                if has(phr[(d, "none")], qphr[(qi, "none")]):
                    alone.append("rule4")
                cause = alone[0] if len(alone) == 1 else ("several" if not alone else "+".join(alone))
        out.append({"q": qi, "doc": d, "cause": cause, "oracle": ctx_oracle, "engine": ctx_engine})
    return out


_PARA_NORM = {}


def opencc_norm_para(p, d, docs):
    """A paragraph's oracle form, taken from the document's oracle text (same order)."""
    if d not in _PARA_NORM:
        _PARA_NORM[d] = dict(zip([p_ for p_, _ in docs[d]["paras"] if squeeze(p_)],
                                 docs[d]["norm"].split("\n")))
    return _PARA_NORM[d].get(p, "")


# ---------------------------------------------------------------------------------------

def main():
    global WORK
    ap = argparse.ArgumentParser(description="Gongwen on real text (Debian's Chinese documentation)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", type=int, default=30, help="queries per kind")
    ap.add_argument("--examples", type=int, default=4, help="misses shown per kind")
    ap.add_argument("--packages", default=",".join(PACKAGES),
                    help="comma-separated Debian packages to take documents from (default: all five)")
    ap.add_argument("--work", default=WORK, help="working directory: corpus copy, database, logs")
    ap.add_argument("--out", default=None,
                    help="write the results to OUT.md and OUT.json (default bench/results/<date>-realtext)")
    ap.add_argument("--no-explain", action="store_true",
                    help="do not explain the misses with --inspect (faster; for tests)")
    a = ap.parse_args()
    t_start = time.monotonic()
    packages = [p for p in a.packages.split(",") if p]
    unknown = [p for p in packages if p not in PACKAGES]
    if unknown:
        raise SystemExit(f"realtext: unknown package(s) {' '.join(unknown)}; known: {' '.join(PACKAGES)}")
    work = WORK = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    corpus = os.path.join(work, "corpus")
    db = os.path.join(work, "db")
    now = datetime.datetime.now(datetime.timezone.utc)

    log("collecting the packages' documents")
    files, missing = collect(corpus, packages)
    if missing:
        log(f"not installed: {' '.join(missing)} (apt-get install {' '.join(missing)})")
    if not files:
        raise SystemExit("realtext: none of the packages is installed; nothing to measure")
    docs = []
    for pkg, rel in files:
        paras = paragraphs(os.path.join(corpus, rel))
        disp = "\n".join(x for x in (squeeze(p) for p, _ in paras) if x)
        docs.append({"id": rel, "pkg": pkg, "trad": pkg.endswith("-zh-tw"), "paras": paras,
                     "disp": disp, "html": rel.endswith((".html", ".htm"))})
    log(f"{len(docs)} documents; Traditional -> Simplified with one opencc call")
    norms = opencc([d["disp"].casefold() for d in docs])
    for d, n in zip(docs, norms):
        d["norm"] = n
    oracle = Oracle(norms)
    # accepted answers (precision): also a match in a per-character t2s reading of the text
    # (OpenCC's character table): a reader of 重覆 sees 覆 although t2s makes it 重复
    lenient = Oracle(char_t2s([d["disp"].casefold() for d in docs]))
    mb = sum(len(d["disp"].encode()) for d in docs) / 1e6

    log("queries")
    qs = make_queries(docs, a.kinds, a.seed, oracle)
    qn = opencc(["\n".join(squeeze(unicodedata.normalize("NFKC", t)).casefold() for t in q["typed"])
                 for q in qs])
    for q, n in zip(qs, qn):
        q["norm"] = n.split("\n")
        q["expected"] = oracle.docs(q["norm"])
        q["accepted"] = q["expected"] | lenient.docs(char_t2s(
            [squeeze(unicodedata.normalize("NFKC", t)).casefold() for t in q["typed"]]))
    log(f"{len(qs)} queries in {len(set(q['kind'] for q in qs))} kinds")

    log("indexing the corpus raw with gongwen-indexer, then every query (all results)")
    pos = {d["id"]: k for k, d in enumerate(docs)}

    def root_rel(p):
        p = p.replace("\\", "/")
        for k in range(p.count("/") + 1):
            tail = p.split("/", k)[-1]
            if tail in pos:
                return pos[tail]
        return None
    eng, answers = run_engine(corpus, db, qs, len(docs), root_rel, work)

    # scoring
    per = collections.OrderedDict((k, {"queries": 0, "exact": 0, "errors": 0, "rel": 0, "found": 0,
                                       "ret": 0, "ok_ret": 0, "expected_docs": []}) for k in KINDS)
    misses, extras = [], []
    for qi, (q, ans) in enumerate(zip(qs, answers)):
        k = per[q["kind"]]
        k["queries"] += 1
        E = q["expected"]
        k["rel"] += len(E)
        k["expected_docs"].append(len(E))
        if ans is None:
            k["errors"] += 1
            q["answer"] = None
            continue
        ans = {x for x in ans if x is not None}
        q["answer"] = ans
        k["found"] += len(ans & E)
        k["ret"] += len(ans)
        k["ok_ret"] += len(ans & q["accepted"])
        if E <= ans <= q["accepted"]:
            k["exact"] += 1
        misses += [(qi, d) for d in sorted(E - ans)]
        extras += [(qi, d) for d in sorted(ans - q["accepted"])]
    log(f"{len(misses)} missed and {len(extras)} extra (query, document) pairs; explaining the misses "
        f"(gongwen-indexer --inspect of {len({d for _, d in misses})} documents)")
    expl = [] if a.no_explain else explain(misses, docs, qs, corpus)
    causes = collections.Counter(e["cause"] for e in expl)
    cause_docs = collections.defaultdict(set)
    cause_q = collections.defaultdict(set)
    for e in expl:
        cause_docs[e["cause"]].add(e["doc"])
        cause_q[e["cause"]].add(e["q"])
    # which queries would become exact if a rule were implemented: every miss of the query
    # has that cause and it has no extra
    extra_q = {qi for qi, _ in extras}
    by_q = collections.defaultdict(set)
    for e in expl:
        by_q[e["q"]].add(e["cause"])

    res = {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "seed": a.seed, "per_kind": a.kinds,
           "packages": {p: sum(d["pkg"] == p for d in docs) for p in packages}, "missing_packages": missing,
           "documents": len(docs), "html": sum(d["html"] for d in docs), "text_mb": mb,
           "queries": len(qs), "engine": eng, "kinds": {}, "causes": {}, "examples": {}}
    for kind, k in per.items():
        if not k["queries"]:
            continue
        ed = sorted(k["expected_docs"])
        res["kinds"][kind] = {
            "queries": k["queries"], "exact": k["exact"], "errors": k["errors"],
            "expected_docs": k["rel"], "median_expected": ed[len(ed) // 2] if ed else 0,
            "recall": k["found"] / k["rel"] if k["rel"] else (1.0 if k["ret"] == 0 else 0.0),
            "precision": k["ok_ret"] / k["ret"] if k["ret"] else (1.0 if k["rel"] == 0 else None),
            "missed_pairs": sum(1 for qi, _ in misses if qs[qi]["kind"] == kind),
            "extra_pairs": sum(1 for qi, _ in extras if qs[qi]["kind"] == kind),
            "doc": KIND_DOC[kind]}
    for c in sorted(causes):
        res["causes"][c] = {"pairs": causes[c], "documents": len(cause_docs[c]), "queries": len(cause_q[c]),
                            "queries_made_exact": sum(1 for qi, cs in by_q.items() if cs == {c} and qi not in extra_q)}
    # examples
    ex_by_kind = collections.defaultdict(list)
    for e in expl:
        ex_by_kind[qs[e["q"]]["kind"]].append(e)
    rr = random.Random(a.seed)
    for kind in KINDS:
        es = ex_by_kind.get(kind, [])
        seen_q, pick = set(), []
        for e in es:
            if e["q"] not in seen_q:
                seen_q.add(e["q"])
                pick.append(e)
        rr.shuffle(pick)
        res["examples"][kind] = [{"query": " ".join('"%s"' % t for t in qs[e["q"]]["typed"]),
                                  "note": qs[e["q"]]["note"], "document": docs[e["doc"]]["id"],
                                  "cause": e["cause"], "oracle": e.get("oracle", ""),
                                  "inspect": e.get("engine", "")} for e in pick[:a.examples]]
    xs = []
    for qi, d in extras[:40]:
        xs.append({"query": " ".join('"%s"' % t for t in qs[qi]["typed"]), "kind": qs[qi]["kind"],
                   "document": docs[d]["id"]})
    res["extra_examples"] = xs
    res["query_list"] = [{"kind": q["kind"], "typed": q["typed"], "norm": q["norm"], "note": q["note"],
                          "expected": len(q["expected"]),
                          "answered": None if q["answer"] is None else len(q["answer"]),
                          "missed": sorted(docs[d]["id"] for d in q["expected"] - (q["answer"] or set()))[:5],
                          "accepted": len(q["accepted"]),
                          "extra": sorted(docs[d]["id"] for d in (q["answer"] or set()) - q["accepted"])[:5]}
                         for q in qs]
    res["seconds"] = time.monotonic() - t_start
    text = render(res)
    stem = a.out or os.path.join(RESULTS, now.strftime("%Y-%m-%d") + "-realtext")
    os.makedirs(os.path.dirname(os.path.abspath(stem)), exist_ok=True)
    json.dump(res, open(stem + ".json", "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    open(stem + ".md", "w", encoding="utf-8").write(text)
    print(text)
    log(f"written {os.path.relpath(stem, REPO)}.md and .json ({res['seconds']:.0f} s)")


def pct(x):
    return "—" if x is None else ("100" if x == 1 else f"{100 * x:.1f}")


def render(R):
    L = [f"Gongwen on real text — {R['date']}, seed {R['seed']}", ""]
    L.append(f"corpus: {R['documents']} documents ({R['html']} HTML), {R['text_mb']:.1f} MB of text; "
             + ", ".join(f"{p} {n}" for p, n in R["packages"].items()))
    if R["missing_packages"]:
        L.append(f"NOT INSTALLED (not measured): {', '.join(R['missing_packages'])}")
    e = R["engine"]
    L.append(f"engine: gongwen-indexer -d DB CORPUS (defaults; exit {e['index_exit']}, "
             f"{e['index_seconds']:.1f} s), gongwen-search --batch --json --no-collapse --no-facets "
             f"--no-snippets --size N ({e['query_seconds']:.1f} s for {R['queries']} queries)")
    L.append("")
    L.append("| kind | queries | exact | recall % | precision % | expected docs (median) | missed / extra pairs |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    tq = te = 0
    for kind, k in R["kinds"].items():
        tag = f" (rule {ISSUE_KINDS[kind]})" if kind in ISSUE_KINDS else ""
        L.append(f"| {kind}{tag} | {k['queries']} | {k['exact']} | {pct(k['recall'])} | {pct(k['precision'])} | "
                 f"{k['expected_docs']} ({k['median_expected']}) | {k['missed_pairs']} / {k['extra_pairs']} |")
        tq += k["queries"]
        te += k["exact"]
    L.append(f"| all | {tq} | {te} | | | | |")
    L.append("")
    L.append("Causes of the missed (query, document) pairs (the oracle rule the match needs):")
    L.append("")
    L.append("| cause | pairs | documents | queries | queries it alone would make exact |")
    L.append("|---|---:|---:|---:|---:|")
    for c, v in R["causes"].items():
        L.append(f"| {c} | {v['pairs']} | {v['documents']} | {v['queries']} | {v['queries_made_exact']} |")
    L.append("")
    L.append("Query kinds:")
    L.append("")
    for kind, k in R["kinds"].items():
        L.append(f"- {kind}: {k['doc']}")
    L.append("")
    L.append("Examples of misses (query; document; the oracle's paragraph as written; what "
             "`gongwen-indexer --inspect` kept there; ⏎ line break, □ U+3000):")
    for kind, es in R["examples"].items():
        if not es:
            continue
        L.append("")
        L.append(f"{kind}:")
        for x in es:
            L.append(f"- {x['query']} [{x['cause']}] in {x['document']}" + (f" ({x['note']})" if x["note"] else ""))
            L.append(f"  - oracle: `{x['oracle']}`")
            L.append(f"  - inspect: `{x['inspect']}`")
    if R.get("extra_examples"):
        L.append("")
        L.append("Extra answers (documents returned that the oracle does not hold):")
        for x in R["extra_examples"][:15]:
            L.append(f"- {x['query']} ({x['kind']}) in {x['document']}")
    L.append("")
    L.append(f"Total run time {R['seconds']:.0f} s.")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
