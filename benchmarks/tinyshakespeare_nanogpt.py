"""Benchmark: Tiny Shakespeare, character level, nanoGPT's CPU configuration, 2000 steps.

nanoGPT's README trains `config/train_shakespeare_char.py` on a CPU with
`--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000`
`--dropout=0.0`
and reports a validation loss of about 1.88. This script repeats that run with lmbook's toolkit (the defaults of
`TransformerConfig` and `TrainConfig` are that configuration) and prints the validation loss on nanoGPT's validation
text (the last 10% of the file), the wall time and the machine's load.

The data come from --mirror (a URL or a folder laid out as a mirror), else from $LMBOOK_MIRROR, else from the
repository's ../shared/data when it exists (served over loopback HTTP, as a mirror), else from the corpus's usual URL.

    python benchmarks/tinyshakespeare_nanogpt.py [--steps 2000] [--mirror URL_OR_DIR] [--cache DIR]
"""

import argparse
import contextlib
import os
import tempfile
import time
from pathlib import Path

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--steps", type=int, default=2000)
p.add_argument("--mirror", default=None, help="mirror URL or folder (default: $LMBOOK_MIRROR, else ../shared/data)")
p.add_argument("--cache", default=None, help="corpus cache folder (default: a temporary folder)")
a = p.parse_args()

import numpy as np
from lmbook.corpora import load_corpus
from lmbook.testing import shared_mirror
from lmbook.vocab import CharTokenizer
from lmbook.batches import lm_dataset, lm_windows
from lmbook.lm import build_lm, mean_nll
from lmbook.generation import generate
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.training import TrainConfig, compile_for_training
from lmbook.runs import fit_lm

REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present
cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp())
mirror = a.mirror or os.environ.get("LMBOOK_MIRROR")
with contextlib.nullcontext(mirror) if mirror else shared_mirror(REPO) as url:
    corpus = load_corpus("tinyshakespeare", cache=cache, mirror=url, progress=False)
    train_text, valid_text = corpus.text("train"), corpus.text("valid") + corpus.text("test")  # nanoGPT's 90% / 10%

tok = CharTokenizer.fit([train_text])
train_ids, valid_ids = np.array(tok.encode(train_text), np.int32), np.array(tok.encode(valid_text), np.int32)
cfg = TrainConfig(  # nanoGPT's CPU recipe (a short run warms up for a tenth of its steps)
    steps=a.steps, eval_every=250 if a.steps % 250 == 0 else a.steps, warmup_steps=min(100, a.steps // 10)
)
model = compile_for_training(build_lm(TransformerLM, TransformerConfig(tok.vocab_size), seed=0), cfg)
print(
    f"{model.count_params():,} parameters, vocabulary {tok.vocab_size} (65 characters + 4 specials), "
    f"{len(train_ids):,} training and {len(valid_ids):,} validation characters"
)
load0, t0 = os.getloadavg()[0], time.time()
fit_lm(
    model,
    lm_dataset(train_ids, seq_len=64, stride=1, batch_size=12, seed=0),
    lm_dataset(valid_ids, seq_len=64, batch_size=64, shuffle=False),
    cfg,
    verbose=2,
)
train_s = time.time() - t0
x, y = lm_windows(valid_ids, 64)
loss = mean_nll(model, x, y, batch_size=256)
print(
    f"Tiny Shakespeare, {a.steps} steps: validation loss {loss:.4f} nats/char on all {y.size:,} validation characters "
    f"(nanoGPT's published figure: 1.88)"
)
print(
    f"wall time {train_s:.0f} s for training ({train_s / a.steps * 1000:.0f} ms/step), on {os.cpu_count()} CPUs; "
    f"load average {load0:.2f} at start, {os.getloadavg()[0]:.2f} at end"
)
print(tok.decode(generate(model, tok.encode("ROMEO:"), 300, "sample", temperature=0.8)))
