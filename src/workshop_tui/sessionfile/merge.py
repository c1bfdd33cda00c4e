"""Combine the same workshop run at several sites (or breakout groups) into one.

Pure: Workshops in, one Workshop out, with every matching decision reported.
- Initiatives match by key, then by title (case-insensitive; reported).
- Participants stay distinct, tagged with their site; a key used at two
  sites is prefixed with the site's tag (reported).
- Criteria, bottlenecks and rounds match by key; rounds with the same key are
  combined. Secret ballots get the site tag in their ballot id, so per-site
  results stay possible without naming anyone.
- Conflicts (same key, different definition) are reported, never guessed:
  the merge fails and lists them all.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from workshop_tui.domain import model as m
from workshop_tui.domain import rules
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.sessionfile.reader import SessionFileError
from workshop_tui.sessionfile.spreadsheet import _json_ready
from workshop_tui.sessionfile.validate import build_workshop
from workshop_tui.sessionfile.writer import workshop_to_dict


def _shown(value: object) -> str:
    """A value in a conflict message as people write it: 3 and 15/2, not Fraction(3, 1)."""
    from fractions import Fraction

    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_shown(v) for v in value) + ")" if value else "none"
    if value is None:
        return "none"
    return repr(value) if isinstance(value, str) else str(value)


class MergeConflict(Exception):
    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join([f"cannot merge: {len(self.conflicts)} conflict(s) found:"]
                         + [f"  {c}" for c in self.conflicts])


@dataclass(frozen=True)
class Merged:
    workshop: m.Workshop
    notes: tuple[str, ...]
    sites: tuple[str, ...]


def site_tag(name: str) -> str:
    """A key-safe form of a site name: prefixes merged keys and secret ballot ids."""
    out = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return out[:40] or "site"


def merge(sources: list[tuple[str, m.Workshop]]) -> Merged:
    """``sources`` is (site name, workshop) per file, in order; the first file's session details lead."""
    if len(sources) < 2:
        raise MergeConflict(["give at least two session files to merge"])
    conflicts: list[str] = []
    notes: list[str] = []
    names = [name for name, _ in sources]
    tags = [site_tag(n) for n in names]
    if len(set(tags)) != len(tags):
        conflicts.append(f"two sites have the same name or tag: {', '.join(names)} (use --sites to name them)")
        raise MergeConflict(conflicts)

    criteria: dict[str, m.Criterion] = {}
    bottlenecks: dict[str, m.Bottleneck] = {}
    for site, w in sources:
        for c in w.criteria:
            if c.key in criteria and criteria[c.key] != c:
                conflicts.append(f"criterion {c.key!r} differs at {site} (name, kind, weight, scale or direction)")
            criteria.setdefault(c.key, c)
        for b in w.bottlenecks:
            if b.key in bottlenecks and bottlenecks[b.key] != b:
                conflicts.append(f"bottleneck {b.key!r} differs at {site} (name, capacity or unit)")
            bottlenecks.setdefault(b.key, b)

    initiatives: dict[str, m.Initiative] = {}
    item_maps: list[dict[str, str]] = []
    for site, w in sources:
        mapping: dict[str, str] = {}
        by_title = {i.title.casefold(): k for k, i in initiatives.items()}
        for i in w.initiatives:
            if i.key in initiatives:
                mapping[i.key] = i.key
            elif i.title.casefold() in by_title:
                mapping[i.key] = by_title[i.title.casefold()]
                notes.append(f"{site}: initiative {i.key!r} matched {mapping[i.key]!r} by its title {i.title!r}")
            else:
                mapping[i.key] = i.key
        for i in w.initiatives:
            target = mapping[i.key]
            item = dataclasses.replace(i, key=target, depends_on=tuple(mapping.get(d, d) for d in i.depends_on))
            if target in initiatives:
                first = initiatives[target]
                for field in ("effort", "cost", "decided", "depends_on", "portfolio", "kind"):
                    if getattr(first, field) != getattr(item, field):
                        conflicts.append(f"initiative {target!r}: {field} is {_shown(getattr(first, field))} in the "
                                         f"first file but {_shown(getattr(item, field))} at {site}")
                if dict(first.demands) != dict(item.demands):
                    conflicts.append(f"initiative {target!r}: bottleneck demands differ at {site}")
                if first.title != item.title and i.key == target:
                    notes.append(f"{site}: initiative {target!r} is titled {i.title!r} there; kept {first.title!r}")
            else:
                initiatives[target] = item
        item_maps.append(mapping)

    participants: dict[str, m.Participant] = {}
    people_maps: list[dict[str, str]] = []
    for (site, w), tag in zip(sources, tags):
        mapping = {}
        for p in w.participants:
            key = p.key
            if key in participants:
                key = f"{tag}-{p.key}"[:64]
                notes.append(f"{site}: participant key {p.key!r} is also used elsewhere; renamed {key!r}")
            if key in participants:
                conflicts.append(f"{site}: participant key {key!r} is still not unique after adding the site tag")
                continue
            mapping[p.key] = key
            participants[key] = dataclasses.replace(p, key=key, site=site)
        people_maps.append(mapping)

    rounds: dict[str, m.Round] = {}
    for (site, w), tag, items, people in zip(sources, tags, item_maps, people_maps):
        for r in w.rounds:
            votes = tuple(_rekey_vote(v, items, people, tag) for v in r.votes)
            # The rules each site voted under, defaults written out (a dots budget left to its
            # default depends on the site's number of initiatives, which the merge changes).
            written = _settings_used(r, len(w.initiatives))
            remapped = dataclasses.replace(
                r, votes=votes, voted=tuple(people[k] for k in r.voted if k in people),
                abstained=tuple(people[k] for k in r.abstained if k in people),
                settings=written if written is not None else r.settings)
            if r.key not in rounds:
                rounds[r.key] = remapped
                continue
            first = rounds[r.key]
            for field in ("method", "anonymous"):
                if getattr(first, field) != getattr(r, field):
                    conflicts.append(f"round {r.key!r}: {field} is {_shown(getattr(first, field))} in the first file "
                                     f"but {_shown(getattr(r, field))} at {site}")
            if dict(first.settings) != dict(remapped.settings):
                conflicts.append(f"round {r.key!r}: settings differ at {site} "
                                 f"({_shown(dict(first.settings))} against {_shown(dict(remapped.settings))})")
            rounds[r.key] = dataclasses.replace(
                first, votes=first.votes + remapped.votes, voted=first.voted + remapped.voted,
                abstained=first.abstained + remapped.abstained,
                status="closed" if first.status == r.status == "closed" else "open",
                hidden=first.hidden and r.hidden)

    sheets: dict[str, m.GateSheet] = {}
    for (site, w), items, people in zip(sources, item_maps, people_maps):
        for g in w.gate_sheets:
            assessed = tuple(dataclasses.replace(
                a, initiative=items.get(a.initiative, a.initiative),
                participant=people.get(a.participant, a.participant) if a.participant else None)
                for a in g.assessments)
            first = sheets.get(g.key)
            sheets[g.key] = (dataclasses.replace(g, assessments=assessed) if first is None else
                             dataclasses.replace(first, assessments=first.assessments + assessed))

    decisions: dict[str, m.Decision] = {}
    actions: list[m.Action] = []
    action_keys: set[str] = set()
    for (site, w), tag, items in zip(sources, tags, item_maps):
        for d in w.decisions:
            d = dataclasses.replace(d, initiative=items.get(d.initiative, d.initiative))
            if d.initiative in decisions and decisions[d.initiative].effective_kind != d.effective_kind:
                conflicts.append(f"override for {d.initiative!r}: {decisions[d.initiative].effective_kind} in one file, "
                                 f"{d.effective_kind} at {site}")
            decisions.setdefault(d.initiative, d)
        for a in w.actions:
            key = a.key if a.key not in action_keys else f"{tag}-{a.key}"[:64]
            action_keys.add(key)
            actions.append(dataclasses.replace(a, key=key, initiative=items.get(a.initiative, a.initiative)
                                               if a.initiative else None))
    if conflicts:
        raise MergeConflict(conflicts)

    lead = sources[0][1].session
    session = dataclasses.replace(
        lead, description=(lead.description + "\n\n" if lead.description else "")
        + "Merged from " + ", ".join(names) + ".")
    merged = m.Workshop(session=session, participants=tuple(participants.values()),
                        initiatives=tuple(initiatives.values()), bottlenecks=tuple(bottlenecks.values()),
                        criteria=tuple(criteria.values()), rounds=tuple(rounds.values()),
                        decisions=tuple(decisions.values()), actions=tuple(actions),
                        gate_sheets=tuple(sheets.values()))
    try:
        # The result must be a valid session file in its own right (e.g. no new dependency cycles).
        merged = build_workshop(_json_ready(workshop_to_dict(merged)), "merged session")
    except SessionFileError as exc:
        raise MergeConflict([str(p) for p in exc.problems]) from None
    return Merged(merged, tuple(notes), tuple(names))


def _settings_used(rnd: m.Round, n_items: int) -> dict | None:
    """The round's settings as the rule book reads them, every default spelled out."""
    try:
        return rules.parse_settings(rnd.method, rnd.settings, n_items).as_dict()
    except SettingsError:
        return None  # reported when the merged file is checked


def _rekey_vote(v: m.Vote, items: dict[str, str], people: dict[str, str], tag: str) -> m.Vote:
    ranking = None
    if v.ranking is not None:
        ranking = tuple(tuple(items.get(k, k) for k in e) if isinstance(e, tuple) else items.get(e, e)
                        for e in v.ranking)
    return dataclasses.replace(
        v, participant=people.get(v.participant, v.participant) if v.participant else None,
        initiative=items.get(v.initiative, v.initiative) if v.initiative else None, ranking=ranking,
        ballot=f"{tag}.{v.ballot}"[:64] if v.ballot else None)
