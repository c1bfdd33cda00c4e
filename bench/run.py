"""`make bench`: measure what a facilitator feels on an old laptop.

Builds its own seeded sessions, measures each figure as a median over several
runs (with a baseline from the same run where the target is a ratio), prints
a table and writes bench/results.json. Benchmarks report; nothing asserts.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def median(values: list[float]) -> float:
    return statistics.median(values)


def _time_subprocess(args: list[str], env: dict) -> dict[str, float]:
    """Seconds from spawning the process to each ``NAME <monotonic>`` line it prints."""
    start = time.monotonic()
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "READY" not in out.stdout:
        raise RuntimeError(f"{args} failed: {out.stdout[-500:]} {out.stderr[-2000:]}")
    marks = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("READY ", "DB_READY ")))
    return {name: float(stamp) - start for name, stamp in marks.items()}


def cold_start(workdir: Path) -> dict:
    """Process start → interactive home screen (sessions listed), vs a minimal Textual app.

    Timed to the moment the list is on screen, not to process exit: our process
    goes on opening the database behind the list (reported as ``db_ready_s``).
    """
    from build import small_workshop
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    db_file = workdir / "hundred.db"
    db = open_database(f"sqlite:///{db_file}")
    for n in range(100):
        sessions.import_workshop(db, small_workshop(n))
    db.dispose()
    env = {**os.environ, "WORKSHOP_TUI_DATA_DIR": str(workdir / "data"), "PYTHONPATH": str(ROOT / "src")}
    ours, floor = [], []
    for _ in range(RUNS):  # interleaved, so a busy moment on the machine hits both alike
        ours.append(_time_subprocess([sys.executable, str(HERE / "start_app.py"), str(db_file)], env))
        floor.append(_time_subprocess([sys.executable, str(HERE / "start_minimal.py")], env))
    app_s = median([r["READY"] for r in ours])
    minimal_s = median([r["READY"] for r in floor])
    return {
        "app_s": app_s, "minimal_textual_s": minimal_s, "ratio": app_s / minimal_s, "target_ratio": 1.5,
        "db_ready_s": median([r["DB_READY"] for r in ours]), "runs": RUNS,
    }


def peak_memory(workdir: Path, db_file: Path) -> dict:
    env = {**os.environ, "WORKSHOP_TUI_DATA_DIR": str(workdir / "data"), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, str(HERE / "memory_app.py"), str(db_file)], env=env,
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RSS_MB ")][-1]
    return {"peak_rss_mb": float(line.split()[1]), "target_mb": 120}


def engine_figures() -> dict:
    import engine_bench

    return engine_bench.run()


def large_session(workdir: Path) -> tuple[Path, int]:
    from build import large_workshop
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    db_file = workdir / "large.db"
    db = open_database(f"sqlite:///{db_file}")
    session_id = sessions.import_workshop(db, large_workshop())
    db.dispose()
    return db_file, session_id


def vote_latency(db_file: Path, session_id: int) -> dict:
    import vote_latency as vl

    return vl.measure(db_file, session_id)


def export_all(db_file: Path, session_id: int, workdir: Path) -> dict:
    """All formats of the large session in one ``exports.export_many`` call (the
    session loaded once, its results, plan and board pack computed once and shared),
    as the CLI's ``--format all`` and the TUI's "All formats" do. Median of runs.

    One more, instrumented run splits that time into loading, the shared
    computation and each format's own writer (``per_format_s``)."""
    from workshop_tui import exporters
    from workshop_tui.exporters.prepared import Prepared
    from workshop_tui.services import exports, sessions
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{db_file}")
    fmts = exports.formats()
    runs = []
    for n in range(max(3, RUNS // 2 + 1)):  # the first also pays for importing XlsxWriter and SciPy
        start = time.perf_counter()
        exports.export_many(db, session_id, fmts, workdir / f"export-{n}", stem="large")
        runs.append(time.perf_counter() - start)
    start = time.perf_counter()
    workshop = sessions.load(db, session_id)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    prepared = Prepared(workshop)
    prepared.pack  # the round results, the plan (with the exact optimiser) and the board pack
    shared_s = time.perf_counter() - start
    timings: dict[str, float] = {}
    for fmt in fmts:
        start = time.perf_counter()
        exporters.module_for(fmt).write(workshop, workdir / "export-split" / f"large.{fmt}", prepared)
        timings[fmt] = time.perf_counter() - start
    db.dispose()
    return {"total_s": median(runs), "load_s": load_s, "shared_s": shared_s, "per_format_s": timings,
            "target_s": 1.0, "runs": len(runs)}


def main() -> int:
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "runs_per_figure": RUNS,
    }
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["WORKSHOP_TUI_DATA_DIR"] = str(workdir / "data")
        steps = [
            ("cold_start", lambda: cold_start(workdir)),
            ("engine", engine_figures),
        ]
        db_file, session_id = large_session(workdir)
        steps += [
            ("vote_latency", lambda: vote_latency(db_file, session_id)),
            ("export", lambda: export_all(db_file, session_id, workdir)),
            ("memory", lambda: peak_memory(workdir, db_file)),
            ("phones", lambda: __import__("phones_load").run(workdir)),  # issue 14: bench/phones_load.py
            ("phones_tui", lambda: __import__("phones_tui").measure(workdir)),  # issue 14: 30 phones vote
        ]
        for name, step in steps:
            print(f"measuring {name} ...", flush=True)
            try:
                results[name] = step()
            except Exception as exc:  # report the failure in the table, keep measuring the rest
                results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwrote {out}")
    return 0


def print_table(r: dict) -> None:
    def row(label: str, value: str, target: str, met: bool | None) -> None:
        verdict = "" if met is None else ("met" if met else "NOT MET")
        print(f"{label:<44} {value:>18} {target:>14}  {verdict}")

    print()
    row("figure", "measured", "target", None)
    print("-" * 90)
    cs = r.get("cold_start", {})
    if "ratio" in cs:
        row("cold start, 100 sessions (s)", f"{cs['app_s']:.3f}", "", None)
        row("minimal Textual app (s)", f"{cs['minimal_textual_s']:.3f}", "", None)
        if "db_ready_s" in cs:
            row("  database open behind the list (s)", f"{cs['db_ready_s']:.3f}", "", None)
        row("cold start ratio", f"{cs['ratio']:.2f}x", "<= 1.5x", cs["ratio"] <= 1.5)
    eng = r.get("engine", {})
    labels = {"matrix_500x60x4": "matrix 500x60x4 (s)", "schulze_200x60": "Schulze 200 cand. x 60 ballots (s)",
              "plan_300_4_bottlenecks": "plan 300 initiatives, 4 bottlenecks (s)"}
    for key, label in labels.items():
        if isinstance(eng.get(key), dict):
            secs, target = eng[key]["seconds"], eng[key]["target"]
            row(label, f"{secs:.3f}", f"<= {target}", secs <= target)
    vl = r.get("vote_latency", {})
    if "p95_ms" in vl:
        row("vote latency p50 (ms)", f"{vl['p50_ms']:.2f}", "", None)
        row("vote latency p95 (ms)", f"{vl['p95_ms']:.2f}", "<= 15", vl["p95_ms"] <= 15)
        if "commit_floor_ms" in vl:
            row("durable SQLite commit floor (ms)", f"{vl['commit_floor_ms']:.2f}", "", None)
    ex = r.get("export", {})
    if "total_s" in ex:
        if "load_s" in ex:
            row("  export: load the session once (s)", f"{ex['load_s']:.3f}", "", None)
            row("  export: results, plan, board pack once (s)", f"{ex['shared_s']:.3f}", "", None)
        for fmt, secs in ex["per_format_s"].items():
            row(f"  export: write {fmt} (s)", f"{secs:.3f}", "", None)
        row("export, all formats (s)", f"{ex['total_s']:.3f}", "<= 1.0", ex["total_s"] <= 1.0)
    mem = r.get("memory", {})
    if "peak_rss_mb" in mem:
        row("peak RSS, large session open (MB)", f"{mem['peak_rss_mb']:.1f}", "<= 120", mem["peak_rss_mb"] <= 120)
    for name, value in r.items():
        if isinstance(value, dict) and "error" in value:
            print(f"{name}: FAILED: {value['error']}")


if __name__ == "__main__":
    raise SystemExit(main())
