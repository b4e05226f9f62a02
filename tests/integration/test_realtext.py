#!/usr/bin/env python3
"""Every string a reader sees is findable, on real text: a slice of the benchmark's
real-text oracle (bench/realtext.py, bench/README.md "Real text").

The documents are Chinese documentation that Debian ships and this project did not write
(maint-guide-zh-cn, maint-guide-zh-tw, debian-faq-zh-cn: 42 documents, HTML and text,
Simplified and Traditional; scripts/deps.sh installs them for the tests). They are indexed
raw by the real gongwen-indexer and searched with gongwen-search; the oracle is independent
of the engine's normalization (Python's html.parser, NFKC + casefold, the white-space rules
of DESIGN.md §2.4 and one `opencc -c t2s.json` call). Ten queries per kind, in every kind of
the benchmark plus the recall rules' own (Han/Latin spacing, white space inside Han text,
page chrome and metadata lines, phrase-level Traditional -> Simplified, glued across a
paragraph break): each kind must be answered exactly, every document the oracle finds and
no other.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402
from oracle import ok, diag  # noqa: E402

PACKAGES = ["maint-guide-zh-cn", "maint-guide-zh-tw", "debian-faq-zh-cn"]
PER_KIND = 10


def run(tmp):
    missing = [p for p in PACKAGES
               if subprocess.run(["dpkg", "-s", p], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL).returncode != 0]
    if not ok(not missing, "the real-text packages are installed (%s)" % " ".join(PACKAGES)):
        diag("missing: %s (make test installs them: scripts/deps.sh test)" % " ".join(missing))
        return
    out = os.path.join(tmp, "result")
    r = subprocess.run([sys.executable, os.path.join(oracle.ROOT, "bench", "realtext.py"),
                        "--packages", ",".join(PACKAGES), "--kinds", str(PER_KIND),
                        "--work", os.path.join(tmp, "work"), "--out", out, "--examples", "3"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(os.environ, BIN=oracle.BIN))
    text = r.stdout.decode("utf-8", "replace")
    if not ok(r.returncode == 0, "bench/realtext.py ran (exit %d)" % r.returncode):
        diag(text[-2000:])
        return
    res = json.load(open(out + ".json", encoding="utf-8"))
    ok(res["documents"] >= 30, "the slice holds %d real documents" % res["documents"])
    ok(len(res["kinds"]) >= 18, "%d query kinds were sampled" % len(res["kinds"]))
    failed = False
    for kind, k in res["kinds"].items():
        good = k["queries"] > 0 and k["exact"] == k["queries"] and not k["errors"]
        failed |= not good
        ok(good, "%s: %d of %d queries exact (recall %.1f%%, precision %s%%; %d missed, "
           "%d extra pairs)" % (kind, k["exact"], k["queries"], 100 * k["recall"],
                                "-" if k["precision"] is None else "%.1f" % (100 * k["precision"]),
                                k["missed_pairs"], k["extra_pairs"]))
    if failed:
        # what was missed and why, as the benchmark explains it
        md = open(out + ".md", encoding="utf-8").read()
        at = md.find("Causes of the missed")
        diag(md[at:at + 6000] if at >= 0 else md[-6000:])


if __name__ == "__main__":
    sys.exit(oracle.main(run, "gw-realtext-"))
