"""Voting service: rounds, live votes checked as they are typed, secret ballots."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlmodel import select

from workshop_tui.domain import model as m
from workshop_tui.services import sessions, voting
from workshop_tui.services.unit_of_work import reading
from workshop_tui.services.voting import VotingError
from workshop_tui.storage import repository as repo
from workshop_tui.storage.tables import VoteRow


def load(db, sid) -> m.Workshop:
    return sessions.load(db, sid)


def desk_for(db, sid, method="dots", **kw):
    key = voting.create_round(db, sid, method=method, **kw)
    return voting.open_desk(db, sid, key)


def test_a_new_dots_round_records_the_default_budget_and_cap(db, session_id):
    key = voting.create_round(db, session_id, method="dots")
    rnd = load(db, session_id).round(key)
    # N = 6 initiatives: B = floor(6/3) = 2, c = min(3, B) = 2.
    assert rnd.settings == {"budget": 2, "max_per_initiative": 2, "must_spend_all": False}
    assert rnd.status == "open" and rnd.title.startswith("Dot voting")


def test_settings_the_engine_cannot_use_are_refused(db, session_id):
    with pytest.raises(VotingError, match="cannot be used"):
        voting.create_round(db, session_id, method="dots", settings={"budget": 2, "max_per_initiative": 5})
    with pytest.raises(VotingError):
        voting.create_round(db, session_id, method="gates")


def test_a_dot_is_committed_the_moment_it_is_typed_with_its_channel(db, session_id):
    desk = desk_for(db, session_id)
    desk.cast("ana", "epr", None, 1, channel="paper")
    votes = load(db, session_id).rounds[0].votes
    assert [(v.participant, v.initiative, v.value, v.channel) for v in votes] == [("ana", "epr", 1, "paper")]
    assert desk.remaining("ana") == 1


def test_typing_again_in_a_cell_replaces_the_vote(db, session_id):
    desk = desk_for(db, session_id, settings={"budget": 4, "max_per_initiative": 3})
    desk.cast("ana", "epr", None, 1)
    desk.cast("ana", "epr", None, 3)
    votes = load(db, session_id).rounds[0].votes
    assert [(v.initiative, v.value) for v in votes] == [("epr", 3)]
    assert desk.remaining("ana") == 1


@pytest.mark.parametrize("value, message", [(3, "3 dots is more than the 2 allowed on one initiative"), (-1, "cannot be negative"), (Fraction(1, 2), "whole")])
def test_dots_over_the_cap_or_not_whole_are_refused_and_nothing_is_stored(db, session_id, value, message):
    desk = desk_for(db, session_id)
    with pytest.raises(VotingError, match=message):
        desk.cast("ana", "epr", None, value)
    assert load(db, session_id).rounds[0].votes == ()


def test_dots_over_the_persons_budget_are_refused(db, session_id):
    desk = desk_for(db, session_id)  # budget 2
    desk.cast("ana", "epr", None, 1)
    desk.cast("ana", "wifi", None, 1)
    with pytest.raises(VotingError, match="3 dots placed but only 2 allowed"):
        desk.cast("ana", "eobs", None, 1)
    # Another person's budget is their own.
    desk.cast("ben", "eobs", None, 2)
    assert desk.remaining("ana") == 0 and desk.remaining("ben") == 0


def test_matrix_scores_outside_the_criterion_scale_are_refused(db, session_id):
    desk = desk_for(db, session_id, method="matrix")
    desk.cast("ana", "epr", "patient", Fraction(15, 2))
    with pytest.raises(VotingError, match="score 6 is above the scale's maximum 5"):
        desk.cast("ana", "epr", "staff", 6)
    with pytest.raises(VotingError, match="scored criterion"):
        desk.cast("ana", "epr", "ig", 1)
    votes = load(db, session_id).rounds[0].votes
    assert [(v.criterion, v.value) for v in votes] == [("patient", Fraction(15, 2))]


def test_value_and_effort_are_two_halves_of_one_vote(db, session_id):
    desk = desk_for(db, session_id, method="value_effort")
    desk.cast("ana", "epr", None, 4)
    desk.cast("ana", "epr", None, 2, axis="effort")
    with pytest.raises(VotingError, match="value 9 is above the scale's maximum 5"):
        desk.cast("ana", "wifi", None, 9)
    [vote] = load(db, session_id).rounds[0].votes
    assert (vote.value, vote.effort) == (4, 2)


def test_moscow_takes_letters_or_words(db, session_id):
    desk = desk_for(db, session_id, method="moscow")
    desk.cast("ana", "epr", None, "M")
    desk.cast("ana", "wifi", None, "won't")
    with pytest.raises(VotingError, match="is not must, should, could or won't"):
        desk.cast("ana", "rpa", None, "x")
    assert {v.initiative: v.value for v in load(db, session_id).rounds[0].votes} == {"epr": "must", "wifi": "wont"}


def test_a_ranking_is_stored_as_one_ballot_with_ties(db, session_id):
    desk = desk_for(db, session_id, method="ranking")
    ballot = voting.parse_ranking({"epr": 1, "wifi": 2, "eobs": 2, "rpa": None})
    desk.set_ranking("ana", ballot)
    [vote] = load(db, session_id).rounds[0].votes
    assert vote.ranking == ("epr", ("eobs", "wifi"))
    assert voting.ranking_positions(vote.ranking) == {"epr": 1, "eobs": 2, "wifi": 2}


def test_undo_puts_back_what_the_last_vote_replaced(db, session_id):
    desk = desk_for(db, session_id, settings={"budget": 4, "max_per_initiative": 3})
    desk.cast("ana", "epr", None, 1)
    desk.cast("ben", "wifi", None, 2)
    desk.cast("ana", "epr", None, 3)
    assert desk.undo() == ("ana", "epr", None)
    assert {(v.participant, v.initiative): v.value for v in load(db, session_id).rounds[0].votes} == {
        ("ana", "epr"): 1, ("ben", "wifi"): 2}
    assert desk.undo() == ("ben", "wifi", None)
    assert desk.remaining("ben") == 4
    assert desk.undo() == ("ana", "epr", None)
    assert desk.undo() is None
    assert load(db, session_id).rounds[0].votes == ()


def test_a_desk_vote_still_saves_when_another_connection_inserted_votes_meanwhile(db, db_url, session_id):
    """Storage gives each named vote the next id inside its own (serialised) transaction,
    so two desks on two connections interleaving votes never clash."""
    from workshop_tui.storage.engine import open_database

    desk = desk_for(db, session_id, settings={"budget": 4, "max_per_initiative": 3})
    other_db = open_database(db_url)
    try:
        other = voting.open_desk(other_db, session_id, desk.round_key)  # same round, its own connection
        desk.cast("ana", "epr", None, 1)
        other.cast("ben", "wifi", None, 2)
        other.cast("cat", "eobs", None, 1)
        desk.cast("ana", "wifi", None, 2)
        desk.cast("ana", "epr", None, 2)  # replaces ana's first vote
        other.cast("cat", "eobs", None, 2)
        with reading(other_db) as s:
            rows = s.exec(select(VoteRow.id)).all()
            log = [(a, d["participant"], d["initiative"]) for _, a, d in repo.audit_entries(s, session_id)
                   if a.startswith("vote")]
    finally:
        other_db.dispose()
    votes = {(v.participant, v.initiative): v.value for v in load(db, session_id).rounds[0].votes}
    assert votes == {("ana", "epr"): 2, ("ana", "wifi"): 2, ("ben", "wifi"): 2, ("cat", "eobs"): 2}
    assert len(rows) == len(set(rows)) == 4
    assert log == [("vote.cast", "ana", "epr"), ("vote.cast", "ben", "wifi"), ("vote.cast", "cat", "eobs"),
                   ("vote.cast", "ana", "wifi"), ("vote.cast", "ana", "epr"), ("vote.cast", "cat", "eobs")]
    # Undo on each desk still puts back exactly what its last vote replaced.
    assert desk.undo() == ("ana", "epr", None)
    assert {(v.participant, v.initiative): v.value for v in load(db, session_id).rounds[0].votes}[("ana", "epr")] == 1


def test_abstaining_is_recorded_and_blocks_votes_until_cleared(db, session_id):
    desk = desk_for(db, session_id)
    desk.abstain("dev")
    assert load(db, session_id).rounds[0].abstained == ("dev",)
    with pytest.raises(VotingError, match="abstaining"):
        desk.cast("dev", "epr", None, 1)
    assert desk.not_voted() == ["ana", "ben", "cat"]
    desk.abstain("dev", on=False)
    desk.cast("dev", "epr", None, 1)
    assert desk.not_voted() == ["ana", "ben", "cat"]
    with pytest.raises(VotingError, match="already voted"):
        desk.abstain("dev")


def test_a_closed_round_takes_no_votes_and_reveal_shows_results(db, session_id):
    key = voting.create_round(db, session_id, method="dots", hidden=True)
    voting.close_round(db, session_id, key)
    desk = voting.open_desk(db, session_id, key)
    with pytest.raises(VotingError, match="closed"):
        desk.cast("ana", "epr", None, 1)
    assert load(db, session_id).round(key).hidden
    voting.reveal_round(db, session_id, key)
    rnd = load(db, session_id).round(key)
    assert (rnd.status, rnd.hidden) == ("closed", False)
    voting.reopen_round(db, session_id, key)
    assert load(db, session_id).round(key).status == "open"


def test_a_secret_ballot_is_stored_whole_and_linked_to_nobody(db, session_id):
    key = voting.create_round(db, session_id, method="matrix", anonymous=True)
    entries = [m.Vote(initiative="epr", criterion="patient", value=8), m.Vote(initiative="epr", criterion="staff", value=4)]
    voting.submit_ballot(db, session_id, key, "cat", entries)
    rnd = load(db, session_id).round(key)
    assert rnd.voted == ("cat",)
    assert {v.participant for v in rnd.votes} == {None}
    assert len({v.ballot for v in rnd.votes}) == 1 and len(rnd.votes[0].ballot) == 12
    assert {v.channel for v in rnd.votes} == {"private"}
    with reading(db) as s:
        log = repo.audit_entries(s, session_id)
    assert all("cat" not in str(detail) for _, action, detail in log if action.startswith(("ballot", "vote")))
    assert voting.not_voted(db, session_id, key) == ["ana", "ben", "dev"]


def test_a_second_ballot_from_the_same_person_is_refused(db, session_id):
    key = voting.create_round(db, session_id, method="dots", anonymous=True)
    voting.submit_ballot(db, session_id, key, "ana", [m.Vote(initiative="epr", value=1)])
    with pytest.raises(VotingError, match="already voted"):
        voting.submit_ballot(db, session_id, key, "ana", [m.Vote(initiative="wifi", value=1)])
    assert len(load(db, session_id).round(key).votes) == 1


def test_an_invalid_ballot_is_refused_whole(db, session_id):
    key = voting.create_round(db, session_id, method="dots", anonymous=True)  # budget 2
    bad = [m.Vote(initiative="epr", value=2), m.Vote(initiative="wifi", value=1)]
    with pytest.raises(VotingError, match="dots placed but only 2 allowed"):
        voting.submit_ballot(db, session_id, key, "ana", bad)
    rnd = load(db, session_id).round(key)
    assert rnd.votes == () and rnd.voted == ()


def test_a_named_private_ballot_keeps_the_name_and_the_private_channel(db, session_id):
    key = voting.create_round(db, session_id, method="moscow")
    voting.submit_ballot(db, session_id, key, "ben", [m.Vote(initiative="epr", value="s")])
    rnd = load(db, session_id).round(key)
    assert [(v.participant, v.value, v.channel) for v in rnd.votes] == [("ben", "should", "private")]
    assert rnd.voted == ()  # named rounds: the votes say who voted
    with pytest.raises(VotingError, match="Nothing was entered"):
        voting.submit_ballot(db, session_id, key, "ana", [])


def test_facilitator_entry_is_refused_in_a_secret_ballot_round(db, session_id):
    desk = desk_for(db, session_id, anonymous=True)
    with pytest.raises(VotingError, match="secret ballot"):
        desk.cast("ana", "epr", None, 1)


def test_a_round_with_votes_exports_to_a_valid_session_file(db, session_id):
    from workshop_tui.sessionfile.validate import parse_session_bytes

    desk = desk_for(db, session_id)
    desk.cast("ana", "epr", None, 1)
    desk.abstain("dev")
    secret = voting.create_round(db, session_id, method="ranking", anonymous=True)
    voting.submit_ballot(db, session_id, secret, "ben", [m.Vote(ranking=("epr", "wifi"))])
    parsed = parse_session_bytes(sessions.export_json(db, session_id).encode(), "x.json")
    assert len(parsed.rounds) == 2
