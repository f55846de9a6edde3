"""Reference for issue 17's goals 1-2: nanoGPT's CPU recipe on Tiny Shakespeare in plain PyTorch, timed to a loss.

nanoGPT's README trains `config/train_shakespeare_char.py` on a CPU with
`--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000
--dropout=0.0` and reports a validation loss of about 1.88. This script is that recipe, written out with the same model
(pre-LN GPT, GELU MLP of 4C, biases, tied head, N(0, 0.02) init with the residual projections scaled by 1/sqrt(2L)),
the same optimizer (AdamW, betas 0.9/0.99, weight decay 0.1 on matrices only, gradients clipped to 1), warmup of 100
steps and cosine decay from 1e-3 to 1e-4, random windows drawn with replacement, in eager PyTorch on the CPU. It
evaluates only at the end, on every validation character (the last 10% of the file, in windows of 64), so its wall time
is the training time of the recipe; it prints that, and the wall time to the final loss (the evaluation included).
Compare it, in the same session on the same machine, with `benchmarks/tinyshakespeare_nanogpt.py` (which runs it first
when PyTorch is importable): goal 1 asks for a validation loss <= 1.88 in <= 0.7x this script's wall time to the final
loss. The script prints the loss, the times and the load average.

It needs PyTorch, which lmbook does not depend on (several GB): install it in a throwaway environment,
`python -m venv /tmp/torch-env && /tmp/torch-env/bin/pip install torch numpy`, and run it with that Python and
`PYTHONPATH` pointing at the repository (for `lmbook.corpora`, which reads the data). Without PyTorch it says so and
exits with code 0.

    python benchmarks/nanogpt_torch_reference.py [--steps 2000] [--threads 0] [--mirror URL_OR_DIR] [--cache DIR]
"""

import argparse
import contextlib
import math
import os
import sys
import tempfile
import time
from pathlib import Path

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--steps", type=int, default=2000)
p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
p.add_argument("--seed", type=int, default=1337, help="nanoGPT's seed")
p.add_argument("--mirror", default=None, help="mirror URL or folder (default: $LMBOOK_MIRROR, else ../shared/data)")
p.add_argument("--cache", default=None, help="corpus cache folder (default: a temporary folder)")
a = p.parse_args()

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print("PyTorch is not installed: this reference was not run (see the docstring for a throwaway environment).")
    sys.exit(0)

from lmbook.corpora import load_corpus  # noqa: E402
from lmbook.testing import shared_mirror  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BLOCK, BATCH, LAYERS, HEADS, EMBD = 64, 12, 4, 4, 128  # nanoGPT's CPU configuration
LR, MIN_LR, WARMUP, WEIGHT_DECAY, BETAS, CLIP = 1e-3, 1e-4, 100, 0.1, (0.9, 0.99), 1.0


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(EMBD), nn.LayerNorm(EMBD)
        self.qkv, self.proj = nn.Linear(EMBD, 3 * EMBD), nn.Linear(EMBD, EMBD)
        self.fc, self.out = nn.Linear(EMBD, 4 * EMBD), nn.Linear(4 * EMBD, EMBD)

    def forward(self, x):  # (B, T, C)
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v))  # (B, H, T, d)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab_size, EMBD), nn.Embedding(BLOCK, EMBD)
        self.blocks, self.ln_f = nn.ModuleList(Block() for _ in range(LAYERS)), nn.LayerNorm(EMBD)
        for name, prm in self.named_parameters():  # nanoGPT's initialisation
            if name.endswith("weight") and prm.dim() == 2:
                std = 0.02 / math.sqrt(2 * LAYERS) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(prm, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(prm)

    def forward(self, idx):  # (B, T) -> logits (B, T, V), the head tied to the token table
        h = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.blocks:
            h = b(h)
        return self.ln_f(h) @ self.wte.weight.T


def lr_at(it):  # nanoGPT's get_lr: linear warmup, then cosine decay to MIN_LR at the last step
    if it < WARMUP:
        return LR * (it + 1) / (WARMUP + 1)
    r = min(1.0, (it - WARMUP) / max(1, a.steps - WARMUP))
    return MIN_LR + 0.5 * (1.0 + math.cos(math.pi * r)) * (LR - MIN_LR)


def main():
    torch.manual_seed(a.seed)
    if a.threads:
        torch.set_num_threads(a.threads)
    cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp())
    mirror = a.mirror or os.environ.get("LMBOOK_MIRROR")
    with contextlib.nullcontext(mirror) if mirror else shared_mirror(REPO) as url:
        corpus = load_corpus("tinyshakespeare", cache=cache, mirror=url, progress=False)
        train_text, valid_text = corpus.text("train"), corpus.text("valid") + corpus.text("test")
    chars = sorted(set(train_text + valid_text))  # nanoGPT: the distinct characters of the whole file
    stoi = {c: i for i, c in enumerate(chars)}
    train = torch.tensor([stoi[c] for c in train_text], dtype=torch.long)
    valid = torch.tensor([stoi[c] for c in valid_text], dtype=torch.long)
    model = GPT(len(chars))
    decay = [p_ for p_ in model.parameters() if p_.dim() >= 2]
    no_decay = [p_ for p_ in model.parameters() if p_.dim() < 2]
    groups = [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=LR, betas=BETAS)
    n_params = sum(p_.numel() for p_ in model.parameters())
    load0, t0 = os.getloadavg()[0], time.time()
    model.train()
    for it in range(a.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        ix = torch.randint(len(train) - BLOCK, (BATCH,))
        x = torch.stack([train[i : i + BLOCK] for i in ix])
        y = torch.stack([train[i + 1 : i + 1 + BLOCK] for i in ix])
        loss = F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        if it % 250 == 0:
            print(f"step {it}: train loss {loss.item():.4f}, {time.time() - t0:.0f} s", flush=True)
    train_s = time.time() - t0
    model.eval()
    n = (len(valid) - 1) // BLOCK
    xs, ys = valid[: n * BLOCK].view(n, BLOCK), valid[1 : n * BLOCK + 1].view(n, BLOCK)
    with torch.no_grad():
        total = sum(F.cross_entropy(model(xs[i : i + 256]).reshape(-1, len(chars)), ys[i : i + 256].reshape(-1),
                                    reduction="sum").item() for i in range(0, n, 256))
    val, wall = total / ys.numel(), time.time() - t0
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {n_params:,} parameters; "
          f"{a.steps} steps in {train_s:.1f} s ({a.steps * BATCH * BLOCK / train_s:,.0f} tokens/s); "
          f"wall time to the final loss {wall:.1f} s; validation loss "
          f"{val:.4f} nats/char on all {ys.numel():,} validation characters (nanoGPT's published figure: 1.88); "
          f"load average {load0:.2f} at start, {os.getloadavg()[0]:.2f} at end, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
