"""Tokens/s of Transformer decoding with and without the KV cache (lmbook.generation.KVCacheDecoder).

The default TransformerConfig (nanoGPT's CPU configuration: 4 layers, 4 heads, C=128) has a 64-position
context; to generate 256 new tokens without any sliding window we use the same config with seq_len=384
(a 32-token prompt + 256 new tokens = 288 positions, all inside the context). Weights are untrained: speed
does not depend on them. Greedy decoding; both paths produce the same ids (checked).

Run: .venv/bin/python benchmarks/kv_cache.py [--new-tokens 256] [--repeats 2]
"""

import argparse
import os
import subprocess
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
from lmbook.rnn import build_lm
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.generation import generate


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-tokens", type=int, default=256)
    ap.add_argument("--prompt-len", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=2, help="best of this many runs per path")
    a = ap.parse_args()
    cfg = TransformerConfig(vocab_size=96, seq_len=384)
    assert a.prompt_len + a.new_tokens <= cfg.seq_len
    model = build_lm(TransformerLM, cfg, seed=0)
    prompt = list(np.random.default_rng(0).integers(4, cfg.vocab_size, a.prompt_len))
    generate(model, prompt, 4, use_cache=True)
    generate(model, prompt, 4, use_cache=False)  # warm up (trace the tf.function)
    res = {}
    for use_cache in (False, True):
        best = float("inf")
        for _ in range(a.repeats):
            t = time.perf_counter()
            out = generate(model, prompt, a.new_tokens, use_cache=use_cache)
            best = min(best, time.perf_counter() - t)
        res[use_cache] = (a.new_tokens / best, out)
    assert res[True][1] == res[False][1], "cached and uncached greedy outputs differ"
    print(f"config: {cfg}")
    print(f"prompt {a.prompt_len} tokens, {a.new_tokens} new tokens, greedy, best of {a.repeats}")
    print(f"without cache: {res[False][0]:8.1f} tokens/s")
    print(f"with cache:    {res[True][0]:8.1f} tokens/s")
    print(f"speed-up:      {res[True][0] / res[False][0]:8.1f}x   (identical outputs: True)")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
