"""Pure units of the phone server (issue 14, layer 1): join codes, CSRF tokens, hashes,
the Host and Origin rules, token buckets, form parsing and escaping of user text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workshop_tui.services import phones
from workshop_tui.services.phones import PhoneRound, Scale
from workshop_tui.web import forms, pages, security

CODE = st.text(alphabet=phones.CROCKFORD, min_size=6, max_size=6)


@given(CODE, st.data())
def test_a_join_code_is_accepted_however_it_is_typed(code, data):
    typed = "".join(data.draw(st.sampled_from(sorted({c, c.lower()} | ({"o", "O"} if c == "0" else set())
                                                     | ({"i", "l", "I", "L"} if c == "1" else set()))))
                    for c in code)
    shown = typed[:3] + data.draw(st.sampled_from(["-", " ", ""])) + typed[3:]
    assert security.join_code_matches(shown, code)
    assert security.shown_join_code(code) == f"{code[:3]}-{code[3:]}"


@given(CODE, CODE)
def test_a_different_join_code_is_refused(a, b):
    assert security.join_code_matches(a, b) == (a == b)


def test_new_codes_use_crockford_symbols_only():
    for _ in range(200):
        code = security.new_join_code()
        assert len(code) == 6 and set(code) <= set(phones.CROCKFORD) and not set(code) & set("ILOU")


def test_csrf_tokens_belong_to_one_device_and_one_server():
    key, other_key = b"k" * 32, b"j" * 32
    token = security.csrf_token(key, "device-a")
    assert security.csrf_ok(key, "device-a", token)
    assert not security.csrf_ok(key, "device-b", token)
    assert not security.csrf_ok(other_key, "device-a", token)
    assert not security.csrf_ok(key, "device-a", "")


def test_hashes_hide_the_code_and_link_no_rounds():
    assert phones.code_hash("abcd-1234") == phones.code_hash("ABCD1234") != phones.code_hash("ABCD1235")
    assert "ABCD1234" not in phones.code_hash("ABCD1234")
    assert phones.voter_key("device", "t", 1, "r1") != phones.voter_key("device", "t", 1, "r2")
    assert phones.voter_key("device", "t", 1, "r1") != phones.voter_key("slip", "t", 1, "r1")
    assert security.token_hash("secret") != "secret" and len(security.token_hash("secret")) == 64


def test_hosts_and_origins():
    hosts = security.allowed_hosts("192.168.137.1", 8080)
    assert {"192.168.137.1:8080", "127.0.0.1:8080", "localhost:8080"} == set(hosts)
    assert "evil.example:8080" not in hosts and "192.168.137.1:8081" not in hosts
    assert security.origin_ok("http://192.168.137.1:8080", "192.168.137.1:8080")
    assert not security.origin_ok("http://evil.example", "192.168.137.1:8080")
    assert not security.origin_ok("null", "192.168.137.1:8080")
    assert security.origin_ok(None, "192.168.137.1:8080")  # then the CSRF token is the guard


def test_token_buckets_refill_with_time():
    b = security.Buckets(burst=2, per_second=1)
    assert [b.take("a", now=0), b.take("a", now=0), b.take("a", now=0)] == [True, True, False]
    assert b.take("b", now=0)  # per address
    assert not b.has("a", now=0.5) and b.has("a", now=1.5) and b.take("a", now=1.5)


ROUND = PhoneRound(key="r1", title="Round <b>1</b>", method="ranking", status="open", secret=False, hidden=False,
                   initiatives=(("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")))


def test_positions_make_a_ranking_with_ties_and_leave_bad_ones_for_the_rule_book():
    assert forms.ranking_from(ROUND, {"r:b": "1", "r:a": "2", "r:c": "2"}) == ("b", ("a", "c"))
    assert forms.ranking_from(ROUND, {"r:b": "3", "r:a": "", "r:c": "1"}) == ("c", "b")
    assert forms.ranking_from(ROUND, {}) is None
    odd = forms.ranking_from(ROUND, {"r:a": "0", "r:b": "x" * 100})
    assert all(isinstance(e, str) and e.startswith("position") for e in odd)


def test_move_up_and_down_renumber_the_shown_order():
    values = {"r:a": "1", "r:b": "2"}
    assert forms.move(ROUND, values, "up:b") == {"r:b": "1", "r:a": "2", "r:c": "3"}
    assert forms.move(ROUND, values, "down:c") == {"r:a": "1", "r:b": "2", "r:c": "3"}
    assert forms.move(ROUND, values, "up:a") == {"r:a": "1", "r:b": "2", "r:c": "3"}
    assert forms.move(ROUND, values, "sideways:zzz") == {"r:a": "1", "r:b": "2", "r:c": "3"}


def test_blank_fields_are_not_votes_and_long_ones_are_not_numbers():
    dots = PhoneRound(**{**ROUND.__dict__, "method": "dots", "budget": 5, "cap": 3})
    votes = forms.votes(dots, {"d:a": " 2 ", "d:b": "", "d:c": "9" * 100, "d:zz": "4"})
    assert [(v.initiative, v.value) for v in votes] == [("a", "2"), ("c", "(too long)")]


def test_scales_are_radios_when_short_and_whole():
    assert Scale(1, 5).choices == (1, 2, 3, 4, 5)
    assert Scale(0, 100).choices == ()


@given(st.text(max_size=40))
def test_user_text_is_escaped_and_inert_on_every_page(title):
    rnd = PhoneRound(**{**ROUND.__dict__, "method": "moscow", "title": title,
                        "initiatives": (("a", title + "<script>x()</script>"),)})
    html = pages.ballot(rnd, "0" * 64, {})
    assert "<script>x()" not in html
    body = html.split("<main", 1)[1]
    assert not any(ord(ch) < 32 and ch not in "\n\t" or 0x7f <= ord(ch) <= 0x9f for ch in body)
    assert "\u202e" not in body and "\u2066" not in body
