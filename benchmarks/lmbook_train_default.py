"""Benchmark: `lmbook-train` with its default options (the small Transformer on the embedded Wikipedia sample).

Runs the command exactly as a user would (a fresh process, default options, a temporary --out) and prints
its wall time, the training time inside it (training tokens/s with the in-loop evaluations), the loss curve on the
fixed validation sample, and the validation perplexity of the model, of the Kneser-Ney baseline and of their
interpolation (weight fitted on one half of the validation tokens, reported on the other), with the load average.
It also scores the whole validation split with `lmbook-eval`'s `evaluate_run` in bits per character, the unit that
compares runs over different tokenizers (chapter 08).
Extra options go to `lmbook-train`: e.g. `--batch-size 32 --steps 1500` is the default run before issue 17, and
`--tokenizer char --batch-size 32 --steps 1000` the default run when issue 17 was filed (7.24 perplexity per
character after 164 s of training, 2.86 bits per character).

    python benchmarks/lmbook_train_default.py [extra lmbook-train options]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

out = Path(tempfile.mkdtemp()) / "default-run"
cmd = [
    sys.executable,
    "-c",
    "import sys; from lmbook.cli import train_cli; sys.exit(train_cli(sys.argv[1:]))",
    "--out",
    str(out),
    *sys.argv[1:],
]
load0 = os.getloadavg()[0]
t0 = time.time()
subprocess.run(cmd, check=True)
wall = time.time() - t0
m = json.loads((out / "metrics.json").read_text())
print(f"cpus {os.cpu_count()}, load average at start {load0:.2f}, at end {os.getloadavg()[0]:.2f}")
opts = " ".join(sys.argv[1:]) or "none"
print(f"lmbook-train (defaults; extra options: {opts}): wall time {wall:.0f} s (training {m['train_seconds']:.0f} s)")
cfg = json.loads((out / "config.json").read_text())["run"]
print(
    f"  {m['params']:,} parameters, {m['steps']} steps of {cfg['batch_size']} windows of {cfg['seq_len']} tokens, "
    f"peak lr {cfg['lr']:g}: {m['tokens_seen']:,} training tokens, {m['tokens_seen'] / m['train_seconds']:,.0f} "
    f"tokens/s with its evaluations; vocabulary {m['vocab_size']}"
)
c = m["curve"]
print("  sampled validation loss by step: " + ", ".join(f"{s}: {v:.3f}" for s, v in zip(c["step"], c["val_loss"])))
print(
    f"  tokenizer {m['tokenizer']}; validation perplexity per token on {m['valid_tokens']:,} held-out tokens "
    f"(the interpolation weight was fitted on the other {m['fit_tokens']:,}):"
)
print(f"    neural        {m['valid_perplexity']:9.3f}  (NLL {m['valid_nll']:.4f})")
print(f"    KN {m['kn_order']}-gram      {m['kn_perplexity']:9.3f}  (NLL {m['kn_nll']:.4f})")
print(f"    interpolated  {m['interp_perplexity']:9.3f}  (NLL {m['interp_nll']:.4f}, lambda {m['interp_lambda']:.3f})")
print(
    f"  neural / KN perplexity {m['valid_perplexity'] / m['kn_perplexity']:.3f}; "
    f"interpolated / KN {m['interp_perplexity'] / m['kn_perplexity']:.3f}; best: {m['best']}"
)
t0 = time.time()
from lmbook.cli import evaluate_run  # noqa: E402 (TensorFlow loads only after the timed run)

r = evaluate_run(out, cfg["corpus"], "valid")
print(
    f"  whole validation split ({r['n_chars']:,} characters, {r['n_tokens']:,} tokens): {r['bits_per_char']:.4f} "
    f"bits per character, {r['bits_per_token']:.4f} bits per token, <unk> {r['unk_rate']:.2%} "
    f"(scored in {time.time() - t0:.0f} s)"
)
print((out / "samples.txt").read_text()[:400])
