"""Tokens/s of greedy Transformer decoding: full recomputation, the NumPy KV cache, the model's own keras.ops KV cache
(lmbook.transformer.CachedDecoder, step by step: XLA, tf.function, and the default jit="auto", which switches a shape to
XLA after 512 steps; and a whole greedy loop compiled as one XLA program), and keras-hub.

Configuration: TransformerConfig(vocab_size=V, seq_len=512, embed_dim=128, num_heads=4, num_layers=4, ff_dim=512),
random weights (speed does not depend on them), a 16-token prompt, 256 new tokens, greedy argmax, batch 1 and batch 8.
keras-hub: GPT2CausalLM on a GPT2Backbone of the same sizes, no preprocessor, greedy sampler, compiled generate.
The cached paths' greedy ids are checked to equal full recomputation's.
Beam search (lmbook.generation.beam_search, width --beam-width, --beam-new-tokens new tokens, batch 1) with the
model's KV cache (all beams in one compiled step, rows reordered) against a full pass per beam; the ids must agree.
Every figure is printed with the load average beside it: on a shared machine, compare the ratios of one run. The last
column, the first call's seconds (tracing and compiling included), is the price of a one-off `generate`.

Run: python benchmarks/kv_cache.py [--batch-sizes 1 8] [--repeats 3] [--cache-len 0] [--skip-keras-hub] [--skip-beam]
"""

import argparse
import os
import subprocess
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from lmbook.generation import KVCacheDecoder, beam_search  # noqa: E402
from lmbook.lm import build_lm  # noqa: E402
from lmbook.transformer import CachedDecoder, TransformerConfig, TransformerLM  # noqa: E402


def full_recompute(model, prompt, new):  # (B, P) -> (B, new): the whole prefix through `call` at every step
    spec = [tf.TensorSpec((None, None), tf.int32)]
    step = tf.function(lambda x: model(x, training=False)[:, -1], input_signature=spec)  # (B, T) -> (B, V)
    ids = prompt.copy()
    for _ in range(new):
        nxt = np.argmax(step(tf.constant(ids)).numpy(), axis=-1).astype(np.int32)  # (B,)
        ids = np.concatenate([ids, nxt[:, None]], axis=1)
    return ids[:, prompt.shape[1] :]


def numpy_cache(model, prompt, new):  # the NumPy KVCacheDecoder, one sequence after another
    dec, out = KVCacheDecoder(model), []
    for p in prompt:
        dec.reset()
        logits, ids = dec.feed(p), []
        for _ in range(new):
            ids.append(int(np.argmax(logits[-1])))
            logits = dec.feed([ids[-1]])
        out.append(ids)
    return np.array(out)


def stepwise(dec):  # CachedDecoder: one compiled call per token, argmax in NumPy
    def run(model, prompt, new):
        dec.reset()
        logits, ids = dec.feed(prompt), []  # (B, P, V)
        for _ in range(new):
            ids.append(np.argmax(logits[:, -1], axis=-1).astype(np.int32))  # (B,)
            logits = dec.feed(ids[-1][:, None])
        return np.stack(ids, axis=1)

    return run


def compiled_loop(cache_len):  # the whole greedy loop as one XLA program: keras.ops.while_loop over call_with_cache
    fns = {}

    def run(model, prompt, new):
        B, P = prompt.shape
        if (B, P, new) not in fns:

            def greedy(x):  # (B, P) -> (B, new)
                logits, cache = model.call_with_cache(x, model.init_cache(B, cache_len), 0)
                nxt = ops.cast(ops.argmax(logits[:, -1], axis=-1), "int32")[:, None]  # (B, 1)

                def body(i, nxt, cache, out):
                    out = ops.slice_update(out, (0, i), nxt)
                    logits, cache = model.call_with_cache(nxt, cache, P + i)
                    return i + 1, ops.cast(ops.argmax(logits[:, -1], axis=-1), "int32")[:, None], cache, out

                init = (ops.convert_to_tensor(0, "int32"), nxt, cache, ops.zeros((B, new), "int32"))
                return ops.while_loop(lambda i, *_: i < new, body, init)[-1]

            fns[(B, P, new)] = tf.function(greedy, jit_compile=True, autograph=False)
        return fns[(B, P, new)](tf.constant(prompt)).numpy()

    return run


def keras_hub_generate(cfg, total_len):  # keras-hub GPT2CausalLM.generate, greedy, compiled, same sizes
    import keras_hub

    keras.utils.set_random_seed(0)
    backbone = keras_hub.models.GPT2Backbone(
        vocabulary_size=cfg.vocab_size, num_layers=cfg.num_layers, num_heads=cfg.num_heads,
        hidden_dim=cfg.embed_dim, intermediate_dim=cfg.ff_dim, max_sequence_length=cfg.seq_len,
    )
    lm = keras_hub.models.GPT2CausalLM(backbone=backbone, preprocessor=None)
    lm.compile(sampler="greedy")

    def run(model, prompt, new):
        B, P = prompt.shape
        token_ids = np.zeros((B, total_len), np.int32)
        token_ids[:, :P] = prompt
        mask = np.zeros((B, total_len), bool)
        mask[:, :P] = True
        out = lm.generate({"token_ids": token_ids, "padding_mask": mask}, stop_token_ids=None)
        return np.asarray(out["token_ids"])[:, P : P + new]

    return run


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vocab-size", type=int, default=96, help="V (96: the character vocabulary of the book's corpora)")
    ap.add_argument("--prompt-len", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=256)
    ap.add_argument("--seq-len", type=int, default=512, help="the model's position table (and keras-hub's)")
    ap.add_argument("--cache-len", type=int, default=0, help="cache slots for the keras.ops paths (0: prompt + new)")
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--repeats", type=int, default=3, help="best of this many timed runs per path, interleaved")
    ap.add_argument("--skip-recompute", action="store_true", help="leave out full recomputation (the slowest path)")
    ap.add_argument("--skip-keras-hub", action="store_true")
    ap.add_argument("--beam-width", type=int, default=4, help="beam search: hypotheses kept (default: %(default)s)")
    ap.add_argument("--beam-new-tokens", type=int, default=64, help="beam search: new tokens (default: %(default)s)")
    ap.add_argument("--skip-beam", action="store_true", help="leave out beam search with and without the cache")
    a = ap.parse_args()
    total = a.prompt_len + a.new_tokens
    cache_len = a.cache_len or total
    if a.prompt_len < 1 or a.new_tokens < 1 or a.repeats < 1 or min(a.batch_sizes) < 1:
        ap.error("--prompt-len, --new-tokens, --repeats and --batch-sizes must be >= 1")
    if not total <= cache_len <= a.seq_len:
        ap.error(f"need prompt + new tokens ({total}) <= --cache-len ({cache_len}) <= --seq-len ({a.seq_len})")

    cfg = TransformerConfig(vocab_size=a.vocab_size, seq_len=a.seq_len, embed_dim=128, num_heads=4, num_layers=4,
                            ff_dim=512)
    model = build_lm(TransformerLM, cfg, seed=0)
    paths = {}
    if not a.skip_recompute:
        paths["(a) full recomputation"] = full_recompute
    paths["(b) NumPy KVCacheDecoder"] = numpy_cache
    paths["(c) CachedDecoder, XLA step"] = stepwise(CachedDecoder(model, cache_len, jit=True))
    paths["(c') CachedDecoder, tf.function step"] = stepwise(CachedDecoder(model, cache_len, jit=False))
    paths["(c'') CachedDecoder, jit='auto' (default)"] = stepwise(CachedDecoder(model, cache_len))  # XLA after 512
    paths["(d) greedy loop, one XLA program"] = compiled_loop(cache_len)
    if not a.skip_keras_hub:
        paths["(e) keras-hub GPT2CausalLM.generate"] = keras_hub_generate(cfg, total)

    rng = np.random.default_rng(0)
    rows, first = [], {}  # first: seconds of the first call of each path (tracing and compiling included)
    for B in a.batch_sizes:
        prompt = rng.integers(0, cfg.vocab_size, (B, a.prompt_len)).astype(np.int32)
        short = prompt[:, : min(4, a.prompt_len)]
        best, ids = {}, {}
        for name, fn in paths.items():  # warm up: trace and compile every shape used below
            first[B, name] = timed(fn, model, prompt, 2 if name.startswith("(a)") else a.new_tokens)[0]
            fn(model, short, 2)
            best[name] = float("inf")
        for _ in range(a.repeats):
            for name, fn in paths.items():
                t, ids[name] = timed(fn, model, prompt, a.new_tokens)
                best[name] = min(best[name], t)
        ref = ids.get("(a) full recomputation", ids["(b) NumPy KVCacheDecoder"])
        for name in paths:
            if not name.startswith("(e)"):  # keras-hub has other (random) weights
                assert np.array_equal(ids[name], ref), f"{name}: greedy ids differ from the reference"
        for name in paths:
            rows.append((B, name, B * a.new_tokens / best[name]))

    print(f"config: {cfg}")
    print(f"prompt {a.prompt_len}, new tokens {a.new_tokens}, greedy; cache slots for (c)/(d): {cache_len}; "
          f"best of {a.repeats}; backend {keras.config.backend()}")
    print("identical greedy ids: cached paths (b)-(d) == reference (full recomputation, or NumPy if skipped)")
    tok = {(B, name): r for B, name, r in rows}
    print(f"{'B':>2}  {'path':42s} {'tokens/s':>9s}  {'vs NumPy':>8s}  {'vs keras-hub':>12s}  {'first call s':>12s}")
    for B, name, r in rows:
        hub = tok.get((B, "(e) keras-hub GPT2CausalLM.generate"))
        vs_hub = f"{r / hub:11.2f}x" if hub else f"{'-':>12s}"
        t1 = "-" if name.startswith("(a)") else f"{first[B, name]:.2f}"  # (a) warms up on 2 tokens only
        print(f"{B:>2}  {name:42s} {r:9.0f}  {r / tok[(B, '(b) NumPy KVCacheDecoder')]:7.2f}x  {vs_hub}  {t1:>12s}")
    print("first call: the first decode of the timed shape (prompt and new tokens), tracing and compiling included; "
          "a whole-loop program compiles again for every new (batch, prompt, new tokens) shape")
    print(f"load average (1 min) after the greedy paths: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if not a.skip_beam:
        beam(model, a)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def beam(model, a):  # beam search with the model's KV cache against a full pass per beam, alternated, best of repeats
    prompt = [int(i) for i in np.random.default_rng(1).integers(0, model.config.vocab_size, a.prompt_len)]
    run = {c: (lambda c=c: beam_search(model, prompt, a.beam_width, a.beam_new_tokens, use_cache=c)) for c in (1, 0)}
    out = {c: f() for c, f in run.items()}  # warm up: trace and compile
    assert out[1] == out[0], "beam search: the cached beams differ from the full-pass beams"
    best, load = {1: float("inf"), 0: float("inf")}, []
    for _ in range(a.repeats):
        for c, f in run.items():
            t, _ = timed(f)
            best[c] = min(best[c], t)
            load.append(os.getloadavg()[0])
    tps = {c: a.beam_new_tokens / t for c, t in best.items()}
    print(f"beam search, width {a.beam_width}, prompt {a.prompt_len}, {a.beam_new_tokens} new tokens, batch 1, "
          f"best of {a.repeats} (identical ids): with cache {tps[1]:.0f} tokens/s, full pass per beam {tps[0]:.0f} "
          f"tokens/s, ratio {tps[1] / tps[0]:.2f}x (goal >= 3x); load average {min(load):.2f}-{max(load):.2f}")


if __name__ == "__main__":
    main()
