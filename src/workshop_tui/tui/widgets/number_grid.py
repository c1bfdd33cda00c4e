"""A DataTable for fast keyboard entry of whole numbers: arrows move, digits
type into the highlighted cell, Enter commits, Escape cancels (or, with nothing
typed, leaves the grid)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable


class NumberGrid(DataTable):
    """Cells in ``editable_columns`` take numbers; the owner saves them."""

    class NumberEntered(Message):
        def __init__(self, grid: "NumberGrid", row: str, column: str, value: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.column = column
            self.value = value

        @property
        def control(self) -> "NumberGrid":
            return self.grid

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self.editable_columns: set[str] = set()
        self.typed = ""
        self._typing_at = None
        self._before = None

    def _cell_keys(self) -> tuple[str, str] | None:
        if self.row_count == 0:
            return None
        cell = self.coordinate_to_cell_key(self.cursor_coordinate)
        return str(cell.row_key.value), str(cell.column_key.value)

    def editable_here(self) -> bool:
        keys = self._cell_keys()
        return keys is not None and keys[1] in self.editable_columns

    def on_key(self, event: events.Key) -> None:
        if not self.editable_here():
            return
        keys = self._cell_keys()
        if event.character is not None and event.character.isdigit():
            if self._typing_at != keys:
                self.cancel_typing()
                self._typing_at, self.typed = keys, ""
                self._before = self.get_cell(*keys)
            self.typed = (self.typed + event.character)[:6]
            self.update_cell(*keys, Text(self.typed + "▏", style="reverse"))
        elif event.key == "backspace" and self._typing_at == keys:
            self.typed = self.typed[:-1]
            self.update_cell(*keys, Text(self.typed + "▏", style="reverse"))
        elif event.key == "enter" and self._typing_at == keys:
            value = int(self.typed or "0")
            self._typing_at, self.typed = None, ""
            self.post_message(self.NumberEntered(self, keys[0], keys[1], value))
            if self.cursor_row < self.row_count - 1:
                self.move_cursor(row=self.cursor_row + 1)
        elif event.key == "escape" and self._typing_at is not None:
            self.cancel_typing()
        elif event.key == "escape":
            # Nothing being typed: leave the grid, so number keys change stage again
            # (as in the voting grid).
            self.screen.focus_previous()
        else:
            return
        event.stop()
        event.prevent_default()

    def cancel_typing(self) -> None:
        if self._typing_at is not None and self._before is not None:
            self.update_cell(*self._typing_at, self._before)
        self._typing_at, self.typed, self._before = None, "", None

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        # Moving away abandons what was typed but not entered.
        if self._typing_at is not None and self._cell_keys() != self._typing_at:
            self.cancel_typing()
