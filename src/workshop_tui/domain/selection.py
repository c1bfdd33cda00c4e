"""The plan: what we will do, what not now, what not at all, and why (METHODS.md §7).

The plan shown is the greedy walk in the round's rank order with
prerequisite closure, because a room can follow and check it line by line.
An exact optimiser runs beside it and is reported only when it finds a
higher total score.

Decisions where METHODS is silent (†):
- Decided initiatives are pre-committed in rank order (unranked ones after,
  by id), then facilitator "include" overrides; both pull in their
  prerequisites even past a gate failure or an exclude override, with a
  warning, because a decision already made is never dropped silently. A
  dependency cycle cannot be satisfied, so it wins, also with a warning.
- The latest decision recorded for an initiative is the one that applies.
- Items not ranked in the round, or below ``min_score``, are only chosen as
  prerequisites of chosen ones; the optimiser values them at 0.
- A missing effort counts as 0 for ordering; a missing cost counts as 0
  against the budget, with a warning naming the initiatives.
- Waves start decided initiatives first, then by score, then id.
- The optimiser breaks ties by Σv, then lowest Σeffort, then fewest
  initiatives, then the lexicographically smallest id list (exact in the
  branch-and-bound; the MILP path approximates the last rule by preferring
  earlier ids). Scores are shifted up if any is negative (Copeland), since a
  negative value would make "do nothing" look better than doing.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.graph import closure, cycle_path, kahn_order, tarjan_cycles
from workshop_tui.domain.model import DECIDED_LABELS, OVERRIDE_KIND_OUTCOME, Bottleneck, Decision, Initiative
from workshop_tui.domain.numbers import display, grouped
from workshop_tui.domain.wording import plural, unit_for

Number = Fraction | float | int
# Seconds per MILP solve: big multi-resource plans are hard to prove optimal,
# and the room should not wait; a time-limited answer is labelled as such.
OPTIMISER_TIME_LIMIT = 0.4
EXACT_SOLVER_MISSING = "HiGHS (the highspy package) is not installed; reinstall workshop-tui (make run)"

WILL_DO_CODES = ("pre_committed", "priority", "prerequisite_of", "override", "override_stretch", "tie_break")
NOT_NOW_CODES = ("over_bandwidth", "bottleneck", "over_budget", "displaced", "below_threshold", "not_ranked")
WONT_CODES = ("failed_gate", "dependency_cycle", "depends_on_cycle", "override", "prerequisite_not_chosen")
UNDECIDED_CODES = ("tied_at_cut",)
# Declared tie-breaks a facilitator may choose for a round's plan (named beside every tie they break).
TIE_BREAKS = {"lower_effort": "less effort first, then the initiative's id"}


class PlanInputError(ValueError):
    """The plan cannot be made from these inputs (e.g. an unknown prerequisite)."""


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str


@dataclass(frozen=True)
class PlanItem:
    initiative: str
    rank: int | None
    score: Number | None
    wave: int | None
    decided: str | None
    reasons: tuple[Reason, ...]
    tied: bool = False  # shares its rank with another initiative ("=3")


@dataclass(frozen=True)
class OverrideEffect:
    """What one facilitator decision did to the plan, against the plan without it."""

    initiative: str
    kind: str  # one of model.OVERRIDE_KINDS
    rationale: str
    round: str | None
    displaced: tuple[str, ...]  # pushed out of "will do" by this decision
    made_room_for: tuple[str, ...]  # came into "will do" because of this decision (other than itself)
    text: str  # e.g. "Voice, above the bandwidth by decision of the facilitator; displaced nothing"


@dataclass(frozen=True)
class CapacityUse:
    key: str
    name: str
    capacity: Number | None
    used: Number
    unit: str


@dataclass(frozen=True)
class Optimisation:
    """The exact optimum beside the greedy plan (values as used by the optimiser)."""

    method: str  # "milp", "milp_time_limited" (best found, not proven), "branch_and_bound" or "branch_and_bound_fallback"
    chosen: tuple[str, ...]
    total: Number
    greedy_total: Number
    gain: Number
    swap_out: tuple[str, ...]
    swap_in: tuple[str, ...]
    displaced: tuple[PlanItem, ...]
    value_shift: Number


@dataclass(frozen=True)
class Plan:
    round: str | None
    bandwidth: int | None
    slots_used: int
    bottlenecks: tuple[CapacityUse, ...]
    budget: CapacityUse | None
    will_do: tuple[PlanItem, ...]
    not_now: tuple[PlanItem, ...]
    wont: tuple[PlanItem, ...]
    cut_line: int
    optimiser: Optimisation | None
    cycles: tuple[tuple[str, ...], ...]
    warnings: tuple[str, ...]
    undecided: tuple[PlanItem, ...] = ()  # tied across the cut line: the facilitator decides
    overrides: tuple[OverrideEffect, ...] = ()
    stretch_slots: int = 0  # slots above the bandwidth taken by "include above the bandwidth"
    first_ranked: tuple[str, ...] = ()
    condorcet_winner: str | None = None
    tie_break: str | None = None  # the declared tie-break used for this plan's round, if any


@dataclass(frozen=True)
class Ranked:
    """One initiative's place in the round's result, as the plan consumes it."""

    initiative: str
    rank: int
    score: Number
    tied: bool = False


def _name(by_key: Mapping[str, Initiative], key: str) -> str:
    item = by_key.get(key)
    return item.title if item is not None and item.title else key


def _names(by_key: Mapping[str, Initiative], keys: Sequence[str]) -> str:
    return ", ".join(_name(by_key, k) for k in keys)


def _qty(x: Number, unit: str = "") -> str:
    return f"{display(x)} {unit_for(x, unit)}".strip()


class _Ledger:
    """Capacity in use: slots, budget and each bottleneck, in declared order."""

    def __init__(self, by_key, bottlenecks, bandwidth, budget):
        self.by_key = by_key
        self.bottlenecks = tuple(bottlenecks)
        self.bandwidth = bandwidth
        self.budget = None if budget is None else Fraction(budget)
        self.slots = 0
        self.stretch = 0  # slots granted above the bandwidth by "include above the bandwidth"
        self.cost = Fraction(0)
        self.use = {b.key: 0 for b in self.bottlenecks}

    def copy(self) -> "_Ledger":
        other = _Ledger(self.by_key, self.bottlenecks, self.bandwidth, self.budget)
        other.slots, other.stretch, other.cost, other.use = self.slots, self.stretch, self.cost, dict(self.use)
        return other

    @property
    def slot_limit(self) -> int | None:
        return None if self.bandwidth is None else self.bandwidth + self.stretch

    def cost_of(self, keys) -> Fraction:
        return sum((Fraction(self.by_key[k].cost or 0) for k in keys), Fraction(0))

    def demand_of(self, keys, b: Bottleneck) -> int:
        return sum(int(self.by_key[k].demands.get(b.key, 0)) for k in keys)

    def add(self, keys) -> None:
        self.slots += len(keys)
        self.cost += self.cost_of(keys)
        for b in self.bottlenecks:
            self.use[b.key] += self.demand_of(keys, b)

    def take_away(self, keys) -> None:
        """Undo ``add(keys)`` for keys that were added."""
        self.slots -= len(keys)
        self.cost -= self.cost_of(keys)
        for b in self.bottlenecks:
            self.use[b.key] -= self.demand_of(keys, b)

    def shortfalls(self, item: str, need: Sequence[str]) -> list[Reason]:
        """Every constraint ``need`` would break: budget, then count, then bottlenecks."""
        extra = [k for k in need if k != item]
        incl = f" (including prerequisites {_names(self.by_key, extra)})" if extra else ""
        out = []
        if self.budget is not None:
            cost, left = self.cost_of(need), self.budget - self.cost
            if cost > 0 and cost > left:  # nothing asked of a resource cannot exceed it
                out.append(Reason("over_budget", f"Not selected: needs {grouped(cost)} of the budget{incl} but only {grouped(max(left, 0))} of {grouped(self.budget)} is left"))
        if self.slot_limit is not None and self.slots + len(need) > self.slot_limit:
            left = max(self.slot_limit - self.slots, 0)
            out.append(Reason("over_bandwidth", f"Not selected: would exceed the bandwidth of {plural(self.bandwidth, 'initiative')} at once (needs {plural(len(need), 'slot')}{incl}, {left} left)"))
        for b in self.bottlenecks:
            demand, left = self.demand_of(need, b), b.capacity - self.use[b.key]
            if demand > 0 and demand > left:
                out.append(Reason("bottleneck", f"{b.name} exhausted: needs {_qty(demand, b.unit)}{incl}, {display(max(left, 0))} of {display(b.capacity)} left"))
        return out

    def overcommitment(self) -> list[str]:
        out = []
        if self.slot_limit is not None and self.slots > self.slot_limit:
            out.append(f"{plural(self.slots, 'initiative')} at once against a bandwidth of {self.bandwidth}")
        if self.budget is not None and self.cost > self.budget:
            out.append(f"{grouped(self.cost)} of a budget of {grouped(self.budget)}")
        for b in self.bottlenecks:
            if self.use[b.key] > b.capacity:
                out.append(f"{_qty(self.use[b.key], b.unit)} of {b.name} against a capacity of {display(b.capacity)}")
        return out


def make_plan(
    ranking: Sequence[Ranked],
    initiatives: Sequence[Initiative],
    bottlenecks: Sequence[Bottleneck] = (),
    bandwidth: int | None = None,
    budget: Number | None = None,
    gate_failures: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    decisions: Sequence[Decision] = (),
    *,
    round_key: str | None = None,
    gate_names: Mapping[str, str] | None = None,
    min_score: Number | None = None,
    wave_size: int | None = None,
    optimise_plan: bool = True,
    condorcet_winner: str | None = None,
    tie_break: str | None = None,
    explain_overrides: bool = True,
) -> Plan:
    """Fit the ranked initiatives to bandwidth, budget and bottlenecks.

    ``ranking`` is the round's result in rank order. Initiatives that share a
    rank are walked as one group: if they all fit they are all chosen; if
    some but not all fit (a tie across the cut line) they are *undecided*
    unless ``tie_break`` names a declared tie-break (``TIE_BREAKS``), which
    is then named beside each tie it breaks. Raises ``PlanInputError`` for a
    prerequisite that names no initiative (§7 pre-check 1).
    """
    by_key = {i.key: i for i in initiatives}
    prereqs = {k: tuple(dict.fromkeys(i.depends_on)) for k, i in by_key.items()}
    unknown = sorted((k, p) for k, ps in prereqs.items() for p in ps if p not in by_key)
    if unknown:
        raise PlanInputError("unknown prerequisite: " + "; ".join(f"{k} depends on {p!r}, which is not an initiative" for k, p in unknown))
    if tie_break is not None and tie_break not in TIE_BREAKS:
        raise PlanInputError(f"unknown tie-break {tie_break!r} (known: {', '.join(TIE_BREAKS)})")
    gate_failures = gate_failures or {}
    gate_names = gate_names or {}
    warnings: list[str] = []
    effort = {k: Fraction(i.effort or 0) for k, i in by_key.items()}
    scored = {r.initiative: r for r in ranking if r.initiative in by_key}
    order = sorted(scored.values(), key=lambda r: (r.rank, effort[r.initiative], r.initiative))
    tied_with: dict[int, list[str]] = {}
    for r in order:
        tied_with.setdefault(r.rank, []).append(r.initiative)

    # -- pre-checks: cycles, and what depends on them
    _, leftover = kahn_order(prereqs)
    cycles = tarjan_cycles(prereqs)
    reasons: dict[str, list[Reason]] = {}
    wont: set[str] = set()
    in_cycle: dict[str, tuple[str, ...]] = {m: c for c in cycles for m in c}
    for c in cycles:
        path = " -> ".join(_name(by_key, k) for k in cycle_path(c, prereqs))
        for m in c:
            reasons.setdefault(m, []).append(Reason("dependency_cycle", f"Left out: part of a dependency cycle ({path}); fix the dependencies to include it"))
            wont.add(m)
    for k in leftover:
        if k not in in_cycle:
            blockers = sorted(p for p in closure(k, prereqs) if p in in_cycle)
            reasons.setdefault(k, []).append(Reason("depends_on_cycle", f"Left out: depends on {_names(by_key, blockers)}, caught in a dependency cycle"))
            wont.add(k)

    # -- gates and facilitator decisions (the latest per initiative applies)
    gated: set[str] = set()
    for k, fails in sorted(gate_failures.items()):
        if k not in by_key:
            continue
        for crit, note in fails:
            label = gate_names.get(crit, crit)
            why = f": {note}" if note else ""
            reasons.setdefault(k, []).append(Reason("failed_gate", f"Ruled out: failed the gate '{label}'{why}"))
        gated.add(k)
    latest: dict[str, Decision] = {}
    for d in decisions:
        if d.initiative not in by_key:
            warnings.append(f"a decision names {d.initiative!r}, which is not an initiative; ignored")
        elif d.outcome not in ("include", "exclude"):
            warnings.append(f"decision on {d.initiative} has outcome {d.outcome!r} (not include/exclude); ignored")
        elif d.effective_kind not in OVERRIDE_KIND_OUTCOME or OVERRIDE_KIND_OUTCOME[d.effective_kind] != d.outcome:
            warnings.append(f"decision on {d.initiative} has kind {d.kind!r}, which does not fit outcome {d.outcome!r}; ignored")
        else:
            latest.pop(d.initiative, None)  # re-inserted last: the order decisions were taken
            latest[d.initiative] = d
    excluded_by_override = {k for k, d in latest.items() if d.outcome == "exclude"}
    included_by_override = [k for k, d in latest.items() if d.outcome == "include"]
    for k in sorted(excluded_by_override):
        reasons.setdefault(k, []).append(Reason("override", f"Ruled out by decision of the facilitator: {latest[k].rationale}"))
    blocked = wont | gated | excluded_by_override  # may not be chosen by the arithmetic

    # -- pre-commit decisions already made, then include-overrides
    ledger = _Ledger(by_key, bottlenecks, bandwidth, budget)
    selected: dict[str, list[Reason]] = {}
    rank_pos = {r.initiative: n for n, r in enumerate(order)}

    def force(key: str, reason: Reason, why: str, stretch: bool = False) -> None:
        if key in wont:
            warnings.append(f"{_name(by_key, key)} is {why} but is caught in a dependency cycle; it cannot be planned until the dependencies are fixed")
            return
        if key in excluded_by_override and why == "a decision already made":
            # The facilitator's explicit exclusion stands, but say so.
            warnings.append(f"{_name(by_key, key)} is a decision already made but the facilitator excluded it")
            return
        if key in gated:
            warnings.append(f"{_name(by_key, key)} failed a gate but is {why}; it is kept in the plan")
        need = sorted((closure(key, prereqs) | {key}) - set(selected))
        for p in need:
            if p != key and p in blocked:
                warnings.append(f"{_name(by_key, p)} is ruled out but {_name(by_key, key)} ({why}) needs it first; it is kept in the plan")
        if stretch:
            ledger.stretch += len(need)
        ledger.add(need)
        for p in need:
            if p != key:
                selected[p] = [Reason("prerequisite_of", f"Selected: needed first by {_name(by_key, key)} ({why})")]
        selected[key] = [reason]

    def override_reason(d: Decision) -> Reason:
        if d.effective_kind == "stretch":
            return Reason("override_stretch", f"Above the bandwidth by decision of the facilitator (one slot more): {d.rationale}")
        return Reason("override", f"Included within the bandwidth by decision of the facilitator: {d.rationale}")

    decided = sorted((k for k, i in by_key.items() if i.decided), key=lambda k: (rank_pos.get(k, len(order)), k))
    for k in decided:
        if k not in selected:
            label = DECIDED_LABELS.get(by_key[k].decided or "", by_key[k].decided)
            force(k, Reason("pre_committed", f"Decision already made: {label}"), "a decision already made")
    for k in sorted(included_by_override, key=lambda k: (rank_pos.get(k, len(order)), k)):
        d = latest[k]
        if k in selected:
            selected[k] = [override_reason(d)]
        else:
            stretch = d.effective_kind == "stretch"
            force(k, override_reason(d), "above the bandwidth by decision of the facilitator" if stretch else "included by the facilitator", stretch=stretch)
    over = ledger.overcommitment()
    if over:
        warnings.append("Over-committed before choosing anything: decisions already made need " + "; ".join(over))
    forced = set(selected)

    # -- the greedy walk in rank order, one rank (tie group) at a time
    walk_reasons: dict[str, list[Reason]] = {}
    undecided: dict[str, list[Reason]] = {}
    held: set[str] = set()  # needs of undecided ties, counted as taken so nothing below takes their room

    def view() -> _Ledger:
        if not held:
            return ledger
        shadow = ledger.copy()
        shadow.add(sorted(held - set(selected)))
        return shadow

    def need_of(k: str) -> list[str]:
        return sorted((closure(k, prereqs) | {k}) - set(selected))

    def take(k: str, reason: Reason) -> None:
        need = need_of(k)
        ledger.add(need)
        for p in need:
            if p != k:
                selected[p] = [Reason("prerequisite_of", f"Selected: needed first by {_name(by_key, k)}")]
                walk_reasons.pop(p, None)
        selected[k] = [reason]

    for rank in sorted(tied_with):
        candidates = []
        for k in tied_with[rank]:
            r = scored[k]
            if k in selected or k in blocked:
                continue
            if min_score is not None and r.score < min_score:
                walk_reasons[k] = [Reason("below_threshold", f"Not selected: score {display(r.score)} is below the minimum of {display(min_score)}")]
                continue
            stopped = [p for p in need_of(k) if p in blocked]
            if stopped:
                walk_reasons[k] = [Reason("prerequisite_not_chosen", f"Not possible: needs {_name(by_key, p)} first, which is ruled out") for p in stopped]
                continue
            candidates.append(k)
        if not candidates:
            continue
        now = view()  # one ledger for the whole tie group: nothing is taken while it is judged
        shortfalls = {k: now.shortfalls(k, need_of(k)) for k in candidates}
        fitting = [k for k in candidates if not shortfalls[k]]
        for k in candidates:
            if shortfalls[k]:
                walk_reasons[k] = shortfalls[k]
        if not fitting:
            continue
        # Members that fit whichever way the tie goes (even after all the others) are chosen;
        # repeat, since choosing them can settle the rest either way.
        while fitting:
            union = sorted(set().union(*(need_of(k) for k in fitting)))
            if not view().shortfalls(fitting[0], union):
                break
            safe = _fits_after_each(view(), fitting, {k: need_of(k) for k in fitting})
            if not safe:
                break
            for k in safe:
                if k not in selected:
                    take(k, Reason("priority", "Selected: priority order (fits whichever way the tie is settled)"))
            rest = [k for k in fitting if k not in selected]
            now = view()
            for k in rest:
                short = now.shortfalls(k, need_of(k))
                if short:
                    walk_reasons[k] = short
            fitting = [k for k in rest if k not in walk_reasons]
        if not fitting:
            continue
        union = sorted(set().union(*(need_of(k) for k in fitting)))
        if len(fitting) == 1 or not view().shortfalls(fitting[0], union):
            for k in fitting:
                if k not in selected:
                    take(k, Reason("priority", "Selected: priority order"))
            continue
        # A tie across the cut line: some of these could be chosen, not all.
        label = f"={rank}"
        if tie_break is None:
            for k in fitting:
                others = _names(by_key, [o for o in fitting if o != k])
                undecided[k] = [Reason("tied_at_cut", f"Undecided: tied at {label} with {others} across the cut line; the facilitator decides (an override, or a declared tie-break for the round)")]
            held.update(union)
            continue
        for k in sorted(fitting, key=lambda k: (effort[k], k)):
            others = _names(by_key, [o for o in fitting if o != k])
            short = view().shortfalls(k, need_of(k))
            if short:
                walk_reasons[k] = [Reason(x.code, f"{x.detail}; level at {label} with {others}, behind on the declared tie-break ({TIE_BREAKS[tie_break]})") for x in short]
            else:
                take(k, Reason("tie_break", f"Selected: level at {label} with {others}; ahead on the declared tie-break ({TIE_BREAKS[tie_break]})"))

    # Reasons read against the final plan: what is left once everything chosen is in.
    final = view()
    capacity_codes = {"over_bandwidth", "bottleneck", "over_budget"}
    for k, rs in list(walk_reasons.items()):
        if k in selected or not any(x.code in capacity_codes for x in rs):
            continue
        extra = [x for x in rs if x.code not in capacity_codes]
        note = [x.detail.split("; level at ", 1)[1] for x in rs if "; level at " in x.detail][:1]
        fresh = final.shortfalls(k, need_of(k))
        if note:
            fresh = [Reason(x.code, f"{x.detail}; level at {note[0]}") for x in fresh]
        if held:
            fresh = [Reason(x.code, f"{x.detail} (counting the undecided tie as taken)") for x in fresh]
        walk_reasons[k] = fresh + extra if fresh else rs

    missing_cost = sorted(k for k in selected if by_key[k].cost is None)
    if budget is not None and missing_cost:
        warnings.append(f"no cost recorded for {_names(by_key, missing_cost)}; counted as 0 against the budget")

    # -- waves: start order
    shift = -min((Fraction(r.score) if not isinstance(r.score, float) else r.score for r in order), default=0)
    shift = max(shift, 0)
    value = {k: (scored[k].score + shift if k in scored and (min_score is None or scored[k].score >= min_score) else 0) for k in by_key}
    waves = _waves(selected, prereqs, by_key, scored, wave_size if wave_size is not None else ledger.slot_limit)

    # -- classify everything
    def item(k: str, rs: Sequence[Reason], wave: int | None = None) -> PlanItem:
        r = scored.get(k)
        return PlanItem(k, r.rank if r else None, r.score if r else None, wave, by_key[k].decided, tuple(rs),
                        bool(r and (r.tied or len(tied_with.get(r.rank, ())) > 1)))

    will_do = tuple(item(k, rs, waves[k]) for k, rs in selected.items())
    not_now_list, wont_list = [], []
    for k in [r.initiative for r in order] + sorted(k for k in by_key if k not in scored):
        if k in selected or k in undecided:
            continue
        rs = reasons.get(k) or walk_reasons.get(k)
        if rs:
            target = wont_list if k in blocked or any(x.code == "prerequisite_not_chosen" for x in rs) else not_now_list
            target.append(item(k, rs))
        else:
            not_now_list.append(item(k, [Reason("not_ranked", "Not considered: it was not scored in this round")]))

    cut_line = len(order)
    for n, r in enumerate(order):
        rs = walk_reasons.get(r.initiative, ())
        if r.initiative in undecided or (r.initiative not in selected and any(x.code in capacity_codes for x in rs)):
            cut_line = n
            break

    optimiser = None
    if optimise_plan:
        opt = optimise(
            by_key, prereqs, bottlenecks, ledger.slot_limit, budget, value, effort,
            forced=forced, blocked=blocked, ledger_start=_usage(forced, by_key, bottlenecks),
        )
        if opt is None:
            warnings.append(f"the exact optimiser is unavailable: {EXACT_SOLVER_MISSING}, and a search without it "
                            "handles at most 20 candidates")
        else:
            method, chosen = opt
            if method == "branch_and_bound_fallback":
                warnings.append(f"{EXACT_SOLVER_MISSING}: the exact optimiser searched every combination itself "
                                "(possible up to 20 candidates)")
            if method == "milp_time_limited":
                warnings.append("the exact optimiser reached its time limit; its combination is the best found, not proven best")
            greedy_total = sum((value[k] for k in selected), Fraction(0))
            total = sum((value[k] for k in chosen), Fraction(0))
            if total > greedy_total and not undecided:
                out_ = tuple(sorted(set(selected) - set(chosen)))
                in_ = tuple(sorted(set(chosen) - set(selected)))
                gain = total - greedy_total
                displaced = tuple(
                    item(k, [Reason("displaced", f"The exact optimum uses its capacity for {_names(by_key, in_)} instead, gaining {display(gain)} in total score")])
                    for k in out_
                )
                optimiser = Optimisation(method, tuple(sorted(chosen)), total, greedy_total, gain, out_, in_, displaced, shift)

    if undecided:
        ties = sorted({scored[k].rank for k in undecided})
        warnings.append("Undecided: " + "; ".join(f"{_names(by_key, [k for k in undecided if scored[k].rank == t])} tie at ={t} across the cut line" for t in ties)
                        + ". The facilitator decides (an override, or a declared tie-break for the round).")

    caps = tuple(CapacityUse(b.key, b.name, b.capacity, ledger.use[b.key], b.unit) for b in bottlenecks)
    budget_use = None if budget is None else CapacityUse("budget", "Budget", Fraction(budget), ledger.cost, "")
    first = tuple(sorted(r.initiative for r in order if r.rank == order[0].rank)) if order else ()
    plan = Plan(round_key, bandwidth, ledger.slots, caps, budget_use, will_do, tuple(not_now_list), tuple(wont_list),
                cut_line, optimiser, tuple(cycles), tuple(warnings), tuple(item(k, rs) for k, rs in undecided.items()),
                (), ledger.stretch, first, condorcet_winner if condorcet_winner in by_key else None, tie_break)
    if not (explain_overrides and latest):
        return plan
    return _explain_overrides(plan, list(latest.values()), by_key, lambda ds: make_plan(
        ranking, initiatives, bottlenecks, bandwidth, budget, gate_failures, ds, round_key=round_key,
        gate_names=gate_names, min_score=min_score, wave_size=wave_size, optimise_plan=False,
        condorcet_winner=condorcet_winner, tie_break=tie_break, explain_overrides=False))


def _explain_overrides(plan: Plan, decisions: list[Decision], by_key, replan) -> Plan:
    """Each decision's effect on the plan, and warnings when one pushes out the room's
    first-ranked initiative or its Condorcet winner.

    Rule-outs are read first (they only ever make room); includes are then taken in
    the order they were made, each against the plan before it, so what an include
    pushed out gets the reason ``displaced``.
    """
    rule_outs = [d for d in decisions if d.effective_kind == "rule_out"]
    includes = [d for d in decisions if d.effective_kind != "rule_out"]
    will = lambda p: {i.initiative for i in p.will_do}  # noqa: E731
    plan_keys = set
    final = will(plan)
    effect: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    pushed: dict[str, list[str]] = {}
    warnings = list(plan.warnings)

    # The room's clearest choices: warn when the decisions, together, take one out.
    plain = will(replan([]))
    lead_kind = {"within": "including {} within the bandwidth", "stretch": "including {} above the bandwidth", "rule_out": "ruling out {}"}
    for k in sorted(set(plan.first_ranked) | ({plan.condorcet_winner} if plan.condorcet_winner else set())):
        if k not in plan_keys(plain) or k in final:
            continue
        roles = []
        if k in plan.first_ranked:
            roles.append("the room's first-ranked initiative")
        if k == plan.condorcet_winner:
            roles.append("the Condorcet winner (it beats every other initiative head to head)")
        by = " and ".join(lead_kind[d.effective_kind].format(_name(by_key, d.initiative)) for d in decisions)
        warnings.append(f"The facilitator's decision{'s' if len(decisions) > 1 else ''} ({by}) take{'' if len(decisions) > 1 else 's'} "
                        f"{_name(by_key, k)}, {' and '.join(roles)}, out of the plan")

    for d in rule_outs:
        without = will(replan([x for x in decisions if x is not d]))
        room = tuple(sorted(final - without))
        effect[id(d)] = ((), room)
    before = will(replan(rule_outs)) if includes else final
    for n, d in enumerate(includes):
        after = final if n == len(includes) - 1 else will(replan(rule_outs + includes[: n + 1]))
        out_ = tuple(sorted(before - after - {d.initiative}))
        effect[id(d)] = (out_, ())
        for k in out_:
            pushed.setdefault(k, []).append(_name(by_key, d.initiative))
        before = after

    effects = []
    lead = {"within": "within the bandwidth", "stretch": "above the bandwidth", "rule_out": "ruled out"}
    for d in decisions:
        out_, room = effect[id(d)]
        what = f"displaced {_names(by_key, out_)}" if out_ else "displaced nothing"
        if room:
            what += f"; made room for {_names(by_key, room)}"
        text = f"{_name(by_key, d.initiative)}, {lead[d.effective_kind]} by decision of the facilitator; {what}"
        effects.append(OverrideEffect(d.initiative, d.effective_kind, d.rationale, d.round, out_, room, text))

    def mark(i: PlanItem) -> PlanItem:
        if i.initiative not in pushed or i.initiative in final:
            return i
        by = ", ".join(dict.fromkeys(pushed[i.initiative]))
        extra = Reason("displaced", f"Displaced by the facilitator's decision to include {by}; the room's ranking had it in the plan")
        return dataclasses.replace(i, reasons=(extra, *i.reasons))

    return dataclasses.replace(
        plan, overrides=tuple(effects), warnings=tuple(warnings),
        not_now=tuple(mark(i) for i in plan.not_now), undecided=tuple(mark(i) for i in plan.undecided),
    )


def _fits_after_each(ledger: _Ledger, keys: Sequence[str], needs: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys that still fit once every other key's needs are taken: ``_fits_after`` for
    each key, with everyone's needs taken once and each key's own share given back, so a tie
    of 300 initiatives makes 300 ledgers, not 90,000 (exact arithmetic either way)."""
    counts = Counter(x for k in keys for x in set(needs[k]))
    everyone = ledger.copy()
    everyone.add(sorted(counts))
    out = []
    for k in keys:
        own = sorted(x for x in set(needs[k]) if counts[x] == 1)  # needed by k and by no other
        shadow = everyone.copy()
        shadow.take_away(own)
        if not shadow.shortfalls(k, own):
            out.append(k)
    return out


def _usage(keys, by_key, bottlenecks):
    return (len(keys), sum((Fraction(by_key[k].cost or 0) for k in keys), Fraction(0)), {b.key: sum(int(by_key[k].demands.get(b.key, 0)) for k in keys) for b in bottlenecks})


def _waves(selected, prereqs, by_key, scored, limit: int | None) -> dict[str, int]:
    """Wave numbers from 1: ready once every selected prerequisite started in an earlier wave."""
    waves: dict[str, int] = {}
    pending = set(selected)
    wave = 0
    limit = None if limit is None or limit < 1 else limit
    while pending:
        wave += 1
        ready = [k for k in pending if all(p in waves for p in prereqs[k] if p in selected)]
        ready.sort(key=lambda k: (not by_key[k].decided, k not in scored, -(scored[k].score if k in scored else 0), k))
        for k in ready[:limit] if limit else ready:
            waves[k] = wave
            pending.discard(k)
        if not ready:  # cannot happen once cycles are excluded; guard against looping forever
            for k in sorted(pending):
                waves[k] = wave
            break
    return waves


# ------------------------------------------------------------------ optimiser


def optimise(
    by_key: Mapping[str, Initiative],
    prereqs: Mapping[str, Sequence[str]],
    bottlenecks: Sequence[Bottleneck],
    bandwidth: int | None,
    budget: Number | None,
    value: Mapping[str, Number],
    effort: Mapping[str, Fraction],
    *,
    forced: set[str],
    blocked: set[str],
    ledger_start,
    max_branch_and_bound: int = 20,
) -> tuple[str, set[str]] | None:
    """The best feasible set: maximise Σv over sets closed under prerequisites.

    Forced items are in; blocked items and anything needing them are out;
    capacity left after the forced items bounds the rest. Uses a MILP solved by
    HiGHS (method "milp", or "milp_time_limited" when a solve hit its time limit
    and the set is the best found rather than proven best). HiGHS (``highspy``) is
    a dependency, so every installation makes the same plan; should it be missing,
    an exact branch-and-bound for up to 20 candidates stands in (method
    "branch_and_bound_fallback", and the plan warns), else None (the plan warns).
    """
    free = sorted(k for k in by_key if k not in forced and k not in blocked and not (closure(k, prereqs) & blocked))
    slots0, cost0, use0 = ledger_start
    caps = {
        "slots": None if bandwidth is None else max(bandwidth - slots0, 0),
        "budget": None if budget is None else max(Fraction(budget) - cost0, Fraction(0)),
    }
    res_caps = {b.key: max(b.capacity - use0[b.key], 0) for b in bottlenecks}
    if not free:
        return "branch_and_bound", set(forced)
    try:
        chosen, proven = _milp(free, by_key, prereqs, bottlenecks, caps, res_caps, value, effort, forced)
        method = "milp" if proven else "milp_time_limited"
    except ImportError:
        if len(free) > max_branch_and_bound:
            return None
        chosen = _branch_and_bound(free, by_key, prereqs, bottlenecks, caps, res_caps, value, effort, forced)
        method = "branch_and_bound_fallback"
    return method, chosen | forced


def _branch_and_bound(free, by_key, prereqs, bottlenecks, caps, res_caps, value, effort, forced) -> set[str]:
    """Exact search with the full tie order: Σv, then −Σe, then −count, then smallest ids."""
    topo, _ = kahn_order({k: [p for p in prereqs[k] if p in free] for k in free})
    values = [Fraction(value[k]) if not isinstance(value[k], float) else value[k] for k in topo]
    suffix = [0] * (len(topo) + 1)
    for n in range(len(topo) - 1, -1, -1):
        suffix[n] = suffix[n + 1] + max(values[n], 0)
    best: list = [None, None]  # (key tuple, chosen set)

    def key_of(chosen, total):
        ids = tuple(sorted(chosen))
        return (total, -sum((effort[k] for k in chosen), Fraction(0)), -len(chosen), _Lex(ids))

    def visit(n, chosen, total, slots, cost, use):
        if best[0] is not None and total + suffix[n] < best[0][0]:
            return
        if n == len(topo):
            k = key_of(chosen, total)
            if best[0] is None or k > best[0]:
                best[0], best[1] = k, set(chosen)
            return
        item = topo[n]
        ok = all(p in chosen or p in forced for p in prereqs[item])
        if ok:
            i = by_key[item]
            s2, c2 = slots + 1, cost + Fraction(i.cost or 0)
            u2 = {b.key: use[b.key] + int(i.demands.get(b.key, 0)) for b in bottlenecks}
            if (caps["slots"] is None or s2 <= caps["slots"]) and (caps["budget"] is None or c2 <= caps["budget"]) and all(u2[b] <= res_caps[b] for b in u2):
                chosen.append(item)
                visit(n + 1, chosen, total + values[n], s2, c2, u2)
                chosen.pop()
        visit(n + 1, chosen, total, slots, cost, use)

    visit(0, [], 0, 0, Fraction(0), {b.key: 0 for b in bottlenecks})
    return best[1] or set()


class _Lex:
    """Orders id lists so the lexicographically smallest compares as the largest."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = ids

    def __gt__(self, other):
        return self.ids < other.ids

    def __lt__(self, other):
        return self.ids > other.ids

    def __eq__(self, other):
        return self.ids == other.ids


def _milp(free, by_key, prereqs, bottlenecks, caps, res_caps, value, effort, forced, time_limit=OPTIMISER_TIME_LIMIT) -> tuple[set[str], bool]:
    """Two MILP solves with HiGHS: max Σv (gap 0); then, holding Σv, min Σe, then count, then earlier ids.

    The second objective is one weighted sum that is exactly lexicographic on
    (Σe, count) and prefers earlier ids within that. Each solve is time
    limited; the flag says whether both finished with a proven optimum.
    HiGHS comes from the ``highspy`` package, a dependency of the app, imported
    here only when a plan is optimised (it costs about 25 MB and 0.1 s, SciPy 70 MB).
    """
    n = len(free)
    index = {k: j for j, k in enumerate(free)}
    rows: list[tuple[list[int], list[float], float]] = []  # (columns, coefficients, upper bound): a.x <= upper
    for k in free:
        for p in prereqs[k]:
            if p in index:  # x_k - x_p <= 0
                rows.append(([index[k], index[p]], [1.0, -1.0], 0.0))
    every = list(range(n))
    if caps["slots"] is not None:
        rows.append((every, [1.0] * n, float(caps["slots"])))
    if caps["budget"] is not None:
        rows.append((every, [float(by_key[k].cost or 0) for k in free], float(caps["budget"])))
    for b in bottlenecks:
        rows.append((every, [float(by_key[k].demands.get(b.key, 0)) for k in free], float(res_caps[b.key])))
    v = [float(value[k]) for k in free]
    first, proven = _highs_solve([-x for x in v], rows, n, time_limit)
    if first is None:
        return set(), False
    best = sum(v[j] for j in range(n) if first[j] > 0.5)
    # Lexicographic (Σe, count, ids): effort in integer units weighs more than any count difference.
    denominator = 1
    for k in free:
        denominator = denominator * Fraction(effort[k]).denominator // math.gcd(denominator, Fraction(effort[k]).denominator)
    e_int = [float(Fraction(effort[k]) * denominator) for k in free]
    secondary = [e_int[j] * (n + 1) + 1 + j / (n * n + 1) for j in range(n)]
    hold = (every, [-x for x in v], -(best - 1e-7 * max(1.0, abs(best))))  # v.x >= best, as -v.x <= -best
    second, proven_second = _highs_solve(secondary, rows + [hold], n, time_limit)
    x = second if second is not None else first
    return {free[j] for j in range(n) if x[j] > 0.5}, proven and proven_second


def _highs_solve(cost: list[float], rows, n: int, time_limit: float) -> tuple[list[float] | None, bool]:
    """min cost.x over binary x with rows (columns, coefficients, upper): the solution (None
    if none was found) and whether it is proven optimal."""
    import highspy  # noqa: PLC0415 - a dependency, imported only when a plan is optimised

    h = highspy._Highs()  # the bare solver: the Python wrapper prints a banner on stdout
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = [0.0] * n, [1.0] * n
    lp.row_lower_ = [-highspy.kHighsInf] * len(rows)
    lp.row_upper_ = [upper for _, _, upper in rows]
    starts, columns, coefficients = [0], [], []
    for cols, coefs, _ in rows:
        columns += cols
        coefficients += coefs
        starts.append(len(columns))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, columns, coefficients
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return list(h.getSolution().col_value), True
    if h.getInfo().primal_solution_status == 2:  # a feasible point, e.g. at the time limit
        return list(h.getSolution().col_value), False
    return None, False
