"""The phone server on port 0, all traffic on 127.0.0.1 (issue 14, layer 2): every
refusal code, the ballot pages of every method with JavaScript off (plain form posts),
change-my-vote, headers, and nothing referenced from another origin."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

import pytest

from workshop_tui.services import phones, sessions, voting
from tests.web.phones_helpers import csrf_of, give_code, join, phone, running, workshop


@pytest.fixture
def sid(db) -> int:
    return sessions.import_workshop(db, workshop())


@asynccontextmanager
async def named_phone(server, who: str = "Ana Silva"):
    codes = await asyncio.to_thread(server.named_codes)
    async with phone(server) as client:
        await join(client, server)
        page = await give_code(client, codes[who])
        yield client, page


def votes_of(db, sid, key):
    return sorted((v.participant, v.initiative, v.criterion, str(v.value), v.channel)
                  for v in sessions.load(db, sid).round(key).votes)


async def test_every_refusal_code(db, sid):
    key = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid, mode="named", rate=(200.0, 1.0)) as server:
        async with named_phone(server) as (client, page):
            token = csrf_of(page)
            seen = {}
            # 421: a Host that is not the server's own (DNS rebinding).
            r = await client.get("/ballot", headers={"Host": f"evil.example:{server.port}"})
            seen["wrong host"] = r.status_code
            # 403: a POST from another origin, even with the right token.
            r = await client.post("/ballot", data={"csrf": token, "round": key, "d:epr": "1"},
                                  headers={"Origin": "http://192.168.1.66:8000"})
            seen["cross origin"] = r.status_code
            # 403: the right origin with a wrong token.
            r = await client.post("/ballot", data={"csrf": "0" * 64, "round": key, "d:epr": "1"})
            seen["bad csrf"] = r.status_code
            # 403: no device cookie at all.
            async with phone(server) as stranger:
                r = await stranger.post("/ballot", data={"csrf": token, "round": key, "d:epr": "1"})
                seen["no device"] = r.status_code
                # 404: a wrong join code.
                r = await stranger.get("/j/ZZZZZZ" if server.code != "ZZZZZZ" else "/j/YYYYYY")
                seen["bad code"] = r.status_code
            # 422: over budget, with the rule book's words and the form again.
            r = await client.post("/ballot", data={"csrf": token, "round": key, "d:epr": "3", "d:wifi": "2"})
            seen["over budget"] = r.status_code
            assert "5 dots placed but only 4 allowed" in r.text and 'id="errors"' in r.text
            assert 'value="3"' in r.text  # what was typed is kept
            # 413: a body over the cap.
            r = await client.post("/ballot", data={"csrf": token, "round": key, "d:epr": "x" * 40_000})
            seen["too big"] = r.status_code
            assert votes_of(db, sid, key) == []
            # 429: one address asking too fast.
            codes = [(await client.get("/ballot")).status_code for _ in range(250)]
            seen["too many"] = 429 if 429 in codes else codes[-1]
    assert seen == {"wrong host": 421, "cross origin": 403, "bad csrf": 403, "no device": 403, "bad code": 404,
                    "over budget": 422, "too big": 413, "too many": 429}


async def test_guessing_join_codes_is_slowed_down(db, sid):
    voting.create_round(db, sid, method="dots")
    async with running(db, sid, code_rate=(3.0, 0.01)) as server:
        async with phone(server) as client:
            codes = [(await client.get("/j/AAAAAA")).status_code for _ in range(5)]
            assert codes[:3] == [404, 404, 404] and codes[-1] == 429
            # That address now waits, even with the right code (a guesser cannot tell it was right).
            assert (await client.get(f"/j/{server.code}")).status_code == 429
        async with phone(server) as other:  # the bucket is per address: 127.0.0.1 here, so shared
            assert (await other.get(f"/j/{server.code}")).status_code == 429


async def test_the_device_cap(db, sid):
    async with running(db, sid, max_devices=2) as server:
        statuses = []
        for _ in range(3):
            async with phone(server) as client:
                statuses.append((await client.get(f"/j/{server.code}")).status_code)
        assert statuses == [303, 303, 503]
        assert server.stats().joined == 2


async def test_join_sets_a_private_cookie_and_takes_the_code_out_of_the_address(db, sid):
    async with running(db, sid) as server:
        async with phone(server) as client:
            typed = server.code_shown.lower().replace("0", "o").replace("1", "l")
            r = await client.get(f"/j/{typed}")
            assert r.status_code == 303 and r.headers["location"] == "/ballot"
            cookie = r.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Max-Age=43200" in cookie
            old = server.code
            server.rotate_code()
            assert server.code != old
            async with phone(server) as late:
                assert (await late.get(f"/j/{old}")).status_code == 404
                assert (await late.get(f"/j/{server.code}")).status_code == 303
            # Joined devices stay joined.
            assert (await client.get("/ballot")).status_code == 200


async def test_change_my_vote_replaces_the_ballot(db, sid):
    key = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": key, "d:epr": "3", "d:wifi": "1"})
            assert r.status_code == 303 and r.headers["location"] == f"/recorded?round={key}"
            receipt = (await client.get(r.headers["location"])).text
            assert "Your ballot is recorded" in receipt and "Change my vote" in receipt
            assert not re.search(r"\b(ballot|vote)[ _-]?id\b", receipt, re.I)
            # Change my vote: the form comes back filled in with the stored ballot.
            form = (await client.get("/ballot?change=1")).text
            assert 'name="d:epr" type="number" inputmode="numeric" pattern="[0-9]*" min="0" max="3" step="1" ' \
                   'value="3"' in form
            r = await client.post("/ballot", data={"csrf": csrf_of(form), "round": key, "d:eobs": "2"})
            assert r.status_code == 303 and "replaced=1" in r.headers["location"]
            assert "replaced the ballot you sent before" in (await client.get(r.headers["location"])).text
    assert votes_of(db, sid, key) == [("ana", "eobs", None, "2", "phone")]


async def test_a_ballot_for_a_round_no_longer_open_is_not_stored(db, sid):
    first = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            second = voting.create_round(db, sid, method="moscow")
            voting.close_round(db, sid, first)
            server.refresh()
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": first, "d:epr": "1"})
            assert r.status_code == 409 and "moved on to another round" in r.text
            assert 'name="w:epr"' in r.text  # the round open now
            voting.close_round(db, sid, second)
            server.refresh()
            lobby = (await client.get("/ballot")).text
            assert '<meta http-equiv="refresh" content="5">' in lobby and "Waiting for the next round" in lobby
    assert votes_of(db, sid, first) == []


SUBMISSIONS = {
    "dots": ({"budget": 4, "max_per_initiative": 3}, {"d:epr": "3", "d:voice": "1"},
             [("ana", "epr", None, "3", "phone"), ("ana", "voice", None, "1", "phone")]),
    "matrix": ({}, {"m:epr:patient": "7", "m:epr:staff": "5", "m:wifi:patient": "2"},
               [("ana", "epr", "patient", "7", "phone"), ("ana", "epr", "staff", "5", "phone"),
                ("ana", "wifi", "patient", "2", "phone")]),
    "value_effort": ({}, {"v:epr": "5", "e:epr": "2"}, [("ana", "epr", None, "5", "phone")]),
    "moscow": ({}, {"w:epr": "must", "w:wifi": "wont"},
               [("ana", "epr", None, "must", "phone"), ("ana", "wifi", None, "wont", "phone")]),
    "ranking": ({}, {"r:wifi": "1", "r:epr": "2", "r:voice": "2"}, None),
}


@pytest.mark.parametrize("method", sorted(SUBMISSIONS))
async def test_each_method_renders_accessibly_and_stores_a_plain_form_post(db, sid, method):
    settings, form, expected = SUBMISSIONS[method]
    key = voting.create_round(db, sid, method=method, settings=settings)
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            r = await client.get("/ballot")
            html = r.text
            assert r.headers["cache-control"] == "no-store"
            assert '<html lang="en">' in html and 'name="viewport"' in html and "user-scalable" not in html
            assert 'aria-live="polite"' in html
            assert html.count("<fieldset") >= 4 and html.count("<legend>") >= 4
            # User text is escaped and control characters shown, not obeyed.
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
            assert "\x1b" not in html and "\u202e" not in html and "\\x1b[31mrefresh\\u202e" in html
            if method == "matrix":
                assert html.count('type="radio" name="m:epr:staff"') == 5  # the criterion's own scale 1-5
                assert html.count('type="radio" name="m:epr:patient"') == 11  # 0-10
                assert "Staff &amp; &lt;b&gt;benefit&lt;/b&gt;" in html
            if method == "moscow":
                assert html.count('type="radio" name="w:epr"') == 4
            r = await client.post("/ballot", data={"csrf": csrf_of(html), "round": key, **form})
            assert r.status_code == 303, r.text
    stored = sessions.load(db, sid).round(key).votes
    if method == "ranking":
        assert [v.ranking for v in stored] == [("wifi", ("epr", "voice"))]
    elif method == "value_effort":
        assert [(v.initiative, v.value, v.effort, v.channel) for v in stored] == [("epr", 5, 2, "phone")]
    else:
        assert votes_of(db, sid, key) == expected


async def test_ranking_moves_without_javascript(db, sid):
    key = voting.create_round(db, sid, method="ranking")
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            # Move voice (listed last) up twice: a server round trip each, nothing stored yet.
            form = {"csrf": csrf_of(page), "round": key}
            r = await client.post("/ballot", data={**form, "move": "up:voice"})
            assert r.status_code == 200
            r = await client.post("/ballot", data={**form, **_selected(r.text), "move": "up:voice"})
            order = re.findall(r'<select id="r-\d+" name="r:([a-z]+)"', r.text)
            assert order == ["epr", "voice", "eobs", "wifi"]
            assert votes_of(db, sid, key) == []
            r = await client.post("/ballot", data={**form, **_selected(r.text)})
            assert r.status_code == 303
    assert [v.ranking for v in sessions.load(db, sid).round(key).votes] == [("epr", "voice", "eobs", "wifi")]


def _selected(html: str) -> dict[str, str]:
    out = {}
    for name, options in re.findall(r'<select id="r-\d+" name="(r:[a-z]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="(\d+)" selected>', options)
        if chosen:
            out[name] = chosen.group(1)
    return out


async def test_secret_round_anonymous_phones_vote_once_and_cannot_change(db, sid):
    key = voting.create_round(db, sid, method="dots", anonymous=True, settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid) as server:
        async with phone(server) as client:
            page = await join(client, server)
            assert "Secret ballot" in page
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": key, "d:epr": "2"})
            assert r.status_code == 303
            receipt = (await client.get(r.headers["location"])).text
            assert "cannot be changed" in receipt and "Change my vote" not in receipt
            again = await client.get("/ballot?change=1")
            assert "Your ballot is recorded" in again.text
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": key, "d:epr": "1"})
            assert r.status_code == 422 and "already voted" in r.text
        assert server.stats().ballots == 1
        (info,) = server.devices()
        assert info.voted_this_round
        with pytest.raises(phones.PhoneError):
            await asyncio.to_thread(server.void, info.label)
    w = sessions.load(db, sid)
    assert [(v.participant, v.value) for v in w.round(key).votes] == [(None, 2)] and w.round(key).voted == ()


async def test_anonymous_phones_wait_in_a_named_round(db, sid):
    key = voting.create_round(db, sid, method="dots")
    async with running(db, sid) as server:
        async with phone(server) as client:
            page = await join(client, server)
            assert "not a secret ballot" in page and 'content="5"' in page
            assert server.stats().notice == phones.NOT_SECRET
    assert votes_of(db, sid, key) == []


async def test_slips_each_cast_one_ballot_per_round(db, sid):
    key = voting.create_round(db, sid, method="moscow", anonymous=True)
    async with running(db, sid, mode="slips") as server:
        (slip,) = await asyncio.to_thread(server.make_slips, 1)
        for attempt in range(2):
            async with phone(server) as client:
                token = csrf_of(await join(client, server))  # the slip form
                page = await give_code(client, slip)
                if attempt == 1:  # another phone, the same slip: already used in this round
                    assert "Your ballot is recorded" in page
                r = await client.post("/ballot", data={"csrf": token, "round": key, "w:epr": "must"})
                assert r.status_code == (303 if attempt == 0 else 422)
                if attempt == 1:
                    assert "This slip has already been used in this round." in r.text
    assert round_policy_count(db, sid, key) == 1


def round_policy_count(db, sid, key) -> int:
    from workshop_tui.domain import rounds

    return rounds.ballot_count(sessions.load(db, sid).round(key))


async def test_void_a_named_phone_ballot_from_the_facilitator(db, sid):
    key = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    events = []
    async with running(db, sid, mode="named", on_event=events.append) as server:
        async with named_phone(server) as (client, page):
            await client.post("/ballot", data={"csrf": csrf_of(page), "round": key, "d:epr": "1"})
        (info,) = server.devices()
        await asyncio.to_thread(server.void, info.label)
        assert not server.devices()[0].voted_this_round
    assert votes_of(db, sid, key) == []
    kinds = [e.kind for e in events]
    assert {"joined", "ballot", "voided", "request"} <= set(kinds)
    assert not any(e.remote for e in events)  # all traffic came from this machine


async def test_headers_and_nothing_from_another_origin(db, sid):
    voting.create_round(db, sid, method="dots")
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            pages = [page, (await client.get("/")).text]
            for path in ("/ballot", "/static/app.css", "/static/app.js", "/nowhere", "/"):
                r = await client.get(path)
                pages.append(r.text)
                assert r.headers["content-security-policy"] == \
                    "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
                assert r.headers["referrer-policy"] == "same-origin"
                assert r.headers["x-content-type-options"] == "nosniff"
                assert "aiohttp" not in r.headers.get("server", "")
            assert (await client.get("/nowhere")).status_code == 404
    for text in pages:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+", text.replace("http-equiv", ""), re.I), text[:400]
        assert "@import" not in text and "url(" not in text


async def test_a_busy_port_is_an_os_error_and_all_addresses_are_refused(db, sid):
    from workshop_tui.web.server import PhoneServer

    async with running(db, sid) as server:
        other = PhoneServer(db, sid)
        with pytest.raises(OSError):
            await other.start("127.0.0.1", server.port)
        assert not other.running
    with pytest.raises(ValueError):
        await PhoneServer(db, sid).start("0.0.0.0", 0)


async def test_a_ballot_filled_in_before_a_new_round_opened_still_counts_in_its_round(db, sid):
    first = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid, mode="named") as server:
        async with named_phone(server) as (client, page):
            second = voting.create_round(db, sid, method="moscow")
            server.refresh()
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": first, "d:epr": "1"})
            assert r.status_code == 303
            assert "Your ballot is recorded" in (await client.get(r.headers["location"])).text
            assert 'name="w:epr"' in (await client.get("/ballot")).text  # then the round open now
    assert votes_of(db, sid, first) == [("ana", "epr", None, "1", "phone")] and votes_of(db, sid, second) == []


async def test_a_phone_that_joined_before_a_restart_cannot_vote_twice(db, sid):
    key = voting.create_round(db, sid, method="dots", anonymous=True, settings={"budget": 4, "max_per_initiative": 3})
    async with running(db, sid) as server:
        async with phone(server) as client:
            page = await join(client, server)
            r = await client.post("/ballot", data={"csrf": csrf_of(page), "round": key, "d:epr": "2"})
            assert r.status_code == 303
            kept = dict(client.cookies)
    async with running(db, sid) as again:  # a new server: a new join code, the same phone and cookie
        async with phone(again, cookies=kept) as client:
            assert (await client.get("/ballot")).status_code == 303  # unknown here: join first
            page = await join(client, again)
            assert "Your ballot is recorded" in page
    assert round_policy_count(db, sid, key) == 1


async def test_garbage_on_the_socket_prints_nothing(db, sid, capfd):
    async with running(db, sid) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")
        await writer.drain()
        await reader.read()  # the server answers 400 and closes
        writer.close()
        async with phone(server) as client:
            assert (await client.get("/")).status_code == 200
    out, err = capfd.readouterr()
    assert out == "" and err == ""


async def test_the_interpreter_switches_threads_often_only_while_serving(db, sid):
    """The ballot writer wins the interpreter lock back quickly while the server runs (a
    process-wide setting), and the process gets its own setting back when it stops."""
    import sys

    from workshop_tui.web.server import SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    async with running(db, sid) as server:
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
        assert server.running
    assert sys.getswitchinterval() == pytest.approx(before)


async def test_pages_asking_for_the_round_together_share_one_read(db, sid, monkeypatch):
    """Thirty ballots posted at once found the round's cached second expired and each queued
    the same read on the reader thread: one read serves every page asking meanwhile, and a
    refresh (the facilitator changed a round) makes the next pages read again."""
    from workshop_tui.web import server as server_module

    voting.create_round(db, sid, method="dots", settings={"budget": 3})
    reads = []
    real = phones.current_round

    def counted(*args):
        reads.append(args)
        return real(*args)

    monkeypatch.setattr(server_module.svc, "current_round", counted)
    async with running(db, sid, mode="named") as server:
        rounds = await asyncio.gather(*(server._round() for _ in range(30)))
        assert len(reads) == 1 and len({r.key for r in rounds}) == 1
        server.refresh()
        await asyncio.gather(*(server._round() for _ in range(5)))
        assert len(reads) == 2
