"""Helpers for the pilot tests of stages 7-10: a session, opened at a stage."""

from __future__ import annotations

from fractions import Fraction

from workshop_tui.domain import model as m


def four_people_workshop() -> m.Workshop:
    """Four people, six initiatives, two scored criteria: small enough to read on screen."""
    return m.Workshop(
        session=m.SessionInfo(title="Ward digital basics", organisation="Northfield", bandwidth=2, stage="voting"),
        participants=tuple(m.Participant(key=k, name=n, role=r) for k, n, r in (
            ("ana", "Ana Silva", "clinical"), ("ben", "Ben Okoro", "operational"),
            ("cat", "Cat [b]Jones[/b]", "technology"), ("dev", "Dev Patel", "finance"))),
        initiatives=tuple(m.Initiative(key=k, title=t, effort=Fraction(e)) for k, t, e in (
            ("epr", "EPR optimisation", 3), ("eobs", "e-Observations", 2), ("wifi", "Wi-Fi refresh", 2),
            ("voice", "Voice recognition", 1), ("portal", "Patient portal", 4), ("rpa", "Back-office RPA", 1))),
        criteria=(
            m.Criterion(key="patient", name="Patient benefit", weight=Fraction(50), max=Fraction(10)),
            m.Criterion(key="staff", name="Staff benefit", weight=Fraction(50), max=Fraction(5)),
        ),
    )


def small_session(db) -> int:
    from workshop_tui.services import sessions

    return sessions.import_workshop(db, four_people_workshop())


def nhs_session(db) -> int:
    from workshop_tui.services import sessions

    loaded = sessions.load_samples(db)
    return next(item.session_id for item in loaded if item.title.startswith("Decide where to start"))


async def open_stage(app, pilot, session_id: int, stage: str):
    from workshop_tui.tui.screens.session import SessionScreen

    from settle import arrived, settle

    await settle(pilot)
    await app.push_screen(SessionScreen(session_id, stage=stage))
    await arrived(pilot, stage)
    return app.screen


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
