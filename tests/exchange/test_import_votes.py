"""import-votes: paper ballots for named and secret rounds, all or nothing."""

from __future__ import annotations

from workshop_tui.domain import results
from workshop_tui.services import sessions
from workshop_tui.storage.engine import open_database


def _load(db_path, sid):
    db = open_database(f"sqlite:///{db_path}")
    try:
        return sessions.load(db, int(sid))
    finally:
        db.dispose()


def test_named_matrix_paper_ballot(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text("Participant,Initiative,Criterion,Score\n"
                    "Chloé Martin (Digital Programme Manager),eobs,consensus,4\n"
                    "p09,E-observations and NEWS2,six_months,4\n"
                    "p09,eobs,learn,3\n"
                    "p09,eobs,impact,5\n", encoding="utf-8")
    result = cli("import-votes", nhs_id, "--round", "r3", str(path))
    assert result.exit_code == 0, result.output
    r3 = _load(db_path, nhs_id).round("r3")
    mine = [v for v in r3.votes if v.participant == "p09"]
    assert len(mine) == 4 and {v.channel for v in mine} == {"paper"}


def test_bad_rows_name_row_and_column_and_nothing_lands(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text("Participant,Initiative,Criterion,Score\n"
                    "p09,eobs,consensus,9\n"
                    "nobody,eobs,learn,3\n"
                    "p09,nothing,impact,5\n"
                    "p09,eobs,colour,2\n"
                    "p09,wifi,learn,x\n", encoding="utf-8")
    before = len(_load(db_path, nhs_id).round("r3").votes)
    result = cli("import-votes", nhs_id, "--round", "r3", str(path))
    assert result.exit_code == 2
    for fragment in ("row 3, column 'Participant'", "row 4, column 'Initiative'", "row 5, column 'Criterion'",
                     "row 6, column 'Score'"):
        assert fragment in result.output
    assert len(_load(db_path, nhs_id).round("r3").votes) == before
    # Valid shape, invalid value: caught by the session-file rules, mapped back to the row.
    path.write_text("Participant,Initiative,Criterion,Score\np09,eobs,consensus,9\n", encoding="utf-8")
    result = cli("import-votes", nhs_id, "--round", "r3", str(path))
    assert result.exit_code == 2 and "row 2, column 'Score'" in result.output and "score 9 is above the scale's maximum 5" in result.output


def test_secret_ballot_cards(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("Card,Ranking\n1,eobs > wifi > clmed = vwards\n2,Wi-Fi and network refresh > eobs\n",
                    encoding="utf-8")
    result = cli("import-votes", nhs_id, "--round", "r4", str(path))
    assert result.exit_code == 0, result.output
    w = _load(db_path, nhs_id)
    paper = [v for v in w.round("r4").votes if v.channel == "paper"]
    assert sorted(v.ballot for v in paper) == ["paper-1", "paper-2"]
    assert all(v.participant is None for v in paper)
    assert results.round_result(w, "r4").counted == 13
    path.write_text("Participant,Ranking\np01,eobs\n", encoding="utf-8")
    result = cli("import-votes", nhs_id, "--round", "r4", str(path))
    assert result.exit_code == 2 and "secret ballot" in result.output
