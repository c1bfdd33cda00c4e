"""A DataTable for fast keyboard entry of whole numbers, with the voting grid's entry mode.

A key never means two things: until the facilitator presses Enter on a number cell the
grid takes no digits (they change stage) and Escape goes on to the screen (back to the
sessions list). Enter starts *entry mode*: the border turns orange and says ENTERING;
digits type into the highlighted cell, Enter commits it and moves down, Backspace
deletes a digit, Escape drops what was typed or, with nothing typed, stops entering.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable


def _digit_bindings() -> list[Binding]:
    return [Binding(str(d), f"type({str(d)!r})", show=False, id=f"numbers.type.{d}") for d in range(10)]


class NumberGrid(DataTable):
    """Cells in ``editable_columns`` take numbers; the owner saves them."""

    DEFAULT_CSS = """
    NumberGrid { border: round $panel-lighten-2; border-title-color: $text-muted; }
    NumberGrid.-entry { border: round $warning; border-title-color: $warning; border-title-style: bold; }
    """

    # Subclass bindings replace DataTable's for the same key, so Enter's own meaning
    # (select the cell: the owner's chooser on a column that takes no numbers) is kept last.
    BINDINGS = [
        *_digit_bindings(),
        Binding("enter", "start_entry", "Enter numbers", id="numbers.enter"),
        Binding("enter", "save_typed", "Save", show=False, id="numbers.save"),
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("backspace", "erase", "Delete digit", show=False, id="numbers.erase"),
        Binding("escape", "leave_entry", "Stop entering", id="numbers.cancel"),
    ]
    IDLE_TITLE = "Enter: start typing numbers"
    ENTRY_TITLE = "ENTERING NUMBERS: type, Enter saves · Escape stops"

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
        self.entry = False  # digits are numbers only while True (after Enter)
        self._typing_at = None
        self._before = None
        self.border_title = self.IDLE_TITLE

    def _cell_keys(self) -> tuple[str, str] | None:
        if self.row_count == 0:
            return None
        cell = self.coordinate_to_cell_key(self.cursor_coordinate)
        return str(cell.row_key.value), str(cell.column_key.value)

    def editable_here(self) -> bool:
        keys = self._cell_keys()
        return keys is not None and keys[1] in self.editable_columns

    # -- entry mode -------------------------------------------------------------
    def set_entry(self, on: bool) -> None:
        if on == self.entry:
            return
        if not on:
            self.cancel_typing()
        self.entry = on
        self.set_class(on, "-entry")
        self.border_title = self.ENTRY_TITLE if on else self.IDLE_TITLE
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("type", "erase", "leave_entry"):
            return self.entry
        if action == "start_entry":
            return not self.entry and self.editable_here()
        if action == "save_typed":
            return self.entry and self.editable_here()
        return super().check_action(action, parameters)

    def action_start_entry(self) -> None:
        self.set_entry(True)

    def action_leave_entry(self) -> None:
        if self._typing_at is not None:
            self.cancel_typing()
        else:
            self.set_entry(False)

    # -- typing -------------------------------------------------------------------
    def action_type(self, digit: str) -> None:
        if not self.editable_here():
            return  # in entry mode a digit is never a stage key, even beside the number columns
        keys = self._cell_keys()
        if self._typing_at != keys:
            self.cancel_typing()
            self._typing_at, self.typed = keys, ""
            self._before = self.get_cell(*keys)
        self.typed = (self.typed + digit)[:6]
        self.update_cell(*keys, Text(self.typed + "▏", style="reverse"))

    def action_erase(self) -> None:
        keys = self._cell_keys()
        if self._typing_at is None or self._typing_at != keys:
            return
        self.typed = self.typed[:-1]
        self.update_cell(*keys, Text(self.typed + "▏", style="reverse"))

    def action_save_typed(self) -> None:
        keys = self._cell_keys()
        if keys is None or self._typing_at != keys:
            # Nothing typed here: Enter moves on, as after a save.
            self._down()
            return
        value = int(self.typed or "0")
        self._typing_at, self.typed, self._before = None, "", None
        self.post_message(self.NumberEntered(self, keys[0], keys[1], value))
        self._down()

    def _down(self) -> None:
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def cancel_typing(self) -> None:
        if self._typing_at is not None and self._before is not None:
            try:
                self.update_cell(*self._typing_at, self._before)
            except Exception:  # noqa: BLE001 - the grid was rebuilt meanwhile: nothing to put back
                pass
        self._typing_at, self.typed, self._before = None, "", None

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        # Moving away abandons what was typed but not entered.
        if self._typing_at is not None and self._cell_keys() != self._typing_at:
            self.cancel_typing()
        self.refresh_bindings()  # Enter's meaning follows the column

    def clear(self, columns: bool = False):
        self._typing_at, self.typed, self._before = None, "", None
        return super().clear(columns)

    def on_blur(self) -> None:
        self.set_entry(False)
