"""How the app words and rounds what it shows, for every channel (pure: no UI library).

The TUI, the CLI and the exporters all say "=3" for a declared tie, "1 initiative"
but "2 initiatives", "the room is split on Virtual wards", and round a number the
way their output needs, by calling these functions. A wording or a rounding rule
changes here and nowhere else.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal, Mapping, Sequence

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
# Plural words the English "+s" rule gets wrong.
_PLURALS = {"person": "people", "criterion": "criteria", "is": "are", "was": "were", "has": "have"}


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
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _PLURALS.get(word) or word + 's'}"


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
