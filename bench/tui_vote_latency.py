"""Vote to screen on the 300 x 40 grid, in-process (headless 120x40): one JSON line per figure.

The figures are bench/vote_latency.py's: keypress -> the first frame whose drawn line shows
the typed value (issue 15's target, p95 <= 15 ms), keypress -> the frame showing the
committed value, and the durable-commit floor measured in the same run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tuibench import grid_database  # noqa: E402


def main() -> None:
    import vote_latency

    db_file = grid_database()
    r = vote_latency.measure(db_file, 1, presses=int(os.environ.get("BENCH_PRESSES", vote_latency.PRESSES)))
    detail = {k: v for k, v in r.items() if not isinstance(v, str)}
    figures = [
        ("tui: vote to the frame showing the typed value, p95", r["to_shown_p95_ms"], 15),
        ("tui: vote to the frame showing the typed value, p50", r["to_shown_p50_ms"], None),
        ("tui: vote to the frame showing the committed value, p95", r["p95_ms"], None),
        ("tui: vote to the frame showing the committed value, p50", r["p50_ms"], None),
        ("tui: durable SQLite commit floor, p50", r["commit_floor_ms"], None),
    ]
    for name, value, target in figures:
        print(json.dumps({"name": name, "value": round(value, 3), "unit": "ms", "target": target, "issue": 15,
                          "detail": detail if target is not None else None}), flush=True)


if __name__ == "__main__":
    main()
