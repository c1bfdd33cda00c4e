"""A database with the nhs sample loaded, and a CLI runner bound to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"


@pytest.fixture
def cli(db_path):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--db", str(db_path), *args])

    return run


@pytest.fixture
def nhs_id(cli) -> str:
    result = cli("import", str(SAMPLES / "nhs-trust-where-to-start.json"))
    assert result.exit_code == 0, result.output
    return result.output.strip()
