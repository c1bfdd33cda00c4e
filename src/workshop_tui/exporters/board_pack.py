"""The board pack as plain rows: what the md, html and xlsx exports show.

One pure function, ``build(workshop)``, asks the engine for every result once
and turns it into display-ready text and numbers, so each format only lays
the same content out differently. Numbers are exact until here and are
rounded for a board reader (2 dp, half away from zero); charts get floats.

Anonymity: rows never pair a person with a ballot. Named rounds list who
voted; anonymous rounds give only counts. A per-site breakdown of an
anonymous round is shown only when each site has at least
``MIN_SITE_BALLOTS`` ballots, so a small site cannot be read back to a person.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from workshop_tui import presentation
from workshop_tui.domain import rules
from workshop_tui.domain import model as m
from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain import results as engine
from workshop_tui.domain.methods import gates as gates_m
from workshop_tui.domain.methods_help import explain
from workshop_tui.presentation import rank_label
from workshop_tui.sessionfile.merge import site_tag as slug

MIN_SITE_BALLOTS = 3
BOARD_PLACES = 2

SCORE_LABELS = presentation.SCORE_LABELS
RANKING_LABELS = presentation.RANKING_SCORE_LABELS
MOSCOW_LABELS = presentation.MOSCOW_LONG_LABELS
# The board pack names one initiative's quadrant: singular.
QUADRANT_LABELS = {
    "quick_win": "Quick win",
    "major_project": "Major project",
    "fill_in": "Fill-in",
    "thankless_task": "Thankless task",
}
OUTCOME_LABELS = {"include": "Include (will do)", "exclude": "Exclude (won't do)"}

def board_number(x: Fraction | int | float | None, places: int = BOARD_PLACES) -> str:
    """A number for a board reader: half away from zero on the exact value; whole numbers plain."""
    return str(presentation.number(x, "board", places))


def chart_float(x: Fraction | int | float | None) -> float | None:
    return None if x is None else float(x)


# ---------------------------------------------------------------- the rows


@dataclass(frozen=True)
class RankRow:
    rank: str
    key: str
    title: str
    score: str
    score_value: float | None  # for charts only
    supporters: str
    n: str
    spread: str
    agreement: str  # "agreed", "contested", "few scores" or ""
    extra: str  # method-specific: quadrant, category, criterion scores


@dataclass(frozen=True)
class SiteRanking:
    site: str
    ballots: int
    ranks: dict[str, str]  # initiative key -> rank label ("" when unranked)
    withheld: str = ""  # why this site's ranking is not shown


@dataclass(frozen=True)
class QuadrantPoint:
    key: str
    title: str
    value: float
    effort: float
    quadrant: str


@dataclass(frozen=True)
class Quadrants:
    source: str  # what the axes are
    value_label: str
    effort_label: str
    value_range: tuple[float, float]
    effort_range: tuple[float, float]
    value_threshold: float
    effort_threshold: float
    points: tuple[QuadrantPoint, ...]


@dataclass(frozen=True)
class RoundView:
    key: str
    title: str
    method: str
    method_label: str
    anonymous: bool
    status: str
    counted: int
    blank: int
    rejected: int
    voters: str  # named rounds: who voted; anonymous: a count only
    settings: str
    score_label: str
    rows: tuple[RankRow, ...]
    agreement: str
    warnings: tuple[str, ...]
    sites: tuple[SiteRanking, ...] = ()
    withheld: str = ""  # why the round policy withholds this round's results (then rows are empty)


@dataclass(frozen=True)
class GateRow:
    key: str
    title: str
    outcomes: tuple[str, ...]  # per gate, in the order of ``BoardPack.gate_names``
    notes: str
    passes: bool


@dataclass(frozen=True)
class PlanRow:
    rank: str
    key: str
    title: str
    score: str
    wave: str
    decided: str
    effort: str
    reasons: str
    codes: str


@dataclass(frozen=True)
class CapacityRow:
    name: str
    used: str
    capacity: str
    unit: str
    used_value: float
    capacity_value: float | None


@dataclass(frozen=True)
class PlanView:
    round: str
    round_title: str
    bandwidth: str
    slots_used: int
    will_do: tuple[PlanRow, ...]
    not_now: tuple[PlanRow, ...]
    wont: tuple[PlanRow, ...]
    capacity: tuple[CapacityRow, ...]
    optimiser: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DecidedRow:
    title: str
    decided: str
    owner: str


@dataclass(frozen=True)
class OverrideRow:
    title: str
    outcome: str
    rationale: str
    round: str


@dataclass(frozen=True)
class ActionRow:
    title: str
    initiative: str
    owner: str
    measure: str
    due: str


@dataclass(frozen=True)
class BoardPack:
    title: str
    organisation: str
    date: str
    facilitator: str
    mission: str
    horizon: str
    description: str
    participants: int
    by_discipline: tuple[tuple[str, int], ...]
    by_site: tuple[tuple[str, int], ...]
    gate_names: tuple[str, ...]
    gates: tuple[GateRow, ...]
    rounds: tuple[RoundView, ...]
    plan: PlanView | None
    plan_problem: str
    quadrants: Quadrants | None
    decided: tuple[DecidedRow, ...]
    overrides: tuple[OverrideRow, ...]
    actions: tuple[ActionRow, ...]
    max_actions: int
    how: tuple[tuple[str, str], ...]  # (method label, explanation with settings)


# ------------------------------------------------------------------ build


def build(workshop: m.Workshop, engine=engine) -> BoardPack:
    """``engine`` is ``domain.results`` or a stand-in that remembers its answers
    (``exporters.prepared.Prepared``), so several formats share one computation."""
    s = workshop.session
    titles = {i.key: i.title for i in workshop.initiatives}
    results: dict[str, engine.RoundResult] = {}
    rounds = []
    for rnd in round_policy.voting_rounds(workshop):
        view, result = _round_view(workshop, rnd, titles, engine)
        rounds.append(view)
        if result is not None:
            results[rnd.key] = result
    plan_view, plan_problem = _plan_view(workshop, titles, engine)
    how: list[tuple[str, str]] = []
    if workshop.gate_sheets:
        how.append((m.METHOD_LABELS["gates"], explain("gates")))
    for rnd in workshop.rounds:
        # The effective settings the engine used, so the note matches the numbers.
        settings = results[rnd.key].settings if rnd.key in results else rnd.settings
        note = (m.METHOD_LABELS.get(rnd.method, rnd.method), explain(rnd.method, settings))
        if note not in how:
            how.append(note)
    return BoardPack(
        title=s.title,
        organisation=s.organisation,
        date=s.date.isoformat() if s.date else "",
        facilitator=s.facilitator,
        mission=s.mission,
        horizon=f"{s.horizon_years} years" if s.horizon_years else "",
        description=s.description,
        participants=len(workshop.participants),
        by_discipline=_by_discipline(workshop),
        by_site=_by_site(workshop),
        gate_names=tuple(c.name for c in workshop.gates),
        gates=_gate_rows(workshop),
        rounds=tuple(rounds),
        plan=plan_view,
        plan_problem=plan_problem,
        quadrants=_quadrants(workshop, results, plan_view.round if plan_view else None),
        decided=tuple(DecidedRow(i.title, m.DECIDED_LABELS.get(i.decided, i.decided), i.owner)
                      for i in workshop.initiatives if i.decided),
        overrides=tuple(OverrideRow(titles.get(d.initiative, d.initiative), OUTCOME_LABELS.get(d.outcome, d.outcome),
                                    d.rationale, d.round or "") for d in workshop.decisions),
        actions=tuple(ActionRow(a.title, titles.get(a.initiative, "") if a.initiative else "", a.owner, a.measure,
                                a.due.isoformat() if a.due else "") for a in workshop.actions),
        max_actions=s.max_actions,
        how=tuple(how),
    )


def _settings_text(settings) -> str:
    parts = []
    for name, value in sorted(settings.items()):
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, (int, float, Fraction)):
            shown = board_number(value, 4)
        else:
            shown = str(value).replace("_", " ")
        parts.append(f"{name.replace('_', ' ')} {shown}")
    return ", ".join(parts)


def _by_discipline(workshop: m.Workshop) -> tuple[tuple[str, int], ...]:
    counts = {role: 0 for role in m.ROLES}
    for p in workshop.participants:
        counts[p.role if p.role in counts else "other"] += 1
    return tuple((m.ROLE_LABELS[role], n) for role, n in counts.items() if n)


def _by_site(workshop: m.Workshop) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for p in workshop.participants:
        if p.site:
            counts[p.site] = counts.get(p.site, 0) + 1
    return tuple(sorted(counts.items()))


def _gate_rows(workshop: m.Workshop) -> tuple[GateRow, ...]:
    gates = workshop.gates
    if not gates:
        return ()
    entries = gates_m.assessment_rows(workshop)
    if not entries:
        return ()
    table = gates_m.gate_table(entries)
    rows = []
    for item in workshop.initiatives:
        cells = table.get(item.key, {})
        outcomes = tuple(cells[g.key].outcome if g.key in cells else "unassessed" for g in gates)
        notes = "; ".join(note for g in gates if g.key in cells for note in cells[g.key].notes)
        rows.append(GateRow(item.key, item.title, outcomes, notes, "fail" not in outcomes))
    return tuple(rows)


def _round_view(workshop: m.Workshop, rnd: m.Round, titles: dict[str, str],
                engine=engine) -> tuple[RoundView, engine.RoundResult | None]:
    pub = round_policy.publication(rnd)
    base = dict(
        key=rnd.key, title=rnd.title or rnd.key, method=rnd.method,
        method_label=m.METHOD_LABELS.get(rnd.method, rnd.method), anonymous=rnd.anonymous, status=rnd.status,
        voters=_voters(workshop, rnd) if pub.voted else "", settings=_settings_text(rnd.settings),
        score_label=SCORE_LABELS.get(rnd.method, "Score"),
    )
    if not pub.results:
        # The round policy withholds it (hidden, or a secret round below its minimum group):
        # no ranking, no counts that could be subtracted, only why.
        return RoundView(**base, counted=0, blank=0, rejected=0, rows=(), agreement="", warnings=(),
                         withheld=pub.reason), None
    try:
        result = engine.round_result(workshop, rnd.key)
    except (engine.SettingsError, KeyError, ValueError) as exc:
        return RoundView(**base, counted=0, blank=0, rejected=0, rows=(), agreement="",
                         warnings=(f"This round could not be counted: {exc}",)), None
    if rnd.method == "ranking":
        base["score_label"] = RANKING_LABELS.get(str(result.settings.get("rule", "schulze")), "Score")
    view = RoundView(
        **base, counted=result.counted, blank=result.blank, rejected=len(result.rejected),
        rows=tuple(_rank_row(rnd.method, r, titles) for r in result.ranking),
        agreement=_agreement_text(result.agreement, [titles.get(r.initiative, r.initiative)
                                                     for r in result.ranking if r.contested]),
        warnings=tuple(result.warnings),
        sites=_site_rankings(workshop, rnd),
    )
    return view, result


def _voters(workshop: m.Workshop, rnd: m.Round) -> str:
    names = {p.key: p.name for p in workshop.participants}
    if rnd.anonymous:
        return f"{presentation.plural(len(rnd.voted), 'person')} voted by secret ballot"
    voted = []
    for v in rnd.votes:
        if v.participant and v.participant not in voted:
            voted.append(v.participant)
    return ", ".join(names.get(k, k) for k in voted)


def _rank_row(method: str, r: engine.RankedItem, titles: dict[str, str]) -> RankRow:
    sp = r.spread
    spread = ""
    if sp is not None and sp.n:
        spread = f"median {board_number(sp.median)}, IQR {board_number(sp.iqr)}"
        if sp.sd is not None:
            spread += f", SD {board_number(sp.sd)}"
    agreement = "few scores" if r.few_scores else ("contested" if r.contested else ("agreed" if sp is not None else ""))
    score = board_number(r.score)
    extra = ""
    detail = r.detail or {}
    if method == "moscow":
        score = MOSCOW_LABELS.get(str(detail.get("category")), str(detail.get("category", "")))
    elif method == "value_effort":
        extra = f"{QUADRANT_LABELS.get(str(detail.get('quadrant')), detail.get('quadrant') or 'unplaced')}; " \
                f"effort {board_number(detail.get('effort'))}"
    elif method == "dots" and "share" in detail:
        extra = f"{board_number(Fraction(detail['share']) * 100, 1)}% of dots"
    elif method == "matrix" and detail.get("criteria"):
        extra = ", ".join(f"{k} {board_number(v)}" for k, v in detail["criteria"].items())
    return RankRow(
        rank=rank_label(r.rank, r.tied), key=r.initiative, title=titles.get(r.initiative, r.initiative), score=score,
        score_value=chart_float(r.score), supporters="" if r.supporters is None else str(r.supporters),
        n="" if sp is None else str(sp.n), spread=spread, agreement=agreement, extra=extra,
    )


def _agreement_text(agreement, contested: list[str]) -> str:
    """The agreement in words (the sentence every channel uses), then the statistic."""
    if not agreement:
        return ""
    sentence = presentation.agreement_sentence(agreement, contested)
    if agreement.get("kendall_w") is None or not agreement.get("meaningful", True):
        return sentence
    return f"{sentence} {_agreement_figures(agreement)}"


def _agreement_figures(agreement) -> str:
    w = agreement.get("kendall_w")
    text = f"Kendall's W = {board_number(w)}"
    if agreement.get("band"):
        text += f" ({agreement['band']} agreement, Landis & Koch bands)"
    text += f" across {agreement.get('raters')} raters"
    if agreement.get("indicative"):
        text += "; indicative only with so few raters or items"
    return text + "."


def _site_of_ballot(rnd: m.Round, vote: m.Vote, site_of: dict[str, str], slugs: dict[str, str]) -> str | None:
    if not rnd.anonymous:
        return site_of.get(vote.participant or "")
    prefix = (vote.ballot or "").split(".", 1)[0]
    return slugs.get(prefix) if "." in (vote.ballot or "") else None


def _site_rankings(workshop: m.Workshop, rnd: m.Round) -> tuple[SiteRanking, ...]:
    """Each site's own ranking: the engine run on that site's ballots alone."""
    site_of = {p.key: p.site for p in workshop.participants if p.site}
    sites = sorted(set(site_of.values()))
    if len(sites) < 2:
        return ()
    slugs = {slug(site): site for site in sites}
    out = []
    for site in sites:
        votes = tuple(v for v in rnd.votes if _site_of_ballot(rnd, v, site_of, slugs) == site)
        ballots = len({rnd.ballot_id(v) for v in votes})
        if rnd.anonymous and ballots < MIN_SITE_BALLOTS:
            out.append(SiteRanking(site, ballots, {}, f"fewer than {MIN_SITE_BALLOTS} secret ballots: not shown"))
            continue
        people = {k for k, v in site_of.items() if v == site}
        sub_round = dataclasses.replace(
            rnd, votes=votes, voted=tuple(k for k in rnd.voted if k in people),
            abstained=tuple(k for k in rnd.abstained if k in people))
        sub = dataclasses.replace(workshop, rounds=tuple(sub_round if r.key == rnd.key else r for r in workshop.rounds))
        try:
            result = engine.round_result(sub, rnd.key)
        except (engine.SettingsError, KeyError, ValueError) as exc:
            out.append(SiteRanking(site, ballots, {}, f"could not be counted: {exc}"))
            continue
        out.append(SiteRanking(site, result.counted, {r.initiative: rank_label(r.rank, r.tied) for r in result.ranking}))
    return tuple(out)


def _plan_view(workshop: m.Workshop, titles: dict[str, str], engine=engine) -> tuple[PlanView | None, str]:
    if engine.latest_scored_round(workshop) is None:
        return None, "No round has been scored yet, so there is no plan."
    try:
        p = engine.plan(workshop)
    except (engine.PlanInputError, engine.SettingsError, ValueError) as exc:
        return None, f"The plan could not be made: {exc}"
    efforts = {i.key: i.effort for i in workshop.initiatives}
    decided = {i.key: i.decided for i in workshop.initiatives}

    def row(item: engine.PlanItem) -> PlanRow:
        return PlanRow(
            rank="" if item.rank is None else str(item.rank), key=item.initiative,
            title=titles.get(item.initiative, item.initiative), score=board_number(item.score),
            wave="" if item.wave is None else str(item.wave),
            decided=m.DECIDED_LABELS.get(item.decided or decided.get(item.initiative) or "", ""),
            effort=board_number(efforts.get(item.initiative)),
            reasons="; ".join(r.detail for r in item.reasons), codes=" ".join(r.code for r in item.reasons),
        )

    capacity = [CapacityRow(c.name, board_number(c.used), board_number(c.capacity), c.unit,
                            float(c.used), chart_float(c.capacity)) for c in p.bottlenecks]
    if p.budget is not None:
        b = p.budget
        capacity.append(CapacityRow(b.name, board_number(b.used), board_number(b.capacity), b.unit,
                                    float(b.used), chart_float(b.capacity)))
    optimiser = ""
    if p.optimiser is not None and (p.optimiser.swap_in or p.optimiser.swap_out):
        o = p.optimiser
        optimiser = (f"An exact optimiser ({o.method}) found a plan worth {board_number(o.gain)} more in total score "
                     f"by swapping out {', '.join(titles.get(k, k) for k in o.swap_out) or 'nothing'} for "
                     f"{', '.join(titles.get(k, k) for k in o.swap_in) or 'nothing'}. The plan above is the "
                     "priority-order plan the room can check line by line.")
    round_title = ""
    if p.round:
        rnd = workshop.round(p.round)
        round_title = rnd.title or rnd.key
    return PlanView(
        round=p.round or "", round_title=round_title,
        bandwidth="" if p.bandwidth is None else str(p.bandwidth), slots_used=p.slots_used,
        will_do=tuple(sorted((row(i) for i in p.will_do), key=lambda r: (int(r.wave or 0) or 99, _rank_key(r), r.key))),
        not_now=tuple(row(i) for i in p.not_now), wont=tuple(row(i) for i in p.wont),
        capacity=tuple(capacity), optimiser=optimiser, warnings=tuple(p.warnings),
    ), ""


def _rank_key(r: PlanRow) -> int:
    return int(r.rank) if r.rank.isdigit() else 10**6


def _quadrants(workshop: m.Workshop, results: dict[str, engine.RoundResult], plan_round: str | None) -> Quadrants | None:
    """The value/effort 2x2: from a value/effort round if there is one, else the
    plan's scores against each initiative's estimated effort."""
    titles = {i.key: i.title for i in workshop.initiatives}
    for rnd in reversed(workshop.rounds):
        result = results.get(rnd.key)
        if rnd.method != "value_effort" or result is None or not result.ranking:
            continue
        thresholds = result.extras.get("thresholds", {})
        st = result.settings
        points = tuple(
            QuadrantPoint(r.initiative, titles.get(r.initiative, r.initiative), float(r.detail["value"]),
                          float(r.detail["effort"]), QUADRANT_LABELS.get(str(r.detail.get("quadrant")), ""))
            for r in result.ranking if r.detail.get("value") is not None and r.detail.get("effort") is not None)
        return Quadrants(
            source=f"Median value and effort from round {rnd.title or rnd.key}",
            value_label="Value", effort_label="Effort",
            value_range=tuple(float(x) for x in rules.value_effort_scales(st)[0]),
            effort_range=tuple(float(x) for x in rules.value_effort_scales(st)[1]),
            value_threshold=float(thresholds.get("value", 3)), effort_threshold=float(thresholds.get("effort", 3)),
            points=points,
        )
    result = results.get(plan_round or "")
    if result is None:
        return None
    efforts = {i.key: i.effort for i in workshop.initiatives if i.effort is not None}
    scored = [(r, efforts[r.initiative]) for r in result.ranking if r.score is not None and r.initiative in efforts]
    if len(scored) < 2:
        return None
    values = [Fraction(r.score) for r, _ in scored]
    effort_values = [Fraction(e) for _, e in scored]
    v_lo, v_hi = min(values), max(values)
    e_lo, e_hi = min(effort_values), max(effort_values)
    if v_lo == v_hi or e_lo == e_hi:
        return None
    v_t, e_t = (v_lo + v_hi) / 2, (e_lo + e_hi) / 2
    points = []
    for (r, e), v in zip(scored, values):
        high_v, high_e = v >= v_t, e >= e_t
        quadrant = ("major_project" if high_e else "quick_win") if high_v else ("thankless_task" if high_e else "fill_in")
        points.append(QuadrantPoint(r.initiative, titles.get(r.initiative, r.initiative), float(v), float(e),
                                    QUADRANT_LABELS[quadrant]))
    rnd = workshop.round(result.round)
    return Quadrants(
        source=(f"Score from round {rnd.title or rnd.key} against each initiative's estimated effort; "
                "the lines are the midpoints of the ranges shown"),
        value_label=SCORE_LABELS.get(rnd.method, "Score"), effort_label="Estimated effort",
        value_range=(float(v_lo), float(v_hi)), effort_range=(float(e_lo), float(e_hi)),
        value_threshold=float(v_t), effort_threshold=float(e_t), points=tuple(points),
    )
