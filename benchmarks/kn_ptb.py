"""Kneser-Ney 5-gram on the Penn Treebank: build time, test perplexity beside Mikolov et al. (2011)'s 141.2, memory.

Usage (from the repository root):
    python benchmarks/kn_ptb.py                      # PTB: loopback mirror of ../shared/data, else downloaded
    python benchmarks/kn_ptb.py --mirror URL_OR_DIR  # any mirror `load_corpus` accepts
    python benchmarks/kn_ptb.py --order 3 --arpa     # another order; also time writing and reading the ARPA file
    python benchmarks/kn_ptb.py --lmplz PATH --repeats 3  # beside KenLM's lmplz (a build of github.com/kpu/kenlm)

Build time is wall-clock for `kneser_ney` alone (counting, discounts, interpolation), from token lists in memory.
Peak memory is measured in a second, separate build under `tracemalloc` (NumPy reports its buffers to it), so tracing
does not slow the timed build; the process's peak resident size (`ru_maxrss`) is printed too.
With `--repeats N` the build is timed N times and the best is kept. With `--lmplz PATH`, KenLM's `lmplz` (the
reference implementation of modified Kneser-Ney, not a Python package: build it from source) builds the same model
from the same training text (`lmplz -o ORDER -S 1G`, the ARPA file to /dev/null; PTB's `<unk>` written as `UNK`,
since lmplz reserves `<unk>`: the same n-gram counts as lmbook's), alternated with lmbook's build, best
of N each; the ratio printed is lmbook's best build over lmplz's best run (lmplz also writes its ARPA text, which
lmbook's build does not: `--arpa` times that separately).
"""

import argparse
import contextlib
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from lmbook.corpora import load_corpus
from lmbook.testing import shared_mirror
from lmbook.ngram import NgramLM, kneser_ney

# test perplexity of a KN 5-gram on PTB: Mikolov et al. (2011),
# "Empirical evaluation and combination of advanced language modeling techniques"
MIKOLOV_KN5 = 141.2
REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present


def time_lmplz(lmplz: str, order: int, text: Path, tmp: str) -> float:
    "Seconds for KenLM's lmplz to build an order-`order` model of `text`; its own message if it fails."
    cmd = [lmplz, "-o", str(order), "-S", "1G", "-T", tmp, "--arpa", os.devnull]
    with open(text, "rb") as f:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - t0
    if r.returncode != 0:
        last = "\n".join(r.stderr.strip().splitlines()[-3:]) or "(nothing on stderr)"
        sys.exit(f"kn_ptb: {' '.join(cmd)} failed (exit {r.returncode}); it said:\n{last}")
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--mirror",
        default=None,
        help="mirror URL or folder for the PTB files (default: serve ../shared/data if present)",
    )
    ap.add_argument(
        "--cache",
        default=None,
        help="corpus cache folder (default: a temporary folder when mirroring, else lmbook's cache)",
    )
    ap.add_argument("--order", type=int, default=5, help="n-gram order (default 5)")
    ap.add_argument("--arpa", action="store_true", help="also time save_arpa / load_arpa and check the reloaded model")
    ap.add_argument("--repeats", type=int, default=1, help="time the build this many times, keep the best (default 1)")
    ap.add_argument("--lmplz", default=None, help="path of KenLM's lmplz: time it on the same text, alternated")
    args = ap.parse_args()
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")
    if args.lmplz and not os.access(args.lmplz, os.X_OK):
        ap.error(f"--lmplz {args.lmplz}: not an executable file (build KenLM and give the path of bin/lmplz)")

    with contextlib.ExitStack() as stack:
        mirror = args.mirror or stack.enter_context(shared_mirror(REPO))  # None where ../shared/data is absent
        temp = tempfile.TemporaryDirectory(prefix="kn_ptb-")  # the cache when mirroring
        cache = args.cache or (stack.enter_context(temp) if mirror else None)
        print(f"PTB from {'mirror ' + mirror if mirror else 'the usual download / cache'}")
        ptb = load_corpus("ptb", cache=Path(cache) if cache else None, mirror=mirror, progress=False)
        train, valid, test = ([line.split() for line in ptb.lines(s)] for s in ("train", "valid", "test"))
    n_train = sum(map(len, train)) + len(train)
    print(
        f"train {len(train):,} sentences, {n_train:,} tokens with </s>; test {sum(map(len, test)) + len(test):,} tokens"
    )

    builds, kenlm = [], []
    with tempfile.TemporaryDirectory() as d:
        text = Path(d) / "train.txt"
        if args.lmplz:  # lmplz refuses the word <unk> in its input (it adds its own): PTB's <unk> is written UNK
            text.write_text("".join(" ".join(s).replace("<unk>", "UNK") + "\n" for s in train), encoding="utf-8")
        for _ in range(args.repeats):
            lm = None  # free the previous model before the next build
            t0 = time.perf_counter()
            lm = kneser_ney(train, order=args.order)
            builds.append(time.perf_counter() - t0)
            if args.lmplz:
                kenlm.append(time_lmplz(args.lmplz, args.order, text, d))
    build = min(builds)
    t0 = time.perf_counter()
    total, n = lm.score_sentences(test)
    score = time.perf_counter() - t0
    ppl_test, ppl_valid = math.exp(-total / n), lm.perplexity(valid)
    print(f"model: {lm}")
    print(f"discounts (D1, D2, D3+) per order:\n{np.array2string(lm.discounts, precision=3)}")
    print(f"build time       {build:6.2f} s   ({n_train / build / 1e3:,.0f}k training tokens/s)")
    if args.repeats > 1:
        print(f"build times      {', '.join(f'{b:.2f}' for b in builds)} s (best of {args.repeats} above)")
    if kenlm:
        print(
            f"KenLM lmplz      {min(kenlm):6.2f} s   (best of {', '.join(f'{b:.2f}' for b in kenlm)} s; "
            f"-o {args.order} -S 1G, ARPA to /dev/null); lmbook / lmplz: {build / min(kenlm):.2f}x"
        )
    print(f"score time       {score:6.2f} s   ({n / score / 1e3:,.0f}k test tokens/s)")
    print(
        f"test perplexity  {ppl_test:8.2f}   "
        f"(Mikolov et al. 2011 KN5: {MIKOLOV_KN5}; ratio {ppl_test / MIKOLOV_KN5:.4f})"
        if args.order == 5
        else f"test perplexity  {ppl_test:8.2f}   (order {args.order}; the 141.2 reference is for order 5)"
    )
    print(f"valid perplexity {ppl_valid:8.2f}")

    if args.arpa:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            path = lm.save_arpa(Path(d) / "ptb.arpa")
            save = time.perf_counter() - t0
            t0 = time.perf_counter()
            back = NgramLM.load_arpa(path)
            load = time.perf_counter() - t0
            same = all(np.array_equal(a, b) for a, b in zip(lm.logp + lm.logbow, back.logp + back.logbow))
            print(
                f"ARPA: {path.stat().st_size / 2**20:.0f} MiB, save {save:.1f} s, load {load:.1f} s, "
                f"identical tables: {same}, "
                f"reloaded test perplexity {back.perplexity(test):.2f}"
            )
        del back

    del lm
    tracemalloc.start()
    lm = kneser_ney(train, order=args.order)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    model_bytes = sum(a.nbytes for a in lm.keys + lm.logp + lm.logbow)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print(
        f"memory: peak traced during build {peak / 2**20:.0f} MiB; model tables {model_bytes / 2**20:.0f} MiB; "
        f"process peak RSS {rss / 2**20:.0f} MiB"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)"
    )


if __name__ == "__main__":
    main()
