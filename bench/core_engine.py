"""The engine in-process (engine_bench.py): matrix 500x60x4, Schulze 200x60, a plan for 300."""

from engine_bench import run
from figure import emit, runs

LABELS = {"matrix_500x60x4": "engine: matrix result 500x60x4", "schulze_200x60": "engine: Schulze 200 cand. x 60 ballots",
          "plan_300_4_bottlenecks": "engine: plan 300 initiatives, 4 bottlenecks"}

for case, r in run(runs()).items():
    emit(LABELS[case], r["seconds"], "s", r["target"], detail={"case": case})
