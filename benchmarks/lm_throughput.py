"""Training throughput (tokens/s) of each chapter-06 neural language model, with XLA (`jit_compile`) on and off.

Usage: python benchmarks/lm_throughput.py [--steps 30] [--warmup 5] [--batch_size 32]
                                          [--models simple,lstm,gru,transformer]

One fixed configuration per model, the book's defaults (`RNNConfig`, `TransformerConfig`):
RNNs with E=128, H=256, two layers; the Transformer at nanoGPT's CPU size (4 layers, 4 heads,
C=128); all with T=64, B=32, no dropout, character ids of the Lee news corpus (vocab 84).
For each model and each `jit_compile` setting: build (seed 0), `compile_lm`, run `--warmup`
steps (tracing and XLA compilation happen here, not timed), then time `--steps` training steps
of `model.fit`. tokens/s = steps x B x T / seconds. GFLOP/s uses the chapter's training
estimate, 3 x the forward FLOPs per token (`flops_per_token(config, training=True)`).

The machine is shared: the 1-minute load average (`/proc/loadavg`) is printed before and after
each measurement. A figure measured at a load above the core count is a lower bound; tokens per
CPU-second (process time, all threads) is printed too, as it depends less on the other load.

Recorded on an idle 2-core machine (TF 2.21, Keras 3.15) on 2026-12-03, B=32, T=64, 40 timed steps:

    model        params  jit   tokens/s  tok/CPU-s  load before/after
    simple      262,228  on      22,262     12,961  1.57 / 1.47
    simple      262,228  off     22,470     13,302  1.47 / 1.59
    lstm        951,892  on       5,992      3,240  1.59 / 1.45
    lstm        951,892  off      5,732      3,026  1.45 / 1.99
    gru         723,540  on       7,442      4,100  1.99 / 1.77
    gru         723,540  off      7,809      4,136  1.71 / 2.06
    transformer 812,288  on      11,524      6,381  1.97 / 1.85
    transformer 812,288  off      9,582      5,407  1.85 / 1.84

XLA speed-up: Transformer 1.20x (and 1.3x at nanoGPT's batch of 12, chapter 07a), the recurrent models
0.95-1.05x. So `compile_lm` turns XLA on by default on the TensorFlow and JAX backends: it is faster where it
matters and costs at most 5% elsewhere. (An earlier run on a machine loaded by other jobs, load average 4-5,
showed XLA slower for every model: with cores busy, TensorFlow's multi-threaded default kernels and XLA's
compiled code compete differently. Measure on an idle machine.)
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras

from lmbook.batches import lm_dataset
from lmbook.corpora import load_corpus
from lmbook.vocab import CharTokenizer
from lmbook import rnn, transformer
from lmbook.lm import build_lm, compile_lm
from lmbook.rnn import RNNConfig, RNNLM
from lmbook.transformer import TransformerConfig, TransformerLM


def load1() -> float:
    "The 1-minute load average."
    return float(open("/proc/loadavg").read().split()[0])


class _Clock(keras.callbacks.Callback):
    "Wall and process-CPU time from the end of batch `warmup - 1` to the end of the last batch."

    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.warmup - 1:
            self.t0, self.c0 = time.perf_counter(), time.process_time()
        self.t1, self.c1 = time.perf_counter(), time.process_time()


def train_tokens_per_s(model, ds, steps, warmup, jit_compile, lr=1e-3):
    "Compile `model` with `compile_lm`, run warmup + steps steps on `ds`; return (tokens/s, tokens/CPU-s, final loss)."
    compile_lm(model, lr=lr, jit_compile=jit_compile)
    clock = _Clock(warmup)
    hist = model.fit(ds, steps_per_epoch=warmup + steps, epochs=1, verbose=0, shuffle=False, callbacks=[clock]).history
    B, T = ds.element_spec[0].shape
    return steps * B * T / (clock.t1 - clock.t0), steps * B * T / (clock.c1 - clock.c0), hist["loss"][-1]


def models(V, which):
    "(name, model class, config, module) for each model asked for, at the book's default sizes, dropout 0."
    out = [(cell, RNNLM, RNNConfig(V, cell=cell, dropout=0.0), rnn) for cell in ("simple", "lstm", "gru")]
    out.append(("transformer", TransformerLM, TransformerConfig(V), transformer))
    return [m for m in out if m[0] in which]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--seq_len", type=int, default=64)
    p.add_argument("--models", default="simple,lstm,gru,transformer")
    a = p.parse_args()
    corpus = load_corpus("lee-news")
    tok = CharTokenizer.fit(corpus.lines("train"))
    ids = np.concatenate([tok.encode(line, add_eos=True) for line in corpus.lines("train")]).astype(np.int32)
    ds = lm_dataset(ids, seq_len=a.seq_len, batch_size=a.batch_size, seed=0).repeat()
    print(
        f"lee-news characters (V={tok.vocab_size}), B={a.batch_size}, T={a.seq_len}, "
        f"{a.steps} timed steps after {a.warmup} warm-up steps; "
        f"{os.cpu_count()} CPUs\n"
    )
    print(
        f"{'model':<12} {'params':>9} {'MFLOP/tok':>9} {'jit':>5} {'tokens/s':>10} {'GFLOP/s':>8} "
        f"{'tok/CPU-s':>10} {'loss':>6} {'load before/after':>18}"
    )
    results = {}
    for name, cls, cfg, mod in models(tok.vocab_size, a.models.split(",")):
        cfg = type(cfg)(**{**cfg.__dict__, "seq_len": a.seq_len})
        train_flops = mod.flops_per_token(cfg, training=True)
        for jit in (True, False):
            model = build_lm(cls, cfg)
            before = load1()
            tps, tpc, loss = train_tokens_per_s(model, ds, a.steps, a.warmup, jit)
            after = load1()
            results[name, jit] = tps
            print(
                f"{name:<12} {model.count_params():>9,} {train_flops / 3e6:>9.2f} {str(jit):>5} {tps:>10,.0f} "
                f"{tps * train_flops / 1e9:>8.2f} {tpc:>10,.0f} "
                f"{loss:>6.3f} {before:>8.2f} / {after:<8.2f}",
                flush=True,
            )
            keras.backend.clear_session()
    print("\njit_compile=True speed-up (tokens/s with XLA / without):")
    for name in dict.fromkeys(n for n, _ in results):
        print(f"  {name:<12} x{results[name, True] / results[name, False]:.2f}")


if __name__ == "__main__":
    main()
