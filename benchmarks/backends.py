"""Benchmark: one saved Transformer on the TensorFlow, JAX and PyTorch backends: logits, training and decoding speed.

The model is `TransformerLM` in nanoGPT's CPU configuration (the defaults of `TransformerConfig`: 4 blocks of width 128,
4 heads, 64 positions), trained briefly on Tiny Shakespeare's characters and saved to one `.keras` file. Each backend
loads that file in its own process (`lmbook.backends.measure_backend`), computes the logits of a fixed batch, then times
`--steps` training steps (batches of 12 x 64, XLA on TensorFlow and JAX, eager PyTorch) and greedy decoding with the KV
cache. A backend whose package is missing is skipped with the command that installs it (PyTorch for the CPU:
`pip install torch --index-url https://download.pytorch.org/whl/cpu`, about 200 MB). Speeds depend on the machine
and its load: compare them within one run.

The data come from --mirror (a URL or a folder laid out as a mirror), else from $LMBOOK_MIRROR, else from the
repository's ../shared/data when it exists (served over loopback HTTP, as a mirror), else from the corpus's usual URL.

    python benchmarks/backends.py [--steps 200] [--rounds 8] [--mirror URL_OR_DIR] [--cache DIR]
"""

import argparse
import contextlib
import os
import tempfile
from pathlib import Path

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--steps", type=int, default=200, help="timed training steps per backend")
p.add_argument("--rounds", type=int, default=8, help="decoding rounds of 48 new tokens per backend")
p.add_argument("--mirror", default=None, help="mirror URL or folder (default: $LMBOOK_MIRROR, else ../shared/data)")
p.add_argument("--cache", default=None, help="corpus cache folder (default: a temporary folder)")
a = p.parse_args()

import numpy as np
from lmbook.backends import BACKENDS, INSTALL, backend_installed, measure_backend
from lmbook.batches import lm_dataset
from lmbook.corpora import load_corpus
from lmbook.lm import build_lm, compile_lm, save_lm
from lmbook.testing import shared_mirror
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.utils import markdown_table
from lmbook.vocab import CharTokenizer

REPO = Path(__file__).resolve().parents[1]
cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp())
mirror = a.mirror or os.environ.get("LMBOOK_MIRROR")
with contextlib.nullcontext(mirror) if mirror else shared_mirror(REPO) as url:
    text = load_corpus("tinyshakespeare", cache=cache, mirror=url, progress=False).text("train")
tok = CharTokenizer.fit([text])
ids = np.array(tok.encode(text), np.int32)
model = compile_lm(build_lm(TransformerLM, TransformerConfig(tok.vocab_size), seed=0))
model.fit(lm_dataset(ids, seq_len=64, stride=1, batch_size=12, seed=0), steps_per_epoch=100, epochs=1, verbose=0)
work = Path(tempfile.mkdtemp())
save_lm(model, work / "lm.keras")
x = ids[: 4 * 64].reshape(4, 64)
print(f"{model.count_params():,} parameters; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")

rows, ref = [], None
for backend in BACKENDS:
    if not backend_installed(backend):
        print(f"{backend}: not installed, skipped (install it with `{INSTALL[backend]}`)")
        continue
    r = measure_backend(backend, work / "lm.keras", x, ids, steps=a.steps, decode_tokens=48, rounds=a.rounds)
    ref = r["logits"] if ref is None else ref
    rows.append(dict(backend=backend, jit="XLA" if r["jit"] else "no", train=r["train_tokens_per_s"],
                     decode=r["decode_tokens_per_s"], diff=float(np.abs(r["logits"] - ref).max())))
print(markdown_table(rows, {"backend": ("backend", None), "jit": ("train step compiled", None),
                            "train": ("training tokens/s", ",.0f"), "decode": ("decoding tokens/s", ",.0f"),
                            "diff": ("max |logit - first backend's|", ".1e")}))
print(f"load average at the end {os.getloadavg()[0]:.2f}")
