"""Editing a session, stage by stage: set-up, people, initiatives, criteria,
exemplar gates, bottlenecks and demands.

Each public function that changes data is one user action: it validates
first (an ``EditError`` with a plain message, nothing saved), then writes in
one committed transaction with an audit entry, and returns the saved value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
import re
from fractions import Fraction
from typing import Iterable, Mapping

from sqlalchemy import select

from workshop_tui.domain import model as m
from workshop_tui.domain.graph import find_cycles
from workshop_tui.domain.templates import template
from workshop_tui.services.unit_of_work import reading, use_case, write
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database
from workshop_tui.storage.tables import CriterionRow, RoundRow  # record_gate only (gates move to their own table)

GATES_ROUND = "gates"
HORIZON_ADVICE_YEARS = 5


class EditError(ValueError):
    """A change that was refused; ``str(error)`` says why, for the facilitator.

    ``field`` names the input at fault when there is one, so a form can show
    the message next to it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# -- parsing what people type ---------------------------------------------

def parse_number(text: str, label: str, *, field: str | None = None, minimum: Fraction | None = Fraction(0),
                 blank: bool = True) -> Fraction | None:
    """A number typed as 3, 2.5, 15/2 or 120,000; blank means "not given" when allowed."""
    cleaned = text.strip().replace(",", "").replace("£", "").replace("$", "")
    if not cleaned:
        if blank:
            return None
        raise EditError(f"{label} is needed.", field)
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise EditError(f"{label} must be a number (such as 3, 2.5 or 15/2), not {text.strip()!r}.", field) from None
    if minimum is not None and value < minimum:
        raise EditError(f"{label} cannot be less than {minimum}.", field)
    return value


def parse_whole(text: str, label: str, *, field: str | None = None, minimum: int = 0,
                blank: bool = True) -> int | None:
    try:
        value = parse_number(text, label, field=field, minimum=None, blank=blank)
    except EditError:
        raise EditError(f"{label} must be a whole number, not {text.strip()!r}.", field) from None
    if value is None:
        return None
    if value.denominator != 1:
        raise EditError(f"{label} must be a whole number.", field)
    if value < minimum:
        raise EditError(f"{label} must be at least {minimum}.", field)
    return int(value)


def parse_date(text: str, label: str = "Date", *, field: str | None = None) -> dt.date | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise EditError(f"{label} must be written as year-month-day, e.g. 2026-11-21.", field) from None


def new_key(text: str, taken: Iterable[str], fallback: str) -> str:
    """A short readable key from a name, unique among ``taken`` (keys identify
    things in the session file; names may repeat)."""
    joined = re.sub(r"['’-]", "", text.lower())  # "Wi-Fi" -> "wifi", not "wi_fi"
    base = re.sub(r"[^a-z0-9]+", "_", joined).strip("_")[:24].strip("_") or fallback
    used = set(taken)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def fmt_number(value: Fraction | int | None) -> str:
    """A number as the facilitator would type it back (exact where it is whole)."""
    if value is None:
        return ""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    shown = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return shown if Fraction(shown) == value else str(value)


# -- set-up -------------------------------------------------------------------

SETUP_FIELDS = ("title", "organisation", "date", "facilitator", "mission", "horizon_years", "bandwidth", "budget",
                "max_actions")


def parse_setup(changes: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """Typed set-up values and, separately, a message per field that is invalid."""
    parsed: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, text in changes.items():
        try:
            if name == "title":
                if not text.strip():
                    raise EditError("The session needs a title.")
                parsed[name] = text.strip()
            elif name == "date":
                parsed[name] = parse_date(text)
            elif name == "horizon_years":
                parsed[name] = parse_whole(text, "The horizon", minimum=1)
            elif name == "bandwidth":
                parsed[name] = parse_whole(text, "Bandwidth", minimum=1)
            elif name == "budget":
                # Optional money cap for the plan, in the same unit as initiative costs.
                parsed[name] = parse_number(text, "The budget")
            elif name == "max_actions":
                parsed[name] = parse_whole(text, "The most actions", minimum=1, blank=False)
            elif name in SETUP_FIELDS:
                parsed[name] = text.strip()
            else:
                raise KeyError(name)
        except EditError as exc:
            errors[name] = str(exc)
    return parsed, errors


def horizon_warning(years: int | None) -> str:
    if years is not None and years > HORIZON_ADVICE_YEARS:
        return (f"{years} years is a long horizon: the guidance says 1 to 5 years, not 10, "
                "so the strategy stays concrete.")
    return ""


def save_setup(db: Database, session_id: int, values: Mapping[str, object]) -> m.SessionInfo:
    """Save already-parsed set-up values (from ``parse_setup``)."""
    unknown = set(values) - set(SETUP_FIELDS)
    if unknown:
        raise EditError(f"Unknown set-up field(s): {', '.join(sorted(unknown))}.")
    if "title" in values and not str(values["title"]).strip():
        raise EditError("The session needs a title.", "title")

    def work(s):
        row = repo.get_session_row(s, session_id)
        info = dataclasses.replace(repo.session_info(row), **values)
        repo.update_session_info(s, session_id, info)
        return info

    return use_case(db, session_id, "setup.save", work, audit={k: str(v) for k, v in values.items()})


# -- participants ---------------------------------------------------------------

def save_participant(db: Database, session_id: int, name: str, role: str, key: str = "") -> m.Participant:
    name = name.strip()
    if not name:
        raise EditError("Type the person's name.", "name")
    if role not in m.ROLES:
        raise EditError("Choose the person's discipline from the list.", "role")

    def work(s):
        taken = repo.participant_keys(s, session_id)
        if key and key not in taken:
            raise EditError("That person is no longer in this session.")
        person = m.Participant(key=key or new_key(name, taken, "p"), name=name, role=role)
        repo.save_participant(s, session_id, person)
        return person

    return use_case(db, session_id, "participant.save", work,
                    audit=lambda person: dict(key=person.key, name=name, role=role))


def delete_participant(db: Database, session_id: int, key: str) -> None:
    use_case(db, session_id, "participant.delete", lambda s: repo.delete_participant(s, session_id, key),
             audit=dict(key=key))


# -- initiatives ------------------------------------------------------------

def _check_initiative(item: m.Initiative, others: Mapping[str, m.Initiative], bottlenecks: set[str]) -> None:
    if not item.title.strip():
        raise EditError("The initiative needs a title.", "title")
    if item.portfolio is not None and item.portfolio not in m.PORTFOLIOS:
        raise EditError("Portfolio is maintain, improve or transform.", "portfolio")
    if item.kind is not None and item.kind not in m.KINDS:
        raise EditError("Type is core or experiment.", "kind")
    if item.decided is not None and item.decided not in m.DECIDED:
        raise EditError("Choose a decided-already status from the list.", "decided")
    for label, value, name in (("Effort", item.effort, "effort"), ("Cost", item.cost, "cost")):
        if value is not None and value < 0:
            raise EditError(f"{label} cannot be negative.", name)
    for dep in item.depends_on:
        if dep == item.key:
            raise EditError("An initiative cannot be its own prerequisite.", "depends_on")
        if dep not in others:
            raise EditError(f"Prerequisite {dep!r} is not an initiative in this session.", "depends_on")
    for bkey, amount in item.demands.items():
        if bkey not in bottlenecks:
            raise EditError(f"Bottleneck {bkey!r} is not in this session.", "demands")
        if amount < 0:
            raise EditError("A demand on a bottleneck cannot be negative.", "demands")
    graph = {key: set(other.depends_on) for key, other in others.items()}
    graph[item.key] = set(item.depends_on)
    cycles = [c for c in find_cycles(graph) if item.key in c]
    if cycles:
        titles = {key: other.title for key, other in others.items()} | {item.key: item.title}
        names = " → ".join(titles.get(k, k) for k in cycles[0])
        raise EditError(f"These prerequisites would go round in a circle: {names}. "
                        "Something has to come first.", "depends_on")


def save_initiative(db: Database, session_id: int, item: m.Initiative) -> m.Initiative:
    """Create (``item.key`` empty) or update an initiative with its prerequisites and demands."""
    item = dataclasses.replace(item, title=item.title.strip())
    if not item.title:
        raise EditError("The initiative needs a title.", "title")

    def work(s):
        current = repo.load_workshop(s, session_id)
        others = {i.key: i for i in current.initiatives}
        saved = item
        if not item.key:
            saved = dataclasses.replace(item, key=new_key(item.title, others, "i"))
        elif item.key not in others:
            raise EditError("That initiative is no longer in this session.")
        others.pop(saved.key, None)
        _check_initiative(saved, others, {b.key for b in current.bottlenecks})
        repo.save_initiative(s, session_id, saved)
        return saved

    return use_case(db, session_id, "initiative.save", work,
                    audit=lambda saved: dict(key=saved.key, title=saved.title))


def initiative_impact(db: Database, session_id: int, key: str) -> Impact:
    """What deleting an initiative would do to stored votes, round by round (empty: nothing)."""
    with reading(db) as s:
        return _initiative_impact(s, session_id, key)


def _initiative_impact(s, session_id: int, key: str) -> Impact:
    title = _title_of(s, session_id, key)
    lines = []
    for use in repo.rankings_naming(s, session_id, key):
        line = (f"{_round_name(use.round_key, use.round_title, use.status)}: {use.ballots} ranking ballot(s) "
                f"name {title}; it is taken out of them and the rest of each ballot keeps its order")
        if use.emptied:
            line += f" ({use.emptied} ballot(s) rank nothing else and are removed)"
        lines.append(line + ".")
    for rnd in repo.rounds_with_votes_on(s, session_id, initiative=key):
        if rnd.method == "ranking":
            continue
        if rnd.method == "gates":
            lines.append(f"{_round_name(rnd.key, rnd.title, rnd.status)}: {len(rnd.votes)} gate assessment(s) "
                         f"of {title} are removed.")
            continue
        ballots = len({rnd.ballot_id(v) for v in rnd.votes})
        lines.append(f"{_round_name(rnd.key, rnd.title, rnd.status)}: {len(rnd.votes)} vote(s) on {title} "
                     f"from {ballots} ballot(s) are removed; the rest of each ballot still counts.")
    return Impact(tuple(lines))


def delete_initiative(db: Database, session_id: int, key: str, *, accept: Impact | None = None) -> Impact:
    """Delete an initiative. When stored votes name it, ``accept`` must be the
    impact the facilitator agreed to (``initiative_impact``): it is worked out
    again inside the transaction and, if it changed meanwhile, nothing is done
    and ``NeedsConsent`` carries the new one. Ranking ballots lose the
    initiative and keep their order; a ballot naming nothing else goes; its
    other votes go with it (so the session's export still imports).
    """
    def work(s):
        impact = _initiative_impact(s, session_id, key)
        _require_consent(impact, accept)
        changed = repo.remove_from_rankings(s, session_id, key)
        repo.delete_initiative(s, session_id, key)
        return impact, changed

    impact, _ = use_case(db, session_id, "initiative.delete", work,
                         audit=lambda done: dict(key=key, rankings_changed=done[1], impact=list(done[0].lines)))
    return impact


def set_decided(db: Database, session_id: int, key: str, decided: str | None) -> m.Initiative:
    """Mark an initiative as a decision already made (or clear it)."""
    if decided is not None and decided not in m.DECIDED:
        raise EditError("Choose a decided-already status from the list.", "decided")

    def work(s):
        item = repo.load_workshop(s, session_id).initiative(key)
        saved = dataclasses.replace(item, decided=decided)
        repo.save_initiative(s, session_id, saved)
        return saved

    return use_case(db, session_id, "initiative.decided", work, audit=dict(key=key, decided=decided))


def set_demand(db: Database, session_id: int, initiative: str, bottleneck: str, amount: int) -> int:
    """One cell of the demand grid: what an initiative draws on a bottleneck."""
    if amount < 0:
        raise EditError("A demand cannot be negative.")

    def work(s):
        repo.set_demand(s, session_id, initiative, bottleneck, amount)
        return amount

    return use_case(db, session_id, "demand.set", work,
                    audit=dict(initiative=initiative, bottleneck=bottleneck, amount=amount))


# -- bottlenecks --------------------------------------------------------------

def save_bottleneck(db: Database, session_id: int, name: str, capacity: int, unit: str = "",
                    key: str = "") -> m.Bottleneck:
    name = name.strip()
    if not name:
        raise EditError("Name the bottleneck, e.g. information-governance support.", "name")
    if capacity < 0:
        raise EditError("Capacity cannot be negative.", "capacity")

    def work(s):
        taken = repo.bottleneck_keys(s, session_id)
        if key and key not in taken:
            raise EditError("That bottleneck is no longer in this session.")
        item = m.Bottleneck(key=key or new_key(name, taken, "b"), name=name, capacity=capacity, unit=unit.strip())
        repo.save_bottleneck(s, session_id, item)
        return item

    return use_case(db, session_id, "bottleneck.save", work,
                    audit=lambda item: dict(key=item.key, name=name, capacity=capacity))


def delete_bottleneck(db: Database, session_id: int, key: str) -> None:
    use_case(db, session_id, "bottleneck.delete", lambda s: repo.delete_bottleneck(s, session_id, key),
             audit=dict(key=key))


# -- criteria -----------------------------------------------------------------

def _check_criterion(c: m.Criterion) -> None:
    if not c.name.strip():
        raise EditError("The criterion needs a name.", "name")
    if c.kind not in m.CRITERION_KINDS:
        raise EditError("A criterion is a gate or scored.", "kind")
    if c.direction not in m.DIRECTIONS:
        raise EditError("Direction is benefit (higher is better) or cost (lower is better).", "direction")
    if c.weight < 0:
        raise EditError("A weight cannot be negative.", "weight")
    if c.kind == "score" and c.min >= c.max:
        raise EditError("The top of the scale must be above the bottom.", "max")


def criterion_impact(db: Database, session_id: int, criterion: m.Criterion) -> Impact:
    """What saving ``criterion`` (an edit of a stored one) would do to stored votes."""
    criterion = dataclasses.replace(criterion, name=criterion.name.strip())
    _check_criterion(criterion)
    with reading(db) as s:
        return _criterion_impact(s, session_id, criterion)


def _criterion_impact(s, session_id: int, new: m.Criterion) -> Impact:
    old = repo.criteria(s, session_id).get(new.key) if new.key else None
    if old is None:
        return Impact(())
    lines = []
    for rnd in repo.rounds_with_votes_on(s, session_id, criterion=new.key):
        if rnd.method != "matrix":
            continue  # gate assessments are not scores
        where = _round_name(rnd.key, rnd.title, rnd.status)
        if new.kind != "score":
            ballots = len({rnd.ballot_id(v) for v in rnd.votes})
            lines.append(f"{where}: {ballots} ballot(s) scored {old.name} ({len(rnd.votes)} score(s)); a gate is "
                         "not scored, so those scores are removed and the rest of each ballot still counts.")
            continue
        out = [v for v in rnd.votes if not _in_range(v.value, new.min, new.max)]
        if out:
            above = sum(1 for v in out if _number(v.value) is not None and _number(v.value) > new.max)
            ballots = len({rnd.ballot_id(v) for v in out})
            side = (f"above the new maximum {fmt_number(new.max)}" if above == len(out) else
                    f"below the new minimum {fmt_number(new.min)}" if not above else
                    f"outside the new scale {fmt_number(new.min)} to {fmt_number(new.max)}")
            lines.append(f"{where}: {ballots} ballot(s) have {old.name} scores {side} ({len(out)} score(s)); "
                         "those scores are removed and the rest of each ballot still counts.")
        changes = [label for label, before, after in (
            ("weight", old.weight, new.weight), ("direction", old.direction, new.direction),
            ("scale", (old.min, old.max), (new.min, new.max))) if before != after]
        if changes:
            verb = "re-ranks" if rnd.status == "closed" else "changes the standings of"
            lines.append(f"{where}: the {' and '.join(changes)} change {verb} this "
                         f"{'closed ' if rnd.status == 'closed' else ''}round.")
    return Impact(tuple(lines))


def _number(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return None
    return Fraction(value)


def _in_range(value: object, lo: Fraction, hi: Fraction) -> bool:
    number = _number(value)
    return number is not None and lo <= number <= hi


def save_criterion(db: Database, session_id: int, criterion: m.Criterion, *,
                   accept: Impact | None = None) -> m.Criterion:
    """Create (empty key) or update a criterion.

    Editing one that votes use: the impact (``criterion_impact``) is worked
    out again inside the transaction and must equal ``accept``, what the
    facilitator agreed to, or nothing is saved (``NeedsConsent``). The policy
    that keeps stored votes valid: scores outside a new scale, and every
    score of a criterion turned into a gate, are removed (never clamped: a
    changed number would put words in someone's mouth); the rest of each
    ballot still counts. A weight or direction change keeps every vote and
    re-ranks the rounds that used it, which the impact says.
    """
    criterion = dataclasses.replace(criterion, name=criterion.name.strip())
    _check_criterion(criterion)

    def work(s):
        current = repo.criteria(s, session_id)
        if criterion.key and criterion.key not in current:
            raise EditError("That criterion is no longer in this session.")
        saved = criterion if criterion.key else dataclasses.replace(criterion, key=new_key(criterion.name, current, "c"))
        impact = _criterion_impact(s, session_id, saved)
        _require_consent(impact, accept)
        if criterion.key:
            matrix = [r.key for r in repo.rounds_with_votes_on(s, session_id, criterion=saved.key)
                      if r.method == "matrix"]
            if saved.kind != "score":
                repo.delete_criterion_votes(s, session_id, saved.key, matrix)
            else:
                repo.delete_criterion_votes(s, session_id, saved.key, matrix, outside=(saved.min, saved.max))
        repo.save_criterion(s, session_id, saved)
        return saved, impact

    saved, _ = use_case(db, session_id, "criterion.save", work,
                        audit=lambda done: dict(key=done[0].key, name=done[0].name, kind=done[0].kind,
                                                impact=list(done[1].lines)))
    return saved


def delete_criterion(db: Database, session_id: int, key: str) -> None:
    use_case(db, session_id, "criterion.delete", lambda s: repo.delete_criterion(s, session_id, key),
             audit=dict(key=key))


def apply_template(db: Database, session_id: int, template_key: str) -> tuple[m.Criterion, ...]:
    """Replace the session's criteria with a template's.

    Refused when votes already use the current criteria: replacing them would
    silently throw the room's scores away.
    """
    chosen = template(template_key)

    def work(s):
        current = list(repo.criteria(s, session_id))
        used = repo.count_votes(s, session_id, criteria=current)
        if used:
            raise EditError(f"{used} vote(s) or gate assessment(s) already use the current criteria, so the "
                            "template was not applied. Edit the criteria one by one instead.")
        for key in current:
            repo.delete_criterion(s, session_id, key)
        s.flush()
        for criterion in chosen.criteria:
            repo.save_criterion(s, session_id, criterion)
        return chosen.criteria

    return use_case(db, session_id, "criteria.template", work, audit=dict(template=chosen.key))


# -- exemplar gates -----------------------------------------------------------

def record_gate(db: Database, session_id: int, initiative: str, criterion: str, passed: bool | None,
                note: str = "") -> None:
    """Record whether an initiative passes a gate (None clears the assessment).

    Gate assessments are the votes of the session's "gates" round, created on
    first use; there is one per initiative and gate.
    """

    def work(s):
        crit = s.exec(select(CriterionRow).where(CriterionRow.session_id == session_id,
                                                 CriterionRow.key == criterion)).scalars().first()
        if crit is None or crit.kind != "gate":
            raise EditError(f"{criterion!r} is not a gate criterion of this session.")
        has_round = s.exec(select(RoundRow.id).where(RoundRow.session_id == session_id,
                                                     RoundRow.key == GATES_ROUND)).first()
        if has_round is None:
            repo.save_round(s, session_id, m.Round(key=GATES_ROUND, method="gates", title="Exemplar gates",
                                                   status="open"))
        repo.delete_votes(s, session_id, GATES_ROUND, initiative=initiative, criterion=criterion)
        if passed is not None:
            repo.add_votes(s, session_id, GATES_ROUND,
                           [m.Vote(initiative=initiative, criterion=criterion, value=passed, note=note.strip())],
                           anonymous=False)
        repo.audit(s, session_id, "gate.record", initiative=initiative, criterion=criterion, passed=passed)

    write(db, work)


def count_votes(db: Database, session_id: int, *, participant: str | None = None, initiative: str | None = None,
                criterion: str | None = None) -> int:
    """How many votes would go with a person, initiative or criterion (for the confirm question)."""
    with reading(db) as s:
        return repo.count_votes(s, session_id, participant=participant, initiative=initiative, criterion=criterion)


# -- what an edit does to stored votes ------------------------------------------

@dataclass(frozen=True)
class Impact:
    """What an edit would do to stored votes, one line per round, in the facilitator's words."""

    lines: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.lines)

    def text(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)


class NeedsConsent(EditError):
    """The edit would change stored votes: ask with ``impact``, then call again with ``accept=impact``."""

    def __init__(self, impact: Impact) -> None:
        super().__init__("This changes votes already cast; nothing was saved. Confirm first:\n" + impact.text())
        self.impact = impact


def _require_consent(impact: Impact, accept: Impact | None) -> None:
    if impact and impact != accept:
        raise NeedsConsent(impact)


def _round_name(key: str, title: str, status: str) -> str:
    state = {"open": "open", "closed": "closed"}.get(status, status)
    return f"Round {key} \u201c{title or key}\u201d ({state})"


def _title_of(s, session_id: int, key: str) -> str:
    for item in repo.initiative_titles(s, session_id, [key]).values():
        return f"\u201c{item}\u201d"
    raise EditError("That initiative is no longer in this session.")
