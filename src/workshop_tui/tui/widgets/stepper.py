"""The stepper: every stage by name, which are done, which is current.

All nine stages stay on the line at any width from 80 columns: full names when they fit,
then short names, then numbers (the current stage always by its full name).
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from workshop_tui.tui.stages import STAGE_PANES

SHORT_LABELS = {
    "setup": "Setup", "participants": "People", "initiatives": "Items", "criteria": "Crit",
    "bandwidth": "Bandw", "voting": "Vote", "results": "Result", "choices": "Choice", "actions": "Action",
}
# (separator, label for a stage that is not current): widest first.
TIERS = (("  ", "full"), (" ", "full"), (" ", "short"), (" ", "number"))


class Stepper(Static):
    """One line of stage names; click one (or press its number) to go there."""

    class StageChosen(Message):
        def __init__(self, stage: str) -> None:
            super().__init__()
            self.stage = stage

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.current = "setup"
        self.done: dict[str, bool] = {}
        self._spans: list[tuple[int, int, str]] = []

    def show(self, current: str, done: dict[str, bool]) -> None:
        if (current, done) == (self.current, self.done) and self._spans:
            return  # the same line: no redraw (each new picture of the workshop asks)
        self.current = current
        self.done = done
        self.update(self._render_line(), layout=False)  # one line high, always: no layout pass

    def _render_line(self) -> Text:
        width = self.content_size.width or self.size.width or 200
        for separator, labels in TIERS:
            line, spans = self._line(separator, labels)
            if len(line) <= width:
                break
        self._spans = spans
        return line

    def _line(self, separator: str, labels: str) -> tuple[Text, list[tuple[int, int, str]]]:
        line = Text(no_wrap=True, overflow="crop")
        spans = []
        for n, (stage, label, _) in enumerate(STAGE_PANES, start=1):
            if n > 1:
                line.append(separator)
            mark = "✓" if self.done.get(stage) else " "
            if stage == self.current or labels == "full":
                shown = label
            else:
                shown = SHORT_LABELS[stage] if labels == "short" else ""
            start = len(line)
            text = f"{n}{mark}{shown}".rstrip() if shown or mark != " " else str(n)
            if stage == self.current:
                line.append(f"[{text}]", style="bold reverse")
            elif self.done.get(stage):
                line.append(text, style="green")
            else:
                line.append(text, style="dim")
            spans.append((start, len(line), stage))
        return line, spans

    def on_resize(self) -> None:
        self.update(self._render_line(), layout=False)

    def on_click(self, event) -> None:
        for start, end, stage in self._spans:
            if start <= event.x < end:
                self.post_message(self.StageChosen(stage))
                return
