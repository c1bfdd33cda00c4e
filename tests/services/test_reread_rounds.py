"""A screen that knows only some rounds changed reads only those again
(``sessions.reread_rounds``, issue 15 point 1): the picture it makes must be the one a
whole read gives, for every kind of round the samples hold (matrix, dots, ranking,
value/effort, MoSCoW; open and closed) and for a secret round with ballots still in its
box, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from workshop_tui.services import phones, sessions, voting
from workshop_tui.services.phones import Voter
from workshop_tui.domain import model as m

SAMPLES = ("nhs-trust-where-to-start", "global-health-partnership", "calderdale")


@pytest.mark.parametrize("name", SAMPLES)
def test_every_round_of_a_sample_read_again_equals_a_whole_read(db, sample_bytes, name):
    sid = sessions.import_bytes(db, sample_bytes(name), f"{name}.json")
    whole = sessions.load(db, sid)
    assert whole.rounds, "the sample has rounds to read"
    for rnd in whole.rounds:
        again = sessions.reread_rounds(db, sid, whole, [rnd.key])
        assert again.round(rnd.key) == whole.round(rnd.key), rnd.key
        assert again.round(rnd.key) is not whole.round(rnd.key)  # read, not copied
        assert again == whole
    assert sessions.reread_rounds(db, sid, whole, [r.key for r in whole.rounds]) == whole


def test_a_round_read_again_after_votes_equals_a_whole_read_secret_box_included(db, sample_bytes):
    sid = sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "nhs.json")
    before = sessions.load(db, sid)
    people = [p.key for p in before.participants]
    items = [i.key for i in before.initiatives]
    named = voting.create_round(db, sid, method="dots", settings={"budget": 5, "max_per_initiative": 3})
    secret = voting.create_round(db, sid, method="dots", settings={"budget": 3, "max_per_initiative": 3},
                                 anonymous=True)
    desk = voting.open_desk(db, sid, named)
    desk.cast(people[0], items[0], None, 2)
    desk.cast(people[1], items[1], None, 3)
    desk.cast(people[0], items[0], None, 1)  # replaced
    for n in range(3):  # secret ballots wait in the box while the round is open
        phones.cast(db, sid, secret, Voter("device", secret=f"device-{n}"),
                    [m.Vote(participant=None, initiative=items[n], criterion=None, value=1)])
    picture = sessions.load(db, sid)
    desk.cast(people[2], items[2], None, 1)
    phones.cast(db, sid, secret, Voter("device", secret="device-9"),
                [m.Vote(participant=None, initiative=items[0], criterion=None, value=2)])
    again = sessions.reread_rounds(db, sid, picture, [named, secret])
    assert again == sessions.load(db, sid)
    assert len(again.round(secret).votes) == 4 and all(v.participant is None for v in again.round(secret).votes)
    assert again.participants is picture.participants  # the rest is the picture before, untouched
