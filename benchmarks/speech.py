"""Chapter 10e at full size: a CTC digit recognizer with and without a language model, and pinyin to characters.

Usage (from the repository root):
    python benchmarks/speech.py                        # fsdd: from ../shared/data if present, else downloaded
    python benchmarks/speech.py --train 2000 --epochs 5 --config tiny   # a quicker, smaller run
    python benchmarks/speech.py --skip-zh              # the speech half only

Trains the acoustic model (default: 407,627 weights, 6,000 utterances, 15 epochs), tunes alpha and beta of shallow
fusion and of n-best rescoring on the validation utterances, and prints WER/CER on the test takes and on the held-out
speaker for every decoder x language model, with decoding times. Then decodes People's Daily test sentences from
toneless pinyin with a unigram baseline, a KN trigram and a GRU character model. Times are wall-clock.
"""

import argparse
import contextlib
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def parse():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=None, help="mirror URL or folder (default: serve ../shared/data if present)")
    ap.add_argument("--train", type=int, default=6000, help="training utterances (default 6000)")
    ap.add_argument("--eval", type=int, default=300, help="validation, test and held-out utterances each (default 300)")
    ap.add_argument("--epochs", type=int, default=15, help="training epochs (default 15)")
    ap.add_argument("--config", choices=("default", "tiny"), default="default", help="AcousticConfig preset")
    ap.add_argument("--beam", type=int, default=8, help="beam width (default 8)")
    ap.add_argument("--zh-sentences", type=int, default=965, help="People's Daily test sentences to decode (all: 965)")
    ap.add_argument("--zh-steps", type=int, default=3000, help="training steps of the GRU character model")
    ap.add_argument("--skip-zh", action="store_true", help="only the speech half")
    return ap.parse_args()


args = parse()

import jiwer  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from lmbook.apps.speech import (  # noqa: E402
    DIGIT_WORDS, HAN_RE, AcousticConfig, LMScorer, build_acoustic_model, candidate_table, ctc_dataset, ctc_greedy,
    ctc_log_probs, ctc_prefix_beam_search, digit_strings, labels_of, lattice_beam_search, lattice_of, log_mel,
    make_utterances, pinyin_of_words, read_wav, rescore, text_of,
)
from lmbook.batches import lm_dataset  # noqa: E402
from lmbook.corpora import load_corpus  # noqa: E402
from lmbook.lm import build_lm, compile_lm  # noqa: E402
from lmbook.ngram import kneser_ney  # noqa: E402
from lmbook.rnn import RNNConfig, RNNLM  # noqa: E402
from lmbook.testing import serve_directory, shared_data  # noqa: E402
from lmbook.utils import markdown_table  # noqa: E402
from lmbook.vocab import EOS_ID, CharTokenizer, Vocab  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HELD_OUT = "lucas"
ALPHAS, BETAS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0), (0.0, 0.5, 1.0, 2.0)


def load_pools(mirror, cache):
    fsdd = load_corpus("fsdd", cache=cache, mirror=mirror, progress=False)
    pools = {split: defaultdict(list) for split in ("train", "valid", "test", "held-out")}
    for split in ("train", "valid", "test"):
        for r in fsdd.records(split):
            pool = pools["held-out" if r["speaker"] == HELD_OUT else split]
            pool[r["speaker"], r["digit"]].append(read_wav(r["path"])[0])
    return pools


def decode(logps, how, lm=None, alpha=0.0, beta=0.0, beam=8):
    if how == "greedy":
        return [text_of(ctc_greedy(lp)) for lp in logps]
    if how == "rescore":
        return [text_of(rescore(ctc_prefix_beam_search(lp, beam), lm, alpha, beta)) for lp in logps]
    return [text_of(ctc_prefix_beam_search(lp, beam, lm, alpha, beta)[0][0]) for lp in logps]


def speech(pools):
    sizes = {"train": args.train, "valid": args.eval, "test": args.eval, "held-out": args.eval}
    utts = {}
    for i, (n, k) in enumerate(sizes.items()):
        utts[n] = make_utterances(pools[n], digit_strings(k, seed=10 + i), seed=10 + i)
    t0 = time.perf_counter()
    feats = {n: log_mel([w for w, _, _ in u]) for n, u in utts.items()}
    print(f"features: {time.perf_counter() - t0:.0f} s")
    cfg = AcousticConfig() if args.config == "default" else AcousticConfig.tiny()
    model = build_acoustic_model(cfg, seed=0)
    model.compile(keras.optimizers.Adam(2e-3, clipnorm=1.0), jit_compile=False)
    print(f"acoustic model: {model.count_params():,} parameters, {args.train} utterances, {args.epochs} epochs")
    t0 = time.perf_counter()
    model.fit(ctc_dataset(feats["train"], [d for _, d, _ in utts["train"]], seed=0), epochs=args.epochs, verbose=2)
    print(f"training: {time.perf_counter() - t0:.0f} s")
    logps = {n: ctc_log_probs(model, f) for n, f in feats.items()}
    refs = {n: [text_of(labels_of(d)) for _, d, _ in u] for n, u in utts.items()}

    vocab = Vocab(DIGIT_WORDS)
    label_ids = [vocab[w] for w in DIGIT_WORDS]
    lm_text = [text_of(labels_of(s)).split() for s in digit_strings(20_000, seed=1)]
    kn = kneser_ney(lm_text, order=5, vocab=vocab, discounts=(0.5, 1.0, 1.5))
    stream = np.array([i for s in lm_text for i in [vocab[w] for w in s] + [EOS_ID]], np.int32)
    rnn = compile_lm(build_lm(RNNLM, RNNConfig.tiny(len(vocab), cell="gru"), seed=0), lr=1e-2)
    rnn.fit(lm_dataset(stream, seq_len=32, batch_size=64, seed=0).repeat(), steps_per_epoch=100, epochs=5, verbose=0)
    scorers = {"KN 5-gram": LMScorer(kn, label_ids), "GRU": LMScorer(rnn, label_ids)}

    tuned = {}
    for lm_name, sc in scorers.items():
        for how in ("fusion", "rescore"):
            g = {(a, b): jiwer.wer(refs["valid"], decode(logps["valid"], how, sc, a, b, args.beam))
                 for a in ALPHAS for b in BETAS}
            tuned[lm_name, how] = min(g, key=g.get)
    decoders = [("greedy", None, "greedy"), ("beam search", None, "beam")]
    decoders += [(d, lm, how) for lm in scorers for d, how in
                 (("beam + shallow fusion", "fusion"), ("n-best rescoring", "rescore"))]
    rows = []
    for dec, lm_name, how in decoders:
        a, b = tuned.get((lm_name, how), (0.0, 0.0))
        row = {"decoder": dec, "LM": lm_name or "none", "α, β": f"{a:g}, {b:g}" if lm_name else ""}
        for n in ("test", "held-out"):
            t0 = time.perf_counter()
            h = decode(logps[n], how, scorers.get(lm_name), a, b, args.beam)
            row[f"{n} WER %"] = round(100 * jiwer.wer(refs[n], h), 1)
            row[f"{n} CER %"] = round(100 * jiwer.cer(refs[n], h), 1)
            row[f"{n} ms/utt"] = round(1000 * (time.perf_counter() - t0) / len(h), 1)
        rows.append(row)
    print(markdown_table(rows, list(rows[0]), digits=1))


def chinese():
    pd = load_corpus("peoples-daily-1998")
    cache = {}
    train = [(r["text"], pinyin_of_words(r["words"], cache)) for r in pd.records("train")]
    test = [(r["text"], pinyin_of_words(r["words"], cache)) for r in pd.records("test")][: args.zh_sentences]
    table = candidate_table([t for t, _ in train], [p for _, p in train])
    lattices = [lattice_of(p, table) for _, p in test]
    lines = [t for t, _ in train]
    tok = CharTokenizer.fit(lines)
    kn = kneser_ney([tok.split(s) for s in lines], order=3, vocab=tok.vocab)
    t0 = time.perf_counter()
    rnn_cfg = RNNConfig.tiny(tok.vocab_size, cell="gru", hidden_dim=256, embed_dim=64)
    rnn = compile_lm(build_lm(RNNLM, rnn_cfg, seed=0), lr=1e-2)
    rnn.fit(lm_dataset(lines, tok, seq_len=32, batch_size=32, seed=0, eos_id=tok.eos_id).repeat(),
            steps_per_epoch=args.zh_steps // 10, epochs=10, verbose=2)
    print(f"GRU character model: {args.zh_steps} steps in {time.perf_counter() - t0:.0f} s")
    ids = [[[tok.vocab[c] for c in cands] for cands in lat] for lat in lattices]
    is_han = lambda c: bool(HAN_RE.match(c))
    refs = ["".join(c for c in t if is_han(c)) for t, _ in test]
    han = sum(map(len, refs))
    rows = []
    for name, run in [("unigram (most frequent character)", lambda: [[c[0] for c in lat] for lat in ids]),
                      ("KN trigram, beam 8", lambda: lattice_beam_search(ids, kn, beam=8, context=2)),
                      ("GRU, beam 8", lambda: lattice_beam_search(ids, rnn, beam=8, context=16))]:
        t0 = time.perf_counter()
        out = run()
        s = time.perf_counter() - t0
        hyps = ["".join(tok.vocab.itos[i] for i in h if is_han(tok.vocab.itos[i])) for h in out]
        acc = sum(a == b for r, h in zip(refs, hyps) for a, b in zip(r, h)) / han
        rows.append({"decoder": name, "char accuracy %": round(100 * acc, 1),
                     "CER %": round(100 * jiwer.cer(refs, hyps), 1), "ms/sentence": round(1000 * s / len(test), 1)})
    print(f"{len(test)} test sentences, {han:,} Han characters")
    print(markdown_table(rows, list(rows[0]), digits=1))


def main():
    with contextlib.ExitStack() as stack:
        mirror, cache = args.mirror, None
        shared = shared_data(REPO)
        if mirror is None and shared is not None and (shared / "fsdd").is_dir():
            mirror = stack.enter_context(serve_directory(shared))
        if mirror is not None:
            cache = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="speech-")))
        t0 = time.perf_counter()
        speech(load_pools(mirror, cache))
        print(f"speech half: {time.perf_counter() - t0:.0f} s")
    if not args.skip_zh:
        t0 = time.perf_counter()
        chinese()
        print(f"Chinese half: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
