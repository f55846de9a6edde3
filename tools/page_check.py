"""Render every chapter as the site shows it and check each page in a real browser (run by hand, not in CI).

Usage: python tools/page_check.py [PATTERN ...] [--out _pagecheck] [--width 1280] [--workers 2] [--force]

The site is Quarto's rendering of nbdev's processed notebooks. Quarto is not needed here: this script
1. processes each page notebook in nbs/ with nbdev's own doc processors (`FilterDefaults`, what
   `nbdev-proc-nbs`/`nbdev-docs` run) into _proc/: `#| hide`, `#| export` and `#| exporti` cells are
   dropped, a `show_doc` is added after every exported definition and run (cells that import something
   are executed again for it), the `# Title` / `> summary` cell becomes front matter. A notebook that
   fails here would fail `nbdev-docs`, so the site would not build: reported as `processing`.
2. renders the processed notebooks to HTML with nbconvert, doing what Quarto does with what nbdev
   leaves: the front matter's title and description head the page, the `#| key: value` cell options are
   applied (echo, output, include) and removed from the code, a column 800 px wide (Quarto's default body
   width), source code wrapping (`code-overflow: wrap` in nbs/_quarto.yml), output text wrapping (nbs/styles.css).
3. serves the pages and MathJax 3 (Quarto's math renderer; the npm package, installed into
   tools/.cache on first use with the machine's npm) on a loopback HTTP server, opens each page in
   headless Chromium (Debian: `apt-get install -y chromium`), waits for MathJax, checks the page's DOM
   and saves a full-page screenshot to _pagecheck/NAME.png.

Checks per page (each a problem unless marked as a note):
- raw-hash: a heading or paragraph whose text starts with `#` (a broken `# # Title`, a stray `#`)
- directive: an nbdev/Quarto directive `#|` visible on the page
- code-overflow: a source code block wider than the column; a code block in the prose (a diagram, a
  listing) whose lines are longer than the column, so that they wrap
- output-overflow: an output or table wider than the column (the reader must scroll sideways)
- broken-image: an image that did not load (naturalWidth 0)
- math: a MathJax error, or TeX left untypeset in the text (`$...$`, `\\(`, `\\frac` ...)
- html-tag: text swallowed as an unknown HTML tag (`<unk>` written outside backticks)
- title: no title, or no description, in the page header
- stderr (note): a stderr stream shown on the page (warnings, progress bars)
- wrapped (note): code cells with lines longer than the column, which wrap

Writes _pagecheck/report.md (a table: page, problems) and prints it; exits 1 when a page has problems.
"""

import argparse
import base64
import concurrent.futures as cf
import fnmatch
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / "nbs"
PROC = ROOT / "_proc"
CACHE = ROOT / "tools" / ".cache"
MATHJAX = CACHE / "node_modules" / "mathjax" / "es5"
COLUMN = 800  # px: Quarto's default body column

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-extensions",
    "--font-render-hinting=none",
]


# ---------------------------------------------------------------- 1. nbdev's processing
def _proc_one(src: str, dst: str) -> str:
    "Process one notebook as nbdev-docs does; '' or the error (run in a worker process)"
    os.chdir(ROOT)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import warnings

    warnings.simplefilter("ignore")
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import main

    class WithoutShowDocs(FilterDefaults):
        "The same processing without running any cell: show_doc stays empty, the rest of the page can be checked"

        def base_procs(self):
            return [p for p in super().base_procs() if p.__name__ != "exec_show_docs"]

    try:
        main((Path(src), Path(dst), FilterDefaults))
        return ""
    except Exception as e:  # noqa: BLE001 — reported per page
        msg = str(e).strip()
        first, last = msg.splitlines()[0], msg.splitlines()[-1]
        err = f"{first} … {last}"[:400] if first != last else first[:400]
    try:
        main((Path(src), Path(dst), WithoutShowDocs))
        return err + " (the rest of the page checked as processed without running any cell)"
    except Exception:  # noqa: BLE001
        Path(dst).unlink(missing_ok=True)
        return err


def process(notebooks, workers: int, force: bool) -> dict:
    "nbdev-process `notebooks` into _proc/ (skipping those already up to date); {name: error}"
    import nbdev.processors

    PROC.mkdir(exist_ok=True)
    newest_tool = max(Path(nbdev.processors.__file__).stat().st_mtime, (ROOT / "pyproject.toml").stat().st_mtime)
    todo, errors = [], {}
    for nb in notebooks:
        dst, err = PROC / nb.name, PROC / f".{nb.stem}.error"
        fresh = dst.exists() and dst.stat().st_mtime > max(nb.stat().st_mtime, newest_tool)
        if err.exists() and err.stat().st_mtime > max(nb.stat().st_mtime, newest_tool) and not force:
            errors[nb.name] = err.read_text()  # failed before, and nothing changed since
            continue
        if fresh and not force:
            continue
        dst.unlink(missing_ok=True)
        todo.append(nb)
    if todo:
        print(f"nbdev processing {len(todo)} notebook(s) with {workers} worker(s) ...", flush=True)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    import multiprocessing as mp

    sys.path.insert(0, str(Path(__file__).parent))
    import page_check  # workers find `_proc_one` by module name: IPython (show_doc's shell) replaces their __main__

    ctx = mp.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=ctx, max_tasks_per_child=1) as ex:
        futs = {ex.submit(page_check._proc_one, str(nb), str(PROC / nb.name)): nb for nb in todo}
        for f in cf.as_completed(futs):
            nb = futs[f]
            try:
                e = f.result()
            except Exception as ex_:  # noqa: BLE001 — a worker that died
                e = f"worker died: {ex_}"
            t = time.strftime("%H:%M:%S")
            print(f"  {t} {nb.name}: {'ok' if not e else 'FAILED'}", flush=True)
            if e:
                errors[nb.name] = e
                if not e.startswith("worker died"):  # a processing error is kept until the notebook changes
                    (PROC / f".{nb.stem}.error").write_text(e)
            else:
                (PROC / f".{nb.stem}.error").unlink(missing_ok=True)
    return errors


# ---------------------------------------------------------------- 2. HTML, as Quarto would show it
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  // the delimiters pandoc's Markdown reads as math (`\\(` is not math in Quarto's Markdown, so it is not here)
  tex: {inlineMath: [['$', '$']], displayMath: [['$$', '$$']], processEscapes: true},
  startup: {pageReady: () => MathJax.startup.defaultPageReady().then(() => { window.mathjaxDone = true; })}
};
</script>
<script src="{{ resources.mathjax_url }}" async></script>
{%- endblock html_head_js_mathjax -%}
{% block extra_css %}
<style>
  body { margin: 0; background: white; font-size: 16px; }
  main, .jp-Notebook { max-width: COLUMNpx !important; width: COLUMNpx; margin: 0 auto !important;
                       padding: 1.5rem 0 4rem 0 !important; overflow: visible !important; }
  .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser { display: none !important; }
  .jp-Cell { padding: 0 !important; margin-bottom: 1rem; }
  .jp-InputArea-editor { border: none !important; background: #f8f8f8 !important; overflow: visible !important; }
  .jp-InputArea { overflow: visible !important; }
  .jp-CodeCell pre, .jp-RenderedMarkdown pre, .jp-RenderedHTMLCommon pre { font-size: 14px !important; }
  /* code-overflow: wrap, as in nbs/_quarto.yml: source code and code in Markdown wraps */
  .jp-InputArea pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  /* output text wraps at the column, as nbs/styles.css makes it on the site */
  .jp-OutputArea-output pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  .jp-OutputArea-output { overflow-x: auto; }
  /* code in Markdown (show_doc's signatures included) is a Quarto code block: it wraps */
  .jp-RenderedMarkdown pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  header#title-block-header { margin-bottom: 2rem; }
  header#title-block-header h1.title { font-size: 2.2rem; margin-bottom: .5rem; }
  header#title-block-header p.description { font-style: italic; opacity: .75; font-size: 1.2rem; }
  img { max-width: 100%; height: auto; }
</style>
{% endblock extra_css %}
""".replace("COLUMNpx", f"{COLUMN}px")

_re_opt = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$")
_re_attr = re.compile(r"(\]\([^)\s]*\))\{[^}\n]*\}")  # pandoc link attributes: [text](url){target=...}


def _inline_md(s: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return re.sub(r"^<p>|</p>\s*$", "", markdown2html_mistune(s).strip())


def quartoize(nb) -> None:
    "What Quarto does with nbdev's output: front matter → title block, cell options applied and removed"
    import yaml
    from nbformat.v4 import new_markdown_cell

    cells = []
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)  # execnb's timings (show_doc cells): not in the notebook schema
        src = cell.source
        if cell.cell_type == "raw" and i == 0 and src.lstrip().startswith("---"):
            fm = yaml.safe_load(src.strip().strip("-")) or {}
            title, desc = fm.get("title"), fm.get("description")
            if str(title or "").lstrip().startswith("#"):
                nb.metadata["pagecheck_problems"] = [["raw-hash", f"the title starts with '#': {title!r}"]]
            head = '<header id="title-block-header">'
            if title:
                head += f'<h1 class="title">{_inline_md(str(title))}</h1>'
            if desc:
                head += f'<p class="description">{_inline_md(str(desc))}</p>'
            cells.append(new_markdown_cell(head + "</header>"))
            continue
        if cell.cell_type == "code":
            lines, opts = src.splitlines(), {}
            while lines and _re_opt.match(lines[0]):
                k, v = _re_opt.match(lines.pop(0)).groups()
                opts[k] = v.strip().strip("\"'")
            cell.source = "\n".join(lines)
            if opts.get("include") == "false":
                continue
            tags = set(cell.metadata.get("tags", []))
            if opts.get("echo") == "false":
                tags.add("remove_input")
            if opts.get("output") == "false":
                tags.add("remove_output")
            cell.metadata["tags"] = sorted(tags)
            for o in cell.get("outputs", []):
                md = o.get("data", {}).get("text/markdown")
                if md:
                    o["data"]["text/markdown"] = _re_attr.sub(r"\1", md)
        cells.append(cell)
    nb.cells = cells


def pre_problems(proc_nb: Path) -> list:
    "Problems seen in the processed notebook itself (the front matter)"
    import nbformat

    nb = nbformat.read(proc_nb, as_version=4)
    quartoize(nb)
    return nb.metadata.get("pagecheck_problems", [])


def render(proc_nb: Path, out_html: Path, mathjax_url: str) -> None:
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(proc_nb, as_version=4)
    quartoize(nb)
    trp = TagRemovePreprocessor(
        remove_input_tags={"remove_input"}, remove_all_outputs_tags={"remove_output"}, enabled=True
    )
    ex = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"pagecheck.html.j2": TEMPLATE})],
        template_file="pagecheck.html.j2",
        mathjax_url=mathjax_url,
        exclude_anchor_links=True,
    )
    ex.register_preprocessor(trp, enabled=True)
    body, _ = ex.from_notebook_node(nb, resources={"metadata": {"name": proc_nb.stem}})
    out_html.write_text(body, encoding="utf-8")


# ---------------------------------------------------------------- 3. the browser
CHECK_JS = r"""
(async () => {
  const t0 = Date.now();
  while (!window.mathjaxDone && Date.now() - t0 < 30000) await new Promise(r => setTimeout(r, 100));
  await Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; })));
  const P = [], COL = COLUMN;
  const short = s => s.replace(/\s+/g, ' ').trim().slice(0, 90);
  const skip = el => el.closest('pre, code, script, style, mjx-container, textarea, .jp-CodeCell .jp-InputArea');
  if (!window.mathjaxDone) P.push(['math', 'MathJax did not finish typesetting in 30 s']);
  const hdr = document.querySelector('header#title-block-header');
  if (!hdr || !hdr.querySelector('h1.title')) P.push(['title', 'no title in the page header (front matter)']);
  else if (!hdr.querySelector('p.description')) P.push(['title', 'no description (`> summary` line) under the title']);
  for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6, p, li')) {
    if (skip(el)) continue;
    const t = el.innerText.trim();  // Markdown heading syntax left as text: "# Title", "## 2. Section", "#Title"
    if (/^#{1,6}(\s|#|[A-Za-z0-9\u4e00-\u9fff])/.test(t))
      P.push(['raw-hash', `<${el.tagName.toLowerCase()}> starts with "#": "${short(t)}"`]);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const el = n.parentElement, t = n.textContent;
    if (t.includes('#|') && !(el.closest('code') && el.closest('.jp-MarkdownCell'))) {  // not prose about one
      const line = t.split('\n').find(l => l.includes('#|'));
      const where = el.closest('.jp-CodeCell .jp-InputArea') ? ' in a code cell' : '';
      P.push(['directive', `"${short(line)}" is visible${where}`]);
    }
    if (!el || skip(el)) continue;
    const m = t.match(/\$[^$\n]{1,60}\$|\\\(|\\\[|\\(frac|sum|mathrm|text|cdot|mid|log|sqrt|alpha|theta)\b/);
    if (m) P.push(['math', `untypeset TeX in the text: "${short(t.slice(Math.max(0, m.index - 30), m.index + 50))}"`]);
  }
  for (const e of document.querySelectorAll('mjx-merror, [data-mjx-error]'))
    P.push(['math', `MathJax error: ${e.getAttribute('data-mjx-error') || short(e.textContent)}`]);
  const known = new Set(['html','head','body','div','span','p','a','b','i','em','strong','code','pre','kbd','samp',
    'sub','sup','br','hr','img','ul','ol','li','dl','dt','dd','table','thead','tbody','tfoot','tr','td','th',
    'caption','colgroup','col','h1','h2','h3','h4','h5','h6','blockquote','details','summary','figure',
    'figcaption','header','footer','main','section','article','nav','aside','small','del','ins','mark','q',
    'abbr','cite','var','svg','style','script','noscript','label','input','button','select','option',
    'textarea','form','iframe','video','audio','source','canvas','u','s','strike','tt','font','center',
    'wbr','time','meta','link','title','picture','math']);
  for (const e of document.querySelectorAll('.jp-RenderedMarkdown *')) {
    const tag = e.tagName.toLowerCase();
    if (tag.includes('-') || e.closest('svg, math, mjx-container')) continue;
    if (!known.has(tag) || tag === 's' || tag === 'u')
      P.push(['html-tag', `"<${tag}>" in the prose is read as an HTML tag, its text is lost or struck out ` +
              `(near "${short((e.parentElement || e).innerText).slice(0, 60)}")`]);
  }
  for (const pre of document.querySelectorAll('pre')) {
    const over = pre.scrollWidth - pre.clientWidth;
    if (over <= 1) continue;
    const inInput = !!pre.closest('.jp-InputArea');
    const line = pre.innerText.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
    P.push([inInput ? 'code-overflow' : 'output-overflow',
            `${inInput ? 'code' : 'output text'} ${pre.scrollWidth}px wide in a ${pre.clientWidth}px column ` +
            `(longest line ${line.length} chars: "${short(line).slice(0, 60)}")`]);
  }
  let wrapped = 0;  // source lines longer than the column: they wrap (code-overflow: wrap)
  const srcs = [...document.querySelectorAll('.jp-MarkdownCell pre, .jp-CodeCell .jp-InputArea pre')];
  const nowrap = document.createElement('style');  // measure every block unwrapped at once: one layout
  nowrap.textContent = 'html body.pc-nowrap pre, html body.pc-nowrap pre * { white-space: pre !important; }';
  document.head.appendChild(nowrap);
  document.body.classList.add('pc-nowrap');
  const widths = srcs.map(pre => [pre.scrollWidth, pre.clientWidth]);
  document.body.classList.remove('pc-nowrap');
  nowrap.remove();
  srcs.forEach((pre, k) => {
    const [w, cw] = widths[k];
    if (w <= cw + 1) return;
    const line = pre.innerText.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
    if (pre.closest('.jp-MarkdownCell'))  // a diagram or listing in the prose: wrapped, it falls apart
      P.push(['code-overflow', `a code block in the prose is ${w}px wide in a ${cw}px column, ` +
              `so its lines wrap (longest ${line.length} chars: "${short(line).slice(0, 60)}")`]);
    else wrapped++;
  });
  if (wrapped) P.push(['wrapped', `${wrapped} code cell(s) with lines longer than the column (they wrap)`]);
  const main = document.querySelector('main') || document.querySelector('.jp-Notebook');
  const right = main.getBoundingClientRect().right;
  for (const tb of document.querySelectorAll('table')) {
    const r = tb.getBoundingClientRect();
    if (r.right > right + 1 && !tb.closest('pre'))
      P.push(['output-overflow', `table ${Math.round(r.width)}px wide runs ${Math.round(r.right - right)}px past ` +
              `the column (first row: "${short(tb.rows[0] ? tb.rows[0].innerText : '').slice(0, 60)}")`]);
  }
  for (const img of document.images)
    if (img.naturalWidth === 0) P.push(['broken-image', `image did not load: ${img.src.slice(0, 80)}`]);
  for (const s of document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]'))
    P.push(['stderr', `stderr shown: "${short(s.innerText).slice(0, 80)}"`]);
  return JSON.stringify({problems: P, height: Math.ceil(document.documentElement.scrollHeight),
                         images: document.images.length, mathjax: !!window.mathjaxDone,
                         math: document.querySelectorAll('mjx-container').length});
})()
""".replace("COLUMN", str(COLUMN))


class Handler(http.server.SimpleHTTPRequestHandler):
    "Serves /mathjax/ from the npm cache and everything else from the rendered pages"

    pages: Path = None

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/mathjax/"):
            return str(MATHJAX / path[len("/mathjax/") :])
        return str(self.pages / path.lstrip("/"))

    def log_message(self, *a):
        pass


class Browser:
    "Headless Chromium driven over the DevTools protocol (one browser, one tab, page after page)"

    def __init__(self, exe: str, width: int):
        import websocket

        self.tmp = tempfile.mkdtemp(prefix="pagecheck-chromium-")
        self.proc = subprocess.Popen(
            [
                exe,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.tmp}",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                f"--window-size={width},1000",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file, t0 = Path(self.tmp) / "DevToolsActivePort", time.time()
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() - t0 > 30 or self.proc.poll() is not None:
                raise RuntimeError("Chromium did not start")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120, suppress_origin=True)
        self.n, self.width = 0, width
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=1000, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def wait_event(self, name, timeout=60):
        t0 = time.time()
        while time.time() - t0 < timeout:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == name:
                return msg
        raise TimeoutError(name)

    def check(self, url: str, png: Path, max_height: int) -> dict:
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        r = self.call("Runtime.evaluate", expression=CHECK_JS, awaitPromise=True, returnByValue=True)
        res = json.loads(r["result"]["value"])
        h = min(res["height"], max_height)
        res["shot_height"] = h
        shot = self.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": self.width, "height": h, "scale": 1},
            optimizeForSpeed=True,
        )
        png.write_bytes(base64.b64decode(shot["data"]))
        return res

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.tmp, ignore_errors=True)


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("page_check: no Chromium found; on Debian: apt-get install -y chromium")


def ensure_mathjax() -> None:
    if (MATHJAX / "tex-chtml-full.js").exists():
        return
    if not shutil.which("npm"):
        sys.exit("page_check: MathJax is not in tools/.cache and there is no npm to install it")
    print("installing MathJax 3 from the npm registry into tools/.cache ...", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), "mathjax@3"], check=True)


# ---------------------------------------------------------------- the run
NOTES = {"stderr", "wrapped"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("patterns", nargs="*", help="only notebooks whose name matches (glob or substring), e.g. 06a")
    ap.add_argument("--out", type=Path, default=ROOT / "_pagecheck", help="screenshots, pages and report")
    ap.add_argument("--width", type=int, default=1280, help="browser window width in px")
    ap.add_argument("--max-height", type=int, default=60000, help="screenshots stop at this height in px")
    ap.add_argument("--workers", type=int, default=2, help="processes for nbdev's processing")
    ap.add_argument("--force", action="store_true", help="process every notebook again, even if up to date")
    ap.add_argument("--nbs", type=Path, default=NBS, help="the notebooks folder (default: nbs/)")
    a = ap.parse_args(argv)
    exe = find_chromium()
    ensure_mathjax()
    nbs = sorted(p for p in a.nbs.resolve().glob("*.ipynb") if not p.name.startswith(("_", ".")))
    if a.patterns:
        nbs = [p for p in nbs if any(fnmatch.fnmatch(p.name, pat) or pat in p.name for pat in a.patterns)]
    t0 = time.time()
    if not nbs:
        ap.error(
            f"no page notebooks in {a.nbs.resolve()} match {a.patterns or 'any name'}; "
            "pass --nbs the book's nbs/ folder"
        )
    errors = process(nbs, a.workers, a.force)
    t_proc = time.time() - t0
    pages = a.out / "html"
    pages.mkdir(parents=True, exist_ok=True)
    Handler.pages = pages
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results = {}
    browser = Browser(exe, a.width)
    try:
        for nb in nbs:
            probs = (
                [["processing", f"nbdev processing failed, so nbdev-docs fails: {errors[nb.name]}"]]
                if nb.name in errors
                else []
            )
            info = {}
            if (PROC / nb.name).exists():
                try:
                    render(PROC / nb.name, pages / f"{nb.stem}.html", f"{base}/mathjax/tex-chtml-full.js")
                    info = browser.check(f"{base}/{nb.stem}.html", a.out / f"{nb.stem}.png", a.max_height)
                    probs += info["problems"] + pre_problems(PROC / nb.name)
                except Exception as e:  # noqa: BLE001 — reported per page
                    probs.append(["render", f"{type(e).__name__}: {e}"[:300]])
            results[nb.name] = (probs, info)
            n_bad = sum(p[0] not in NOTES for p in probs)
            print(f"  {nb.name}: {n_bad} problem(s), {len(probs) - n_bad} note(s)", flush=True)
    finally:
        browser.close()
        server.shutdown()
    lines = [
        f"# Page check: {len(nbs)} page(s)",
        "",
        f"nbdev processing {t_proc:.0f} s, rendering and browser {time.time() - t0 - t_proc:.0f} s. "
        f"Screenshots: {a.out.relative_to(ROOT) if a.out.is_relative_to(ROOT) else a.out}/NAME.png",
        "",
        "| page | images | formulas | height (px) | problems |",
        "|---|---|---|---|---|",
    ]
    for name, (probs, info) in results.items():
        cell = (
            "<br>".join(
                f"**{k}**{' (note)' if k in NOTES else ''}: {html.escape(' '.join(v.split()))}" for k, v in probs
            )
            or "ok"
        )
        lines.append(
            f"| {name} | {info.get('images', '-')} | {info.get('math', '-')} | {info.get('height', '-')} "
            f"| {cell.replace('|', '&#124;')} |"
        )
    bad = [n for n, (p, _) in results.items() if any(k not in NOTES for k, _ in p)]
    lines += ["", f"page_check: {len(results)} pages, {len(bad)} with problems"]
    (a.out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
