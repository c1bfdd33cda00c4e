"""A small workshop stored in a real SQLite file, for service tests."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workshop_tui.domain import model as m


def small_workshop() -> m.Workshop:
    return m.Workshop(
        session=m.SessionInfo(title="Ward digital basics", organisation="Northfield", bandwidth=2),
        participants=tuple(m.Participant(key=k, name=n, role=r) for k, n, r in (
            ("ana", "Ana Silva", "clinical"), ("ben", "Ben Okoro", "operational"),
            ("cat", "Cat [bold]Jones[/bold]", "technology"), ("dev", "Dev Patel", "finance"))),
        initiatives=tuple(m.Initiative(key=k, title=t, effort=Fraction(e)) for k, t, e in (
            ("epr", "EPR optimisation", 3), ("eobs", "e-Observations", 2), ("wifi", "Wi-Fi refresh", 2),
            ("voice", "Voice recognition", 1), ("portal", "Patient portal", 4), ("rpa", "Back-office RPA", 1))),
        criteria=(
            m.Criterion(key="patient", name="Patient benefit", weight=Fraction(50), min=Fraction(0), max=Fraction(10)),
            m.Criterion(key="staff", name="Staff benefit", weight=Fraction(50), min=Fraction(0), max=Fraction(5)),
            m.Criterion(key="ig", name="No IG show-stopper", kind="gate"),
        ),
    )


@pytest.fixture
def session_id(db) -> int:
    from workshop_tui.services import sessions

    return sessions.import_workshop(db, small_workshop())
