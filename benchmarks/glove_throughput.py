"""GloVe throughput on the embedded Wikipedia sample (train split), beside gensim Word2Vec.

Measures:
- co-occurrence counting (`lmbook.glove.cooccurrence`, window 10): in-vocabulary tokens/s, non-zero pairs,
  peak traced memory (tracemalloc, numpy arrays included) for two chunk sizes;
- GloVe training (`lmbook.glove.train_glove`, 50 dims, minibatch AdaGrad, `--threads` 1 or 2): non-zero pairs/s and
  corpus tokens/s per epoch,
  peak traced memory;
- gensim Word2Vec skip-gram and CBOW (50 dims, window 5, workers=1): words/s on the same sentences.

Run from the repository root: `.venv/bin/python benchmarks/glove_throughput.py [--epochs 3] [--threads 2]`.
The whole-run comparison with the Stanford C implementation on WikiText-2 is `benchmarks/glove_wikitext2.py`.
The machine is shared: the load average is printed before and after; compare figures only at similar load.
"""

import argparse
import os
import resource
import time
import tracemalloc

from gensim.models import Word2Vec

from lmbook.corpora import load_corpus
from lmbook.glove import GloVeConfig, cooccurrence, train_glove
from lmbook.text import word_tokenize
from lmbook.vocab import SPECIALS, Vocab


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def traced(fn, *args, **kwargs):
    "Run fn, return (result, seconds, peak traced MiB)."
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, seconds, peak


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main(epochs: int = 3, threads: int = 2):
    print(f"load average before: {load_avg()} (2 cores)")
    # same tokenization as lmbook.word2vec.word_sentences (imported without Keras here)
    sents = [
        s
        for s in (
            [w.lower() for w in word_tokenize(line) if w.isalpha()]
            for line in load_corpus("enwiki-sample").lines("train")
        )
        if s
    ]
    n_tokens = sum(map(len, sents))
    words = Vocab.build(sents, min_freq=5).itos[len(SPECIALS) :]
    stoi = set(words)
    n_in_vocab = sum(1 for s in sents for w in s if w in stoi)
    print(
        f"corpus: {len(sents):,} lines, {n_tokens:,} tokens, vocabulary {len(words):,} (min_count 5), "
        f"{n_in_vocab:,} in-vocabulary tokens"
    )

    X, count_s = timed(cooccurrence, sents, words, window=10)
    print(
        f"\nco-occurrence counting (window 10, chunk 1M ids): {count_s:.2f} s = {n_in_vocab / count_s:,.0f} tokens/s; "
        f"non-zero pairs {X.nnz:,} ({X.nnz / len(words) ** 2:.2%} of {len(words):,}^2)"
    )
    for chunk in (1_000_000, 100_000):
        _, _, peak = traced(cooccurrence, sents, words, window=10, chunk_tokens=chunk)
        print(f"  peak traced memory, chunk_tokens={chunk:>9,}: {peak:7.1f} MiB")
    print(f"  (the CSR matrix itself: {(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20:.1f} MiB)")

    cfg = GloVeConfig(embed_dim=50, num_epochs=epochs, lr=0.1, threads=threads)
    res, train_s = timed(train_glove, X, words, cfg)
    per_epoch = train_s / epochs
    print(
        f"\nGloVe training (50 dims, batch {cfg.batch_size:,}, {epochs} epochs, {threads} threads): "
        f"{per_epoch:.2f} s/epoch = "
        f"{X.nnz / per_epoch:,.0f} non-zero pairs/s = {n_tokens / per_epoch:,.0f} corpus tokens/s; "
        f"losses {[round(l, 4) for l in res.losses]}"
    )
    _, _, peak = traced(train_glove, X, words, GloVeConfig(embed_dim=50, num_epochs=1, lr=0.1, threads=threads))
    print(f"  peak traced memory (1 epoch): {peak:.1f} MiB")

    print()
    rates = {}
    for name, sg in (("word2vec skip-gram", 1), ("word2vec CBOW", 0)):
        _, s = timed(
            Word2Vec, sents, sg=sg, vector_size=50, window=5, min_count=5, negative=5, epochs=epochs, workers=1, seed=0
        )
        rates[name] = n_tokens * epochs / s
        print(
            f"gensim {name} (50 dims, window 5, workers=1, {epochs} epochs): "
            f"{s / epochs:.2f} s/epoch = {rates[name]:,.0f} words/s"
        )

    glove_rate = n_tokens / per_epoch
    print(
        "\nratios (corpus tokens per second of an epoch): "
        f"GloVe / skip-gram = {glove_rate / rates['word2vec skip-gram']:.2f}, "
        f"GloVe / CBOW = {glove_rate / rates['word2vec CBOW']:.2f}; counting is a one-off {count_s:.1f} s"
    )
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"load average after: {load_avg()}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=3, help="epochs for GloVe and each word2vec run")
    p.add_argument("--threads", type=int, default=2, choices=(1, 2), help="GloVe training threads")
    args = p.parse_args()
    main(args.epochs, args.threads)
