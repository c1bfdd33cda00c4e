"""Seeded synthetic sessions for the benchmarks: the same every run.

The databases are built once and cached in ``bench/.cache/`` (not committed), keyed
by this file's text and the schema head, so a second ``make bench`` skips the build:

- ``large``: 500 initiatives x 60 participants x 4 criteria, a closed dots round and a
  closed matrix round (120,000 matrix scores): the CLI, export and memory figures;
- ``grid``: 300 x 40 x 4, the same shape: the vote-latency grid;
- ``hundred``: 100 small sessions: start-up figures.

``python bench/build.py`` builds (or finds) them and prints their paths.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from workshop_tui.domain import model as m  # noqa: E402

CACHE = HERE / ".cache"
SHAPES = {"large": (500, 60), "grid": (300, 40)}


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


def _cache_key() -> str:
    from workshop_tui.storage import quick

    return hashlib.sha256(Path(__file__).read_bytes() + quick.SCHEMA_HEAD.encode()).hexdigest()[:12]


def _build(name: str, target: Path) -> None:
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    partial = target.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    db = open_database(f"sqlite:///{partial}")
    if name == "hundred":
        for n in range(100):
            sessions.import_workshop(db, small_workshop(n))
    else:
        n_initiatives, n_participants = SHAPES[name]
        sessions.import_workshop(db, large_workshop(n_initiatives, n_participants))
    db.dispose()
    partial.rename(target)  # only a complete build is ever found in the cache
    for leftover in partial.parent.glob(partial.name + "*"):  # the empty ballot box beside it
        leftover.unlink()


def cached(name: str) -> Path:
    """The cached database ``name`` (large, grid or hundred), built on first use.

    Treat it as read-only: ``copy_of`` gives a benchmark its own copy to write to."""
    CACHE.mkdir(exist_ok=True)
    target = CACHE / f"{name}-{_cache_key()}.db"
    if not target.exists():
        for old in CACHE.glob(f"{name}-*.db*"):
            old.unlink()
        _build(name, target)
    return target


def copy_of(name: str, folder: Path) -> Path:
    """A private copy of the cached database ``name`` in ``folder`` (its session ids are 1..n)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{name}.db"
    shutil.copyfile(cached(name), copy)
    return copy


if __name__ == "__main__":
    for shape in ("large", "grid", "hundred"):
        print(shape, cached(shape))
