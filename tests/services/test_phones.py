"""Phone ballots through the services (issue 14): the rule book, the one writer, the
identity modes, and how ballots from nobody are counted. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from workshop_tui.domain import model as m
from workshop_tui.domain import results as engine
from workshop_tui.domain import rounds as round_policy
from workshop_tui.services import exports, phones, sessions, voting
from workshop_tui.services.phones import PhoneError, Voter
from workshop_tui.services.voting import VotingError


def dots(**spread) -> list[m.Vote]:
    return [m.Vote(initiative=k, value=str(v), channel="phone") for k, v in spread.items()]


def named(key: str) -> Voter:
    return Voter("named", participant=key)


@pytest.fixture
def dots_round(db, session_id) -> str:
    return voting.create_round(db, session_id, method="dots", settings={"budget": 5, "max_per_initiative": 3})


@pytest.fixture
def secret_round(db, session_id) -> str:
    return voting.create_round(db, session_id, method="dots", anonymous=True, min_group=2,
                               settings={"budget": 5, "max_per_initiative": 3})


def test_a_named_phone_ballot_is_the_persons_and_change_replaces_it(db, session_id, dots_round):
    first = phones.cast(db, session_id, dots_round, named("ana"), dots(epr=3, wifi=2))
    again = phones.cast(db, session_id, dots_round, named("ana"), dots(eobs=1))
    assert (first.replaced, again.replaced) == (False, True)
    votes = sessions.load(db, session_id).round(dots_round).votes
    assert [(v.participant, v.initiative, v.value, v.channel) for v in votes] == [("ana", "eobs", 1, "phone")]


def test_a_ballot_the_rule_book_refuses_stores_nothing_and_says_why(db, session_id, dots_round):
    with pytest.raises(VotingError) as refused:
        phones.cast(db, session_id, dots_round, named("ana"), dots(epr=3, wifi=3))
    assert "6 dots placed but only 5 allowed" in str(refused.value)
    with pytest.raises(VotingError, match="more than the 3 allowed on one initiative"):
        phones.cast(db, session_id, dots_round, named("ana"), dots(epr=4))
    assert sessions.load(db, session_id).round(dots_round).votes == ()


def test_grid_and_named_phone_cannot_both_vote_for_one_person(db, session_id, dots_round):
    desk = voting.open_desk(db, session_id, dots_round)
    desk.cast("ben", "epr", None, 2)
    with pytest.raises(PhoneError, match="already entered on the laptop"):
        phones.cast(db, session_id, dots_round, named("ben"), dots(wifi=1))
    phones.cast(db, session_id, dots_round, named("ana"), dots(wifi=1))
    with pytest.raises(VotingError, match="voted by phone in this round"):
        desk.cast("ana", "epr", None, 1)
    votes = sessions.load(db, session_id).round(dots_round).votes
    assert sorted((v.participant, v.initiative, v.value, v.channel) for v in votes) == [
        ("ana", "wifi", 1, "phone"), ("ben", "epr", 2, "facilitator")]
    # Voiding the phone ballot (audited) lets the facilitator enter Ana's votes.
    assert phones.void(db, session_id, dots_round, named("ana")) == 1
    desk.refresh(sessions.load(db, session_id))
    desk.cast("ana", "epr", None, 1)


def test_a_closed_round_takes_no_phone_ballot(db, session_id, dots_round):
    voting.close_round(db, session_id, dots_round)
    with pytest.raises(PhoneError, match="closed"):
        phones.cast(db, session_id, dots_round, named("ana"), dots(epr=1))


def test_anonymous_and_slip_ballots_need_a_secret_round(db, session_id, dots_round):
    with pytest.raises(PhoneError, match="not a secret ballot"):
        phones.cast(db, session_id, dots_round, Voter("device", secret="tok"), dots(epr=1))
    assert sessions.load(db, session_id).round(dots_round).votes == ()


def test_one_ballot_per_device_and_per_slip_in_each_round(db, session_id, secret_round):
    device = Voter("device", secret="token-one")
    phones.cast(db, session_id, secret_round, device, dots(epr=2))
    with pytest.raises(PhoneError, match="already voted"):
        phones.cast(db, session_id, secret_round, device, dots(epr=1))
    (slip,) = phones.issue_slips(db, session_id, 1)
    voter = phones.identify(db, session_id, slip.lower().replace("0", "o"), "slips")
    phones.cast(db, session_id, secret_round, voter, dots(wifi=1))
    with pytest.raises(PhoneError, match="already been used"):
        phones.cast(db, session_id, secret_round, voter, dots(wifi=1))
    # A later secret round: the same device and slip vote once more, under keys that do not link.
    later = voting.create_round(db, session_id, method="dots", anonymous=True,
                                settings={"budget": 5, "max_per_initiative": 3})
    phones.cast(db, session_id, later, device, dots(epr=1))
    phones.cast(db, session_id, later, voter, dots(epr=1))
    assert phones.voter_key("device", "token-one", session_id, secret_round) != \
        phones.voter_key("device", "token-one", session_id, later)


def test_ballots_from_nobody_are_counted_in_results_count_and_exports(db, session_id, secret_round):
    """Three anonymous phones and one named person in a secret round: four ballots, one voter."""
    for n, spread in enumerate(({"epr": 3}, {"epr": 2, "wifi": 1}, {"wifi": 3})):
        phones.cast(db, session_id, secret_round, Voter("device", secret=f"t{n}"), dots(**spread))
    phones.issue_named_codes(db, session_id)
    phones.cast(db, session_id, secret_round, named("dev"), dots(epr=1))
    with pytest.raises(PhoneError, match="already voted"):
        phones.cast(db, session_id, secret_round, named("dev"), dots(epr=1))
    for sealed in (False, True):
        w = sessions.load(db, session_id)
        rnd = w.round(secret_round)
        assert round_policy.ballot_count(rnd) == 4 and rnd.voted == ("dev",)
        assert all(v.participant is None and v.channel == "private" for v in rnd.votes)
        result = engine.round_result(w, secret_round)
        assert result.counted == 4
        assert result.item("epr").score == 6 and result.item("wifi").score == 4
        if not sealed:
            voting.close_round(db, session_id, secret_round)
    md = " ".join(exports.render_text(db, session_id, "md").split())
    assert "4 ballots cast by secret ballot (1 person marked as voted, 3 from anonymous phones or slips)" in md
    # The session file keeps every ballot and imports again.
    data = json.loads(sessions.export_json(db, session_id))
    stored = next(r for r in data["rounds"] if r["key"] == secret_round)
    assert len({v["ballot"] for v in stored["votes"]}) == 4 and stored["voted"] == ["dev"]
    copy = sessions.import_bytes(db, json.dumps(data).encode(), "phones.json")
    assert round_policy.ballot_count(sessions.load(db, copy).round(secret_round)) == 4


def test_codes_and_tokens_are_stored_only_as_hashes(db, session_id, secret_round):
    codes = phones.issue_named_codes(db, session_id)
    slips = phones.issue_slips(db, session_id, 3)
    phones.cast(db, session_id, secret_round, Voter("device", secret="the-device-token"), dots(epr=1))
    with db.engine.connect() as conn:
        dump = "\n".join(str(tuple(row)) for table in ("phone_code", "phone_voted", "audit_log")
                         for row in conn.execute(text(f"SELECT * FROM {table}")))
    for secret in [*codes.values(), *slips, "the-device-token"]:
        assert secret not in dump and phones.normalise_code(secret) not in dump
    assert phones.identify(db, session_id, codes["ana"], "named") == named("ana")
    with pytest.raises(PhoneError, match="not known"):
        phones.identify(db, session_id, codes["ana"], "slips")
    # New personal codes: the old ones stop working.
    phones.issue_named_codes(db, session_id)
    with pytest.raises(PhoneError, match="not known"):
        phones.identify(db, session_id, codes["ana"], "named")


def test_a_secret_ballot_cannot_be_voided(db, session_id, secret_round):
    phones.cast(db, session_id, secret_round, named("ana"), dots(epr=1))
    with pytest.raises(PhoneError, match="secret round"):
        phones.void(db, session_id, secret_round, named("ana"))
    with pytest.raises(PhoneError, match="secret ballot"):
        phones.void(db, session_id, secret_round, Voter("device", secret="x"))


def test_the_current_round_follows_the_last_open_one(db, session_id, dots_round):
    assert phones.current_round(db, session_id).key == dots_round
    second = voting.create_round(db, session_id, method="matrix")
    rnd = phones.current_round(db, session_id)
    assert rnd.key == second and [c[0] for c in rnd.criteria] == ["patient", "staff"]
    assert rnd.criteria[1][2].choices == (0, 1, 2, 3, 4, 5)
    voting.close_round(db, session_id, second)
    voting.close_round(db, session_id, dots_round)
    assert phones.current_round(db, session_id) is None
    assert phones.current_round(db, session_id, dots_round).open is False


def test_a_named_receipt_carries_what_was_stored_and_a_secret_one_nothing(db, session_id, dots_round, secret_round):
    """The facilitator's screen shows a named phone ballot from its receipt, without a read:
    the receipt must hold exactly the rows the database holds; a secret one holds none."""
    receipt = phones.cast(db, session_id, dots_round, named("ana"), dots(epr=3, wifi=2))
    held = [v for v in sessions.load(db, session_id).round(dots_round).votes if v.participant == "ana"]
    assert receipt.stored and sorted(receipt.stored, key=str) == sorted(held, key=str)
    assert phones.cast(db, session_id, secret_round, Voter("device", secret="t1"), dots(epr=2)).stored == ()


def test_open_rounds_read_again_equal_a_whole_read(db, session_id, dots_round, secret_round):
    """The phones' redraw reads only the open rounds again (sessions.reread_rounds): the
    workshop it makes is the one a whole read gives, votes, ballot box and all."""
    closed = voting.create_round(db, session_id, method="dots", settings={"budget": 5, "max_per_initiative": 3})
    voting.open_desk(db, session_id, closed).cast("ben", "epr", None, 2)
    voting.close_round(db, session_id, closed)
    before = sessions.load(db, session_id)
    phones.cast(db, session_id, dots_round, named("ana"), dots(epr=3, wifi=2))
    phones.cast(db, session_id, dots_round, named("ana"), dots(eobs=1))  # a change: replaced
    for n in range(3):
        phones.cast(db, session_id, secret_round, Voter("device", secret=f"t{n}"), dots(epr=1, wifi=n))
    again = sessions.reread_rounds(db, session_id, before, [dots_round, secret_round])
    assert again == sessions.load(db, session_id)
    assert again.round(closed) is before.round(closed)  # not read: taken from the picture before
    voting.delete_round(db, session_id, dots_round)
    with pytest.raises(LookupError):
        sessions.reread_rounds(db, session_id, before, [dots_round])


HOLD_S = 5.0  # how long a test holds a read or a write open; only reached when the test fails


def test_a_phone_page_being_read_does_not_hold_up_a_ballot(db, session_id, dots_round, monkeypatch):
    """Thirty phones open pages while ballots are written: a page's read (current_round) must
    not keep the writer waiting (on SQLite a plain read took the write lock)."""
    import threading

    from workshop_tui.storage import phones as phone_repo

    inside, written, seen = threading.Event(), threading.Event(), {}
    real = phone_repo.open_round_keys

    def read_held_open(s, sid):  # the real read, then the page's transaction stays open a while
        keys = real(s, sid)
        inside.set()
        seen["ballot written meanwhile"] = written.wait(HOLD_S)
        return keys

    monkeypatch.setattr(phone_repo, "open_round_keys", read_held_open)
    page = threading.Thread(target=phones.current_round, args=(db, session_id))
    page.start()
    assert inside.wait(HOLD_S)
    phones.cast(db, session_id, dots_round, named("ana"), dots(epr=1))
    written.set()
    page.join()
    assert seen == {"ballot written meanwhile": True}


def test_a_phone_page_does_not_wait_for_a_write_under_way(db, session_id, dots_round):
    """Nor does a page (or the screen's redraw after phone ballots, asked for as a snapshot) wait
    for a write under way (another program's, or the ballots')."""
    import threading

    from workshop_tui.services.unit_of_work import transaction
    from workshop_tui.storage import repository as repo

    holding, release = threading.Event(), threading.Event()
    before = sessions.load(db, session_id)

    def writer():
        with transaction(db) as s:
            repo.touch(s, session_id)
            holding.set()
            release.wait(HOLD_S)

    other = threading.Thread(target=writer)
    other.start()
    try:
        assert holding.wait(HOLD_S)
        assert phones.current_round(db, session_id).key == dots_round
        assert sessions.reread_rounds(db, session_id, before, [dots_round], snapshot_read=True) \
            .round(dots_round).status == "open"
        assert other.is_alive(), "the page waited until the write was over"
    finally:
        release.set()
        other.join()
