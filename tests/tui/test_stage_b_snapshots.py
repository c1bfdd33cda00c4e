"""How stages 7-10 look: empty, populated (the NHS sample), and at 80x24."""

from __future__ import annotations

import pytest

from settle import settle, steady_cursors
from stage_b_support import nhs_session, open_stage, small_session
from workshop_tui.tui.app import WorkshopApp

STAGES = ("voting", "results", "choices", "actions")


def snapshot_app(db, session_id: int, stage: str):
    app = WorkshopApp(db=db, load_samples_when_empty=False)

    async def before(pilot):
        await open_stage(app, pilot, session_id, stage)
        steady_cursors(app)
        await settle(pilot)

    return app, before


@pytest.mark.parametrize("stage", STAGES)
def test_stage_with_nothing_voted_yet(snap_compare, db, stage):
    app, before = snapshot_app(db, small_session(db), stage)
    assert snap_compare(app, terminal_size=(120, 40), run_before=before)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_populated_from_the_nhs_sample(snap_compare, db, stage):
    app, before = snapshot_app(db, nhs_session(db), stage)
    assert snap_compare(app, terminal_size=(120, 40), run_before=before)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_populated_at_80x24(snap_compare, db, stage):
    app, before = snapshot_app(db, nhs_session(db), stage)
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
