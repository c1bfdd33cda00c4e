"""Export a session (`e` on the home screen, Ctrl+E in a session): choose what to write
from a list in words, then where, and it is written off the UI thread.

The dialog opens on the list of formats, so a stray Enter or Space cannot export or wipe
the path: Enter on the list chooses and moves to the Export button; the path is only
edited when the facilitator goes to it. The folder of the last export is remembered.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workshop_tui.services.exports import file_stem as slug
from workshop_tui.presentation import ALL_FORMATS_LABEL, format_label
from workshop_tui.tui.safe import shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.entry_box import EntryBox

EXPORT_DIR = "~/workshop-exports"
ALL = "all"  # every format, into one folder
# The order a facilitator reaches for them: the board's pack first.
PREFERRED_ORDER = ("html", "md", "xlsx", "csv", "json")


def default_path(title: str, fmt: str, folder: str = EXPORT_DIR) -> str:
    folder = folder.rstrip("/") or "/"
    if fmt == ALL:
        return f"{folder}/{slug(title)}"
    return f"{folder}/{slug(title)}.{fmt}"


def export_folder() -> str:
    from workshop_tui import preferences

    prefs, _problem = preferences.load()
    return prefs.export_folder or EXPORT_DIR


class ExportSessionModal(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Close", id="export.cancel")]

    def __init__(self, session_id: int, title: str, formats: list[str]) -> None:
        super().__init__()
        self.session_id = session_id
        self.session_title = title
        self.formats = [f for f in PREFERRED_ORDER if f in formats] + [f for f in formats
                                                                        if f not in PREFERRED_ORDER]
        self.folder = export_folder()

    def compose(self) -> ComposeResult:
        first = self.formats[0]
        with Vertical(classes="modal-box", id="export-box"):
            yield Static(Text.assemble(("Export ", "bold"), shown(self.session_title, style="bold")),
                         classes="modal-title")
            with VerticalScroll(classes="modal-fields"):
                yield Label("What to write (arrows choose, Enter confirms)")
                yield OptionList(*[Option(format_label(f), id=f) for f in self.formats],
                                 Option(ALL_FORMATS_LABEL, id=ALL), id="export-format")
                yield Label("Write to")
                yield EntryBox(default_path(self.session_title, first, self.folder), id="export-path")
            yield Static("", id="export-result")
            with Horizontal(classes="modal-buttons"):
                yield Button("Export", id="export-go", variant="primary")
                yield Button("Close", id="export-cancel")

    def on_mount(self) -> None:
        choices = self.query_one("#export-format", OptionList)
        choices.highlighted = 0
        choices.focus()

    @property
    def fmt(self) -> str:
        choices = self.query_one("#export-format", OptionList)
        index = choices.highlighted if choices.highlighted is not None else 0
        return str(choices.get_option_at_index(index).id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Keep the file name, change its extension to the chosen format's.
        # "Everything" writes into a folder: the same name without an extension.
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in self.formats:
            path = path.with_suffix("")
        elif path.suffix:
            return  # a name the facilitator typed: leave it alone
        chosen = str(event.option.id)
        box.value = str(path) if chosen == ALL else str(path.with_suffix(f".{chosen}"))

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.query_one("#export-go", Button).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self._start()
        else:
            self.dismiss(None)

    def _start(self) -> None:
        fmt = self.fmt
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._say("Type where to write the file.", error=True)
            return
        self._run(fmt, Path(text).expanduser(), overwrite=False)

    def _run(self, fmt: str, path: Path, *, overwrite: bool) -> None:
        self._say("Writing...")
        self.query_one("#export-go", Button).disabled = True
        folder = str(path.parent)
        in_thread(self, lambda: self._export(fmt, path, folder, overwrite), exclusive=True, group="export")

    def _export(self, fmt: str, path: Path, folder: str, overwrite: bool) -> None:
        from workshop_tui import preferences
        from workshop_tui.services.exports import TargetExists
        from workshop_tui.services import exports

        try:
            if fmt == ALL:
                # One load and one count of the rounds and the plan, shared by every format.
                files = exports.export_many(self.app.db, self.session_id, self.formats, path,
                                            stem=slug(self.session_title), overwrite=overwrite)
                message = f"Written {len(files)} files to {path}"
            else:
                message = f"Written to {exports.export(self.app.db, self.session_id, fmt, path, overwrite=overwrite)}"
        except TargetExists as exc:
            self.app.call_from_thread(self._ask_to_replace, fmt, path, exc.path)
            return
        except Exception as exc:  # a disk full, read-only folder or device is said plainly
            self.app.call_from_thread(self._say, f"Not written: {exc}", True)
            return
        _prefs, problem = preferences.update(export_folder=folder)
        self.app.call_from_thread(self._say, message + (f"\n{problem}" if problem else ""))

    def _ask_to_replace(self, fmt: str, path: Path, existing: Path) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(fmt, path, overwrite=True)
            else:
                self._say("Not written: the existing file was kept.", True)

        self.app.push_screen(ConfirmModal(f"{existing} already exists. Replace it?", yes="Replace", no="Keep it"),
                             answered)

    def _say(self, message: str, error: bool = False) -> None:
        result = self.query_one("#export-result", Static)
        result.set_class(error, "field-error")
        result.update(shown(message))
        self.query_one("#export-go", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
