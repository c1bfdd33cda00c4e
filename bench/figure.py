"""What every bench script uses to report (the convention is in run.py's docstring)."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path


def emit(name: str, value: float | None = None, unit: str = "s", target: float | None = None, *,
         error: str | None = None, **extra) -> None:
    """Print one figure as one JSON line on stdout, for run.py to collect."""
    figure: dict = {"name": name}
    if error is not None:
        figure["error"] = error
    else:
        figure.update(value=value, unit=unit, target=target)
    figure.update(extra)
    try:
        figure.setdefault("load", os.getloadavg()[0])
    except OSError:
        pass
    print(json.dumps(figure), flush=True)


def runs() -> int:
    return int(os.environ.get("BENCH_RUNS", "5"))


def env_path(name: str) -> Path:
    return Path(os.environ[name])


def median(values: list[float]) -> float:
    return statistics.median(values)
