"""Seeded synthetic sessions for the benchmarks: the same every run."""

from __future__ import annotations

import random
from fractions import Fraction

from workshop_tui.domain import model as m


def large_workshop(n_initiatives: int = 300, n_participants: int = 40, n_criteria: int = 4,
                   n_bottlenecks: int = 4, seed: int = 20261122) -> m.Workshop:
    """A big, realistic-shaped session: dots and matrix rounds fully voted."""
    rng = random.Random(seed)
    people = tuple(m.Participant(key=f"p{n:03d}", name=f"Participant {n}", role=rng.choice(m.ROLES))
                   for n in range(n_participants))
    bottlenecks = tuple(m.Bottleneck(key=f"b{n}", name=f"Bottleneck {n}", capacity=rng.randint(20, 60), unit="days")
                        for n in range(n_bottlenecks))
    items = []
    for n in range(n_initiatives):
        deps = tuple(sorted({f"i{rng.randrange(n):03d}" for _ in range(rng.randint(0, 2))})) if n > 10 else ()
        items.append(m.Initiative(
            key=f"i{n:03d}", title=f"Initiative {n}", description="Synthetic initiative for benchmarking.",
            portfolio=rng.choice(m.PORTFOLIOS), kind=rng.choice(m.KINDS), effort=Fraction(rng.randint(1, 5)),
            cost=Fraction(rng.randint(10, 500) * 1000), decided="mandated" if n in (3, 7) else None,
            depends_on=deps, demands={b.key: rng.randint(0, 4) for b in bottlenecks if rng.random() < 0.5},
        ))
    criteria = tuple(m.Criterion(key=f"c{n}", name=f"Criterion {n}", weight=Fraction(rng.randint(1, 5)),
                                 min=Fraction(1), max=Fraction(5)) for n in range(n_criteria))
    budget = min(20, max(1, n_initiatives // 3))
    dots = []
    for p in people:
        left = budget
        for item in rng.sample(items, k=min(len(items), budget)):
            if left <= 0:
                break
            give = min(left, rng.randint(1, 3))
            dots.append(m.Vote(participant=p.key, initiative=item.key, value=give, channel="facilitator"))
            left -= give
    matrix = [m.Vote(participant=p.key, initiative=i.key, criterion=c.key, value=Fraction(rng.randint(1, 5)),
                     channel="facilitator")
              for p in people for i in items for c in criteria]
    rounds = (
        m.Round(key="dots", method="dots", title="Dots", settings={"budget": budget, "max_per_initiative": 3},
                status="closed", votes=tuple(dots)),
        m.Round(key="matrix", method="matrix", title="Matrix", status="closed", votes=tuple(matrix)),
    )
    return m.Workshop(
        session=m.SessionInfo(title="Benchmark session", organisation="Bench NHS Trust", mission="Measure.",
                              horizon_years=3, bandwidth=8),
        participants=people, initiatives=tuple(items), bottlenecks=bottlenecks, criteria=criteria, rounds=rounds,
    )


def small_workshop(n: int) -> m.Workshop:
    rng = random.Random(n)
    return m.Workshop(
        session=m.SessionInfo(title=f"Quarterly review {n}", organisation=f"Trust {n % 7}", mission="Benchmark.",
                              horizon_years=3, bandwidth=4),
        participants=tuple(m.Participant(key=f"p{k}", name=f"Person {k}") for k in range(8)),
        initiatives=tuple(m.Initiative(key=f"i{k}", title=f"Initiative {k}", effort=Fraction(rng.randint(1, 5)))
                          for k in range(12)),
    )
