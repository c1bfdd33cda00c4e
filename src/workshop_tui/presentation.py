"""How the app words and rounds what it shows, for every channel (pure: no UI library).

The TUI, the CLI and the exporters all say "=3" for a declared tie, "1 initiative"
but "2 initiatives", "the room is split on Virtual wards", and round a number the
way their output needs, by calling these functions. A wording or a rounding rule
changes here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from fractions import Fraction
from typing import Literal, Mapping, Sequence

from workshop_tui.domain import wording
from workshop_tui.domain.numbers import display, display_short, grouped, to_json_number
from workshop_tui.textsafe import for_terminal

Output = Literal["screen", "cli", "board", "csv", "json"]

# ------------------------------------------------------------------ labels

MOSCOW_LABELS = {"must": "Must", "should": "Should", "could": "Could", "wont": "Won't"}
MOSCOW_LONG_LABELS = {**MOSCOW_LABELS, "wont": "Won't (this time)"}
QUADRANT_LABELS = {
    "quick_win": "Quick wins",
    "major_project": "Major projects",
    "fill_in": "Fill-ins",
    "thankless_task": "Thankless tasks",
}


# What the headline number of each method is, for a column heading on screen and on paper.
SCORE_LABELS = {
    "dots": "Dots",
    "matrix": "Weighted score",
    "ranking": "Initiatives ranked below",
    "value_effort": "Value (median)",
    "moscow": "Category",
}
RANKING_SCORE_LABELS = {"schulze": "Initiatives ranked below", "copeland": "Copeland score",
                        "borda": "Borda points"}
SHORT_SCORE_LABELS = {"dots": "Dots", "matrix": "Score", "ranking": "Beats", "value_effort": "Value",
                      "moscow": "Group"}


def method_label(method: str) -> str:
    # Imported here: the sessions list (the first frame) uses this module, and the
    # workshop model's many dataclasses are not needed until a session is open.
    from workshop_tui.domain.model import METHOD_LABELS

    return METHOD_LABELS.get(method, method)


def moscow_label(category: str | None, *, long: bool = False) -> str:
    labels = MOSCOW_LONG_LABELS if long else MOSCOW_LABELS
    return labels.get(str(category), "") if category is not None else ""


def quadrant_label(quadrant: str) -> str:
    return QUADRANT_LABELS.get(quadrant, quadrant)


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 initiative", "2 initiatives", "0 people": the count and the word that agrees with it."""
    return wording.plural(count, word, many)


def quantity(amount, unit: str, shown: str | None = None) -> str:
    """An amount with its bottleneck unit, which agrees with it: "1 engineer (FTE)", "2 engineers (FTE)"."""
    return f"{shown if shown is not None else amount} {wording.unit_for(amount, unit)}".strip()


NOT_RECORDED = "before this version (time not recorded)"


def decision_time(at: "dt.datetime | None") -> str:
    """When a decision was recorded, for every channel: "2026-11-19 11:42 UTC".

    Decisions recorded before the app kept the time say so rather than show a made-up one."""
    if at is None:
        return NOT_RECORDED
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc)
    return at.strftime("%Y-%m-%d %H:%M") + " UTC"


def condorcet_sentence(condorcet: Mapping[str, object] | None, titles: Mapping[str, str]) -> str:
    """The Condorcet result of a ranking round in words, naming the initiative by its title ("" if none was computed)."""
    if not isinstance(condorcet, Mapping):
        return ""
    winner = condorcet.get("winner")
    if winner:
        return (f"Condorcet winner: {titles.get(str(winner), str(winner))} (more people ranked it above each other "
                "initiative, pair by pair).")
    return "There is no Condorcet winner in this round."


_MUST_SHARE = re.compile(r"^must_share (\S+) > 0\.60$")
_COULD_SHARE = re.compile(r"^could_share (\S+) < 0\.20$")
_NO_EFFORT = re.compile(r"^no effort recorded for (.+); counted as 0 in the shares$")
_ABSTAINED = re.compile(r"^votes from participants marked as abstaining were ignored: (.+)$")


def method_warning(text: str, titles: Mapping[str, str], names: Mapping[str, str] | None = None) -> str:
    """An engine warning in the reader's words. The engine words some as codes (METHODS.md's
    ``must_share 0.7 > 0.60``) or lists keys; people read shares as percentages and initiatives and
    participants by name. Other warnings are already words and pass through."""
    def pct(value: str) -> str:
        try:
            return f"{number(Fraction(value) * 100, 'board', 1)} %"
        except (ValueError, ZeroDivisionError):
            return value

    def listed(keys: str, known: Mapping[str, str]) -> str:
        return ", ".join(known.get(k, k) for k in keys.split(", "))

    if hit := _MUST_SHARE.match(text):
        return (f"Must initiatives take {pct(hit[1])} of the committed effort, more than the 60 % DSDM advises "
                "(a plan that is mostly Musts has no room to absorb trouble)")
    if hit := _COULD_SHARE.match(text):
        return (f"Could initiatives take {pct(hit[1])} of the committed effort, less than the 20 % DSDM advises "
                "keeping as Coulds (the contingency)")
    if hit := _NO_EFFORT.match(text):
        return f"No effort is recorded for {listed(hit[1], titles)}: counted as 0 in the shares of effort"
    if hit := _ABSTAINED.match(text):
        return f"Votes from people marked as abstaining were ignored: {listed(hit[1], names or {})}"
    return text


def rank_label(rank: int, tied: bool) -> str:
    """A rank as shown everywhere: "=3" for a declared tie, "3" otherwise."""
    return f"={rank}" if tied else str(rank)


# ---------------------------------------------------------------- numbers


def number(x: Fraction | int | float | None, output: Output = "screen", places: int | None = None) -> object:
    """A computed number rounded for one output (rounding is display only; the value stays exact).

    screen, cli: short ("1.5", not "1.5000"), 4 dp at most, "–" for none.
    board (md, html, the xlsx board sheets): 2 dp (or ``places``), thousands grouped.
    csv: 4 dp, half away from zero, "" for none (a blank cell, not a dash).
    json: a JSON number (int when whole, else a float at 4 dp) or None.
    """
    if output == "json":
        return to_json_number(x)
    if output == "csv":
        return "" if x is None else display(x)
    if output == "board":
        return grouped(x, 2 if places is None else places)
    return display_short(x)


def on_scale(score: Fraction | int | float | None, total_range: tuple[Fraction, Fraction],
             room_scale: tuple[Fraction, Fraction] | None) -> str:
    """A matrix score on the scale the room scored with: "7.4 / 10" for a 0-10 scale.

    ``total_range`` is the lowest and highest total the method can give; ``room_scale``
    is the criteria's common scale (None when they differ: then out of 10). One decimal,
    always shown, because the room scored in whole numbers.
    """
    if score is None:
        return "–"
    low, high = _room(room_scale)
    value = low + (Fraction(score) - Fraction(total_range[0])) * scale_factor(total_range, room_scale)
    return f"{_one_place(value)} / {grouped(high, 1)}"


def scale_factor(total_range: tuple[Fraction, Fraction], room_scale: tuple[Fraction, Fraction] | None) -> Fraction:
    """How much one unit of a matrix total is on the room's scale (for a spread such as SD or IQR)."""
    lo, hi = (Fraction(v) for v in total_range)
    low, high = _room(room_scale)
    return (high - low) / (hi - lo) if hi != lo else Fraction(0)


def _room(room_scale: tuple[Fraction, Fraction] | None) -> tuple[Fraction, Fraction]:
    return (Fraction(0), Fraction(10)) if room_scale is None else (Fraction(room_scale[0]), Fraction(room_scale[1]))


def _one_place(x: Fraction) -> str:
    sign = "-" if x < 0 else ""
    tenths = math.floor(abs(x) * 10 + Fraction(1, 2))  # half away from zero, on the exact value
    return f"{sign}{tenths // 10:,}.{tenths % 10}"


def common_scale(scales: Sequence[tuple[Fraction, Fraction]]) -> tuple[Fraction, Fraction] | None:
    """The one scale every criterion uses, or None when they differ (or there are none)."""
    distinct = {(Fraction(a), Fraction(b)) for a, b in scales}
    return next(iter(distinct)) if len(distinct) == 1 else None


# ---------------------------------------------------------------- agreement

AGREEMENT_WORDS = {
    "poor": "the room does not agree",
    "slight": "the room barely agrees",
    "fair": "the room partly agrees",
    "moderate": "the room moderately agrees",
    "substantial": "the room largely agrees",
    "almost perfect": "the room agrees almost completely",
}

DETAIL_EXPLANATIONS = {
    "sd": "SD (standard deviation): how far people's scores for one initiative typically sit from their "
          "average; bigger means more disagreement.",
    "iqr": "IQR (interquartile range): the width of the middle half of people's scores; 0 means the middle "
           "half gave the same score.",
    "w": "Kendall's W: how alike people's whole orderings are, from 0 (no agreement) to 1 (everyone put "
         "the initiatives in the same order).",
    "p": "p: the chance of agreement at least this strong if people had ordered at random; small means the "
         "agreement is real.",
}


def consensus_flags(contested: bool, few_scores: bool) -> str:
    """The flags beside an initiative in a ranking, on screen and in the CLI alike: the room
    split on it (METHODS §6), and too few scores to say (n < 3), shown rather than hidden."""
    return ", ".join(word for word, on in (("room split", contested), ("few scores", few_scores)) if on)


def agreement_sentence(agreement: Mapping[str, object] | None, contested: Sequence[str]) -> str:
    """The agreement in one plain sentence, naming the initiatives the room is split on.

    ``agreement`` is a round result's agreement mapping (band, raters, meaningful ...);
    ``contested`` the titles of the contested initiatives, best ranked first.
    """
    if not agreement:
        overall = "There are not enough ballots to say how far the room agrees"
    elif not agreement.get("meaningful", True) or agreement.get("kendall_w") is None:
        overall = (f"With {plural(int(agreement.get('raters') or 0), 'person')} there is no agreement to "
                   "measure (at least two are needed)")
    else:
        band = agreement.get("band")
        overall = AGREEMENT_WORDS.get(str(band), "the room's agreement cannot be put in words")
        overall = overall[0].upper() + overall[1:] + " on the order overall"
        if agreement.get("indicative"):
            overall += " (few people or initiatives, so treat this as a first reading)"
    if not contested:
        return overall + "."
    return f"{overall}; the room is split on {_and_list(contested)}."


def _and_list(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ----------------------------------------------------------- the terminal


def cli_text(text: object) -> str:
    """Any line the CLI prints that may carry user text: control and bidi characters made visible."""
    return for_terminal(str(text))


# ----------------------------------------------------------------- exports

# What each export format is for, in the words a facilitator uses; the extension last.
FORMAT_LABELS = {
    "html": "Board pack, printable (HTML)",
    "md": "Board pack, editable text (Markdown)",
    "xlsx": "Spreadsheet workbook (Excel .xlsx)",
    "csv": "Tables for analysis (a folder of CSV files)",
    "json": "Session file, to open on another laptop (JSON)",
}
ALL_FORMATS_LABEL = "Everything above, into one folder"


def format_label(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, fmt)


def secret_turnout(voted: int, ballots: int) -> str:
    """Who took part in a secret round, for boards and sheets. People marked as voted
    (on the laptop, or by a personal code) and ballots that name nobody (an anonymous
    phone, a one-time slip: issue 14) are both counted; neither says which ballot is whose."""
    unnamed = max(ballots - voted, 0)
    if not unnamed:
        return f"{plural(voted, 'person')} voted by secret ballot"
    return (f"{plural(ballots, 'ballot')} cast by secret ballot ({plural(voted, 'person', 'people')} marked as "
            f"voted, {unnamed} from anonymous phones or slips)")


# ------------------------------------------------------------------ plain-text tables

def cell_width(text: str) -> int:
    """Columns a string takes in a terminal: wide (East Asian) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words where it can."""
    width = max(1, width)
    if cell_width(text) <= width and "\n" not in text:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split(" "):
            w = cell_width(word)
            while w > width:  # a word longer than the column: cut it
                if line:
                    lines.append(line)
                    line, used = "", 0
                head, taken = "", 0
                for ch in word:
                    cw = cell_width(ch)
                    if taken + cw > width:
                        break
                    head, taken = head + ch, taken + cw
                lines.append(head)
                word, w = word[len(head):], cell_width(word[len(head):])
            if not line:
                line, used = word, w
            elif used + 1 + w <= width:
                line, used = f"{line} {word}", used + 1 + w
            else:
                lines.append(line)
                line, used = word, w
        lines.append(line)
    return lines


def text_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int = 80,
               right: Sequence[int] = ()) -> str:
    """A table drawn with box characters, as the CLI prints it (the look of Rich's default
    table), fitted to ``width`` columns by wrapping the widest columns' text.

    Plain string work, so 500 rows take milliseconds (Rich's Table took seconds). The
    cells must already be inert (``cli_text``)."""
    n = len(headers)
    natural = [cell_width(h) for h in headers]
    for row in rows:
        for j, cell in enumerate(row):
            w = cell_width(cell)
            if w > natural[j]:
                natural[j] = w
    widths = list(natural)
    # Each column has one space of padding on either side, and n + 1 rules. Shrink the
    # widest text column first, not below its longest word (numbers are never wrapped);
    # only if that is not enough, cut words too.
    longest_word = [max((cell_width(w) for row in rows for w in row[j].split(" ")), default=1) for j in range(n)]
    gentle = [natural[j] if j in right else max(longest_word[j], cell_width(headers[j])) for j in range(n)]
    hard = [max(1, min(natural[j], max(cell_width(headers[j]), 4))) for j in range(n)]
    for floor in (gentle, hard):
        while sum(widths) + 3 * n + 1 > width:
            j = max((j for j in range(n) if widths[j] > floor[j]), key=lambda j: widths[j], default=None)
            if j is None:
                break
            widths[j] -= 1

    def line(left: str, fill: str, joint: str, end: str) -> str:
        return left + joint.join(fill * (w + 2) for w in widths) + end

    def cells(values: Sequence[str], sep: str) -> list[str]:
        wrapped = [wrap_cells(v, widths[j]) for j, v in enumerate(values)]
        height = max(len(c) for c in wrapped)
        out = []
        for k in range(height):
            parts = []
            for j, c in enumerate(wrapped):
                text = c[k] if k < len(c) else ""
                pad = " " * (widths[j] - cell_width(text))
                parts.append(f" {pad}{text} " if j in right else f" {text}{pad} ")
            out.append(sep + sep.join(parts) + sep)
        return out

    out = wrap_cells(title, width) if title else []
    out.append(line("┏", "━", "┳", "┓"))
    out += cells(headers, "┃")
    out.append(line("┡", "━", "╇", "┩"))
    for row in rows:
        out += cells(row, "│")
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out)
