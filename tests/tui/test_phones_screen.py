"""The Phones screen with the real server and a real SQLite file: phones (httpx clients on
127.0.0.1) join and vote, and the facilitator's screen shows it; rows are right."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from settle import settle
from stage_b_support import open_stage, screen_text, small_session

from workshop_tui import preferences
from workshop_tui.services import sessions, voting
from workshop_tui.tui.app import HIGH_CONTRAST, WorkshopApp
from workshop_tui.tui.screens.phones import PhonesScreen
from workshop_tui.tui.widgets.qr import QrCode

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
LIMIT_S = 30.0


async def until(pilot, condition, what: str) -> None:
    """Pump the app until ``condition()`` holds; the limit only turns a hang into a failure."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > LIMIT_S:
            raise AssertionError(f"waited {LIMIT_S:.0f} s for {what}\n{screen_text(pilot.app)}")
        await pilot.pause(0.01)


@pytest.fixture(autouse=True)
def preview_address(monkeypatch, tmp_path):
    """Phones in tests reach the laptop on 127.0.0.1 only, on a port the system picks."""
    preferences.update(phones_address="127.0.0.1")
    monkeypatch.setattr(PhonesScreen, "DEFAULT_PORT", 0)
    monkeypatch.chdir(tmp_path)  # printed slips and codes land here


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, html
    return found.group(1)


def phone(server) -> httpx.AsyncClient:
    base = f"http://127.0.0.1:{server.port}"
    return httpx.AsyncClient(base_url=base, headers={"Origin": base}, timeout=30)


async def open_phones(app, pilot, sid) -> PhonesScreen:
    await open_stage(app, pilot, sid, "voting")
    await pilot.press("v")
    await until(pilot, lambda: isinstance(app.screen, PhonesScreen), "the Phones screen")
    return app.screen


async def start(pilot, screen: PhonesScreen) -> None:
    await pilot.press("s")
    await until(pilot, lambda: screen.link.running and str(screen.link.server.port) in screen_text(pilot.app),
                "the server to start")


def stored(db, sid, key):
    return sorted((v.participant, v.initiative, v.value, v.channel) for v in sessions.load(db, sid).round(key).votes)


async def test_a_named_phone_ballot_reaches_the_counters_the_grid_and_the_database(db):
    sid = small_session(db)
    key = voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 2})
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_phones(app, pilot, sid)
        assert "Server off" in screen_text(app) and "127.0.0.1" in screen_text(app)
        await pilot.press("m")  # identity: named codes (anonymous and slips are for secret rounds)
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: screen.mode == "named", "named mode")
        await start(pilot, screen)
        server = screen.link.server
        text = screen_text(app)
        assert server.url in text and server.code_shown in text and "Joined: 0 · Ballots in: 0" in text
        assert screen.query_one(QrCode).data == server.url
        assert preferences.load()[0].phones_port == server.port  # a restart keeps the same link
        # Print the personal codes (written in a worker; the file is the only place they exist).
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: list(Path.cwd().glob("*-phone-codes.txt")), "the codes file")
        [sheet] = Path.cwd().glob("*-phone-codes.txt")
        await until(pilot, lambda: "Ana Silva:" in sheet.read_text(), "Ana's code in the file")
        ana_code = next(ln.split(":", 1)[1].strip() for ln in sheet.read_text().splitlines() if "Ana Silva:" in ln)

        async with phone(server) as ana:
            assert (await ana.get(server.url.split(str(server.port), 1)[1])).status_code == 303
            await until(pilot, lambda: "Joined: 1" in screen_text(app), "the joined counter")
            page = (await ana.get("/ballot")).text
            r = await ana.post("/code", data={"csrf": csrf(page), "code": ana_code})
            assert r.status_code == 303
            page = (await ana.get("/ballot")).text
            r = await ana.post("/ballot", data={"csrf": csrf(page), "round": key, "d:epr": "2", "d:voice": "1"})
            assert r.status_code == 303 and r.headers["location"].startswith("/recorded")
        await until(pilot, lambda: "Ballots in: 1" in screen_text(app), "the ballots counter")
        assert "Phone 1" in screen_text(app) and "voted" in screen_text(app)
        assert stored(db, sid, key) == [("ana", "epr", 2, "phone"), ("ana", "voice", 1, "phone")]

        await pilot.press("escape")  # back to the Voting stage: the grid shows Ana's phone ballot
        await until(pilot, lambda: app.screen is screen.phones_of, "the Voting stage")
        await settle(pilot)
        grid = app.screen.query_one("#voting-grid")
        assert str(grid.get_cell("epr", "ana")) == "2" and str(grid.get_cell("voice", "ana")) == "1"
        assert "Voted 1 of 4" in screen_text(app)

        # Void from the Phones screen (asked first): the rows go, the phone may vote again.
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PhonesScreen), "the Phones screen again")
        assert app.screen.link is screen.link and server.running  # the same server, still running
        screen = app.screen
        screen.query_one("#phones-devices").focus()
        await pilot.press("d")
        await until(pilot, lambda: "Void the ballot from Phone 1" in screen_text(app), "the question before voiding")
        await pilot.press("y")
        await until(pilot, lambda: stored(db, sid, key) == [] and "Ballots in: 0" in screen_text(app),
                    "the voided ballot gone")

        # Leaving the session stops the server: the port no longer answers.
        port = server.port
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: not server.running, "the server to stop")
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


async def test_anonymous_phones_in_a_secret_round_counters_preflight_and_quit_stops_the_server(db):
    sid = small_session(db)
    key = voting.create_round(db, sid, method="moscow", anonymous=True, min_group=2)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_phones(app, pilot, sid)
        await start(pilot, screen)
        server = screen.link.server
        assert "scan the code with your own phone" in screen_text(app)
        # Nothing from another address (everything here is on 127.0.0.1): after the wait, the checklist.
        screen.PREFLIGHT_WAIT_S = 0.2
        await until(pilot, lambda: "mobile data" in screen_text(app).lower() and "client isolation" in
                    screen_text(app), "the pre-flight checklist")

        async def vote(word: str) -> int:
            async with phone(server) as client:
                await client.get(f"/j/{server.code}")
                page = (await client.get("/ballot")).text
                data = {"csrf": csrf(page), "round": key, "w:epr": word, "w:eobs": "should"}
                return (await client.post("/ballot", data=data)).status_code

        assert await asyncio.gather(*(vote(w) for w in ("must", "could", "must"))) == [303, 303, 303]
        await until(pilot, lambda: "Joined: 3 · Ballots in: 3 · Expected: 4" in screen_text(app), "three ballots")
        await pilot.press("c")  # a new join code: the old one stops letting phones in
        await until(pilot, lambda: server.code_shown in screen_text(app), "the new code")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not server.running, "the server to stop on quit")
    # The three ballots wait, sealed, for the round to close: nothing lost, nobody named.
    voting.close_round(db, sid, key)
    rnd = sessions.load(db, sid).round(key)
    assert len(rnd.votes) == 6 and all(v.participant is None for v in rnd.votes)


@pytest.mark.parametrize("contrast", [False, True])
async def test_at_80x24_the_code_is_whole_black_on_white_beside_the_address_and_code(db, contrast):
    sid = small_session(db)
    voting.create_round(db, sid, method="dots", anonymous=True)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        if contrast:
            app.theme = HIGH_CONTRAST
        screen = await open_phones(app, pilot, sid)
        await start(pilot, screen)
        await settle(pilot)
        qr = screen.query_one(QrCode)
        region = qr.region
        assert region.right <= 80 and region.bottom <= 23, region  # above the footer, nothing cut
        # What the terminal shows in the code's cells: the drawn lines, in black on white only.
        lines = []
        for y in range(region.y, region.bottom):
            strip = app.screen._compositor.render_strips()[y]
            cells = strip.crop(region.x, region.right)
            lines.append(cells.text)
            for segment in cells:
                assert segment.style.color.triplet == (0, 0, 0) and segment.style.bgcolor.triplet == (255, 255, 255)
        assert lines == qr.lines()
        text = screen_text(app)
        assert screen.link.server.url in text and screen.link.server.code_shown in text
        await pilot.press("f")  # the full-screen view fits the normal size at 80x24
        await pilot.pause()
        full = app.screen.query_one(QrCode)
        assert not full.big and full.region.bottom <= 24 and screen.link.server.code_shown in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_phone_activity_before_the_phones_screen_has_drawn_itself_waits_for_it(db):
    """The session screen redraws every Phones screen on its stack after phone activity; one
    just pushed has not composed yet (seen under load: NoMatches '#phones-counters' stopped the
    app, and with it the server). It is drawn whole when it mounts."""
    sid = small_session(db)
    voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 2})
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_phones(app, pilot, sid)
        fresh = PhonesScreen(screen.phones_of)
        fresh.show_activity()  # before compose and mount: nothing to draw yet, and no error
        await app.switch_screen(fresh)
        await until(pilot, lambda: app.screen is fresh and "Server off" in screen_text(app), "the new Phones screen")
        fresh.show_activity()
        assert "Joined: 0" in screen_text(app) or "Server off" in screen_text(app)
