"""The stepper: every stage by name, which are done, which is current."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from workshop_tui.tui.stages import STAGE_PANES


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
        self.current = current
        self.done = done
        self.update(self._render_line())

    def _render_line(self) -> Text:
        line = Text()
        self._spans = []
        compact = self.size.width and self.size.width < 110
        for n, (stage, label, _) in enumerate(STAGE_PANES, start=1):
            if n > 1:
                line.append(" " if compact else "  ")
            mark = "✓" if self.done.get(stage) else " "
            shown = label[:5] if compact and stage != self.current else label
            start = len(line)
            text = f"{n}{mark}{shown}"
            if stage == self.current:
                line.append(f"[{text}]", style="bold reverse")
            elif self.done.get(stage):
                line.append(text, style="green")
            else:
                line.append(text, style="dim")
            self._spans.append((start, len(line), stage))
        return line

    def on_resize(self) -> None:
        self.update(self._render_line())

    def on_click(self, event) -> None:
        for start, end, stage in self._spans:
            if start <= event.x < end:
                self.post_message(self.StageChosen(stage))
                return
