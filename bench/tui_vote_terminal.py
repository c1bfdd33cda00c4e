"""Vote to screen in a real terminal: workshop-tui in tmux (120x40) on the 300 x 40 grid,
a fresh open dots round; each "1" is sent with ``tmux send-keys`` and ``capture-pane`` is
polled until the cell's line shows it. Includes tmux's own delivery and capture (the
price of looking from outside), so it is an upper bound of what the facilitator sees.
One JSON line per figure.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from terminal_timing import POLL_S, Tmux  # noqa: E402
from tuibench import grid_database  # noqa: E402

PRESSES = int(os.environ.get("BENCH_TERMINAL_PRESSES", "20"))  # one person's 20 dots, down the column


def _row_line(screen: str, title: str) -> str | None:
    return next((line for line in screen.splitlines() if line.startswith(f" │ {title} ")), None)


def main() -> None:
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database

    db_file = grid_database()
    db = open_database(f"sqlite:///{db_file}")
    voting.create_round(db, 1, method="dots", title="Terminal latency")
    sessions.set_stage(db, 1, "voting")
    db.dispose()
    work = Path(os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp(prefix="tui-vote-"))
    env = {"WORKSHOP_TUI_DATA_DIR": str(work / "data"), "HOME": str(work)}
    tmux = Tmux("vote")
    times: list[float] = []
    try:
        tmux.start("app", [sys.executable, "-m", "workshop_tui", "--db", str(db_file)], width=120, height=40,
                   env=env)
        tmux.wait_for("app", "Benchmark session", timeout=120)
        tmux.run("send-keys", "-t", "app", "Enter")
        tmux.wait_for("app", "Enter: start entering votes", timeout=300)
        tmux.run("send-keys", "-t", "app", "Enter")
        tmux.wait_for("app", "ENTERING VOTES", timeout=60)
        for n in range(PRESSES):
            title = f"Initiative {n}"
            before = _row_line(tmux.screen("app"), title)
            started = time.monotonic()
            tmux.run("send-keys", "-t", "app", "1")
            while True:
                line = _row_line(tmux.screen("app"), title)
                if line is not None and line != before and line[30:48].strip().startswith("1"):
                    times.append((time.monotonic() - started) * 1000)
                    break
                if time.monotonic() - started > 60:
                    raise RuntimeError(f"vote {n} never appeared: {line!r}")
                time.sleep(POLL_S)
    finally:
        tmux.close()
    p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
    detail = {"presses": len(times), "ms": [round(t, 1) for t in times], "load_average": os.getloadavg()[0]}
    print(json.dumps({"name": "tui: vote to screen in tmux (send-keys -> capture-pane), p95", "value": round(p95, 1),
                      "unit": "ms", "target": None, "issue": 15, "detail": detail}))
    print(json.dumps({"name": "tui: vote to screen in tmux (send-keys -> capture-pane), median",
                      "value": round(statistics.median(times), 1), "unit": "ms", "target": None}))


if __name__ == "__main__":
    main()
