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
  - Traditional -> Simplified by the `opencc` command (config t2s.json), run once over a
    whole batch of texts. OpenCC converts by phrase where the engine maps one character at
    a time (gw_norm.h): where the two differ the oracle and the engine disagree, and a
    query touching such a place fails. Known places: the phrases of OpenCC's TSPhrases
    (藉口 and 憑藉: opencc 借, the engine 藉; 乾隆, 乾坤: opencc 乾, the engine 干; 瞭解,
    明瞭: opencc 了, the engine 瞭; 回覆, 答覆: opencc 复, the engine 覆; 計畫: opencc 计划,
    the engine 计画; 沈默: opencc 沉, the engine 沈; 項鍊: opencc 链, the engine 炼), and
    薴, which opencc converts once (苧) and the engine to its fixpoint (苎). Character by
    character, every other code point assigned in Unicode 14 (Python 3.11) agrees;
  - whitespace, as the engine treats it today: a separator like punctuation. It is kept
    (after NFKC: U+3000 and U+00A0 are " "), and a phrase matches only where the text has
    the same separators between the same characters: "高质量发展" is not found in
    "高质量 发展". (DESIGN.md §2.4 asks for whitespace between two Han characters, or
    between Han and a Latin/digit word, never to separate; the engine does not do that
    yet, and this oracle models what it does.)

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


def normalize_many(texts):
    """The matching form of every text: pinyin annotations out, NFKC + casefold, then
    Traditional -> Simplified (opencc, one run for the whole batch)."""
    return t2s_many([fold(strip_pinyin(t)) for t in texts])


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
