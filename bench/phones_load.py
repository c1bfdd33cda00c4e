"""Phones under load (issue 14): 30 phones voting at once on 127.0.0.1, and memory with
the phone server on versus off. Prints its figures as one JSON object; `make bench`
calls ``run`` too. Reports, never asserts.

- submit_to_stored: the server's time from receiving a phone's POST to its 303 answer,
  which it sends only after the ballot's transaction committed (target p95 <= 50 ms),
  and the phones' own round trip (measured in a separate process, as phones are other
  machines); thirty phones send at once, three times (vote, change, change).
- loop_lag: how late a 10 ms timer on the server's loop (the TUI's loop) fires meanwhile.
- memory: resident set of a process that opened the database and imported what the app
  holds at the Voting stage (phones off), and of one that also started the server and
  answered a phone (phones on) (target <= +15 MB). bench/phones_tui.py measures the same in
  the app itself, after thirty phones voted.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

PHONES = 30
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def _workshop(n: int):
    from fractions import Fraction

    from workshop_tui.domain import model as m

    return m.Workshop(
        session=m.SessionInfo(title="Phones bench"),
        participants=tuple(m.Participant(key=f"p{i}", name=f"Person {i}") for i in range(n)),
        initiatives=tuple(m.Initiative(key=f"i{i}", title=f"Initiative {i}", effort=Fraction(1)) for i in range(12)))


async def _phones(base: str, code: str, codes: list[str], key: str) -> list[float]:
    """The phones' side (run in its own process, as phones are other machines): each joins,
    gives its code, then all vote at once, three times (vote, change, change)."""
    import httpx

    clients = [httpx.AsyncClient(base_url=base, headers={"Origin": base}) for _ in codes]
    timings: list[float] = []
    try:
        tokens = []
        for client, personal in zip(clients, codes):
            await client.get(f"/j/{code}")
            token = CSRF.search((await client.get("/ballot")).text).group(1)
            await client.post("/code", data={"csrf": token, "code": personal})
            tokens.append(token)

        async def vote(client, token, n, turn):
            data = {"csrf": token, "round": key, f"d:i{(n + turn) % 12}": "5", f"d:i{(n + turn + 1) % 12}": "5"}
            start = time.perf_counter()
            r = await client.post("/ballot", data=data)
            timings.append(time.perf_counter() - start)
            assert r.status_code == 303, r.text

        for turn in range(3):
            await asyncio.gather(*(vote(c, t, n, turn) for n, (c, t) in enumerate(zip(clients, tokens))))
    finally:
        for client in clients:
            await client.aclose()
    return timings


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


async def _load(db_file: Path) -> dict:
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database
    from workshop_tui.web.server import PhoneServer

    db = open_database(f"sqlite:///{db_file}")
    sid = sessions.import_workshop(db, _workshop(PHONES))
    key = voting.create_round(db, sid, method="dots", settings={"budget": 10, "max_per_initiative": 5})
    server = PhoneServer(db, sid, mode="named", rate=(10_000.0, 10_000.0))
    served: list[float] = []
    handler = server._ballot_post

    async def timed(request):  # request received -> ballot committed and the answer ready
        start = time.perf_counter()
        try:
            return await handler(request)
        finally:
            served.append(time.perf_counter() - start)

    server._ballot_post = timed  # before start: the routes take the handler then
    await server.start("127.0.0.1", 0)
    codes = list((await asyncio.to_thread(server.named_codes)).values())
    # The loop is the TUI's: how late does a 10 ms timer fire while phones vote?
    lags: list[float] = []
    done = asyncio.Event()

    async def heartbeat():
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - start - 0.01)

    beat = asyncio.create_task(heartbeat())
    try:
        phones_side = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--phones", f"http://127.0.0.1:{server.port}", server.code, key,
            *codes, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await phones_side.communicate()
        if phones_side.returncode != 0:
            raise RuntimeError(err.decode()[-2000:])
        round_trips = json.loads(out)
    finally:
        done.set()
        await beat
        await server.stop()
    stored = {v.participant for v in sessions.load(db, sid).round(key).votes}
    db.dispose()
    return {"phones": PHONES, "ballots": len(round_trips), "stored_people": len(stored),
            "server_p50_ms": statistics.median(served) * 1000, "server_p95_ms": _p95(served) * 1000,
            "phone_round_trip_p50_ms": statistics.median(round_trips) * 1000,
            "phone_round_trip_p95_ms": _p95(round_trips) * 1000,
            "loop_lag_p95_ms": _p95(lags) * 1000, "target_p95_ms": 50}


MEMORY_PROBE = r"""
import asyncio, sys, resource
sys.path.insert(0, sys.argv[3])
from workshop_tui.storage.engine import open_database
from workshop_tui.services import sessions
db = open_database("sqlite:///" + sys.argv[1])
sessions.list_sessions(db)
# Both sides hold what the app holds at the Voting stage, where phones are started (the rule
# book, the voting services, the text helpers): "on" counts only what the server adds.
import workshop_tui.services.voting, workshop_tui.presentation, workshop_tui.textsafe

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

async def on():
    import urllib.request
    from workshop_tui.web.server import PhoneServer
    server = PhoneServer(db, 1)
    await server.start("127.0.0.1", 0)
    def fetch():
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/j/{server.code}").read()
    await asyncio.to_thread(fetch)
    print("RSS_MB", rss_mb())
    await server.stop()

if sys.argv[2] == "on":
    asyncio.run(on())
else:
    print("RSS_MB", rss_mb())
"""


def _rss(db_file: Path, mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(db_file), mode, str(ROOT / "src")],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return float([ln for ln in out.stdout.splitlines() if ln.startswith("RSS_MB ")][-1].split()[1])


def run(workdir: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="phones-bench-") as tmp:
        folder = Path(workdir or tmp)
        os.environ.setdefault("WORKSHOP_TUI_DATA_DIR", str(folder / "data"))
        db_file = folder / "phones.db"
        load = asyncio.run(_load(db_file))
        off = statistics.median(_rss(db_file, "off") for _ in range(3))
        on = statistics.median(_rss(db_file, "on") for _ in range(3))
    return {"submit_to_stored": load, "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "memory": {"phones_off_mb": off, "phones_on_mb": on, "extra_mb": on - off, "target_extra_mb": 15}}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--phones"]:
        base, join_code, round_key, *personal = sys.argv[2:]
        print(json.dumps(asyncio.run(_phones(base, join_code, personal, round_key))))
    else:
        # make bench's convention (bench/run.py): one JSON line per figure.
        out = run()
        load, memory = out["submit_to_stored"], out["memory"]
        for figure in (
            {"name": "phones: 30 phones, submit to stored p95", "value": load["server_p95_ms"], "unit": "ms",
             "target": 50, "issue": 14, "detail": load},
            {"name": "phones: 30 phones, phone round trip p95", "value": load["phone_round_trip_p95_ms"],
             "unit": "ms", "target": None, "issue": 14},
            {"name": "phones: memory with the server on, beyond off", "value": memory["extra_mb"], "unit": "MB",
             "target": 15, "issue": 14, "detail": memory},
        ):
            print(json.dumps(figure))
