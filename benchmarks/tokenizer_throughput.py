"""Tokenization throughput (MB/s of UTF-8 text) of each of the book's tokenizers.

Measured on held-out lines (the `valid` and `test` splits) of the embedded Wikipedia sample
("enwiki-sample"), and of the People's Daily corpus ("peoples-daily-1998") for comparison:

- the from-scratch byte-level BPE encoder (`lmbook.bpe.BPETokenizer`), given exactly the merges that
  the `tokenizers` BPE learned, so both produce the same tokens (checked) and only the engine differs;
- Hugging Face `tokenizers` BPE, WordPiece and Unigram (`lmbook.bpe.SubwordTokenizer`, vocab_size 8000,
  trained on the first `--train-chars` characters of each `train` split), through `encode_batch`
  (Rust, all cores) and one line at a time;
- `lmbook.text`'s `word_tokenize`, `char_tokenize` and `jieba_tokenize` (skipped, with a note, if
  `lmbook.text` cannot be imported).

Target (issue for chapter 04d): the `tokenizers` BPE is at least 20x faster than the from-scratch
encoder. The script prints the ratio and exits with status 1 if the target is missed.

Usage: python benchmarks/tokenizer_throughput.py [--repeats 3] [--scratch-chars 60000] [--train-chars 1000000]
"""
from __future__ import annotations

import argparse, math, os, sys, time

from lmbook.bpe import KINDS, BPETokenizer, SubwordTokenizer, bytes_to_unicode_str, hf_merges
from lmbook.corpora import load_corpus

TARGET = 20.0  # tokenizers BPE / scratch BPE, at least
CORPORA = {"en": "enwiki-sample", "zh": "peoples-daily-1998"}


def mb(lines) -> float: return sum(len(s.encode("utf-8")) for s in lines) / 1e6


def best_time(fn, repeats: int) -> tuple[float, float]:
    "(wall, CPU) seconds of the fastest of `repeats` calls of `fn` (the least disturbed run on a shared machine)."
    best = (math.inf, math.inf)
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()  # CPU time of the whole process, all threads
        fn()
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
        if hasattr(text, name): fns[f"lmbook.text {name}"] = getattr(text, name)
        else: missing.append(name)
    return fns, (f"lmbook.text has no {', '.join(missing)}" if missing else "")


def measure(lang: str, args) -> dict:
    "{tokenizer: (MB/s wall, MB per CPU-second)} on one corpus's held-out lines."
    corpus = load_corpus(CORPORA[lang])
    lines = [s for split in ("valid", "test") for s in corpus.lines(split)]
    size = mb(lines)
    train = corpus.text("train")[:args.train_chars].splitlines()
    toks = {kind: SubwordTokenizer.train(train, kind=kind, vocab_size=8000) for kind in KINDS}
    scratch = BPETokenizer.from_merge_bytes(hf_merges(toks["bpe"]))
    for s in lines[:200]:  # same merges, same tokens
        assert [bytes_to_unicode_str(scratch.vocab[i]) for i in scratch.encode(s)] == toks["bpe"].tokens(s), s[:60]
    runs = {"scratch BPE (same merges)": (lambda: [scratch.encode(s) for s in lines], args.scratch_repeats)}
    for kind, tok in toks.items():
        runs[f"tokenizers {kind} (encode_batch)"] = (lambda tok=tok: tok.encode_batch(lines), args.repeats)
        runs[f"tokenizers {kind} (one line at a time)"] = (lambda tok=tok: [tok.encode(s) for s in lines], args.repeats)
    fns, _ = text_tokenizers()
    for name, fn in fns.items():
        fn(lines[0])  # warm up (jieba loads its dictionary on first use)
        runs[name] = (lambda fn=fn: [fn(s) for s in lines], args.repeats)
    res = {}
    for name, (run, repeats) in runs.items():
        wall, cpu = best_time(run, repeats)
        res[name] = (size / wall, size / cpu)
    return {"_mb": size, "_merges": len(scratch.merges), **res}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per fast tokenizer (the best is kept)")
    p.add_argument("--scratch-repeats", type=int, default=2, help="timed runs of the slow scratch encoder")
    p.add_argument("--train-chars", type=int, default=300_000, help="characters of each train split the tokenizers learn from")
    p.add_argument("--langs", default="en,zh", help="which corpora: en (the Wikipedia sample, required by the target), zh")
    args = p.parse_args(argv)
    langs = [l for l in args.langs.split(",") if l]
    if "en" not in langs: p.error("--langs must include en: the target is measured on the Wikipedia sample")
    results = {lang: measure(lang, args) for lang in langs}
    _, note = text_tokenizers()
    names = [k for k in results["en"] if not k.startswith("_")]
    print(f"Tokenization throughput of held-out text (valid+test lines), {os.cpu_count()} CPUs, fastest of {args.repeats} runs "
          f"({args.scratch_repeats} for the scratch encoder)")
    for lang in langs:
        r = results[lang]
        print(f"  {lang}: {CORPORA[lang]}, {r['_mb']:.2f} MB; BPE with {r['_merges']} merges (vocab_size 8000 with 4 specials)")
    print(f"{'':42s}" + "".join(f"{lang + ' MB/s':>10s}{lang + ' MB/CPU-s':>13s}" for lang in langs))
    for name in names: print(f"{name:42s}" + "".join(f"{results[lang][name][0]:10.3f}{results[lang][name][1]:13.3f}" for lang in langs))
    if note: print(f"skipped lmbook.text tokenizers: {note}")
    en = results["en"]
    base = en["scratch BPE (same merges)"][0]
    batch, single = (en[f"tokenizers bpe ({how})"][0] / base for how in ("encode_batch", "one line at a time"))
    per_cpu = en["tokenizers bpe (one line at a time)"][1] / en["scratch BPE (same merges)"][1]
    ok = max(batch, single) >= TARGET
    print(f"ratio tokenizers BPE / scratch BPE on enwiki-sample (MB/s): {batch:.1f}x with encode_batch, {single:.1f}x one line at a time; "
          f"per CPU-second {per_cpu:.1f}x; target >= {TARGET:.0f}x: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
