"""`make bench`: every figure of issue 15 in one run, each beside its target.

run.py builds (once, cached in bench/.cache/ by build.py) the benchmark databases,
then runs every bench script as its own process, collects the figures they print,
tabulates them with PASS/MISS and the load average, and writes bench/results.json.
Benchmarks report; nothing asserts, and no test asserts on a timing.

The convention for a bench script (any helper may add one; nothing else to register)
-------------------------------------------------------------------------------------
- Its file is ``bench/<area>_<what>.py`` with area one of ``core``, ``cli``, ``tui``,
  ``mem``, ``phones`` (other names in bench/ are helpers and child programs: build.py,
  start_app.py, ...). run.py runs every such script, in name order, as
  ``python bench/<script>.py`` from the repository root, with a timeout of 15 minutes.
- Environment it gets:
    BENCH_LARGE_DB    a private copy (yours to write to) of the large session's SQLite file:
                      500 initiatives x 60 participants x 4 criteria, a closed dots round and
                      a closed matrix round; its session id is BENCH_LARGE_ID (1)
    BENCH_GRID_DB     a private copy of the 300 x 40 x 4 session (same shape; id 1), the
                      vote-latency grid
    BENCH_HUNDRED_DB  a private copy of a database of 100 small sessions
    BENCH_WORKDIR     a scratch folder of its own (removed after the run)
    BENCH_RUNS        repetitions per figure (default 5; ``BENCH_RUNS=3 make bench``)
    WORKSHOP_TUI_DATA_DIR  inside BENCH_WORKDIR, so the user's own database is never touched
    PYTHONPATH        src/ and bench/ (``import build`` works; the venv's workshop-tui is on PATH)
- It prints one JSON object per line for each figure it measures, and nothing else on
  stdout that starts with ``{`` (progress goes to stderr)::

    {"name": "cli: results beyond start-up", "value": 0.21, "unit": "s", "target": 0.3}

  Keys: ``name`` (unique, says what is timed), ``value`` (a number), ``unit`` (``s``,
  ``ms``, ``MB``, ``x``), ``target`` (a number, or null for a figure shown for context,
  such as the baseline of a ratio), optional ``better`` (``"lower"``, the default, or
  ``"higher"``), ``issue`` (e.g. 15), ``note`` (a short string shown under the table),
  ``detail`` (any JSON: runs, percentiles, a split; kept in results.json). A figure that
  could not be measured is ``{"name": ..., "error": "what went wrong"}``.
- PASS is value <= target (>= for ``"better": "higher"``); a script that crashes or prints
  no figure is shown as FAILED with the end of its stderr. ``BENCH_ONLY=cli,mem make bench``
  runs only the scripts whose names contain one of those words.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AREAS = ("core", "cli", "tui", "mem", "phones")
TIMEOUT_S = 900


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def scripts() -> list[Path]:
    only = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]
    found = sorted(p for p in HERE.glob("*.py") if p.stem.split("_", 1)[0] in AREAS and "_" in p.stem)
    return [p for p in found if not only or any(w in p.stem for w in only)]


def run_script(script: Path, workdir: Path) -> list[dict]:
    import build

    own = workdir / script.stem
    own.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "BENCH_LARGE_DB": str(build.copy_of("large", own)), "BENCH_LARGE_ID": "1",
        "BENCH_GRID_DB": str(build.copy_of("grid", own)),
        "BENCH_HUNDRED_DB": str(build.copy_of("hundred", own)),
        "BENCH_WORKDIR": str(own), "BENCH_RUNS": os.environ.get("BENCH_RUNS", "5"),
        "WORKSHOP_TUI_DATA_DIR": str(own / "data"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)]),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    # Users' Pythons keep bytecode caches; a shell that forbids writing them would make
    # every process compile every module again, and every start-up figure meaningless.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    load_before = load_average()
    start = time.monotonic()
    try:
        out = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return [{"name": script.stem, "error": f"timed out after {TIMEOUT_S} s", "script": script.name}]
    figures = []
    for line in out.stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            figure = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(figure, dict) and "name" in figure and ("value" in figure or "error" in figure):
            figure.setdefault("load", load_before)
            figure["script"] = script.name
            figures.append(figure)
    if out.returncode != 0 or not figures:
        figures.append({"name": script.stem, "script": script.name,
                        "error": f"exit {out.returncode}, {len(figures)} figures: {out.stderr.strip()[-600:]}"})
    print(f"  {script.name}: {len(figures)} figures in {time.monotonic() - start:.1f} s", flush=True)
    return figures


def verdict(figure: dict) -> str:
    if "error" in figure:
        return "FAILED"
    target = figure.get("target")
    if target is None:
        return ""
    if figure.get("better", "lower") == "higher":
        return "PASS" if figure["value"] >= target else "MISS"
    return "PASS" if figure["value"] <= target else "MISS"


def _number(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def print_table(figures: list[dict]) -> None:
    print()
    print(f"{'figure':<58} {'measured':>11} {'target':>11}  {'':<6} load")
    print("-" * 96)
    for f in figures:
        load = f"{f['load']:.2f}" if isinstance(f.get("load"), (int, float)) else ""
        if "error" in f:
            print(f"{f['name']:<58} {'':>11} {'':>11}  FAILED {load}")
            continue
        unit = f.get("unit", "")
        op = ">=" if f.get("better", "lower") == "higher" else "<="
        target = "" if f.get("target") is None else f"{op} {_number(f['target'])}{unit}"
        print(f"{f['name']:<58} {_number(f['value']) + unit:>11} {target:>11}  {verdict(f):<6} {load}")
    notes = [f for f in figures if f.get("note") or "error" in f]
    if notes:
        print()
    for f in notes:
        print(f"- {f['name']}: {f.get('error') or f.get('note')}")
    counts = {v: sum(verdict(f) == v for f in figures) for v in ("PASS", "MISS", "FAILED")}
    print(f"\n{counts['PASS']} PASS, {counts['MISS']} MISS, {counts['FAILED']} FAILED")


def main() -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT / "src"))
    import build

    print("building or finding the benchmark databases (bench/.cache) ...", flush=True)
    for shape in ("large", "grid", "hundred"):
        build.cached(shape)
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "runs_per_figure": int(os.environ.get("BENCH_RUNS", "5")),
        "load_at_start": load_average(),
        "figures": [],
    }
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        for script in scripts():
            print(f"measuring {script.name} ...", flush=True)
            results["figures"] += run_script(script, Path(tmp))
    results["load_at_end"] = load_average()
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results["figures"])
    print(f"load average at start {results['load_at_start']}, at end {results['load_at_end']}; wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
