"""Cold start in the headless harness (issue 7's figure): start_app.py against start_minimal.py.

Process spawn → the home screen's table holding the 100 sessions, as a ratio to a minimal
Textual app timed the same way, pairs interleaved, median of BENCH_RUNS. Issue 15 asks for
the same ratio measured in a real terminal (tmux); this one is kept for comparison.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from figure import emit, env_path, median, runs

HERE = Path(__file__).resolve().parent


def spawn(args: list[str]) -> dict[str, float]:
    start = time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, env=os.environ)
    if out.returncode != 0 or "READY" not in out.stdout:
        raise RuntimeError(f"{args[1]} failed: {out.stderr[-800:]}")
    marks = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("READY ", "DB_READY ")))
    return {name: float(stamp) - start for name, stamp in marks.items()}


try:
    ours, floor = [], []
    for _ in range(runs()):
        ours.append(spawn([sys.executable, str(HERE / "start_app.py"), str(env_path("BENCH_HUNDRED_DB"))]))
        floor.append(spawn([sys.executable, str(HERE / "start_minimal.py")]))
    app_s, minimal_s = median([r["READY"] for r in ours]), median([r["READY"] for r in floor])
    emit("tui (headless): home screen, 100 sessions", app_s, "s")
    emit("tui (headless): minimal Textual app", minimal_s, "s")
    emit("tui (headless): database open behind the list", median([r["DB_READY"] for r in ours]), "s")
    emit("tui (headless): cold start ratio", app_s / minimal_s, "x", 1.5, issue=7)
except Exception as exc:  # reported in the table; the other scripts still run
    emit("tui (headless): cold start ratio", error=f"{type(exc).__name__}: {exc}")
