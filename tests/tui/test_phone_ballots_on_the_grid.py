"""A named phone ballot shows on the Voting stage as soon as it is committed, from the
server's receipt, without waiting for the database to be read again; and a read that began
before a ballot cannot take that ballot off the screen when it arrives late (issue 14:
phone submit to the facilitator's screen). Real server on 127.0.0.1, real SQLite file."""

from __future__ import annotations

import re
import threading

import httpx
from locking import WAIT_S, until
from settle import settle
from stage_b_support import open_stage, screen_text, small_session

from workshop_tui.services import sessions, voting
from workshop_tui.tui.app import WorkshopApp

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class HeldReads:
    """``sessions.reread_rounds`` as the screen calls it after phone ballots, each call
    held back (after it has read) until the test lets it go: a slow database on demand."""

    def __init__(self, monkeypatch) -> None:
        self.real = sessions.reread_rounds
        self.started: list[int] = []
        self.gates = [threading.Event() for _ in range(20)]
        monkeypatch.setattr(sessions, "reread_rounds", self)

    def __call__(self, *args, **kwargs):
        picture = self.real(*args, **kwargs)  # what the database holds now
        n = len(self.started)
        self.started.append(n)
        if not self.gates[n].wait(WAIT_S):
            raise TimeoutError("the test never let this read go")
        return picture

    def release_all(self) -> None:
        for gate in self.gates:
            gate.set()


def cells(app, person: str) -> dict[str, str]:
    grid = app.screen.query_one("#voting-grid")
    return {item: str(grid.get_cell(item, person)) for item in ("epr", "eobs", "wifi", "voice")}


async def test_a_phone_ballot_shows_at_once_and_a_late_older_read_does_not_undo_it(db, monkeypatch):
    sid = small_session(db)
    key = voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 2})
    held = HeldReads(monkeypatch)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        link = screen.phones_link()
        await link.start("127.0.0.1", 0, mode="named", expected=4)
        try:
            server = link.server
            codes = server.named_codes()
            base = f"http://127.0.0.1:{server.port}"
            async with httpx.AsyncClient(base_url=base, headers={"Origin": base}, timeout=30) as ana:
                await ana.get(f"/j/{server.code}")
                page = (await ana.get("/ballot")).text
                await ana.post("/code", data={"csrf": CSRF.search(page).group(1), "code": codes["Ana Silva"]})

                async def vote(**dots) -> None:
                    page = (await ana.get("/ballot?change=1")).text
                    data = {"csrf": CSRF.search(page).group(1), "round": key}
                    data.update({f"d:{k}": str(v) for k, v in dots.items()})
                    assert (await ana.post("/ballot", data=data)).status_code == 303

                # First ballot: on the grid while the read it set off is still held back.
                await vote(epr=2, wifi=1)
                await until(pilot, lambda: cells(app, "ana")["epr"] == "2", "Ana's phone ballot on the grid")
                assert cells(app, "ana")["wifi"] == "1"
                assert "Voted 1 of 4" in screen_text(app)
                await until(pilot, lambda: held.started, "the read after the ballot to begin")
                assert held.started == [0]  # ...and it has not come back: the grid did not wait for it

                # Ana changes her ballot while that read (holding the first ballot) is still out.
                await vote(eobs=2, voice=1)
                await until(pilot, lambda: cells(app, "ana")["eobs"] == "2", "Ana's changed ballot on the grid")
                assert cells(app, "ana")["epr"] != "2"

                # The old read arrives now: when the next read begins, the first one has been
                # drawn, and the changed ballot must still be what the grid shows.
                held.gates[0].set()
                await until(pilot, lambda: len(held.started) >= 2, "the next read to begin")
                assert cells(app, "ana")["eobs"] == "2" and cells(app, "ana")["voice"] == "1"
                assert cells(app, "ana")["epr"] != "2"
            held.release_all()
            await settle(pilot)
            stored = {v.initiative: v.value for v in sessions.load(db, sid).round(key).votes if v.participant == "ana"}
            assert stored == {"eobs": 2, "voice": 1}
            assert cells(app, "ana")["eobs"] == "2" and cells(app, "ana")["voice"] == "1"
            assert "Voted 1 of 4" in screen_text(app)
        finally:
            held.release_all()
            await link.stop()
