"""workshop_tui/heap.py: the collector is paused while a session's votes are built and
left exactly as it was found, on success and on error; the CLI and the TUI move what
lives for the whole process out of the collector's sight once the database is open."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from workshop_tui.heap import collector_paused
from workshop_tui.storage import bulk_votes


@pytest.fixture(autouse=True)
def _collector_back_on():
    yield
    gc.enable()


@pytest.mark.parametrize("on", [True, False])
def test_paused_and_left_as_found(on):
    (gc.enable if on else gc.disable)()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is on


def test_left_as_found_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a bad row")
    assert gc.isenabled()


def _build(decode_value):
    rows = [(1, 2, 3, '"5"'), (1, 2, 4, '"6"')]
    return bulk_votes.build_votes([(rows, (None, None, "facilitator", None, ""))], decode_value=decode_value,
                                  decode_effort=lambda text: text, p_key={1: "p"}, i_key={2: "i"},
                                  c_key={3: "c", 4: "d"})


def test_votes_are_built_with_the_collector_paused():
    gc.enable()
    seen = []
    votes = _build(lambda text: seen.append(gc.isenabled()) or text)
    assert seen and not any(seen)  # every value decoded while the collector was paused
    assert [v.criterion for v in votes] == ["c", "d"]
    assert gc.isenabled()


def test_a_failing_build_turns_the_collector_back_on():
    gc.enable()

    def bad(text):
        raise ValueError(f"cannot read {text}")

    with pytest.raises(ValueError):
        _build(bad)
    assert gc.isenabled()


def test_cli_freezes_what_lives_for_the_command(tmp_path):
    # In a fresh interpreter: after the CLI opened the database, SQLAlchemy's objects are frozen.
    code = (
        "import gc, click\n"
        "from workshop_tui import cli\n"
        "before = gc.get_freeze_count()\n"
        f"ctx = click.Context(cli.main, obj=None)\n"
        f"ctx.params = {{'db_path': {str(tmp_path / 'w.db')!r}, 'database_url': None}}\n"
        "with ctx:\n"
        "    cli.open_db(ctx, None, None)\n"
        "    print(before, gc.get_freeze_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    before, after = map(int, out.stdout.split())
    assert before == 0 and after > 10_000  # the database layer (SQLAlchemy, the tables) is out of sight


def test_figures_are_worked_out_with_the_collector_paused():
    from workshop_tui.domain import model as m
    from workshop_tui.domain.memo import PictureMemo

    gc.enable()
    workshop = m.Workshop(session=m.SessionInfo(title="t"), rounds=(m.Round(key="r1", method="dots"),))
    seen = []
    PictureMemo(2).get(workshop, "r1", None, lambda: seen.append(gc.isenabled()))
    assert seen == [False] and gc.isenabled()
