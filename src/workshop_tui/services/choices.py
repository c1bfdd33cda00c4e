"""Results, the plan, facilitator overrides and actions, for the TUI and the CLI.

Reading functions take a ``Workshop`` already loaded (the screens have one)
and turn the engine's exceptions into ``ChoiceError`` with a plain message.
Writing functions are one user action and one committed transaction each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workshop_tui.domain import model as m
from workshop_tui.domain import results as engine
from workshop_tui.services.unit_of_work import use_case
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database

OUTCOMES = {"include": "will do", "exclude": "won't do"}
# An outcome alone (as before the kinds) means its usual kind.
KIND_OF_OUTCOME = {"include": "within", "exclude": "rule_out"}


class ChoiceError(ValueError):
    """Something the facilitator asked for cannot be done; the message says why."""


# -- results ------------------------------------------------------------------

def scored_rounds(workshop: m.Workshop) -> list[m.Round]:
    """Rounds that produce a ranking (every method but gate checks), in order."""
    return [r for r in workshop.rounds if r.method != "gates"]


def default_round(workshop: m.Workshop) -> str | None:
    """The latest scored round with votes whose results are shown, else the latest scored round."""
    shown = [r.key for r in scored_rounds(workshop) if r.votes and not r.hidden]
    if shown:
        return shown[-1]
    rounds = scored_rounds(workshop)
    return rounds[-1].key if rounds else None


def result(workshop: m.Workshop, round_key: str) -> engine.RoundResult:
    try:
        return engine.round_result(workshop, round_key)
    except KeyError:
        raise ChoiceError(f"There is no round {round_key!r} in this session.") from None
    except engine.SettingsError as exc:
        raise ChoiceError(f"Round {round_key} cannot be counted: {exc}.") from None


def previous_round(workshop: m.Workshop, round_key: str) -> str | None:
    """The scored round with votes just before ``round_key`` (for "who moved")."""
    keys = [r.key for r in scored_rounds(workshop) if r.votes and not r.hidden]
    if round_key not in keys:
        return None
    n = keys.index(round_key)
    return keys[n - 1] if n > 0 else None


def compare(workshop: m.Workshop, before: str, after: str) -> dict[str, engine.RankMove]:
    try:
        return {move.initiative: move for move in engine.compare_rounds(workshop, before, after)}
    except (KeyError, engine.SettingsError) as exc:
        raise ChoiceError(f"These rounds cannot be compared: {exc}.") from None


# -- the plan -----------------------------------------------------------------

def plan(workshop: m.Workshop, round_key: str | None = None) -> engine.Plan:
    key = round_key if round_key is not None else default_round(workshop)
    try:
        return engine.plan(workshop, key)
    except engine.PlanInputError as exc:
        raise ChoiceError(f"No plan can be made yet: {exc}.") from None
    except engine.SettingsError as exc:
        raise ChoiceError(f"Round {key} cannot be counted: {exc}.") from None


def preview_override(workshop: m.Workshop, initiative: str, kind: str, round_key: str | None = None) -> engine.Plan:
    """The plan as it would be with this override (nothing saved): what it displaces, before asking."""
    import dataclasses  # noqa: PLC0415 - only when previewing

    kind = KIND_OF_OUTCOME.get(kind, kind)
    if kind not in m.OVERRIDE_KINDS:
        raise ChoiceError(f"{kind!r} is not a kind of override.")
    d = m.Decision(initiative=initiative, outcome=m.OVERRIDE_KIND_OUTCOME[kind], rationale="(proposed)",
                   round=round_key, kind=kind)
    others = tuple(x for x in workshop.decisions if x.initiative != initiative)
    return plan(dataclasses.replace(workshop, decisions=others + (d,)), round_key)


def discussion(workshop: m.Workshop, round_key: str) -> list[engine.RankedItem]:
    try:
        return engine.discussion_queue(workshop, round_key)
    except (engine.PlanInputError, engine.SettingsError):
        return []


def record_override(db: Database, session_id: int, initiative: str, kind: str, rationale: str,
                    round_key: str | None = None) -> None:
    """The facilitator overrules the arithmetic for one initiative, saying why.

    ``kind`` is one of ``model.OVERRIDE_KINDS`` (within / stretch / rule_out);
    the outcomes "include" and "exclude" are read as within and rule_out."""
    kind = KIND_OF_OUTCOME.get(kind, kind)
    if kind not in m.OVERRIDE_KINDS:
        raise ChoiceError("An override includes an initiative within the bandwidth, includes it above the "
                          "bandwidth (a stretch item), or rules it out.")
    rationale = rationale.strip()
    if not rationale:
        raise ChoiceError("Say why: the reason is recorded with the decision and shown to the board.")
    outcome = m.OVERRIDE_KIND_OUTCOME[kind]

    def work(s):
        repo.add_decision(s, session_id, m.Decision(initiative=initiative, outcome=outcome, rationale=rationale,
                                                    round=round_key, kind=kind))

    _write(db, session_id, "decision.override", work,
           audit=dict(initiative=initiative, outcome=outcome, kind=kind, round=round_key))


def remove_override(db: Database, session_id: int, initiative: str) -> None:
    _write(db, session_id, "decision.remove", lambda s: repo.delete_decision(s, session_id, initiative),
           audit=dict(initiative=initiative))


# -- actions ------------------------------------------------------------------

def parse_due(text: str) -> dt.date | None:
    """A due date typed as YYYY-MM-DD (empty: none yet)."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ChoiceError(f"{text!r} is not a date: type it as YYYY-MM-DD, e.g. 2027-03-31.") from None


def save_action(db: Database, session_id: int, action: m.Action) -> str:
    """Create or update an action; returns its key. Only the title is required
    to save: what is still missing is shown by ``check_actions``."""
    if not action.title.strip():
        raise ChoiceError("An action needs a title: what will be done.")

    return _write(db, session_id, "action.save", lambda s: repo.save_action(s, session_id, action),
                  audit=lambda key: dict(key=key, initiative=action.initiative))


def delete_action(db: Database, session_id: int, key: str) -> None:
    _write(db, session_id, "action.delete", lambda s: repo.delete_action(s, session_id, key), audit=dict(key=key))


@dataclass(frozen=True)
class ActionCheck:
    action: str  # key ("" for the list as a whole)
    message: str


def missing(action: m.Action) -> list[str]:
    """What a commitment still lacks: an owner, a measure, a due date."""
    out = []
    if not action.owner.strip():
        out.append("owner")
    if not action.measure.strip():
        out.append("measure")
    if action.due is None:
        out.append("due date")
    return out


def check_actions(workshop: m.Workshop, plan_: engine.Plan | None = None) -> list[ActionCheck]:
    """The guidance: each action has an owner, a measure and a date, and there are few of them;
    and an action fits the plan (not on a not-now or won't initiative) and the calendar."""
    checks = []
    for a in workshop.actions:
        lacks = missing(a)
        if lacks:
            checks.append(ActionCheck(a.key, f"{a.title}: no {', no '.join(lacks)}"))
    if plan_ is None and workshop.actions:
        try:
            plan_ = plan(workshop)
        except ChoiceError:
            plan_ = None
    checks.extend(ActionCheck(key, message) for key, message in engine.action_flags(workshop, plan_))
    limit = workshop.session.max_actions or 5
    if len(workshop.actions) > limit:
        checks.append(ActionCheck("", f"{len(workshop.actions)} actions: the guidance asks for a short list "
                                      f"(at most {limit} here). Merge or drop some."))
    return checks


def _write(db: Database, session_id: int, action: str, work, *, audit):
    try:
        return use_case(db, session_id, action, work, audit=audit)
    except repo.NotFound as exc:
        raise ChoiceError(str(exc)) from None
