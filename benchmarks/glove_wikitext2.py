"""GloVe on WikiText-2 (train): the whole run's time beside the Stanford C implementation, and WordSim-353 quality.

Configuration (the C reference's settings): whitespace tokens of each non-empty line, vocabulary at min_count 5
(23,378 words), window 10 with 1/d weighting, 100 dimensions, x_max 100, alpha 0.75, AdaGrad at lr 0.05, 15 epochs.
The reference figures were measured on the same 2-core machine: the Stanford C tools (vocab_count, cooccur, shuffle,
glove) took 96 s with WordSim-353 Spearman 0.149; `lmbook.glove` took about 180 s (one core) with 0.242 before the
training step was rewritten around a sparse gradient matrix and two threads.

Usage (from the repository root):
    python benchmarks/glove_wikitext2.py                      # loopback mirror of ../shared/data, else downloaded
    python benchmarks/glove_wikitext2.py --threads 1          # one core (the results are identical)
    python benchmarks/glove_wikitext2.py --epochs 3           # a quick look
    python benchmarks/glove_wikitext2.py --mirror URL_OR_DIR  # any mirror `load_corpus` accepts

Timed (wall clock, and the process's CPU time): tokenizing the lines already read, the vocabulary, counting
co-occurrences, training. The total is their sum (reading and decompressing the corpus file is not counted).
The machine's load average is printed beside each figure: compare figures only from an otherwise idle machine.
"""

import argparse
import contextlib
import os
import resource
import tempfile
import time
from pathlib import Path

from lmbook.corpora import load_corpus
from lmbook.glove import GloVeConfig, cooccurrence, train_glove
from lmbook.testing import shared_mirror
from lmbook.vocab import SPECIALS, Vocab

C_SECONDS, C_RHO = 96.0, 0.149  # Stanford GloVe (C), same corpus and settings, same machine
BEFORE_SECONDS, BEFORE_RHO = 180.0, 0.242  # lmbook.glove before this benchmark's changes (one core)
REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@contextlib.contextmanager
def phase(name: str, times: dict):
    "Time a phase (wall and CPU) and print it with the load average."
    w0, c0 = time.perf_counter(), cpu()
    yield
    wall, used = time.perf_counter() - w0, cpu() - c0
    times[name] = wall
    print(f"{name:<12} {wall:7.2f} s wall  {used:7.2f} s CPU  ({load()})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=15, help="training epochs (default 15)")
    ap.add_argument("--threads", type=int, default=2, choices=(1, 2), help="training threads (default 2)")
    ap.add_argument("--mirror", default=None, help="mirror URL or folder for WikiText-2 (default: ../shared/data)")
    ap.add_argument("--cache", default=None, help="corpus cache folder (default: a temporary folder when mirroring)")
    args = ap.parse_args()

    with contextlib.ExitStack() as stack:
        mirror = args.mirror or stack.enter_context(shared_mirror(REPO))  # None where ../shared/data is absent
        temp = tempfile.TemporaryDirectory(prefix="glove_wikitext2-")  # the cache when mirroring
        cache = args.cache or (stack.enter_context(temp) if mirror else None)
        print(f"WikiText-2 from {'mirror ' + mirror if mirror else 'the usual download / cache'}")
        wt2 = load_corpus("wikitext-2", cache=Path(cache) if cache else None, mirror=mirror, progress=False)
        lines = list(wt2.lines("train"))

    cfg = GloVeConfig(embed_dim=100, window=10, min_count=5, lr=0.05, num_epochs=args.epochs, threads=args.threads)
    print(f"config: {cfg}; {os.cpu_count()} CPUs; start {load()}")
    times = {}
    with phase("tokenize", times):
        sents = [s for s in (line.split() for line in lines) if s]
    with phase("vocabulary", times):
        words = Vocab.build(sents, min_freq=cfg.min_count).itos[len(SPECIALS) :]
    with phase("counting", times):
        X = cooccurrence(sents, words, cfg.window)
    print(f"  {len(sents):,} lines, {sum(map(len, sents)):,} tokens; vocabulary {len(words):,}; "
          f"non-zero pairs {X.nnz:,}")
    with phase("training", times):
        res = train_glove(X, words, cfg)
    print(f"  losses per epoch: {[round(x, 4) for x in res.losses]}")
    total = sum(times.values())

    ws = load_corpus("wordsim353").paths[0]
    _, (rho, _), oov = res.kv.evaluate_word_pairs(str(ws))
    pairs = sum(1 for line in ws.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    covered = round(pairs * (1 - oov / 100))
    print(f"\ntotal {total:.1f} s ({load()}); counting {times['counting']:.1f} s, training {times['training']:.1f} s")
    print(f"WordSim-353 Spearman rho {rho:.3f} on {covered} of {pairs} pairs")
    if args.epochs == 15:
        print(
            f"ratio to the C reference's {C_SECONDS:.0f} s: {total / C_SECONDS:.2f}x (target <= 1.0x); "
            f"before: {BEFORE_SECONDS / C_SECONDS:.2f}x ({BEFORE_SECONDS:.0f} s)"
        )
        print(
            f"rho {rho:.3f} against {BEFORE_RHO} before (target within 0.02: {abs(rho - BEFORE_RHO) <= 0.02}); "
            f"C reference {C_RHO}"
        )
    else:
        print(f"({args.epochs} epochs: no ratio; the references are for 15)")
    print(f"end {load()}")


if __name__ == "__main__":
    main()
