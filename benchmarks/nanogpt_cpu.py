"""Training throughput (tokens/s) of `TransformerLM` at nanoGPT's CPU configuration, on Tiny Shakespeare characters.

Usage: python benchmarks/nanogpt_cpu.py [--steps 100] [--warmup 10]

nanoGPT's README trains a "baby GPT" on a CPU with
`--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --dropout=0.0` on the
character-level Tiny Shakespeare (65 distinct characters), learning rate 1e-3. This script builds
the same model, `TransformerConfig(65)` (its defaults are that configuration: pre-LN, GELU MLP of
4C, biases, tied head), checks its size against nanoGPT's (809,856 parameters; nanoGPT prints
0.80M because it leaves out the position table), and times `--steps` Adam steps of B=12 windows
of T=64 characters after `--warmup` untimed steps, with `jit_compile` on and off.

Tiny Shakespeare is read from the cache, or downloaded through a loopback mirror of the
project's `../shared/data` when that folder exists (no internet needed); otherwise from its
usual URL. The vocabulary is nanoGPT's: the sorted distinct characters of the whole file.
The 1-minute load average is printed beside each figure: the machine may be shared.

Recorded on the book's shared 2-core machine (TF 2.21, Keras 3.15) on 2026-11-28, with other
jobs running, 100 timed steps; two runs:

    run  jit  tokens/s  ms/iter  tok/CPU-s  loss after 110 steps  load before/after
    1    on      7,906     97.1      9,847  2.802                 4.56 / 3.79
    1    off     7,786     98.6      8,926  2.807                 3.79 / 4.25
    2    on      5,416    141.8     10,151  2.802                 3.62 / 4.11
    2    off     7,117    107.9      6,547  2.807                 4.11 / 4.50
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras

from lmbook.batches import lm_dataset
from lmbook.corpora import SPLITS, is_available, load_corpus
from lmbook.testing import shared_mirror
from lmbook.lm import build_lm
from lmbook.transformer import TransformerConfig, TransformerLM, count_params_formula, flops_per_token
from lm_throughput import load1, train_tokens_per_s

REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present


def tiny_shakespeare():
    "The corpus, from the cache or through a loopback mirror of ../shared/data when it exists."
    if is_available("tinyshakespeare"):
        return load_corpus("tinyshakespeare", progress=False)
    with shared_mirror(REPO) as url:  # None where ../shared/data is absent: the usual URL
        return load_corpus("tinyshakespeare", mirror=url, progress=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup", type=int, default=10)
    a = p.parse_args()
    corpus = tiny_shakespeare()
    text = "".join(corpus.text(s) for s in SPLITS)
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    train = np.array([stoi[ch] for ch in corpus.text("train")], np.int32)
    cfg = TransformerConfig(len(chars), seq_len=64, embed_dim=128, num_heads=4, num_layers=4, ff_dim=512, dropout=0.0)
    n = count_params_formula(cfg)
    assert len(chars) == 65 and n == 809_856, (len(chars), n)
    ds = lm_dataset(train, seq_len=64, batch_size=12, seed=1337).repeat()
    print(
        f"Tiny Shakespeare: {len(text):,} characters, vocab {len(chars)}; model {n:,} parameters "
        f"({(n - 64 * 128) / 1e6:.2f}M without positions, as nanoGPT prints); B=12, T=64, lr 1e-3; "
        f"{a.steps} timed steps after {a.warmup}; {os.cpu_count()} CPUs\n"
    )
    print(
        f"{'jit':>5} {'tokens/s':>10} {'ms/iter':>8} {'GFLOP/s':>8} {'tok/CPU-s':>10} {'loss':>6} "
        f"{'load before/after':>18}"
    )
    for jit in (True, False):
        model = build_lm(TransformerLM, cfg, seed=1337)
        assert model.count_params() == n
        before = load1()
        tps, tpc, loss = train_tokens_per_s(model, ds, a.steps, a.warmup, jit, lr=1e-3)
        after = load1()
        print(
            f"{str(jit):>5} {tps:>10,.0f} {12 * 64 / tps * 1e3:>8.1f} "
            f"{tps * flops_per_token(cfg, training=True) / 1e9:>8.2f} "
            f"{tpc:>10,.0f} {loss:>6.3f} {before:>8.2f} / {after:<8.2f}",
            flush=True,
        )
        keras.backend.clear_session()


if __name__ == "__main__":
    main()
