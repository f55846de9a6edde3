"""Benchmark: at what training budget does a Transformer overtake the best Kneser-Ney model? (chapter 07b, slow cell)

Character-level Wikipedia sample, as in 07a and 07b: `CharTokenizer` with min_freq=20, an `<eos>` after each line, and
the whole validation split cut into windows of 64 characters (the same targets for every model).

The n-gram side is Kneser-Ney counted on the whole training split at each order in --orders; the best order
on validation is the bar (choosing it on validation favours the n-gram model, never the Transformer). Counting
more passes over the same data adds nothing, so this is the n-gram model's best at any budget.

The neural side is nanoGPT's CPU-sized Transformer (4 blocks, 4 heads, width 128, context 64: 0.8M parameters)
with dropout --dropout, trained with AdamW, warmup and cosine decay over --steps steps of 32 windows. Its
validation loss is printed every --eval-every steps with the training tokens so far, and the first budget at
which it is below the bar is reported.

    python benchmarks/budget_crossover.py [--steps 14000] [--eval-every 1000] [--dropout 0.1]
"""

import argparse
import math
import os
import time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=14_000)
p.add_argument("--eval-every", type=int, default=1000)
p.add_argument("--dropout", type=float, default=0.1)
p.add_argument("--orders", default="5,6,7,8,9,10")
a = p.parse_args()
if a.eval_every <= 0 or a.steps <= 0 or a.steps % a.eval_every:
    p.error(f"--steps ({a.steps}) must be a positive multiple of --eval-every ({a.eval_every})")
if not 0 <= a.dropout < 1:
    p.error(f"--dropout must be in [0, 1), not {a.dropout}")
try:
    orders = [int(n) for n in a.orders.split(",")]
except ValueError:
    p.error(f"--orders takes comma-separated integers such as 5,6,7, not {a.orders!r}")
if min(orders) < 1:
    p.error(f"--orders must be at least 1, not {a.orders!r}")

import keras
from lmbook.corpora import load_corpus
from lmbook.vocab import CharTokenizer
from lmbook.batches import lm_dataset, lm_windows
from lmbook.ngram import kneser_ney_ids
from lmbook.lm import build_lm, mean_nll
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.training import TrainConfig, compile_for_training
from lmbook.runs import fit_lm

wiki = load_corpus("enwiki-sample")
tok = CharTokenizer.fit(wiki.lines("train"), min_freq=20)
encode = lambda lines: np.concatenate([tok.encode(l, add_eos=True) for l in lines]).astype(np.int32)
train_ids, valid_ids = encode(wiki.lines("train")), encode(wiki.lines("valid"))
T, B = 64, 32
n_val = (len(valid_ids) - 1) // T
valid_c = valid_ids[: n_val * T + 1]
x_val, y_val = lm_windows(valid_c, T)
print(
    f"{len(train_ids):,} training characters; validation: {n_val:,} windows of {T} ({n_val * T:,} targets)", flush=True
)

parts = np.split(train_ids, np.flatnonzero(train_ids == tok.eos_id) + 1)
lines = [q[q != tok.eos_id] for q in parts if len(q)]
kn_nll = {}
for order in orders:
    t0 = time.time()
    kn = kneser_ney_ids(lines, tok.vocab_size, order)  # the same ids the Transformer reads
    kn_nll[order] = mean_nll(kn, x_val, y_val, batch_size=100)
    print(
        f"KN {order}-gram on all training characters: validation NLL {kn_nll[order]:.4f} nats/char; "
        f"{time.time() - t0:.1f} s",
        flush=True,
    )
best_order = min(kn_nll, key=kn_nll.get)
bar = kn_nll[best_order]
print(f"the bar: KN {best_order}-gram, {bar:.4f} nats/char (perplexity {math.exp(bar):.3f})", flush=True)

cfg = TrainConfig(
    steps=a.steps, batch_size=B, lr=2e-3, min_lr=2e-4, warmup_steps=100, eval_every=a.eval_every, eval_batches=None
)
model = compile_for_training(
    build_lm(TransformerLM, TransformerConfig(tok.vocab_size, seq_len=T, dropout=a.dropout), seed=0), cfg
)


class Report(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.t = time.time()

    def on_epoch_end(self, epoch, logs=None):
        tokens = (epoch + 1) * cfg.eval_every * B * T
        print(
            f"step {(epoch + 1) * cfg.eval_every:6d}  tokens {tokens:>11,}  ({tokens / len(train_ids):4.1f} passes)  "
            f"train {logs['loss']:.4f}  val {logs['val_loss']:.4f}{'  < KN' if logs['val_loss'] < bar else ''}  "
            f"({time.time() - self.t:.0f} s, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )


load0, t0 = os.getloadavg()[0], time.time()
h = fit_lm(
    model,
    lm_dataset(train_ids, seq_len=T, batch_size=B, seed=0),
    lm_dataset(valid_c, seq_len=T, batch_size=100, shuffle=False),
    cfg,
    callbacks=[Report()],
    verbose=0,
)
wall = time.time() - t0
val = h.history["val_loss"]
print(
    f"{model.count_params():,} parameters, dropout {a.dropout}; {wall:.0f} s of training "
    f"({a.steps * B * T / wall:,.0f} tokens/s with validation); "
    f"load average {load0:.2f} -> {os.getloadavg()[0]:.2f}"
)
crossing = next(((e + 1) * cfg.eval_every * B * T for e, v in enumerate(val) if v < bar), None)
print(
    f"best Transformer validation NLL {min(val):.4f} against KN {best_order}-gram {bar:.4f} "
    f"(difference {min(val) - bar:+.4f})"
)
crossing_text = f"none within {a.steps * B * T:,} tokens" if crossing is None else f"{crossing:,} training tokens"
print(f"crossing: {crossing_text}")
