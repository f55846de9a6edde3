"""Cold start: how long a fresh process takes to import the TensorFlow-free modules, and to answer `--help`, a bad
option and an input error for every command, beside an import of TensorFlow (what those answers used to wait for).

Each case runs `repeats` times in a fresh Python process; the cases are alternated (one round of all, then the next),
so that a change in the machine's load touches them alike. Printed per case: the median wall time, the median CPU time
(user + sys of the child), the exit code, whether TensorFlow was imported, and the load average beside them.
Goal (issue 17): every command's --help, bad options and input errors answer in under 1 s on an idle machine.

Run (from the repository root): python benchmarks/cold_start.py [--repeats 5]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import contextlib, io, sys
sys.argv = [{prog!r}] + {argv!r}
from {module} import {func} as main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main({argv!r})
    except SystemExit as e:  # argparse: --help and a bad choice
        code = e.code
print(code, int("tensorflow" in sys.modules))
"""


def cases(tmp: Path) -> dict:  # name -> python -c source
    fake_run = tmp / "not-a-run"
    fake_run.mkdir()
    txt = tmp / "empty.txt"
    txt.write_text("")
    c = {f"import {m}": f"import sys, {m}; print(0, int('tensorflow' in sys.modules))"
         for m in ("lmbook.corpora", "lmbook.vocab", "lmbook.bpe", "lmbook.ngram", "lmbook.generation", "lmbook.cli")}
    calls = {
        "lmbook-train --help": ("lmbook.cli", "train_cli", ["--help"]),
        "lmbook-train --model bert": ("lmbook.cli", "train_cli", ["--model", "bert"]),
        "lmbook-train --steps 0": ("lmbook.cli", "train_cli", ["--steps", "0"]),
        "lmbook-train --corpus EMPTY.txt": ("lmbook.cli", "train_cli", ["--corpus", str(txt), "--out", str(tmp / "o")]),
        "lmbook-train --corpus no-such": ("lmbook.cli", "train_cli", ["--corpus", "no-such", "--out", str(tmp / "o")]),
        "lmbook-generate --help": ("lmbook.cli", "generate_cli", ["--help"]),
        "lmbook-generate NOT-A-RUN": ("lmbook.cli", "generate_cli", [str(fake_run)]),
        "lmbook-eval --help": ("lmbook.cli", "eval_cli", ["--help"]),
        "lmbook-eval NOT-A-RUN": ("lmbook.cli", "eval_cli", [str(fake_run), "--corpus", "lee-news"]),
        "lmbook-corpora --help": ("lmbook.corpora", "corpora_cli", ["--help"]),
    }
    for name, (module, func, argv) in calls.items():
        c[name] = PROBE.format(prog=name.split()[0], argv=argv, module=module, func=func)
    c["import tensorflow (reference)"] = "import sys, tensorflow; print(0, 1)"
    return c


def run_once(src: str) -> tuple[float, float, str]:  # (wall s, child CPU s, stdout)
    path = f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": path}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, env=env, cwd=REPO)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode:
        raise RuntimeError(f"probe failed ({r.returncode}): {r.stderr[-1000:]}")
    return wall, cpu, r.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="fresh processes per case (default: %(default)s)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cs = cases(Path(d))
        res = {k: [] for k in cs}
        load0 = os.getloadavg()[0]
        for _ in range(a.repeats):  # alternated: one round over every case, then the next round
            for k, src in cs.items():
                res[k].append(run_once(src))
        load1 = os.getloadavg()[0]
    print(f"load average (1 min) {load0:.2f} at the start, {load1:.2f} at the end; {os.cpu_count()} CPUs; "
          f"median of {a.repeats} fresh processes per case")
    print(f"{'case':34s} {'wall s':>7s} {'cpu s':>7s}  exit  tensorflow imported")
    worst = worst_cpu = 0.0
    for k, runs in res.items():
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        code, tf = runs[0][2].split()
        print(f"{k:34s} {wall:7.2f} {cpu:7.2f}  {code:>4s}  {'yes' if tf == '1' else 'no'}")
        if k.startswith("lmbook-"):
            worst, worst_cpu = max(worst, wall), max(worst_cpu, cpu)
    tf = res["import tensorflow (reference)"]
    tf_wall, tf_cpu = statistics.median(r[0] for r in tf), statistics.median(r[1] for r in tf)
    print(f"slowest command answer: {worst:.2f} s wall, {worst_cpu:.2f} s CPU (goal: < 1 s wall on an idle machine, "
          f"where wall is about CPU); TensorFlow import alone: {tf_wall:.2f} s wall, {tf_cpu:.2f} s CPU; "
          f"ratio {worst / tf_wall:.2f} (wall), {worst_cpu / tf_cpu:.2f} (CPU)")


if __name__ == "__main__":
    main()
