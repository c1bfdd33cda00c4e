"""How home and stages 1-5 look: empty, populated (a sample) and at 80x24.

Appearance only; behaviour is asserted in the other tests. Update with
`pytest --snapshot-update` after looking at the report.
"""

import pytest
from settle import arrived, settle, steady_cursors

from workshop_tui.domain.model import SessionInfo
from workshop_tui.services import sessions
from workshop_tui.tui.app import WorkshopApp

STAGES = ("setup", "participants", "initiatives", "criteria", "bandwidth")
LARGE, SMALL = (120, 40), (80, 24)


def opener(session_id, stage):
    async def run_before(pilot):
        await home_ready(pilot)
        pilot.app.screen.open_session(session_id, stage)
        await arrived(pilot, stage)
        steady_cursors(pilot.app)
        await settle(pilot)

    return run_before


async def home_ready(pilot):
    await settle(pilot, lambda: pilot.app.db is not None and getattr(pilot.app.screen, "ready", False),
                 "the home screen")


def test_home_empty(snap_compare, db):
    assert snap_compare(WorkshopApp(db=db, load_samples_when_empty=False), terminal_size=LARGE,
                        run_before=home_ready)


@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["large", "small"])
def test_home_with_samples(snap_compare, db, size):
    sessions.load_samples(db)
    assert snap_compare(WorkshopApp(db=db), terminal_size=size, run_before=home_ready)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_empty(snap_compare, db, stage):
    sid = sessions.create(db, SessionInfo(title="New session"))
    assert snap_compare(WorkshopApp(db=db), terminal_size=LARGE, run_before=opener(sid, stage))


@pytest.mark.parametrize("size", [LARGE, SMALL], ids=["large", "small"])
@pytest.mark.parametrize("stage", STAGES)
def test_stage_with_a_sample(snap_compare, db, sample_session, stage, size):
    assert snap_compare(WorkshopApp(db=db), terminal_size=size, run_before=opener(sample_session, stage))
