"""The round policy, through every channel (issues 10 item 2, 12 items 2-3, 13 item 2).

Each test is a "Why" bullet that failed on main: an open hidden round picked by default
by `results --json` and `plan --json`; the md board pack printing a hidden round's ranking;
a one-ballot secret round published as it is; the csv publishing secret ballots; revealing
a later round silently switching the plan.
"""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.domain import model as m
from workshop_tui.exporters import board_pack, csv_tables, html, markdown, xlsx
from workshop_tui.services import choices, sessions, voting

NHS = "Decide where to start: digital exemplars 2027-29"


def run(db_path, *args):
    return CliRunner().invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def nhs_db(db_path):
    """The NHS sample plus an open hidden dots round (r5) where 3 of 12 have voted,
    the situation measured on main."""
    run(db_path, "demo")
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{db_path}")
    sid = next(s.id for s in sessions.list_sessions(db) if s.title == NHS)
    key = voting.create_round(db, sid, method="dots", title="Second look", hidden=True)
    w = sessions.load(db, sid)
    desk = voting.open_desk(db, sid, key, w)
    # 3 of 12 vote, all for the items the room ranked last: a leak would be obvious.
    low = [i.key for i in w.initiatives][-3:]
    for p in w.participants[:3]:
        desk.cast(p.key, low[0], None, 2)
        desk.cast(p.key, low[1], None, 1)
    yield db, sid, key
    db.dispose()


def test_an_open_hidden_round_is_not_the_default_of_results_or_plan(nhs_db, db_path):
    _db, sid, key = nhs_db
    assert key == "r5"
    results = json.loads(run(db_path, "results", str(sid), "--json").output)
    plan = json.loads(run(db_path, "plan", str(sid), "--json").output)
    assert results["round"] == "r4" and plan["round"] == "r4"


@pytest.mark.parametrize("command", ["results", "plan"])
def test_a_hidden_round_asked_for_by_key_exits_2_and_says_how_to_reveal(nhs_db, db_path, command):
    _db, sid, _key = nhs_db
    out = CliRunner().invoke(main, ["--db", str(db_path), command, str(sid), "--round", "r5", "--json"])
    assert out.exit_code == 2
    assert "hidden until the round is revealed" in out.output
    assert f"workshop-tui reveal {sid} r5" in out.output
    assert '"ranking"' not in out.output and '"will_do"' not in out.output


def _md_section(text: str, key: str) -> str:
    start = text.index(f"## Round {key}:")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_no_board_pack_or_table_shows_a_hidden_round(nhs_db, tmp_path):
    db, sid, key = nhs_db
    w = sessions.load(db, sid)
    view = next(r for r in board_pack.build(w).rounds if r.key == key)
    assert view.rows == () and "hidden until the round is revealed" in view.withheld
    md = markdown.render(w)
    section = _md_section(md, key)
    assert "|" not in section and "hidden until the round is revealed" in section
    page = html.write(w, tmp_path / "p.html").read_text()
    part = page[page.index(f'id="round-{key}"'):]
    part = part[:part.index("</section>")]
    assert "<table" not in part and "<svg" not in part
    folder = csv_tables.write(w, tmp_path / "csv")
    assert not (folder / f"votes_{key}.csv").exists() and not (folder / f"results_{key}.csv").exists()
    book = openpyxl.load_workbook(xlsx.write(w, tmp_path / "p.xlsx"))
    sheet = next(s for s in book.worksheets if s.title.startswith(key))
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(p.name in cells for p in w.participants)
    assert any("hidden until the round is revealed" in c for c in cells)
    # The session file is the data: still lossless.
    data = json.loads(sessions.export_json(db, sid))
    assert len(next(r for r in data["rounds"] if r["key"] == key)["votes"]) == 6


def test_reveal_in_the_cli_offers_the_switch_and_never_makes_it(nhs_db, db_path):
    db, sid, key = nhs_db
    before = json.loads(run(db_path, "plan", str(sid), "--json").output)
    out = run(db_path, "reveal", str(sid), key)
    assert out.exit_code == 0
    assert f"Revealed round {key}" in out.output
    assert "switch the plan to it?" in out.output and f"use-round {sid} {key}" in out.output
    after = json.loads(run(db_path, "plan", str(sid), "--json").output)
    assert after == before  # the plan kept its round (and its overrides' effect)
    assert sessions.load(db, sid).session.plan_round == "r4"
    assert json.loads(run(db_path, "results", str(sid), "--json").output)["round"] == key
    switched = run(db_path, "use-round", str(sid), key)
    assert switched.exit_code == 0
    assert json.loads(run(db_path, "plan", str(sid), "--json").output)["round"] == key


def test_the_switch_offer_says_what_would_change(nhs_db):
    db, sid, key = nhs_db
    voting.reveal_round(db, sid, key)
    w = sessions.load(db, sid)
    offer = choices.switch_offer(w, key)
    assert offer is not None and offer.current == "r4" and offer.offered == key
    now = {i.initiative for i in choices.plan(w).will_do}
    then = {i.initiative for i in choices.plan(w, key).will_do}
    assert {mv.initiative for mv in offer.moves if "will do" in (mv.before, mv.after)} == now ^ then
    text = "\n".join(offer.describe())
    assert "Voice recognition" in text  # the override recorded on r4 is named, not silently carried


def test_a_pinned_plan_round_survives_and_may_not_be_a_hidden_round(nhs_db):
    db, sid, key = nhs_db
    with pytest.raises(choices.ChoiceError, match="hidden"):
        choices.set_plan_round(db, sid, key)
    choices.set_plan_round(db, sid, "r2")
    assert choices.plan(sessions.load(db, sid)).round == "r2"
    voting.reveal_round(db, sid, key)
    assert choices.plan(sessions.load(db, sid)).round == "r2"


# -- secret rounds: minimum group and aggregates only ---------------------------

@pytest.fixture
def one_ballot(db_path):
    run(db_path, "demo")
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{db_path}")
    sid = next(s.id for s in sessions.list_sessions(db) if s.title == NHS)
    w = sessions.load(db, sid)
    key = voting.create_round(db, sid, method="dots", title="Quiet vote", anonymous=True, hidden=False)
    items = [i.key for i in w.initiatives]
    voting.submit_ballot(db, sid, key, "p07" if any(p.key == "p07" for p in w.participants) else w.participants[6].key,
                         [m.Vote(initiative=items[-1], value=3), m.Vote(initiative=items[-2], value=1)])
    voting.close_round(db, sid, key)
    yield db, sid, key
    db.dispose()


def test_a_one_ballot_secret_round_shows_neither_its_dots_nor_who_voted(one_ballot, db_path, tmp_path):
    db, sid, key = one_ballot
    w = sessions.load(db, sid)
    rnd = w.round(key)
    voter = next(p.name for p in w.participants if p.key == rnd.voted[0])
    out = CliRunner().invoke(main, ["--db", str(db_path), "results", str(sid), "--round", key])
    assert out.exit_code == 2 and "fewer than its minimum group of 3" in out.output
    with pytest.raises(choices.ChoiceError, match="minimum group"):
        choices.result(w, key)
    md = markdown.render(w)
    section = _md_section(md, key)
    assert "|" not in section and voter not in section and "minimum group of 3" in section
    folder = csv_tables.write(w, tmp_path / "csv")
    assert not (folder / f"votes_{key}.csv").exists() and not (folder / f"results_{key}.csv").exists()
    import csv

    rows = list(csv.DictReader(io.StringIO((folder / "rounds.csv").read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["key"] == key)["voted"] == ""  # the voted count is withheld too
    book = openpyxl.load_workbook(xlsx.write(w, tmp_path / "p.xlsx"))
    sheet = next(s for s in book.worksheets if s.title.startswith(key))
    cells = [str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None]
    assert "3" not in cells and not any("people voted" in c for c in cells)
    # The file stays lossless: ballot and voted list are data.
    data = json.loads(sessions.export_json(db, sid))
    saved = next(r for r in data["rounds"] if r["key"] == key)
    assert saved["voted"] == list(rnd.voted) and len(saved["votes"]) == 2


def test_at_the_minimum_group_a_secret_round_publishes_totals_only(one_ballot, tmp_path):
    db, sid, key = one_ballot
    w = sessions.load(db, sid)
    items = [i.key for i in w.initiatives]
    for p in [p.key for p in w.participants if p.key not in w.round(key).voted][:2]:
        voting.reopen_round(db, sid, key)
        voting.submit_ballot(db, sid, key, p, [m.Vote(initiative=items[0], value=2)])
    w = sessions.load(db, sid)
    from workshop_tui.domain import rounds as round_policy

    pub = round_policy.publication(w.round(key))
    assert (pub.results, pub.ballots, pub.voted) == (True, False, True)
    assert choices.result(w, key).counted == 3
    folder = csv_tables.write(w, tmp_path / "csv")
    assert (folder / f"results_{key}.csv").exists() and not (folder / f"votes_{key}.csv").exists()
    ballots = {v.ballot for v in w.round(key).votes}
    with zipfile.ZipFile(io.BytesIO(csv_tables.write(w, tmp_path / "a.zip").read_bytes())) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert not any(b in text for b in ballots)


def test_the_minimum_group_is_a_round_setting_kept_in_the_session_file(db, session_id):
    key = voting.create_round(db, session_id, method="dots", anonymous=True, min_group=5)
    w = sessions.load(db, session_id)
    assert w.round(key).min_group == 5
    data = json.loads(sessions.export_json(db, session_id))
    assert next(r for r in data["rounds"] if r["key"] == key)["min_group"] == 5
    with pytest.raises(voting.VotingError, match="minimum group"):
        voting.create_round(db, session_id, method="dots", anonymous=True, min_group=1)


def test_a_session_file_refuses_a_minimum_group_of_one_and_a_pin_to_no_round():
    from workshop_tui.sessionfile.reader import SessionFileError
    from workshop_tui.sessionfile.validate import parse_session_bytes

    raw = {"format": "workshop-tui/session", "version": 1, "session": {"title": "x", "plan_round": "r9"},
           "initiatives": [{"key": "a", "title": "A"}],
           "rounds": [{"key": "r1", "method": "dots", "anonymous": True, "min_group": 1, "votes": []}]}
    with pytest.raises(SessionFileError) as caught:
        parse_session_bytes(json.dumps(raw).encode())
    paths = {p.path for p in caught.value.problems}
    assert {"rounds[0].min_group", "session.plan_round"} <= paths


def test_with_only_a_hidden_round_the_plan_says_why_there_is_none_yet(db, session_id):
    key = voting.create_round(db, session_id, method="dots", hidden=True)
    w = sessions.load(db, session_id)
    voting.open_desk(db, session_id, key, w).cast("ana", "epr", None, 1)
    with pytest.raises(choices.ChoiceError, match="hidden until the round is revealed"):
        choices.plan(sessions.load(db, session_id))
