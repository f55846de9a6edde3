"""Write README.md from nbs/index.ipynb (what `nbdev-readme` does when Quarto is installed).

Usage: python tools/readme.py [--check]
Markdown cells are copied, links to notebooks are made relative to the repository root, code cells
that are not hidden become Python blocks followed by their text output. With --check, exit 1 if
README.md is not up to date (CI uses this).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _hidden(src: str) -> bool:
    return any(re.match(r"#\|\s*(hide|exporti?)\b", l.strip()) for l in src.splitlines())


def _strip_directives(src: str) -> str:
    return "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("#|")).strip()


def _text_outputs(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stdout":
            out.append("".join(o["text"]))
        elif "data" in o and "text/plain" in o["data"]:
            out.append("".join(o["data"]["text/plain"]))
    return "".join(out).rstrip("\n")


def render(nb_path: Path = ROOT / "nbs" / "index.ipynb") -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            src = re.sub(r"\]\((?!https?://|#)([^)\s]+\.ipynb)\)", r"](nbs/\1)", src)
            parts.append(src.strip())
        elif cell["cell_type"] == "code" and not _hidden(src):
            parts.append(f"```python\n{_strip_directives(src)}\n```")
            out = _text_outputs(cell)
            if out:
                parts.append(f"```\n{out}\n```")
    return (
        "<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n\n"
        + "\n\n".join(parts)
        + "\n"
    )


if __name__ == "__main__":
    text, readme = render(), ROOT / "README.md"
    if "--check" in sys.argv:
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            sys.exit("README.md is out of date: run `python tools/readme.py` and commit it.")
    else:
        readme.write_text(text, encoding="utf-8")
