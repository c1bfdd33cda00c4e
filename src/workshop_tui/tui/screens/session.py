"""A session: the stepper across the top and the current stage's pane below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header

from workshop_tui.domain.model import STAGES
from workshop_tui.domain.progress import stage_done
from workshop_tui.tui.stages import LABELS, STAGE_PANES, pane_class
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.stepper import Stepper


class SessionScreen(Screen):
    """Walks the workshop stage by stage; any stage can be reached at any time."""

    BINDINGS = [
        *[Binding(str(n), f"go('{stage}')", label, show=False, id=f"stage.{stage}")
          for n, (stage, label, _) in enumerate(STAGE_PANES, start=1)],
        Binding("ctrl+right", "step(1)", "Next stage", id="stage.next"),
        Binding("ctrl+left", "step(-1)", "Previous stage", id="stage.previous"),
        Binding("question_mark,f1", "help", "Help", id="stage.help"),
        Binding("ctrl+h,ctrl+escape", "home", "Sessions", id="session.home"),
    ]

    def __init__(self, session_id: int, stage: str | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.initial_stage = stage
        self.workshop = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Stepper(id="stepper")
        with ContentSwitcher(id="stages"):
            for stage, _label, _target in STAGE_PANES:
                yield pane_class(stage)(self.session_id, id=f"stage-{stage}")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        stage = self.initial_stage or (self.workshop.session.stage if self.workshop else "setup")
        self.show_stage(stage if stage in STAGES else "setup", remember=False)

    @property
    def current(self) -> str:
        current = self.query_one("#stages", ContentSwitcher).current or "stage-setup"
        return current.removeprefix("stage-")

    def pane(self, stage: str | None = None) -> StagePane:
        return self.query_one(f"#stage-{stage or self.current}", StagePane)

    def reload(self) -> None:
        from workshop_tui.services import sessions

        self.workshop = sessions.load(self.app.db, self.session_id)
        self.sub_title = self.workshop.session.title
        self.title = "workshop-tui"

    def show_stage(self, stage: str, *, remember: bool = True) -> None:
        switcher = self.query_one("#stages", ContentSwitcher)
        switcher.current = f"stage-{stage}"
        pane = self.pane(stage)
        pane.load(self.workshop)
        self.query_one(Stepper).show(stage, stage_done(self.workshop))
        self.app.sub_title = f"{self.workshop.session.title} · {LABELS[stage]}"
        if remember and self.workshop.session.stage != stage:
            from workshop_tui.services import sessions

            sessions.set_stage(self.app.db, self.session_id, stage)
        # Focus the stage's first focusable widget so its keys show in the footer.
        self.call_after_refresh(self._focus_pane, pane)

    def _focus_pane(self, pane: StagePane) -> None:
        focusable = [w for w in pane.query("*") if w.focusable and w.display]
        if focusable:
            focusable[0].focus()

    def on_stage_pane_changed(self, message: StagePane.Changed) -> None:
        self.reload()
        self.pane().load(self.workshop)
        self.query_one(Stepper).show(self.current, stage_done(self.workshop))

    def on_stepper_stage_chosen(self, message: Stepper.StageChosen) -> None:
        self.show_stage(message.stage)

    def action_go(self, stage: str) -> None:
        self.show_stage(stage)

    def action_step(self, delta: int) -> None:
        index = STAGES.index(self.current) + delta
        if 0 <= index < len(STAGES):
            self.show_stage(STAGES[index])

    def action_help(self) -> None:
        from workshop_tui.tui.modals.help import HelpModal

        pane = self.pane()
        self.app.push_screen(HelpModal(f"{LABELS[pane.STAGE]}: {pane.TITLE}", pane.HELP + GENERAL_HELP))

    def action_home(self) -> None:
        self.app.pop_screen()
        home = self.app.screen
        if hasattr(home, "refresh_sessions"):
            home.refresh_sessions()


GENERAL_HELP = (
    "\n\nMoving around: the numbers 1 to 9 jump to a stage (when you are not typing in a box); "
    "Ctrl+Right and Ctrl+Left go to the next or previous stage; Ctrl+H goes back to the list "
    "of sessions; Ctrl+P opens the command palette, which can reach every action. "
    "Everything you enter is saved the moment you enter it."
)
