"""One writer that cannot be fooled (issue 10, item 5; issue 11's undo phantom).

The desk's memory is a view: every write re-checks the round against the
database inside its transaction. Each test puts a second writer (the paper
import, a second app window, the participants stage) between the desk's
reading and its write, through the same service calls those channels use.
"""

from __future__ import annotations

import pytest

from workshop_tui.domain import results
from workshop_tui.services import editing, sessions, spreadsheets, voting
from workshop_tui.services.voting import VotingError
from workshop_tui.storage.engine import open_database


def dots_of(db, sid, key, person) -> int:
    return sum(v.value for v in sessions.load(db, sid).round(key).votes if v.participant == person)


@pytest.fixture
def dots_round(db, session_id) -> str:
    return voting.create_round(db, session_id, method="dots", settings={"budget": 4, "max_per_initiative": 3})


def test_paper_dots_imported_while_the_desk_is_open_count_against_the_budget(db, session_id, dots_round, tmp_path):
    desk = voting.open_desk(db, session_id, dots_round)  # the TUI has the round open
    paper = tmp_path / "paper.csv"
    paper.write_text("Participant,Initiative,Dots\nana,epr,3\n", encoding="utf-8")
    spreadsheets.import_votes(db, session_id, dots_round, paper)
    with pytest.raises(VotingError, match="6 dots placed but only 4 allowed"):  # the rule book's words, as in the count
        desk.cast("ana", "wifi", None, 3)  # the facilitator types 3 more
    assert dots_of(db, session_id, dots_round, "ana") == 3
    assert desk.remaining("ana") == 1 and desk.value("ana", "epr", None).value == 3  # the desk caught up
    desk.cast("ana", "wifi", None, 1)
    result = results.round_result(sessions.load(db, session_id), dots_round)
    assert result.counted == 1 and not result.rejected


def test_a_round_closed_in_another_window_takes_no_more_votes_from_this_one(db, db_url, session_id, dots_round):
    desk = voting.open_desk(db, session_id, dots_round)
    desk.cast("ana", "epr", None, 1)
    other = open_database(db_url)
    try:
        voting.reveal_round(other, session_id, dots_round)  # a second app instance closes and reveals it
    finally:
        other.dispose()
    with pytest.raises(VotingError, match="closed"):
        desk.cast("ben", "epr", None, 1)
    with pytest.raises(VotingError, match="closed"):
        desk.undo()
    rnd = sessions.load(db, session_id).round(dots_round)
    assert rnd.status == "closed" and [(v.participant, v.value) for v in rnd.votes] == [("ana", 1)]
    assert desk.round.status == "closed"


def test_a_ranking_and_a_private_ballot_into_a_round_closed_elsewhere_are_refused(db, session_id):
    key = voting.create_round(db, session_id, method="ranking")
    desk = voting.open_desk(db, session_id, key)
    voting.close_round(db, session_id, key)
    with pytest.raises(VotingError, match="closed"):
        desk.set_ranking("ana", ("epr", "wifi"))
    with pytest.raises(VotingError, match="closed"):
        desk.submit("ben", [voting.m.Vote(ranking=("epr",))])
    assert sessions.load(db, session_id).round(key).votes == ()


def test_a_participant_removed_by_another_writer_is_a_message_not_a_crash(db, session_id, dots_round):
    desk = voting.open_desk(db, session_id, dots_round)
    editing.delete_participant(db, session_id, "ben")  # the participants stage, another window
    with pytest.raises(VotingError, match="Ben Okoro is no longer a participant"):
        desk.cast("ben", "epr", None, 1)
    assert sessions.load(db, session_id).round(dots_round).votes == ()


def test_an_initiative_removed_by_another_writer_is_refused_with_a_message(db, session_id, dots_round):
    desk = voting.open_desk(db, session_id, dots_round)
    editing.delete_initiative(db, session_id, "wifi")
    with pytest.raises(VotingError, match="no longer an initiative"):
        desk.cast("ana", "wifi", None, 1)


def test_two_desks_on_one_round_never_exceed_a_budget(db, db_url, session_id, dots_round):
    mine = voting.open_desk(db, session_id, dots_round)
    other_db = open_database(db_url)
    try:
        theirs = voting.open_desk(other_db, session_id, dots_round)  # both read "4 dots left" for ana
        mine.cast("ana", "epr", None, 3)
        with pytest.raises(VotingError, match="5 dots placed but only 4 allowed"):
            theirs.cast("ana", "wifi", None, 2)
        theirs.cast("ana", "wifi", None, 1)
        with pytest.raises(VotingError):
            mine.cast("ana", "portal", None, 1)
    finally:
        other_db.dispose()
    assert dots_of(db, session_id, dots_round, "ana") == 4


def test_undoing_all_of_a_persons_votes_makes_them_not_voted_again_so_they_may_abstain(db, session_id, dots_round):
    desk = voting.open_desk(db, session_id, dots_round)
    desk.cast("ana", "epr", None, 1)
    desk.cast("ana", "wifi", None, 1)
    assert desk.status("ana") == "voted"
    desk.undo()
    assert desk.status("ana") == "voted"
    desk.undo()
    assert desk.status("ana") == "not yet" and "ana" in desk.not_voted()
    desk.abstain("ana")
    assert desk.status("ana") == "abstained"
    assert sessions.load(db, session_id).round(dots_round).abstained == ("ana",)


def test_undoing_a_ranking_makes_the_person_not_voted_again(db, session_id):
    desk = voting.open_desk(db, session_id, voting.create_round(db, session_id, method="ranking"))
    desk.set_ranking("ben", ("epr", "wifi"))
    assert desk.status("ben") == "voted"
    desk.undo()
    assert desk.status("ben") == "not yet"
    desk.abstain("ben")


def test_abstaining_is_refused_when_another_writer_stored_votes_for_the_person(db, session_id, dots_round, tmp_path):
    desk = voting.open_desk(db, session_id, dots_round)
    paper = tmp_path / "paper.csv"
    paper.write_text("Participant,Initiative,Dots\ncat,epr,1\n", encoding="utf-8")
    spreadsheets.import_votes(db, session_id, dots_round, paper)
    with pytest.raises(VotingError, match="already voted"):
        desk.abstain("cat")
    assert sessions.load(db, session_id).round(dots_round).abstained == ()
    assert desk.status("cat") == "voted"


def test_every_desk_write_is_audited_and_touches_the_session(db, session_id, dots_round):
    from workshop_tui.services.unit_of_work import reading
    from workshop_tui.storage import repository as repo

    def stamp():
        with reading(db) as s:
            return repo.get_session_row(s, session_id).updated_at

    desk = voting.open_desk(db, session_id, dots_round)
    before = stamp()
    desk.cast("ana", "epr", None, 1)
    assert stamp() > before
    with reading(db) as s:
        actions = [a for _, a, _ in repo.audit_entries(s, session_id)]
    assert actions[-1] == "vote.cast"
