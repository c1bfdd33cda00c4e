"""Charts drawn with text: horizontal score bars and the value/effort 2x2.

Both are plain functions returning ``rich.text.Text`` (so they can be tested
and snapshotted), wrapped in small widgets that redraw at their own width.
Numbers are converted to float only to decide how long a bar is; every
number shown goes through ``presentation.number`` (or arrives worded, e.g. "7.4 / 10").
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from rich.text import Text
from textual.widgets import Static

from workshop_tui.presentation import QUADRANT_LABELS, number, quadrant_label
from workshop_tui.tui.widgets.table_view import TableView


def display(x) -> str:
    return str(number(x))


EIGHTHS = " ▏▎▍▌▋▊▉█"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Fraction | float | int
    highlight: bool = False  # e.g. contested
    text: str | None = None  # the value as worded for the room ("7.4 / 10"); default: the number


def bar_chart(bars: Sequence[Bar], width: int, *, label_width: int = 24, highlight_style: str = "bold") -> Text:
    """One line per bar: label, a bar scaled to the largest value, the value."""
    out = Text()
    if not bars:
        return out
    values = [float(b.value) for b in bars]
    low = min(0.0, min(values))
    span = (max(values) - low) or 1.0
    shown = [b.text if b.text is not None else display(b.value) for b in bars]
    number_width = max(len(t) for t in shown)
    room = max(4, width - label_width - number_width - 3)
    for b, v, value_text in zip(bars, values, shown):
        eighths = int((v - low) / span * room * 8)
        bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
        label = b.label if len(b.label) <= label_width else b.label[: label_width - 1] + "…"
        out.append(f"{label:<{label_width}} ", style=highlight_style if b.highlight else "")
        out.append(f"{bar:<{room}}", style="bold" if b.highlight else "")
        out.append(f" {value_text:>{number_width}}\n")
    out.rstrip()
    return out


@dataclass(frozen=True)
class Point:
    number: int
    title: str
    value: Fraction
    effort: Fraction
    quadrant: str


def quadrant_chart(points: Sequence[Point], value_range: tuple[Fraction, Fraction],
                   effort_range: tuple[Fraction, Fraction], thresholds: tuple[Fraction, Fraction],
                   width: int = 60, height: int = 13) -> Text:
    """Value up, effort across; the lines are the quadrant thresholds. Each
    initiative is its number (several in one spot show as '+'); a legend follows."""
    width, height = max(24, width), max(7, height)
    (v_lo, v_hi), (e_lo, e_hi) = value_range, effort_range
    t_value, t_effort = thresholds

    def col(effort: Fraction) -> int:
        return min(width - 1, int((effort - e_lo) / ((e_hi - e_lo) or 1) * (width - 1)))

    def row(value: Fraction) -> int:
        return min(height - 1, int((v_hi - value) / ((v_hi - v_lo) or 1) * (height - 1)))

    grid = [[" "] * width for _ in range(height)]
    line_c, line_r = col(t_effort), row(t_value)
    for r in range(height):
        grid[r][line_c] = "│"
    for c in range(width):
        grid[line_r][c] = "┼" if c == line_c else "─"
    corners = {"quick_win": (0, True), "major_project": (0, False), "fill_in": (height - 1, True),
               "thankless_task": (height - 1, False)}
    for name, (r, left) in ((QUADRANT_LABELS[q], place) for q, place in corners.items()):
        start = 0 if left else width - len(name)
        for k, ch in enumerate(name):
            grid[r][start + k] = ch
    for p in points:
        mark = str(p.number)
        r, c = row(p.value), col(p.effort)
        c = min(c, width - len(mark))
        if grid[r][c] not in " │─┼":
            grid[r][c] = "+"
            continue
        for k, ch in enumerate(mark):
            grid[r][c + k] = ch
    out = Text()
    out.append(f"value {display(v_hi)}\n", style="dim")
    for line in grid:
        out.append("".join(line) + "\n")
    out.append(f"value {display(v_lo)}  effort {display(e_lo)} → {display(e_hi)}\n", style="dim")
    for p in points:
        out.append(f"{p.number:>3} ", style="bold")
        out.append(f"{p.title} ")
        out.append(f"({quadrant_label(p.quadrant)}: value {display(p.value)}, "
                   f"effort {display(p.effort)})\n", style="dim")
    out.rstrip()
    return out


class BarChart(TableView):
    """Score bars, one line each (300 for a large session: drawn once per width and shown a
    line at a time, as the ranking is); redraws at its own width."""

    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bars: list[Bar] = []
        self._drawn_width = 0

    def show(self, bars: Sequence[Bar]) -> None:  # type: ignore[override]
        self.bars = list(bars)
        self._draw()

    def on_resize(self) -> None:
        if (self.size.width or 76) != self._drawn_width:  # shown again at the same width: as it is
            self._draw()

    def _draw(self) -> None:
        width = self._drawn_width = self.size.width or 76
        super().show(bar_chart(self.bars, width, label_width=min(28, max(14, width // 3))))


class QuadrantChart(Static):
    DEFAULT_CSS = "QuadrantChart { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.args: tuple | None = None

    def show(self, points, value_range, effort_range, thresholds) -> None:
        self.args = (points, value_range, effort_range, thresholds)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.args is None:
            self.update("")
            return
        width = min(72, (self.size.width or 76) - 2)
        self.update(quadrant_chart(*self.args, width=width))
