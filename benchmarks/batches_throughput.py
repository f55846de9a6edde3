"""Throughput of the `lmbook.batches` tf.data pipeline (tokens/s), in memory and streaming.

Usage: python benchmarks/batches_throughput.py [--seq_len 64] [--batch_size 32] [--epochs 2]

Measures one full pass (after a warm-up pass) over the train split of "enwiki-sample" for
character and word tokens, for both paths of `lm_dataset`:

- in memory: ids encoded once up front (not timed), windows cut by `tf.gather`;
- streaming: lines read, encoded (Python) and windowed on every pass (this is what is timed).

Tokens/s counts the input tokens delivered, batches x batch_size x seq_len.

Reference: chapter 06's smallest GPT (0.8M parameters) trains at about 22k tokens/s on this
machine's CPU (2 cores). The ratio printed is pipeline throughput / 22,000: above 1 means the
input pipeline can keep that model fed; the larger, the more headroom.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np

from lmbook.batches import encode_lines, lm_dataset
from lmbook.corpora import load_corpus
from lmbook.vocab import CharTokenizer, WordTokenizer

GPT_TOKENS_PER_S = 22_000  # chapter 06's 0.8M-parameter GPT, training on this CPU


def tokens_per_s(ds, seq_len, batch_size, epochs):
    "Iterate `ds` once to warm up, then time `epochs` passes; return (tokens/s, tokens per pass)."
    for _ in ds:
        pass
    n, t = 0, time.perf_counter()
    for _ in range(epochs):
        for x, _ in ds:
            n += int(x.shape[0]) * int(x.shape[1])
    return n / (time.perf_counter() - t), n // epochs


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seq_len", type=int, default=64)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=2)
    a = p.parse_args()
    lines = list(load_corpus("enwiki-sample").lines("train"))
    print(
        f"enwiki-sample train: {len(lines):,} lines, {sum(map(len, lines)):,} characters; "
        f"seq_len={a.seq_len}, batch_size={a.batch_size}, shuffled\n"
    )
    print(f"{'tokens':<6} {'path':<10} {'tokens/pass':>12} {'tokens/s':>12} {'x GPT (22k/s)':>14}")
    for name, tok in [("char", CharTokenizer.fit(lines)), ("word", WordTokenizer.fit(lines, min_freq=2))]:
        ids = np.concatenate(list(encode_lines(lines, tok, tok.eos_id)))
        common = dict(seq_len=a.seq_len, batch_size=a.batch_size, shuffle=True, seed=0)
        for path, ds in [
            ("in-memory", lm_dataset(ids, **common)),
            ("streaming", lm_dataset(lines, tok, eos_id=tok.eos_id, streaming=True, **common)),
        ]:
            rate, n = tokens_per_s(ds, a.seq_len, a.batch_size, a.epochs)
            print(f"{name:<6} {path:<10} {n:>12,} {rate:>12,.0f} {rate / GPT_TOKENS_PER_S:>13.0f}x")


if __name__ == "__main__":
    main()
