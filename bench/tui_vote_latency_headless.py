"""Vote latency in-process with the pilot (vote_latency.py) on the 300 x 40 grid."""

from figure import emit, env_path

import vote_latency

try:
    r = vote_latency.measure(env_path("BENCH_GRID_DB"), 1)
    emit("tui (headless): vote latency p50", r["p50_ms"], "ms")
    emit("tui (headless): vote latency p95, key -> committed frame", r["p95_ms"], "ms", 15, issue=15, detail=r)
    emit("tui (headless): durable SQLite commit floor p50", r["commit_floor_ms"], "ms")
except Exception as exc:
    emit("tui (headless): vote latency p95, key -> committed frame", error=f"{type(exc).__name__}: {exc}")
