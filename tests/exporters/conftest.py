"""Fixtures for the exporter tests: sample workshops and a hostile one."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from workshop_tui.sessionfile.validate import parse_session_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
HOSTILE_TITLES = ("<script>alert(1)</script>", "[bold]x[/]", '=HYPERLINK("http://evil.example","click")')


def load_sample(name: str):
    return parse_session_bytes((SAMPLES / f"{name}.json").read_bytes(), name)


@pytest.fixture
def nhs():
    return load_sample("nhs-trust-where-to-start")


@pytest.fixture
def partnership():
    return load_sample("global-health-partnership")


@pytest.fixture
def hostile(nhs):
    """The nhs sample with markup, HTML and a formula in titles and a participant's name."""
    items = list(nhs.initiatives)
    for n, title in enumerate(HOSTILE_TITLES):
        items[n] = dataclasses.replace(items[n], title=title, owner="@owner -1")
    people = list(nhs.participants)
    people[0] = dataclasses.replace(people[0], name="<b>Dr Evil</b> =1+1")
    session = dataclasses.replace(nhs.session, title="<img src=x onerror=alert(1)> [red]board[/]")
    return dataclasses.replace(nhs, initiatives=tuple(items), participants=tuple(people), session=session)


def check_golden(name: str, data: bytes) -> None:
    """Compare with tests/exporters/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert data == path.read_bytes(), f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"


@pytest.fixture
def golden():
    return check_golden


def anonymous_names(workshop):
    """Names of the people who voted in the workshop's anonymous rounds."""
    names = {p.key: p.name for p in workshop.participants}
    return {names[k] for r in workshop.rounds if r.anonymous for k in r.voted}


