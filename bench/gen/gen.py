#!/usr/bin/env python3
"""Deterministic generator of a noisy archive of Chinese policy documents.

    gen.py --n N [--seed S] --out DIR [--jobs J]

Writes DIR/root/NNNN/IIIIIII.{txt,html} (1,000 files per folder) and, beside the root
(never inside it, so no engine sees them):
  DIR/meta.jsonl   one line per document: id, path, encoding, html, trad, pinyin, dup_of
  DIR/truth.jsonl  one line per document: id, strict, lenient
The truth is what a reader sees, without any of the noise: `strict` = title + body
(no boilerplate, no pinyin annotations, no line wraps, no metadata lines), blocks
separated as the document separates them (a blank line, or one line break); `lenient`
adds the metadata lines (source, date, document number, editor) and the page's header
and footer lines, which an engine finds too (every line a reader sees is findable).
Recall is measured against `strict`, precision against `lenient`.

Document i depends only on (seed, i): every random choice for it comes from PRNGs seeded
from (seed, i), so the first 20,000 documents of a 100,000 corpus are the 20,000 of a
20,000 corpus. A repost (~5%) re-creates the content of an earlier document j from
(seed, j) and decorates it differently.

The text model is learned from corpus/ (the real reports): a word bigram chain over the
reports converted to Simplified and segmented with the friso-dict lexicon (Debian package
friso-dict). With a small probability a word is replaced by a word drawn from the whole
lexicon (~170,000 words) ranked with a Zipf law, so the vocabulary keeps growing with N
(Heaps' law) and there are very rare words. Traditional documents are converted with
OpenCC's s2t (the `opencc` command, one call per batch of documents).
"""
import argparse
import bisect
import hashlib
import html
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
LEXICON = "/usr/share/friso/dict/UTF-8/lex-main.lex"   # Debian package friso-dict
PLACES = "/usr/share/friso/dict/UTF-8/lex-cn-place.lex"
NAMES = "/usr/share/friso/dict/UTF-8/lex-lname.lex"
GEN_VERSION = "5"
CHUNK = 500

# Pinyin that web converters leave after Traditional characters (the ones seen in
# corpus/ plus common ones of the same kind). Every syllable has a tone mark.
PINYIN = {
    "發": "fā", "優": "yōu", "業": "yè", "續": "xù", "規": "guī", "態": "tài", "聯": "lián",
    "執": "zhí", "協": "xié", "區": "qū", "創": "chuàng", "養": "yǎng", "衛": "wèi",
    "統": "tǒng", "節": "jié", "穩": "wěn", "監": "jiān", "現": "xiàn", "據": "jù",
    "體": "tǐ", "質": "zhì", "經": "jīng", "濟": "jì", "設": "shè", "權": "quán",
    "實": "shí", "務": "wù", "會": "huì", "議": "yì", "導": "dǎo", "進": "jìn",
    "點": "diǎn", "機": "jī", "組": "zǔ", "織": "zhī", "黨": "dǎng", "習": "xí",
    "責": "zé", "專": "zhuān", "項": "xiàng", "強": "qiáng", "與": "yǔ", "開": "kāi",
    "資": "zī", "產": "chǎn", "農": "nóng", "環": "huán",
}

SECTIONS = ["新闻中心", "工作动态", "政策文件", "领导讲话", "通知公告", "机关党建",
            "政务公开", "要闻", "基层动态", "理论学习", "讲话致辞", "领导讲话稿"]
SITES = ["旗帜网", "文范网", "人民网", "新华网", "党建网", "政府网", "机关党建网",
         "融媒体中心", "共产党员网", "文秘网", "范文网"]
DEPTS = ["市委组织部", "发展和改革委员会", "人民政府办公室", "直属机关工委", "财政局",
         "教育局", "卫生健康委员会", "生态环境局", "融媒体中心", "农业农村局",
         "市场监督管理局", "人力资源和社会保障局", "统计局", "审计局", "司法局",
         "科学技术局", "住房和城乡建设局", "交通运输局", "应急管理局", "纪委监委",
         "委宣传部", "委统战部", "委政法委", "人民政府", "总工会", "团委", "妇联"]
DOCTYPES = ["工作报告", "工作总结", "情况汇报", "实施方案", "通知", "意见", "讲话",
            "工作要点", "调研报告", "述职报告", "发言材料", "心得体会", "经验交流材料"]
ABBR = ["国发", "国办发", "政发", "办发", "组通字", "发改", "财预", "教督", "卫健发",
        "环发", "市政办", "县委发"]
LATIN = ["G20峰会", "5G网络", "5G基站", "GDP", "APP", "PM2.5", "CPI", "N95口罩", "AI",
         "VR", "PPP项目", "12345热线", "Wi-Fi", "CBD", "ETC", "PPT", "QQ群", "B超",
         "IPv6", "H5页面", "O2O", "LED屏", "GPS定位", "U盘", "WTO", "CEO", "ISO9001认证",
         "4A级景区", "5A级景区", "3D打印", "OA系统", "e政务", "X光机", "K线图"]
CN_DIGITS = "〇一二三四五六七八九"
FW = str.maketrans("0123456789", "０１２３４５６７８９")
SEP = "\n@@GWSEP@@\n"
# OpenCC's s2t writes some variants Big5 lacks; a Big5 file uses the Taiwan forms.
BIG5FIX = str.maketrans("爲羣衆麪僞綫喫纔啓敎峯牀裏甯鷄着眞緖", "為群眾麵偽線吃才啟教峰床裡寧雞著真緒")


def is_han(c):
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def mix(seed, i, stream):
    """A 64-bit PRNG seed from (seed, i, stream), stable across Python versions."""
    h = hashlib.blake2b(f"{seed}:{i}:{stream}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "little")


def opencc(config, texts):
    """Converts a list of strings with one `opencc` call; keeps the list's shape."""
    if not texts:
        return []
    data = SEP.join(texts).encode("utf-8")
    out = subprocess.run(["opencc", "-c", config], input=data, stdout=subprocess.PIPE,
                         check=True).stdout.decode("utf-8")
    parts = out.split(SEP)
    if len(parts) != len(texts):
        # A separator was changed by the converter: fall back to one call per text.
        parts = [subprocess.run(["opencc", "-c", config], input=t.encode(), check=True,
                                stdout=subprocess.PIPE).stdout.decode() for t in texts]
    return parts


# ---------------------------------------------------------------------------------------
# The model (built once in the parent; workers inherit it through fork)

class Model:
    pass


def read_lex(path):
    words = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split("/", 1)[0].strip()
            if w:
                words.append(w)
    return words


BOILER_RE = re.compile(r"当前位置|站内搜索|文字缩放|投稿邮箱|版权|来源|编辑|签发|提供$|>>")
PINYIN_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
TOKEN_RE = re.compile(r"[0-9][0-9.]*|[A-Za-z]+|[\u4e00-\u9fff]+|\s+|.")


def build_model(corpus_dir):
    m = Model()
    lex = [w for w in read_lex(LEXICON) if all(is_han(c) for c in w) and 2 <= len(w) <= 4]
    lexset = set(read_lex(LEXICON))
    files = sorted(os.path.join(corpus_dir, f) for f in os.listdir(corpus_dir)
                   if f.endswith(".txt"))
    raw = [open(f, encoding="utf-8", errors="replace").read() for f in files]
    simp = opencc("t2s.json", raw)
    sents = []
    for text in simp:
        text = PINYIN_RE.sub("", text)
        for line in text.split("\n"):
            line = line.strip()
            if len(line) < 20 or BOILER_RE.search(line) or "\ufffd" in line:
                continue
            for s in re.split(r"(?<=[。！？；])", line):
                if len(s) >= 6:
                    sents.append(s)
    trans = {}
    starts = []
    freq = {}
    for s in sents:
        toks = ["<S>"]
        for m_ in TOKEN_RE.finditer(s):
            t = m_.group(0)
            if t[0].isdigit():
                toks.append("<N>")
            elif is_han(t[0]):
                # forward maximum matching with the lexicon
                k = 0
                while k < len(t):
                    for L in range(min(6, len(t) - k), 0, -1):
                        w = t[k:k + L]
                        if L == 1 or w in lexset:
                            toks.append(w)
                            freq[w] = freq.get(w, 0) + 1
                            k += L
                            break
            elif t.isspace():
                continue
            else:
                toks.append(t)
        for a, b in zip(toks, toks[1:]):
            trans.setdefault(a, []).append(b)
        if toks[-1] not in trans:
            trans[toks[-1]] = ["。"] if toks[-1] not in "。！？；" else []
    m.trans = trans
    m.starts = trans["<S>"]
    # Zipf-ranked lexicon: the corpus's own words first (by frequency), then the rest of
    # the lexicon in a fixed pseudo-random order.
    known = sorted((w for w in freq if len(w) >= 2), key=lambda w: (-freq[w], w))
    knownset = set(known)
    rest = [w for w in lex if w not in knownset]
    random.Random(20231).shuffle(rest)
    m.ranked = known + rest
    cum, tot = [], 0.0
    for r in range(len(m.ranked)):
        tot += 1.0 / (r + 1) ** 1.07
        cum.append(tot)
    m.zipf_cum, m.zipf_tot = cum, tot
    places = [w for w in read_lex(PLACES) if all(is_han(c) for c in w) and 2 <= len(w) <= 4]
    m.places = sorted(set(places))
    m.names = sorted(set(w for w in read_lex(NAMES) if 2 <= len(w) <= 3 and
                         all(is_han(c) for c in w)))
    return m


# ---------------------------------------------------------------------------------------
# Content: title, date, source, body (everything that a repost copies)

def zipf_word(m, r):
    return m.ranked[bisect.bisect_left(m.zipf_cum, r.random() * m.zipf_tot)]


def number(r, nxt):
    if nxt and nxt[0] == "年":
        return str(r.randint(2008, 2024))
    x = r.random()
    if x < 0.55:
        return str(r.randint(1, 99))
    if x < 0.8:
        return str(r.randint(100, 99999))
    return f"{r.randint(1, 999)}.{r.randint(1, 99)}"


def date_fmt(r, y, mo, d):
    k = r.randrange(8)
    if k == 0:
        return f"{y}年{mo:02d}月{d:02d}日"
    if k == 1:
        return f"{y}年{mo}月{d}日"
    if k == 2:
        return f"{y}-{mo:02d}-{d:02d}"
    if k == 3:
        return f"{y}/{mo}/{d}"
    if k == 4:
        return f"{y}.{mo:02d}.{d:02d}"
    if k == 5:
        def cn(n):
            if n < 10:
                return CN_DIGITS[n]
            return ("" if n < 20 else CN_DIGITS[n // 10]) + "十" + \
                (CN_DIGITS[n % 10] if n % 10 else "")
        return "".join(CN_DIGITS[int(c)] for c in str(y)) + "年" + cn(mo) + "月" + cn(d) + "日"
    if k == 6:
        return f"{y}年{mo}月{d}日".translate(FW)
    return f"{y}年{mo}月{d}日"


def sentence(m, r, latin_p):
    trans, out = m.trans, []
    prev = "<S>"
    n = 0
    inject = r.random() < latin_p
    while True:
        nxts = trans.get(prev)
        if not nxts:
            out.append("。")
            break
        t = nxts[r.randrange(len(nxts))]
        prev = t
        n += 1
        if t == "<N>":
            # choose what follows first, so that "<N>年" becomes a year
            nx = trans.get("<N>") or ["。"]
            t = nx[r.randrange(len(nx))]
            prev = t
            out.append(number(r, t))
            if t == "<N>":
                continue
            out.append(t)
            if t in ("。", "！", "？", "；"):
                break
            continue
        if len(t) >= 2 and is_han(t[0]) and r.random() < 0.11:
            out.append(zipf_word(m, r))
        else:
            if inject and len(t) >= 2 and is_han(t[0]) and r.random() < 0.15:
                out.append(LATIN[r.randrange(len(LATIN))])
                inject = False
            out.append(t)
        if t in ("。", "！", "？", "；"):
            break
        if n > 90:
            out.append("。")
            break
    return "".join(out)


def paragraph(m, r):
    k = r.randint(2, 6)
    p = "".join(sentence(m, r, 0.25) for _ in range(k))
    if r.random() < 0.12:
        y, mo, d = r.randint(2010, 2024), r.randint(1, 12), r.randint(1, 28)
        p = f"{date_fmt(r, y, mo, d)}，" + p
    return p


def make_org(m, r):
    return m.places[r.randrange(len(m.places))] + \
        ("市" if r.random() < 0.5 else "县") + DEPTS[r.randrange(len(DEPTS))]


def title_text(m, r, org):
    k = r.randrange(5)
    topic = "".join(zipf_word(m, r) if r.random() < 0.3 else
                    m.ranked[r.randrange(min(3000, len(m.ranked)))] for _ in range(r.randint(1, 3)))
    dt = DOCTYPES[r.randrange(len(DOCTYPES))]
    if k == 0:
        return f"{org}关于{topic}的{dt}"
    if k == 1:
        return f"在{org}{topic}会议上的讲话"
    if k == 2:
        return f"{r.randint(2015, 2024)}年{topic}{dt}"
    if k == 3:
        s = sentence(m, r, 0.0).rstrip("。！？；")
        return s[:r.randint(10, 28)]
    return f"{topic}　{DOCTYPES[r.randrange(len(DOCTYPES))]}"


def content(m, seed, j):
    """Everything a repost copies: a dict of Simplified pieces and flags."""
    r = random.Random(mix(seed, j, 1))
    c = {}
    c["org"] = make_org(m, r)
    c["date"] = (r.randint(2015, 2024), r.randint(1, 12), r.randint(1, 28))
    c["title"] = title_text(m, r, c["org"])
    npar = max(1, int(r.lognormvariate(1.5, 0.55)))
    c["paras"] = [paragraph(m, r) for _ in range(min(npar, 40))]
    c["trad"] = r.random() < 0.30
    c["fullwidth"] = r.random() < 0.08
    if c["fullwidth"]:
        c["paras"] = [p.translate(FW) for p in c["paras"]]
    c["docno"] = (f"{ABBR[r.randrange(len(ABBR))]}〔{c['date'][0]}〕{r.randint(1, 200)}号"
                  if r.random() < 0.25 else "")
    return c


# ---------------------------------------------------------------------------------------
# Decoration: what the site around the text added (differs between reposts)

def decoration(m, seed, i, c, dup):
    d = random.Random(mix(seed, i, 2))
    o = {}
    site = SITES[d.randrange(len(SITES))]
    sec = SECTIONS[d.randrange(len(SECTIONS))]
    y, mo, dd = c["date"]
    hdr = []
    if d.random() < 0.45:
        cands = [f"当前位置:首页 > {sec} > 正文", f"当前位置:{site} > {sec} >",
                 "站内搜索:", "文字缩放:", f"投稿邮箱:gw{d.randint(10, 9999)}@126.com",
                 f"{site}>>{sec}", "【字体:大 中 小】"]
        hdr = d.sample(cands, d.randint(1, 3))
    ftr = []
    if d.random() < 0.45:
        cands = [f"版权声明:本网站所刊登的{site}各种新闻﹑信息和各种专题专栏资料,均为{site}版权所有,未经协议授权,禁止下载使用。",
                 f"版权所有:{site} 备案号:京ICP备{d.randint(10000000, 99999999)}号",
                 "【打印本页】【关闭窗口】", "分享到:",
                 f"• 文章版权属于{site}，转载请注明出处"]
        ftr = d.sample(cands, d.randint(1, 3))
    meta = []
    k = d.randrange(5)
    dstr = date_fmt(d, y, mo, dd)
    if k == 0:
        meta.append(f"来源:{c['org']}{dstr} {d.randint(7, 22):02d}:{d.randint(0, 59):02d}")
    elif k == 1:
        meta.append(f"(新闻来源:{c['org']} 转载:{m.names[d.randrange(len(m.names))]})")
    elif k == 2:
        meta.append(f"本版文图由 {c['org']} 提供")
    elif k == 3:
        meta.append(f"发布时间:{dstr}　来源:{c['org']}")
    else:
        meta.append(dstr)
    if c["docno"]:
        meta.insert(0, c["docno"])
    if d.random() < 0.2:
        meta.append(f"( 编辑:{m.names[d.randrange(len(m.names))]} 签发:{m.names[d.randrange(len(m.names))]} )")
    o["hdr"], o["ftr"], o["meta"] = hdr, ftr, meta
    t = c["title"]
    if dup:
        t = [f"【转载】{t}", f"{t}（转载）", f"{t}_{site}", f"转发：{t}"][d.randrange(4)]
    o["title_line"] = t
    o["title_reps"] = d.randint(2, 4) if d.random() < 0.08 else 1
    o["wrap"] = d.random() < 0.12
    o["wrap_w"] = d.randint(30, 45)
    o["pinyin"] = c["trad"] and d.random() < 0.35
    o["indent"] = d.random() < 0.3
    o["blank"] = d.random() < 0.5
    x = d.random()
    if x < 0.03:
        o["enc"] = "gb18030"
    elif x < 0.10:
        # ~1.5% of all files: Big5 only holds Traditional text (and no pinyin tone marks)
        o["enc"] = "big5" if c["trad"] and not o["pinyin"] else "utf-8"
    elif x < 0.12:
        o["enc"] = "utf-16"
    else:
        o["enc"] = "utf-8"
    o["html"] = d.random() < 0.04
    o["rng"] = d
    return o


def annotate_pinyin(text, d):
    out = []
    for ch in text:
        out.append(ch)
        p = PINYIN.get(ch)
        if p and d.random() < 0.7:
            out.append(f"({p})")
    return "".join(out)


def wrap(p, w):
    """Hard line breaks every ~w characters, only between two Han characters."""
    out, last = [], 0
    k = w
    while k < len(p):
        while k < len(p) and not (is_han(p[k - 1]) and is_han(p[k])):
            k += 1
        if k >= len(p):
            break
        out.append(p[last:k])
        last = k
        k += w
    out.append(p[last:])
    return "\n".join(out)


def render(c, o, conv):
    """Builds (file bytes, extension, strict truth, lenient truth)."""
    d = o["rng"]
    T = conv  # Simplified piece -> piece in the document's script
    if o["enc"] == "big5":
        T = lambda s: conv(s).translate(BIG5FIX)
    title = T(c["title"])
    title_line = T(o["title_line"])
    paras = [T(p) for p in c["paras"]]
    meta = [T(x) for x in o["meta"]]
    hdr = [T(x) for x in o["hdr"]]
    ftr = [T(x) for x in o["ftr"]]
    # The truth separates what the document separates: a blank line between blocks (every
    # block of a web page; the lines of a text written with blank lines between them), one
    # line break otherwise (white space, one line break included, does not separate Han
    # text: DESIGN.md §2.4).
    sep_t = "\n\n" if o["html"] or o["blank"] else "\n"
    strict = title + sep_t + sep_t.join(paras)
    # what is also accepted: the decorated title, metadata lines and the page's header and
    # footer lines (every line a reader sees is findable; the body is ranked first)
    lenient = sep_t.join(hdr + ftr + [title_line] + meta) + sep_t + sep_t.join(paras)
    if o["pinyin"]:
        title_line = annotate_pinyin(title_line, d)
        paras = [annotate_pinyin(p, d) for p in paras]
    if o["wrap"]:
        paras = [wrap(p, o["wrap_w"]) for p in paras]
    if o["indent"]:
        paras = ["\u3000\u3000" + p for p in paras]
    if o["html"]:
        e = html.escape
        body = []
        body += [f'<div class="nav">{e(h)}</div>' for h in hdr]
        body += [f"<h1>{e(title_line)}</h1>"] * o["title_reps"]
        body += [f'<div class="info">{e(x)}</div>' for x in meta]
        for p in paras:
            p = e(p, quote=False).replace("\n", "<br>\n")
            if d.random() < 0.3:
                p = p.replace("“", "&ldquo;").replace("”", "&rdquo;")
            body.append(f"<p>{p}</p>")
        body += [f'<div class="footer">{e(f)}&nbsp;</div>' for f in ftr]
        text = ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"{cs}\">\n"
                f"<title>{e(title_line)}</title>\n"
                "<style>body{font-family:\"宋体\";} .nav{color:#333}</style>\n"
                "<script>var shareText=\"分享到微博 分享到微信 打印本页\";</script>\n"
                "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
        ext = "html"
    else:
        sep = "\n\n" if o["blank"] else "\n"
        lines = hdr + [title_line] * o["title_reps"] + meta
        text = sep.join(lines + paras + ftr) + "\n"
        ext = "txt"
    enc = o["enc"]
    if o["html"]:
        cs = {"utf-8": "utf-8", "gb18030": "gb18030", "big5": "big5", "utf-16": "utf-8"}[enc]
        if enc == "utf-16":
            enc = "utf-8"
        text = text.replace("{cs}", cs)
    try:
        data = text.encode("utf-16" if enc == "utf-16" else enc)
    except UnicodeEncodeError:
        # Big5 lacks some characters OpenCC produces: such a file is GB18030 instead.
        enc = "gb18030"
        if o["html"]:
            text = text.replace('charset="big5"', 'charset="gb18030"')
        data = text.encode(enc)
    return data, ext, enc, strict, lenient


def gen_chunk(args):
    m, seed, lo, hi, out = args
    items = []
    for i in range(lo, hi):
        r = random.Random(mix(seed, i, 0))
        dup = None
        if i >= 20 and r.random() < 0.05:
            dup = i - 1 - r.randrange(min(i, 2000))
        c = content(m, seed, dup if dup is not None else i)
        o = decoration(m, seed, i, c, dup is not None)
        items.append((i, dup, c, o))
    # One OpenCC call converts every piece of every Traditional document of the chunk.
    pieces = []
    for i, dup, c, o in items:
        if c["trad"]:
            pieces += [c["title"], o["title_line"]] + c["paras"] + o["meta"] + o["hdr"] + o["ftr"]
    conv = dict(zip(pieces, opencc("s2t.json", pieces))) if pieces else {}
    metas, truths = [], []
    for i, dup, c, o in items:
        f = (lambda s: conv[s]) if c["trad"] else (lambda s: s)
        data, ext, enc, strict, lenient = render(c, o, f)
        rel = f"{i // 1000:04d}/{i:07d}.{ext}"
        path = os.path.join(out, "root", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        metas.append(json.dumps({"id": i, "path": rel, "enc": enc, "html": o["html"],
                                 "trad": c["trad"], "pinyin": o["pinyin"],
                                 "wrap": o["wrap"], "fullwidth": c["fullwidth"],
                                 "dup_of": dup, "bytes": len(data)}, ensure_ascii=False))
        truths.append(json.dumps({"id": i, "strict": strict, "lenient": lenient},
                                 ensure_ascii=False))
    part = os.path.join(out, "parts", f"{lo:08d}")
    with open(part + ".meta", "w", encoding="utf-8") as fh:
        fh.write("\n".join(metas) + "\n")
    with open(part + ".truth", "w", encoding="utf-8") as fh:
        fh.write("\n".join(truths) + "\n")
    return hi - lo


MODEL = None


def _worker(args):
    return gen_chunk((MODEL,) + args)


def main():
    global MODEL
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--corpus", default=os.path.join(REPO, "corpus"))
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "parts"), exist_ok=True)
    MODEL = build_model(a.corpus)
    chunks = [(a.seed, lo, min(lo + CHUNK, a.n), a.out) for lo in range(0, a.n, CHUNK)]
    done = 0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(a.jobs) as pool:
        for k in pool.imap(_worker, chunks):
            done += k
            if done % 5000 < CHUNK or done == a.n:
                print(f"  generated {done}/{a.n} documents", flush=True)
    for kind in ("meta", "truth"):
        with open(os.path.join(a.out, kind + ".jsonl"), "w", encoding="utf-8") as fo:
            for _, lo, _, _ in chunks:
                p = os.path.join(a.out, "parts", f"{lo:08d}.{kind}")
                with open(p, encoding="utf-8") as fi:
                    fo.write(fi.read())
                os.unlink(p)
    os.rmdir(os.path.join(a.out, "parts"))
    with open(os.path.join(a.out, "DONE"), "w") as fh:
        fh.write(f"n={a.n} seed={a.seed} version={GEN_VERSION}\n")


if __name__ == "__main__":
    main()
