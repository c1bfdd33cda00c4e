"""The one place that says whether a vote, a ballot or a round is valid.

Every channel asks these functions and nothing else: the session-file
import, the facilitator's grid, the private ballot, paper cards, merging
site files and the count. So the same ballot gets the same verdict, in the
same words, wherever it arrives (METHODS.md §0: reject the whole ballot and
list all its reasons).

Messages name initiatives and criteria by their titles. A caller adds its
own place (who voted, the round, a JSON path or a spreadsheet row); each
problem carries ``entry`` (the position of the vote judged) and ``field``
so it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Mapping, Sequence

from workshop_tui.domain import model as m
from workshop_tui.domain.methods.problems import BallotProblem
from workshop_tui.domain.rules.settings import (
    DotsSettings,
    MatrixSettings,
    MoscowSettings,
    RankingSettings,
    Settings,
    ValueEffortSettings,
    parse_settings,
)

MOSCOW_WORDS = ("must", "should", "could", "wont")
_MOSCOW_ALIASES = {"m": "must", "s": "should", "c": "could", "w": "wont", "won't": "wont", "won’t": "wont",
                   "won t": "wont"}


@dataclass(frozen=True)
class Context:
    """What a round's votes are judged against: the session's names and criteria."""

    initiatives: Mapping[str, str]  # key -> title
    criteria: Mapping[str, m.Criterion] = field(default_factory=dict)  # scored criteria by key
    gates: Mapping[str, m.Criterion] = field(default_factory=dict)
    participants: Mapping[str, str] = field(default_factory=dict)  # key -> name
    round_title: str = ""

    def item(self, key: object) -> str:
        """An initiative as people know it: its title (the key if it has none)."""
        title = self.initiatives.get(key) if isinstance(key, str) else None
        return title or str(key)

    def person(self, key: str | None) -> str:
        return self.participants.get(key, key) if key else "the room"


def context_of(workshop: m.Workshop, rnd: m.Round | None = None) -> Context:
    return Context(
        initiatives={i.key: i.title for i in workshop.initiatives},
        criteria={c.key: c for c in workshop.criteria if c.kind == "score"},
        gates={c.key: c for c in workshop.criteria if c.kind == "gate"},
        participants={p.key: p.name for p in workshop.participants},
        round_title=(rnd.title or rnd.key) if rnd is not None else "",
    )


def settings_of(workshop: m.Workshop, rnd: m.Round) -> Settings:
    """The round's typed settings (SettingsError when they cannot be used)."""
    return parse_settings(rnd.method, rnd.settings, len(workshop.initiatives))


# -- verdicts ------------------------------------------------------------------

@dataclass(frozen=True)
class CellVerdict:
    """One typed entry: the value to store (None for a blank) or why not."""

    value: object
    problems: tuple[BallotProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BallotVerdict:
    """One ballot: every problem, whether it is blank, and what it says.

    ``content`` is the ballot as the count uses it: dots per initiative
    (dots), the raw score per (initiative, criterion) (matrix), groups best
    first (ranking), (value, effort) per initiative, a MoSCoW word per
    initiative, or (initiative, gate, passed, note) rows (gates).
    """

    problems: tuple[BallotProblem, ...]
    blank: bool
    content: object = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class JudgedBallot:
    id: str
    participant: str | None
    entries: tuple[int, ...]  # positions of this ballot's votes in the round
    verdict: BallotVerdict


# -- numbers and words -----------------------------------------------------------

def show(value: object) -> str:
    """A number as typed (6, 2.5, 1/3); anything else as its repr."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, Fraction, Decimal)):
        q = Fraction(value)
        if q.denominator == 1:
            return str(q.numerator)
        d = q.denominator
        for p in (2, 5):
            while d % p == 0:
                d //= p
        if d == 1:
            return format(Decimal(q.numerator) / Decimal(q.denominator), "f")
        return f"{q.numerator}/{q.denominator}"
    return repr(value) if isinstance(value, str) else str(value)


def number(value: object) -> Fraction | int | None:
    """An exact number, or None when the value is not one (true/false are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if type(value) is int:
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    if isinstance(value, float):
        return Fraction(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        try:
            q = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            return None
        return q.numerator if q.denominator == 1 else q
    return None


def moscow_word(value: object) -> str | None:
    """must/should/could/wont from any case, M/S/C/W or "won't"; None otherwise."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = _MOSCOW_ALIASES.get(word, word)
    return word if word in MOSCOW_WORDS else None


def _scale_problem(ctx: Context, item: str, label: str, value: Fraction | int, lo, hi, *, entry, field_name,
                   criterion=None) -> BallotProblem | None:
    if value < lo:
        return BallotProblem("out_of_range", item, value, (Fraction(lo), Fraction(hi)),
                             f"{ctx.item(item)}: {label} {show(value)} is below the scale's minimum {show(lo)}",
                             criterion, entry, field_name)
    if value > hi:
        return BallotProblem("out_of_range", item, value, (Fraction(lo), Fraction(hi)),
                             f"{ctx.item(item)}: {label} {show(value)} is above the scale's maximum {show(hi)}",
                             criterion, entry, field_name)
    return None


def _unknown_item(ctx: Context, item: object, value: object, entry: int | None) -> BallotProblem:
    return BallotProblem("unknown_item", item if isinstance(item, str) else None, value, None,
                         f"{item!r} is not an initiative in this session", None, entry, "initiative")


def _over_budget(spent: int, budget: int, entry: int | None) -> BallotProblem:
    return BallotProblem("over_budget", None, spent, budget,
                         f"{spent} dots placed but only {budget} allowed", None, entry, "value")


# -- one entry -------------------------------------------------------------------

def _dots_entry(s: DotsSettings, ctx: Context, item: str, value: object, entry: int | None) -> tuple[int, list[BallotProblem]]:
    if value is None:
        return 0, []
    n = number(value)
    if n is None or not (type(n) is int):
        return 0, [BallotProblem("not_integer", item, value, None,
                                 f"{ctx.item(item)}: dots are whole numbers, not {show(value)}", None, entry)]
    if n < 0:
        return 0, [BallotProblem("negative", item, n, 0, f"{ctx.item(item)}: dots cannot be negative ({n})",
                                 None, entry)]
    if n > s.max_per_initiative:
        return n, [BallotProblem("over_item_cap", item, n, s.max_per_initiative,
                                 f"{ctx.item(item)}: {n} dots is more than the {s.max_per_initiative} allowed "
                                 "on one initiative", None, entry)]
    return n, []


def _plain(x: Fraction) -> Fraction | int:
    q = Fraction(x)
    return q.numerator if q.denominator == 1 else q


def _bounds(ctx: Context) -> dict[str, tuple[Fraction | int, Fraction | int]]:
    # Whole bounds as ints: comparing ints is many times faster than Fractions (120,000 scores).
    return {k: (_plain(c.min), _plain(c.max)) for k, c in ctx.criteria.items()}


def _matrix_entry(ctx: Context, item: str, criterion: object, value: object,
                  entry: int | None, bounds: dict | None = None) -> tuple[Fraction | int | None, list[BallotProblem]]:
    if bounds is not None and criterion in bounds:
        # The common case first, cheaply: a whole score within the scale. Scores read back
        # from the database are Fractions; a whole one is compared (and kept) as an int.
        kind = type(value)
        whole = value if kind is int else value.numerator if kind is Fraction and value.denominator == 1 else None
        if whole is not None:
            lo, hi = bounds[criterion]  # type: ignore[index]
            if lo <= whole <= hi:
                return whole, []
    c = ctx.criteria.get(criterion) if isinstance(criterion, str) else None
    if c is None:
        what = "a gate, not a scored criterion" if criterion in ctx.gates else "not a scored criterion"
        return None, [BallotProblem("unknown_criterion", item, criterion, None,
                                    f"{ctx.item(item)}: {criterion!r} is {what}", None, entry, "criterion")]
    if value is None:
        return None, []
    n = number(value)
    if n is None:
        return None, [BallotProblem("not_a_number", item, value, None,
                                    f"{ctx.item(item)}: '{c.name}' score {show(value)} is not a number",
                                    c.key, entry)]
    problem = _scale_problem(ctx, item, f"'{c.name}' score", n, c.min, c.max, entry=entry, field_name="value",
                             criterion=c.key)
    return (None, [problem]) if problem else (n, [])


def _value_effort_entry(s: ValueEffortSettings, ctx: Context, item: str, axis: str, value: object,
                        entry: int | None) -> tuple[Fraction | int | None, list[BallotProblem]]:
    if value is None:
        return None, []
    n = number(value)
    if n is None:
        return None, [BallotProblem("not_a_number", item, value, None,
                                    f"{ctx.item(item)}: {axis} {show(value)} is not a number", None, entry, axis)]
    lo, hi = s.axis(axis)
    problem = _scale_problem(ctx, item, axis, n, lo, hi, entry=entry, field_name=axis)
    return (None, [problem]) if problem else (n, [])


def _moscow_entry(ctx: Context, item: str, value: object, entry: int | None) -> tuple[str | None, list[BallotProblem]]:
    if value is None:
        return None, []
    word = moscow_word(value)
    if word is None:
        return None, [BallotProblem("not_a_category", item, value, MOSCOW_WORDS,
                                    f"{ctx.item(item)}: {show(value)} is not must, should, could or won't",
                                    None, entry)]
    return word, []


# -- a cell, as typed live --------------------------------------------------------

def judge_cell(settings: Settings, ctx: Context, initiative: str, criterion: str | None, value: object, *,
               axis: str = "value", spent_elsewhere: int = 0) -> CellVerdict:
    """One typed entry, with the person's dots already placed elsewhere in the round.

    The problems are the ones ``judge_ballot`` would list for the ballot with
    this entry in it (same rule codes, same words).
    """
    if initiative not in ctx.initiatives:
        return CellVerdict(None, (_unknown_item(ctx, initiative, value, None),))
    if isinstance(settings, DotsSettings):
        n, problems = _dots_entry(settings, ctx, initiative, value, None)
        if not problems and spent_elsewhere + n > settings.budget:
            problems = [_over_budget(spent_elsewhere + n, settings.budget, None)]
        return CellVerdict(n if not problems else None, tuple(problems))
    if isinstance(settings, MatrixSettings):
        n, problems = _matrix_entry(ctx, initiative, criterion, value, None)
        return CellVerdict(n, tuple(problems))
    if isinstance(settings, ValueEffortSettings):
        n, problems = _value_effort_entry(settings, ctx, initiative, axis, value, None)
        return CellVerdict(n, tuple(problems))
    if isinstance(settings, RankingSettings):
        return CellVerdict(None, (BallotProblem("whole_ballot", initiative, value, None,
                                                "a ranking is entered as a whole ballot"),))
    if isinstance(settings, MoscowSettings):
        word, problems = _moscow_entry(ctx, initiative, value, None)
        return CellVerdict(word, tuple(problems))
    verdict = judge_ballot(settings, ctx, [m.Vote(initiative=initiative, criterion=criterion, value=value)])
    return CellVerdict(value if verdict.ok else None, verdict.problems)


# -- a whole ballot ----------------------------------------------------------------

def judge_ballot(settings: Settings, ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    """Every problem with one person's (or one secret ballot's) votes in a round."""
    if isinstance(settings, DotsSettings):
        return _judge_dots(settings, ctx, votes)
    if isinstance(settings, MatrixSettings):
        return _judge_matrix(ctx, votes)
    if isinstance(settings, RankingSettings):
        return _judge_ranking(ctx, votes)
    if isinstance(settings, ValueEffortSettings):
        return _judge_value_effort(settings, ctx, votes)
    if isinstance(settings, MoscowSettings):
        return _judge_moscow(ctx, votes)
    return _judge_gates(ctx, votes)


def _judge_dots(s: DotsSettings, ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    allocation: dict[str, int] = {}
    seen: set[str] = set()
    first_dot = None
    for n, v in enumerate(votes):
        item = v.initiative
        if item is None or item not in ctx.initiatives:
            problems.append(_unknown_item(ctx, item, v.value, n))
            continue
        if item in seen:
            problems.append(BallotProblem("duplicate_item", item, v.value, None,
                                          f"{ctx.item(item)} appears more than once on the ballot", None, n,
                                          "initiative"))
            continue
        seen.add(item)
        dots, more = _dots_entry(s, ctx, item, v.value, n)
        problems += more
        if dots > 0 and not more:
            allocation[item] = dots
            first_dot = n if first_dot is None else first_dot
        elif dots > 0:
            allocation[item] = dots  # over the cap: still counted towards the budget
    spent = sum(allocation.values())
    if spent > s.budget:
        problems.append(_over_budget(spent, s.budget, first_dot))
    elif s.must_spend_all and 0 < spent < s.budget:
        problems.append(BallotProblem("under_budget", None, spent, s.budget,
                                      f"only {spent} of the {s.budget} dots placed; all must be spent", None,
                                      first_dot))
    return BallotVerdict(tuple(problems), blank=not allocation, content=allocation)


def _judge_matrix(ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    scores: dict[tuple[str, str], Fraction | int] = {}
    # The (initiative, criterion) pairs already on the ballot are those in ``scores`` and
    # those in ``others`` (left without a score: blank, or with a problem).
    others: set[tuple[str, str]] = set()
    bounds = _bounds(ctx)
    initiatives = ctx.initiatives
    for n, v in enumerate(votes):
        item, criterion = v.initiative, v.criterion
        key = (item, criterion)
        # The common case first, inline (a ballot can hold 2,000 scores, a round 120,000): a
        # known initiative, a scored criterion not yet scored on this ballot, a whole score
        # within its scale. It does what the general path below does for such a score.
        span = bounds.get(criterion) if type(criterion) is str else None
        if span is not None and item in initiatives and key not in scores and key not in others:
            value = v.value
            kind = type(value)
            whole = value if kind is int else value.numerator if kind is Fraction and value.denominator == 1 else None
            if whole is not None and span[0] <= whole <= span[1]:
                scores[key] = whole
                continue
        if item is None or item not in initiatives:
            problems.append(_unknown_item(ctx, item, v.value, n))
            continue
        if (key in scores or key in others) and v.criterion in ctx.criteria:
            problems.append(BallotProblem("duplicate_score", item, v.value, None,
                                          f"{ctx.item(item)} is scored more than once on "
                                          f"'{ctx.criteria[v.criterion].name}'", v.criterion, n, "criterion"))
            continue
        score, more = _matrix_entry(ctx, item, v.criterion, v.value, n, bounds)
        problems += more
        if score is not None:
            scores[key] = score  # type: ignore[index]
        else:
            others.add(key)  # type: ignore[arg-type]
    return BallotVerdict(tuple(problems), blank=not scores, content=scores)


def _judge_ranking(ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    rankings = [(n, v) for n, v in enumerate(votes) if v.ranking]
    if len(rankings) > 1:
        problems.append(BallotProblem("multiple_rankings", None, len(rankings), 1,
                                      "more than one ranking on one ballot", None, rankings[1][0], "ranking"))
    for n, v in enumerate(votes):
        if not v.ranking and (v.initiative is not None or v.value is not None):
            problems.append(BallotProblem("not_a_ranking", v.initiative, v.value, None,
                                          "a ranking round takes whole rankings, not single scores", None, n,
                                          "ranking"))
    if not rankings:
        return BallotVerdict(tuple(problems), blank=True, content=None)
    entry, vote = rankings[0]
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for position, place in enumerate(vote.ranking or (), start=1):
        members = (place,) if isinstance(place, str) else tuple(place) if isinstance(place, (tuple, list)) else None
        if members is None or not all(isinstance(x, str) for x in members):
            problems.append(BallotProblem("bad_entry", None, place, None,
                                          f"position {position} is not an initiative or a group of initiatives",
                                          None, entry, "ranking"))
            continue
        if not members:
            problems.append(BallotProblem("empty_group", None, position, None, f"position {position} is an empty group",
                                          None, entry, "ranking"))
            continue
        for c in members:
            if c not in ctx.initiatives:
                problems.append(BallotProblem("unknown_item", c, c, None, f"{c!r} is not an initiative in this session",
                                              None, entry, "ranking"))
            elif c in seen:
                problems.append(BallotProblem("duplicate_item", c, c, None, f"{ctx.item(c)} is ranked more than once",
                                              None, entry, "ranking"))
            seen.add(c)
        groups.append(members)
    return BallotVerdict(tuple(problems), blank=not groups, content=tuple(groups) if groups else None)


def _judge_value_effort(s: ValueEffortSettings, ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    out: dict[str, tuple[Fraction | None, Fraction | None]] = {}
    for n, v in enumerate(votes):
        item = v.initiative
        if item is None or item not in ctx.initiatives:
            problems.append(_unknown_item(ctx, item, v.value, n))
            continue
        if item in out:
            problems.append(BallotProblem("duplicate_item", item, v.value, None,
                                          f"{ctx.item(item)} is scored more than once", None, n, "initiative"))
            continue
        value, p1 = _value_effort_entry(s, ctx, item, "value", v.value, n)
        effort, p2 = _value_effort_entry(s, ctx, item, "effort", v.effort, n)
        problems += p1 + p2
        out[item] = (None if value is None else Fraction(value), None if effort is None else Fraction(effort))
    blank = not any(a is not None or b is not None for a, b in out.values())
    return BallotVerdict(tuple(problems), blank=blank, content=out)


def _judge_moscow(ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    out: dict[str, str] = {}
    seen: set[str] = set()
    for n, v in enumerate(votes):
        item = v.initiative
        if item is None or item not in ctx.initiatives:
            problems.append(_unknown_item(ctx, item, v.value, n))
            continue
        if item in seen:
            problems.append(BallotProblem("duplicate_item", item, v.value, None,
                                          f"{ctx.item(item)} is categorised more than once", None, n, "initiative"))
            continue
        seen.add(item)
        word, more = _moscow_entry(ctx, item, v.value, n)
        problems += more
        if word is not None:
            out[item] = word
    return BallotVerdict(tuple(problems), blank=not out, content=out)


def _judge_gates(ctx: Context, votes: Sequence[m.Vote]) -> BallotVerdict:
    problems: list[BallotProblem] = []
    rows = []
    seen: set[tuple[str, str]] = set()
    for n, v in enumerate(votes):
        item, crit = v.initiative, v.criterion
        if item is None or item not in ctx.initiatives:
            problems.append(_unknown_item(ctx, item, v.value, n))
            continue
        if crit is None or crit not in ctx.gates:
            problems.append(BallotProblem("unknown_gate", item, crit, None, f"{ctx.item(item)}: {crit!r} is not a gate",
                                          None, n, "criterion"))
            continue
        if (item, crit) in seen:
            problems.append(BallotProblem("duplicate_assessment", item, v.value, None,
                                          f"{ctx.item(item)} is assessed more than once on '{ctx.gates[crit].name}'",
                                          crit, n, "criterion"))
            continue
        seen.add((item, crit))
        if v.value is not None and not isinstance(v.value, bool):
            problems.append(BallotProblem("not_pass_fail", item, v.value, None,
                                          f"{ctx.item(item)}: the gate '{ctx.gates[crit].name}' is passed or failed, "
                                          f"not {show(v.value)}", crit, n))
            continue
        rows.append((item, crit, v.value, v.note))
    return BallotVerdict(tuple(problems), blank=all(r[2] is None for r in rows), content=rows)


# -- a whole round -----------------------------------------------------------------

def ballot_id(vote: m.Vote) -> str:
    """The ballot a vote belongs to: its secret ballot id, else its participant."""
    return vote.ballot or vote.participant or ""


def judge_round(settings: Settings, ctx: Context, votes: Sequence[m.Vote], *,
                skip: Callable[[m.Vote], bool] | None = None) -> list[JudgedBallot]:
    """Group a round's votes into ballots (in ballot-id order) and judge each.

    ``skip`` leaves votes out (e.g. blank markers, or votes of people marked
    as abstaining); the positions in ``entries`` stay those of ``votes``.
    """
    grouped: dict[str, list[int]] = {}
    for n, v in enumerate(votes):
        if skip is not None and skip(v):
            continue
        grouped.setdefault(ballot_id(v), []).append(n)
    out = []
    for bid in sorted(grouped):
        positions = grouped[bid]
        mine = [votes[n] for n in positions]
        people = {v.participant for v in mine}
        participant = next(iter(people)) if len(people) == 1 else None
        verdict = judge_ballot(settings, ctx, mine)
        out.append(JudgedBallot(bid, participant, tuple(positions), verdict))
    return out
