#!/usr/bin/env python3
"""Gongwen's benchmark: Gongwen and its peers on one generated corpus, side by side.

    bench/run.sh [N] [--seed S] [--kinds K] [--duration SEC] [--engines a,b,...]

Phases: generate the corpus (bench/gen/gen.py, cached under bench/work/), build the
oracle (brute-force substring search over the normalized truth), draw the queries, then
for every engine: index (time, peak RSS, size), start its daemon, answer every query
(recall/precision, latency per kind), load it with 1/4/16 clients, stop it. Writes
bench/results/<date>-<N>.md and .json and prints the table. See bench/README.md.
"""
import argparse
import bisect
import collections
import datetime
import html
import html.parser
import json
import multiprocessing
import os
import platform
import statistics
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
RESULTS = os.path.join(HERE, "results")
sys.path.insert(0, HERE)
import mysqlproto  # noqa: E402

LEXICON = "/usr/share/friso/dict/UTF-8/lex-main.lex"  # Debian package friso-dict
PKGS = "libmicrohttpd opencc uchardet libutf8proc friso jansson inih libxml-2.0 liblz4"
KINDS = ["char1", "char2", "word", "phrase", "and2", "and3", "trad_for_simp",
         "simp_for_trad", "pinyin", "fullwidth", "latin_han", "common", "rare", "zero"]
KIND_DOC = {
    "char1": "one Han character", "char2": "two Han characters",
    "word": "a dictionary word (2-4 chars)", "phrase": "a long phrase (6-14 chars)",
    "and2": "AND of 2 words", "and3": "AND of 3 words",
    "trad_for_simp": "Traditional query, Simplified documents",
    "simp_for_trad": "Simplified query, Traditional documents",
    "pinyin": "word that is pinyin-annotated in some documents",
    "fullwidth": "full-width digits + Han (２０２２年)",
    "latin_han": "Latin/digits + Han (G20峰会, 56名)",
    "common": "very common word", "rare": "very rare word (1-3 documents)",
    "zero": "zero-hit",
}
PINYIN_CHARS = set("發優業續規態聯執協區創養衛統節穩監現據體質經濟設權實務會議導進點機組織黨習責專項強與開資產農環")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def is_han(c):
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3FFFF
            or 0xF900 <= o <= 0xFAFF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF)


def is_wordch(c):
    return c.isalnum() and not is_han(c)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def du(path):
    """Bytes actually allocated on disk (like du): some engines preallocate sparse files."""
    def used(p):
        st = os.stat(p)
        return min(st.st_size, st.st_blocks * 512)
    if os.path.isfile(path):
        return used(path)
    tot = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            try:
                tot += used(os.path.join(d, f))
            except OSError:
                pass
    return tot


def timed(cmd, stdin=None, env=None, cwd=None, log_path=None):
    """Runs cmd under /usr/bin/time -v: (rc, seconds, peak RSS MB, stderr text)."""
    tf = os.path.join(WORK, "time.out")
    if os.path.exists(tf):
        os.unlink(tf)
    # GNU time (Debian package `time`) reports the peak RSS; without it, RSS is unknown.
    full = (["/usr/bin/time", "-v", "-o", tf] if os.access("/usr/bin/time", os.X_OK) else []) + cmd
    t0 = time.monotonic()
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    p = subprocess.run(full, stdin=fin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=cwd)
    dt = time.monotonic() - t0
    if stdin:
        fin.close()
    rss = None
    try:
        for line in open(tf):
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1]) / 1024.0
    except OSError:
        pass
    err = p.stderr.decode("utf-8", "replace") + p.stdout.decode("utf-8", "replace")
    if log_path:
        with open(log_path, "w") as fh:
            fh.write(err)
    return p.returncode, dt, rss, err


def wait_port(port, proc, timeout=30.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def stop_proc(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


# ---------------------------------------------------------------------------------------
# Small HTTP/1.1 keep-alive client (the same for every HTTP engine)

class Http:
    def __init__(self, port):
        self.port = port
        self.s = None
        self.buf = b""

    def _connect(self):
        self.s = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _read_until(self, sep):
        while sep not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        i = self.buf.index(sep)
        r, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return r

    def _read_n(self, n):
        while len(self.buf) < n:
            d = self.s.recv(max(65536, n - len(self.buf)))
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        r, self.buf = self.buf[:n], self.buf[n:]
        return r

    def get(self, path, headers=""):
        for attempt in (0, 1):
            try:
                if self.s is None:
                    self._connect()
                self.s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
                head = self._read_until(b"\r\n\r\n").decode("latin-1")
                status = int(head.split(" ", 2)[1])
                hl = head.lower()
                m = re.search(r"content-length:\s*(\d+)", hl)
                if m:
                    body = self._read_n(int(m.group(1)))
                elif "transfer-encoding: chunked" in hl:
                    body = b""
                    while True:
                        n = int(self._read_until(b"\r\n").split(b";")[0], 16)
                        if n == 0:
                            self._read_until(b"\r\n")
                            break
                        body += self._read_n(n)
                        self._read_n(2)
                else:
                    while True:
                        d = self.s.recv(65536)
                        if not d:
                            break
                        self.buf += d
                    body, self.buf = self.buf, b""
                    self.close()
                if "connection: close" in hl:
                    self.close()
                return status, body
            except (ConnectionError, OSError):
                self.close()
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    def close(self):
        if self.s:
            try:
                self.s.close()
            except OSError:
                pass
        self.s = None


# ---------------------------------------------------------------------------------------
# Corpus, truth, peer inputs

def ensure_corpus(n, seed, jobs):
    out = os.path.join(WORK, f"corpus-s{seed}-n{n}")
    gen = os.path.join(HERE, "gen", "gen.py")
    ver = re.search(r'GEN_VERSION = "(\w+)"', open(gen).read()).group(1)
    done = os.path.join(out, "DONE")
    if os.path.exists(done) and f"version={ver}" in open(done).read():
        log(f"corpus: reusing {os.path.relpath(out, REPO)}")
        return out, None
    shutil.rmtree(out, ignore_errors=True)
    log(f"corpus: generating {n} documents (seed {seed}, {jobs} processes)")
    t0 = time.monotonic()
    subprocess.run([sys.executable, gen, "--n", str(n), "--seed", str(seed), "--out", out,
                    "--jobs", str(jobs)], check=True)
    dt = time.monotonic() - t0
    log(f"corpus: generated in {dt:.1f} s")
    return out, dt


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class TextOnly(html.parser.HTMLParser):
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "li", "tr", "title", "td", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def decode_for_peers(root, meta):
    """What a knowledgeable user feeds the peers: each file decoded to UTF-8 with its
    known encoding (the peers cannot read GB18030/Big5/UTF-16 themselves) and HTML
    reduced to its text. No other cleaning: pinyin and boilerplate stay."""
    texts = []
    for m in meta:
        data = open(os.path.join(root, m["path"]), "rb").read()
        t = data.decode("utf-16" if m["enc"] == "utf-16" else m["enc"], errors="replace")
        if m["html"]:
            p = TextOnly()
            p.feed(t)
            p.close()
            t = re.sub(r"\n\s*\n+", "\n", "".join(p.out)).strip()
        texts.append(t)
    return texts


def fields_for_peers(exe, root, meta):
    """(source, year) of each file as Gongwen's pipeline finds them (bench/doc_fields.c),
    for the peers' facets: every engine's sidebar counts the same values. Without the
    helper every file gets ("", "") and the peers' facets are one empty value."""
    if not exe:
        log("corpus: bench/doc_fields.c does not build: the peers' facets count one empty value")
        return [("", "")] * len(meta)
    paths = "\n".join(os.path.join(root, m["path"]) for m in meta) + "\n"
    r = subprocess.run([exe], input=paths.encode(), stdout=subprocess.PIPE, check=True)
    rows = [tuple(json.loads(l)) for l in r.stdout.decode("utf-8").splitlines()]
    if len(rows) != len(meta):
        raise RuntimeError(f"doc_fields: {len(rows)} lines for {len(meta)} files")
    return rows


# ---------------------------------------------------------------------------------------
# Normalization (the project's own, through bench/normalize.c; Python fallback)

def build_helpers():
    """Builds bench/work/bin/{normalize,pipeline_full,doc_fields} against build/libgongwen.a.
    Returns {name: path or None}."""
    out = {"normalize": None, "pipeline_full": None, "doc_fields": None}
    bindir = os.path.join(WORK, "bin")
    os.makedirs(bindir, exist_ok=True)
    r = subprocess.run(["make", "--no-print-directory", "-s", "build/libgongwen.a"], cwd=REPO,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        log("helpers: build/libgongwen.a does not build; using fallbacks")
        return out
    sh = lambda c: subprocess.run(c, shell=True, stdout=subprocess.PIPE, cwd=REPO).stdout.decode().split()
    cflags = sh(f"pkg-config --cflags {PKGS}")
    libs = sh(f"pkg-config --libs {PKGS}") + sh("xapian-config --libs") + ["-lstdc++", "-lpthread", "-lm"]
    for name in out:
        exe = os.path.join(bindir, name)
        cmd = (["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-D_GNU_SOURCE", "-Ilib", "-Ibuild/gen"]
               + cflags + [os.path.join("bench", name + ".c"), "build/libgongwen.a"] + libs
               + ["-o", exe])
        r = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode == 0:
            out[name] = exe
        else:
            msg = r.stdout.decode("utf-8", "replace").strip().splitlines()
            log(f"helpers: {name} does not build yet ({msg[-1] if msg else '?'})")
    return out


class Normalizer:
    def __init__(self, exe):
        self.exe = exe
        self.t2s = None
        self.how = "lib (gw_norm_string)" if exe else "Python fallback (NFKC+casefold+OpenCC t2s char table)"
        if exe:
            try:
                if self.many(["測試ＡＢ２"]) != ["测试ab2"]:
                    log(f"normalize: helper gives {self.many(['測試ＡＢ２'])!r}; using the fallback")
                    self.exe = None
            except Exception as e:  # noqa: BLE001
                log(f"normalize: helper failed ({e}); using the fallback")
                self.exe = None
            if not self.exe:
                self.how = "Python fallback (NFKC+casefold+OpenCC t2s char table)"

    def _table(self):
        path = os.path.join(WORK, "t2s-chars.json")
        if os.path.exists(path):
            return {int(k): v for k, v in json.load(open(path)).items()}
        cps = [c for r in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(r[0], r[1] + 1)]
        src = "\n".join(chr(c) for c in cps)
        out = subprocess.run(["opencc", "-c", "t2s.json"], input=src.encode(), stdout=subprocess.PIPE,
                             check=True).stdout.decode().split("\n")
        t = {c: o for c, o in zip(cps, out) if len(o) == 1 and o != chr(c)}
        json.dump({str(k): v for k, v in t.items()}, open(path, "w"))
        return t

    def many(self, texts):
        if self.exe:
            data = "\0".join(t.replace("\0", " ") for t in texts).encode("utf-8")
            r = subprocess.run([self.exe], input=data, stdout=subprocess.PIPE, check=True)
            out = r.stdout.decode("utf-8", "replace").split("\0")
            if out and out[-1] == "":
                out.pop()
            if len(out) != len(texts):
                raise RuntimeError(f"normalize helper returned {len(out)} records for {len(texts)}")
            return out
        if self.t2s is None:
            self.t2s = self._table()
        return [unicodedata.normalize("NFKC", t).casefold().translate(self.t2s) for t in texts]


# ---------------------------------------------------------------------------------------
# Oracle: brute-force substring search over the normalized truth

class Oracle:
    """Brute-force substring search over the normalized truth. `strict[i]` is a document's
    title + body; `extra[i]` the lines only the lenient truth has (decorated title,
    metadata), so lenient hits = strict hits | extra hits, and the big body text is
    scanned once per term. The first term of a query scans every document; the next
    ones only check the documents still in the running."""

    def __init__(self, ids, strict, extra):
        self.ids = ids
        self.pos = {i: k for k, i in enumerate(ids)}
        self.strict, self.extra = strict, extra
        self.s_big, self.s_starts = self._join(strict)
        self.e_big, self.e_starts = self._join(extra)

    @staticmethod
    def _join(texts):
        starts, pos = [], 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        starts.append(pos)
        return "\0".join(texts) + "\0", starts

    @staticmethod
    def _ok(text, pos, t):
        return not (is_wordch(t[0]) and pos > 0 and is_wordch(text[pos - 1])) and \
            not (is_wordch(t[-1]) and pos + len(t) < len(text) and is_wordch(text[pos + len(t)]))

    def _find(self, big, starts, t):
        res = set()
        if not t:
            return res
        pos = big.find(t)
        while pos != -1:
            if self._ok(big, pos, t):
                d = bisect.bisect_right(starts, pos) - 1
                res.add(self.ids[d])
                pos = big.find(t, starts[d + 1])
            else:
                pos = big.find(t, pos + 1)
        return res

    def _has(self, text, t):
        pos = text.find(t)
        while pos != -1:
            if self._ok(text, pos, t):
                return True
            pos = text.find(t, pos + 1)
        return False

    def docs(self, nterms, lenient=False):
        res = None
        for t in nterms:
            if res is None:
                res = self._find(self.s_big, self.s_starts, t)
                if lenient:
                    res |= self._find(self.e_big, self.e_starts, t)
            else:
                res = {d for d in res if self._has(self.strict[self.pos[d]], t) or
                       (lenient and self._has(self.extra[self.pos[d]], t))}
            if not res:
                break
        return res or set()


def split_truth(t):
    """(strict, extra): the lenient truth is title line + metadata + the strict body."""
    strict, lenient = t["strict"], t["lenient"]
    body = strict.split("\n", 1)[1] if "\n" in strict else ""
    if body and lenient.endswith(body):
        return strict, lenient[:len(lenient) - len(body)]
    return strict, lenient


# ---------------------------------------------------------------------------------------
# Queries

def make_queries(ctx, per_kind, seed):
    r = random.Random(seed * 1000003 + 17)
    meta, truth = ctx["meta"], ctx["truth"]
    norm, oracle = ctx["norm"], ctx["oracle"]
    lex = set()
    for line in open(LEXICON, encoding="utf-8", errors="replace"):
        w = line.split("/", 1)[0].strip()
        if 2 <= len(w) <= 4 and all(is_han(c) for c in w):
            lex.add(w)
    runs_re = re.compile(r"[\u4e00-\u9fff]+")
    simp_ids = [m["id"] for m in meta if not m["trad"]]
    trad_ids = [m["id"] for m in meta if m["trad"]]
    pin_ids = [m["id"] for m in meta if m["pinyin"]] or trad_ids
    all_ids = [m["id"] for m in meta]

    def run_of(ids, minlen=1):
        for _ in range(200):
            i = ids[r.randrange(len(ids))]
            runs = [x for x in runs_re.findall(truth[i]["strict"]) if len(x) >= minlen]
            if runs:
                return i, runs[r.randrange(len(runs))]
        return None, None

    def word_in(text, rank_min=0):
        runs = runs_re.findall(text)
        for _ in range(300):
            if not runs:
                return None
            x = runs[r.randrange(len(runs))]
            L = r.choice((2, 2, 3, 4))
            if len(x) < L:
                continue
            k = r.randrange(len(x) - L + 1)
            w = x[k:k + L]
            if w in lex:
                return w
        return None

    qs = []

    def add(kind, terms):
        qs.append({"kind": kind, "terms": terms})

    for _ in range(per_kind):
        _, x = run_of(all_ids)
        if r.random() < 0.5:
            add("char1", [x[r.randrange(len(x))]])  # by frequency in the text
        else:
            cs = sorted(set(x))  # any character of the text, rare ones as likely
            add("char1", [cs[r.randrange(len(cs))]])
        _, x = run_of(all_ids, 2)
        k = r.randrange(len(x) - 1)
        add("char2", [x[k:k + 2]])
        w = None
        while not w:
            w = word_in(truth[all_ids[r.randrange(len(all_ids))]]["strict"])
        add("word", [w])
        _, x = run_of(all_ids, 8)
        L = r.randint(6, min(14, len(x)))
        k = r.randrange(len(x) - L + 1)
        add("phrase", [x[k:k + L]])
        for kind, nw in (("and2", 2), ("and3", 3)):
            while True:
                t = truth[all_ids[r.randrange(len(all_ids))]]["strict"]
                ws = []
                for _ in range(20):
                    w = word_in(t)
                    if w and w not in ws and not any(w in v or v in w for v in ws):
                        ws.append(w)
                    if len(ws) == nw:
                        break
                if len(ws) == nw:
                    add(kind, ws)
                    break
    # Traditional <-> Simplified: candidates converted with one OpenCC call each way
    cands = []
    for _ in range(per_kind * 6):
        _, x = run_of(simp_ids or all_ids, 4)
        L = r.randint(3, min(6, len(x)))
        k = r.randrange(len(x) - L + 1)
        cands.append(x[k:k + L])
    conv = opencc_many("s2t.json", cands)
    got = [(a, b) for a, b in zip(cands, conv) if a != b]
    for a, b in got[:per_kind]:
        add("trad_for_simp", [b])
    cands = []
    for _ in range(per_kind * 6):
        _, x = run_of(trad_ids or all_ids, 4)
        L = r.randint(3, min(6, len(x)))
        k = r.randrange(len(x) - L + 1)
        cands.append(x[k:k + L])
    conv = opencc_many("t2s.json", cands)
    got = [(a, b) for a, b in zip(cands, conv) if a != b]
    for a, b in got[:per_kind]:
        add("simp_for_trad", [b])
    # pinyin: a window around a character that converters annotate, in annotated documents
    cands = []
    for _ in range(per_kind * 20):
        i, x = run_of(pin_ids, 3)
        ks = [k for k, c in enumerate(x) if c in PINYIN_CHARS and 0 < k < len(x) - 1]
        if not ks:
            continue
        k = r.choice(ks)
        a = max(0, k - r.randint(1, 2))
        cands.append(x[a:k + r.randint(2, 3)])
        if len(cands) >= per_kind:
            break
    simp = opencc_many("t2s.json", cands)
    for j, (a, b) in enumerate(zip(cands, simp)):
        add("pinyin", [a if j % 2 else b])
    # full-width and Latin+Han, from the NFKC form of the truth
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    num_re = re.compile(r"(?<![0-9A-Za-z.])[0-9]{2,4}[\u4e00-\u9fff]{1,2}")
    lat_re = re.compile(r"(?<![0-9A-Za-z.\-])[A-Za-z][A-Za-z0-9]*[\u4e00-\u9fff]{1,3}")
    n_fw = n_lat = n_num = 0
    for _ in range(per_kind * 200):
        if n_fw >= per_kind and n_lat + n_num >= per_kind:
            break
        i = all_ids[r.randrange(len(all_ids))]
        t = unicodedata.normalize("NFKC", truth[i]["strict"])
        if n_fw < per_kind:
            ms = num_re.findall(t)
            if ms:
                add("fullwidth", [r.choice(ms).translate(fw)])
                n_fw += 1
        if n_lat + n_num < per_kind:
            ms = lat_re.findall(t)
            if ms and n_lat < (per_kind + 1) // 2:
                add("latin_han", [r.choice(ms)])
                n_lat += 1
            elif n_num < per_kind // 2:
                ms = num_re.findall(t)
                if ms:
                    add("latin_han", [r.choice(ms)])
                    n_num += 1
    # very common: the most frequent dictionary bigrams of a sample of documents
    cnt = collections.Counter()
    for i in r.sample(all_ids, min(300, len(all_ids))):
        s = norm_cache_get(ctx, i)
        for x in runs_re.findall(s):
            for k in range(len(x) - 1):
                cnt[x[k:k + 2]] += 1
    common = [w for w, _ in cnt.most_common(400) if w in lex][:max(per_kind, 10)]
    for w in r.sample(common, min(per_kind, len(common))):
        add("common", [w])
    # very rare: words found in 1-3 documents. Candidates: dictionary words of random
    # documents that a sample of 300 documents never shows (the Zipf tail), checked
    # against the oracle 100 at a time.
    seen = set()
    for i in r.sample(all_ids, min(300, len(all_ids))):
        for x in runs_re.findall(truth[i]["strict"]):
            for L in (2, 3, 4):
                for k in range(len(x) - L + 1):
                    seen.add(x[k:k + L])
    cands = []
    for _ in range(per_kind * 40):
        i = all_ids[r.randrange(len(all_ids))]
        for x in runs_re.findall(truth[i]["strict"]):
            for L in (4, 3, 2):
                for k in range(len(x) - L + 1):
                    w = x[k:k + L]
                    if w in lex and w not in seen:
                        cands.append(w)
                        seen.add(w)
        if len(cands) > per_kind * 30:
            break
    n = 0
    for k in range(0, len(cands), 100):  # normalized 100 at a time: stop when enough
        if n >= per_kind:
            break
        chunk = cands[k:k + 100]
        for w, nw in zip(chunk, norm.many(chunk)):
            if n >= per_kind:
                break
            if 1 <= len(oracle.docs([nw])) <= 3 and len(oracle.docs([nw], lenient=True)) <= 3:
                add("rare", [w])
                n += 1
    # zero-hit: two dictionary words glued together that occur nowhere, and Latin tokens
    lexl = sorted(lex)
    cands = []
    for k in range(per_kind * 3):
        if k % 5 == 4:
            cands.append(f"qz{r.randint(100, 999)}x{r.randint(10, 99)}")
        else:
            cands.append(lexl[r.randrange(len(lexl))] + lexl[r.randrange(len(lexl))])
    n = 0
    for w, nw in zip(cands, norm.many(cands)):
        if n >= per_kind:
            break
        if not oracle.docs([nw], lenient=True):
            add("zero", [w])
            n += 1
    # expected results
    allterms = sorted({t for q in qs for t in q["terms"]})
    nt = dict(zip(allterms, norm.many(allterms)))
    for q in qs:
        q["nterms"] = [nt[t] for t in q["terms"]]
        q["strict"] = sorted(oracle.docs(q["nterms"]))
        q["lenient"] = sorted(oracle.docs(q["nterms"], lenient=True) | set(q["strict"]))
    return qs


def norm_cache_get(ctx, i):
    return ctx["strict_norm"][ctx["pos"][i]]


def opencc_many(cfg, texts):
    if not texts:
        return []
    sep = "\n@@GWSEP@@\n"
    out = subprocess.run(["opencc", "-c", cfg], input=sep.join(texts).encode(),
                         stdout=subprocess.PIPE, check=True).stdout.decode().split(sep)
    if len(out) != len(texts):
        out = [subprocess.run(["opencc", "-c", cfg], input=t.encode(), stdout=subprocess.PIPE,
                              check=True).stdout.decode() for t in texts]
    return out


# ---------------------------------------------------------------------------------------
# Engines. Each is a small adapter: index(), start(), client(), stop().

class Engine:
    name = "?"
    server = True
    note = ""

    def available(self):
        return True

    def stop(self):
        stop_proc(getattr(self, "proc", None))


class Gongwen(Engine):
    name = "gongwen"
    note = "raw files (all encodings, HTML), its own pipeline; searchd --cache 0"

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(WORK, "engines", "gongwen")
        self.db = os.path.join(self.dir, "db")
        self.bin = os.path.join(REPO, "bin")
        self.size = 100

    def available(self):
        for b in ("gongwen-indexer", "gongwen-searchd"):
            if not os.access(os.path.join(self.bin, b), os.X_OK):
                return f"bin/{b} is not built"
        return True

    def index(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        rep = os.path.join(self.dir, "report.json")
        cmd = [os.path.join(self.bin, "gongwen-indexer"), "-d", self.db, "--report", rep,
               self.ctx["root"]]
        rc, dt, rss, err = timed(cmd, log_path=os.path.join(self.dir, "index.log"))
        if rc == 1:
            log("gongwen: the indexer skipped some files (exit 1): see "
                "bench/work/engines/gongwen/index.log")
        if rc not in (0, 1):
            raise RuntimeError(f"gongwen-indexer exited {rc}: {err.strip()[-300:]}")
        res = {"seconds": dt, "rss_mb": rss, "size_bytes": du(self.db) + du(self.db + ".d"), "exit": rc}
        try:
            res["report"] = json.load(open(rep))
        except (OSError, ValueError):
            pass
        log("gongwen: unchanged rerun of the incremental indexer")
        rc2, dt2, rss2, err2 = timed(cmd, log_path=os.path.join(self.dir, "rerun.log"))
        res["rerun_seconds"] = dt2 if rc2 == 0 else None
        res["rerun_rss_mb"] = rss2
        comp = os.path.join(self.dir, "db-compact")
        t0 = time.monotonic()
        r = subprocess.run(["xapian-compact", self.db, comp], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if r.returncode == 0:
            res["compact_seconds"] = time.monotonic() - t0
            res["size_compact_bytes"] = du(comp)
        else:
            log(f"gongwen: xapian-compact failed: {r.stdout.decode(errors='replace').strip()[-200:]}")
        return res

    def start(self):
        self.port = free_port()
        # No answer cache: the load test cycles through the same queries, and what is
        # measured is the engine's work (every peer runs without one too).
        # No time limit either: the recall phase asks for every match of every query.
        big = ["--cache", "0", "--set", "search.time_limit_ms=0", "--set", "searchd.max_page_size=1000", "--set",
               "searchd.max_offset=10000000", "--set", "searchd.per_ip_connections=1000"]
        for extra in (big, ["--set", "searchd.per_ip_connections=1000"], []):
            self.proc = subprocess.Popen(
                [os.path.join(self.bin, "gongwen-searchd"), "-d", self.db, "-l",
                 f"127.0.0.1:{self.port}"] + extra,
                stdout=open(os.path.join(self.dir, "searchd.log"), "w"), stderr=subprocess.STDOUT)
            if wait_port(self.port, self.proc):
                self.size = 1000 if extra is big else 100
                if extra is not big:
                    log("gongwen: searchd refused --cache 0 or a larger page size/window: "
                        "its answer cache may be on, paging by 100")
                return
            stop_proc(self.proc)
        raise RuntimeError("gongwen-searchd did not start (see bench/work/engines/gongwen/searchd.log)")

    def client(self):
        return GongwenClient(self.port, self.size)

    def ids_many(self, qs):
        """All results of every query through `gongwen-search --batch --json` (the HTTP
        API pages by at most max_page_size), the queries split over one process per core.
        Every hit costs a stored-document read and a snippet even here, so this is the
        slowest part of a Gongwen run on common terms."""
        import concurrent.futures
        cli = os.path.join(self.bin, "gongwen-search")
        n = str(max(10, len(self.ctx["ids"])))
        k = os.cpu_count() or 2
        helptext = subprocess.run([cli, "--help"], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT).stdout.decode(errors="replace")
        # only the ids are needed: skip the snippets when the CLI can
        fast = ["--no-snippets"] if "--no-snippets" in helptext else ["--snippet-chars", "1"]

        def part(j):
            mine = list(range(j, len(qs), k))
            inp = "".join(GongwenClient.q(qs[i]["terms"]) + "\n" for i in mine).encode()
            for attempt in range(3):  # the binary may be being relinked by a build
                try:
                    r = subprocess.run([cli, "-d", self.db, "--batch", "--json", "--no-collapse",
                                        "--no-facets", "--size", n] + fast, input=inp,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    break
                except OSError as e:
                    log(f"gongwen: gongwen-search: {e}; retrying")
                    time.sleep(2)
            lines = r.stdout.decode("utf-8", "replace").splitlines()
            if len(lines) != len(mine):
                log(f"gongwen: gongwen-search --batch gave {len(lines)} answers for {len(mine)} "
                    f"queries (exit {r.returncode}): {r.stderr.decode(errors='replace')[-200:]}")
            out = {}
            for i, line in zip(mine, lines):
                try:
                    j_ = json.loads(line)
                    out[i] = None if "error" in j_ else {_doc_id(h) for h in j_.get("hits", [])}
                except ValueError:
                    out[i] = None
            return out
        res = {}
        with concurrent.futures.ThreadPoolExecutor(k) as ex:
            for d in ex.map(part, range(k)):
                res.update(d)
        return [res.get(i) for i in range(len(qs))]


def _doc_id(h):
    s = h.get("path") or h.get("id") if isinstance(h, dict) else h
    m = re.search(r"(\d{7})\.(?:txt|html?)$", str(s))
    return int(m.group(1)) if m else None


class GongwenClient:
    def __init__(self, port, size):
        self.h = Http(port)
        self.size = size

    @staticmethod
    def q(terms):
        return " ".join('"%s"' % t for t in terms)

    def page(self, terms):
        st, body = self.h.get("/search?" + urllib.parse.urlencode({"q": self.q(terms)}))
        return st

    def ids(self, terms):
        out, page = set(), 1
        while True:
            st, body = self.h.get("/search?" + urllib.parse.urlencode(
                {"q": self.q(terms), "size": self.size, "page": page, "collapse": "false"}))
            if st != 200:
                raise RuntimeError(f"HTTP {st}: {body[:200]!r}")
            j = json.loads(body)
            for h in j.get("hits", []):
                out.add(_doc_id(h))
            if not j.get("hits") or page * self.size >= j.get("total", 0):
                return out
            page += 1

    def close(self):
        self.h.close()


class Sphinx(Engine):
    name = "sphinx"
    note = "Sphinx 2.2 (Debian sphinxsearch), ngram_len=1, SphinxQL (its qcache keeps only queries slower than 3 s)"

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(WORK, "engines", "sphinx")

    def available(self):
        return True if shutil.which("indexer") and shutil.which("searchd") else \
            "sphinxsearch is not installed (indexer/searchd missing)"

    def _conf(self):
        self.port = getattr(self, "port", None) or free_port()
        d = self.dir
        conf = f"""
source src
{{
    type = xmlpipe2
    xmlpipe_command = cat {d}/docs.xml
}}
index idx
{{
    source = src
    path = {d}/idx/idx
    docinfo = extern
    dict = keywords
    charset_table = 0..9, A..Z->a..z, _, a..z, U+410..U+42F->U+430..U+44F, U+430..U+44F
    ngram_len = 1
    ngram_chars = U+3000..U+2FA1F
}}
indexer
{{
    mem_limit = 256M
}}
searchd
{{
    listen = 127.0.0.1:{self.port}:mysql41
    log = {d}/searchd.log
    query_log = {d}/query.log
    pid_file = {d}/searchd.pid
    binlog_path =
    workers = threads
    max_children = 64
}}
"""
        path = os.path.join(d, "sphinx.conf")
        open(path, "w").write(conf)
        return path

    def index(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.join(self.dir, "idx"))
        with open(os.path.join(self.dir, "docs.xml"), "w", encoding="utf-8") as fh:
            # the text again as a string attribute (SNIPPET() needs it: Sphinx 2.2 keeps no
            # documents), and the source and year to count the facets by
            fh.write('<?xml version="1.0" encoding="utf-8"?>\n<sphinx:docset>\n'
                     '<sphinx:schema><sphinx:field name="body"/>'
                     '<sphinx:attr name="text" type="string"/>'
                     '<sphinx:attr name="source" type="string"/>'
                     '<sphinx:attr name="year" type="string"/></sphinx:schema>\n')
            bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
            page = self.ctx["peer_page"] == "page"
            for i, t, (src, yr) in zip(self.ctx["ids"], self.ctx["peer_texts"], self.ctx["peer_fields"]):
                e = html.escape(bad.sub(" ", t), quote=False)
                fh.write(f'<sphinx:document id="{i + 1}"><body>{e}</body>'
                         f'<text>{e if page else ""}</text>'
                         f'<source>{html.escape(bad.sub(" ", src), quote=False)}</source>'
                         f'<year>{yr}</year></sphinx:document>\n')
            fh.write("</sphinx:docset>\n")
        conf = self._conf()
        rc, dt, rss, err = timed(["indexer", "--config", conf, "--all"],
                                 log_path=os.path.join(self.dir, "indexer.log"))
        if rc != 0:
            raise RuntimeError(f"sphinx indexer exited {rc}: {err.strip()[-300:]}")
        return {"seconds": dt, "rss_mb": rss, "size_bytes": du(os.path.join(self.dir, "idx"))}

    def start(self):
        conf = self._conf()
        self.proc = subprocess.Popen(["searchd", "--config", conf, "--nodetach"],
                                     stdout=open(os.path.join(self.dir, "searchd.out"), "w"),
                                     stderr=subprocess.STDOUT)
        if not wait_port(self.port, self.proc):
            stop_proc(self.proc)
            raise RuntimeError("sphinx searchd did not start (bench/work/engines/sphinx/searchd.out)")

    def client(self):
        return SphinxClient(self.port, len(self.ctx["ids"]), self.ctx["peer_page"])


class SphinxClient:
    SPECIAL = set('()|-!@~"&/^$=<\\\'')

    def __init__(self, port, n, mode="page"):
        self.c = mysqlproto.Conn("127.0.0.1", port)
        self.n = max(1000, n)
        self.mode = mode

    def q(self, terms):
        def esc(t):
            return "".join(("\\\\" + ch) if ch in self.SPECIAL else ch for ch in t)
        return " ".join('"%s"' % esc(t) for t in terms)

    def page(self, terms):
        q = self.q(terms)
        if self.mode == "ids":
            self.c.query(f"SELECT id FROM idx WHERE MATCH('{q}') LIMIT 0,10")
            return 200
        # the page Gongwen serves: 10 hits with a snippet each, hits by source and by year
        words = " ".join(terms).replace("\\", "\\\\").replace("'", "\\'")
        self.c.query_all(f"SELECT id, SNIPPET(text, '{words}') FROM idx WHERE MATCH('{q}') "
                         "LIMIT 0,10 FACET source ORDER BY COUNT(*) DESC LIMIT 100 "
                         "FACET year ORDER BY COUNT(*) DESC LIMIT 100")
        return 200

    def ids(self, terms):
        rows = self.c.query(f"SELECT id FROM idx WHERE MATCH('{self.q(terms)}') "
                            f"LIMIT 0,{self.n} OPTION max_matches={self.n}")
        return {int(r[0]) - 1 for r in rows}

    def close(self):
        self.c.close()


class Groonga(Engine):
    name = "groonga"
    note = "Groonga (Debian groonga-bin), TokenBigram + NormalizerAuto, HTTP server, --cache-limit 0"

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(WORK, "engines", "groonga")
        self.db = os.path.join(self.dir, "db", "docs")

    def available(self):
        return True if shutil.which("groonga") else "groonga-bin is not installed"

    def index(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.dirname(self.db))
        cmds = os.path.join(self.dir, "load.grn")
        with open(cmds, "w", encoding="utf-8") as fh:
            fh.write("table_create Docs TABLE_HASH_KEY UInt32\n"
                     "column_create Docs body COLUMN_SCALAR LongText\n"
                     "column_create Docs source COLUMN_SCALAR ShortText\n"
                     "column_create Docs year COLUMN_SCALAR ShortText\n"
                     "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
                     "--normalizer NormalizerAuto\n")
            ids, texts, fields = self.ctx["ids"], self.ctx["peer_texts"], self.ctx["peer_fields"]
            for k in range(0, len(ids), 1000):
                vals = [{"_key": i, "body": t, "source": f[0], "year": f[1]}
                        for i, t, f in zip(ids[k:k + 1000], texts[k:k + 1000], fields[k:k + 1000])]
                fh.write("load --table Docs\n" + json.dumps(vals, ensure_ascii=False) + "\n")
            # the index built after the load (static construction: the fast way)
            fh.write("column_create Terms docs_body COLUMN_INDEX|WITH_POSITION Docs body\n")
        subprocess.run(["groonga", "-n", self.db, "quit"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        rc, dt, rss, err = timed(["groonga", self.db], stdin=cmds,
                                 log_path=os.path.join(self.dir, "load.log"))
        if rc != 0 or '"error"' in err[-2000:] and "[-" in err[-2000:]:
            raise RuntimeError(f"groonga load failed ({rc}): {err.strip()[-300:]}")
        return {"seconds": dt, "rss_mb": rss, "size_bytes": du(os.path.dirname(self.db))}

    def start(self):
        self.port = free_port()
        self.proc = subprocess.Popen(["groonga", "-s", "--bind-address", "127.0.0.1", "--port",
                                      str(self.port), "--protocol", "http", "--cache-limit", "0",
                                      self.db],
                                     stdout=open(os.path.join(self.dir, "server.log"), "w"),
                                     stderr=subprocess.STDOUT)
        if not wait_port(self.port, self.proc):
            stop_proc(self.proc)
            raise RuntimeError("groonga server did not start")

    def client(self):
        return GroongaClient(self.port, self.ctx["peer_page"])


class GroongaClient:
    def __init__(self, port, mode="page"):
        self.h = Http(port)
        self.mode = mode

    @staticmethod
    def q(terms):
        return " ".join('"%s"' % t.replace("\\", "\\\\").replace('"', '\\"') for t in terms)

    def page(self, terms):
        p = {"table": "Docs", "match_columns": "body", "query": self.q(terms),
             "output_columns": "_key,_score", "limit": 10, "sort_keys": "-_score"}
        if self.mode == "page":
            # the page Gongwen serves: 10 hits with a snippet each, hits by source and by year
            p.update({"output_columns": "_key,_score,snippet_html(body)",
                      "drilldown": "source,year", "drilldown_limit": 100,
                      "drilldown_sort_keys": "-_nsubrecs"})
        st, _ = self.h.get("/d/select?" + urllib.parse.urlencode(p))
        return st

    def ids(self, terms):
        st, body = self.h.get("/d/select?" + urllib.parse.urlencode(
            {"table": "Docs", "match_columns": "body", "query": self.q(terms),
             "output_columns": "_key", "limit": -1}))
        j = json.loads(body)
        if st != 200 or j[0][0] != 0:
            raise RuntimeError(f"groonga: {j[0]}")
        return {int(r[0]) for r in j[1][0][2:]}

    def close(self):
        self.h.close()


class Sqlite(Engine):
    name = "sqlite"
    server = False
    note = "SQLite FTS5, trigram tokenizer, in-process (no daemon)"

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(WORK, "engines", "sqlite")
        self.db = os.path.join(self.dir, "docs.db")

    def available(self):
        import sqlite3
        v = tuple(int(x) for x in sqlite3.sqlite_version.split("."))
        if not shutil.which("sqlite3"):
            return "the sqlite3 command is not installed"
        return True if v >= (3, 34) else f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer"

    def index(self):
        import csv
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        csvp = os.path.join(self.dir, "docs.csv")
        with open(csvp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            for t, (src, yr) in zip(self.ctx["peer_texts"], self.ctx["peer_fields"]):
                w.writerow([t, src, yr])
        sql = os.path.join(self.dir, "load.sql")
        with open(sql, "w") as fh:
            fh.write("PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\n"
                     "CREATE VIRTUAL TABLE docs USING fts5(body, source UNINDEXED, year UNINDEXED, "
                     "tokenize='trigram');\n"
                     f".mode csv\n.import {csvp} docs\n"
                     "INSERT INTO docs(docs) VALUES('optimize');\n")
        rc, dt, rss, err = timed(["sqlite3", self.db], stdin=sql,
                                 log_path=os.path.join(self.dir, "load.log"))
        if rc != 0 or "Error" in err:
            raise RuntimeError(f"sqlite3 load failed ({rc}): {err.strip()[-300:]}")
        return {"seconds": dt, "rss_mb": rss, "size_bytes": du(self.db)}

    def start(self):
        pass

    def client(self):
        return SqliteClient(self.db, self.ctx["peer_page"])


class SqliteClient:
    def __init__(self, db, mode="page"):
        import sqlite3
        self.c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self.mode = mode

    @staticmethod
    def q(terms):
        return " AND ".join('"%s"' % t.replace('"', '""') for t in terms)

    def page(self, terms):
        q = self.q(terms)
        if self.mode == "ids":
            self.c.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                           (q,)).fetchall()
            return 200
        # the page Gongwen serves: 10 hits with a snippet each, hits by source and by year
        self.c.execute("SELECT rowid, snippet(docs, 0, '<b>', '</b>', '…', 40) FROM docs "
                       "WHERE docs MATCH ? ORDER BY rank LIMIT 10", (q,)).fetchall()
        for col in ("source", "year"):
            self.c.execute(f"SELECT {col}, count(*) FROM docs WHERE docs MATCH ? GROUP BY {col} "
                           "ORDER BY 2 DESC LIMIT 100", (q,)).fetchall()
        return 200

    def ids(self, terms):
        return {r[0] - 1 for r in self.c.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                                 (self.q(terms),))}

    def close(self):
        self.c.close()


class Omega(Engine):
    """Xapian Omega's omindex with CJK n-grams: indexing speed only, on a sample, because
    it indexes at ~0.3 MB/s and would not fit in the run's time budget."""
    name = "omega"
    server = False
    note = "Xapian Omega omindex, XAPIAN_CJK_NGRAM=1 (indexing speed only, on a sample of the documents)"

    def __init__(self, ctx, sample):
        self.ctx = ctx
        self.sample = sample
        self.dir = os.path.join(WORK, "engines", "omega")

    def available(self):
        return True if shutil.which("omindex") else "xapian-omega is not installed"

    def index(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        src = os.path.join(self.dir, "files")
        os.makedirs(src)
        n = min(self.sample, len(self.ctx["ids"]))
        bytes_ = 0
        for i, t in zip(self.ctx["ids"][:n], self.ctx["peer_texts"][:n]):
            sub = os.path.join(src, f"{i // 1000:04d}")
            os.makedirs(sub, exist_ok=True)
            b = t.encode("utf-8")
            bytes_ += len(b)
            open(os.path.join(sub, f"{i:07d}.txt"), "wb").write(b)
        env = dict(os.environ, XAPIAN_CJK_NGRAM="1")
        rc, dt, rss, err = timed(["omindex", "--db", os.path.join(self.dir, "db"), "--url", "/",
                                  src], env=env, log_path=os.path.join(self.dir, "omindex.log"))
        if rc != 0:
            raise RuntimeError(f"omindex exited {rc}: {err.strip()[-300:]}")
        return {"seconds": dt, "rss_mb": rss, "size_bytes": du(os.path.join(self.dir, "db")),
                "docs": n, "input_bytes": bytes_, "sample": True}


# ---------------------------------------------------------------------------------------
# Measurements

def answer_all(engine, qs):
    """Every query once, all results: returns per-query id sets (or None on error)."""
    if hasattr(engine, "ids_many"):
        return engine.ids_many(qs)
    cl = engine.client()
    out, errors = [], 0
    for q in qs:
        try:
            out.append(cl.ids(q["terms"]))
        except Exception as e:  # noqa: BLE001
            errors += 1
            if errors <= 3:
                log(f"{engine.name}: query {q['terms']} failed: {e}")
            out.append(None)
            cl.close()
            cl = engine.client()
    cl.close()
    return out


def score(qs, answers):
    per = {}
    for q, a in zip(qs, answers):
        k = per.setdefault(q["kind"], {"rel": 0, "found": 0, "ret": 0, "ok_ret": 0,
                                       "exact": 0, "n": 0, "errors": 0})
        k["n"] += 1
        st, le = set(q["strict"]), set(q["lenient"])
        if a is None:
            k["errors"] += 1
            k["rel"] += len(st)
            continue
        a = {x for x in a if x is not None}
        k["rel"] += len(st)
        k["found"] += len(a & st)
        k["ret"] += len(a)
        k["ok_ret"] += len(a & le)
        if st <= a <= le:
            k["exact"] += 1
    res = {}
    for kind, k in per.items():
        res[kind] = {"queries": k["n"], "exact": k["exact"], "errors": k["errors"],
                     "recall": k["found"] / k["rel"] if k["rel"] else (1.0 if k["ret"] == 0 else 0.0),
                     "precision": k["ok_ret"] / k["ret"] if k["ret"] else (1.0 if k["rel"] == 0 else None)}
    tot = sum(v["exact"] for v in res.values())
    res["_all"] = {"queries": len(qs), "exact": tot}
    return res


def latency(engines, qs, passes):
    """Single-client latency of every engine in `engines` (name -> started engine), measured
    interleaved: each query is sent to every engine in turn (in a rotating order) before
    the next query, so the engines share the machine's load of the moment — these machines
    are shared, and an engine measured a few minutes after another could meet a different
    load. Each query's figure is the median of its `passes` samples (one preemption of the
    client or the server does not count); p50 and p99 per kind are taken over those
    per-query medians. p99 over every raw sample is kept beside them (`raw_p99_ms`)."""
    cls = {name: eng.client() for name, eng in engines.items()}
    names = list(engines)
    r = random.Random(5)
    order = list(range(len(qs)))
    samples = {name: collections.defaultdict(list) for name in names}
    errors = {name: collections.Counter() for name in names}
    live = list(names)
    turn = 0
    for _ in range(passes):
        r.shuffle(order)
        for i in order:
            turn += 1
            for name in [live[(turn + k) % len(live)] for k in range(len(live))]:
                t0 = time.perf_counter()
                try:
                    st = cls[name].page(qs[i]["terms"])
                except Exception:  # noqa: BLE001
                    st = None
                    cls[name].close()
                    try:
                        cls[name] = engines[name].client()
                    except Exception as e:  # noqa: BLE001
                        # the engine is gone: the others go on without it
                        log(f"*** {name}: no connection during the latency passes ({e})")
                        live.remove(name)
                        cls[name] = None
                if st != 200:
                    errors[name][st] += 1
                    continue
                samples[name][i].append((time.perf_counter() - t0) * 1000.0)
            if not live:
                break
    out = {}
    for name in names:
        if cls[name] is not None:
            cls[name].close()
        if errors[name]:
            log(f"{name}: {sum(errors[name].values())} error answers during the latency passes: "
                f"{dict(errors[name])}")
        per, raw = collections.defaultdict(list), collections.defaultdict(list)
        for i, v in samples[name].items():
            per[qs[i]["kind"]].append(statistics.median(v))
            raw[qs[i]["kind"]].extend(v)
        out[name] = {k: {"p50_ms": pct(v, 50), "p99_ms": pct(v, 99), "n": len(v),
                         "raw_p99_ms": pct(raw[k], 99), "samples": len(raw[k])}
                     for k, v in per.items()}
    return out


def _load_proc(engine, qs, nthreads, start, duration, offset, outq):
    lat, errs = [], [0]
    codes = {}
    lock = threading.Lock()

    def run(k):
        cl = engine.client()
        i = offset + k * 7919
        mine = []
        e = 0
        while time.monotonic() < start:
            time.sleep(0.001)
        end = start + duration
        while True:
            t0 = time.monotonic()
            if t0 >= end:
                break
            try:
                st = cl.page(qs[i % len(qs)]["terms"])
                if st == 200:
                    mine.append(time.monotonic() - t0)
                else:  # an error answer is not a served query
                    e += 1
                    codes[st] = codes.get(st, 0) + 1
            except Exception:  # noqa: BLE001
                e += 1
                codes["exception"] = codes.get("exception", 0) + 1
                cl.close()
                cl = engine.client()
            i += 1
        cl.close()
        with lock:
            lat.extend(mine)
            errs[0] += e

    ts = [threading.Thread(target=run, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    outq.put((lat, errs[0], codes))


def load(engine, qs, clients, duration):
    """`clients` concurrent clients (threads spread over up to 4 processes) send the
    queries in a cycle for `duration` seconds: q/s and client-side p99."""
    ctx = multiprocessing.get_context("fork")
    nproc = min(clients, 4)
    outq = ctx.Queue()
    start = time.monotonic() + 0.5
    ps = []
    for p in range(nproc):
        nth = clients // nproc + (1 if p < clients % nproc else 0)
        pr = ctx.Process(target=_load_proc, args=(engine, qs, nth, start, duration, p * 131, outq))
        pr.start()
        ps.append(pr)
    lat, errs, codes = [], 0, collections.Counter()
    for _ in ps:
        a, e, c = outq.get(timeout=duration + 120)
        lat += a
        errs += e
        codes.update(c)
    for pr in ps:
        pr.join()
    return {"qps": len(lat) / duration, "p99_ms": (pct(lat, 99) or 0) * 1000.0,
            "p50_ms": (pct(lat, 50) or 0) * 1000.0, "errors": errs,
            "error_codes": {str(k): v for k, v in codes.items()}}


def pipeline_speed(exe, root, meta, limit):
    if not exe:
        return None
    paths = "\n".join(os.path.join(root, m["path"]) for m in meta[:limit]) + "\n"
    r = subprocess.run([exe], input=paths.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        log(f"pipeline: helper failed: {r.stderr.decode(errors='replace')[-200:]}")
        return None
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------------------
# Report

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem, 1),
            "kernel": platform.release(), "python": platform.python_version()}


def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, float):
        if abs(v) >= 100:
            s = f"{v:.0f}"
        elif abs(v) >= 10:
            s = f"{v:.1f}"
        else:
            s = f"{v:.2f}"
    else:
        s = str(v)
    return s + unit


def build_rows(R):
    """(label, higher_is_better, {engine: value}) for the side-by-side table."""
    rows = []
    E = R["engines"]
    ix = lambda e, k: (E[e].get("index") or {}).get(k)
    names = [e for e in E if E[e].get("index")]
    rows.append(("indexing MB/s (decoded text)", True, {e: ix(e, "mb_s") for e in names}))
    rows.append(("indexing docs/s", True, {e: ix(e, "docs_s") for e in names}))
    names = [e for e in names if not ix(e, "sample")]  # a sample's size/RSS compare nothing
    rows.append(("indexing peak RSS MB", False, {e: ix(e, "rss_mb") for e in names}))
    rows.append(("index size MB", False, {e: (ix(e, "size_bytes") or 0) / 1e6 or None for e in names}))
    g = E.get("gongwen", {}).get("index") or {}
    if g.get("size_compact_bytes"):
        rows.append(("index size MB after xapian-compact", False,
                     {"gongwen": g["size_compact_bytes"] / 1e6,
                      **{e: (ix(e, "size_bytes") or 0) / 1e6 for e in names if e != "gongwen"}}))
    rows.append(("unchanged rerun s (peers: full rebuild)", False,
                 {e: (ix(e, "rerun_seconds") if e == "gongwen" else ix(e, "seconds"))
                  for e in names if not ix(e, "sample")}))
    rows.append(("all queries: answered exactly", True,
                 {e: E[e]["quality"]["_all"]["exact"] for e in E if E[e].get("quality")}))
    for kind in KINDS:
        rows.append((f"{kind}: exact answers", True,
                     {e: (E[e].get("quality") or {}).get(kind, {}).get("exact") for e in E if E[e].get("quality")}))
    for kind in KINDS:
        rows.append((f"{kind}: recall %", True,
                     {e: pct100((E[e].get("quality") or {}).get(kind, {}).get("recall")) for e in E if E[e].get("quality")}))
        rows.append((f"{kind}: precision %", True,
                     {e: pct100((E[e].get("quality") or {}).get(kind, {}).get("precision")) for e in E if E[e].get("quality")}))
    for kind in KINDS:
        rows.append((f"{kind}: p50 ms †", False,
                     {e: (E[e].get("latency") or {}).get(kind, {}).get("p50_ms") for e in E if E[e].get("latency")}))
        rows.append((f"{kind}: p99 ms †", False,
                     {e: (E[e].get("latency") or {}).get(kind, {}).get("p99_ms") for e in E if E[e].get("latency")}))
    for c in R["clients"]:
        rows.append((f"{c} clients: q/s †", True,
                     {e: (E[e].get("load") or {}).get(str(c), {}).get("qps") for e in E if E[e].get("load")}))
        rows.append((f"{c} clients: p99 ms †", False,
                     {e: (E[e].get("load") or {}).get(str(c), {}).get("p99_ms") for e in E if E[e].get("load")}))
        rows.append((f"{c} clients: error answers", False,
                     {e: (E[e].get("load") or {}).get(str(c), {}).get("errors") for e in E if E[e].get("load")}))
    return rows


def pct100(x):
    return None if x is None else 100.0 * x


def render(R):
    rows = build_rows(R)
    engines = [e for e in R["engines"]]
    peers = [e for e in engines if e != "gongwen"]
    out = []
    out.append(f"Gongwen benchmark — {R['n']} documents, seed {R['seed']}, {R['date']}")
    m = R["machine"]
    out.append(f"machine: {m['nproc']} cores, {m['cpu']}, {m['mem_gib']} GiB")
    c = R["corpus"]
    out.append(f"corpus: {c['files']} files, {c['raw_mb']:.1f} MB as stored, "
               f"{c['decoded_mb']:.1f} MB decoded UTF-8; queries: {R['n_queries']} in {len(KINDS)} kinds; "
               f"oracle normalization: {R['normalizer']}")
    pp = R.get("peer_page", "ids")
    out.append("first page: every engine answers 10 hits with a snippet each and the counts by "
               "source and by year" if pp == "page" else
               "first page: Gongwen answers 10 hits with snippets and facets, the peers their "
               "10 best ids only (--peer-page ids)")
    if R.get("pipeline"):
        p = R["pipeline"]
        out.append(f"text pipeline alone (decode→clean→normalize→tokens, 1 thread): "
                   f"{p['mb_s']:.1f} MB/s over {p['files']} files")
    for e, v in R["engines"].items():
        if v.get("skipped"):
            out.append(f"NOT MEASURED: {e}: {v['skipped']}")
    out.append("")
    hdr = ["metric"] + engines + ["best peer", "Gongwen ÷ best"]
    table = []
    for label, hib, vals in rows:
        if all(vals.get(e) is None for e in engines):
            continue
        # † rows: only daemons compete (SQLite answers in-process, without a network hop,
        # and instantly "answers" the 1-2-character queries it cannot match).
        pv = {e: vals.get(e) for e in peers if vals.get(e) is not None
              and not ("†" in label and R["engines"][e].get("in_process"))}
        best = None
        if pv:
            best = (max if hib else min)(pv, key=lambda e: pv[e])
        g = vals.get("gongwen")
        ratio, rtxt = None, "—"
        if best is not None and g is not None:
            if pv[best]:
                ratio = g / pv[best]
                good = ratio >= 1 if hib else ratio <= 1
                rtxt = fmt(ratio) + (" ✔" if good else " ✘")
            elif g:
                rtxt = "∞ ✔" if hib else "∞ ✘"
            else:
                rtxt = "= ✔"
        table.append([label] + [fmt(vals.get(e)) for e in engines] + [best or "—", rtxt])
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
    for t in table:
        out.append("| " + " | ".join(t) + " |")
    out.append("")
    out.append("✔ = Gongwen at least as good as the best peer (for sizes, RSS, times and latencies a "
               "ratio below 1 is better; for rates, recall and precision above 1).")
    out.append("† = the best peer is chosen among the daemons only (SQLite runs in-process, "
               "without a network hop, and answers the 1-2-character queries it cannot match "
               "with nothing at once); its figures are shown for information.")
    for e, v in R["engines"].items():
        if v.get("note"):
            out.append(f"- {e}: {v['note']}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------

def write_md(path, R, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n\nQuery kinds:\n\n")
        for k in KINDS:
            v = R["queries_by_kind"][k]
            fh.write(f"- {k} ({KIND_DOC[k]}): {v['n']} queries, median {fmt(v['median_hits'])} "
                     f"expected documents; e.g. {', '.join(v['examples'])}\n")
        c = R["corpus"]
        fh.write(f"\nCorpus: encodings {c['encodings']}, {c['html']} HTML, {c['traditional']} "
                 f"Traditional, {c['pinyin']} with pinyin, {c['reposts']} reposts, "
                 f"{c['wrapped']} hard-wrapped, {c['fullwidth']} with full-width digits.\n")
        fh.write(f"\nTotal run time {R['total_seconds']:.0f} s.\n")


def main():
    ap = argparse.ArgumentParser(description="Gongwen benchmark")
    ap.add_argument("n", nargs="?", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", type=int, default=30, help="queries per kind")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per load level")
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--passes", type=int, default=3, help="latency passes over the queries")
    ap.add_argument("--engines", default="gongwen,sphinx,groonga,sqlite,omega")
    ap.add_argument("--peer-page", choices=("page", "ids"), default="page",
                    help="what the peers answer for a first page: 'page' = the page Gongwen "
                         "serves (10 hits with snippets, counts by source and by year), "
                         "'ids' = the 10 best ids only (the setting before 2026-11-23)")
    ap.add_argument("--omega-sample", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--realtext", action="store_true",
                    help="then also run bench/realtext.py: recall and precision on real text "
                         "(Debian's Chinese documentation; see bench/README.md)")
    ap.add_argument("--realtext-only", action="store_true",
                    help="run only bench/realtext.py (the generated corpus is not built)")
    ap.add_argument("--render", metavar="RESULTS.json",
                    help="only print the table of an earlier run's JSON (and rewrite its .md)")
    a = ap.parse_args()
    if a.render:
        R = json.load(open(a.render, encoding="utf-8"))
        for e, v in R["engines"].items():
            v.setdefault("in_process", e in ("sqlite", "omega"))
        text = render(R)
        write_md(a.render[:-5] + ".md", R, text)
        print(text)
        return
    if a.realtext_only:
        sys.exit(run_realtext(a))
    t_start = time.monotonic()
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(RESULTS, exist_ok=True)
    clients = [int(x) for x in a.clients.split(",") if x]
    R = {"n": a.n, "seed": a.seed, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "machine": machine(), "clients": clients, "engines": {}}

    log("phase 1/5: corpus")
    cdir, gen_s = ensure_corpus(a.n, a.seed, a.jobs)
    root = os.path.join(cdir, "root")
    meta = load_jsonl(os.path.join(cdir, "meta.jsonl"))
    truth_l = load_jsonl(os.path.join(cdir, "truth.jsonl"))
    truth = {t["id"]: t for t in truth_l}
    ids = [m["id"] for m in meta]
    log("corpus: decoding files to UTF-8 for the peers")
    peer_texts = decode_for_peers(root, meta)
    raw = sum(m["bytes"] for m in meta)
    dec = sum(len(t.encode("utf-8")) for t in peer_texts)
    enc = collections.Counter(m["enc"] for m in meta)
    R["corpus"] = {"files": len(meta), "raw_mb": raw / 1e6, "decoded_mb": dec / 1e6,
                   "generate_seconds": gen_s, "encodings": dict(enc),
                   "html": sum(m["html"] for m in meta), "traditional": sum(m["trad"] for m in meta),
                   "pinyin": sum(m["pinyin"] for m in meta), "reposts": sum(m["dup_of"] is not None for m in meta),
                   "wrapped": sum(m["wrap"] for m in meta), "fullwidth": sum(m["fullwidth"] for m in meta)}
    log(f"corpus: {len(meta)} files, {raw / 1e6:.1f} MB stored, {dec / 1e6:.1f} MB decoded; "
        f"encodings {dict(enc)}")

    log("phase 2/5: oracle (normalized truth) and queries")
    helpers = build_helpers()
    norm = Normalizer(helpers["normalize"])
    R["normalizer"] = norm.how
    log(f"oracle: normalization by {norm.how}")
    t0 = time.monotonic()
    parts = [split_truth(truth[i]) for i in ids]
    strict_norm = norm.many([p[0] for p in parts])
    extra_norm = norm.many([p[1] for p in parts])
    oracle = Oracle(ids, strict_norm, extra_norm)
    peer_fields = fields_for_peers(helpers["doc_fields"], root, meta) if a.peer_page == "page" \
        else [("", "")] * len(meta)
    ctx = {"meta": meta, "truth": truth, "norm": norm, "oracle": oracle, "root": root, "ids": ids,
           "peer_texts": peer_texts, "peer_fields": peer_fields, "peer_page": a.peer_page,
           "strict_norm": strict_norm, "pos": {i: k for k, i in enumerate(ids)}}
    R["peer_page"] = a.peer_page
    qs = make_queries(ctx, a.kinds, a.seed)
    R["n_queries"] = len(qs)
    log(f"oracle: {len(qs)} queries with expected results in {time.monotonic() - t0:.1f} s")
    with open(os.path.join(WORK, f"queries-s{a.seed}-n{a.n}.json"), "w", encoding="utf-8") as fh:
        json.dump(qs, fh, ensure_ascii=False, indent=0)
    R["queries_by_kind"] = {k: {"n": sum(q["kind"] == k for q in qs),
                                "median_hits": pct([len(q["strict"]) for q in qs if q["kind"] == k], 50),
                                "examples": [" ".join(q["terms"]) for q in qs if q["kind"] == k][:3]}
                            for k in KINDS}

    log("phase 3/5: text pipeline alone")
    R["pipeline"] = pipeline_speed(helpers["pipeline_full"], root, meta, min(len(meta), 5000))
    if R["pipeline"]:
        log(f"pipeline: {R['pipeline']['mb_s']:.1f} MB/s")
    else:
        log("pipeline: not measured (bench/pipeline_full.c does not build against lib/ yet)")

    log("phase 4/5: engines")
    wanted = a.engines.split(",")
    makers = {"gongwen": lambda: Gongwen(ctx), "sphinx": lambda: Sphinx(ctx),
              "groonga": lambda: Groonga(ctx), "sqlite": lambda: Sqlite(ctx),
              "omega": lambda: Omega(ctx, a.omega_sample)}
    running = {}  # started engines, measured together below
    for name in wanted:
        eng = makers[name]()
        ER = R["engines"].setdefault(name, {"note": eng.note, "in_process": not eng.server})
        ok = eng.available()
        if ok is not True:
            log(f"*** {name}: NOT MEASURED: {ok} — the run goes on without it")
            ER["skipped"] = ok
            continue
        try:
            log(f"{name}: indexing")
            ix = eng.index()
            nd = ix.get("docs", len(ids))
            inb = ix.get("input_bytes", dec)
            ix["mb_s"] = inb / 1e6 / ix["seconds"]
            ix["docs_s"] = nd / ix["seconds"]
            ER["index"] = ix
            log(f"{name}: indexed in {ix['seconds']:.1f} s = {ix['mb_s']:.2f} MB/s, "
                f"{ix['docs_s']:.0f} docs/s, peak RSS {fmt(ix.get('rss_mb'))} MB, "
                f"{ix['size_bytes'] / 1e6:.1f} MB on disk")
            if name == "omega":
                continue
            log(f"{name}: starting")
            eng.start()
            try:
                log(f"{name}: answering {len(qs)} queries (all results) for recall/precision")
                ans = answer_all(eng, qs)
                ER["quality"] = score(qs, ans)
                log(f"{name}: {ER['quality']['_all']['exact']}/{len(qs)} queries answered exactly")
                ER["answers"] = [sorted(x) if x is not None else None for x in ans]
                running[name] = eng
            except BaseException:
                eng.stop()
                raise
        except Exception as e:  # noqa: BLE001
            log(f"*** {name}: FAILED: {e} — the run goes on without it")
            ER["failed"] = str(e)
            try:
                eng.stop()
            except Exception:  # noqa: BLE001
                pass

    try:
        if running:
            log(f"latency: {a.passes} passes, one client, first page, engines interleaved "
                f"per query ({', '.join(running)})")
            for name, v in latency(running, qs, a.passes).items():
                R["engines"][name]["latency"] = v
        for name, eng in running.items():
            ER = R["engines"][name]
            ER["load"] = {}
            try:
                for c in clients:
                    log(f"{name}: {c} concurrent clients for {a.duration:.0f} s")
                    ER["load"][str(c)] = load(eng, qs, c, a.duration)
                    L = ER["load"][str(c)]
                    log(f"{name}: {c} clients: {L['qps']:.0f} q/s, p99 {L['p99_ms']:.1f} ms"
                        + (f", {L['errors']} ERROR answers {L['error_codes']} (not counted)"
                           if L["errors"] else ""))
            except Exception as e:  # noqa: BLE001
                log(f"*** {name}: load test FAILED: {e}")
                ER["failed"] = str(e)
    finally:
        for name, eng in running.items():
            try:
                eng.stop()
                log(f"{name}: stopped")
            except Exception:  # noqa: BLE001
                pass

    log("phase 5/5: report")
    R["total_seconds"] = time.monotonic() - t_start
    text = render(R)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    base = os.path.join(RESULTS, f"{stamp}-{a.n}")
    answers = {e: R["engines"][e].pop("answers", None) for e in R["engines"]}
    with open(base + ".json", "w", encoding="utf-8") as fh:
        # paths relative to the repository: the results are versioned
        fh.write(json.dumps(R, ensure_ascii=False, indent=1).replace(REPO + "/", ""))
    write_md(base + ".md", R, text)
    with open(os.path.join(WORK, f"answers-s{a.seed}-n{a.n}.json"), "w") as fh:
        json.dump(answers, fh)
    print()
    print(text)
    print()
    log(f"wrote {os.path.relpath(base, REPO)}.md and .json; total {R['total_seconds']:.0f} s")
    if a.realtext:
        run_realtext(a)


def run_realtext(a):
    """bench/realtext.py with this run's seed and queries per kind; returns its exit status."""
    log("real text: bench/realtext.py")
    return subprocess.run([sys.executable, os.path.join(HERE, "realtext.py"), "--seed", str(a.seed),
                           "--kinds", str(a.kinds)]).returncode


if __name__ == "__main__":
    main()
