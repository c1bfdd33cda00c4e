"""Start-up where the user sees it: workshop-tui launched in tmux (120x40) until its list
of 100 sessions is on screen, against a minimal Textual app (Header, DataTable, Footer)
listing the same sessions, launched the same way; pairs alternated, median of 9 pairs
(BENCH_PAIRS). The time runs from just before ``tmux new-session`` to the first
``capture-pane`` that shows a session title. One JSON line per figure.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from terminal_timing import Tmux  # noqa: E402
from tuibench import hundred_database  # noqa: E402

TITLE = "Quarterly review"  # every one of the 100 sessions is called so


def main() -> None:
    pairs = int(os.environ.get("BENCH_PAIRS", "9"))
    db_file = hundred_database()
    work = Path(os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp(prefix="tui-start-"))
    env = {"WORKSHOP_TUI_DATA_DIR": str(work / "data"), "HOME": str(work)}
    ours_argv = [sys.executable, "-m", "workshop_tui", "--db", str(db_file)]
    floor_argv = [sys.executable, str(HERE / "minimal_terminal_app.py"), str(db_file)]
    tmux = Tmux("start")
    ours, floor = [], []
    try:
        for n in range(pairs + 1):  # the first pair warms the disk cache and is not counted
            for argv, into in ((ours_argv, ours), (floor_argv, floor)) if n % 2 else \
                    ((floor_argv, floor), (ours_argv, ours)):
                name = f"run{n}-{'app' if argv is ours_argv else 'minimal'}"
                started = tmux.start(name, argv, width=120, height=40, env=env)
                seen = tmux.wait_for(name, TITLE)
                tmux.kill(name)
                if n:
                    into.append(seen - started)
    finally:
        tmux.close()
    app_s, minimal_s = statistics.median(ours), statistics.median(floor)
    detail = {"pairs": pairs, "app_s": ours, "minimal_s": floor, "load_average": os.getloadavg()[0]}
    print(json.dumps({"name": "tui: start-up in tmux to the sessions list / minimal Textual app",
                      "value": round(app_s / minimal_s, 3), "unit": "x", "target": 1.5, "issue": 15,
                      "detail": detail}))
    print(json.dumps({"name": "tui: start-up in tmux to the sessions list", "value": round(app_s, 3),
                      "unit": "s", "target": None}))
    print(json.dumps({"name": "tui: minimal Textual app in tmux to its list", "value": round(minimal_s, 3),
                      "unit": "s", "target": None}))


if __name__ == "__main__":
    main()
