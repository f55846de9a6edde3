"""Format the exported cells of the notebooks with ruff (line length 120), so that `lmbook/` passes `ruff check`.

Usage: python tools/format_exports.py [NOTEBOOK ...]   (default: every notebook in nbs/)
Only cells whose first line is an nbdev export directive are touched; example cells keep their teaching layout."""

import json
import re
import subprocess
import sys
from pathlib import Path

EXPORT = re.compile(r"^#\|\s*(export|exports|exporti)\b")


def ruff_format(src: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--line-length", "120", "-"], input=src, capture_output=True, text=True
    )
    if r.returncode:
        raise SystemExit(f"ruff format failed:\n{r.stderr}\n--- cell ---\n{src}")
    return r.stdout


def format_notebook(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "code" or not EXPORT.match(src):
            continue
        new = ruff_format(src).rstrip("\n")
        if new != src:
            cell["source"] = new.splitlines(keepends=True)
            changed += 1
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p) for p in sys.argv[1:]] or sorted((root / "nbs").glob("*.ipynb"))
    for p in paths:
        print(f"{p.name}: {format_notebook(p)} cells reformatted")
