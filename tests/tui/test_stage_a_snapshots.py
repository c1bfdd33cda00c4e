"""How home and stages 1-5 look: empty, populated (a sample) and at 80x24.

Appearance only; behaviour is asserted in the other tests. Update with
`pytest --snapshot-update` after looking at the report.
"""

import pytest

from workshop_tui.domain.model import SessionInfo
from workshop_tui.services import sessions
from workshop_tui.tui.app import WorkshopApp

STAGES = ("setup", "participants", "initiatives", "criteria", "bandwidth")
LARGE, SMALL = (120, 40), (80, 24)


def opener(session_id, stage):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.screen.open_session(session_id, stage)
        await pilot.pause()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()

    return run_before


def test_home_empty(snap_compare, db):
    assert snap_compare(WorkshopApp(db=db, load_samples_when_empty=False), terminal_size=LARGE)


@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["large", "small"])
def test_home_with_samples(snap_compare, db, size):
    sessions.load_samples(db)
    assert snap_compare(WorkshopApp(db=db), terminal_size=size)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_empty(snap_compare, db, stage):
    sid = sessions.create(db, SessionInfo(title="New session"))
    assert snap_compare(WorkshopApp(db=db), terminal_size=LARGE, run_before=opener(sid, stage))


@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["large", "small"])
@pytest.mark.parametrize("stage", STAGES)
def test_stage_with_a_sample(snap_compare, db, sample_session, stage, size):
    assert snap_compare(WorkshopApp(db=db), terminal_size=size, run_before=opener(sample_session, stage))
