"""export_many: several formats from one load, each byte for byte what export writes alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop_tui.services import exports, sessions

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"


def _files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


def test_every_format_matches_a_single_export(db, tmp_path):
    # The nhs sample: rounds of several methods, a plan with bottlenecks, sites.
    session_id = sessions.import_file(db, SAMPLES / "nhs-trust-where-to-start.json")
    written = exports.export_many(db, session_id, exports.formats(), tmp_path / "all", stem="pack")
    assert [p.name for p in written] == [f"pack.{fmt}" for fmt in exports.formats()]
    for fmt, path in zip(exports.formats(), written):
        alone = exports.export(db, session_id, fmt, tmp_path / "alone" / f"pack.{fmt}")
        assert _files(path) == _files(alone), fmt


def test_names_files_after_the_title_and_writes_each_format_once(db, session_id, tmp_path):
    written = exports.export_many(db, session_id, ["md", "csv", "md"], tmp_path / "out")
    assert [p.name for p in written] == ["ward-digital-basics.md", "ward-digital-basics.csv"]
    assert written[0].is_file() and written[1].is_dir()  # csv: a folder of tables


def test_an_unknown_format_writes_nothing(db, session_id, tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        exports.export_many(db, session_id, ["md", "pdf"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmts", [["json", "md"], ["xlsx"], ["csv"], ["md", "html", "xlsx", "csv", "json"]])
def test_a_full_disk_stops_the_export_plainly_leaves_no_half_file_and_the_collector_back_on(db, tmp_path, fmts):
    # A full disk, simulated as in tests/robustness: writes past RLIMIT_FSIZE fail with EFBIG
    # (SIGXFSZ ignored), as ENOSPC would. The writers render in memory and write atomically,
    # and pause the cyclic collector while they run: it must be on again after the failure.
    import gc
    import resource
    import signal

    session_id = sessions.import_file(db, SAMPLES / "nhs-trust-where-to-start.json")
    folder = tmp_path / "out"
    folder.mkdir()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (12 * 1024, hard))
    try:
        with pytest.raises(OSError, match="too large"):
            exports.export_many(db, session_id, fmts, folder, stem="pack")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert gc.isenabled()
    left = [p for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in left if p.name.startswith(".")], left  # no temporary file left behind
    for path in folder.glob("pack.*"):  # a file written before the disk filled is whole
        if path.is_file():
            fmt = path.suffix.lstrip(".")
            assert path.read_bytes() == exports.export(db, session_id, fmt, tmp_path / "alone" / path.name).read_bytes()
