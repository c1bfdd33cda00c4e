"""The board pack in Markdown: readable as plain text, renders on any forge or wiki.

Plain text first: lines wrap at about 100 characters, long content is a list
rather than a table, and only characters that would otherwise become markup
are escaped, so a title such as ``<script>`` or ``[link](x)`` shows literally
while "R&D" and "six_months" read as written. The result is CommonMark.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from workshop_tui.domain.model import Workshop
from workshop_tui.exporters import board_pack as bp
from workshop_tui.heap import collector_paused
from workshop_tui.presentation import plural

SUFFIX = ".md"
WIDTH = 100
_ALWAYS = re.compile(r"([\\`*\[\]|])")
# "<" starts a tag or an autolink only before a letter, "/", "!" or "?": "0.1 < 0.2" needs no backslash.
# ">" matters only at the start of a line (a quote), which _safe() handles.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# A wrapped line must not start with something CommonMark reads as a block.
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+*](?=\s|$)|>|\d{1,9}[.)](?=\s|$)|=+\s*$|~~~|```)")


def esc(text: object) -> str:
    """Inline Markdown text, lines joined, with only the characters that would be markup escaped."""
    flat = " ".join(str(text).split())
    flat = _ALWAYS.sub(r"\\\1", flat)
    flat = _TAG_OPEN.sub(r"\\<", flat)
    flat = _ENTITY.sub(r"\\&", flat)
    flat = _UNDERSCORE.sub(r"\\_", flat)
    flat = re.sub(r"!(?=\\\[)", r"\\!", flat)
    return flat


def _safe(line: str, indent: str) -> str:
    body = line[len(indent):]
    if _BLOCK_START.match(body):
        body = "\\" + body
    return indent + body


_GLUE = "\x00"  # joins two words the wrapper may not split (esc() has flattened any control character)


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """Wrapped lines where no continuation line starts with block markup ("1)", "- ", "#"): rather
    than escape it (a visible backslash), the word before it goes down to that line too."""
    words = text.split()
    flat = " ".join(words)
    if words and len(first) + len(flat) <= WIDTH:
        return [first + flat]  # one line, as textwrap would give it (most titles and notes), without it
    glued: set[int] = set()  # i: words[i] and words[i + 1] stay on one line
    while True:
        chunks, current = [], ""
        for i, word in enumerate(words):
            current = f"{current}{_GLUE}{word}" if current else word
            if i not in glued:
                chunks.append(current)
                current = ""
        lines = textwrap.wrap(" ".join(chunks), WIDTH, initial_indent=first, subsequent_indent=rest,
                              break_long_words=False, break_on_hyphens=False)
        seen, bad = 0, None
        for n, line in enumerate(lines):
            body = line[len(first if n == 0 else rest):]
            if n and _BLOCK_START.match(body.replace(_GLUE, " ")):
                bad = seen
                break
            seen += len(body.split(" "))
        if bad is None or bad == 0:
            return [line.replace(_GLUE, " ") for line in lines]
        # The chunk starting the bad line begins at word index sum(len(chunk words) ...): find it.
        index = sum(len(c.split(_GLUE)) for c in chunks[:bad])
        glued.add(index - 1)


def para(text: str, first: str = "", rest: str = "") -> list[str]:
    """A paragraph (or list item when ``first`` is "- ") wrapped at WIDTH, never split inside a word."""
    rest = rest or " " * len(first)
    lines = _wrap(text, first, rest)
    if not lines:
        return []
    out = [lines[0]] + [_safe(line, rest) for line in lines[1:]]
    if not first:
        out[0] = _safe(out[0], "")
    return out


def item(text: str) -> list[str]:
    return para(text, "- ", "  ")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A small table of short cells (counts, capacity); long content is a list instead."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out + [""]


def render(workshop: Workshop) -> str:
    return render_pack(bp.build(workshop))


def render_pack(p: bp.BoardPack) -> str:
    lines: list[str] = [f"# {esc(p.title)}", ""]
    meta = [x for x in (esc(p.organisation), esc(p.date), f"facilitated by {esc(p.facilitator)}" if p.facilitator else "",
                        f"time horizon {esc(p.horizon)}" if p.horizon else "") if x]
    if meta:
        lines += para(" · ".join(meta)) + [""]
    if p.mission:
        lines += para(esc(p.mission), "> ", "> ") + [""]
    lines += _page_one(p)
    lines += _plan(p)
    lines += _participation(p)
    lines += _gates(p)
    lines += _rounds(p)
    lines += _trace(p)
    lines += _decision_log(p)
    lines += _actions(p)
    lines += _notes(p)
    lines += _how(p)
    lines += _glossary(p)
    return "\n".join(lines).rstrip("\n") + "\n"


def _page_one(p: bp.BoardPack) -> list[str]:
    lines = ["## The decision asked of the board", ""] + para(esc(p.ask)) + [""]
    v = p.plan
    if v is None:
        return lines + para(esc(p.plan_problem)) + [""]
    lines += ["### What we will do", ""]
    for r in v.will_do:
        cost = f", cost {r.cost}" if r.cost else ""
        lines += item(f"**{esc(r.title)}** (wave {r.wave}{cost}): {esc(r.summary)}")
    lines += [""] if v.will_do else ["Nothing is selected.", ""]
    if v.undecided:
        lines += ["### Undecided: tied at the cut line", ""]
        for r in v.undecided:
            lines += item(f"**{esc(r.title)}** (rank {esc(r.rank)}): {esc(r.summary)}")
        lines.append("")
    lines += ["### What we will not do now, and won't do", ""]
    rest = [(r, "not now") for r in v.not_now] + [(r, "won't do") for r in v.wont]
    for r, label in rest:
        rank = f"rank {esc(r.rank)}, " if r.rank else ""
        lines += item(f"**{esc(r.title)}** ({rank}{label}): {esc(r.summary)}")
    lines += [""] if rest else ["Nothing.", ""]
    if v.overrides:
        lines += ["### Overrides and what they displaced", ""]
        for x in v.overrides:
            lines += item(esc(x))
        lines.append("")
    if v.condorcet:
        lines += para(esc(v.condorcet)) + [""]
    lines += ["### Risks", ""]
    for x in p.risks:
        lines += item(esc(x))
    return lines + ([""] if p.risks else ["None recorded.", ""])


def _plan_items(rows: tuple[bp.PlanRow, ...], with_wave: bool) -> list[str]:
    lines = []
    for r in rows:
        facts = ([f"wave {r.wave}"] if with_wave and r.wave else []) + ([f"rank {esc(r.rank)}"] if r.rank else []) \
            + ([f"score {r.score}"] if r.score else []) + ([f"cost {r.cost}"] if r.cost else [])
        lines += item(f"**{esc(r.title)}** ({', '.join(facts)}): {esc(r.reasons)}" if facts
                      else f"**{esc(r.title)}**: {esc(r.reasons)}")
    return lines + [""]


def _plan(p: bp.BoardPack) -> list[str]:
    lines = ["## The plan in full: what we will do, and what we will not do now", ""]
    if p.plan is None:
        return lines + para(esc(p.plan_problem)) + [""]
    v = p.plan
    text = f"From the ranking of round {esc(v.round_title)}"
    if v.bandwidth:
        text += f", within a bandwidth of {plural(int(v.bandwidth), 'initiative')} at once ({v.slots_used} used"
        text += f", {v.stretch_slots} of them above the bandwidth by decision)" if v.stretch_slots else ")"
    if v.tie_break:
        text += f". Declared tie-break for this round: {esc(v.tie_break)}"
    lines += para(text + ".") + [""]
    lines += ["### We will do", ""] + (_plan_items(v.will_do, True) if v.will_do else ["Nothing is selected.", ""])
    if v.undecided:
        lines += ["### Undecided: tied across the cut line", ""] + _plan_items(v.undecided, False)
    lines += ["### Not now", ""] + (_plan_items(v.not_now, False) if v.not_now else ["Nothing.", ""])
    lines += ["### We won't do", ""] + (_plan_items(v.wont, False) if v.wont else ["Nothing is ruled out.", ""])
    if v.capacity:
        lines += ["### Bottleneck use", ""]
        lines += _table(["Constraint", "Used", "Capacity", "Unit"],
                        [[esc(c.name), c.used, c.capacity, esc(c.unit)] for c in v.capacity])
    if v.optimiser:
        lines += para(esc(v.optimiser)) + [""]
    for w in v.warnings:
        lines += item(f"Warning: {esc(w)}")
    return lines + ([""] if v.warnings else [])


def _participation(p: bp.BoardPack) -> list[str]:
    lines = ["## Who took part", "", f"{plural(p.participants, 'participant')}, by discipline:", ""]
    lines += _table(["Discipline", "People"], [[esc(label), str(n)] for label, n in p.by_discipline])
    if p.by_site:
        lines += _table(["Site", "People"], [[esc(site), str(n)] for site, n in p.by_site])
    return lines


def _gates(p: bp.BoardPack) -> list[str]:
    if not p.gates:
        return []
    lines = ["## Exemplar candidates and their gates", ""]
    lines += para("A failed gate is a show-stopper: the initiative is ruled out of the plan. Gates: "
                  + "; ".join(esc(n) for n in p.gate_names) + ".") + [""]
    for g in p.gates:
        failed = [esc(n) for n, o in zip(p.gate_names, g.outcomes) if o == "fail"]
        unassessed = [esc(n) for n, o in zip(p.gate_names, g.outcomes) if o == "unassessed"]
        text = f"**{esc(g.title)}**: " + ("passes every gate" if g.passes else "**ruled out**, fails " + "; ".join(failed))
        if unassessed:
            text += f" (not assessed: {'; '.join(unassessed)})"
        if g.notes:
            text += f". {esc(g.notes)}"
        lines += item(text)
    return lines + [""]


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
        who = ("Secret ballot: " + esc(r.voters) + "." if r.anonymous else ("Voted: " + esc(r.voters) + "." if r.voters else ""))
        lines += para(f"{ballots}. {who}".strip()) + [""]
        for x in r.rows:
            facts = [f"{esc(r.score_label)} {x.score}"] + ([x.agreement] if x.agreement else []) \
                + ([esc(x.spread)] if x.spread else []) + ([esc(x.extra)] if x.extra else [])
            lines += item(f"**{esc(x.title)}** (rank {esc(x.rank)}): {'; '.join(facts)}")
        if r.rows:
            lines.append("")
        if r.agreement:
            lines += para(esc(r.agreement)) + [""]
        for note in r.notes:
            lines += para(esc(note)) + [""]
        if r.sites:
            lines += _sites(r)
        for w in r.warnings:
            lines += item(f"Note: {esc(w)}")
        if r.warnings:
            lines.append("")
    return lines


def _sites(r: bp.RoundView) -> list[str]:
    lines = para("Per-site ranking (each site's ballots counted on their own). Sites (ballots): "
                 + "; ".join(f"{esc(s.site)} ({s.ballots})" for s in r.sites) + ".") + [""]
    for x in r.rows:
        per = "; ".join(f"{esc(s.site)} {s.ranks.get(x.key, '') or '-'}" for s in r.sites if not s.withheld)
        lines += item(f"**{esc(x.title)}**: combined {esc(x.rank)}" + (f"; {per}" if per else ""))
    lines.append("")
    for s in r.sites:
        if s.withheld:
            lines += item(f"{esc(s.site)} ({plural(s.ballots, 'ballot')}): {esc(s.withheld)}")
    return lines + ([""] if any(s.withheld for s in r.sites) else [])


def _trace(p: bp.BoardPack) -> list[str]:
    if not p.trace_rounds:
        return []
    lines = ["## Traceability: each initiative in every round", ""]
    lines += para("Rank (score) in each scored round, and what the plan does with it. Rounds: "
                  + "; ".join(f"({n}) {esc(h)}" for n, h in enumerate(p.trace_rounds, start=1)) + ".") + [""]
    for t in p.trace:
        cells = "; ".join(f"({n}) {esc(c) or '-'}" for n, c in enumerate(t.cells, start=1))
        lines += item(f"**{esc(t.title)}**" + (f" ({t.plan})" if t.plan else "") + f": {cells}")
    return lines + [""]


def _decision_log(p: bp.BoardPack) -> list[str]:
    lines = ["## Decision log", ""]
    if p.decided:
        lines += ["### Decisions already made", "", "These take bandwidth and capacity before anything is chosen.", ""]
        for d in p.decided:
            lines += item(f"**{esc(d.title)}**: {esc(d.decided)}" + (f"; owner {esc(d.owner)}" if d.owner else ""))
        lines.append("")
    if p.overrides:
        lines += ["### Facilitator overrides", ""]
        lines += para("Where the room overruled the arithmetic: when it was recorded and in which round, why, "
                      "and what it did to the plan.") + [""]
        for o in p.overrides:
            where = f" in round {esc(o.round)}" if o.round else ""
            effect = f"; {esc(o.effect)}" if o.effect else ""
            lines += item(f"**{esc(o.title)}**: {esc(o.outcome.lower())}{where}, recorded {esc(o.when)}{effect}. "
                          f"Why: {esc(o.rationale)}")
        lines.append("")
    if p.plan is not None and p.plan.tie_break:
        lines += para(f"Ties in the plan's round are settled by a declared tie-break: {esc(p.plan.tie_break)}.") + [""]
    if p.plan is not None and p.plan.undecided:
        lines += para("Unresolved: " + esc(", ".join(r.title for r in p.plan.undecided)) + " tie across the cut line.") + [""]
    if len(lines) == 2:
        lines += ["No overrides or tie resolutions were recorded.", ""]
    return lines


def _actions(p: bp.BoardPack) -> list[str]:
    lines = ["## Actions", ""]
    if not p.actions:
        return lines + ["No actions recorded yet.", ""]
    for a in p.actions:
        facts = [x for x in (f"initiative {esc(a.initiative)}" if a.initiative else "", f"owner {esc(a.owner)}" if a.owner else "",
                             f"due {a.due}" if a.due else "") if x]
        text = f"**{esc(a.title)}**" + (f" ({'; '.join(facts)})" if facts else "")
        if a.measure:
            text += f". Measure: {esc(a.measure)}"
        if a.flags:
            text += f". **Check:** {esc(a.flags)}"
        lines += item(text)
    return lines + [""]


def _notes(p: bp.BoardPack) -> list[str]:
    lines = ["## Session notes and data provenance", ""]
    if p.description:
        lines += para(esc(p.description)) + [""]
    for x in p.provenance:
        lines += item(esc(x))
    return lines + [""]


def _how(p: bp.BoardPack) -> list[str]:
    if not p.how:
        return []
    lines = ["## How the scores were computed", ""]
    for label, text in p.how:
        lines += item(f"**{esc(label)}.** {esc(text)}")
    return lines + [""] + para("Numbers are rounded for reading (half away from zero); ranks were computed on exact "
                               "values.") + [""]


def _glossary(p: bp.BoardPack) -> list[str]:
    lines = ["## Glossary", ""]
    for term, text in p.glossary:
        lines += item(f"**{esc(term)}**: {esc(text)}")
    return lines + [""]


@collector_paused()  # a writer makes millions of acyclic objects (see heap.py)
def write(workshop: Workshop, path: Path, prepared=None) -> Path:
    """``prepared``: an ``exporters.prepared.Prepared`` for this workshop, whose board pack is shared."""
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(path, render_pack(prepared.pack) if prepared is not None else render(workshop))
