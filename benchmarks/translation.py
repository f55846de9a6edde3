"""Chinese-English translation on Tatoeba (cmn-eng): both models x three decodings x both directions, beside OPUS-MT.

Usage (from the repository root):
    python benchmarks/translation.py                          # the full run of chapter 10c (hours on a CPU)
    python benchmarks/translation.py --steps 500 --test 300   # a shorter run, scored on the first 300 test pairs
    python benchmarks/translation.py --embed-dim 256 --layers 3 --vocab-size 8000 --steps 6000 --lr 1e-3  # larger
    python benchmarks/translation.py --tiny                   # the notebook's tiny configuration (minutes)
    python benchmarks/translation.py --mirror URL_OR_DIR      # any mirror `load_corpus` accepts for cmn-eng
    python benchmarks/translation.py --models decoder-only --json out.json  # one model (run two processes side by side)

It trains one encoder-decoder and one decoder-only Transformer of the same size on both directions, builds
Kneser-Ney models of each target language on monolingual text (English Wikipedia sample, People's Daily) plus the
training targets, tunes the fusion weight for each model and direction on validation pairs, then prints BLEU, chrF
(sacrebleu) and decoding time for greedy, beam and beam + LM, with OPUS-MT's published Tatoeba BLEU beside them.
Times are wall-clock. `--json` writes the rows with every translation (chapter 10c reads the saved full run from
benchmarks/results/).
"""

import argparse
import contextlib
import dataclasses
import gzip
import json
import tempfile
import time
from pathlib import Path

from lmbook.apps.translation import (
    DIRECTIONS,
    MTConfig,
    check_direction,
    load_pairs,
    target_lm,
    train_tokenizer,
    train_translator,
    translation_table,
    tune_lm_weight,
)
from lmbook.corpora import load_corpus
from lmbook.testing import serve_directory, shared_data

# OPUS-MT (Tiedemann and Thottingal 2020) BLEU on the Tatoeba test set,
# from the model cards opus-mt-zh-en and opus-mt-en-zh
ANCHORS = {"zh-en": 36.1, "en-zh": 31.4}
KINDS = ("encoder-decoder", "decoder-only")
REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=None, help="mirror URL or folder for cmn-eng (default: ../shared/data)")
    ap.add_argument("--tiny", action="store_true", help="start from MTConfig.tiny() instead of the full defaults")
    ap.add_argument("--steps", type=int, default=None, help="training steps (default: the config's)")
    ap.add_argument("--embed-dim", type=int, default=None, help="C (default: the config's)")
    ap.add_argument("--layers", type=int, default=None, help="blocks per side (default: the config's)")
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (default: the config's)")
    ap.add_argument("--vocab-size", type=int, default=None, help="BPE ids (default: the config's)")
    ap.add_argument("--test", type=int, default=None, help="score only the first N test pairs (default: all)")
    ap.add_argument("--mono-lines", type=int, default=None, help="monolingual lines per LM (default: all)")
    ap.add_argument("--order", type=int, default=4, help="Kneser-Ney order of the target LMs")
    ap.add_argument("--beam-width", type=int, default=4, help="beam width")
    ap.add_argument("--tune", type=int, default=60,
                    help="validation pairs to tune the LM weight on (0: the last weight)")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.15, 0.3], help="LM weights to tune over")
    ap.add_argument("--models", nargs="+", default=list(KINDS), choices=KINDS, help="which models to train and score")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows, with outputs, here (gzip: .gz)")
    args = ap.parse_args()
    if args.json is not None and not args.json.parent.is_dir():  # fail now, not after hours of training
        ap.error(f"--json {args.json}: the folder {args.json.parent} does not exist; "
                 "create it or choose another path.")
    cfg = MTConfig.tiny() if args.tiny else MTConfig()
    over = {"steps": args.steps, "embed_dim": args.embed_dim, "layers": args.layers, "vocab_size": args.vocab_size,
            "lr": args.lr}
    cfg = dataclasses.replace(cfg, **{k: v for k, v in over.items() if v is not None})
    print(cfg)
    with contextlib.ExitStack() as stack:
        mirror, shared = args.mirror, shared_data(REPO)
        if mirror is None and shared is not None and (shared / "cmn-eng").is_dir():
            mirror = stack.enter_context(serve_directory(shared))
        cache = Path(stack.enter_context(tempfile.TemporaryDirectory())) if mirror else None
        data = load_pairs("cmn-eng", mirror=mirror, cache=cache, progress=False)
    n = sum(map(len, (data.train, data.valid, data.test))) + sum(data.dropped.values())
    print(f"pairs: train {len(data.train):,}, valid {len(data.valid):,}, test {len(data.test):,}; "
          f"{data.changed:,} of {n:,} Chinese sentences simplified")
    tok = train_tokenizer(data.train, cfg.vocab_size)
    translators, training = {}, {}
    for kind in args.models:
        t0 = time.perf_counter()
        translators[kind], losses = train_translator(kind, tok, data.train, cfg, verbose=2)
        training[kind] = dict(parameters=translators[kind].model.count_params(), first_loss=round(losses[0], 2),
                              last_loss=round(losses[-1], 2), seconds=round(time.perf_counter() - t0))
        print(f"{kind}: {training[kind]['parameters']:,} parameters, loss {losses[0]:.2f} -> {losses[-1]:.2f}, "
              f"{training[kind]['seconds']} s")
    mono = {"zh-en": list(load_corpus("enwiki-sample").lines("train")),
            "en-zh": [r["text"] for r in load_corpus("peoples-daily-1998").records("train")]}
    lms = {}
    for d in DIRECTIONS:
        t0 = time.perf_counter()
        target = [p[check_direction(d)[1]] for p in data.train]
        lms[d] = target_lm(tok, mono[d][: args.mono_lines] + target, order=args.order)
        print(f"{d}: target LM of order {args.order} built in {time.perf_counter() - t0:.0f} s")
    test, rows = data.test[: args.test], []
    for kind, tr in translators.items():  # lambda is tuned for each model and direction on validation BLEU
        for d in DIRECTIONS:
            w = args.weights[-1]
            if args.tune:
                w, tune = tune_lm_weight(tr, data.valid[: args.tune], d, lms[d], args.weights, args.beam_width)
                print(f"{kind}, {d}: LM weight by validation BLEU {tune} -> {w}", flush=True)
            rows += [{**r, "lm_weight": w} for r in translation_table({kind: tr}, test, lms, w, args.beam_width, [d])]
            if args.json:  # after each model and direction, so a long run keeps what it has scored
                out = json.dumps({"config": dataclasses.asdict(cfg), "test_pairs": len(test), "training": training,
                                  "rows": rows}, ensure_ascii=False, indent=0).encode()
                tmp = args.json.with_name(args.json.name + ".tmp")
                tmp.write_bytes(gzip.compress(out, mtime=0) if args.json.suffix == ".gz" else out)
                tmp.replace(args.json)
    sigs = dict.fromkeys(r[k] for r in rows for k in ("bleu_signature", "chrf_signature"))  # zh-en, en-zh (tok:zh)
    print(f"\n{len(test):,} test pairs; signatures: " + "; ".join(sigs))
    print(f"{'model':16} {'decoding':10} {'direction':9} {'BLEU':>6} {'chrF':>6} {'seconds':>8} {'OPUS-MT':>8}")
    for r in rows:
        print(f"{r['model']:16} {r['decoding']:10} {r['direction']:9} {r['bleu']:6.1f} {r['chrf']:6.1f} "
              f"{r['seconds']:8.1f} {ANCHORS[r['direction']]:8.1f}")


if __name__ == "__main__":
    main()
