"""Check that the book's notebooks are saved the way the site shows them (CI runs this).

Usage: python tools/check_notebooks.py [NOTEBOOK ...] [--nbs DIR] [--quiet]
(`--nbs DIR` checks another copy of nbs/, e.g. an old commit's: `git archive COMMIT nbs | tar -x -C /tmp/old`)

The site is built from the saved notebooks (nbdev does not execute them), so a chapter saved without
its outputs publishes code and no results. For each notebook in nbs/ (names starting with `_` are
helpers, not pages) this checks:

- outputs: a code cell that would display something has a saved output. A cell displays something
  when it calls `print`/`display`, draws a figure, or ends in an expression (not `;`-terminated and
  not a call that returns nothing, such as `test_eq(...)` or `keras.utils.set_random_seed(...)`).
  Cells flagged `#| export`, `#| exporti`, `#| hide`, `#| slow` (full-size runs that may stay
  unexecuted), `#| eval: false` or `#| default_exp` are not required to have outputs.
- errors: no saved output is an error traceback.
- figures: a cell that draws with matplotlib (a `plt.`/`ax.` plotting call, or a call to a function
  defined in the book whose body draws) has a saved image, unless it closes its figure (`plt.close`).
- size: no single output over 200 kB, no notebook file over 2 MB.
- title: the first cell is `# NN · Title` (`# Appendix X · Title` for appendix_x_*.ipynb; a plain
  `# Title` for index.ipynb), with NN/X agreeing with the file name, followed by a `> summary` line.
- sidebar: every page notebook is listed in nbs/sidebar.yml exactly once, every listed file exists.
- nbdev.yml: equals what `nbdev-docs` regenerates from pyproject.toml (it overwrites the file when
  building the site, so a hand edit there would silently not be published).
- docs-build: the site can be built. While nbdev-docs processes a notebook, nbdev's `exec_show_docs`
  runs, in order, the exported cells, the `show_doc` cells and every cell that contains an import. A cell
  run there that uses a name which only a skipped cell defines fails the whole build (checked statically
  here; tools/page_check.py runs nbdev's processing itself).
Notes (printed; failing only with --strict): a `#| slow` cell that imports something, which nbdev-docs
therefore runs at full size.

Prints a report and exits 1 when anything fails.
"""

import argparse
import ast
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / "nbs"
MAX_OUTPUT = 200_000  # bytes of one output, as saved (JSON)
MAX_NOTEBOOK = 2_000_000  # bytes of one notebook file

# directives whose cells need no saved output (hidden, exported definitions, or full-size runs left unexecuted)
NO_OUTPUT_DIRECTIVES = {"export", "exporti", "exports", "hide", "slow", "default_exp", "notest"}
# calls that return None (or whose display is never wanted) when they end a cell
SILENT_CALLS = {
    "test_eq",
    "test_ne",
    "test_close",
    "test_fail",
    "test_is",
    "test_eq_type",
    "test_warns",
    "test_stdout",
    "test_shuffled",
    "test_sig",
    "test",
    "set_seed",
    "set_random_seed",
    "seed",
    "sleep",
    "filterwarnings",
    "simplefilter",
    "append",
    "extend",
    "update",
    "insert",
    "remove",
    "clear",
    "mkdir",
    "unlink",
    "rmtree",
    "makedirs",
    "chdir",
    "setdefault",
    "close",
    "tight_layout",
    "savefig",
    "print",
    "display",
    "show_doc",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "setLevel",
    "set_verbosity",
    "shuffle",
    "assert_allclose",
    "assert_array_equal",
    "assert_equal",
    "run_functions_eagerly",
    "config_experimental_run_functions_eagerly",
    "reset_default_graph",
    "clear_session",
    "disable",
    "enable",
    "collect",
    "putenv",
    "setattr",
    "delattr",
    "cleanup",
    "join",
    "start",
    "stop",
    "wait",
    "terminate",
    "kill",
    "shutdown",
    "flush",
    "reset_states",
    "reset_state",
    "assign",
    "run_until_complete",
}
# matplotlib calls that draw something a reader should see
PLOT_CALLS = {
    "plot",
    "bar",
    "barh",
    "scatter",
    "imshow",
    "matshow",
    "hist",
    "hist2d",
    "pcolormesh",
    "pcolor",
    "contour",
    "contourf",
    "fill_between",
    "errorbar",
    "pie",
    "stem",
    "step",
    "loglog",
    "semilogx",
    "semilogy",
    "boxplot",
    "violinplot",
    "heatmap",
    "subplots",
    "figure",
    "add_patch",
    "annotate",
    "arrow",
    "quiver",
    "stackplot",
    "axhline",
    "axvline",
    "spy",
    "specgram",
    "show",
}
PLOT_OWNERS = {"plt", "ax", "axs", "axes", "fig", "ax1", "ax2", "ax3", "ax4"}
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


def src_of(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def directives(src: str) -> dict:
    "The `#| key: value` lines at the top of a cell (nbdev's directives)"
    d = {}
    for line in src.splitlines():
        m = re.match(r"\s*#\|\s*([\w-]+)\s*:?\s*(.*)$", line)
        if m:
            d[m.group(1)] = m.group(2).strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return d


def _code(src: str) -> str:
    "Cell source with IPython magics and shell escapes blanked out, so it parses as Python"
    return "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())


def _call_name(node) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _call_owner(node) -> str:
    f = node.func
    if isinstance(f, ast.Attribute):
        v = f.value
        while isinstance(v, (ast.Attribute, ast.Subscript, ast.Call)):
            v = v.value if not isinstance(v, ast.Call) else v.func
        return v.id if isinstance(v, ast.Name) else ""
    return ""


def _top_level_walk(tree):
    "Walk `tree` without entering function or class bodies (code that only runs when called)"
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(n))


def _closes(calls) -> bool:
    "Does the code close its figure (`plt.close`), so that nothing is displayed?"
    return any(_call_name(c) == "close" and _call_owner(c) == "plt" for c in calls)


def _draws(calls, plotters) -> bool:
    for c in calls:
        name, owner = _call_name(c), _call_owner(c)
        if name in PLOT_CALLS and (owner in PLOT_OWNERS or owner.startswith(("ax", "fig"))):
            return True
        if name in plotters:
            return True
    return False


def plotting_functions(notebooks) -> set:
    "Functions defined in any notebook that draw with matplotlib (directly or through one) and leave the figure open"
    defs = {}
    for nb in notebooks:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse(_code(src_of(cell)))
            except SyntaxError:
                continue
            for n in ast.walk(tree):
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    defs[n.name] = [c for c in ast.walk(n) if isinstance(c, ast.Call)]
    plotters, changed = set(), True
    while changed:
        changed = False
        for name, calls in defs.items():
            if name not in plotters and _draws(calls, plotters) and not _closes(calls):
                plotters.add(name)
                changed = True
    return plotters


def expects(cell, plotters):
    "(would_display, draws, reason): what the saved cell should show"
    src = src_of(cell)
    try:
        tree = ast.parse(_code(src))
    except SyntaxError:
        return False, False, ""
    calls = [n for n in _top_level_walk(tree) if isinstance(n, ast.Call)]
    draws = _draws(calls, plotters) and not _closes(calls)
    if draws:
        return True, True, "draws a figure"
    if any(_call_name(c) == "show_doc" for c in calls):
        return True, False, "shows documentation (show_doc)"
    if any(_call_name(c) in ("print", "display") for c in calls):
        return True, False, "prints"
    body = tree.body
    if body and isinstance(body[-1], ast.Expr) and not src.rstrip().endswith(";"):
        v = body[-1].value
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            return False, False, ""  # a docstring-like note
        if isinstance(v, ast.Call) and _call_name(v) in SILENT_CALLS:
            return False, False, ""
        if isinstance(v, ast.Await):
            return False, False, ""
        return True, False, "ends in an expression"
    return False, False, ""


def _out_size(o) -> int:
    return len(json.dumps(o, ensure_ascii=False).encode("utf-8"))


def check_title(path: Path, nb) -> list:
    cells = [c for c in nb["cells"] if src_of(c).strip()]
    first = next((c for c in cells if c["cell_type"] == "markdown"), None)
    if first is None:
        return ["title: no markdown cell"]
    lines = [l for l in src_of(first).strip().splitlines() if l.strip()]
    head, rest = lines[0], lines[1:]
    name = path.stem
    probs = []
    m_app = re.match(r"appendix_([a-z])_", name)
    m_ch = re.match(r"(\d\d[a-z]?)_", name)
    if name == "index":
        ok = re.fullmatch(r"# [^#\s].*", head)
        want = "`# Title`"
    elif m_app:
        ok = re.fullmatch(rf"# Appendix {m_app.group(1).upper()} · [^#\s].*", head)
        want = f"`# Appendix {m_app.group(1).upper()} · Title`"
    elif m_ch:
        ok = re.fullmatch(rf"# {re.escape(m_ch.group(1))} · [^#\s].*", head)
        want = f"`# {m_ch.group(1)} · Title`"
    else:
        ok = re.fullmatch(r"# [^#\s].*", head)
        want = "`# Title`"
    if not ok:
        probs.append(f"title: first line is {head[:70]!r}, want {want}")
    if not rest or not re.match(r">\s*\S", rest[0]):
        probs.append("title: no `> summary` line after the title")
    return probs


def check_notebook(path: Path, nb, plotters) -> tuple:
    "(problems, notes, stats) for one notebook"
    probs, notes, stats = [], [], Counter()
    size = path.stat().st_size
    if size > MAX_NOTEBOOK:
        probs.append(f"size: notebook file is {size / 1e6:.1f} MB (limit {MAX_NOTEBOOK / 1e6:.0f} MB)")
    probs += check_title(path, nb)
    docs_build = DocsBuild()
    code_i = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        code_i += 1
        src = src_of(cell)
        if not src.strip():
            continue
        where = f"code cell {code_i} ({src.strip().splitlines()[0][:50]!r})"
        outs = cell.get("outputs", [])
        stats["code"] += 1
        stats["with_outputs"] += bool(outs)
        images = sum(1 for o in outs if any(t in o.get("data", {}) for t in IMAGE_TYPES))
        stats["images"] += images
        for o in outs:
            if o.get("output_type") == "error":
                probs.append(f"error: {where} is saved with an error: {o.get('ename')}: {str(o.get('evalue'))[:80]}")
            if (n := _out_size(o)) > MAX_OUTPUT:
                probs.append(f"size: {where} has a {n / 1e3:.0f} kB output (limit {MAX_OUTPUT / 1e3:.0f} kB)")
        d = directives(src)
        docs_probs, docs_notes = docs_build.cell(src, d, where)
        probs += docs_probs
        notes += docs_notes
        if d.keys() & NO_OUTPUT_DIRECTIVES or d.get("eval", "").lower() == "false":
            stats["slow"] += "slow" in d
            continue
        would, draws, why = expects(cell, plotters)
        stats["displaying"] += would
        stats["figures_expected"] += draws
        if draws and not images:
            probs.append(f"figure: {where} draws a figure but has no saved image")
        elif would and not outs:
            probs.append(f"outputs: {where} {why} but has no saved output")
    if stats["displaying"] and not stats["with_outputs"]:  # one line says it all
        probs = [p for p in probs if not p.startswith(("outputs:", "figure:"))]
        probs.insert(
            0,
            f"outputs: NO saved outputs at all: {stats['displaying']} cells display something, "
            f"{stats['figures_expected']} of them figures; execute the notebook and save it",
        )
    return probs, notes, stats


class DocsBuild:
    """What nbdev-docs runs of a notebook: while it processes the notebook for the site, nbdev's `exec_show_docs`
    executes, in order, the exported cells, the cells that `show_doc`, and every cell that imports something.
    A cell run there that needs a name only a skipped cell defines fails the site build."""

    def __init__(self):
        import builtins

        self.defined = set(dir(builtins)) | {"display", "get_ipython", "show_doc", "In", "Out", "exit", "quit"}
        self.certain = True  # False after a star import whose names are unknown

    @staticmethod
    def runs(src: str, d: dict, tree) -> bool:
        "nbdev's `_do_eval`: does the docs build execute this cell?"
        if d.get("eval", "").lower() == "false" or "nbdev_export()" in src:
            return False
        if d.keys() & {"export", "exports", "exporti", "exec_doc"}:
            return True
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)):
            return True
        return any(
            isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and _call_name(n.value) == "show_doc"
            for n in tree.body
        )

    def _star_names(self, module: str):
        if module.startswith("lmbook"):
            f = ROOT / (module.replace(".", "/") + ".py")
            try:
                for n in ast.parse(f.read_text(encoding="utf-8")).body:
                    if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets):
                        return set(ast.literal_eval(n.value))
            except (OSError, SyntaxError, ValueError):
                return None
            return None
        try:
            import importlib

            m = importlib.import_module(module)
        except Exception:  # noqa: BLE001 — unknown names: stop judging this notebook
            return None
        return set(getattr(m, "__all__", [k for k in dir(m) if not k.startswith("_")]))

    def cell(self, src: str, d: dict, where: str) -> tuple:
        "(problems, notes) for the next code cell"
        try:
            tree = ast.parse(_code(src))
        except SyntaxError:
            return [], []
        if not self.runs(src, d, tree):
            return [], []
        stores, loads = set(), set()
        for n in _top_level_walk(tree):  # module-level names only: a function's locals are not defined by it
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                stores.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stores.add(n.name)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                stores.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                for a in n.names:
                    if a.name == "*":
                        names = self._star_names(n.module or "")
                        if names is None:
                            self.certain = False
                        else:
                            stores |= names
                    else:
                        stores.add((a.asname or a.name).split(".")[0])
        for n in _top_level_walk(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                loads.add(n.id)
        missing = sorted(loads - stores - self.defined)
        self.defined |= stores
        probs, notes = [], []
        if missing and self.certain:
            probs.append(
                f"docs-build: {where} is run again by nbdev-docs (nbdev runs every cell that contains an import) "
                f"and uses {', '.join(missing[:5])}, defined only in cells the docs build skips: building the site "
                "fails. Move the import(s) to a cell of their own"
            )
        elif "slow" in d:
            notes.append(f"docs-build: {where} is `#| slow` but imports something, so nbdev-docs runs it (full size)")
        return probs, notes


def page_notebooks(nbs: Path = None) -> list:
    return sorted(p for p in (nbs or NBS).glob("*.ipynb") if not p.name.startswith(("_", ".")))


def _sidebar_files(node, out):
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, dict):
        if "href" in node:
            out.append(node["href"])
        for v in node.get("contents", []):
            _sidebar_files(v, out)
    elif isinstance(node, list):
        for v in node:
            _sidebar_files(v, out)
    return out


def check_sidebar(nbs: Path = NBS) -> list:
    import yaml

    p = nbs / "sidebar.yml"
    if not p.exists():
        return ["sidebar: nbs/sidebar.yml is missing"]
    side = yaml.safe_load(p.read_text(encoding="utf-8"))
    listed = _sidebar_files(side["website"]["sidebar"]["contents"], [])
    probs = []
    for f, n in Counter(listed).items():
        if n > 1:
            probs.append(f"sidebar: {f} is listed {n} times")
        if not (nbs / f).exists():
            probs.append(f"sidebar: {f} is listed but nbs/{f} does not exist")
    for nb in page_notebooks(nbs):
        if nb.name not in listed:
            probs.append(f"sidebar: {nb.name} is not listed in nbs/sidebar.yml")
    return probs


def check_nbdev_yml() -> list:
    "nbs/nbdev.yml must be what nbdev-docs writes from pyproject.toml (it rewrites the file on every build)"
    from nbdev.config import get_config
    from nbdev.quarto import _nbdev_yml

    cfg = get_config(ROOT)
    vals = {k: cfg[k] for k in ["title", "description", "branch", "git_url", "doc_host", "doc_baseurl"]}
    vals["doc_path"] = cfg.doc_path.name
    want = _nbdev_yml.format(**vals)
    got = (NBS / "nbdev.yml").read_text(encoding="utf-8") if (NBS / "nbdev.yml").exists() else ""
    if got != want:
        return [
            "nbdev.yml: differs from what nbdev-docs generates from pyproject.toml (title, description, URLs "
            "come from [project] and [tool.nbdev]); write it with: python -c 'from nbdev.quarto import "
            "refresh_quarto_yml; refresh_quarto_yml()'"
        ]
    return []


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to check (default: every page in nbs/)")
    ap.add_argument("--nbs", type=Path, default=NBS, help="the notebooks folder (default: nbs/)")
    ap.add_argument("--quiet", action="store_true", help="print only notebooks with problems or notes, and the summary")
    ap.add_argument("--strict", action="store_true", help="notes (cells the docs build runs again) fail too")
    a = ap.parse_args(argv)
    a.nbs = a.nbs.resolve()
    paths = [Path(p).resolve() for p in a.notebooks] or page_notebooks(a.nbs)
    if not paths or not all(p.is_file() for p in paths):
        ap.error(f"no notebooks to check: {a.nbs} has no page notebooks, or a named notebook does not exist")
    nbs = {p: json.loads(p.read_text(encoding="utf-8")) for p in paths}
    plotters = plotting_functions(json.loads(p.read_text(encoding="utf-8")) for p in page_notebooks(a.nbs))
    total, bad, n_notes = 0, 0, 0
    if not a.quiet:
        print(f"{'notebook':28} {'code':>5} {'w/ out':>6} {'figs':>5} {'slow':>5}  result")
    for p, nb in nbs.items():
        probs, notes, st = check_notebook(p, nb, plotters)
        if a.strict:
            probs, notes = probs + notes, []
        total += len(probs)
        n_notes += len(notes)
        bad += bool(probs)
        if not a.quiet or probs or notes:
            print(
                f"{p.name:28} {st['code']:5} {st['with_outputs']:6} {st['images']:5} {st['slow']:5}  "
                f"{'ok' if not probs else f'{len(probs)} problem(s)'}"
            )
        for pr in probs:
            print(f"    - {pr}")
        for pr in notes:
            print(f"    - (note) {pr}")
    if not a.notebooks:
        site = check_sidebar(a.nbs) + (check_nbdev_yml() if a.nbs == NBS else [])
        print(f"site config: {'ok' if not site else f'{len(site)} problem(s)'}")
        for pr in site:
            print(f"    - {pr}")
        total += len(site)
    print(f"check_notebooks: {len(nbs)} notebooks, {bad} with problems, {total} problem(s) in all, {n_notes} note(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
