"""Preferences are remembered in a small file in the config folder; a bad file never stops the app."""

from __future__ import annotations

import os

from workshop_tui import preferences


def test_saved_preferences_are_read_back():
    assert preferences.load() == (preferences.Preferences(), None)  # no file yet: defaults, no message
    prefs, problem = preferences.update(high_contrast=True, export_folder="~/board")
    assert problem is None and preferences.load() == (prefs, None)
    assert prefs == preferences.Preferences(high_contrast=True, export_folder="~/board")


def test_the_config_folder_is_the_test_one():
    assert str(preferences.path()).startswith(os.environ["WORKSHOP_TUI_CONFIG_DIR"])


def test_a_corrupt_file_is_ignored_with_a_message():
    where = preferences.path()
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_bytes(b"{not json\xff")
    prefs, problem = preferences.load()
    assert prefs == preferences.Preferences()
    assert problem.startswith(f"Preferences in {where} could not be read") and "defaults" in problem


def test_odd_values_are_ignored_by_name_and_the_rest_kept():
    where = preferences.path()
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text('{"high_contrast": "yes", "export_folder": "/tmp/x"}', encoding="utf-8")
    prefs, problem = preferences.load()
    assert prefs == preferences.Preferences(high_contrast=False, export_folder="/tmp/x")
    assert "ignored high_contrast" in problem


def test_not_an_object_and_too_big_are_ignored():
    where = preferences.path()
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text("[1, 2]", encoding="utf-8")
    assert preferences.load()[0] == preferences.Preferences() and "not a JSON object" in preferences.load()[1]
    where.write_text(" " * (preferences.MAX_BYTES + 1), encoding="utf-8")
    assert "larger than" in preferences.load()[1]


def test_an_unwritable_folder_is_reported_not_raised(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("WORKSHOP_TUI_CONFIG_DIR", str(blocker / "sub"))
    _prefs, problem = preferences.update(high_contrast=True)
    assert problem.startswith("Preferences not remembered: cannot write")


def test_the_phones_address_and_port_are_remembered_and_odd_ones_ignored():
    prefs, problem = preferences.update(phones_address="192.168.137.1", phones_port=8000)
    assert problem is None and preferences.load() == (prefs, None)
    where = preferences.path()
    where.write_text('{"phones_address": "not an ip", "phones_port": 70000, "high_contrast": true}',
                     encoding="utf-8")
    prefs, problem = preferences.load()
    assert prefs == preferences.Preferences(high_contrast=True)
    assert "phones_address" in problem and "phones_port" in problem
    where.write_text('{"phones_port": true}', encoding="utf-8")  # a bool is not a port
    assert preferences.load()[0].phones_port is None
