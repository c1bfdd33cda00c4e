"""Helpers shared by the robustness tests (importable: the folder is on sys.path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"
FIGURES: dict[str, object] = {}


def minimal_session(*, title: str = "Robustness") -> dict:
    """A small valid session: 3 participants, 3 initiatives, a named and a secret dots round."""
    return {
        "format": "workshop-tui/session", "version": 1,
        "session": {"title": title, "organisation": "Test trust", "date": "2026-11-21"},
        "participants": [{"key": f"p{n}", "name": f"Person {n}", "role": "clinical"} for n in (1, 2, 3)],
        "initiatives": [{"key": k, "title": f"Initiative {k}"} for k in ("a", "b", "c")],
        "criteria": [{"key": "benefit", "name": "Benefit", "kind": "score", "weight": 1, "min": 0, "max": 10}],
        "rounds": [
            {"key": "named", "method": "dots", "settings": {"budget": 1000000 // 1000, "max_per_initiative": 1000},
             "votes": []},
            {"key": "secret", "method": "dots", "anonymous": True,
             "settings": {"budget": 1000, "max_per_initiative": 1000}, "votes": []},
        ],
    }


def session_bytes(**kw) -> bytes:
    return json.dumps(minimal_session(**kw)).encode()


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(HERE.parents[1] / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_worker(*args: object, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env(), **kw,
    )


def record(name: str, value: object) -> None:
    FIGURES[name] = value
