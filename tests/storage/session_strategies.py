"""Hypothesis strategies for whole sessions, shared by the storage tests: ``workshops``
(every voting method, named and secret rounds, odd values) and ``rich_workshops`` (those,
plus what else a session holds: bottlenecks and demands, prerequisites, gate sheets,
decisions, actions and the session's own details)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from workshop_tui.domain import model as m

values = st.one_of(
    st.integers(-3, 12),
    st.fractions(min_value=-5, max_value=10, max_denominator=7),
    st.booleans(),
    st.sampled_from(["must", "should", "could", "wont", "5/2", "7", "  spaced  ", "ünïcode"]),
    st.none(),
)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=6)  # storage refuses NUL, rightly


@st.composite
def workshops(draw) -> m.Workshop:
    n_people = draw(st.integers(0, 4))
    n_items = draw(st.integers(1, 5))
    people = tuple(m.Participant(key=f"p{n}", name=f"P{n}") for n in range(n_people))
    items = tuple(m.Initiative(key=f"i{n}", title=f"I{n}", effort=draw(st.none() | st.fractions(0, 9, max_denominator=5)))
                  for n in range(n_items))
    criteria = tuple(m.Criterion(key=f"c{n}", name=f"C{n}") for n in range(draw(st.integers(0, 2))))
    rounds = []
    for r in range(draw(st.integers(0, 3))):
        method = draw(st.sampled_from(["dots", "matrix", "ranking", "value_effort", "moscow"]))
        anonymous = draw(st.booleans())
        voters = people if not anonymous else tuple(m.Participant(key=f"b{n}", name="") for n in range(3))
        votes, seen = [], set()
        for person in voters:
            for _ in range(draw(st.integers(0, 3))):
                initiative = draw(st.sampled_from(items)).key
                criterion = draw(st.sampled_from(criteria)).key if criteria and method == "matrix" else None
                if (person.key, initiative, criterion) in seen:
                    continue
                seen.add((person.key, initiative, criterion))
                ranking = None
                if method == "ranking":
                    keys = draw(st.permutations([i.key for i in items]))
                    ranking = tuple(keys[:1]) + (tuple(keys[1:3]),) if len(keys) > 2 else tuple(keys)
                    initiative = None
                    if any(v.ballot == person.key or v.participant == person.key for v in votes):
                        continue
                votes.append(m.Vote(
                    participant=None if anonymous else person.key,
                    ballot=f"ballot-{person.key}-{draw(st.integers(0, 999))}" if anonymous else None,
                    initiative=initiative, criterion=criterion,
                    value=None if method == "ranking" else draw(values),
                    effort=draw(st.none() | st.fractions(0, 9, max_denominator=4)) if method == "value_effort" else None,
                    ranking=ranking, channel=draw(st.sampled_from(["facilitator", "paper", "phone"])),
                    note=draw(texts)))
        voted = tuple(p.key for p in people[:draw(st.integers(0, len(people)))]) if anonymous else ()
        rounds.append(m.Round(key=f"r{r}", method=method, title=f"Round {r}", anonymous=anonymous,
                              status=draw(st.sampled_from(["open", "closed"])), votes=tuple(votes), voted=voted))
    return m.Workshop(session=m.SessionInfo(title="generated"), participants=people, initiatives=items,
                      criteria=criteria, rounds=tuple(rounds))


@st.composite
def rich_workshops(draw) -> m.Workshop:
    base = draw(workshops())
    items = base.initiatives
    bottlenecks = tuple(m.Bottleneck(key=f"b{n}", name=f"B{n}", capacity=draw(st.integers(0, 9)), unit="weeks")
                        for n in range(draw(st.integers(0, 2))))
    keys = [i.key for i in items]
    initiatives = tuple(
        m.Initiative(key=i.key, title=draw(texts) or i.title, effort=i.effort,
                     cost=draw(st.none() | st.fractions(0, 99, max_denominator=3)),
                     portfolio=draw(st.none() | st.sampled_from(["run", "grow"])),
                     depends_on=tuple(draw(st.sets(st.sampled_from(keys[:n]), max_size=2))) if n else (),
                     demands={b.key: draw(st.integers(0, 3)) for b in bottlenecks})
        for n, i in enumerate(items))
    gates = (m.Criterion(key="g0", name="Gate", kind="gate"),) if draw(st.booleans()) else ()
    criteria = base.criteria + gates
    sheets = ()
    if gates:
        sheets = (m.GateSheet(key="gates", title="Exemplar gates", status="open", position=len(base.rounds),
                              assessments=tuple(m.GateAssessment(initiative=i.key, criterion="g0",
                                                                 passed=draw(st.booleans()), note=draw(texts))
                                                for i in items[:draw(st.integers(0, len(items)))])),)
    when = st.none() | st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1),
                                    timezones=st.just(dt.timezone.utc))
    decisions = tuple(m.Decision(initiative=i.key, outcome=draw(st.sampled_from(["include", "exclude"])),
                                 rationale=draw(texts) or "why", round=draw(st.none() | st.just("r0")),
                                 decided_at=draw(when))
                      for i in items[:draw(st.integers(0, len(items)))])
    actions = tuple(m.Action(key=f"a{n}", initiative=draw(st.none() | st.sampled_from(keys)), title=f"Act {n}",
                             owner=draw(texts), due=draw(st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1))))
                    for n in range(draw(st.integers(0, 2))))
    info = m.SessionInfo(title=draw(texts) or "generated", organisation=draw(texts),
                         date=draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
                         horizon_years=draw(st.none() | st.integers(1, 5)), bandwidth=draw(st.none() | st.integers(0, 9)),
                         budget=draw(st.none() | st.fractions(0, 999, max_denominator=4)), stage="vote",
                         plan_round=draw(st.none() | st.sampled_from([r.key for r in base.rounds] or [None])))
    rounds = tuple(m.Round(**{**r.__dict__, "hidden": draw(st.booleans()),
                              "settings": draw(st.sampled_from([{}, {"budget": 3}, {"scale": "5/2", "cap": 2}]))})
                   for r in base.rounds)
    return m.Workshop(session=info, participants=base.participants, initiatives=initiatives, bottlenecks=bottlenecks,
                      criteria=criteria, rounds=rounds, decisions=decisions, actions=actions, gate_sheets=sheets)
