"""Tokenization throughput (MB/s of UTF-8 text) of each of the book's tokenizers.

Measured on the embedded Wikipedia sample ("enwiki-sample": all its lines, about 3 MB), and on the
People's Daily corpus ("peoples-daily-1998", its first `--mb` MB) for comparison:

- the from-scratch byte-level BPE encoder (`lmbook.bpe.BPETokenizer`), given exactly the merges that
  the `tokenizers` BPE learned, so both produce the same tokens (checked) and only the engine differs;
- Hugging Face `tokenizers` BPE, WordPiece and Unigram (`lmbook.bpe.SubwordTokenizer`, `--vocab-size`,
  trained on the first `--train-chars` characters of each `train` split), through `encode_batch`
  (Rust, all cores, ids only: `Tokenizer.encode_batch_fast`) and one line at a time;
- `lmbook.text`'s `word_tokenize`, `char_tokenize` and `jieba_tokenize` (skipped, with a note, if
  `lmbook.text` cannot be imported).

Each tokenizer starts every timed run with its state as trained (a fresh copy: no word cache warmed
by an earlier run).

Target (issue for chapter 04e): the `tokenizers` BPE is at least 20x faster than the from-scratch
encoder. The script prints the ratio, the ceiling that the machine's cores put on it, and exits
with status 1 if the target is missed.

Usage: python benchmarks/tokenizer_throughput.py [--repeats 3] [--mb 3.1] [--vocab-size 8000] [--train-chars 300000]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from lmbook.bpe import KINDS, BPETokenizer, SubwordTokenizer, bytes_to_unicode_str, hf_merges
from lmbook.corpora import load_corpus
from tokenizers import Tokenizer, models

TARGET = 20.0  # tokenizers BPE / scratch BPE, at least
PRESPLIT = "tokenizers GPT-2 pre-split only (no BPE)"  # the floor under any byte-level BPE in `tokenizers`
CORPORA = {"en": "enwiki-sample", "zh": "peoples-daily-1998"}


def best_time(fn, repeats: int, setup=lambda: None) -> tuple[float, float]:
    "(wall, CPU) seconds of the fastest of `repeats` calls `fn(setup())` (least disturbed); `setup` is not timed."
    best = (math.inf, math.inf)
    for _ in range(repeats):
        arg = setup()
        t0, c0 = time.perf_counter(), time.process_time()  # CPU time of the whole process, all threads
        fn(arg)
        best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
    return best


def text_tokenizers() -> tuple[dict, str]:
    "lmbook.text's tokenizer functions, or ({}, why they are missing)."
    try:
        from lmbook import text
    except Exception as e:  # the module is written in another section; it may not exist yet
        return {}, f"lmbook.text is not importable ({type(e).__name__}: {e})"
    fns, missing = {}, []
    for name in ("word_tokenize", "char_tokenize", "jieba_tokenize"):
        if hasattr(text, name):
            fns[f"lmbook.text {name}"] = getattr(text, name)
        else:
            missing.append(name)
    return fns, (f"lmbook.text has no {', '.join(missing)}" if missing else "")


def measure(lang: str, args) -> dict:
    "{tokenizer: (MB/s wall, MB per CPU-second)} on the first `args.mb` MB of one corpus's lines (train, valid, test)."
    corpus = load_corpus(CORPORA[lang])
    lines, size = [], 0
    for s in (s for split in ("train", "valid", "test") for s in corpus.lines(split)):
        if size >= args.mb * 1e6:
            break
        lines.append(s)
        size += len(s.encode("utf-8"))
    size = size / 1e6
    train = corpus.text("train")[: args.train_chars].splitlines()
    toks = {kind: SubwordTokenizer.train(train, kind=kind, vocab_size=args.vocab_size) for kind in KINDS}
    scratch = BPETokenizer.from_merge_bytes(hf_merges(toks["bpe"]))
    for s in lines[:200]:  # same merges, same tokens
        assert [bytes_to_unicode_str(scratch.vocab[i]) for i in scratch.encode(s)] == toks["bpe"].tokens(s), s[:60]
    runs = {
        "scratch BPE (same merges)": (lambda _: [scratch.encode(s) for s in lines], args.scratch_repeats, lambda: None)
    }
    for kind, tok in toks.items():
        fresh = lambda tok=tok: SubwordTokenizer(
            Tokenizer.from_str(tok.tokenizer.to_str())
        )  # as trained: an empty word cache
        runs[f"tokenizers {kind} (encode_batch)"] = (lambda t: t.encode_batch(lines), args.repeats, fresh)
        runs[f"tokenizers {kind} (one line at a time)"] = (lambda t: [t.encode(s) for s in lines], args.repeats, fresh)
    presplit = Tokenizer(
        models.WordLevel({"<unk>": 0}, unk_token="<unk>")
    )  # a model that does nothing: every piece is <unk>
    presplit.pre_tokenizer = toks[
        "bpe"
    ].tokenizer.pre_tokenizer  # the BPE's own GPT-2 pre-split (ByteLevel, with its regex)
    runs[PRESPLIT] = (lambda t: t.encode_batch_fast(lines, add_special_tokens=False), args.repeats, lambda: presplit)
    fns, _ = text_tokenizers()
    for name, fn in fns.items():
        fn(lines[0])  # warm up (jieba loads its dictionary on first use)
        runs[name] = (lambda _, fn=fn: [fn(s) for s in lines], args.repeats, lambda: None)
    res = {}
    for name, (run, repeats, setup) in runs.items():
        wall, cpu = best_time(run, repeats, setup)
        res[name] = (size / wall, size / cpu)
    return {"_mb": size, "_merges": len(scratch.merges), **res}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per fast tokenizer (the best is kept)")
    p.add_argument("--scratch-repeats", type=int, default=2, help="timed runs of the slow scratch encoder")
    p.add_argument(
        "--train-chars", type=int, default=300_000, help="characters of each train split the tokenizers learn from"
    )
    p.add_argument(
        "--vocab-size", type=int, default=8000, help="vocabulary size of every trained tokenizer (specials included)"
    )
    p.add_argument(
        "--mb",
        type=float,
        default=3.1,
        help="MB of each corpus to tokenize, from its first line (3.1: all of enwiki-sample)",
    )
    p.add_argument(
        "--langs", default="en,zh", help="which corpora: en (the Wikipedia sample, required by the target), zh"
    )
    args = p.parse_args(argv)
    if args.mb <= 0:
        p.error(f"--mb must be positive, not {args.mb}")
    langs = [l for l in args.langs.split(",") if l]
    if set(langs) - set(CORPORA):
        p.error(f"--langs takes {','.join(CORPORA)}, not {args.langs!r}")
    if "en" not in langs:
        p.error("--langs must include en: the target is measured on the Wikipedia sample")
    results = {lang: measure(lang, args) for lang in langs}
    _, note = text_tokenizers()
    names = [k for k in results["en"] if not k.startswith("_")]
    print(
        f"Tokenization throughput, {os.cpu_count()} CPUs, fastest of {args.repeats} runs "
        f"({args.scratch_repeats} for the scratch encoder)"
    )
    for lang in langs:
        r = results[lang]
        print(
            f"  {lang}: {CORPORA[lang]}, {r['_mb']:.2f} MB; BPE with {r['_merges']} merges "
            f"(vocab_size {args.vocab_size} with 4 specials)"
        )
    print(f"{'':42s}" + "".join(f"{lang + ' MB/s':>10s}{lang + ' MB/CPU-s':>13s}" for lang in langs))
    for name in names:
        print(
            f"{name:42s}" + "".join(f"{results[lang][name][0]:10.3f}{results[lang][name][1]:13.3f}" for lang in langs)
        )
    if note:
        print(f"skipped lmbook.text tokenizers: {note}")
    en = results["en"]
    base = en["scratch BPE (same merges)"][0]
    batch, single = (en[f"tokenizers bpe ({how})"][0] / base for how in ("encode_batch", "one line at a time"))
    per_cpu = en["tokenizers bpe (one line at a time)"][1] / en["scratch BPE (same merges)"][1]
    batch_cpu = en["tokenizers bpe (encode_batch)"][1] / en["scratch BPE (same merges)"][1]
    ok = max(batch, single) >= TARGET
    print(
        f"ratio tokenizers BPE / scratch BPE on enwiki-sample (MB/s): {batch:.1f}x with encode_batch, "
        f"{single:.1f}x one line at a time; per CPU-second {per_cpu:.1f}x one line at a time, "
        f"{batch_cpu:.1f}x with encode_batch; target >= {TARGET:.0f}x: {'PASS' if ok else 'FAIL'}"
    )
    print(
        f"encode_batch uses {en['tokenizers bpe (encode_batch)'][0] / en['tokenizers bpe (encode_batch)'][1]:.2f} "
        f"of the {os.cpu_count()} CPUs; the scratch encoder uses one, so with all {os.cpu_count()} busy "
        f"the ratio is at most {batch_cpu * os.cpu_count():.1f}x on this machine "
        f"(20x needs {TARGET / batch_cpu:.1f} fully used CPUs at this per-CPU speed)"
    )
    floor = en[PRESPLIT][1] / en["scratch BPE (same merges)"][1]
    print(
        f"the GPT-2 pre-split alone, before any merge, runs at {en[PRESPLIT][1]:.2f} MB per CPU-second: "
        f"{floor:.1f}x the scratch encoder per CPU, "
        f"at most {floor * os.cpu_count():.1f}x with all {os.cpu_count()} CPUs"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
