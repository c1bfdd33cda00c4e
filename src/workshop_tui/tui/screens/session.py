"""A session: the stepper across the top and the current stage's pane below."""

from __future__ import annotations

import asyncio
import logging
import time
from functools import partial
from typing import Collection

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, Header, Static

from workshop_tui.domain.model import STAGES
from workshop_tui.domain.progress import stage_done
from workshop_tui.textsafe import for_terminal
from workshop_tui.tui.safe import plain
from workshop_tui.tui.stages import LABELS, STAGE_PANES, pane_class
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.footer import StageFooter
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.stepper import Stepper


class MissingStagePane(StagePane):
    """Shown when a stage's pane cannot be imported (a broken or partial install)."""

    TITLE = "Not available"

    def __init__(self, session_id: int, stage: str, problem: str, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.STAGE = stage
        self.HELP = "This stage could not be loaded in this installation of workshop-tui."
        self.problem = problem

    def compose(self) -> ComposeResult:
        yield Static(Text(f"The {LABELS[self.STAGE]} stage could not be loaded: {self.problem}. "
                          "Your data is safe; reinstall workshop-tui to use this stage."), classes="pane-note")


# How long a read may take before the screen says it is waiting (as the voting pane does).
WAITING_AFTER_S = 0.4
class PhonesRead(Message):
    """The workshop read again after phone ballots (in a thread); None with ``error`` when it failed."""

    def __init__(self, workshop, error: BaseException | None = None, *, generation: int = 0,
                 pushed: int = 0) -> None:
        super().__init__()
        # generation: the screen's newest read when this one began (a later reload wins over it);
        # pushed: the last phone ballot shown before it began (the read holds that one and older)
        self.workshop, self.error, self.generation, self.pushed = workshop, error, generation, pushed


class SessionScreen(Screen):
    """Walks the workshop stage by stage; any stage can be reached at any time.

    Panes are created the first time their stage is shown, so opening a
    session builds one pane, not nine.

    The workshop is read in a thread worker (``reload``), never on the UI
    thread: the screen keeps showing what it last read, keys go on working,
    and a read that waits for the database says so. Each read has a
    generation number; a read that finishes after a newer one is dropped, so
    an old picture never replaces a newer one.
    """

    class Loaded(Message):
        """A read of the workshop finished (posted by the reading thread)."""

        def __init__(self, generation: int, workshop=None, problem: str = "",
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.generation, self.workshop, self.problem, self.error = generation, workshop, problem, error

    BINDINGS = [
        *[Binding(str(n), f"go('{stage}')", label, show=False, id=f"stage.{stage}")
          for n, (stage, label, _) in enumerate(STAGE_PANES, start=1)],
        # Not priority: a text box keeps Ctrl+arrows (word by word) and never navigates.
        Binding("ctrl+right", "step(1)", "Next stage", id="stage.next"),
        Binding("ctrl+left", "step(-1)", "Previous stage", show=False, id="stage.previous"),
        Binding("question_mark,f1", "help", "Help", id="stage.help"),
        # One way back that every terminal delivers: Escape climbs (a box -> the stage ->
        # the sessions list). Ctrl+H is not used: terminals send it as Backspace.
        Binding("escape", "leave_box", "Leave the box", id="session.leave_box"),
        Binding("escape", "home", "Back to sessions", id="session.home"),
        # Priority so it works from any stage, even inside a grid or a box.
        Binding("ctrl+e", "export", "Export", id="session.export", priority=True),
    ]
    DEFAULT_CSS = """
    SessionScreen #session-busy { height: auto; background: $warning; color: $background; text-style: bold;
                                  display: none; }
    """

    # Phone activity redraws at most this often (longer when a redraw is slow, so the
    # facilitator's keys keep most of the loop however many phones vote).
    PHONES_REDRAW_S = 0.1

    # The stage decides the focus on arrival (StagePane.focus_first): Textual's own auto
    # focus would put the cursor in the first box (Setup's title, Participants' name),
    # where a stage key typed next would land as text.
    AUTO_FOCUS = ""  # falsy but not None (None defers to the app's "*")

    def __init__(self, session_id: int, stage: str | None = None) -> None:
        from workshop_tui.tui.compositor import LeanCompositor

        super().__init__()
        self._compositor = LeanCompositor()  # a keypress's frame renders only what it changes
        self.session_id = session_id
        self.initial_stage = stage
        self.workshop = None
        self._stale = False  # something changed since the picture was read: read it all again
        self._stale_rounds: set[str] = set()  # only these rounds changed (votes typed here)
        self._generation = 0  # the newest read asked for
        self._shown_generation = 0  # the read on screen
        self._waiting_since: float | None = None  # when the oldest read still pending was asked for
        self._busy = False  # the pending read has met a database held by another program
        self._wanted: tuple[str, bool] | None = None  # a stage asked for before the first read arrived
        self._loaded_panes: set[str] = set()  # panes that have drawn some workshop already
        self._mounting: dict[str, asyncio.Event] = {}  # stages whose pane is being mounted now
        # The phones server (tui/phones_link.py), made when the Phones screen first opens.
        self.phones = None
        self._phones_kinds: set[str] = set()
        self._phones_timer = None
        self._phones_last = 0.0
        self._phones_gap = self.PHONES_REDRAW_S
        self._phones_stale = False
        self._phones_reading = False
        # Named phone ballots shown as they came (numbered), kept until a read begun after
        # them arrives: a read begun before a ballot must not take it off the screen again.
        self._phones_pushed: list[tuple[int, tuple]] = []
        self._phones_seq = 0
        self._phones_unshown: list[tuple] = []  # pushed ballots waiting for one redraw together

    def compose(self) -> ComposeResult:
        yield Header()
        yield Stepper(id="stepper")
        yield Static(id="session-busy")
        yield ContentSwitcher(id="stages")
        yield StageFooter()

    def on_mount(self) -> None:
        self.set_interval(0.2, self._show_waiting)
        self.reload()

    @property
    def loading(self) -> bool:
        """True while a read of the workshop is under way (the screen shows the one before)."""
        return self._waiting_since is not None

    @property
    def current(self) -> str:
        current = self.query_one("#stages", ContentSwitcher).current or "stage-setup"
        return current.removeprefix("stage-")

    def pane(self, stage: str | None = None) -> StagePane:
        return self.query_one(f"#stage-{stage or self.current}", StagePane)

    def reload(self, rounds: Collection[str] = ()) -> None:
        """Read the workshop again, in a thread; ``Loaded`` brings it back to the UI thread.

        With ``rounds``, only those rounds are read and the rest is the picture on screen (a
        few queries instead of the whole session), when nothing else is waiting to be read."""
        base = self.workshop if rounds and not self._stale and not self.loading else None
        self._generation += 1
        # A change committed after this moment marks the screen stale again.
        self._stale, self._stale_rounds = False, set()
        if self._waiting_since is None:
            self._waiting_since = time.monotonic()
        keys = tuple(rounds) if base is not None else ()
        in_thread(self, partial(self._read, self._generation, base, keys), group="session-read",
                  exit_on_error=False)

    def _read(self, generation: int, base=None, keys: tuple[str, ...] = ()) -> None:
        """Runs in a thread: never touches widgets. A database held by another program is
        waited out (the banner says so); other database trouble becomes a message."""
        from textual.worker import get_current_worker

        from workshop_tui.services import sessions
        from workshop_tui.services.database import is_busy, is_database_error

        def read():
            if base is not None:
                try:
                    return sessions.reread_rounds(self.app.db, self.session_id, base, keys)
                except LookupError:  # a round deleted elsewhere: the whole session, which says if it is gone
                    pass
            return sessions.load(self.app.db, self.session_id)

        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                workshop = read()
            except LookupError as exc:  # the session was deleted by another program
                self.post_message(self.Loaded(generation, problem=f"This session cannot be read any more: {exc}"))
                return
            except Exception as exc:  # noqa: BLE001 - sorted below
                if is_busy(exc):
                    self._busy = True
                    time.sleep(0.05)
                    continue
                if is_database_error(exc):
                    self.post_message(self.Loaded(generation, problem=(
                        f"The session could not be read: the database reported a problem "
                        f"({type(exc).__name__}: {exc}). The screen shows what was read before.")))
                else:
                    self.post_message(self.Loaded(generation, error=exc))
                return
            self.post_message(self.Loaded(generation, workshop))
            return

    async def on_session_screen_loaded(self, message: "SessionScreen.Loaded") -> None:
        message.stop()
        if message.error is not None:
            raise message.error  # a bug, not the database: the app stops with a non-zero status
        if message.generation <= self._shown_generation:
            return  # an older read finishing late: a newer picture is already on screen
        self._shown_generation = message.generation
        if message.generation == self._generation:
            self._waiting_since, self._busy = None, False
            self._show_waiting()
        if message.problem:
            self.app.notify(for_terminal(message.problem), title="Not read", severity="error", timeout=8,
                            markup=False)
            return
        first = self.workshop is None
        self.workshop = message.workshop
        if first:
            stage, remember = self._wanted or (
                self.initial_stage or self.workshop.session.stage, self.initial_stage is not None)
            self._wanted = None
            await self.show_stage(stage if stage in STAGES else "setup", remember=remember)
            return
        self._draw_current()

    def _draw_current(self) -> None:
        stage = self.current
        self.pane(stage).load(self.workshop)
        self._loaded_panes.add(stage)
        self.query_one(Stepper).show(stage, stage_done(self.workshop))
        self.app.sub_title = f"{plain(self.workshop.session.title)} · {LABELS[stage]}"

    def _show_waiting(self) -> None:
        """A visible state while a read waits; the screen keeps the last picture and takes keys."""
        banner = self.query_one("#session-busy", Static)
        since, now = self._waiting_since, time.monotonic()
        writing = self.app.writer.waiting_since
        waiting = since is not None and now - since > WAITING_AFTER_S
        if writing is not None and now - writing > WAITING_AFTER_S:
            # A change in hand comes first: the facilitator must not think it is saved.
            banner.update(Text(" Saving: waiting for the database. The change is not saved yet; "
                               "you can keep working. "))
            waiting = True
        elif waiting:
            who = " (another program is using it)" if self._busy else ""
            if self.workshop is None:
                banner.update(Text(f" Waiting for the database{who}: opening the session. Escape goes back. "))
            else:
                banner.update(Text(f" Waiting for the database{who}: the screen shows what was read before. "
                                   "You can keep working. "))
        banner.display = waiting

    async def _ensure_pane(self, stage: str) -> StagePane:
        """The stage's pane, mounted. A second call while the first is still mounting it (a
        key pressed twice, a key and the stepper) waits for that mount: the pane is in the
        DOM before its own widgets are, and drawing it then crashed (NoMatches)."""
        mounting = self._mounting.get(stage)
        if mounting is not None:
            await mounting.wait()
        switcher = self.query_one("#stages", ContentSwitcher)
        found = switcher.query(f"#stage-{stage}")
        if found:
            return found.first(StagePane)
        try:
            pane = pane_class(stage)(self.session_id, id=f"stage-{stage}")
        except ImportError as exc:
            pane = MissingStagePane(self.session_id, stage, str(exc), id=f"stage-{stage}")
        self._mounting[stage] = done = asyncio.Event()
        try:
            await switcher.mount(pane)
        finally:
            del self._mounting[stage]
            done.set()
        return pane

    async def show_stage(self, stage: str, *, remember: bool = True) -> None:
        if self.workshop is None:
            self._wanted = (stage, remember)  # shown when the first read arrives
            return
        pane = await self._ensure_pane(stage)
        self.query_one("#stages", ContentSwitcher).current = f"stage-{stage}"
        if self._stale or self._stale_rounds:
            # The new picture follows; meanwhile the stage shows what was read before.
            self.reload(() if self._stale else self._stale_rounds)
        if not (self.loading and stage in self._loaded_panes):
            # A pane seen before keeps its picture until the read arrives (no work spent on old data).
            pane.load(self.workshop)
            self._loaded_panes.add(stage)
        self.query_one(Stepper).show(stage, stage_done(self.workshop))
        self.app.sub_title = f"{plain(self.workshop.session.title)} · {LABELS[stage]}"
        if remember and self.workshop.session.stage != stage:
            # Committed in a thread, so reopening after a crash returns to this stage.
            in_thread(self, partial(_remember_stage, self.app.db, self.session_id, stage), group="session-stage",
                      exit_on_error=False)
        self.call_after_refresh(self._focus_pane, pane)

    def _focus_pane(self, pane: StagePane) -> None:
        pane.focus_first()
        self.refresh_bindings()

    def on_descendant_focus(self, _event) -> None:
        self.refresh_bindings()  # Escape's label follows the focus (leave the box / sessions)

    def on_stage_pane_changed(self, message: StagePane.Changed) -> None:
        message.stop()
        if not message.reload:
            # The pane updated itself in place; others reload when next shown (only the
            # rounds it names, when it names them).
            if message.rounds and not self._stale:
                self._stale_rounds.update(message.rounds)
            else:
                self._stale = True
            return
        self.reload()  # the current pane redraws when the read arrives

    async def on_stepper_stage_chosen(self, message: Stepper.StageChosen) -> None:
        await self.show_stage(message.stage)

    async def action_go(self, stage: str) -> None:
        await self.show_stage(stage)

    async def action_step(self, delta: int) -> None:
        index = STAGES.index(self.current) + delta
        if 0 <= index < len(STAGES):
            await self.show_stage(STAGES[index])

    def _in_a_box(self) -> bool:
        from textual.widgets import Input, Select, TextArea

        focused = self.focused
        return isinstance(focused, (Input, TextArea, Select))

    def action_leave_box(self) -> None:
        # The box saves itself when it loses focus (each pane's blur handler).
        self.pane().focus_first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_box":
            return self._in_a_box()
        if action == "home":
            return not self._in_a_box()
        if action == "step" and self.workshop is not None:
            index = STAGES.index(self.current) + int(parameters[0])
            return 0 <= index < len(STAGES)
        return True

    def action_help(self) -> None:
        from workshop_tui.tui.modals.help import HelpModal

        if self.workshop is None:
            return  # the first read is still under way: no stage to explain yet
        pane = self.pane()
        self.app.push_screen(HelpModal(f"{LABELS[pane.STAGE]}: {pane.TITLE}", pane.HELP + GENERAL_HELP))

    # -- phones ------------------------------------------------------------------
    def phones_link(self):
        if self.phones is None:
            from workshop_tui.tui.phones_link import PhonesLink

            self.phones = PhonesLink(self)
        return self.phones

    async def stop_phones(self) -> None:
        if self.phones is not None and self.phones.server is not None:
            await self.phones.stop()
            self.app.notify("Phones server stopped.", timeout=3)

    def on_phones_activity(self, message) -> None:
        message.stop()
        if message.ballot is not None:
            self._phones_push(message.ballot)
        self._phones_kinds.add(message.kind)
        if self._phones_timer is None:
            wait = max(0.001, self._phones_last + self._phones_gap - time.monotonic())  # Textual refuses 0
            self._phones_timer = self.set_timer(wait, self._phones_redraw)

    def _phones_push(self, ballot: tuple) -> None:
        """A named phone ballot, committed: on the Voting stage it shows at once, without a
        read (the read that follows still settles the counts and anything else)."""
        if not (self.current == "voting" and self.app.screen is self and self.workshop is not None):
            return  # the stage is drawn fresh from the database when it is next shown
        self._phones_seq += 1
        self._phones_pushed.append((self._phones_seq, ballot))
        if not self._phones_unshown:
            self.call_later(self._phones_show_pushed)  # after the ballots queued with it: one redraw
        self._phones_unshown.append(ballot)

    def _phones_show_pushed(self) -> None:
        ballots, self._phones_unshown = self._phones_unshown, []
        if self.current == "voting" and self.app.screen is self:
            self.pane().phone_ballots(ballots)

    def _phones_redraw(self) -> None:
        """One redraw for all phone activity since the last: counters, and votes where they show.

        Ballots change the Voting stage: the workshop is read again in a thread (the loop stays
        the facilitator's), then only what changed is redrawn (PhonesRead)."""
        self._phones_timer = None
        if self._phones_reading:
            return  # the read under way ends with a redraw, which looks again
        kinds, self._phones_kinds = self._phones_kinds, set()
        if kinds & {"ballot", "voided"}:
            if self.current == "voting" and self.app.screen is self:
                self._phones_reading = True
                in_thread(self, partial(self._phones_read, self._generation, self.workshop, self._phones_seq),
                          group="phones-read", exit_on_error=False)
            else:
                self._stale = self._phones_stale = True  # drawn fresh when this screen or stage is shown
        self._phones_show(kinds)

    def _phones_read(self, generation: int, before=None, pushed: int = 0) -> None:
        """Only the open rounds are read again (phones vote in an open round), a few lean
        queries each; the rest is the picture on screen. A round gone meanwhile (deleted
        elsewhere) means the whole session is read."""
        from workshop_tui.services import sessions

        try:
            if before is None:
                workshop = sessions.load(self.app.db, self.session_id)
            else:
                try:
                    # A snapshot: beside the phones' writer, this read neither waits for it nor holds it up.
                    workshop = sessions.reread_rounds(self.app.db, self.session_id, before,
                                                      [r.key for r in before.rounds if r.status == "open"],
                                                      snapshot_read=True)
                except LookupError:  # a round deleted elsewhere
                    workshop = sessions.load(self.app.db, self.session_id)
        except Exception as exc:  # noqa: BLE001 - shown as a message; the next phone event tries again
            self.post_message(PhonesRead(None, exc, generation=generation, pushed=pushed))
            return
        self.post_message(PhonesRead(workshop, generation=generation, pushed=pushed))

    def on_phones_read(self, message: "PhonesRead") -> None:
        message.stop()
        self._phones_reading = False
        began = time.monotonic()
        kinds: set[str] = set()
        if message.workshop is None:
            self.app.notify(f"Phone ballots not shown yet: the database could not be read ({message.error}).",
                            severity="warning", timeout=4, markup=False)
        elif message.generation != self._generation:
            kinds = {"ballot"}  # a reload was asked for after this read began: its picture wins; look again
        elif self.current == "voting":
            self.workshop = message.workshop
            self._stale = False
            pane = self.pane()
            if not pane.phones_changed(self.workshop):
                kinds = {"ballot"}  # mid-typing: next time
            else:
                # Ballots shown after this read began may be newer than it: shown again.
                self._phones_pushed = [(n, b) for n, b in self._phones_pushed if n > message.pushed]
                pane.phone_ballots([b for _n, b in self._phones_pushed])
        self._phones_show(kinds, began)

    def _phones_show(self, pending: set[str], began: float | None = None) -> None:
        began = time.monotonic() if began is None else began
        for screen in self._phones_screens():
            screen.show_activity()
        self._phones_kinds |= pending
        self._phones_last = time.monotonic()
        # A slow redraw (a big grid) spaces the next ones out: the loop stays mostly the facilitator's.
        self._phones_gap = max(self.PHONES_REDRAW_S, 3 * (self._phones_last - began))
        if self._phones_kinds and self._phones_timer is None and not self._phones_reading:
            self._phones_timer = self.set_timer(self._phones_gap, self._phones_redraw)

    def on_screen_resume(self) -> None:
        if self.workshop is None or self.phones is None:
            return
        if self._phones_stale:
            self._phones_stale = False
            self.reload()  # in a thread; the current pane redraws when the read arrives
        elif self.current == "voting":
            self.pane().show_phones_state()  # the round line says whether phones are on

    def _phones_screens(self) -> list:
        return [s for s in self.app.screen_stack if getattr(s, "phones_of", None) is self]

    async def on_unmount(self) -> None:
        await self.stop_phones()  # leaving the session or quitting: no server outlives its session

    async def action_home(self) -> None:
        from workshop_tui.services.backups import backup_on_close

        await self.stop_phones()

        # Leaving a session is a natural checkpoint; the copy runs in a thread so the
        # list of sessions appears at once (backup_on_close never raises).
        in_thread(self.app, partial(backup_on_close, self.app.db), group="backup", exit_on_error=False)
        self.app.pop_screen()
        home = self.app.screen
        if hasattr(home, "refresh_sessions"):
            home.refresh_sessions(select_id=self.session_id)

    def action_export(self) -> None:
        from workshop_tui.services import exports
        from workshop_tui.tui.modals.export_session import ExportSessionModal

        if self.workshop is not None and not isinstance(self.app.screen, ModalScreen):
            self.app.push_screen(ExportSessionModal(self.session_id, self.workshop.session.title, exports.formats()))

    def stage_commands(self) -> list[tuple[str, str, object]]:
        """For the command palette: every stage by name."""
        return [(f"Go to stage {n}: {label}", f"key: {n}", partial(self.run_action, f"go('{stage}')"))
                for n, (stage, label, _) in enumerate(STAGE_PANES, start=1)]


def _remember_stage(db, session_id: int, stage: str) -> None:
    """Runs in a thread. Where the facilitator was is a convenience, not their work: a
    database that refuses it is logged, never shown as a failure."""
    from workshop_tui.services import sessions
    from workshop_tui.services.database import is_database_error

    try:
        sessions.set_stage(db, session_id, stage)
    except Exception as exc:  # noqa: BLE001
        if not is_database_error(exc) and not isinstance(exc, LookupError):
            raise
        logging.getLogger(__name__).warning("remembering the stage failed", exc_info=True)


GENERAL_HELP = (
    "\n\nMoving around: the numbers 1 to 9 jump to a stage (when you are not typing in a box); "
    "Ctrl+Right and Ctrl+Left go to the next or previous stage; Escape climbs back: out of the vote "
    "grid's entry mode, out of a box, then to the list of sessions; Ctrl+E exports the session (board pack, spreadsheet or session file); Ctrl+P opens the command palette, which can reach every action; F2 switches "
    "the high-contrast theme. Everything you enter is saved the moment you enter it."
)
