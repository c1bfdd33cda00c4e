"""The board pack in Markdown: readable as plain text, renders on any forge or wiki.

All user text is escaped, so a title such as ``<script>`` or ``[link](x)``
shows literally instead of becoming markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from workshop_tui.domain.model import Workshop
from workshop_tui.exporters import board_pack as bp
from workshop_tui.presentation import plural

SUFFIX = ".md"
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~!{}])")


def esc(text: object) -> str:
    """Inline Markdown text with every markup character escaped and lines joined."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out + [""]


def render(workshop: Workshop) -> str:
    return render_pack(bp.build(workshop))


def render_pack(p: bp.BoardPack) -> str:
    lines: list[str] = [f"# {esc(p.title)}", ""]
    meta = [x for x in (esc(p.organisation), esc(p.date), f"facilitated by {esc(p.facilitator)}" if p.facilitator else "")
            if x]
    if meta:
        lines += [" · ".join(meta), ""]
    if p.mission or p.horizon:
        lines += ["## Mission and horizon", ""]
        if p.mission:
            lines += [f"> {esc(p.mission)}", ""]
        if p.horizon:
            lines += [f"Time horizon: {esc(p.horizon)}.", ""]
    lines += _participation(p)
    lines += _gates(p)
    lines += _plan(p)
    lines += _rounds(p)
    lines += _decided(p)
    lines += _overrides(p)
    lines += _actions(p)
    lines += _how(p)
    return "\n".join(lines).rstrip("\n") + "\n"


def _participation(p: bp.BoardPack) -> list[str]:
    lines = ["## Who took part", "", f"{plural(p.participants, 'participant')}, by discipline:", ""]
    lines += _table(["Discipline", "People"], [[esc(label), str(n)] for label, n in p.by_discipline])
    if p.by_site:
        lines += _table(["Site", "People"], [[esc(site), str(n)] for site, n in p.by_site])
    return lines


def _gates(p: bp.BoardPack) -> list[str]:
    if not p.gates:
        return []
    lines = ["## Exemplar candidates and their gates", "",
             "A failed gate is a show-stopper: the initiative is ruled out of the plan.", ""]
    rows = [[esc(g.title)] + [o for o in g.outcomes] + ["passes" if g.passes else "**ruled out**", esc(g.notes)]
            for g in p.gates]
    return lines + _table(["Initiative"] + [esc(n) for n in p.gate_names] + ["Outcome", "Notes on failures"], rows)


def _plan(p: bp.BoardPack) -> list[str]:
    lines = ["## The plan: what we will do, and what we will not do now", ""]
    if p.plan is None:
        return lines + [esc(p.plan_problem), ""]
    v = p.plan
    lines += [f"From the ranking of round {esc(v.round_title)}"
              + (f", within a bandwidth of {v.bandwidth} initiatives at once ({v.slots_used} used)." if v.bandwidth
                 else "."), ""]
    lines += ["### We will do", ""]
    lines += _table(["Wave", "Rank", "Initiative", "Score", "Why"],
                    [[r.wave, r.rank, esc(r.title), r.score, esc(r.reasons)] for r in v.will_do]) if v.will_do \
        else ["Nothing is selected.", ""]
    lines += ["### Not now", ""]
    lines += _table(["Rank", "Initiative", "Score", "Why not now"],
                    [[r.rank, esc(r.title), r.score, esc(r.reasons)] for r in v.not_now]) if v.not_now \
        else ["Nothing.", ""]
    lines += ["### We won't do", ""]
    lines += _table(["Rank", "Initiative", "Score", "Why not"],
                    [[r.rank, esc(r.title), r.score, esc(r.reasons)] for r in v.wont]) if v.wont \
        else ["Nothing is ruled out.", ""]
    if v.capacity:
        lines += ["### Bottleneck use", ""]
        lines += _table(["Constraint", "Used", "Capacity", "Unit"],
                        [[esc(c.name), c.used, c.capacity, esc(c.unit)] for c in v.capacity])
    if v.optimiser:
        lines += [esc(v.optimiser), ""]
    lines += [f"- Warning: {esc(w)}" for w in v.warnings]
    return lines + ([""] if v.warnings else [])


def _rounds(p: bp.BoardPack) -> list[str]:
    lines = []
    for r in p.rounds:
        lines += [f"## Round {esc(r.key)}: {esc(r.title)} ({esc(r.method_label)})", ""]
        if r.withheld:
            lines += [esc(r.withheld), ""]
            continue
        ballots = f"{plural(r.counted, 'ballot')} counted"
        if r.blank:
            ballots += f", {r.blank} blank"
        if r.rejected:
            ballots += f", {r.rejected} rejected"
        lines += [f"{ballots}. " + ("Secret ballot: " + esc(r.voters) + "." if r.anonymous
                                    else ("Voted: " + esc(r.voters) + "." if r.voters else "")), ""]
        if r.rows:
            lines += _table(["Rank", "Initiative", esc(r.score_label), "Agreement", "Spread", "Detail"],
                            [[x.rank, esc(x.title), x.score, x.agreement, esc(x.spread), esc(x.extra)] for x in r.rows])
        if r.agreement:
            lines += [esc(r.agreement), ""]
        if r.sites:
            lines += _site_table(r)
        lines += [f"- Note: {esc(w)}" for w in r.warnings]
        if r.warnings:
            lines.append("")
    return lines


def _site_table(r: bp.RoundView) -> list[str]:
    lines = ["Per-site ranking (each site's ballots counted on their own):", ""]
    headers = ["Initiative", "Combined"] + [f"{esc(s.site)} ({s.ballots})" for s in r.sites]
    rows = [[esc(x.title), x.rank] + [s.ranks.get(x.key, "") for s in r.sites] for x in r.rows]
    lines += _table(headers, rows)
    lines += [f"- {esc(s.site)}: {esc(s.withheld)}" for s in r.sites if s.withheld]
    return lines + ([""] if any(s.withheld for s in r.sites) else [])


def _decided(p: bp.BoardPack) -> list[str]:
    if not p.decided:
        return []
    lines = ["## Decisions already made", "", "These take bandwidth and capacity before anything is chosen.", ""]
    return lines + _table(["Initiative", "Decision", "Owner"], [[esc(d.title), esc(d.decided), esc(d.owner)]
                                                               for d in p.decided])


def _overrides(p: bp.BoardPack) -> list[str]:
    if not p.overrides:
        return []
    lines = ["## Facilitator overrides", "", "Where the room overruled the arithmetic, and why.", ""]
    return lines + _table(["Initiative", "Decision", "Round", "Rationale"],
                          [[esc(o.title), esc(o.outcome), esc(o.round), esc(o.rationale)] for o in p.overrides])


def _actions(p: bp.BoardPack) -> list[str]:
    lines = ["## Actions", ""]
    if not p.actions:
        return lines + ["No actions recorded yet.", ""]
    return lines + _table(["Action", "Initiative", "Owner", "Measure", "Due"],
                          [[esc(a.title), esc(a.initiative), esc(a.owner), esc(a.measure), esc(a.due)]
                           for a in p.actions])


def _how(p: bp.BoardPack) -> list[str]:
    if not p.how:
        return []
    lines = ["## How the scores were computed", ""]
    lines += [f"- **{esc(label)}.** {esc(text)}" for label, text in p.how]
    return lines + ["", "Numbers are rounded for reading (half away from zero); ranks were computed on exact values.",
                    ""]


def write(workshop: Workshop, path: Path, prepared=None) -> Path:
    """``prepared``: an ``exporters.prepared.Prepared`` for this workshop, whose board pack is shared."""
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(path, render_pack(prepared.pack) if prepared is not None else render(workshop))
