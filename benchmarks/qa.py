"""Chapter 10d at full size: every reader on all 2,134 test questions of the by-article SQuAD split.

Usage: python benchmarks/qa.py [--encoder gru] [--epochs 4] [--hidden 64] [--readers sw,lm,neural] [--limit N]

Reproduces the notebook's pipeline (`lmbook.apps.qa`) without its CI shortcuts: BM25 recall@1/@5 on the
test questions; the random-candidate, sliding-window (+ distance), neural and 4-gram LM readers, each
given the gold paragraph and the top-1 retrieved one. Prints a Markdown table (EM, F1, wall seconds) and
the published anchors. `--limit N` scores only the first N test questions (a quick check).
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np

from lmbook.apps.qa import (
    BM25,
    ReaderConfig,
    ReaderVocab,
    build_reader,
    candidate_spans,
    check_qa,
    evaluate_reader,
    fit_reader,
    is_test_article,
    is_word,
    lm_reader,
    lm_tokens,
    neural_reader,
    per_question,
    sliding_window_reader,
    span_text,
    squad_examples,
    tokenize_spans,
)
from lmbook.corpora import load_corpus
from lmbook.ngram import kneser_ney
from lmbook.utils import markdown_table

ANCHORS = (
    "logistic regression 40.4 EM / 51.0 F1, human 86.8 F1 (Rajpurkar et al. 2016); BiDAF 77.3 F1 (Seo et al. 2017)"
)


def sentences(text):
    out = [[]]
    for t in lm_tokens(text):
        out[-1].append(t)
        if t in {".", "!", "?"}:
            out.append([])
    return [s for s in out if s]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--encoder", default="gru", choices=["gru", "conv"])
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--readers", default="random,sw,swd,neural,lm")
    ap.add_argument("--limit", type=int, default=None)
    a = ap.parse_args()
    paras, qs = squad_examples(r for s in ("train", "valid", "test") for r in load_corpus("squad-dev").records(s))
    for q in qs:
        q["context"] = paras[q["pid"]]["text"]
    train_q = [q for q in qs if not is_test_article(q["title"])]
    test_q = [q for q in qs if is_test_article(q["title"])][: a.limit]
    bm_tok = lambda t: [w.lower() for w in tokenize_spans(t)[0] if is_word(w)]  # noqa: E731
    bm25 = BM25([bm_tok(p["text"]) for p in paras])
    top5 = bm25.top_k_many([bm_tok(q["question"]) for q in test_q], 5)
    gold = np.array([q["pid"] for q in test_q])
    r1, r5 = 100 * (top5[:, 0] == gold).mean(), 100 * (top5 == gold[:, None]).any(1).mean()
    print(f"BM25 over {len(paras)} paragraphs, {len(test_q)} test questions: recall@1 {r1:.1f}, recall@5 {r5:.1f}")
    rng = np.random.default_rng(0)

    def random_reader(q, c):
        check_qa(q, c)
        toks, off = tokenize_spans(c)
        cands = candidate_spans(toks)
        s, e = cands[rng.integers(len(cands))]
        return span_text(c, off, s, e)

    readers = {"random": ("random candidate", per_question(random_reader)),
               "sw": ("sliding window", per_question(sliding_window_reader)),
               "swd": ("sliding window + distance", per_question(lambda q, c: sliding_window_reader(q, c, True)))}
    want = a.readers.split(",")
    if "neural" in want:
        train_texts = [p["text"] for p in paras if not is_test_article(p["title"])]
        vocab = ReaderVocab(train_texts + [q["question"] for q in train_q])
        cfg = ReaderConfig(vocab_size=len(vocab), embed_dim=64, hidden=a.hidden, encoder=a.encoder, seq_len=300,
                           num_epochs=a.epochs)
        model = build_reader(cfg)
        fit_reader(model, cfg, train_q, vocab)
        readers["neural"] = (f"neural reader ({a.encoder}, {a.epochs} epochs)",
                             lambda qq, cc: neural_reader(model, vocab, qq, cc))
    if "lm" in want:
        kn = kneser_ney([s for p in paras for s in sentences(p["text"])], order=4)
        readers["lm"] = ("LM reader (4-gram KN)", per_question(lambda q, c: lm_reader(q, c, kn)))
    rows = []
    for key in want:
        name, fn = readers[key]
        for source in ("gold", "retrieved"):
            ctx = [q["context"] for q in test_q] if source == "gold" else [paras[i]["text"] for i in top5[:, 0]]
            r = evaluate_reader(fn, [q["question"] for q in test_q], ctx, [q["answers"] for q in test_q])
            rows.append({"reader": name, "paragraph": source, **r})
            print(rows[-1], flush=True)
    print(markdown_table(rows, {"reader": ("reader", None), "paragraph": ("paragraph", None), "em": ("EM", ".1f"),
                                "f1": ("F1", ".1f"), "seconds": ("wall s", ".1f")}))
    print("Anchors (SQuAD v1.1 test set):", ANCHORS)


if __name__ == "__main__":
    main()
