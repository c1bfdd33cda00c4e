"""Phones: the facilitator's side of voting from participants' own phones.

Picks the laptop's address (ranked, remembered), starts and stops the server (kept by the
session screen, on the app's own loop), shows the QR code with the typed address and join
code beside it, live counters, the devices that joined, and the pre-flight check. The
server, the pages and every rule about ballots live elsewhere (workshop_tui.web and
services); this screen only asks and shows.
"""

from __future__ import annotations

import errno
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static

from workshop_tui.tui.safe import line, plain, shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.qr import QrCode, qr_matrix, wifi_data

MODES = {
    "anonymous": ("Anonymous device", "one ballot per phone per round, tied to nobody (secret rounds)"),
    "slips": ("One-time slips", "print codes (l) and hand one to each person; each votes once (secret rounds)"),
    "named": ("Named codes", "a personal code per participant (l prints them); one ballot per person "
                             "per round across phones, the grid and paper"),
}
PREVIEW = "127.0.0.1"  # this laptop only: a preview of the pages; phones cannot reach it

CHECKLIST = (
    "Nothing has reached the laptop yet. Check, in this order:\n"
    " 1. The phone is on the same Wi-Fi as this laptop (the network's name).\n"
    " 2. Mobile data is off (Android sends pages over it when the Wi-Fi has no internet; "
    "tap \"Stay connected\" if asked).\n"
    " 3. The laptop's firewall: allow workshop-tui when asked (Windows: Private network).\n"
    " 4. Guest Wi-Fi often keeps devices apart (client isolation): use your own hotspot or router.\n"
    " 5. The right address (a): the one of the network the phones joined."
)


class PhonesScreen(Screen):
    """Opened from the Voting stage with ``v``; Escape goes back to it (the server keeps running)."""

    DEFAULT_PORT = 8000
    PREFLIGHT_WAIT_S = 60.0  # nothing from a phone for this long: show the checklist

    DEFAULT_CSS = """
    PhonesScreen #phones-status { height: auto; padding: 0 1; text-style: bold; }
    PhonesScreen #phones-status.-on { background: $success 30%; }
    PhonesScreen #phones-main { height: 1fr; }
    PhonesScreen #phones-left { width: auto; height: 100%; padding: 0 1; }
    PhonesScreen #phones-qr-caption { width: auto; max-width: 40; height: auto; }
    PhonesScreen #phones-off { width: 36; height: auto; border: round $panel-lighten-2; padding: 0 1; }
    PhonesScreen #phones-right { width: 1fr; height: 100%; padding: 0 1 0 0; }
    PhonesScreen #phones-right Static { height: auto; }
    PhonesScreen #phones-link { margin-bottom: 1; }
    PhonesScreen #phones-counters { text-style: bold; }
    PhonesScreen #phones-preflight { margin: 1 0; }
    PhonesScreen #phones-preflight.-ok { color: $success; text-style: bold; }
    PhonesScreen #phones-preflight.-warn { color: $warning; }
    PhonesScreen #phones-devices { height: auto; max-height: 12; }
    """

    BINDINGS = [
        Binding("s", "start", "Start server", id="phones.start"),
        Binding("s", "stop", "Stop server", id="phones.stop"),
        Binding("a", "address", "Address", id="phones.address"),
        Binding("f", "full", "Full screen QR", id="phones.full"),
        Binding("b", "big", "Big QR", id="phones.big"),
        Binding("w", "wifi", "Wi-Fi QR", id="phones.wifi"),
        Binding("c", "rotate", "New join code", id="phones.rotate"),
        Binding("d", "void", "Void ballot", id="phones.void"),
        Binding("m", "mode", "Identity mode", show=False, id="phones.mode"),
        Binding("l", "print_codes", "Print slips or codes to a file", show=False, id="phones.codes"),
        Binding("e", "expected", "Expected headcount", show=False, id="phones.expected"),
        Binding("W", "wifi_details", "Wi-Fi network name and password", show=False, id="phones.wifi_details"),
        Binding("escape", "back", "Back to voting", id="phones.back"),
    ]

    def __init__(self, session_screen, *, list_addresses=None) -> None:
        super().__init__()
        self.phones_of = session_screen  # the session screen keeps the server and redraws us
        self.link = session_screen.phones_link()
        self._list_addresses = list_addresses
        self.candidates: list = []
        self.address: str | None = None
        self.port: int | None = None
        self.mode = self.link.mode
        self.expected: int | None = None
        self.wifi: tuple[str, str] | None = None  # (name, password): in memory only, never on disk
        self.showing = "join"  # or "wifi"
        self.busy = False  # a start or stop under way

    # -- layout ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="phones-status")
        with Horizontal(id="phones-main"):
            with Vertical(id="phones-left"):
                yield QrCode(id="phones-qr")
                yield Static(id="phones-off")
                yield Static(id="phones-qr-caption")
            with VerticalScroll(id="phones-right"):
                yield Static(id="phones-link")
                yield Static(id="phones-counters")
                yield Static(id="phones-preflight")
                yield Static(id="phones-settings")
                devices = DataTable(id="phones-devices", cursor_type="row")
                devices.add_column("Device", key="label", width=14)
                devices.add_column("This round", key="voted", width=12)
                yield devices
        yield Footer()

    def on_mount(self) -> None:
        from workshop_tui import preferences

        prefs, _problem = preferences.load()  # the app already said if the file is unusable
        self.port = prefs.phones_port
        workshop = self.phones_of.workshop
        self.expected = len(workshop.participants) if workshop is not None else None
        if self.link.running:
            server = self.link.server
            self.address, self.port, self.mode = server.address, server.port, self.link.mode
            self.candidates = self._candidates()
        else:
            self.candidates = self._candidates()
            from workshop_tui.domain.network import choose

            chosen = choose(self.candidates, prefs.phones_address)
            self.address = prefs.phones_address if prefs.phones_address == PREVIEW else (
                chosen.ip if chosen else None)
        self._sub_title = self.app.sub_title
        self.app.sub_title = f"{plain(workshop.session.title)} · Phones" if workshop else "Phones"
        self.set_interval(1, self._tick)
        self.show_all()

    def _candidates(self) -> list:
        if self._list_addresses is not None:
            return list(self._list_addresses())
        from workshop_tui.services.network import address_candidates

        try:
            return address_candidates()
        except OSError:  # the system would not list its adapters: the facilitator can still pick the preview
            return []

    # -- drawing -----------------------------------------------------------------
    def show_all(self) -> None:
        self._show_status()
        self._show_qr()
        self._show_link()
        self.show_activity()
        self._show_settings()
        self.refresh_bindings()

    def show_activity(self) -> None:
        """Counters, devices and the pre-flight: called by the session screen, throttled."""
        self._show_counters()
        self._show_preflight()
        self._show_devices()

    def _round_note(self) -> Text:
        from workshop_tui.services import phones as phone_service

        stats = self.link.server.stats() if self.link.running else None
        if stats is not None and stats.notice:  # the server's words for why phones cannot vote now
            return line(stats.notice, style="bold")
        rnd = phone_service.current_round(self.app.db, self.phones_of.session_id)
        if rnd is None or not rnd.open:
            return Text("No round is open: phones wait in the lobby until you open one.")
        text = Text("Phones vote in round ")
        text.append_text(line(f"{rnd.key} “{rnd.title}”" if rnd.title else rnd.key))
        if self.mode != "named" and not rnd.secret:
            # The server says the same to phones (services.phones.NOT_SECRET) once one asks.
            text.append(". Not a secret ballot: only named codes (m, with the server off) can vote in it.",
                        style="bold")
        return text

    def _show_status(self) -> None:
        status = self.query_one("#phones-status", Static)
        text = Text()
        if self.link.running:
            text.append("Server ON", style="bold")
            text.append(f" at {self.link.server.url} · ")
        else:
            text.append("Server off · ")
        text.append_text(self._round_note())
        status.update(text)
        status.set_class(self.link.running, "-on")

    def _data(self) -> str:
        if self.showing == "wifi" and self.wifi:
            return wifi_data(*self.wifi)
        return self.link.server.url if self.link.running else ""

    def _show_qr(self) -> None:
        qr, off = self.query_one(QrCode), self.query_one("#phones-off", Static)
        caption = self.query_one("#phones-qr-caption", Static)
        running = self.link.running
        qr.display = running
        off.display = not running
        if running:
            qr.data = self._data()
            # Short: at 80x24 one line is left under the code (the network's name is on the right).
            if self.showing == "wifi" and self.wifi:
                text = Text("Scan: join the Wi-Fi · w: vote code", style="bold")
            else:
                text = Text("Scan to vote" + (" · w: the Wi-Fi code" if self.wifi else ""), style="bold")
            caption.update(text)
        else:
            where = f"{self.address}:{self.port or self.DEFAULT_PORT}" if self.address else "no address yet (a)"
            off.update(Text(f"The server is off: phones cannot reach the laptop.\n\nPress s to start it on "
                            f"{where}."))
            caption.update("")

    def _show_link(self) -> None:
        box = self.query_one("#phones-link", Static)
        if not self.link.running:
            box.update(Text("The address to type and the join code appear here once the server is on."))
            return
        server = self.link.server
        text = Text("Or type this address:\n")
        text.append(server.url, style="bold")
        text.append("\nJoin code: ")
        text.append(f" {server.code_shown} ", style="bold reverse")
        text.append("  (c: new code; phones already in stay in)")
        box.update(text)

    def _show_counters(self) -> None:
        box = self.query_one("#phones-counters", Static)
        if not self.link.running:
            box.update("")
            return
        stats = self.link.server.stats()
        expected = stats.expected if stats.expected is not None else self.expected
        text = Text(f"Joined: {stats.joined} · Ballots in: {stats.ballots}")
        if expected:
            text.append(f" · Expected: {expected}")
        box.update(text)

    def _show_preflight(self) -> None:
        box = self.query_one("#phones-preflight", Static)
        ok = warn = False
        if not self.link.running:
            text = Text("")
        elif self.link.server.stats().remote_seen:
            ok = True
            text = Text("✔ Pre-flight: a phone reached the laptop. The network works.")
        elif self.link.started_at is not None and time.monotonic() - self.link.started_at >= self.PREFLIGHT_WAIT_S:
            warn = True
            text = Text(CHECKLIST)
        else:
            text = Text("Pre-flight: scan the code with your own phone, on the room's Wi-Fi. "
                        "This turns green when a phone reaches the laptop.")
        box.update(text)
        box.set_class(ok, "-ok")
        box.set_class(warn, "-warn")

    def _show_devices(self) -> None:
        table = self.query_one("#phones-devices", DataTable)
        devices = self.link.server.devices() if self.link.running else []
        table.display = bool(devices)
        rows = [(d.label, "voted" if d.voted_this_round else "not yet") for d in devices]
        current = [(str(table.get_cell_at((i, 0))), str(table.get_cell_at((i, 1))))
                   for i in range(table.row_count)] if table.row_count == len(rows) else None
        if current == rows:
            return
        where = table.cursor_row
        table.clear()
        for label, voted in rows:
            table.add_row(line(label), Text(voted), key=label)
        if rows:
            table.move_cursor(row=min(where, len(rows) - 1))

    def _show_settings(self) -> None:
        name, why = MODES[self.mode]
        text = Text("Identity: ", style="bold")
        text.append(f"{name}: {why}. ")
        text.append("m changes it while the server is off.\n" if not self.link.running else "\n")
        text.append("Address: ", style="bold")
        if self.address is None:
            text.append("none found: join the room's Wi-Fi or start the hotspot, then press a.")
        else:
            note = next((c.label for c in self.candidates if c.ip == self.address), None)
            if self.address == PREVIEW:
                note = f"{PREVIEW} (this laptop only: a preview; phones cannot reach it)"
            text.append(note or self.address)
            text.append(" · a changes it")
        if self.wifi:
            text.append("\nWi-Fi: ", style="bold")
            text.append_text(line(self.wifi[0]))
            text.append(" (W changes it; the password is never saved)")
        self.query_one("#phones-settings", Static).update(text)

    def _tick(self) -> None:
        if self.link.running and not self.link.server.stats().remote_seen:
            self._show_preflight()  # the checklist appears after the wait, with no event to wake us

    # -- keys ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.link.running
        if action == "start":
            return not running
        if action == "stop":
            return running
        if action in ("rotate", "full", "big", "wifi"):
            return running
        if action == "void":
            return running and self.query_one("#phones-devices", DataTable).row_count > 0
        if action == "print_codes":
            return running and self.mode in ("slips", "named")
        if action == "mode":
            return not running
        return True

    def action_back(self) -> None:
        self.app.sub_title = self._sub_title
        self.app.pop_screen()

    async def action_start(self) -> None:
        if self.address is None:
            self.app.notify("Choose the address first (a): join the room's Wi-Fi or start the hotspot.",
                            severity="warning", timeout=5)
            return
        await self._start(self.port or self.DEFAULT_PORT)

    async def _start(self, port: int) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            await self.link.start(self.address, port, mode=self.mode, expected=self.expected)
        except OSError as exc:
            self.busy = False
            if exc.errno == errno.EADDRINUSE and 0 < port < 65535:
                self._offer_next_port(port)
            else:
                self.app.notify(f"The server could not start on {self.address}:{port} "
                                f"({exc.strerror or exc}). Is this still the laptop's address? Press a to choose.",
                                title="Not started", severity="error", timeout=8, markup=False)
            return
        self.busy = False
        from workshop_tui import preferences

        server = self.link.server
        self.port = server.port
        _prefs, problem = preferences.update(phones_address=self.address, phones_port=server.port)
        if problem:
            self.app.notify(problem, severity="warning", timeout=6, markup=False)
        self.show_all()

    def _offer_next_port(self, port: int) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        async def answer(yes: bool | None) -> None:
            if yes:
                await self._start(port + 1)

        self.app.push_screen(ConfirmModal(f"Port {port} on {self.address} is in use by another program. "
                                          f"Start the server on port {port + 1} instead? (A printed or "
                                          "projected link with the old port stops working.)",
                                          yes=f"Use port {port + 1}", no="Cancel"), answer)

    async def action_stop(self) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            await self.link.stop()
        finally:
            self.busy = False
        self.showing = "join"
        self.app.notify("Phones server stopped: phones can no longer vote.", timeout=3)
        self.show_all()

    def action_address(self) -> None:
        from workshop_tui.tui.modals.pick import PickModal

        self.candidates = self._candidates()
        options = [(c.ip, c.label) for c in self.candidates]
        options.append((PREVIEW, f"{PREVIEW}  (this laptop only: a preview; phones cannot reach it)"))
        hint = ("The address of the network the phones join (your hotspot or travel router). "
                "Enter to choose, Escape to cancel.")
        if self.link.running:
            hint = "Choosing restarts the server on the new address (the code on screen changes). " + hint

        async def chosen(ip: str | None) -> None:
            if ip is None or ip == self.address:
                return
            self.address = ip
            if self.link.running:
                await self.link.stop()
                await self._start(self.port or self.DEFAULT_PORT)
            self.show_all()

        self.app.push_screen(PickModal("Which address should phones use?", options, hint=hint), chosen)

    def action_mode(self) -> None:
        from workshop_tui.tui.modals.pick import PickModal

        def chosen(mode: str | None) -> None:
            if mode in MODES:
                self.mode = mode
                self.link.mode = mode
                self.show_all()

        self.app.push_screen(PickModal("How do phones say who they are?",
                                       [(k, f"{name}: {why}") for k, (name, why) in MODES.items()]), chosen)

    def action_rotate(self) -> None:
        if self.link.running:
            self.link.server.rotate_code()
            self.app.notify("New join code: the old code and its QR no longer let new phones in.", timeout=4)
            self.show_all()

    def action_big(self) -> None:
        qr = self.query_one(QrCode)
        if not qr.big:
            from workshop_tui.tui.widgets.qr import fits

            size = len(qr_matrix(self._data()))
            main = self.query_one("#phones-main")
            if not fits(size, main.size.width - 44, main.size.height, big=True):
                self.app.notify(f"The big code needs {2 * size}x{size} cells; the terminal is too small. "
                                "The full-screen view (f) uses all of it.", severity="warning", timeout=5)
                return
        qr.big = not qr.big

    def action_full(self) -> None:
        if not self.link.running:
            return
        server = self.link.server
        if self.showing == "wifi" and self.wifi:
            under = Text("Join the Wi-Fi ")
            under.append_text(line(self.wifi[0], style="bold"))
        else:
            under = Text("Scan to vote, or type ")
            under.append(server.url, style="bold")
            under.append("  ·  join code ")
            under.append(f" {server.code_shown} ", style="bold reverse")
        self.app.push_screen(QrFullScreen(self._data(), under))

    def action_wifi(self) -> None:
        if self.wifi is None:
            self.action_wifi_details()
            return
        self.showing = "join" if self.showing == "wifi" else "wifi"
        self._show_qr()

    def action_wifi_details(self) -> None:
        def done(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            self.wifi = answer if answer[0] else None
            self.showing = "wifi" if self.wifi else "join"
            self.show_all()

        self.app.push_screen(WifiModal(self.wifi[0] if self.wifi else ""), done)

    def action_expected(self) -> None:
        from workshop_tui.tui.modals.ask import AskModal

        def done(answer: str | None) -> None:
            if answer is None:
                return
            try:
                value = int(answer)
            except ValueError:
                value = -1
            if not 0 < value <= 1000:
                self.app.notify("The headcount is a whole number from 1 to 1000.", severity="error", timeout=5)
                return
            self.expected = value
            if self.link.running and hasattr(self.link.server, "expected"):
                self.link.server.expected = value
            self.show_all()

        self.app.push_screen(AskModal("How many people are expected to vote?", str(self.expected or ""),
                                      kind="integer"), done)

    def action_void(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        table = self.query_one("#phones-devices", DataTable)
        if not self.link.running or not table.row_count:
            return
        label = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

        def answer(yes: bool | None) -> None:
            if yes and self.link.running:
                # It writes to the database: in a thread, never on the loop the phones share.
                in_thread(self, lambda: self._void(self.link.server, label), group="phones-void",
                          exit_on_error=False)

        self.app.push_screen(ConfirmModal(f"Void the ballot from {plain(label)} in this round? Its votes are "
                                          "removed and that phone can vote again.", yes="Void the ballot",
                                          no="Keep it"), answer)

    def _void(self, server, label: str) -> None:
        from workshop_tui.services.voting import VotingError

        try:
            server.void(label)
        except VotingError as exc:
            self.app.call_from_thread(self.app.notify, f"Not voided: {exc}", title="Not saved", severity="error",
                                      timeout=6, markup=False)
            return
        self.app.call_from_thread(self.app.notify, f"Ballot of {plain(label)} voided: that phone can vote again.",
                                  timeout=4, markup=False)
        self.app.call_from_thread(self.show_all)

    def action_print_codes(self) -> None:
        from workshop_tui.tui.modals.ask import AskModal

        if not self.link.running:
            return
        if self.mode == "named":
            self._ask_path("named", 0)
            return

        def count(answer: str | None) -> None:
            try:
                n = int(answer or "")
            except ValueError:
                n = 0
            if not 1 <= n <= 1000:
                if answer is not None:
                    self.app.notify("Print from 1 to 1000 slips.", severity="error", timeout=5)
                return
            self._ask_path("slips", n)

        self.app.push_screen(AskModal("How many slips?", str(self.expected or 20), kind="integer"), count)

    def _ask_path(self, kind: str, n: int) -> None:
        from workshop_tui.services import phone_sheets
        from workshop_tui.tui.modals.ask import AskModal

        workshop = self.phones_of.workshop
        default = phone_sheets.default_path(workshop.session.title, kind)

        def write(answer: str | None) -> None:
            if answer:
                in_thread(self, lambda: self._write_codes(self.link.server, kind, n, answer, workshop.session.title),
                          group="phones-codes", exit_on_error=False)

        what = ("new personal codes for everyone (codes printed before stop working)" if kind == "named"
                else f"{n} slips")
        self.app.push_screen(AskModal(f"Write {what} to which file?", str(default),
                                      hint="A text file to print. Enter to write, Escape to cancel."), write)


    def _write_codes(self, server, kind: str, n: int, path: str, title: str) -> None:
        """In a thread: new codes are stored (as hashes) by the server, then written to the file."""
        from workshop_tui.services import phone_sheets
        from workshop_tui.services.voting import VotingError

        home = f"http://{server.address}:{server.port}/"  # not the join link: a new join code must not void slips
        try:
            phone_sheets.check_path(path)  # before codes are made: new named codes replace the old ones
            if kind == "named":
                where = phone_sheets.write_named_codes(path, server.named_codes(), title=title, url=home)
            else:
                where = phone_sheets.write_slips(path, server.make_slips(n), title=title, url=home)
        except (OSError, VotingError, phone_sheets.SheetError) as exc:
            self.app.call_from_thread(self.app.notify, f"Not written: {exc}", title="Not saved", severity="error",
                                      timeout=8, markup=False)
            return
        self.app.call_from_thread(self.app.notify, f"Written to {where}: print it and cut along the lines.",
                                  timeout=6, markup=False)


class QrFullScreen(Screen):
    """The code as large as the terminal allows, for the projector; any of Escape, f or Enter closes."""

    DEFAULT_CSS = """
    QrFullScreen { align: center middle; background: #ffffff; }
    QrFullScreen Center { height: auto; }
    QrFullScreen #full-under { width: 100%; height: auto; content-align: center middle; text-align: center;
                               color: #000000; background: #ffffff; }
    """
    BINDINGS = [Binding("escape,f,enter", "close", "Close", id="qrfull.close")]

    def __init__(self, data: str, under: Text) -> None:
        super().__init__()
        self.data, self.under = data, under

    def compose(self) -> ComposeResult:
        from textual.containers import Center

        with Center():
            yield QrCode(self.data, id="full-qr")
        yield Static(self.under, id="full-under")

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        from workshop_tui.tui.widgets.qr import fits

        qr = self.query_one(QrCode)
        size = len(qr.matrix)
        qr.big = fits(size, self.size.width, self.size.height - 2, big=True)

    def action_close(self) -> None:
        self.app.pop_screen()


class WifiModal(ModalScreen[tuple[str, str] | None]):
    """The Wi-Fi's name and password, for a QR code phones join with. Kept in memory only."""

    DEFAULT_CSS = """
    WifiModal { align: center middle; }
    WifiModal #wifi-box { width: 64; max-width: 100%; height: auto; border: thick $primary;
                          background: $surface; padding: 0 1; }
    WifiModal #wifi-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="wifi.cancel")]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.name_value = name

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        with Vertical(id="wifi-box"):
            yield Static(Text("The room's Wi-Fi, for a QR code that joins it", style="bold"))
            yield Static("Network name (SSID)")
            yield Input(self.name_value, id="wifi-name")
            yield Static("Password (empty for an open network; never saved)")
            yield Input("", password=True, id="wifi-password")
            yield Static(shown("Enter in the password box shows the code. An empty name removes it. "
                               "Escape cancels."), id="wifi-hint")

    def on_input_submitted(self, event) -> None:
        from textual.widgets import Input

        if event.input.id == "wifi-name":
            self.query_one("#wifi-password", Input).focus()
            return
        name = self.query_one("#wifi-name", Input).value.strip()
        self.dismiss((name, self.query_one("#wifi-password", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
