"""The engine's facade: one workshop in, results, plans and JSON out.

Everything the rest of the app needs from the methods goes through here:
``round_result``, ``latest_scored_round``, ``gate_failures``, ``plan``,
``triangulate``, ``discussion_queue``, ``compare_rounds`` and the two JSON
shapers. Ballots are the votes of one participant (named rounds) or of one
secret ballot id (anonymous rounds); participants who abstained are not
ballots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from operator import attrgetter
from typing import Mapping, Sequence

from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain.consensus import KendallW, Spread, is_contested, kendall_w, mid_ranks, spread
from workshop_tui.domain.memo import PictureMemo
from workshop_tui.domain import rules
from workshop_tui.domain.methods import dots as dots_m
from workshop_tui.domain.methods import gates as gates_m
from workshop_tui.domain.methods import matrix as matrix_m
from workshop_tui.domain.methods import moscow as moscow_m
from workshop_tui.domain.methods import ranked as ranked_m
from workshop_tui.domain.methods import value_effort as ve_m
from workshop_tui.domain.methods.problems import BallotProblem, SettingsError
from workshop_tui.domain.model import Round, Vote, Workshop
from workshop_tui.domain.numbers import to_json_number
from workshop_tui.domain.selection import (
    CapacityUse,
    Optimisation,
    Plan,
    PlanInputError,
    PlanItem,
    Ranked,
    Reason,
    make_plan,
)

__all__ = [
    "BallotProblem", "CapacityUse", "Optimisation", "Plan", "PlanInputError", "PlanItem", "RankMove",
    "RankedItem", "Reason", "RejectedBallot", "RoundPair", "RoundResult", "SettingsError", "Triangulation",
    "action_flags", "compare_rounds", "discussion_queue", "gate_failures", "latest_scored_round", "plan", "plan_to_json",
    "result_to_json", "round_result", "triangulate",
]

Number = Fraction | float | int


@dataclass(frozen=True)
class RankedItem:
    initiative: str
    rank: int
    tied: bool
    score: Number | None
    supporters: int | None
    spread: Spread | None
    contested: bool
    few_scores: bool
    detail: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RejectedBallot:
    ballot: str
    participant: str | None
    problems: tuple[BallotProblem, ...]


@dataclass(frozen=True)
class RoundResult:
    round: str
    method: str
    variant: str
    settings: Mapping[str, object]
    counted: int
    blank: int
    rejected: tuple[RejectedBallot, ...]
    ranking: tuple[RankedItem, ...]
    groups: tuple[tuple[str, ...], ...]
    agreement: Mapping[str, object] | None
    extras: Mapping[str, object]
    warnings: tuple[str, ...]

    def item(self, key: str) -> RankedItem | None:
        for r in self.ranking:
            if r.initiative == key:
                return r
        return None


# ----------------------------------------------------------------- ballots


@dataclass(frozen=True)
class _Ballot:
    id: str
    participant: str | None
    votes: tuple[Vote, ...]


_INITIATIVE = attrgetter("initiative")
_PARTICIPANT = attrgetter("participant")


def _ballots(workshop: Workshop, rnd: Round) -> tuple[list[_Ballot], list[RejectedBallot], list[str]]:
    """Group votes into ballots sorted by id; reject ones nobody can own."""
    abstained = set(rnd.abstained)
    known = {p.key for p in workshop.participants}
    grouped: dict[str, list[Vote]] = {}
    skipped = set()
    for v in rnd.votes:
        person = v.participant
        if abstained and person is not None and person in abstained:
            skipped.add(person)
            continue
        grouped.setdefault(v.ballot or person or "", []).append(v)  # Round.ballot_id, inlined: 120,000 votes
    warnings = []
    if skipped:
        warnings.append(f"votes from participants marked as abstaining were ignored: {', '.join(sorted(skipped))}")
    ballots, rejected = [], []
    for bid in sorted(grouped):
        mine = grouped[bid]
        # A vote that names nothing and carries nothing marks a blank ballot; only a vote
        # naming no initiative can be one (looked for in C: a ballot holds up to 2,000 votes).
        if None in map(_INITIATIVE, mine):
            votes = tuple(v for v in mine if not _is_blank_marker(v))
        else:
            votes = tuple(mine)
        people = set(map(_PARTICIPANT, mine))
        participant = None if rnd.anonymous or len(people) != 1 else next(iter(people))
        problems = []
        if bid == "":
            problems.append(BallotProblem("no_ballot", None, None, None, "votes with neither a participant nor a ballot id"))
        if not rnd.anonymous and participant is not None and known and participant not in known:
            problems.append(BallotProblem("unknown_participant", None, participant, None, f"{participant!r} is not a participant in this session"))
        if problems:
            rejected.append(RejectedBallot(bid, participant, tuple(problems)))
        else:
            ballots.append(_Ballot(bid, participant, votes))
    return ballots, rejected, warnings


def _plain(x: Fraction) -> Fraction | int:
    return x.numerator if x.denominator == 1 else x


def _is_blank_marker(v: Vote) -> bool:
    return v.initiative is None and v.criterion is None and v.value is None and v.effort is None and not v.ranking


def _agreement(k: KendallW) -> dict[str, object]:
    return {
        "kendall_w": k.w,
        "chi2": k.chi2,
        "df": k.df,
        "p_value": k.p_value,
        "raters": k.raters,
        "items": k.items,
        "excluded_raters": k.excluded_raters,
        "meaningful": k.meaningful,
        "indicative": k.indicative,
        "band": k.band,
    }


def _ranked_items(groups, ranks, score, *, supporters=None, spreads=None, scale=None, detail=None) -> tuple[RankedItem, ...]:
    out = []
    for g in groups:
        for k in g:
            s = spreads.get(k) if spreads else None
            out.append(RankedItem(
                k, ranks[k], len(g) > 1, score(k),
                supporters.get(k) if supporters is not None else None,
                s, is_contested(s, *scale) if s is not None and scale else False,
                s.few_scores if s is not None else False,
                detail(k) if detail else {},
            ))
    return tuple(out)


# ------------------------------------------------------------ round result


_RESULTS = PictureMemo(16)
_PLANS = PictureMemo(16)


def round_result(workshop: Workshop, round_key: str) -> RoundResult:
    """Compute one round's result with its effective settings and ballot counts.

    Raises ``KeyError`` for an unknown round and ``SettingsError`` for
    settings the method cannot use. The same round of the same picture is counted once
    (domain/memo.py): callers must not change the result they are given.
    """
    rnd = workshop.round(round_key)
    return _RESULTS.get(workshop, round_key, None, lambda: _round_result(workshop, rnd))


def _round_result(workshop: Workshop, rnd: Round) -> RoundResult:
    ballots, rejected, warnings = _ballots(workshop, rnd)
    items = sorted(i.key for i in workshop.initiatives)
    handler = _HANDLERS.get(rnd.method)
    if handler is None:
        raise SettingsError(f"unknown method {rnd.method!r}")
    return handler(workshop, rnd, items, ballots, rejected, warnings)


def _finish(rnd, variant, settings, counted, blank, rejected, ranking, groups, agreement, extras, warnings) -> RoundResult:
    if counted == 0:
        warnings.append("no counted ballots: nothing to rank yet")
    return RoundResult(rnd.key, rnd.method, variant, dict(sorted(settings.items())), counted, blank,
                       tuple(rejected), tuple(ranking), tuple(groups), agreement, extras, tuple(warnings))


def _dots(workshop, rnd, items, ballots, rejected, warnings):
    s = dots_m.dots_settings(len(items), rnd.settings)
    allocations, blank = [], 0
    raters = []
    ctx = rules.context_of(workshop, rnd)
    for b in ballots:
        verdict = rules.judge_ballot(s, ctx, b.votes)
        alloc = verdict.content
        if verdict.problems:
            rejected.append(RejectedBallot(b.id, b.participant, verdict.problems))
        elif verdict.blank:
            blank += 1
        else:
            allocations.append(alloc)
            raters.append({i: alloc.get(i, 0) for i in items})
    t = dots_m.tally(items, allocations, s)
    ranking, groups, agreement = (), (), None
    if allocations:
        spreads = {i: spread(t.per_ballot[i]) for i in items}
        ranking = _ranked_items(
            t.groups, t.ranks, lambda k: Fraction(t.dots[k]), supporters=t.supporters, spreads=spreads,
            scale=(0, s.max_per_initiative),
            detail=lambda k: {"dots": t.dots[k], "supporters": t.supporters[k], "share": t.shares[k], "cross_session": t.cross_session[k]},
        )
        groups = t.groups
        agreement = _agreement(kendall_w(raters, items))
    return _finish(rnd, dots_m.variant_name(s, len(items)), s.as_dict(), len(allocations), blank, rejected, ranking, groups, agreement, {}, warnings)


def _matrix(workshop, rnd, items, ballots, rejected, warnings):
    s = matrix_m.matrix_settings(rnd.settings)
    criteria = workshop.scored_criteria
    subs, blank = [], 0
    ctx = rules.context_of(workshop, rnd)
    # A cost score is inverted on its own scale (L + U − s); whole bounds stay ints for speed.
    flips = {c.key: _plain(c.min + c.max) for c in criteria if c.direction == "cost"}
    for b in ballots:
        verdict = rules.judge_ballot(s, ctx, b.votes)
        if verdict.problems:
            rejected.append(RejectedBallot(b.id, b.participant, verdict.problems))
        elif verdict.blank:
            blank += 1
        else:
            scores = verdict.content
            if flips:
                scores = {k: (flips[k[1]] - v if k[1] in flips else v) for k, v in scores.items()}
            subs.append(scores)
    out = matrix_m.evaluate(items, criteria, subs, s)
    warnings.extend(out.warnings)
    ranking, agreement = (), None
    if subs:
        spreads = {i: spread(out.scaled_totals[i], out.divisor) for i in out.scores}
        notes = _tie_notes(out.scores, out.ranks, out.tie_criterion, {c.key: c.name for c in criteria},
                           out.criterion_aggregates, _titles(workshop))
        ranking = _ranked_items(
            out.groups, out.ranks, lambda k: out.scores[k], spreads=spreads, scale=out.scale,
            detail=lambda k: {"n": out.n[k], "criteria": dict(out.criterion_aggregates[k]), "criterion_medians": dict(out.criterion_medians[k]),
                              **({"tie_note": notes[k]} if k in notes else {})},
        )
        # Totals × divisor rank exactly as the totals do, which is all W needs.
        agreement = _agreement(kendall_w(out.rater_totals, sorted(out.scores)))
    extras = {"unscored": out.unscored, "scale": out.scale, "tie_criterion": out.tie_criterion,
              "label": ("median of totals" if s.aggregate == "median" else s.aggregate) if s.order == "total_first" else f"total of per-criterion {s.aggregate}s"}
    return _finish(rnd, s.normalisation, s.as_dict(), len(subs), blank, rejected, ranking, out.groups if subs else (), agreement, extras, warnings)


def _tie_notes(scores, ranks, criterion, names, aggregates, titles) -> dict[str, str]:
    """Where the chain broke a tie on score, say so beside each rank it set (METHODS §0)."""
    notes: dict[str, str] = {}
    if criterion is None:
        return notes
    # Items level on score, found through one dictionary (equal numbers hash alike), not
    # by comparing every pair: 500 initiatives made that 250,000 Fraction comparisons.
    level_with: dict[object, list[str]] = {}
    for k in scores:
        level_with.setdefault(scores[k], []).append(k)
    for k in scores:
        peers = level_with[scores[k]]
        if len(peers) < 2:
            continue
        level = sorted(o for o in peers if o != k and ranks[o] != ranks[k])
        if not level:
            continue
        ahead = [titles.get(o, o) for o in level if ranks[k] < ranks[o]]
        behind = [titles.get(o, o) for o in level if ranks[k] > ranks[o]]
        name = names.get(criterion, criterion)
        parts = []
        if ahead:
            parts.append(f"level on score with {', '.join(ahead)}; ahead on {name} (the highest-weighted criterion)")
        if behind:
            parts.append(f"level on score with {', '.join(behind)}; behind on {name} (the highest-weighted criterion)")
        notes[k] = "; ".join(parts)
    return notes


def _ranking(workshop, rnd, items, ballots, rejected, warnings):
    s = rules.parse_settings("ranking", rnd.settings, len(items))
    rule, variant = s.rule, s.borda_variant
    ctx = rules.context_of(workshop, rnd)
    counted, blank = [], 0
    for b in ballots:
        verdict = rules.judge_ballot(s, ctx, b.votes)
        if verdict.problems:
            rejected.append(RejectedBallot(b.id, b.participant, verdict.problems))
        elif verdict.blank:
            blank += 1
        else:
            counted.append(verdict.content)
    settings = {"rule": rule, "borda_variant": variant}
    variant_name = f"borda_{variant}" if rule == "borda" else rule
    if not counted or not items:
        return _finish(rnd, variant_name, settings, len(counted), blank, rejected, (), (), None, {}, warnings)
    out = ranked_m.rank(items, counted, rule, variant)
    per_ballot = [ranked_m.positions(b, items, "averaged") for b in counted]
    spreads = {i: spread([p[i] for p in per_ballot]) for i in items}
    ranking = _ranked_items(
        out.groups, out.ranks, lambda k: out.scores[k], spreads=spreads, scale=(0, len(items) - 1),
        detail=lambda k: {"copeland": out.copeland[k]},
    )
    agreement = _agreement(kendall_w(per_ballot, items))
    agreement["condorcet"] = {"winner": out.condorcet.winner, "weak_winners": list(out.condorcet.weak_winners), "loser": out.condorcet.loser, "summary": out.condorcet.summary}
    extras = {"schulze_winners": out.schulze_winners, "tied_pairs": {f"{a}|{b}": v for (a, b), v in out.tied_pairs.items()}, "pairwise": out.pairwise, "candidates": tuple(items)}
    return _finish(rnd, variant_name, settings, len(counted), blank, rejected, ranking, out.groups, agreement, extras, warnings)


def _value_effort(workshop, rnd, items, ballots, rejected, warnings):
    s = ve_m.value_effort_settings(rnd.settings)
    subs, blank = [], 0
    ctx = rules.context_of(workshop, rnd)
    for b in ballots:
        verdict = rules.judge_ballot(s, ctx, b.votes)
        if verdict.problems:
            rejected.append(RejectedBallot(b.id, b.participant, verdict.problems))
        elif verdict.blank:
            blank += 1
        else:
            subs.append(verdict.content)
    out = ve_m.evaluate(items, subs, s)
    spreads = {i: spread(out.values[i]) for i in out.value}
    ranking = _ranked_items(
        out.groups, out.ranks, lambda k: out.value[k], spreads=spreads, scale=(s.value_min, s.value_max),
        detail=lambda k: {"value": out.value[k], "effort": out.effort[k], "quadrant": out.quadrants[k]},
    )
    extras = {"thresholds": {"value": out.t_value, "effort": out.t_effort}, "quadrants": {q: tuple(i for g in out.groups for i in g if out.quadrants[i] == q) for q in ve_m.QUADRANTS}, "unplaced": out.unplaced}
    raters = [{i: v for i, (v, _e) in sub.items() if v is not None} for sub in subs]
    agreement = _agreement(kendall_w(raters, sorted(out.value))) if subs else None
    return _finish(rnd, s.thresholds, s.as_dict(), len(subs), blank, rejected, ranking, out.groups, agreement, extras, warnings)


def _moscow(workshop, rnd, items, ballots, rejected, warnings):
    subs, blank = [], 0
    s = rules.parse_settings("moscow", rnd.settings, len(items))
    ctx = rules.context_of(workshop, rnd)
    for b in ballots:
        verdict = rules.judge_ballot(s, ctx, b.votes)
        if verdict.problems:
            rejected.append(RejectedBallot(b.id, b.participant, verdict.problems))
        elif verdict.blank:
            blank += 1
        else:
            subs.append(verdict.content)
    score_round = _latest(workshop, exclude=("moscow",))
    scores = {}
    if score_round is not None:
        scores = {r.initiative: r.score for r in round_result(workshop, score_round).ranking if r.score is not None}
    out = moscow_m.evaluate(items, subs, {i.key: i.effort for i in workshop.initiatives}, scores)
    warnings.extend(out.warnings)
    spreads = {i: spread(out.codes[i]) for i in out.category}
    ranking = _ranked_items(
        out.groups, out.ranks, lambda k: Fraction(moscow_m.CODES[out.category[k]]), spreads=spreads, scale=(1, 4),
        detail=lambda k: {"category": out.category[k], "leik": out.leik[k], "frequencies": out.frequencies[k]},
    )
    order = {k: n for n, k in enumerate(out.order)}
    ranking = tuple(sorted(ranking, key=lambda r: order[r.initiative]))
    extras = {"shares": out.shares, "effort": out.effort, "order": out.order, "score_round": score_round, "uncategorised": out.uncategorised}
    raters = [{i: moscow_m.CODES[c] for i, c in sub.items()} for sub in subs]
    agreement = _agreement(kendall_w(raters, sorted(out.category))) if subs else None
    return _finish(rnd, "lower_median", {}, len(subs), blank, rejected, ranking, out.groups, agreement, extras, warnings)


_HANDLERS = {"dots": _dots, "matrix": _matrix, "ranking": _ranking, "value_effort": _value_effort, "moscow": _moscow}


# --------------------------------------------------------- other questions


def _latest(workshop: Workshop, exclude: Sequence[str] = ()) -> str | None:
    """The last shown voting round with votes whose method is not in ``exclude`` (round policy)."""
    for rnd in reversed(round_policy.shown_rounds(workshop)):
        if rnd.method not in exclude and rnd.votes:
            return rnd.key
    return None


def latest_scored_round(workshop: Workshop) -> str | None:
    """The round the plan is made from by default: the round policy's plan round
    (the facilitator's pinned round, else the latest shown round with votes)."""
    return round_policy.plan_round(workshop)


def gate_failures(workshop: Workshop) -> dict[str, list[tuple[str, str]]]:
    """initiative → [(gate criterion, note)] for every gate it fails, in the gates' order.

    Per cell, the facilitator's own record (the ``gates`` sheet the TUI keeps)
    decides; otherwise any failing assessment on another sheet fails the gate.
    """
    marks = gates_m.gate_marks(workshop)
    out: dict[str, list[tuple[str, str]]] = {}
    for item in sorted(i.key for i in workshop.initiatives):
        failed = [(g.key, marks[(item, g.key)].note) for g in workshop.gates
                  if (item, g.key) in marks and not marks[(item, g.key)].passed]
        if failed:
            out[item] = failed
    return out


def plan(workshop: Workshop, round_key: str | None = None, overrides: bool = True, *, min_score: Number | None = None, wave_size: int | None = None, result: RoundResult | None = None) -> Plan:
    """The will-do / not-now / won't plan from a round's ranking (default: the latest scored round).

    ``result`` may pass that round's result when the caller has already
    computed it (it is used only if it is for the round the plan is from).
    """
    key = round_key if round_key is not None else latest_scored_round(workshop)
    if key is None or result is not None:
        return _plan(workshop, key, overrides, min_score, wave_size, result)
    workshop.round(key)  # an unknown round is a KeyError, as counting it would raise
    return _PLANS.get(workshop, key, (overrides, min_score, wave_size),
                      lambda: _plan(workshop, key, overrides, min_score, wave_size, None))


def _plan(workshop: Workshop, key: str | None, overrides: bool, min_score: Number | None, wave_size: int | None,
          result: RoundResult | None) -> Plan:
    ranking: list[Ranked] = []
    if key is not None:
        if result is None or result.round != key:
            result = round_result(workshop, key)
        ranking = [Ranked(r.initiative, r.rank, r.score, r.tied) for r in result.ranking if r.score is not None]
    winner = None
    tie_break = None
    if key is not None and result is not None:
        winner = ((result.agreement or {}).get("condorcet") or {}).get("winner")
        tie_break = workshop.round(key).settings.get("plan_tie_break")
    return make_plan(
        ranking, workshop.initiatives, workshop.bottlenecks, workshop.session.bandwidth, workshop.session.budget,
        gate_failures(workshop), workshop.decisions if overrides else (),
        round_key=key, gate_names={c.key: c.name for c in workshop.gates}, min_score=min_score, wave_size=wave_size,
        condorcet_winner=winner, tie_break=tie_break,
    )


@dataclass(frozen=True)
class RankMove:
    initiative: str
    rank_a: int | None
    rank_b: int | None
    change: int | None  # positive: moved up from a to b


def compare_rounds(workshop: Workshop, a: str, b: str) -> tuple[RankMove, ...]:
    """Rank change per initiative from round ``a`` to round ``b`` (ordered by b's rank, then id)."""
    ra = {r.initiative: r.rank for r in round_result(workshop, a).ranking}
    rb = {r.initiative: r.rank for r in round_result(workshop, b).ranking}
    keys = sorted(set(ra) | set(rb), key=lambda k: (rb.get(k, math.inf), k))
    return tuple(RankMove(k, ra.get(k), rb.get(k), ra[k] - rb[k] if k in ra and k in rb else None) for k in keys)


@dataclass(frozen=True)
class RoundPair:
    a: str
    b: str
    spearman_rho: float | None
    kendall_w: Fraction | None
    common: int


@dataclass(frozen=True)
class Triangulation:
    rounds: tuple[str, ...]
    pairs: tuple[RoundPair, ...]
    overall: KendallW | None
    plans: Mapping[str, tuple[str, ...]]  # round → will-do initiatives
    always_in: tuple[str, ...]
    sometimes_in: tuple[str, ...]  # in the plan under some rounds' rankings, not all
    never_in: tuple[str, ...]


def _spearman(xs: Sequence[Number], ys: Sequence[Number]) -> float | None:
    """Pearson correlation of mid-ranks (Spearman's rho with ties)."""
    if len(xs) < 2:
        return None
    rx, _ = mid_ranks(xs)
    ry, _ = mid_ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return None
    return float(sxy) / math.sqrt(sxx * syy)


def triangulate(workshop: Workshop, top: int | None = None) -> Triangulation:
    """Do the scored rounds agree? Pairwise rho and W, overall W, and the top group per round.

    The top group under a round is its plan's will-do list (without the facilitator's
    overrides: the question is what each ranking says), or, with ``top``, the initiatives
    ranked ``top`` or better (for a session whose bandwidth is not set yet).
    """
    keys = tuple(r.key for r in round_policy.shown_rounds(workshop) if r.votes)
    ranks = {k: {r.initiative: r.rank for r in round_result(workshop, k).ranking} for k in keys}
    pairs = []
    for n, a in enumerate(keys):
        for b in keys[n + 1:]:
            common = sorted(set(ranks[a]) & set(ranks[b]))
            # Ranks are "lower is better"; negate so W and rho read the same way round.
            xs, ys = [-ranks[a][i] for i in common], [-ranks[b][i] for i in common]
            w = kendall_w([dict(zip(common, xs)), dict(zip(common, ys))], common).w if len(common) >= 2 else None
            pairs.append(RoundPair(a, b, _spearman(xs, ys), w, len(common)))
    overall = None
    if len(keys) >= 2:
        common_all = sorted(set.intersection(*(set(ranks[k]) for k in keys)))
        overall = kendall_w([{i: -ranks[k][i] for i in common_all} for k in keys], common_all)
    plans = {}
    for k in keys:
        if top is not None:
            plans[k] = tuple(sorted(i for i, rank in ranks[k].items() if rank <= top))
            continue
        try:
            plans[k] = tuple(sorted(p.initiative for p in plan(workshop, k, overrides=False).will_do))
        except PlanInputError:
            plans[k] = ()
    every = sorted(i.key for i in workshop.initiatives)
    counts = {i: sum(i in p for p in plans.values()) for i in every}
    n = len(plans)
    return Triangulation(
        keys, tuple(pairs), overall, plans,
        tuple(i for i in every if n and counts[i] == n),
        tuple(i for i in every if 0 < counts[i] < n),
        tuple(i for i in every if counts[i] == 0),
    )


def discussion_queue(workshop: Workshop, round_key: str) -> list[RankedItem]:
    """Contested initiatives near the plan's cut line: closest first, then most contested, then id."""
    result = round_result(workshop, round_key)
    undecided: list[str] = []
    try:
        p = plan(workshop, round_key, result=result)
        cut = p.cut_line
        undecided = [i.initiative for i in p.undecided]
    except PlanInputError:
        cut = len(result.ranking)
    effort = {i.key: Fraction(i.effort or 0) for i in workshop.initiatives}
    order = sorted(result.ranking, key=lambda r: (r.rank, effort.get(r.initiative, 0), r.initiative))
    queue = []
    for n, r in enumerate(order):
        if r.initiative in undecided:
            # A tie across the cut line is the first thing to settle.
            queue.append((-1, 0, r.initiative, r))
            continue
        if not r.contested or r.spread is None:
            continue
        distance = cut - 1 - n if n < cut else n - cut  # 0 just above or just below the line
        queue.append((distance, -(r.spread.iqr or 0), r.initiative, r))
    return [q[-1] for q in sorted(queue, key=lambda q: q[:3])]


def action_flags(workshop: Workshop, p: Plan | None) -> list[tuple[str, str]]:
    """(action key, message) for actions that do not fit the plan or the calendar:
    on an initiative the plan does not do now or rules out, or due before the session."""
    titles = _titles(workshop)
    where: dict[str, str] = {}
    if p is not None and p.round is not None:
        # Not-scored initiatives are not a verdict of the plan, so they are not flagged.
        where.update({i.initiative: "not now" for i in p.not_now if any(r.code != "not_ranked" for r in i.reasons)})
        where.update({i.initiative: "won't do" for i in p.wont})
        where.update({i.initiative: "undecided (tied at the cut line)" for i in p.undecided})
    session_date = workshop.session.date
    out = []
    for a in workshop.actions:
        if a.initiative and a.initiative in where:
            out.append((a.key, f"{a.title}: its initiative, {titles.get(a.initiative, a.initiative)}, is {where[a.initiative]} in the plan"))
        if a.due is not None and session_date is not None and a.due < session_date:
            out.append((a.key, f"{a.title}: due {a.due.isoformat()}, before the session date {session_date.isoformat()}"))
    return out


# -------------------------------------------------------------------- JSON


def _json(x: object) -> object:
    if isinstance(x, Mapping):
        return {str(k): _json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json(v) for v in x]
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, (int, float, Fraction)):
        return to_json_number(x)
    return str(x)


def _titles(workshop: Workshop) -> dict[str, str]:
    return {i.key: i.title for i in workshop.initiatives}


def result_to_json(workshop: Workshop, result: RoundResult) -> dict:
    """The results export shape (numbers via ``to_json_number``, keys in a fixed order)."""
    titles = _titles(workshop)
    ranking = []
    for r in result.ranking:
        row: dict[str, object] = {"initiative": r.initiative, "title": titles.get(r.initiative, ""), "rank": r.rank, "tied": r.tied, "score": _json(r.score)}
        if r.supporters is not None:
            row["supporters"] = r.supporters
        if r.spread is not None:
            s = r.spread
            row["spread"] = {"n": s.n, "mean": _json(s.mean), "median": _json(s.median), "sd": _json(s.sd), "iqr": _json(s.iqr)}
        row["contested"] = r.contested
        row["few_scores"] = r.few_scores
        ranking.append(row)
    out: dict[str, object] = {
        "session": workshop.session.title,
        "round": result.round,
        "method": result.method,
        "variant": result.variant,
        "settings": _json(dict(sorted(result.settings.items()))),
        "ballots": {
            "counted": result.counted,
            "blank": result.blank,
            "rejected": [
                {"participant": rb.participant, "reasons": [{"rule": p.rule, "item": p.item, "value": _json(p.value), "limit": _json(p.limit), "message": p.message} for p in rb.problems]}
                for rb in result.rejected
            ],
        },
        "ranking": ranking,
    }
    if result.agreement is not None:
        out["agreement"] = _json(result.agreement)
    out["warnings"] = list(result.warnings)
    return out


def _reasons(rs: Sequence[Reason]) -> list[dict[str, str]]:
    return [{"code": r.code, "detail": r.detail} for r in rs]


def plan_to_json(workshop: Workshop, p: Plan) -> dict:
    """The plan export shape (numbers via ``to_json_number``, keys in a fixed order)."""
    titles = _titles(workshop)

    def row(i: PlanItem, with_wave: bool) -> dict:
        r: dict[str, object] = {"initiative": i.initiative, "title": titles.get(i.initiative, ""), "rank": i.rank, "tied": i.tied}
        if with_wave:
            r["wave"] = i.wave
            r["decided"] = i.decided
        r["reasons"] = _reasons(i.reasons)
        return r

    optimiser = None
    if p.optimiser is not None:
        o = p.optimiser
        optimiser = {
            "method": o.method,
            "will_do": list(o.chosen),
            "total": _json(o.total),
            "greedy_total": _json(o.greedy_total),
            "gain": _json(o.gain),
            "swap": {"out": list(o.swap_out), "in": list(o.swap_in)},
            "displaced": [{"initiative": d.initiative, "title": titles.get(d.initiative, ""), "reasons": _reasons(d.reasons)} for d in o.displaced],
            "value_shift": _json(o.value_shift),
        }
    bottlenecks = [{"key": c.key, "name": c.name, "capacity": _json(c.capacity), "used": _json(c.used), "unit": c.unit} for c in p.bottlenecks]
    if p.budget is not None:
        bottlenecks.append({"key": p.budget.key, "name": p.budget.name, "capacity": _json(p.budget.capacity), "used": _json(p.budget.used), "unit": p.budget.unit})
    return {
        "round": p.round,
        "bandwidth": p.bandwidth,
        "bottlenecks": bottlenecks,
        "will_do": [row(i, True) for i in p.will_do],
        "not_now": [row(i, False) for i in p.not_now],
        "wont": [row(i, False) for i in p.wont],
        "undecided": [row(i, False) for i in p.undecided],
        "slots_used": p.slots_used,
        "stretch_slots": p.stretch_slots,
        "overrides": [
            {"initiative": o.initiative, "title": titles.get(o.initiative, ""), "kind": o.kind, "round": o.round,
             "displaced": list(o.displaced), "made_room_for": list(o.made_room_for), "effect": o.text, "rationale": o.rationale}
            for o in p.overrides
        ],
        "first_ranked": list(p.first_ranked),
        "condorcet_winner": p.condorcet_winner,
        "tie_break": p.tie_break,
        "cut_line": p.cut_line,
        "optimiser": optimiser,
        "cycles": [list(c) for c in p.cycles],
        "warnings": list(p.warnings),
    }
