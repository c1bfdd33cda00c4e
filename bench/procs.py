"""Timing whole processes for the bench scripts: wall time and peak memory of one child."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run(args: list[str], *, env: dict | None = None, timeout: float = 300) -> tuple[float, float | None]:
    """Seconds from spawn to exit, and the child's peak RSS in MB (GNU time's %M; None without it).

    The peak is read through /usr/bin/time, itself a tiny process, because Linux carries
    a parent's peak into its child's ru_maxrss: measured from this Python harness it would
    never be below the harness's own."""
    env = {**os.environ, **(env or {})}
    marker = "PEAK_KB="
    command = [TIME, "-f", marker + "%M", *args] if TIME else args
    start = time.perf_counter()
    out = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         timeout=timeout)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} ... exit {out.returncode}: {out.stderr[-600:]}")
    peaks = [line for line in out.stderr.splitlines() if line.startswith(marker)]
    return seconds, (int(peaks[-1][len(marker):]) / 1024 if peaks else None)
