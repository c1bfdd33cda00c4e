"""`workshop-tui results`, `plan` and `export --format all` on the large session
(500 initiatives x 60 participants x 4 criteria, a dots round and a matrix round),
through the user's own entry point, each as time beyond the same process's start-up.

Two ways, both reported:
- whole process minus start-up: the command as a subprocess, minus the same command
  with --help (the interpreter, click and workshop-tui's CLI module, nothing else),
  pairs alternated, medians. Everything the command imports for its work (SQLAlchemy,
  the exporters, HiGHS) counts against it. This is the figure held to the target.
- after imports, in-process: the command run through ``cli.main`` in a process that
  has already imported what it needs; the work alone.
Also the export's split (load, shared results/plan/board pack, each writer), in-process.
Targets: results <= 0.3 s, plan <= 1 s, export --format all <= 1.5 s.
"""

import contextlib
import io
import shutil
import sys
import time
from pathlib import Path

from figure import emit, env_path, median, runs
from procs import run

CLI = str(Path(sys.executable).parent / "workshop-tui")
DB = str(env_path("BENCH_LARGE_DB"))
WORK = env_path("BENCH_WORKDIR")
OUT = WORK / "exported"
COMMANDS = {
    "results": (["results", "1"], 0.3),
    "plan": (["plan", "1"], 1.0),
    "export --format all": (["export", "1", "--format", "all", "-o", str(OUT), "--force"], 1.5),
}


def whole_process(args: list[str]) -> tuple[float, float, list, list]:
    full, bare = [], []
    run([CLI, "--db", DB, *args])  # untimed: bytecode caches, the page cache
    for _ in range(max(3, runs())):
        full.append(run([CLI, "--db", DB, *args])[0])
        bare.append(run([CLI, "--db", DB, args[0], "--help"])[0])
    return median(full), median(bare), full, bare


def in_process(args: list[str]) -> float:
    from workshop_tui.cli import main

    times = []
    for _ in range(max(3, runs())):
        sink = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(io.StringIO()):
            try:
                main(["--db", DB, *args], standalone_mode=False)
            except SystemExit:
                pass
        times.append(time.perf_counter() - start)
    return median(times)


def export_split() -> dict:
    from workshop_tui import exporters
    from workshop_tui.exporters.prepared import Prepared
    from workshop_tui.services import exports, sessions
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{DB}")
    start = time.perf_counter()
    workshop = sessions.load(db, 1)
    split = {"load_s": time.perf_counter() - start}
    start = time.perf_counter()
    prepared = Prepared(workshop)
    prepared.pack  # the round results, the plan (with the exact optimiser) and the board pack
    split["results_plan_board_pack_s"] = time.perf_counter() - start
    for fmt in exports.formats():
        start = time.perf_counter()
        exporters.module_for(fmt).write(workshop, WORK / "split" / f"large.{fmt}", prepared)
        split[f"write_{fmt}_s"] = time.perf_counter() - start
        shutil.rmtree(WORK / "split" / "large.csv", ignore_errors=True)
    db.dispose()
    return split


for label, (args, target) in COMMANDS.items():
    try:
        full, bare, fulls, bares = whole_process(args)
        emit(f"cli: {label} beyond start-up (whole process - --help)", full - bare, "s", target, issue=15,
             detail={"command_s": fulls, "help_s": bares})
    except Exception as exc:
        emit(f"cli: {label} beyond start-up (whole process - --help)", error=f"{type(exc).__name__}: {exc}")

# In-process: import everything the commands use first, then time the work alone.
import workshop_tui.cli  # noqa: E402,F401
from workshop_tui import exporters  # noqa: E402
from workshop_tui.services import choices, exports, sessions  # noqa: E402,F401

for fmt in exports.formats():
    exporters.module_for(fmt)
for label, (args, target) in COMMANDS.items():
    try:
        emit(f"cli: {label}, in-process after imports", in_process(args), "s", None)
    except Exception as exc:
        emit(f"cli: {label}, in-process after imports", error=f"{type(exc).__name__}: {exc}")
try:
    split = export_split()
    for key, value in split.items():
        emit(f"  export split: {key.removesuffix('_s').replace('_', ' ')}", value, "s", None)
except Exception as exc:
    emit("  export split", error=f"{type(exc).__name__}: {exc}")
