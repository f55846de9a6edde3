"""Chapter 10b at full size: the English (Wikipedia lead from body) and Chinese (CSL title) summarization tables.

Usage (from the repository root):
    python benchmarks/summarization.py                  # corpora: loopback mirror of ../shared/data, else downloaded
    python benchmarks/summarization.py --steps 3000 --n-test 1000   # the abstractive model's steps and test abstracts
    python benchmarks/summarization.py --no-abstractive             # the extractive rows only (about a minute)

Extractive methods (lead, random, TextRank, LM-scored KL-Sum) take sentences until the summary is as long as the
reference; lead-3 takes three sentences. The abstractive model is the notebook's conditional Transformer
(`<eos> abstract <sep> title <eos>`, loss on the title) at the full run's size (`ABS_FULL`), decoded with beam search
and no repeated character bigram. ROUGE-1/2/L F from rouge-score (Porter stemming for English, characters for
Chinese). The paired difference of LM extraction and TextRank (ROUGE-1, per document) answers "does the language
model help?". Wall times depend on the machine and its load.
"""

import argparse
import os
import re
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from lmbook.apps.summarization import (
    generate_title,
    lead_k,
    lm_extract,
    random_k,
    rouge,
    split_sentences,
    take_budget,
    textrank,
    title_examples,
    title_tokenizer,
    train_title_lm,
    wiki_summaries,
)
from lmbook.corpora import load_corpus
from lmbook.ngram import kneser_ney
from lmbook.segment import EN_STOPWORDS
from lmbook.testing import shared_data
from lmbook.training import TrainConfig
from lmbook.transformer import TransformerConfig
from lmbook.utils import markdown_table

REPO = Path(__file__).resolve().parents[1]
ANCHOR = dict(method="*anchor:* lead-3, CNN/DailyMail (See et al. 2017)", rouge1=40.34, rouge2=17.70, rougeL=36.57)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=None, help="a mirror folder or URL for load_corpus (default: ../shared/data)")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--max-abstract", type=int, default=160)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--n-test", type=int, default=1000)
    ap.add_argument("--no-abstractive", action="store_true")
    args = ap.parse_args()
    data = shared_data(REPO)
    mirror = args.mirror or (str(data) if data is not None else None)
    csl = load_corpus("csl", mirror=mirror, progress=False)
    wt2 = load_corpus("wikitext-2", mirror=mirror, progress=False)
    csl_train, csl_test = list(csl.records("train")), list(csl.records("test"))
    tok_en = lambda s: [w for w in re.findall(r"\w+", s.lower()) if w not in EN_STOPWORDS]
    tok_zh = lambda s: (lambda c: [a + b for a, b in zip(c, c[1:])])([ch for ch in s if ch.isalnum()])
    bg = {"en": kneser_ney([tok_en(line) for line in wt2.lines("valid")], order=1),
          "zh": kneser_ney([tok_zh(r["text"]) for r in csl_train], order=1)}
    probs = lambda lm: (lambda ws: np.exp(lm.logp[0][lm.vocab.to_ids(ws)] * np.log(10)))
    docs = {"en": [(split_sentences(a["body"]), a["lead"]) for a in wiki_summaries()],
            "zh": [(split_sentences(r["text"], "zh"), r["title"]) for r in csl_test]}
    toks = {"en": [[tok_en(s) for s in sents] for sents, _ in docs["en"]],
            "zh": [[tok_zh(s) for s in sents] for sents, _ in docs["zh"]]}
    results, per_doc = {"en": {}, "zh": {}}, {}

    def record(name, lang, hyps, seconds):
        refs = [r for _, r in docs[lang]][: len(hyps)]
        scores = rouge(refs, hyps, lang, per_document=True)
        results[lang][name] = dict(method=name, **{k: float(v.mean()) for k, v in scores.items()}, seconds=seconds)
        per_doc[lang, name] = scores["rouge1"]

    for lang in ("en", "zh"):
        size = (lambda s: len(s.split())) if lang == "en" else len
        join = " " if lang == "en" else ""
        for name, rank in [("lead", lambda tk: lead_k(len(tk))), ("random", lambda tk: random_k(len(tk))),
                           ("TextRank", textrank), ("LM (KL-Sum)", lambda tk: lm_extract(tk, probs(bg[lang])))]:
            t0, hyps = time.perf_counter(), []
            for (sents, ref), tk in zip(docs[lang], toks[lang]):
                hyps.append(join.join(sents[i] for i in take_budget(rank(tk), [size(s) for s in sents], size(ref))))
            record(name, lang, hyps, time.perf_counter() - t0)
        t0 = time.perf_counter()
        record("lead-3 (fixed length)", lang, [join.join(s[:3]) for s, _ in docs[lang]], time.perf_counter() - t0)
    if not args.no_abstractive:
        t0 = time.perf_counter()
        tok = title_tokenizer([r["text"] for r in csl_train] + [r["title"] for r in csl_train])
        x, y, w = title_examples(tok, [(r["text"], r["title"]) for r in csl_train], args.max_abstract)
        cfg = TransformerConfig.tiny(tok.vocab_size, seq_len=x.shape[1], num_layers=args.layers,
                                     embed_dim=args.width, ff_dim=4 * args.width)
        run = TrainConfig.tiny(steps=args.steps, eval_every=args.steps, batch_size=32, lr=1e-3,
                               warmup_steps=args.steps // 10, jit_compile=False)
        model = train_title_lm(x, y, w, cfg, run)
        t1 = time.perf_counter()
        hyps = [generate_title(model, tok, r["text"], args.beam, 32, args.max_abstract)  # beams share the KV cache
                for r in csl_test[: args.n_test]]
        record(f"Transformer abstractive ({args.n_test} abstracts)", "zh", hyps, time.perf_counter() - t0)
        print(f"abstractive: trained in {t1 - t0:.0f} s, decoded in {time.perf_counter() - t1:.0f} s (wall)")
        for r, h in list(zip(csl_test, hyps))[:5]:
            print(f"  {r['title']}  |  {h}")
    cols = {"method": ("method", None), "rouge1": ("R-1", ".2f"), "rouge2": ("R-2", ".2f"), "rougeL": ("R-L", ".2f"),
            "seconds": ("wall s", ".1f")}
    print("\nEnglish, enwiki-sample (reference: the lead; input: the body)")
    print(markdown_table(list(results["en"].values()) + [ANCHOR], cols))
    print(f"\nChinese, CSL test (reference: the title; input: the abstract); abstractive: steps={args.steps}, "
          f"layers={args.layers}, width={args.width}, beam={args.beam}")
    print(markdown_table(list(results["zh"].values()), cols))
    for lang in ("en", "zh"):
        d = per_doc[lang, "LM (KL-Sum)"] - per_doc[lang, "TextRank"]
        print(f"{lang}: LM (KL-Sum) - TextRank, ROUGE-1: {d.mean():+.2f} ± {d.std(ddof=1) / np.sqrt(len(d)):.2f}")


if __name__ == "__main__":
    main()
