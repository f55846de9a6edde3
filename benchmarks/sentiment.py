"""Chapter 10a at full size: the English (rt-polarity, 10-fold CV) and Chinese (chinese-reviews) sentiment tables.

Usage (from the repository root):
    python benchmarks/sentiment.py                 # corpora: loopback mirror of ../shared/data, else downloaded
    python benchmarks/sentiment.py --folds 3       # fewer English folds (faster); --lang en or zh for one table
    python benchmarks/sentiment.py --steps 1000 --labelled 0   # the neural rows' training steps; 0 = all labels
    python benchmarks/sentiment.py --no-neural     # the linear, n-gram and word-vector rows only (minutes)

Every method of the chapter at the full run's size (the notebook's `FULL`): the linear baselines, one language model
per class (unigram, Kneser-Ney trigram, Transformer), mean word2vec + logistic regression, and a Transformer
fine-tuned with and without language-model pretraining. Accuracy is the mean over the English folds with its standard
error (the fold accuracies' s.d. / sqrt(folds)), and on the Chinese test split with the binomial standard error. The
paired differences that answer "does the language model help?" are printed after the tables. Wall times are for
training and prediction over all folds; they depend on the machine and its load.
"""

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import MultinomialNB

from lmbook.apps.sentiment import (
    NBSVM,
    BayesLMClassifier,
    dedupe_labelled,
    evaluate_method,
    fine_tune,
    kn_lm,
    lm_classifier,
    neural_lm,
    pad_docs,
    paired_difference,
    pretrain_lm,
    unigram_lm,
)
from lmbook.corpora import load_corpus, split_of
from lmbook.lm import build_lm
from lmbook.testing import serve_directory, shared_data
from lmbook.training import TrainConfig
from lmbook.transformer import TransformerConfig, TransformerLM
from lmbook.utils import markdown_table
from lmbook.vocab import Vocab
from lmbook.word2vec import train_word2vec

REPO = Path(__file__).resolve().parents[1]
ANCHORS = [("MNB-bi (Wang & Manning 2012)", 79.0), ("NBSVM-bi (Wang & Manning 2012)", 79.4),
           ("CNN-static (Kim 2014)", 81.0), ("CNN-non-static (Kim 2014)", 81.5)]
SEQ_LEN = {"en": 48, "zh": 96}  # tokens per text for the neural models (words; characters)


def uni_bi(d):
    return d + [a + " " + b for a, b in zip(d, d[1:])]


def vectorize(tr, te, binary=True, tfidf=False):
    vec = (TfidfVectorizer(analyzer=uni_bi, sublinear_tf=True) if tfidf
           else CountVectorizer(analyzer=uni_bi, binary=binary))
    return vec.fit_transform(tr), vec.transform(te)


def mnb_bi(tr, y, te):
    Xtr, Xte = vectorize(tr, te)
    return MultinomialNB().fit(Xtr, y).predict(Xte)


def nbsvm_bi(tr, y, te):
    Xtr, Xte = vectorize(tr, te)
    return NBSVM().fit(Xtr, y).predict(Xte)


def tfidf_lr(tr, y, te):
    Xtr, Xte = vectorize(tr, te, tfidf=True)
    return LogisticRegression(C=10, solver="liblinear", dual=True).fit(Xtr, y).predict(Xte)


def bayes(train_lm, min_freq=1):
    return lambda tr, y, te: BayesLMClassifier(train_lm, min_freq).fit(tr, y).predict(te)


def config_fn(lang, layers, width):
    return lambda V: TransformerConfig.tiny(V, seq_len=SEQ_LEN[lang], num_layers=layers, embed_dim=width,
                                            ff_dim=4 * width)


def w2v_lr(dim, epochs):
    def fit_predict(tr, y, te):
        wv = train_word2vec(list(tr), embed_dim=dim, min_count=2, num_epochs=epochs).wv
        mean = lambda d: np.mean([wv[w] for w in d if w in wv] or [np.zeros(wv.vector_size)], axis=0)
        X = lambda docs: np.stack([mean(d) for d in docs])
        return LogisticRegression(C=10, max_iter=2000).fit(X(tr), y).predict(X(te))
    return fit_predict


def transfer(pretrain, lang, args):
    cfg_fn = config_fn(lang, args.layers, args.width)
    run = TrainConfig.tiny(steps=args.steps, eval_every=args.steps, batch_size=32, lr=3e-3,
                           warmup_steps=args.steps // 10, jit_compile=False)

    def fit_predict(tr, y, te):
        vocab = Vocab.build(tr, min_freq=5)
        cfg, classes = cfg_fn(len(vocab)), sorted(set(y))
        ids = [vocab.to_ids(d) for d in tr]
        lab = np.arange(len(tr))
        if args.labelled:
            lab = np.random.default_rng(0).choice(len(tr), args.labelled, replace=False)
        lm = pretrain_lm(ids, cfg, run) if pretrain else build_lm(TransformerLM, cfg, seed=0)
        clf = fine_tune(lm_classifier(lm, len(classes)), pad_docs([ids[i] for i in lab], cfg.seq_len)[0],
                        np.searchsorted(classes, np.asarray(y)[lab]), args.epochs)
        x_te = pad_docs([vocab.to_ids(d) for d in te], cfg.seq_len)[0]
        return np.asarray(classes)[np.asarray(clf.predict(x_te, verbose=0)).argmax(1)]
    return fit_predict


def load(lang, mirror, n_folds):
    if lang == "en":
        rt = load_corpus("rt-polarity", mirror=mirror, progress=False)
        recs = [r for s in ("train", "valid", "test") for r in rt.records(s)]
        docs, y = [r["text"].split() for r in recs], np.array([r["label"] for r in recs])
        return docs, y, list(StratifiedKFold(10, shuffle=True, random_state=0).split(docs, y))[:n_folds]
    zh = load_corpus("chinese-reviews")
    raw = [(r["text"], r["label"]) for s in ("train", "valid", "test") for r in zh.records(s)]
    texts, labels, counts = dedupe_labelled([t for t, _ in raw], [y for _, y in raw])
    print(f"chinese-reviews: {counts}")
    split = np.array([split_of(t) for t in texts])
    docs = [[c for c in t if not c.isspace()] for t in texts]
    return docs, np.array(labels), [(np.flatnonzero(split == "train"), np.flatnonzero(split == "test"))]


def table(lang, docs, y, splits, args):
    run = TrainConfig.tiny(steps=args.steps, eval_every=args.steps, batch_size=32, lr=3e-3,
                           warmup_steps=args.steps // 10, jit_compile=False)
    methods = [("MNB-bi", mnb_bi), ("NBSVM-bi", nbsvm_bi), ("LR TF-IDF uni+bi", tfidf_lr),
               ("LM/class: unigram (= MNB)", bayes(unigram_lm())),
               ("LM/class: unigram, binarized", bayes(unigram_lm(binary=True))),
               ("LM/class: KN trigram", bayes(kn_lm(3), 2)),
               ("LM/class: Transformer", bayes(neural_lm(config_fn(lang, args.layers, args.width), run), 5)),
               ("word2vec mean + LR", w2v_lr(100, 5)),
               ("Transformer, from scratch", transfer(False, lang, args)),
               ("Transformer, LM-pretrained", transfer(True, lang, args))]
    if args.no_neural:
        methods = [(name, f) for name, f in methods if "Transformer" not in name]
    rows = {}
    for name, f in methods:
        rows[name] = dict(method=name, **evaluate_method(f, docs, y, splits))
        print(f"  {lang} {name}: {rows[name]['acc']:.2f} ± {rows[name]['se']:.2f} ({rows[name]['seconds']:.0f} s)",
              file=sys.stderr, flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=None, help="a mirror for load_corpus (default: ../shared/data if present)")
    ap.add_argument("--lang", choices=("en", "zh", "both"), default="both")
    ap.add_argument("--folds", type=int, default=10, help="English folds to run (1-10)")
    ap.add_argument("--steps", type=int, default=1000, help="training steps of each neural language model")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=3, help="fine-tuning epochs")
    ap.add_argument("--labelled", type=int, default=0, help="labelled texts for fine-tuning (0: all)")
    ap.add_argument("--no-neural", action="store_true", help="skip the three Transformer rows")
    args = ap.parse_args()
    cols = {"method": ("method", None), "acc": ("accuracy %", ".2f"), "se": ("± s.e.", ".2f"),
            "folds": ("folds", None), "seconds": ("wall s", ".1f")}
    data = shared_data(REPO)
    with serve_directory(data) if args.mirror is None and data is not None else _null(args.mirror) as mirror:
        for lang in ("en", "zh") if args.lang == "both" else (args.lang,):
            rows = table(lang, *load(lang, mirror, args.folds), args)
            extra = [dict(method=f"*anchor:* {n}", acc=a) for n, a in ANCHORS] if lang == "en" else []
            print(f"\n{'English, rt-polarity' if lang == 'en' else 'Chinese, chinese-reviews (characters)'}: "
                  f"steps={args.steps}, layers={args.layers}, width={args.width}, epochs={args.epochs}, "
                  f"labelled={args.labelled or 'all'}")
            print(markdown_table(list(rows.values()) + extra, cols))
            for a, b in [("LM/class: KN trigram", "LM/class: unigram (= MNB)"),
                         ("LM/class: Transformer", "LM/class: unigram (= MNB)"),
                         ("LM/class: Transformer", "NBSVM-bi"),
                         ("Transformer, LM-pretrained", "Transformer, from scratch")]:
                if a not in rows or b not in rows:
                    continue
                d, se = paired_difference(rows[a], rows[b])
                print(f"  {a} - {b}: {d:+.2f} ± {se:.2f} (paired s.e.)")


class _null:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
