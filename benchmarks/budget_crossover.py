"""Benchmark: at what training budget does a Transformer overtake the best Kneser-Ney model? (chapter 07a, slow cell)

Character-level Wikipedia sample (as in 07a: CharTokenizer with min_freq=20, the same 500 validation windows of 64).
The KN 7-gram model is counted on the whole training split: its best, since more passes over the same data add
nothing. nanoGPT's CPU-sized Transformer (0.8M parameters) then trains for --steps steps of 32 windows, and its
validation loss is printed every --eval-every steps with the number of training tokens processed so far.

    python benchmarks/budget_crossover.py [--steps 10000] [--eval-every 1000]
"""
import argparse, math, os, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=10_000)
p.add_argument("--eval-every", type=int, default=1000)
a = p.parse_args()

from lmbook.corpora import load_corpus
from lmbook.vocab import CharTokenizer
from lmbook.batches import lm_dataset, lm_windows
from lmbook.ngram import kneser_ney
from lmbook.rnn import build_lm, mean_nll
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.training import TrainConfig, compile_for_training, fit_lm

wiki = load_corpus("enwiki-sample")
tok = CharTokenizer.fit(wiki.lines("train"), min_freq=20)
encode = lambda lines: np.concatenate([tok.encode(l, add_eos=True) for l in lines]).astype(np.int32)
train_ids, valid_ids = encode(wiki.lines("train")), encode(wiki.lines("valid"))
T, B = 64, 32
valid_c = valid_ids[:500 * T + 1]
x_val, y_val = lm_windows(valid_c, T)

t0 = time.time()
parts = np.split(train_ids, np.flatnonzero(train_ids == tok.eos_id) + 1)
kn = kneser_ney([tok.vocab.to_tokens(q[q != tok.eos_id]) for q in parts if len(q)], 7, vocab=tok.vocab)
kn_full = mean_nll(lambda x, training=False: kn(np.asarray(x)), x_val, y_val, batch_size=100)
print(f"KN 7-gram on all {len(train_ids):,} training characters: validation NLL {kn_full:.4f} nats/char "
      f"(perplexity {math.exp(kn_full):.3f}); {time.time() - t0:.0f} s", flush=True)

cfg = TrainConfig(steps=a.steps, batch_size=B, lr=2e-3, min_lr=2e-4, warmup_steps=100, eval_every=a.eval_every, eval_batches=None)
model = compile_for_training(build_lm(TransformerLM, TransformerConfig(tok.vocab_size, seq_len=T), seed=0), cfg)
load0, t0 = os.getloadavg()[0], time.time()
h = fit_lm(model, lm_dataset(train_ids, seq_len=T, batch_size=B, seed=0),
           lm_dataset(valid_c, seq_len=T, batch_size=50, shuffle=False), cfg, verbose=2)
print(f"{model.count_params():,} parameters; {time.time() - t0:.0f} s of training; load average {load0:.2f} -> {os.getloadavg()[0]:.2f}")
crossing = None
for e, v in enumerate(h.history["val_loss"], 1):
    tokens = e * cfg.eval_every * B * T
    mark = "  < KN" if v < kn_full else ""
    if v < kn_full and crossing is None: crossing = tokens
    print(f"step {e * cfg.eval_every:6d}  tokens {tokens:>11,}  ({tokens / len(train_ids):4.1f} epochs)  val NLL {v:.4f}{mark}")
print(f"crossing: {'none within ' + format(a.steps * B * T, ',') + ' tokens' if crossing is None else format(crossing, ',') + ' tokens'}")
