"""`workshop-tui phones` run as a real process (issue 14): one JSON line when it listens,
a vote through it from 127.0.0.1, then SIGINT and exit status 0. No request is logged."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading

import httpx

from workshop_tui.services import sessions, voting
from workshop_tui.storage.engine import open_database
from tests.web.phones_helpers import workshop


def _first_line(proc: subprocess.Popen, timeout: float = 60) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert box, "the phones command printed nothing"
    return box[0]


def test_the_phones_command_serves_a_vote_and_stops_on_sigint(tmp_path):
    path = tmp_path / "w.db"
    db = open_database(f"sqlite:///{path}")
    sid = sessions.import_workshop(db, workshop())
    key = voting.create_round(db, sid, method="dots", settings={"budget": 4, "max_per_initiative": 3})
    db.dispose()
    cards = tmp_path / "codes.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "workshop_tui", "--db", str(path), "phones", str(sid), "--address", "127.0.0.1",
         "--port", "0", "--mode", "named", "--codes", str(cards)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _first_line(proc)
        shown = json.loads(line)
        assert set(shown) == {"url", "code", "port"}
        assert shown["url"] == f"http://127.0.0.1:{shown['port']}/j/{shown['code']}"
        code = dict(row.split(": ") for row in cards.read_text().splitlines())["Ben Okoro"]
        base = f"http://127.0.0.1:{shown['port']}"
        with httpx.Client(base_url=base, headers={"Origin": base}) as phone:
            assert phone.get(shown["url"].removeprefix(base)).status_code == 303
            page = phone.get("/ballot").text
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
            assert phone.post("/code", data={"csrf": token, "code": code}).status_code == 303
            r = phone.post("/ballot", data={"csrf": token, "round": key, "d:wifi": "2"})
            assert r.status_code == 303
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == ""  # the JSON line was the only output
    assert "GET /" not in err and "POST /" not in err and "127.0.0.1" not in err  # no access log
    db = open_database(f"sqlite:///{path}")
    try:
        votes = sessions.load(db, sid).round(key).votes
        assert [(v.participant, v.initiative, v.value, v.channel) for v in votes] == [("ben", "wifi", 2, "phone")]
    finally:
        db.dispose()


def test_slips_mode_needs_its_file_and_a_busy_port_fails_cleanly(tmp_path):
    from click.testing import CliRunner

    from workshop_tui.cli import main

    path = tmp_path / "w.db"
    db = open_database(f"sqlite:///{path}")
    sid = sessions.import_workshop(db, workshop())
    db.dispose()
    result = CliRunner().invoke(main, ["--db", str(path), "phones", str(sid), "--address", "127.0.0.1",
                                       "--mode", "slips"])
    assert result.exit_code != 0 and "--slips FILE" in result.output
    result = CliRunner().invoke(main, ["--db", str(path), "phones", str(sid), "--address", "127.0.0.1",
                                       "--mode", "named"])
    assert result.exit_code != 0 and "--codes FILE" in result.output
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        slips = tmp_path / "slips.html"
        result = CliRunner().invoke(main, ["--db", str(path), "phones", str(sid), "--address", "127.0.0.1",
                                           "--port", str(port), "--mode", "slips", "--slips", str(slips)])
    assert result.exit_code == 1 and f"Cannot listen on 127.0.0.1:{port}" in result.output
    assert slips.read_text().count('class="code"') == 4  # one slip per participant, printable
