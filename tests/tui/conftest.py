"""Fixtures for the TUI: an app on a temp database, optionally with a sample loaded."""

from __future__ import annotations

import pytest

from workshop_tui.services import sessions


@pytest.fixture
def sample_session(db, sample_bytes):
    """The NHS trust "decide where to start" sample, imported; returns its id."""
    return sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "sample")


@pytest.fixture
def make_app(db):
    from workshop_tui.tui.app import WorkshopApp

    def make():
        return WorkshopApp(db=db, load_samples_when_empty=False)

    return make
