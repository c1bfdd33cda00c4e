"""Engine benchmark: seeded synthetic workshops, median seconds of several runs.

Run ``python bench/engine_bench.py`` (with ``src`` importable) for a table;
import and call ``run()`` for the figures as a dict.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from workshop_tui.domain.methods import ranked  # noqa: E402
from workshop_tui.domain.model import Bottleneck, Criterion, Initiative, Participant, Round, SessionInfo, Vote, Workshop  # noqa: E402
from workshop_tui.domain.results import round_result  # noqa: E402
from workshop_tui.domain.selection import Ranked, make_plan  # noqa: E402

TARGETS = {"matrix_500x60x4": 0.3, "schulze_200x60": 0.5, "plan_300_4_bottlenecks": 1.0}
REPEATS = 5


def _matrix_workshop(rng: random.Random) -> Workshop:
    items = tuple(Initiative(f"i{n:03d}", f"Initiative {n}") for n in range(500))
    people = tuple(Participant(f"p{n:02d}", f"Person {n}") for n in range(60))
    criteria = tuple(Criterion(f"c{n}", f"Criterion {n}", weight=Fraction(w), min=Fraction(1), max=Fraction(5)) for n, w in enumerate((40, 30, 20, 10)))
    votes = tuple(
        Vote(participant=p.key, initiative=i.key, criterion=c.key, value=rng.randint(1, 5))
        for p in people for i in items for c in criteria
    )
    return Workshop(SessionInfo("bench"), people, items, criteria=criteria, rounds=(Round("m", "matrix", votes=votes),))


def _schulze_inputs(rng: random.Random):
    cands = [f"c{n:03d}" for n in range(200)]
    ballots = []
    for _ in range(60):
        order = cands[:]
        rng.shuffle(order)
        ballots.append(tuple((c,) for c in order))
    return cands, ballots


def _plan_inputs(rng: random.Random):
    bottlenecks = [Bottleneck(f"b{n}", f"Bottleneck {n}", 120, "days") for n in range(4)]
    items = []
    for n in range(300):
        deps = tuple(sorted({f"i{rng.randrange(n):03d}" for _ in range(rng.randint(0, 2))})) if n > 10 else ()
        items.append(Initiative(
            f"i{n:03d}", f"Initiative {n}", effort=Fraction(rng.randint(1, 5)), cost=Fraction(rng.randint(1, 50)),
            depends_on=deps, demands={b.key: rng.randint(0, 6) for b in bottlenecks},
            decided="in_flight" if n % 97 == 0 else None,
        ))
    scores = sorted(((Fraction(rng.randint(0, 1000), 100), f"i{n:03d}") for n in range(300)), reverse=True)
    ranking = [Ranked(k, 1 + sum(1 for t, _ in scores if t > s), s) for s, k in scores]
    return ranking, items, bottlenecks


def _median_time(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(repeats: int = REPEATS) -> dict[str, dict[str, float]]:
    """Median seconds per case with its target: {case: {"seconds", "target"}}."""
    rng = random.Random(20240501)
    w = _matrix_workshop(rng)
    cands, ballots = _schulze_inputs(rng)
    ranking, items, bottlenecks = _plan_inputs(rng)
    cases = {
        # A fresh count each time: the domain remembers a result for the picture it came from
        # (domain/memo.py), which would time a dictionary lookup from the second run on.
        "matrix_500x60x4": lambda: round_result(dataclasses.replace(w, rounds=tuple(dataclasses.replace(r)
                                                                                    for r in w.rounds)), "m"),
        "schulze_200x60": lambda: ranked.rank(cands, ballots, "schulze"),
        "plan_300_4_bottlenecks": lambda: make_plan(ranking, items, bottlenecks, bandwidth=60, budget=Fraction(2000)),
    }
    return {name: {"seconds": _median_time(fn, repeats), "target": TARGETS[name]} for name, fn in cases.items()}


def main() -> None:
    results = run()
    print(f"{'case':<26}{'median s':>10}{'target s':>10}  ok")
    for name, r in results.items():
        print(f"{name:<26}{r['seconds']:>10.3f}{r['target']:>10.1f}  {'yes' if r['seconds'] <= r['target'] else 'NO'}")


if __name__ == "__main__":
    main()
