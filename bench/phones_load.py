"""Phones under load (issue 14): 30 phones voting at once on 127.0.0.1, and memory with
the phone server on versus off. Prints its figures as one JSON object; `make bench`
calls ``run`` too. Reports, never asserts.

- submit_to_stored: each phone's POST until its 303 answer, which the server sends only
  after the ballot's transaction committed (target p95 <= 50 ms).
- memory: resident set of a process that opened the database (phones off) and of one
  that also started the server and answered a phone (phones on) (target <= +15 MB).
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


async def _load(db_file: Path) -> dict:
    import httpx

    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database
    from workshop_tui.web.server import PhoneServer

    db = open_database(f"sqlite:///{db_file}")
    sid = sessions.import_workshop(db, _workshop(PHONES))
    key = voting.create_round(db, sid, method="dots", settings={"budget": 10, "max_per_initiative": 5})
    server = PhoneServer(db, sid, mode="named", rate=(10_000.0, 10_000.0))
    await server.start("127.0.0.1", 0)
    codes = await asyncio.to_thread(server.named_codes)
    base = f"http://127.0.0.1:{server.port}"
    clients = [httpx.AsyncClient(base_url=base, headers={"Origin": base}) for _ in range(PHONES)]
    timings: list[float] = []
    try:
        tokens = []
        for client, code in zip(clients, codes.values()):
            await client.get(f"/j/{server.code}")
            token = CSRF.search((await client.get("/ballot")).text).group(1)
            await client.post("/code", data={"csrf": token, "code": code})
            tokens.append(token)

        async def vote(client, token, n):
            data = {"csrf": token, "round": key, f"d:i{n % 12}": "5", f"d:i{(n + 1) % 12}": "5"}
            start = time.perf_counter()
            r = await client.post("/ballot", data=data)
            timings.append(time.perf_counter() - start)
            assert r.status_code == 303, r.text

        for _ in range(3):  # vote, then change twice: 90 ballots, 30 at a time
            await asyncio.gather(*(vote(c, t, n) for n, (c, t) in enumerate(zip(clients, tokens))))
    finally:
        for client in clients:
            await client.aclose()
        await server.stop()
    stored = {v.participant for v in sessions.load(db, sid).round(key).votes}
    db.dispose()
    ms = sorted(t * 1000 for t in timings)
    return {"phones": PHONES, "ballots": len(ms), "stored_people": len(stored),
            "p50_ms": statistics.median(ms), "p95_ms": ms[int(0.95 * (len(ms) - 1))], "target_p95_ms": 50}


MEMORY_PROBE = r"""
import asyncio, sys, resource
sys.path.insert(0, sys.argv[3])
from workshop_tui.storage.engine import open_database
from workshop_tui.services import sessions
db = open_database("sqlite:///" + sys.argv[1])
sessions.list_sessions(db)

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
    return {"submit_to_stored": load,
            "memory": {"phones_off_mb": off, "phones_on_mb": on, "extra_mb": on - off, "target_extra_mb": 15}}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
