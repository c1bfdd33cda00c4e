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
from workshop_tui.domain import rounds as round_policy
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
    """Rounds that produce a ranking (every voting round), in order: the round policy's list."""
    return round_policy.voting_rounds(workshop)


def default_round(workshop: m.Workshop) -> str | None:
    """The round results open on (round policy): the latest shown round with votes, else the latest round."""
    shown = round_policy.default_round(workshop)
    if shown is not None:
        return shown
    rounds = scored_rounds(workshop)
    return rounds[-1].key if rounds else None


def publication(rnd: m.Round) -> round_policy.Publication:
    """What of a round may be shown (the round policy's one decision)."""
    return round_policy.publication(rnd)


def result(workshop: m.Workshop, round_key: str) -> engine.RoundResult:
    """A round's result, if the round policy lets it be shown (else ``ChoiceError`` saying why)."""
    try:
        round_policy.check_shown(workshop, round_key)
        return engine.round_result(workshop, round_key)
    except KeyError:
        raise ChoiceError(f"There is no round {round_key!r} in this session.") from None
    except round_policy.RoundNotShown as exc:
        raise ChoiceError(str(exc)) from None
    except engine.SettingsError as exc:
        raise ChoiceError(f"Round {round_key} cannot be counted: {exc}.") from None


def previous_round(workshop: m.Workshop, round_key: str) -> str | None:
    """The shown round with votes just before ``round_key`` (for "who moved")."""
    return round_policy.previous_shown(workshop, round_key)


def compare(workshop: m.Workshop, before: str, after: str) -> dict[str, engine.RankMove]:
    try:
        return {move.initiative: move for move in engine.compare_rounds(workshop, before, after)}
    except (KeyError, engine.SettingsError) as exc:
        raise ChoiceError(f"These rounds cannot be compared: {exc}.") from None


def triangulation(workshop: m.Workshop) -> engine.Triangulation | None:
    """Which initiatives stay in, or flip in or out of, the top group across the shown rounds
    with votes (hidden rounds take no part). None with fewer than two such rounds.

    The top group is the plan's will-do list when the bandwidth is set, else the top third.
    """
    import dataclasses
    import math

    shown = tuple(r for r in workshop.rounds if not r.hidden)
    if sum(1 for r in shown if r.method != "gates" and r.votes) < 2:
        return None
    visible = dataclasses.replace(workshop, rounds=shown)
    top = None if workshop.session.bandwidth else max(1, math.ceil(len(workshop.initiatives) / 3))
    try:
        return engine.triangulate(visible, top=top)
    except (KeyError, engine.SettingsError, engine.PlanInputError):
        return None


# -- the plan -----------------------------------------------------------------

def plan_round(workshop: m.Workshop) -> str | None:
    """The round the plan is made from: the pinned round, else the default (round policy)."""
    return round_policy.plan_round(workshop)


def plan_rounds(workshop: m.Workshop) -> list[str]:
    """The rounds the facilitator may make the plan from: shown rounds with votes."""
    return round_policy.later_rounds(workshop, None)


def plan(workshop: m.Workshop, round_key: str | None = None) -> engine.Plan:
    """The plan from ``round_key`` (default: the plan's round); a round that may not be shown is refused."""
    key = round_key if round_key is not None else plan_round(workshop)
    withheld = [r for r in round_policy.voting_rounds(workshop) if r.votes and not round_policy.is_shown(r)]
    if key is None and withheld:
        # Say why there is no plan yet rather than show one made from no round at all.
        raise ChoiceError(" ".join(round_policy.publication(r).reason for r in withheld)
                          + " The plan is made from a round whose results can be shown.")
    try:
        if key is not None:
            round_policy.check_shown(workshop, key)
        return engine.plan(workshop, key)
    except KeyError:
        raise ChoiceError(f"There is no round {key!r} in this session.") from None
    except round_policy.RoundNotShown as exc:
        raise ChoiceError(str(exc)) from None
    except engine.PlanInputError as exc:
        raise ChoiceError(f"No plan can be made yet: {exc}.") from None
    except engine.SettingsError as exc:
        raise ChoiceError(f"Round {key} cannot be counted: {exc}.") from None


@dataclass(frozen=True)
class PlanMove:
    """One initiative whose place in the plan would change."""

    initiative: str
    title: str
    before: str  # "will do", "not now", "won't" or "" (not in the plan)
    after: str


@dataclass(frozen=True)
class PlanSwitch:
    """An offer: make the plan from ``offered`` instead of ``current``, and what that would change."""

    current: str | None
    offered: str
    moves: tuple[PlanMove, ...]
    overrides: tuple[str, ...]  # overrides recorded against another round, which would apply as they are

    def describe(self) -> list[str]:
        """The offer in the facilitator's words, one line each."""
        head = (f"The plan is made from round {self.current}. Round {self.offered} can now be shown: "
                f"switch the plan to it?" if self.current else
                f"Round {self.offered} can now be shown: make the plan from it?")
        lines = [head]
        if not self.moves:
            lines.append("Switching would change no initiative's place in the plan.")
        for move in self.moves:
            lines.append(f"  {move.title}: {move.before or 'not planned'} -> {move.after or 'not planned'}")
        for text in self.overrides:
            lines.append(f"  Override kept: {text}")
        return lines


def _outcomes(p: engine.Plan) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, items in (("will do", p.will_do), ("not now", p.not_now), ("won't", p.wont)):
        for item in items:
            out[item.initiative] = label
    return out


def switch_offer(workshop: m.Workshop, round_key: str) -> PlanSwitch | None:
    """What switching the plan to ``round_key`` would change (None: nothing to offer).

    Only an offer: the plan keeps its round until the facilitator chooses
    (``set_plan_round``).
    """
    current = plan_round(workshop)
    rnd = next((r for r in round_policy.voting_rounds(workshop) if r.key == round_key), None)
    if rnd is None or round_key == current or not rnd.votes or not round_policy.is_shown(rnd):
        return None
    try:
        before = _outcomes(plan(workshop, current)) if current is not None else {}
        after = _outcomes(plan(workshop, round_key))
    except ChoiceError:
        return None
    titles = {i.key: i.title for i in workshop.initiatives}
    moves = tuple(PlanMove(k, titles.get(k, k), before.get(k, ""), after.get(k, ""))
                  for k in titles if before.get(k, "") != after.get(k, ""))
    kept = tuple(f"{titles.get(d.initiative, d.initiative)}: {OUTCOMES.get(d.outcome, d.outcome)}"
                 f" (recorded on round {d.round})" for d in workshop.decisions if d.round and d.round != round_key)
    return PlanSwitch(current, round_key, moves, kept)


def set_plan_round(db: Database, session_id: int, round_key: str | None) -> None:
    """Pin the plan to ``round_key`` (None: follow the default round again); the facilitator's choice."""

    def work(s):
        workshop = repo.load_workshop(s, session_id)
        if round_key is not None:
            try:
                rnd = round_policy.check_shown(workshop, round_key)
            except KeyError:
                raise ChoiceError(f"There is no voting round {round_key!r} in this session.") from None
            except round_policy.RoundNotShown as exc:
                raise ChoiceError(str(exc)) from None
            if not rnd.votes:
                raise ChoiceError(f"Round {round_key} has no votes yet, so no plan can be made from it.")
        row = repo.get_session_row(s, session_id)
        row.plan_round = round_key
        s.add(row)

    _write(db, session_id, "plan.round", work, audit=dict(round=round_key))


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
        # The time is part of the decision log the board reads (to the second, UTC).
        at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        repo.add_decision(s, session_id, m.Decision(initiative=initiative, outcome=outcome, rationale=rationale,
                                                    round=round_key, kind=kind, decided_at=at))

    _write(db, session_id, "decision.override", work,
           audit=dict(initiative=initiative, outcome=outcome, kind=kind, round=round_key))


def decision_note(workshop: m.Workshop, initiative: str) -> str:
    """The recorded override on one initiative in a line: what, when, in which round ("" if none)."""
    from workshop_tui.presentation import decision_time  # noqa: PLC0415

    d = next((x for x in workshop.decisions if x.initiative == initiative), None)
    if d is None:
        return ""
    where = ""
    if d.round:
        rnd = next((r for r in workshop.rounds if r.key == d.round), None)
        where = f" on round {(rnd.title or rnd.key) if rnd else d.round}"
    return (f"Override ({m.OVERRIDE_KIND_LABELS.get(d.effective_kind, d.outcome)}) recorded "
            f"{decision_time(d.decided_at)}{where}.")


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
