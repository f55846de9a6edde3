"""Why chapter 10c's encoder-decoder learns more slowly than its decoder-only model: validation loss of variants.

Usage (from the repository root):
    python benchmarks/translation_gap.py --steps 400           # the four variants, 400 steps each (25 min, one core)
    python benchmarks/translation_gap.py --steps 800 --variants encoder-decoder "encoder-decoder, padding masked"
    python benchmarks/translation_gap.py --tiny --steps 20     # MTConfig.tiny(): a check that it runs (a minute)
    python benchmarks/translation_gap.py --json gap.json       # also add the rows to gap.json (runs accumulate)

Every variant trains on the same Tatoeba pairs, both directions, in the same batches, with `MTConfig()`'s sizes
(`--steps` aside) and `train_translator`'s training (`fit_translation`), and is validated on the same validation pairs
after each tenth of the run. The loss is nats per target token. The variants:
- "encoder-decoder": chapter 10c's model; the encoder's self-attention also looks at the source's padding;
- "encoder-decoder, padding masked": the same, but the encoder's self-attention skips the padding, as cross-attention
  does (the same number of weights);
- "encoder-decoder, lr x2": chapter 10c's model at twice the learning rate;
- "decoder-only": chapter 10c's `TransformerLM` on `[tag] source <sep> target`, the same parameter count.
Times are wall-clock, so compare them only between runs that had the machine to themselves.
"""

import argparse
import contextlib
import dataclasses
import json
import tempfile
import time
from pathlib import Path

import keras
from keras import ops

from lmbook.apps.translation import (
    DIRECTIONS,
    PAD_ID,
    SEP,
    CrossAttention,
    MTConfig,
    Seq2SeqTransformer,
    build_seq2seq,
    decoder_only_arrays,
    encode_pairs,
    fit_translation,
    load_pairs,
    model_configs,
    seq2seq_arrays,
    train_tokenizer,
)
from lmbook.testing import shared_mirror
from lmbook.transformer import TransformerBlock
from lmbook.utils import markdown_table

VARIANTS = ("encoder-decoder", "encoder-decoder, padding masked", "encoder-decoder, lr x2", "decoder-only")
REPO = Path(__file__).resolve().parents[1]  # the repository; its ../shared/data holds the corpora when present


class MaskedEncoderBlock(TransformerBlock):
    "The book's block, not causal, whose self-attention skips source padding (cross-attention of x over itself)."

    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        kwargs.pop("causal", None)
        super().__init__(embed_dim, num_heads, ff_dim, dropout, causal=False, **kwargs)
        self.attn = CrossAttention(embed_dim, num_heads, dropout, name="masked_attn")  # q + kv: as many weights as qkv

    def call(self, x, key_mask=None, training=False):  # x (B, S, C), key_mask (B, S): False at padding
        h = self.ln1(x)
        x = x + self.attn(h, h, key_mask, training=training)
        return x + self.mlp(self.ln2(x), training=training)


class MaskedSeq2Seq(Seq2SeqTransformer):
    "Chapter 10c's encoder-decoder with `MaskedEncoderBlock`s in the encoder."

    def __init__(self, config, **kwargs):
        super().__init__(config, **kwargs)
        c = self.config
        self.encoder_blocks = [MaskedEncoderBlock(c.embed_dim, c.num_heads, c.ff_dim, c.dropout, name=f"menc_{i}")
                               for i in range(c.enc_layers)]

    def encode(self, src, training=False):
        mask = ops.not_equal(src, PAD_ID)
        h = self.drop(self.embed(src), training=training)
        for b in self.encoder_blocks:
            h = b(h, mask, training=training)
        return self.ln_enc(h), mask


def run(variant, tok, data, c):
    "Train one variant; its parameters, seconds and the training and validation loss after each tenth."
    from lmbook.lm import build_lm
    from lmbook.transformer import TransformerLM

    if variant == "encoder-decoder, lr x2":
        c = dataclasses.replace(c, lr=2 * c.lr)
    s2s_cfg, lm_cfg = model_configs(c, tok.vocab_size)

    def arrays(pairs):  # as `train_translator` makes them
        srcs, tgts = encode_pairs(tok, pairs, DIRECTIONS, c.src_len, c.tgt_len)
        if variant == "decoder-only":
            return decoder_only_arrays(srcs, tgts, c.src_len, c.tgt_len, tok.tokenizer.token_to_id(SEP))
        return seq2seq_arrays(srcs, tgts, c.src_len, c.tgt_len, tok.bos_id)

    if variant == "decoder-only":
        model = build_lm(TransformerLM, lm_cfg, c.seed)
    elif variant == "encoder-decoder, padding masked":
        keras.utils.set_random_seed(c.seed)  # as `build_seq2seq` does
        model = MaskedSeq2Seq(s2s_cfg)
        model.build()
    else:
        model = build_seq2seq(s2s_cfg, c.seed)
    t0 = time.perf_counter()
    h = fit_translation(model, arrays(data.train), c, valid=arrays(data.valid))  # `train_translator`'s training
    return dict(variant=variant, parameters=model.count_params(), steps=max(1, c.steps // 10) * 10, lr=c.lr,
                seconds=round(time.perf_counter() - t0), loss=[round(v, 3) for v in h["loss"]],
                val_loss=[round(v, 3) for v in h["val_loss"]])


def saved(path, c):
    "The runs already in the JSON file at `path` (none if it does not exist); an error if they are of another config."
    config = {k: v for k, v in dataclasses.asdict(c).items() if k != "steps"}  # steps differ between rows
    if not path.exists():
        return {"config": config, "rows": []}
    try:
        old = json.loads(path.read_text())
        assert isinstance(old["rows"], list)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise SystemExit(f"{path} is not a file this benchmark wrote; choose another --json file.") from None
    if old["config"] != config:
        raise SystemExit(f"{path} holds runs of another configuration ({old['config']}); choose another --json file.")
    return old


def save(path, c, row):
    "Add `row` to the JSON file at `path` (replacing a row of the same variant and steps), written then renamed."
    old = saved(path, c)
    config = old["config"]
    rows = [r for r in old["rows"] if (r["variant"], r["steps"]) != (row["variant"], row["steps"])] + [row]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"config": config, "rows": rows}, indent=1))
    tmp.replace(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", action="store_true", help="MTConfig.tiny() instead of MTConfig()")
    ap.add_argument("--steps", type=int, default=400, help="optimizer updates per variant")
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS, help="which to train")
    ap.add_argument("--mirror", default=None, help="any mirror `load_corpus` accepts for cmn-eng")
    ap.add_argument("--json", type=Path, default=None,
                    help="add the rows to this JSON file (rows of the same variant and steps are replaced)")
    args = ap.parse_args()
    if args.steps < 10:
        ap.error(f"--steps {args.steps}: give at least 10 (the loss is reported after each tenth of the run).")
    if args.json is not None and not args.json.parent.is_dir():
        ap.error(f"--json {args.json}: the folder {args.json.parent} does not exist; "
                 "create it or choose another path.")
    c = dataclasses.replace(MTConfig.tiny() if args.tiny else MTConfig(), steps=args.steps)
    if args.json is not None:
        saved(args.json, c)  # fail now, not after training
    print(c)
    with contextlib.ExitStack() as stack:
        mirror = args.mirror or stack.enter_context(shared_mirror(REPO))  # None where ../shared/data is absent
        cache = Path(stack.enter_context(tempfile.TemporaryDirectory())) if mirror else None
        data = load_pairs("cmn-eng", mirror=mirror, cache=cache, progress=False)
    tok = train_tokenizer(data.train, c.vocab_size)
    rows = []
    for variant in args.variants:
        rows.append(run(variant, tok, data, c))
        r = rows[-1]
        print(f"{variant}: {r['parameters']:,} parameters, lr {r['lr']:g}, {r['steps']} steps in {r['seconds']} s; "
              f"validation loss after each tenth {r['val_loss']}", flush=True)
        if args.json:  # after each variant
            save(args.json, c, r)
    cols = ["variant", "parameters", "steps", "lr", "seconds", "training loss", "validation loss"]
    print("\n" + markdown_table([dict(zip(cols, (r["variant"], f"{r['parameters']:,}", r["steps"], f"{r['lr']:g}",
                                                  r["seconds"], f"{r['loss'][-1]:.3f}", f"{r['val_loss'][-1]:.3f}")))
                                 for r in rows], cols, pad=True))


if __name__ == "__main__":
    main()
