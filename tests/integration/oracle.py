"""What the integration tests compare the engine against, and the harness they share.

The oracle finds by brute force what a search must return, normalizing by its own means,
never through gw_norm (a bug shared by the engine and its oracle would be invisible):

  - pinyin annotations go in the converters' shape (DESIGN.md §2.2, docs/text-pipeline.md):
    a Han character followed by ( or （, 1-7 pinyin letters with at least one tone mark,
    ) or ）: 發(fā)展 -> 發展; (CPC), (fa), (2023) stay;
  - per code point, Python's unicodedata NFKC, then casefold (NFKC again, so that the result
    is stable): ２０２２ -> 2022, Ｇ -> g, （ -> (, the ideographic space -> " ". Per code
    point, as the engine promises (gw_norm.h): a letter followed by a separate combining
    mark stays two code points. Default-ignorable code points (ZWSP, ZWJ, soft hyphen,
    variation selectors, ...) are dropped;
  - white space (docs/index-format.md §1, rules 1 and 2), on the folded text, by regular
    expressions of Python's own (\\s is str.isspace()): a run of white space at the start
    or the end of a text goes; a run holding a blank line (two line breaks, \\r\\n
    counting one, or U+2029) is "\\n\\n", a separator; else between two letters/digits
    it is one space; else (between Han characters, Han and a letter/digit, next to
    punctuation) it goes. So "Linux 系统" is "linux系统", "浙 江 省" is "浙江省", a wrap
    "系\\n   统" is "系统", "open  source" is "open source", and "质量\\n\\n发展" keeps its
    separator;
  - Traditional -> Simplified by the `opencc` command (config t2s.json), run once over a
    whole batch of texts after the white space rule, as OpenCC converts: by its phrase
    table where a phrase starts (藉口 -> 借口, 乾隆 stays 乾隆, 計畫 -> 计划), else by its
    character table. The engine converts the same way (gw_norm.h). Known differences,
    none of them in the texts of these tests: 薴, which opencc converts once (苧) and the
    engine to its fixpoint (苎); and Simplified text holding a phrase's value that OpenCC
    would convert once more (变徵: opencc 变征, the engine keeps it, a fixpoint).

Then a phrase matches where its normalized text occurs in the normalized text, with the
letter/digit edge rule: where the phrase begins or ends with a letter or digit, that edge
must be the edge of the letter/digit run in the text (32个 not in 132个, g20 not in g201).

The harness: the programs under test (BIN, default bin/), TAP output (ok, diag, finish),
and main() which skips when the programs are not built and gives run() a temporary
directory (kept with KEEP=1).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("BIN", "bin")
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
SEARCH = os.path.join(BIN, "gongwen-search")
INDEXER = os.path.join(BIN, "gongwen-indexer")
OPENCC_CONFIG = "t2s.json"

# ---- TAP ------------------------------------------------------------------------------------

ntests = 0
nfail = 0


def ok(cond, desc):
    """One TAP line; returns whether cond holds."""
    global ntests, nfail
    ntests += 1
    print(("ok - " if cond else "not ok - ") + desc)
    if not cond:
        nfail += 1
    return bool(cond)


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)


def finish():
    """Prints the plan; the exit status (1 if any check failed)."""
    print("1..%d" % ntests)
    return 1 if nfail else 0


def main(run, prefix):
    """Runs run(tmp) in a fresh temporary directory (removed afterwards unless KEEP is
    set); skips when the programs are not built. Returns the exit status."""
    for b in (SEARCH, INDEXER):
        if not os.access(b, os.X_OK):
            print("1..0 # SKIP %s not built" % b)
            return 0
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        run(tmp)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            diag("kept " + tmp)
    return finish()


# ---- normalization --------------------------------------------------------------------------

TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_RE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（](?=[^)）]*[" + TONES + r"])[a-zü"
                       + TONES + r"]{1,7}[)）]", re.I)


def strip_pinyin(s):
    """Pinyin annotations are not part of what a reader searches for (DESIGN.md §2.2)."""
    return PINYIN_RE.sub("", s)


# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): Python's unicodedata
# does not expose the property.
IGNORABLE = [(0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
             (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
             (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
             (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
             (0xE0000, 0xE0FFF)]


def is_ignorable(c):
    o = ord(c)
    return any(a <= o <= b for a, b in IGNORABLE)


_folded = {}


def fold_char(c):
    """NFKC + casefold of one code point ("" for a default-ignorable)."""
    f = _folded.get(c)
    if f is None:
        if is_ignorable(c):
            f = ""
        else:
            f = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())
            f = "".join(x for x in f if not is_ignorable(x))
        _folded[c] = f
    return f


def fold(s):
    return "".join(fold_char(c) for c in s)


SEP = "\n@@gwsep@@\n"


def t2s_many(texts):
    """Traditional -> Simplified of every text, by one run of opencc."""
    if not texts:
        return []
    r = subprocess.run(["opencc", "-c", OPENCC_CONFIG], input=SEP.join(texts),
                       capture_output=True, text=True, check=True)
    out = r.stdout
    # opencc may end its output with a line break the input did not have
    if out.endswith("\n") and not texts[-1].endswith("\n"):
        out = out[:-1]
    out = out.split(SEP)
    assert len(out) == len(texts), (len(out), len(texts))
    return out


WS_RUN = re.compile(r"\s+")
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028]")


def squeeze(s):
    """The white space rules on a folded text (the module docstring)."""
    def repl(m):
        a, b = m.start(), m.end()
        if a == 0 or b == len(s):
            return ""
        run = m.group()
        if "\u2029" in run or len(LINE_BREAK.findall(run)) >= 2:
            return "\n\n"
        if is_word(s[a - 1]) and is_word(s[b]):
            return " "
        return ""
    return WS_RUN.sub(repl, s)


def normalize_many(texts):
    """The matching form of every text: pinyin annotations out, NFKC + casefold, the white
    space rules, then Traditional -> Simplified (opencc, one run for the whole batch)."""
    return t2s_many([squeeze(fold(strip_pinyin(t))) for t in texts])


def have_opencc():
    return shutil.which("opencc") is not None


# ---- matching -------------------------------------------------------------------------------


def is_han(c):
    o = ord(c)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF)


def is_word(c):
    return c.isalnum() and not is_han(c)


def find(pat, text):
    """The brute-force matcher: substring, with the letter/digit edge rule."""
    if not pat:
        return False
    ws, we = is_word(pat[0]), is_word(pat[-1])
    i = text.find(pat)
    while i >= 0:
        good = True
        if ws and i > 0 and is_word(text[i - 1]):
            good = False
        j = i + len(pat)
        if we and j < len(text) and is_word(text[j]):
            good = False
        if good:
            return True
        i = text.find(pat, i + 1)
    return False


if __name__ == "__main__":
    # normalizes stdin (texts separated by SEP), for looking at what the oracle makes of a text
    sys.stdout.write(SEP.join(normalize_many(sys.stdin.read().split(SEP))))
