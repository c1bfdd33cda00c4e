"""Phones and the facilitator's screen: 30 phones vote while the facilitator moves around.

Two figures, in the app's own process (headless, 120x40, the Voting stage of a named dots
round of 30 participants x 10 initiatives, the phones server on 127.0.0.1 in named mode):

- keypress latency: a key (Right/Left in the vote grid) is dispatched -> the first frame
  composed (and turned into terminal output) with the grid's cursor where the key put it;
  median and p95 while idle, then while 30 phones vote; the ratio (target <= 1.2x);
- phone submit -> the facilitator's screen showing it: a phone starts its ballot POST ->
  the first frame composed after the Voting stage holds that ballot (or a later one of the
  same phone); p95 target <= 150 ms.

The phones are a separate process (30 httpx clients, each joins with its personal code and
sends BALLOTS ballots, each one a change of the last), so their own work does not run on
the app's loop; both processes stamp time with the system-wide monotonic clock. Afterwards
every phone's last ballot is checked in the database: none lost.
Prints one JSON object; ``measure()`` returns it for bench/run.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHONES = 30
BALLOTS = int(os.environ.get("PHONES_BENCH_BALLOTS", "2"))  # per phone: the first, then changes
ITEMS = 10
PRESSES = 80


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _dots(phone: int, version: int, items: list[str]) -> dict[str, int]:
    """Phone ``phone``'s ballot number ``version``: 2 dots on one initiative, 1 on the next."""
    first = (phone + version) % len(items)
    return {items[first]: 2, items[(first + 1) % len(items)]: 1}


def _version_shown(phone: int, cells: dict[str, int], items: list[str]) -> int:
    for version in range(BALLOTS - 1, -1, -1):
        if cells == _dots(phone, version, items):
            return version
    return -1


# -- the phones (a process of their own) -------------------------------------------
async def _phone(base: str, code: str, phone: int, personal: str, round_key: str, items: list[str],
                 out: list) -> None:
    import httpx

    csrf_re = re.compile(r'name="csrf" value="([0-9a-f]+)"')
    # Each phone from an address of its own (127.0.0.N), as in a room: the server's limits are per address.
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{phone + 2}")
    async with httpx.AsyncClient(base_url=base, headers={"Origin": base}, timeout=60, transport=transport) as client:
        await client.get(f"/j/{code}")
        page = (await client.get("/ballot")).text
        await client.post("/code", data={"csrf": csrf_re.search(page).group(1), "code": personal})
        for version in range(BALLOTS):
            await asyncio.sleep(random.uniform(0.05, 0.4))  # reading the page, tapping
            page = (await client.get("/ballot?change=1")).text
            data = {"csrf": csrf_re.search(page).group(1), "round": round_key}
            data.update({f"d:{k}": str(v) for k, v in _dots(phone, version, items).items()})
            sent = time.monotonic_ns()
            r = await client.post("/ballot", data=data, headers={"X-Bench-Ballot": f"{phone}:{version}"})
            out.append({"phone": phone, "version": version, "sent": sent, "answered": time.monotonic_ns(),
                        "status": r.status_code})


async def _phones_main(spec: dict) -> list:
    out: list = []
    await asyncio.gather(*(_phone(spec["base"], spec["code"], n, spec["codes"][n], spec["round"],
                                  spec["items"], out) for n in range(PHONES)))
    return out


# -- the app ------------------------------------------------------------------------------
def _build(db_file: Path) -> tuple[int, list[str], list[str]]:
    from workshop_tui.domain import model as m
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database

    people = [m.Participant(key=f"p{n:02d}", name=f"Person {n:02d}") for n in range(PHONES)]
    items = [m.Initiative(key=f"i{n:02d}", title=f"Initiative {n:02d}", effort=Fraction(1)) for n in range(ITEMS)]
    workshop = m.Workshop(session=m.SessionInfo(title="Phones bench", stage="voting"), participants=tuple(people),
                          initiatives=tuple(items))
    db = open_database(f"sqlite:///{db_file}")
    sid = sessions.import_workshop(db, workshop)
    voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 2})
    db.dispose()
    return sid, [p.key for p in people], [i.key for i in items]


async def _measure(db_file: Path, sid: int, people: list[str], items: list[str], workdir: Path) -> dict:
    from textual import events
    from textual._compositor import CompositorUpdate
    from textual.coordinate import Coordinate

    from workshop_tui.storage.engine import open_database
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.session import SessionScreen
    from workshop_tui.tui.widgets.vote_grid import VoteGrid

    from workshop_tui.web.server import PhoneServer

    db = open_database(f"sqlite:///{db_file}")
    # The server's own clock, as in phones_load.py: the POST received -> the ballot committed
    # and its answer ready ("submit to stored"), per (phone, version) from a bench header.
    served: dict[tuple[int, int], tuple[int, int]] = {}
    real_post = PhoneServer._ballot_post

    async def timed_post(server, request):
        got = time.monotonic_ns()
        response = await real_post(server, request)
        tag = request.headers.get("X-Bench-Ballot", "")
        if ":" in tag:
            phone, version = map(int, tag.split(":"))
            served[(phone, version)] = (got, time.monotonic_ns())
        return response

    PhoneServer._ballot_post = timed_post  # before the server starts: its routes take it then
    marks: dict[str, int] = {}
    shown_at: dict[tuple[int, int], int] = {}
    state = {"grid": None, "target": None, "pane": None}

    def hook(message) -> None:
        if isinstance(message, events.Key) and "key" not in marks:
            marks["key"] = time.monotonic_ns()

    app = WorkshopApp(db=db, load_samples_when_empty=False)
    display = app._display
    # Which ballots the Voting stage holds is looked at when the pane takes phone ballots
    # (not on every frame: the bench must not load the loop it measures); the next frame
    # composed after that is the one that shows them.
    held: set[tuple[int, int]] = set()

    def look(pane) -> None:
        if pane.desk is None:
            return
        cells: dict[str, dict[str, int]] = {}
        for (participant, item, _c), vote in pane.desk.cells.items():
            cells.setdefault(participant, {})[item] = vote.value
        for n, key in enumerate(people):
            for version in range(_version_shown(n, cells.get(key, {}), items) + 1):
                if (n, version) not in shown_at:
                    held.add((n, version))

    from workshop_tui.tui.panes.voting import VotingPane

    for name in ("phone_ballots", "phones_changed", "load"):
        def wrapped(pane, *args, _real=getattr(VotingPane, name), **kwargs):
            out = _real(pane, *args, **kwargs)
            look(pane)
            return out
        setattr(VotingPane, name, wrapped)

    def timed_display(screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)  # what a real terminal would be sent
            now = time.monotonic_ns()
            grid = state["grid"]
            if "key" in marks and "frame" not in marks and grid.cursor_coordinate == state["target"]:
                marks["frame"] = now
            while held:
                shown_at.setdefault(held.pop(), now)
        display(screen, renderable)

    app._display = timed_display

    async def presses(pilot, count: int, until=None) -> list[float]:
        grid = state["grid"]
        out = []
        for n in range(count if until is None else 10**6):
            if until is not None and until():
                break
            key = "right" if n % 2 == 0 else "left"
            here = grid.cursor_coordinate
            state["target"] = Coordinate(here.row, here.column + (1 if key == "right" else -1))
            marks.clear()
            await pilot.press(key)
            for _ in range(40000):
                if "frame" in marks:
                    break
                await asyncio.sleep(0.0005)
            if "frame" not in marks:
                raise RuntimeError(f"press {n}: no frame with the cursor moved")
            out.append((marks["frame"] - marks["key"]) / 1e6)
            await asyncio.sleep(0.03)  # a facilitator's pace, not a key repeat
        return out

    try:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            await app.workers.wait_for_complete()
            session = SessionScreen(sid, stage="voting")
            await app.push_screen(session)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            pane = session.pane("voting")
            grid = pane.query_one(VoteGrid)
            grid.focus()
            grid.cursor_coordinate = Coordinate(0, 1)
            await pilot.pause()
            state.update(grid=grid, pane=pane)
            idle = await presses(pilot, PRESSES)

            link = session.phones_link()
            rss_off = _rss_mb()  # the app at the Voting stage, phones off
            await link.start("127.0.0.1", 0, mode="named", expected=PHONES)
            server = link.server
            codes = await asyncio.get_running_loop().run_in_executor(None, server.named_codes)
            by_name = {f"Person {n:02d}": n for n in range(PHONES)}
            spec = {"base": f"http://127.0.0.1:{server.port}", "code": server.code, "round": pane.round_key,
                    "items": items, "codes": [None] * PHONES}
            for name, code in codes.items():
                spec["codes"][by_name[name]] = code
            spec_file = workdir / "phones.json"
            spec_file.write_text(json.dumps(spec))
            # At the lowest priority: phones are other machines, so the thirty simulated ones
            # (one Python process, more CPU than the server itself) take only CPU the app leaves.
            proc = await asyncio.create_subprocess_exec(sys.executable, __file__, "--phones", str(spec_file),
                                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                        preexec_fn=lambda: os.nice(19))
            busy = await presses(pilot, 0, until=lambda: proc.returncode is not None)
            out, err = await proc.communicate()
            rss_on = _rss_mb()  # the same app with the server on, after thirty phones voted
            if proc.returncode != 0:
                raise RuntimeError(f"the phones failed: {err.decode()[-2000:]}")
            sent = json.loads(out)
            # Let the last redraws land (the screen catches up within the throttle).
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all((s["phone"], s["version"]) in shown_at for s in sent):
                await pilot.pause(0.02)
            await link.stop()
    finally:
        db.dispose()

    refused = [s for s in sent if s["status"] != 303]
    # Submit as the server receives it (the "submit to stored" starts there too, and the
    # phones' own stamps carry the load generator's queue: thirty phones in one process).
    to_screen = [(shown_at[(s["phone"], s["version"])] - served[(s["phone"], s["version"])][0]) / 1e6
                 for s in sent if (s["phone"], s["version"]) in shown_at and (s["phone"], s["version"]) in served]
    sent_to_screen = [(shown_at[(s["phone"], s["version"])] - s["sent"]) / 1e6 for s in sent
                      if (s["phone"], s["version"]) in shown_at]
    stored_ms = [(done - got) / 1e6 for got, done in served.values()]
    never = len(sent) - len(to_screen)
    answered = [(s["answered"] - s["sent"]) / 1e6 for s in sent]
    after = [max(0, shown_at[(s["phone"], s["version"])] - s["answered"]) / 1e6 for s in sent
             if (s["phone"], s["version"]) in shown_at]
    # Nothing lost: each phone's last ballot is what the database holds for that person.
    from workshop_tui.services import sessions

    db = open_database(f"sqlite:///{db_file}")
    stored: dict[str, dict[str, int]] = {}
    for vote in sessions.load(db, sid).rounds[0].votes:
        stored.setdefault(vote.participant, {})[vote.initiative] = vote.value
    db.dispose()
    lost = [n for n in range(PHONES) if stored.get(people[n]) != _dots(n, BALLOTS - 1, items)]
    return {
        "phones": PHONES, "ballots_sent": len(sent), "refused": len(refused), "lost": len(lost),
        "app_rss_phones_off_mb": rss_off, "app_rss_phones_on_mb": rss_on, "app_rss_extra_mb": rss_on - rss_off,
        "never_shown": never,
        "keypress_idle_p50_ms": statistics.median(idle), "keypress_idle_p95_ms": _pct(idle, 95),
        "keypress_busy_p50_ms": statistics.median(busy), "keypress_busy_p95_ms": _pct(busy, 95),
        "keypress_busy_presses": len(busy),
        "keypress_ratio_p50": statistics.median(busy) / statistics.median(idle),
        "keypress_ratio_p95": _pct(busy, 95) / _pct(idle, 95), "target_ratio": 1.2,
        "submit_to_screen_p50_ms": _pct(to_screen, 50), "submit_to_screen_p95_ms": _pct(to_screen, 95),
        "submit_to_screen_max_ms": max(to_screen, default=None), "target_p95_ms": 150,
        "submit_to_stored_p50_ms": _pct(stored_ms, 50), "submit_to_stored_p95_ms": _pct(stored_ms, 95),
        # The phones' own clock: from the phone process starting its POST.
        "phone_sent_to_screen_p50_ms": _pct(sent_to_screen, 50),
        "phone_sent_to_screen_p95_ms": _pct(sent_to_screen, 95),
        # The phone's own view: POST sent -> the server's answer (the ballot stored and committed).
        "submit_to_answer_p50_ms": statistics.median(answered), "submit_to_answer_p95_ms": _pct(answered, 95),
        # The screen's own part: the server answered (committed) -> the frame showing it.
        "answer_to_screen_p50_ms": _pct(after, 50), "answer_to_screen_p95_ms": _pct(after, 95),
    }


def measure(workdir: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="phones-bench-") as tmp:
        folder = Path(workdir) / "phones_tui" if workdir else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("WORKSHOP_TUI_CONFIG_DIR", str(folder / "config"))
        db_file = folder / "phones.db"
        sid, people, items = _build(db_file)
        return asyncio.run(_measure(db_file, sid, people, items, folder))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--phones":
        print(json.dumps(asyncio.run(_phones_main(json.loads(Path(sys.argv[2]).read_text())))))
    else:
        sys.path.insert(0, str(HERE.parent / "src"))
        # make bench's convention (bench/run.py): one JSON line per figure.
        out = measure()
        for figure in (
            {"name": "phones: TUI keypress while 30 phones vote, p50 ratio to idle", "value": out["keypress_ratio_p50"],
             "unit": "x", "target": 1.2, "issue": 14, "detail": out},
            {"name": "phones: phone submit to the facilitator's screen p95", "value": out["submit_to_screen_p95_ms"],
             "unit": "ms", "target": 150, "issue": 14},
            {"name": "phones: ballots lost", "value": out["lost"], "unit": "ballots", "target": 0, "issue": 14},
            {"name": "phones: the app's memory with the server on (after 30 phones voted), beyond off",
             "value": out["app_rss_extra_mb"], "unit": "MB", "target": 15, "issue": 14},
        ):
            print(json.dumps(figure))
