"""The Textual application: opens the database off the first frame's path and
presents the services' results. No business rules live here.

Start-up: the home screen first shows the sessions read with the standard
library's sqlite3 (storage/quick.py), then a worker thread imports SQLAlchemy,
migrates and opens the database, and posts ``DatabaseReady``. Nothing imported
before that first list may pull in SQLAlchemy, pydantic or Alembic.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.theme import Theme

from workshop_tui.heap import freeze_long_lived
from workshop_tui.tui.commands import WorkshopCommands
from workshop_tui.tui.screens.home import HomeScreen
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.typeahead import TypeAhead
from workshop_tui.tui.writes import Writer, Written

SCREENS_CSS = "screens.tcss"  # beside app.tcss; see load_screens_css
HIGH_CONTRAST = "workshop-high-contrast"
NORMAL_THEME = "textual-dark"

# For projectors washed out by daylight: pure black and white, saturated accents.
HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF80FF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    warning="#FFB000",
    error="#FF5050",
    success="#40FF40",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "footer-key-foreground": "#FFFF00",
        "input-selection-background": "#FFFF00 40%",
    },
)



class WorkshopApp(TypeAhead, App[int]):
    """workshop-tui's app. ``url`` is opened in a worker; tests may pass ``db``."""

    TITLE = "workshop-tui"
    SUB_TITLE = "prioritisation workshop"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {WorkshopCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f2", "toggle_contrast", "Contrast", id="app.contrast"),
    ]

    # The worker's longest wait for the first list to be drawn before it opens the database anyway.
    FIRST_LIST_WAIT_S = 2.0

    class DatabaseReady(Message):
        """The database is open and migrated; the home screen can load."""

    class DatabaseFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, url: str | None = None, *, db=None, load_samples_when_empty: bool = True) -> None:
        super().__init__()
        self.url = url
        self.db = db
        self.load_samples_when_empty = load_samples_when_empty
        # The sessions as read before the database layer is loaded (None: not available).
        self.quick_sessions: list | None = None
        # Set once the first list is on screen: only then may the worker start importing.
        self.first_list_shown = threading.Event()
        self._closing = False
        self._first_frame_seen = False
        self._screens_css_loaded = False
        self._after_frame: list = []  # callbacks waiting for the next frame (after_frame)
        # Every change other than a cast vote is written by this one thread (tui/writes.py).
        self.writer = Writer(self)
        self.register_theme(HIGH_CONTRAST_THEME)

    def get_default_screen(self) -> HomeScreen:
        # Home is the first screen itself (not pushed over Textual's empty default from
        # on_mount): a pushed screen was laid out and rendered while the app was still
        # starting, and Textual threw that frame away (about 0.1 s of the start-up).
        if self.db is None:
            self.quick_sessions = self._read_sessions_quickly()
        return HomeScreen()

    def on_mount(self) -> None:
        if self.db is None:
            if self.quick_sessions is None:
                self.first_list_shown.set()  # nothing to show first: open the database at once
            in_thread(self, self._open_database, exclusive=True, group="database")
        self._apply_preferences()
        if self.db is not None:
            self.post_message(self.DatabaseReady())

    def _read_sessions_quickly(self) -> list | None:
        from workshop_tui.services.database import read_sessions_quickly

        return read_sessions_quickly(self.url, samples_when_empty=self.load_samples_when_empty)

    def home_list_shown(self) -> None:
        """Called once the first frame showing the home screen's quick list has been written."""
        self.first_list_shown.set()

    # after_frame's wait when no frame comes (nothing was left to draw).
    AFTER_FRAME_AT_LATEST_S = 0.1

    def after_frame(self, callback) -> None:
        """Run ``callback`` once, on the UI thread, when the next frame has been written (or a
        compositor pass found nothing to draw), or after ``AFTER_FRAME_AT_LATEST_S`` should no
        frame come (a frame already asked for is due sooner: the screen draws up to 60 a second).
        For work in a thread that would otherwise share the interpreter lock with that frame.
        ``call_after_refresh`` does not promise it: it runs at the screen's next idle, which
        can come before a widget's refresh has reached the screen, and so before the frame."""
        done = []

        def once() -> None:
            if not done:
                done.append(True)
                callback()

        self._after_frame.append(once)
        self.set_timer(self.AFTER_FRAME_AT_LATEST_S, once)

    def post_display_hook(self) -> None:
        if self._after_frame:
            waiting, self._after_frame = self._after_frame, []
            for callback in waiting:
                self.call_later(callback)
        # Textual calls this after each frame; the first one after Home has been laid out
        # shows its list. Only then may the worker's imports take the interpreter (started
        # earlier, they slowed that very frame down; waiting for an idle callback instead
        # started them up to 0.2 s late, a delay Enter would feel), and the other screens'
        # CSS is parsed, before any key can open one of them.
        if self._first_frame_seen or not isinstance(self.screen, HomeScreen) or not self.screen.laid_out():
            return
        self._first_frame_seen = True
        if self.screen.quick_shown:
            self.home_list_shown()
        self.call_later(self.load_screens_css)

    def load_screens_css(self) -> None:
        """Add screens.tcss (the session screen, its panes, the dialogs) to the stylesheet
        and parse it now; app.tcss alone, Home's, is parsed before the first frame."""
        if self._screens_css_loaded:
            return
        self._screens_css_loaded = True
        path = Path(__file__).with_name(SCREENS_CSS)
        self.stylesheet.add_source(path.read_text(encoding="utf-8"), read_from=(str(path), ""))
        self.stylesheet.rules  # noqa: B018 - parses the new source here, not on the next key

    def push_screen(self, *args, **kwargs):
        # Every other screen is styled by screens.tcss: there before it mounts, whatever the timing.
        self.load_screens_css()
        return super().push_screen(*args, **kwargs)

    def _open_database(self) -> None:
        # Runs in a thread: SQLAlchemy, Alembic and the migrations are imported
        # here, after the first frame, so the app appears at once. Importing is
        # pure Python and holds the GIL, so it waits until the quick list has been
        # drawn rather than slow the first frame down (the timeout is a safety net).
        from textual.worker import get_current_worker

        self.first_list_shown.wait(timeout=self.FIRST_LIST_WAIT_S)
        if get_current_worker().is_cancelled or self._closing:
            return
        from workshop_tui.services.database import OpenFailed, open_for_app

        try:
            db = open_for_app(self.url, samples_when_empty=self.load_samples_when_empty)
        except OpenFailed as exc:  # a visible message, never a crash dump in front of the room
            self.post_message(self.DatabaseFailed(str(exc)))
            return
        self.db = db
        self.post_message(self.DatabaseReady())

    def on_workshop_app_database_ready(self, _message: DatabaseReady) -> None:
        freeze_long_lived()
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.database_ready()

    def on_workshop_app_database_failed(self, message: DatabaseFailed) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_error(message.message)

    def on_written(self, message: Written) -> None:
        message.stop()
        self.writer.finished(message)

    def _exit_once_written(self) -> None:
        """Quitting waits for the changes already asked for (the screen said they would be
        saved); the wait runs in a worker so the screen keeps drawing meanwhile."""
        if not self.writer.busy:
            self.exit()
            return
        self.notify("Saving the last change before quitting…", timeout=3)

        async def wait_then_exit() -> None:
            if not await self.writer.wait():
                self.unsaved_on_exit = ["a change the database had not taken after 60 s"]
            self.exit()

        self.run_worker(wait_then_exit(), group="quit", exclusive=True)

    async def action_quit(self) -> None:
        """Ctrl+Q. While a voter has a private ballot open it asks first: the
        footer offers Quit to whoever holds the laptop."""
        from workshop_tui.tui.modals.confirm import ConfirmModal

        if any(getattr(screen, "ballot_open", False) for screen in self.screen_stack) and not isinstance(
                self.screen, ConfirmModal):
            question = ("A private ballot is open. Facilitator: quit workshop-tui? "
                        "The ballot being typed is not saved.")

            async def answer(yes: bool | None) -> None:
                if yes:
                    await self._stop_phones()
                    self._exit_once_written()

            self.push_screen(ConfirmModal(question, yes="Quit", no="Keep voting"), answer)
            return
        await self._stop_phones()
        self._exit_once_written()

    async def _stop_phones(self) -> None:
        """A phones server stops with the app (and with its session: SessionScreen.on_unmount)."""
        for screen in self.screen_stack:
            stop = getattr(screen, "stop_phones", None)
            if stop is not None:
                await stop()

    def _apply_preferences(self) -> None:
        from workshop_tui import preferences

        prefs, problem = preferences.load()
        if prefs.high_contrast:
            self.theme = HIGH_CONTRAST
        if problem:
            self.notify(problem, title="Preferences", severity="warning", timeout=8, markup=False)

    def action_toggle_contrast(self) -> None:
        # Remembered: the same projector is usually there next time, and a facilitator who
        # needs high contrast should not have to find F2 again in front of the room.
        from workshop_tui import preferences

        self.theme = NORMAL_THEME if self.theme == HIGH_CONTRAST else HIGH_CONTRAST
        _prefs, problem = preferences.update(high_contrast=self.theme == HIGH_CONTRAST)
        self.notify("High contrast on" if self.theme == HIGH_CONTRAST else "High contrast off", timeout=2)
        if problem:
            self.notify(problem, severity="warning", timeout=6, markup=False)

    def on_unmount(self) -> None:
        # Quit before the first list was drawn: release the waiting worker, which then stops.
        self._closing = True
        self.first_list_shown.set()
        if self.db is not None:
            from workshop_tui.services.backups import backup_on_close

            # Synchronous (workers are gone by now) but quick, and it never raises,
            # so a failed copy is logged and the app still closes.
            backup_on_close(self.db)
        if self.db is not None and self.url is not None:
            self.db.dispose()


def run_app(url: str) -> int:
    """Run the app; the exit status is non-zero when it stopped on an unexpected error.

    Every vote is committed as it is typed, so what was saved stays saved; an entry
    still waiting for the database when the app failed is named on the way out.
    """
    import sys

    app = WorkshopApp(url)
    # Everything imported so far lives as long as the process: out of the collector's
    # sight, the full collection that fell during the first frame (40-50 ms) is cheap.
    freeze_long_lived()
    result = app.run()
    unsaved = getattr(app, "unsaved_on_exit", [])
    if unsaved:
        print("workshop-tui stopped with changes NOT saved (make them again): " + "; ".join(unsaved),
              file=sys.stderr)
    if app.return_code:
        return app.return_code
    return 1 if unsaved else (result or 0)
