"""Stage 1, Setup: what the session is for, for how long, and how much can run at once."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from workshop_tui.domain.numbers import money
from workshop_tui.domain.model import SessionInfo, Workshop
from workshop_tui.textsafe import for_terminal
from workshop_tui.tui.safe import shown as user_text
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.entry_box import EntryBox

# (field, label, placeholder)
FIELDS = (
    ("title", "Title", "what the room will see"),
    ("organisation", "Organisation", "e.g. Calder Valley NHS Foundation Trust"),
    ("date", "Date", "year-month-day, e.g. 2026-11-21"),
    ("facilitator", "Facilitator", "who is running the session"),
    ("mission", "Mission", "one succinct sentence the strategy serves"),
    ("horizon_years", "Horizon (years)", "1 to 5"),
    ("bandwidth", "Bandwidth", "projects the organisation can run at once"),
    ("budget", "Budget (optional)", "money for the plan, same unit as costs, e.g. 2,500,000"),
    ("max_actions", "Most actions", "a short list: 5 unless you choose otherwise"),
)
MISSION_WORDS = 35


def shown(info: SessionInfo, name: str) -> str:
    """What a box shows. Control characters (from an imported file) appear as visible
    escapes; the stored text changes only if the facilitator edits the box and saves."""
    value = getattr(info, name)
    if value is None:
        return ""
    if name == "budget":
        return money(value)
    return value.isoformat() if name == "date" else for_terminal(str(value))


class SetupPane(StagePane):
    STAGE = "setup"
    TITLE = "Set up the session"
    HELP = (
        "Say what this workshop is for before anyone votes.\n\n"
        "Mission: the one succinct sentence the strategy serves (for example \"Give every patient the "
        "option of care at home\"). If it takes a paragraph, the room is not agreed on it yet.\n"
        "Horizon: how far ahead the strategy looks. The NHS guidance says 1 to 5 years, not 10: "
        "a long horizon makes a vague strategy, so you will see a warning beyond 5.\n"
        "Bandwidth: how many projects the organisation can really run at once, limited by delivery "
        "specialists and by central functions and clinicians' time. It sets the number of slots in "
        "the Bandwidth stage and in the plan.\n\n"
        "Keys: Tab and Shift+Tab (or the arrow keys) move between boxes; Enter or leaving a box saves it; "
        "Ctrl+S saves every box. A box with a problem says so next to it and is not saved."
    )
    BINDINGS = [
        Binding("ctrl+s", "save_all", "Save", id="setup.save"),
        Binding("down", "move(1)", "Next box", show=False, id="setup.next"),
        Binding("up", "move(-1)", "Previous box", show=False, id="setup.previous"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.info: SessionInfo | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        # Not focusable itself: Tab and Enter go from box to box, never to the frame around them.
        with VerticalScroll(id="setup-form", can_focus=False):
            for name, label, placeholder in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    yield EntryBox(placeholder=placeholder, id=f"setup-{name}", compact=True, select_on_focus=False)
                yield Static("", id=f"setup-{name}-note", classes="field-note")
        yield Static("", id="setup-status", classes="pane-status")

    def load(self, workshop: Workshop) -> None:
        self.info = workshop.session
        for name, _label, _ in FIELDS:
            box = self.query_one(f"#setup-{name}", Input)
            if not box.has_focus or box.value == "":
                box.value = shown(self.info, name)
            if not self.query_one(f"#setup-{name}-note", Static).has_class("error"):
                self._note(name, "")
        self._advise()

    # -- saving -----------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._save([self._field(event.input)]):
            self.screen.focus_next()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self._save([self._field(event.input)])

    def action_save_all(self) -> None:
        self._save([name for name, _, _ in FIELDS], always=True)

    def action_move(self, delta: int) -> None:
        if delta > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def _field(self, box: Input) -> str:
        return (box.id or "").removeprefix("setup-")

    def _save(self, names: list[str], always: bool = False) -> bool:
        """Save the named boxes that changed; True when none of them had a problem."""
        from workshop_tui.services import editing

        if self.info is None:
            return False
        typed = {n: self.query_one(f"#setup-{n}", Input).value for n in names}
        changed = {n: text for n, text in typed.items() if text.strip() != shown(self.info, n)}
        parsed, errors = editing.parse_setup(typed if always else changed)
        for name in names:
            self._note(name, errors.get(name, ""), error=name in errors)
        parsed = {n: v for n, v in parsed.items() if n in changed}
        if parsed:
            status = self.query_one("#setup-status", Static)
            status.update("Saving…")

            def saved(info: SessionInfo) -> None:
                self.info = info
                status.update("Saved")
                self.changed("Saved")
                self._advise()

            def refused(problem: str, _exc: BaseException) -> None:
                status.update("Not saved")
                self.fail(problem)

            self.write(partial(editing.save_setup, self.db, self.session_id, parsed), saved, failed=refused)
        elif always and not errors:
            self.query_one("#setup-status", Static).update("Saved (nothing had changed)")
        self._advise()
        return not errors

    def _note(self, name: str, message: str, *, error: bool = False) -> None:
        note = self.query_one(f"#setup-{name}-note", Static)
        note.update(user_text(message))
        note.set_class(error, "error")
        note.set_class(bool(message) and not error, "warning")
        note.display = bool(message)

    def _advise(self) -> None:
        """Warnings that do not stop saving: a long horizon, a mission that is not one sentence."""
        from workshop_tui.services.editing import horizon_warning

        if self.info is None:
            return
        if not self.query_one("#setup-horizon_years-note", Static).has_class("error"):
            self._note("horizon_years", horizon_warning(self.info.horizon_years))
        if not self.query_one("#setup-mission-note", Static).has_class("error"):
            words = len(self.info.mission.split())
            self._note("mission", f"{words} words: can the room say it in one sentence?"
                       if words > MISSION_WORDS else "")
