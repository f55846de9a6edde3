"""Per-chapter figures for the book: outputs saved, figures saved, prose words, Chinese examples.

Usage: python tools/book_stats.py [NBS_DIR]   (default: nbs/ of this repository). Prints a Markdown table.
A chapter "has Chinese" when it loads a Chinese corpus in a code cell, or its sources and saved outputs hold at least
20 CJK characters outside its title.
"""

import json
import re
import sys
from pathlib import Path

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_CORPORA = re.compile(r"peoples-daily|chinese-reviews|tang-poems|tang300|cmn-eng|\bcsl\b")
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[\u4e00-\u9fff]")


def _text(out: dict) -> str:
    if "text" in out:
        return "".join(out["text"])
    data = out.get("data", {})
    return "".join("".join(data.get(k, "")) for k in ("text/plain", "text/markdown", "text/html"))


def _stats(path: Path) -> dict:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    slow = [c for c in code if "".join(c["source"]).lstrip().startswith("#| slow")]
    ran = [c for c in code if c.get("outputs") or c.get("execution_count")]
    outs = [o for c in code for o in c.get("outputs", [])]
    figs = sum(bool({"image/png", "image/svg+xml"} & set(o.get("data", {}))) for o in outs)
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    prose = re.sub(r"```.*?```|\$\$.*?\$\$", " ", prose, flags=re.S)
    zh = sum(len(CJK.findall("".join(c["source"]))) for c in code)
    zh += sum(len(CJK.findall(_text(o))) for c in code for o in c.get("outputs", []))
    zh += len(CJK.findall(prose.split("\n", 1)[-1]))
    zh_corpus = any(ZH_CORPORA.search("".join(c["source"])) for c in code)
    return dict(
        zh_corpus=zh_corpus,
        cells=len(code),
        ran=len(ran),
        slow=len(slow),
        figures=figs,
        words=len(WORD.findall(prose)),
        zh=zh,
    )


def main(nbs: Path) -> str:
    pages = [p for p in sorted(nbs.glob("*.ipynb")) if not p.name.startswith("_")]
    if not pages:
        raise SystemExit(f"book_stats: no notebooks in {nbs}; pass the book's nbs/ folder")
    rows = ["| notebook | code cells | with outputs | slow | figures | prose words | Chinese |", "|---" * 7 + "|"]
    for p in pages:
        s = _stats(p)
        saved = "yes" if s["ran"] else "no"
        rows.append(
            f"| {p.stem} | {s['cells']} | {s['ran']} ({saved}) | {s['slow']} | {s['figures']} | {s['words']:,} "
            f"| {'yes' if s['zh'] >= 20 or s['zh_corpus'] else 'no'} ({s['zh']} CJK chars) |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "nbs"))
