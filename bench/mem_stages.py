"""Peak resident memory (VmHWM) of the TUI opening the large session (500 x 60 x 4) at the
initiatives, voting, results and choices stages in turn (memory_app.py), the exact optimiser
included, then of the plan's exact optimiser on its own."""

import os
import subprocess
import sys
from pathlib import Path

from figure import emit, env_path

HERE = Path(__file__).resolve().parent

out = subprocess.run([sys.executable, str(HERE / "memory_app.py"), str(env_path("BENCH_LARGE_DB"))],
                     capture_output=True, text=True, timeout=600, env=os.environ)
lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RSS_MB ")]
if out.returncode != 0 or not lines:
    emit("mem: peak RSS, TUI through every stage (large)", error=out.stderr.strip()[-800:])
else:
    stages = [ln for ln in out.stdout.splitlines() if ln.startswith("STAGE ")]
    emit("mem: peak RSS, TUI through every stage (large)", float(lines[-1].split()[1]), "MB", 120, issue=15,
         detail={"stages": stages})

# The same computations without the TUI: what loading and counting cost, the optimiser included.
COMPUTE = """
import re, sys
from workshop_tui.domain import results as engine
from workshop_tui.services import sessions
from workshop_tui.storage.engine import open_database

db = open_database(f"sqlite:///{sys.argv[1]}")
workshop = sessions.load(db, 1)
for rnd in workshop.rounds:
    engine.round_result(workshop, rnd.key)
plan = engine.plan(workshop)
assert plan.optimiser is None or plan.optimiser.method.startswith("milp"), plan.optimiser
status = open("/proc/self/status").read()
print("RSS_MB", int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024)
"""
out = subprocess.run([sys.executable, "-c", COMPUTE, str(env_path("BENCH_LARGE_DB"))], capture_output=True,
                     text=True, timeout=600, env=os.environ)
lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RSS_MB ")]
if out.returncode != 0 or not lines:
    emit("mem: peak RSS, load + every result + plan, no UI", error=out.stderr.strip()[-800:])
else:
    emit("mem: peak RSS, load + every result + plan, no UI", float(lines[-1].split()[1]), "MB", None)
