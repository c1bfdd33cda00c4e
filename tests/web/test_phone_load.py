"""Thirty phones at once (issue 14, layer 4): each an httpx client with its own cookie
jar, all on 127.0.0.1. Join, vote, change, send the same ballot twice: every ballot is
stored once, none is lost, and the loop keeps answering while they vote."""

from __future__ import annotations

import asyncio
import time

from workshop_tui.domain import rounds
from workshop_tui.services import sessions, voting
from tests.web.phones_helpers import csrf_of, give_code, join, phone, running, workshop

PHONES = 30


async def test_thirty_named_phones_vote_change_and_repeat(db):
    sid = sessions.import_workshop(db, workshop(PHONES))
    key = voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 3})
    people = [p.key for p in sessions.load(db, sid).participants]
    async with running(db, sid, mode="named", rate=(1000.0, 1000.0)) as server:
        codes = await asyncio.to_thread(server.named_codes)
        names = {p.key: p.name for p in sessions.load(db, sid).participants}
        ticks: list[float] = []
        stop = asyncio.Event()

        async def heartbeat():  # the loop must keep turning while phones vote
            while not stop.is_set():
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        async def one(n: int, who: str):
            async with phone(server) as client:
                await join(client, server)
                page = await give_code(client, codes[names[who]])
                token = csrf_of(page)
                first = {"csrf": token, "round": key, "d:epr": "3"}
                assert (await client.post("/ballot", data=first)).status_code == 303
                change = {"csrf": token, "round": key, "d:wifi": "1", "d:voice": "2"} if n % 2 else first
                results = await asyncio.gather(client.post("/ballot", data=change),
                                               client.post("/ballot", data=change))  # a double tap
                assert [r.status_code for r in results] == [303, 303]

        beat = asyncio.create_task(heartbeat())
        await asyncio.gather(*(one(n, who) for n, who in enumerate(people)))
        stop.set()
        await beat
        assert server.stats().joined == PHONES and server.stats().ballots == PHONES
    rnd = sessions.load(db, sid).round(key)
    by_person: dict[str, dict[str, int]] = {}
    for v in rnd.votes:
        assert v.channel == "phone"
        assert v.initiative not in by_person.setdefault(v.participant, {})
        by_person[v.participant][v.initiative] = v.value
    assert len(by_person) == PHONES and rounds.ballot_count(rnd) == PHONES
    for n, who in enumerate(people):
        assert by_person[who] == ({"wifi": 1, "voice": 2} if n % 2 else {"epr": 3})
    assert len(ticks) > 1


async def test_thirty_anonymous_phones_in_a_secret_round(db):
    sid = sessions.import_workshop(db, workshop(PHONES))
    key = voting.create_round(db, sid, method="moscow", anonymous=True)
    async with running(db, sid, rate=(1000.0, 1000.0)) as server:
        async def one(n: int):
            async with phone(server) as client:
                page = await join(client, server)
                data = {"csrf": csrf_of(page), "round": key, "w:epr": "must", "w:wifi": "could"}
                results = await asyncio.gather(*(client.post("/ballot", data=data) for _ in range(3)))
                codes = sorted(r.status_code for r in results)
                assert codes == [303, 422, 422], codes

        await asyncio.gather(*(one(n) for n in range(PHONES)))
    voting.close_round(db, sid, key)
    rnd = sessions.load(db, sid).round(key)
    assert rounds.ballot_count(rnd) == PHONES and len(rnd.votes) == 2 * PHONES and rnd.voted == ()
