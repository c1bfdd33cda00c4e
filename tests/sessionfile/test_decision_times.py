"""Decision times in the session file (format version 2): lossless, and version 1 files still import."""

from __future__ import annotations

import datetime as dt
import json

from workshop_tui.exporters import board_pack, html, markdown
from workshop_tui.services import sessions
from workshop_tui.sessionfile.validate import parse_session_bytes
from workshop_tui.sessionfile.writer import workshop_to_dict

NHS = "nhs-trust-where-to-start"


def test_the_sample_decision_time_survives_the_database_and_the_file(db, sample_bytes):
    session_id = sessions.import_bytes(db, sample_bytes(NHS), NHS)
    (decision,) = sessions.load(db, session_id).decisions
    assert decision.decided_at == dt.datetime(2026, 11, 19, 12, 41, tzinfo=dt.timezone.utc)
    exported = json.loads(sessions.export_json(db, session_id))
    assert exported["version"] == 2
    assert exported["decisions"][0]["decided_at"] == "2026-11-19T12:41:00Z"


def test_an_offset_is_kept_as_the_same_instant_in_utc(sample_bytes):
    data = json.loads(sample_bytes(NHS))
    data["decisions"][0]["decided_at"] = "2026-06-19T13:41:30+01:00"  # British Summer Time
    w = parse_session_bytes(json.dumps(data).encode(), "bst")
    assert w.decisions[0].decided_at == dt.datetime(2026, 6, 19, 12, 41, 30, tzinfo=dt.timezone.utc)
    assert workshop_to_dict(w)["decisions"][0]["decided_at"] == "2026-06-19T12:41:30Z"


def test_a_version_1_file_imports_and_its_decisions_say_the_time_was_not_recorded(db, sample_bytes):
    data = json.loads(sample_bytes(NHS))
    data["version"] = 1
    del data["decisions"][0]["decided_at"]
    session_id = sessions.import_bytes(db, json.dumps(data).encode(), "old")
    w = sessions.load(db, session_id)
    assert w.decisions[0].decided_at is None
    pack = board_pack.build(w)
    assert pack.overrides[0].when == "before this version (time not recorded)"
    assert "recorded before this version (time not recorded)" in markdown.render(w)
    assert "before this version (time not recorded)" in html.render(w)
    # Exported again, it is a version 2 file without a made-up time.
    exported = json.loads(sessions.export_json(db, session_id))
    assert exported["version"] == 2 and "decided_at" not in exported["decisions"][0]


def test_the_decision_log_says_when_in_every_format(sample_bytes, tmp_path):
    import openpyxl

    from workshop_tui.exporters import xlsx

    w = parse_session_bytes(sample_bytes(NHS), NHS)
    assert "recorded 2026-11-19 12:41 UTC" in markdown.render(w)
    assert "2026-11-19<br>12:41 UTC" in html.render(w)  # date and time on two short lines
    book = openpyxl.load_workbook(xlsx.write(w, tmp_path / "b.xlsx"))
    rows = list(book["Decision log"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Initiative", "Decision", "Recorded (UTC)")
    assert rows[1][0] == "Voice recognition and digital dictation"
    assert rows[1][2] == dt.datetime(2026, 11, 19, 12, 41)
    assert book["Decision log"].cell(2, 3).number_format == "yyyy-mm-dd hh:mm"
