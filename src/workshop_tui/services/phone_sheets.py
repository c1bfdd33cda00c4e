"""Printable sheets for phones: one-time slips and named codes, as plain text to print and cut.

The codes come from the phones server (services/phones.py makes them and stores only
their hashes): this is the one time they are written anywhere, so the file is the
facilitator's to print and then delete. Written atomically; an existing file is
never replaced (codes from an earlier print would be lost).
"""

from __future__ import annotations

from pathlib import Path

from workshop_tui.exporters.files import TargetError, TargetExists, check_target, write_text_atomically
from workshop_tui.textsafe import one_line

CUT = "-" * 60


class SheetError(Exception):
    """The sheet cannot be written there; the message says why."""


def default_path(title: str, kind: str) -> Path:
    from workshop_tui.services.exports import file_stem

    return Path.cwd() / f"{file_stem(title)}-phone-{'codes' if kind == 'named' else 'slips'}.txt"


def check_path(path: str | Path) -> Path:
    """Refuse a place before any codes are made for it (new named codes replace the old ones)."""
    target = Path(path).expanduser()
    try:
        check_target(target, overwrite=False)
    except TargetExists:
        raise SheetError(f"{target} already exists; choose another name (codes in it would be lost).") from None
    except TargetError as exc:
        raise SheetError(str(exc)) from None
    if not target.parent.is_dir():
        raise SheetError(f"{target.parent} is not a folder here; nothing was written.")
    return target


def _write(path: str | Path, text: str) -> Path:
    target = check_path(path)
    try:
        return write_text_atomically(target, text)
    except TargetExists:
        raise SheetError(f"{target} already exists; choose another name (codes in it would be lost).") from None
    except TargetError as exc:
        raise SheetError(str(exc)) from None


def slips_text(codes: list[str], *, title: str, url: str) -> str:
    blocks = []
    for code in codes:
        blocks.append("\n".join([
            CUT,
            f"  Vote from your phone: {one_line(title)}",
            f"  1. Join the room's Wi-Fi.  2. Open {url}",
            "     (or scan the code on the screen).",
            f"  3. Type this code: {code}   (one ballot a round; keep it)",
        ]))
    return "\n".join(blocks + [CUT]) + "\n"


def named_text(codes: dict[str, str], *, title: str, url: str) -> str:
    """``codes``: participant name -> personal code."""
    lines = [f"Personal codes for phones: {one_line(title)}", f"Open {url} and type your code.", ""]
    for name, code in sorted(codes.items(), key=lambda kv: kv[0].casefold()):
        lines += [CUT, f"  {one_line(name)}: {code}"]
    return "\n".join(lines + [CUT]) + "\n"


def write_slips(path: str | Path, codes: list[str], *, title: str, url: str) -> Path:
    return _write(path, slips_text(codes, title=title, url=url))


def write_named_codes(path: str | Path, codes: dict[str, str], *, title: str, url: str) -> Path:
    return _write(path, named_text(codes, title=title, url=url))
