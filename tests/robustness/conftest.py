"""The figures the robustness tests report at the end of the run."""

from __future__ import annotations

import pytest

from robustness_helpers import FIGURES, record


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("robustness figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture
def figures():
    return record
