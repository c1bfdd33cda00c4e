"""Shared helpers for the phone server tests: a workshop, a server on 127.0.0.1, phones."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from fractions import Fraction

from workshop_tui.domain import model as m

CSRF_RE = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def workshop(n_people: int = 4) -> m.Workshop:
    people = [("ana", "Ana Silva"), ("ben", "Ben Okoro"), ("cat", "Cat [bold]Jones[/bold]"), ("dev", "Dev Patel")]
    people += [(f"p{n}", f"Person {n}") for n in range(len(people), n_people)]
    return m.Workshop(
        session=m.SessionInfo(title="Ward digital basics", organisation="Northfield", bandwidth=2),
        participants=tuple(m.Participant(key=k, name=n) for k, n in people[:n_people]),
        initiatives=tuple(m.Initiative(key=k, title=t, effort=Fraction(e)) for k, t, e in (
            ("epr", "EPR optimisation", 3), ("eobs", "e-Observations <script>alert(1)</script>", 2),
            ("wifi", "Wi-Fi \x1b[31mrefresh\u202e", 2), ("voice", "Voice recognition", 1))),
        criteria=(
            m.Criterion(key="patient", name="Patient benefit", weight=Fraction(50), min=Fraction(0), max=Fraction(10)),
            m.Criterion(key="staff", name="Staff & <b>benefit</b>", weight=Fraction(50), min=Fraction(1),
                        max=Fraction(5)),
        ),
    )


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, html
    return found.group(1)


@asynccontextmanager
async def running(db, session_id, **options):
    from workshop_tui.web.server import PhoneServer

    server = PhoneServer(db, session_id, **options)
    await server.start("127.0.0.1", 0)
    try:
        yield server
    finally:
        await server.stop()


def phone(server, **kw):
    import httpx

    base = f"http://127.0.0.1:{server.port}"
    headers = {"Origin": base, **kw.pop("headers", {})}
    return httpx.AsyncClient(base_url=base, headers=headers, timeout=30, **kw)


async def join(client, server) -> str:
    """Join with the server's code; returns the ballot page's html (after the code page, if any)."""
    r = await client.get(f"/j/{server.code}")
    assert r.status_code == 303, r.text
    r = await client.get("/ballot")
    return r.text


async def give_code(client, code: str) -> str:
    page = (await client.get("/ballot")).text
    r = await client.post("/code", data={"csrf": csrf_of(page), "code": code})
    assert r.status_code == 303, r.text
    return (await client.get("/ballot")).text
