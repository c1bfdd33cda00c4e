"""`workshop-tui sessions` as a whole process against a minimal click + Rich + sqlite3
command printing the same rows (bench/minimal_sessions.py), on the database of 100
sessions, pairs alternated, median of BENCH_RUNS (at least 5). Target: <= 1.5x."""

import sys
from pathlib import Path

from figure import emit, env_path, median, runs
from procs import run

HERE = Path(__file__).resolve().parent
CLI = str(Path(sys.executable).parent / "workshop-tui")

db = str(env_path("BENCH_HUNDRED_DB"))
ours, floor = [], []
try:
    run([CLI, "--db", db, "sessions"])  # once untimed: the first run writes bytecode caches
    run([sys.executable, str(HERE / "minimal_sessions.py"), "--db", db])
    for _ in range(max(5, runs())):
        ours.append(run([CLI, "--db", db, "sessions"]))
        floor.append(run([sys.executable, str(HERE / "minimal_sessions.py"), "--db", db]))
except Exception as exc:
    emit("cli: sessions / minimal click command", error=f"{type(exc).__name__}: {exc}")
    raise SystemExit(0)
ours_s, floor_s = median([t for t, _ in ours]), median([t for t, _ in floor])
emit("cli: sessions, whole process (100 sessions)", ours_s, "s")
emit("cli: minimal click + Rich + sqlite3, same rows", floor_s, "s")
emit("cli: sessions / minimal click command", ours_s / floor_s, "x", 1.5, issue=15,
     detail={"ours_s": [t for t, _ in ours], "minimal_s": [t for t, _ in floor]})
if ours[0][1] is not None:
    emit("cli: sessions peak RSS", median([m for _, m in ours]), "MB")
    emit("cli: minimal command peak RSS", median([m for _, m in floor]), "MB")
