"""The phone server: participants vote from their own phones over the laptop's network.

An aiohttp application run on the caller's asyncio loop (the TUI's own loop, or the
``phones`` command's), bound to the ONE address the facilitator chose, never 0.0.0.0.
Off until ``start``; ``stop`` ends it. aiohttp and jinja2 are imported only here and
in ``pages`` (lazily, by whoever starts a server), so start-up is unchanged with phones off.

Interface (what the TUI's Phones screen and the ``phones`` command use)::

    server = PhoneServer(db, session_id, round_key=None,   # None: follow the open voting round
                         mode="anonymous",                  # "anonymous" | "slips" | "named"
                         expected=None,                     # headcount; the device cap is twice it
                         on_event=callback)                 # PhoneEvent, called on the loop thread
    await server.start(address, port=0)    # OSError when the port is busy (offer the next one)
    server.url, server.code, server.code_shown, server.port, server.address, server.running
    server.rotate_code() -> str            # a new join code; the old one stops letting phones join
    server.refresh()                       # a round was opened/closed: pages show it at once (else within 1 s)
    server.stats() -> PhoneStats           # joined, ballots, expected, remote_seen, last_request_at, round_key, notice
    server.devices() -> list[DeviceInfo]   # label ("Phone 7"), voted_this_round
    server.void(label)                     # void that phone's ballot in the current round (services, audited)
    server.make_slips(n) -> list[str]      # slips mode: n printable one-time codes
    server.named_codes() -> dict[str, str] # named mode: participant name -> personal code (new ones; shown once)
    await server.stop()

``void``, ``make_slips`` and ``named_codes`` write to the database and wait for it:
call them from a worker thread, not the UI loop. Everything a phone asks runs its
database work on the server's one worker thread, so the loop never waits on the
database and phone ballots are written one at a time, through the same services
(``services.phones`` -> ``voting.ballot_votes`` -> the rule book) as every channel.

Refusals: 421 wrong Host (DNS rebinding), 403 cross-origin POST, bad CSRF token or no
device, 404 unknown join code or page, 409 a ballot for a round that is no longer the
one open, 413 body over 32 KB, 422 a ballot the rule book refuses (the form again with
its words), 429 too many requests from one address, 503 the room is full (device cap).
No access log; no IP address or user agent is kept beyond the in-memory rate buckets.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from workshop_tui.services import phones as svc
from workshop_tui.services.voting import VotingError
from workshop_tui.web import forms, pages, security

COOKIE = "wt_device"
COOKIE_AGE = 12 * 3600  # a workshop day: closing the browser does not make a new device
BODY_CAP = 32 * 1024
SWITCH_INTERVAL_S = 0.001
# The pages' reads have one thread of their own. They are snapshots (services.phones), so they
# neither wait for the writer nor hold it up; a second reader thread only added a second
# SQLite connection and memory arena (0.6 MB) for reads that take the interpreter lock in turn.
READERS = 1
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"


def _silence_aiohttp() -> None:
    """No access log, and no line on the terminal (the TUI's screen) when a stray client
    sends garbage: aiohttp's loggers get a handler that drops everything."""
    import logging

    for name in ("aiohttp", "aiohttp.access", "aiohttp.server", "aiohttp.web"):
        log = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())
        log.propagate = False


def _import_web():
    """``aiohttp.web``, imported without the TLS contexts aiohttp builds for its HTTP client.

    Importing aiohttp creates, at import time, two TLS contexts for its client: OpenSSL's
    start-up and the system's CA certificates, about 3 MB resident (a fifth of the phones'
    memory budget) and 0.1 s of the loop. This app never uses aiohttp's client, and the
    phone server is plain HTTP by design (no certificate can be had offline for a private
    address; docs/phones.md). So aiohttp is imported while ``ssl`` is marked missing, which
    aiohttp supports (each of its ``import ssl`` is guarded); the standard modules it pulls
    in that use ssl (http.client, urllib.request) are imported first, as usual, so they keep
    it, and ``ssl`` is put back at once. An aiohttp that will not import so is imported as
    it comes."""
    if "aiohttp.web" in sys.modules:
        return sys.modules["aiohttp.web"]
    import http.client  # noqa: F401 - with ssl, before aiohttp (see above)
    import urllib.request  # noqa: F401

    had = "ssl" in sys.modules
    saved = sys.modules.get("ssl")
    sys.modules["ssl"] = None  # type: ignore[assignment]
    try:
        from aiohttp import web
    except ImportError:
        web = None
        for name in [n for n in sys.modules if n == "aiohttp" or n.startswith("aiohttp.")]:
            del sys.modules[name]
    finally:
        if had:
            sys.modules["ssl"] = saved  # type: ignore[assignment]
        else:
            del sys.modules["ssl"]
    if web is None:
        from aiohttp import web
    return web


@dataclass(frozen=True)
class PhoneEvent:
    """Something the facilitator's screen may want to show: ``kind`` is "joined",
    "ballot", "request", "voided" or "refused"; ``device`` the phone's label; ``remote``
    whether the request came from another address than this laptop's."""

    kind: str
    device: str = ""
    detail: str = ""
    remote: bool = False
    # A named ballot as committed: (round key, participant key, its votes), so the screen can
    # show it without reading the database again. None for anything else (secret ballots too).
    ballot: tuple[str, str, tuple] | None = None


@dataclass(frozen=True)
class PhoneStats:
    joined: int
    ballots: int  # phone ballots in the current round (cast through this server)
    expected: int | None
    remote_seen: bool  # a request came from an address other than the server's own / loopback
    last_request_at: float | None  # time.time() of the last request
    round_key: str | None = None
    notice: str = ""  # why phones cannot vote now, when they cannot


@dataclass(frozen=True)
class DeviceInfo:
    label: str
    voted_this_round: bool


@dataclass
class _Device:
    label: str
    token: str
    voter: svc.Voter | None
    voted: set[str] = field(default_factory=set)  # round keys cast in through this server


class PhoneServer:
    def __init__(self, db, session_id: int, *, round_key: str | None = None, mode: str = "anonymous",
                 expected: int | None = None, on_event: Callable[[PhoneEvent], None] | None = None,
                 rate: tuple[float, float] = (60.0, 20.0), code_rate: tuple[float, float] = (10.0, 0.2),
                 max_devices: int | None = None) -> None:
        if mode not in svc.MODES:
            raise ValueError(f"mode must be one of {', '.join(svc.MODES)}")
        self.db = db
        self.session_id = session_id
        self.round_key = round_key
        self.mode = mode
        self.expected = expected
        self.on_event = on_event
        self.max_devices = max_devices
        self.address = ""
        self.port = 0
        self.running = False
        self.code = security.new_join_code()
        self._key = secrets.token_bytes(32)
        self._devices: dict[str, _Device] = {}  # by token hash
        self._numbers = 0
        self._buckets = security.Buckets(*rate)
        self._code_buckets = security.Buckets(*code_rate)
        self._remote_seen = False
        self._last_request: float | None = None
        self._current: str | None = round_key
        self._notice = ""
        self._runner: Any = None
        self._hosts: frozenset[str] = frozenset()
        self._round_read: tuple[float, svc.PhoneRound | None] | None = None
        self._round_reading: asyncio.Future | None = None  # the read under way, shared by the pages asking
        self._round_generation = 0  # refresh() counts: a read begun before one is not kept
        self._pending: list[tuple[svc.CastRequest, asyncio.Future]] = []
        self._writer: asyncio.Future | None = None
        self._executor: ThreadPoolExecutor | None = None  # the one writer: ballots, in order
        self._readers: ThreadPoolExecutor | None = None  # pages' reads, never queued before a ballot
        self._switch_interval: float | None = None  # the process's own, while this server runs

    # -- facilitator's side ----------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}/j/{self.code}"

    @property
    def code_shown(self) -> str:
        return security.shown_join_code(self.code)

    def rotate_code(self) -> str:
        self.code = security.new_join_code()
        return self.code

    def stats(self) -> PhoneStats:
        current = self._current
        ballots = sum(1 for d in self._devices.values() if current and current in d.voted)
        return PhoneStats(len(self._devices), ballots, self.expected, self._remote_seen, self._last_request,
                          current, self._notice)

    def devices(self) -> list[DeviceInfo]:
        current = self._current
        return [DeviceInfo(d.label, bool(current and current in d.voted)) for d in self._devices.values()]

    def void(self, label: str) -> None:
        device = next((d for d in self._devices.values() if d.label == label), None)
        if device is None:
            raise svc.PhoneError(f"There is no phone called {label}.")
        if not self._current or device.voter is None or self._current not in device.voted:
            raise svc.PhoneError(f"{label} has no ballot in this round.")
        svc.void(self.db, self.session_id, self._current, device.voter)
        device.voted.discard(self._current)
        self._emit("voided", device.label)

    def make_slips(self, n: int) -> list[str]:
        return [svc.show_code(c) for c in svc.issue_slips(self.db, self.session_id, n)]

    def named_codes(self) -> dict[str, str]:
        names = svc.participant_names(self.db, self.session_id)
        codes = svc.issue_named_codes(self.db, self.session_id)
        counts: dict[str, int] = {}
        for name in names.values():
            counts[name] = counts.get(name, 0) + 1
        return {(names[k] if counts[names[k]] == 1 else f"{names[k]} ({k})"): svc.show_code(c)
                for k, c in codes.items()}

    # -- starting and stopping ---------------------------------------------------
    async def start(self, address: str, port: int = 0) -> None:
        """Listen on ``address`` (one address, never all) and ``port`` (0: any free one)."""
        web = _import_web()

        if address in ("", "0.0.0.0", "::"):
            raise ValueError("Choose one address to listen on (the laptop's address on the room's Wi-Fi).")
        if self.running:
            return
        if self.max_devices is None:
            people = self.expected
            if people is None:
                people = await asyncio.get_running_loop().run_in_executor(None, svc.headcount, self.db,
                                                                          self.session_id)
            self.max_devices = max(2 * people, 10)
        _silence_aiohttp()
        await asyncio.get_running_loop().run_in_executor(None, pages.prepare)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phones-db")
        # Reads on a thread of their own: thirty phones opening their ballots must not queue
        # in front of the ballots already sent (the database lets readers run beside the writer).
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="phones-read")
        app = web.Application(client_max_size=BODY_CAP, middlewares=[self._guard])
        app.router.add_get("/", self._home)
        app.router.add_get("/join", self._join_typed)
        app.router.add_get("/j/{code}", self._join)
        app.router.add_get("/ballot", self._ballot_page)
        app.router.add_post("/ballot", self._ballot_post)
        app.router.add_post("/code", self._code_post)
        app.router.add_get("/recorded", self._recorded)
        app.router.add_get("/static/{name}", self._static)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, address, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            self._executor.shutdown(wait=False)
            self._readers.shutdown(wait=False)
            raise
        self._runner = runner
        self.address = address
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._hosts = security.allowed_hosts(address, self.port)
        self.running = True
        # The writer thread gives up the interpreter lock around every SQLite call and must
        # win it back from the loop (pages, the facilitator's frames): at the default 5 ms a
        # batch of ballots waited far longer for the lock than it worked. 1 ms while serving
        # took about 40 ms off the 95th percentile of a 30-phone burst (bench/phones_tui.py).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)

    async def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)  # ballots already sent are written
        if self._executor is not None:
            # Writes already queued finish on the worker; nothing is cut off half-done.
            executor, self._executor = self._executor, None
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown, True)
        if self._readers is not None:
            readers, self._readers = self._readers, None
            await asyncio.get_running_loop().run_in_executor(None, readers.shutdown, True)

    # -- plumbing ------------------------------------------------------------
    def _emit(self, kind: str, device: str = "", detail: str = "", remote: bool = False,
              ballot: tuple[str, str, tuple] | None = None) -> None:
        if self.on_event is not None:
            try:
                self.on_event(PhoneEvent(kind, device, detail, remote, ballot))
            except Exception:  # noqa: BLE001 - the facilitator's screen must not break a phone's request
                pass

    async def _cast(self, request: "svc.CastRequest") -> "svc.Receipt":
        """Queue a ballot for the writer; ballots that arrive together share one commit."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((request, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_pending())
        outcome = await future
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                outcomes = await self._db(svc.cast_many, self.db, self.session_id, [r for r, _ in batch])
            except BaseException as exc:  # noqa: BLE001 - every waiting phone hears of it
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes):
                if not future.done():
                    future.set_result(outcome)

    async def _db(self, fn, *args):
        """Run a write on the server's one writer thread."""
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _read(self, fn, *args):
        """Run a read on a reader thread: it does not wait behind ballots being written."""
        assert self._readers is not None
        return await asyncio.get_running_loop().run_in_executor(self._readers, fn, *args)

    def _html(self, body: str, status: int = 200, *, cache: bool = False):
        from aiohttp import web

        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def _refuse(self, status: int, heading: str, *lines: str, request=None):
        self._emit("refused", detail=str(status))
        return self._html(pages.message(heading, *lines), status)

    def _see_other(self, where: str):
        from aiohttp import web

        return web.Response(status=303, headers={"Location": where})

    @property
    def _guard(self):
        from aiohttp import web

        @web.middleware
        async def guard(request, handler):
            response = await self._checked(request, handler)
            h = response.headers
            h["Content-Security-Policy"] = CSP
            # same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" on
            # the page's own form posts, and the Origin check would refuse every ballot.
            # No referrer still leaves for any other origin.
            h["Referrer-Policy"] = "same-origin"
            h["X-Content-Type-Options"] = "nosniff"
            h["X-Frame-Options"] = "DENY"
            h["Server"] = "workshop-tui"
            if "Cache-Control" not in h:
                h["Cache-Control"] = "no-store"
            return response

        return guard

    async def _checked(self, request, handler):
        from aiohttp import web

        peer = request.remote or ""
        self._last_request = time.time()
        remote = not security.is_loopback(peer) and peer != self.address
        if remote:
            self._remote_seen = True
        self._emit("request", remote=remote)
        if request.host not in self._hosts:
            return self._refuse(421, "Wrong address", "This server answers only at the address shown on the "
                                "facilitator's screen.")
        if not self._buckets.take(peer):
            response = self._refuse(429, "Too many requests", "Wait a few seconds, then try again.")
            response.headers["Retry-After"] = "5"
            return response
        if request.method == "POST":
            if request.content_length is not None and request.content_length > BODY_CAP:
                return self._refuse(413, "Too much", "That was more than a ballot can hold.")
            if not security.origin_ok(request.headers.get("Origin"), request.host):
                return self._refuse(403, "Refused", "That form did not come from this server's own page.")
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status == 413:
                return self._refuse(413, "Too much", "That was more than a ballot can hold.")
            if exc.status == 404:
                return self._refuse(404, "Not found", "There is no such page here.")
            if exc.status >= 400:
                return self._refuse(exc.status, "Refused", exc.reason)
            raise
        except Exception:  # noqa: BLE001 - no traceback on a phone or the facilitator's terminal
            return self._refuse(500, "Something went wrong", "Your ballot may not have been recorded: open the "
                                "ballot again to see.")

    def _device(self, request) -> _Device | None:
        token = request.cookies.get(COOKIE)
        if not token or len(token) > 100:
            return None
        return self._devices.get(security.token_hash(token))

    def _csrf(self, device: _Device) -> str:
        return security.csrf_token(self._key, device.token)

    ROUND_TTL = 1.0  # seconds a page may show the round as read; every write checks it again

    def refresh(self) -> None:
        """Forget the round read last (the facilitator opened, closed or changed one)."""
        self._round_read = None
        self._round_reading = None  # pages asking from now on read again
        self._round_generation += 1

    async def _round(self) -> svc.PhoneRound | None:
        cached = self._round_read
        if cached is not None and time.monotonic() - cached[0] < self.ROUND_TTL:
            return cached[1]
        # One read for every page that asks meanwhile: thirty ballots posted together found the
        # round's second expired and each queued the same read on the reader thread.
        if self._round_reading is None or self._round_reading.done():
            self._round_reading = asyncio.ensure_future(self._read_round())
        return await asyncio.shield(self._round_reading)

    async def _read_round(self) -> svc.PhoneRound | None:
        generation = self._round_generation
        rnd = await self._read(svc.current_round, self.db, self.session_id, self.round_key)
        if generation == self._round_generation:  # not asked to forget it while it was read
            self._round_read = (time.monotonic(), rnd)
        self._current = rnd.key if rnd is not None and rnd.open else None
        if rnd is not None and rnd.open and self.mode != "named" and not rnd.secret:
            self._notice = svc.NOT_SECRET
        else:
            self._notice = ""
        return rnd

    # -- pages -----------------------------------------------------------------
    async def _home(self, request):
        if self._device(request) is not None:
            return self._see_other("/ballot")
        return self._html(pages.join_form())

    async def _join_typed(self, request):
        return await self._enter(request, request.query.get("code", ""))

    async def _join(self, request):
        return await self._enter(request, request.match_info["code"])

    async def _enter(self, request, typed: str):
        peer = request.remote or ""
        if not self._code_buckets.has(peer):
            return self._refuse(429, "Too many tries", "Wait a minute, then type the code again.")
        if not security.join_code_matches(typed, self.code):
            if not self._code_buckets.take(peer):
                return self._refuse(429, "Too many tries", "Wait a minute, then type the code again.")
            return self._refuse(404, "Unknown code", "That join code is not (or no longer) the one on the "
                                "facilitator's screen. Scan the QR code again, or type the code shown.")
        if self._device(request) is not None:
            return self._see_other("/ballot")
        if len(self._devices) >= (self.max_devices or 0):
            return self._refuse(503, "The room is full", "More phones have joined than there are people here. "
                                "Ask the facilitator.")
        # A phone that joined before this server restarted keeps its token (so, in anonymous
        # mode, its once-per-round key): it has just shown the join code, like a new phone.
        kept = request.cookies.get(COOKIE, "")
        token = kept if security.TOKEN_RE.fullmatch(kept) else security.new_device_token()
        self._numbers += 1
        device = _Device(f"Phone {self._numbers}", token,
                         svc.Voter("device", secret=token) if self.mode == "anonymous" else None)
        self._devices[security.token_hash(token)] = device
        response = self._see_other("/ballot")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Lax", path="/", max_age=COOKIE_AGE)
        self._emit("joined", device.label)
        return response

    async def _ballot_page(self, request):
        device = self._device(request)
        if device is None:
            return self._see_other("/")
        rnd = await self._round()
        waiting = self._waiting(rnd, device)
        if waiting is not None:
            return waiting
        assert rnd is not None
        if device.voter is None:
            return self._html(pages.code_form(self._csrf(device), self.mode))
        voted = rnd.key in device.voted or await self._read(svc.has_voted, self.db, self.session_id, rnd.key,
                                                           device.voter)
        change = request.query.get("change") == "1"
        if voted and not (change and rnd.can_change(device.voter)):
            return self._html(pages.recorded(rnd, replaced=False, can_change=rnd.can_change(device.voter)))
        values: dict[str, str] = {}
        if voted:
            stored = await self._read(svc.stored_ballot, self.db, self.session_id, rnd.key, device.voter)
            values = forms.from_stored(rnd, stored)
        return self._ballot(rnd, device, values)

    def _waiting(self, rnd: svc.PhoneRound | None, device: _Device):
        if rnd is None:
            return self._html(pages.lobby("Waiting for the next round",
                                          "The facilitator has not opened a round for voting yet."))
        if not rnd.open:
            return self._html(pages.lobby("This round is closed", pages.safe(rnd.title),
                                          "Wait here for the next one."))
        if self.mode != "named" and not rnd.secret:
            return self._html(pages.lobby("Not a phone round", svc.NOT_SECRET))
        return None

    def _ballot(self, rnd, device, values, *, errors=None, status: int = 200):
        order = forms.order_of(rnd, values) if rnd.method == "ranking" else None
        can_change = device.voter is not None and rnd.can_change(device.voter)
        return self._html(pages.ballot(rnd, self._csrf(device), values, errors=errors, can_change=can_change,
                                       order=order), status)

    async def _posted(self, request):
        """(device, form, None) for a post from a joined device with a good CSRF token, else
        (None, None, the refusal): every form post is checked the same way."""
        device = self._device(request)
        if device is None:
            return None, None, self._refuse(403, "Refused", "Scan the QR code (or type the join code) first.")
        form = await request.post()
        if not security.csrf_ok(self._key, device.token, str(form.get("csrf", ""))):
            return None, None, self._refuse(403, "Refused", "This page is out of date. Open the ballot again.")
        return device, form, None

    async def _code_post(self, request):
        device, form, refused = await self._posted(request)
        if refused is not None:
            return refused
        if self.mode == "anonymous":
            return self._see_other("/ballot")
        peer = request.remote or ""
        if not self._code_buckets.has(peer):  # only wrong codes count: a room shares one router
            return self._refuse(429, "Too many tries", "Wait a minute, then type your code again.")
        try:
            device.voter = await self._read(svc.identify, self.db, self.session_id, str(form.get("code", "")),
                                          self.mode)
        except VotingError as exc:
            self._code_buckets.take(peer)
            return self._html(pages.code_form(self._csrf(device), self.mode, [str(exc)]), 422)
        return self._see_other("/ballot")

    async def _ballot_post(self, request):
        device, form, refused = await self._posted(request)
        if refused is not None:
            return refused
        current = await self._round()
        if device.voter is None:
            return self._see_other("/ballot")
        target = str(form.get("round", ""))
        rnd = current if current is not None and current.key == target else None
        if rnd is None and self.round_key is None and target:
            # A round opened after this page was drawn: the ballot still goes to the round it
            # was filled in for, if that one takes ballots (the write checks it again).
            rnd = await self._read(svc.current_round, self.db, self.session_id, target)
        if rnd is None or not rnd.open or (self.mode != "named" and not rnd.secret):
            waiting = self._waiting(current, device)
            if waiting is not None:
                return waiting
            return self._ballot(current, device, {}, status=409, errors=[
                "The facilitator has moved on to another round: that ballot was not recorded. "
                "This is the round open now."])
        values = forms.draft(rnd, form)
        how = form.get("move")
        if how and rnd.method == "ranking":
            return self._ballot(rnd, device, forms.move(rnd, form, str(how)))
        try:
            receipt = await self._cast(svc.CastRequest(rnd.key, device.voter, tuple(forms.votes(rnd, form))))
        except VotingError as exc:
            self.refresh()  # the round may have closed or changed under the page
            self._emit("refused", device.label, str(exc))
            return self._ballot(rnd, device, values, errors=[str(exc)], status=422)
        device.voted.add(rnd.key)
        self._emit("ballot", device.label, "replaced" if receipt.replaced else "",
                   ballot=(rnd.key, device.voter.participant, receipt.stored) if receipt.stored else None)
        where = f"/recorded?round={quote(rnd.key)}" + ("&replaced=1" if receipt.replaced else "")
        return self._see_other(where)

    async def _recorded(self, request):
        device = self._device(request)
        if device is None:
            return self._see_other("/")
        key = request.query.get("round", "")
        current = await self._round()
        rnd = current if current is not None and current.key == key else None
        if rnd is None and key in device.voted:
            rnd = await self._read(svc.current_round, self.db, self.session_id, key)
        if rnd is None or device.voter is None or rnd.key not in device.voted:
            return self._see_other("/ballot")
        return self._html(pages.recorded(rnd, replaced=request.query.get("replaced") == "1",
                                         can_change=rnd.can_change(device.voter)))

    async def _static(self, request):
        from aiohttp import web

        name = request.match_info["name"]
        body = pages.static_file(name)
        if body is None:
            raise web.HTTPNotFound()
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return web.Response(body=body, content_type=kind, charset="utf-8", headers={"Cache-Control": "no-cache"})
