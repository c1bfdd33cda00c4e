"""Candidate initiatives from a spreadsheet saved as CSV: facilitators often
arrive with one. Pure: headers are matched to fields by common names, every
row is checked, and each problem names its line, so nothing half-imports.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

from workshop_tui.domain.model import DECIDED, DECIDED_LABELS, KINDS, PORTFOLIOS, Initiative

MAX_ROWS = 2000

# field -> header names people use for it (compared without case, spaces or punctuation)
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "key": ("key", "id", "ref", "reference"),
    "title": ("title", "initiative", "name", "project", "proposal", "scheme"),
    "description": ("description", "summary", "details", "notes"),
    "owner": ("owner", "lead", "sro", "responsible"),
    "service_area": ("servicearea", "area", "service", "directorate", "division", "department"),
    "portfolio": ("portfolio", "category", "maintainimprovetransform"),
    "kind": ("kind", "type", "coreexperiment", "coreorexperiment"),
    "effort": ("effort", "size", "effort15"),
    "cost": ("cost", "cost£", "estimatedcost", "price"),
    "decided": ("decided", "decidedalready", "decisionalreadymade", "alreadydecided"),
    "depends_on": ("dependson", "prerequisites", "prerequisite", "dependencies", "depends"),
}
FIELD_LABELS = {
    "key": "key", "title": "title", "description": "description", "owner": "owner",
    "service_area": "service area", "portfolio": "portfolio", "kind": "core/experiment", "effort": "effort",
    "cost": "cost", "decided": "decided already", "depends_on": "prerequisites",
}
_DECIDED_WORDS = {re.sub(r"[^a-z]", "", label.lower()): key for key, label in DECIDED_LABELS.items()}
_DECIDED_WORDS.update({re.sub(r"[^a-z]", "", key): key for key in DECIDED})
_NOT_DECIDED = {"", "no", "none", "n", "false", "notdecided", "-"}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9£]", "", text.lower())


@dataclass(frozen=True)
class CsvRow:
    line: int  # as the spreadsheet numbers it (the header is line 1)
    initiative: Initiative | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class CsvImport:
    mapping: tuple[tuple[str, str | None], ...]  # (column header, field or None when ignored)
    rows: tuple[CsvRow, ...] = ()
    problems: tuple[str, ...] = ()  # about the file as a whole

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.problems and all(not r.problems for r in self.rows)

    @property
    def initiatives(self) -> list[Initiative]:
        return [r.initiative for r in self.rows if r.initiative is not None]

    def all_problems(self) -> list[str]:
        return list(self.problems) + [f"line {r.line}: {p}" for r in self.rows for p in r.problems]


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252 as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def map_headers(headers: list[str]) -> list[tuple[str, str | None]]:
    taken: set[str] = set()
    out = []
    for header in headers:
        found = None
        for name, aliases in HEADER_NAMES.items():
            if name not in taken and _norm(header) in aliases:
                found = name
                taken.add(name)
                break
        out.append((header, found))
    return out


def _number(text: str, label: str, problems: list[str]) -> Fraction | None:
    cleaned = text.strip().replace(",", "").replace("£", "").replace("$", "")
    if not cleaned:
        return None
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        problems.append(f"{label} {text.strip()!r} is not a number")
        return None
    if value < 0:
        problems.append(f"{label} cannot be negative")
        return None
    return value


def _choice(text: str, choices: tuple[str, ...], label: str, problems: list[str]) -> str | None:
    word = text.strip().lower()
    if not word:
        return None
    if word in choices:
        return word
    problems.append(f"{label} {text.strip()!r} is not one of {', '.join(choices)}")
    return None


def parse_initiatives_csv(data: bytes | str, existing: Mapping[str, str] | None = None) -> CsvImport:
    """Read a CSV of initiatives. ``existing`` maps titles and keys of initiatives
    already in the session to their keys, so a row may depend on them."""
    text = data if isinstance(data, str) else decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not table:
        return CsvImport((), (), ("The file is empty.",))
    mapping = map_headers(table[0])
    fields = [f for _, f in mapping]
    if "title" not in fields:
        return CsvImport(tuple(mapping), (), ("No column for the title: name one Title, Initiative or Project.",))
    if len(table) - 1 > MAX_ROWS:
        return CsvImport(tuple(mapping), (), (f"More than {MAX_ROWS} rows: split the file.",))

    raw_rows = []
    for n, cells in enumerate(table[1:], start=2):
        values = {f: (cells[i].strip() if i < len(cells) else "") for i, f in enumerate(fields) if f}
        raw_rows.append((n, values))
    # A prerequisite may be named by the key or the title of another row or of an existing initiative.
    names: dict[str, str] = {k.lower(): v for k, v in (existing or {}).items()}
    seen_keys: dict[str, int] = {}
    for n, values in raw_rows:
        own = values.get("key") or values.get("title", "")
        if own:
            names[own.lower()] = own
            names[values.get("title", "").lower() or own.lower()] = own

    rows = []
    for n, values in raw_rows:
        problems: list[str] = []
        title = values.get("title", "")
        if not title:
            problems.append("the title is empty")
        key = values.get("key") or title
        if key:
            if key.lower() in seen_keys:
                problems.append(f"{key!r} repeats line {seen_keys[key.lower()]}")
            seen_keys.setdefault(key.lower(), n)
        portfolio = _choice(values.get("portfolio", ""), PORTFOLIOS, "portfolio", problems)
        kind = _choice(values.get("kind", ""), KINDS, "core/experiment", problems)
        decided_text = values.get("decided", "")
        decided = None
        if _norm(decided_text) not in _NOT_DECIDED:
            decided = _DECIDED_WORDS.get(re.sub(r"[^a-z]", "", decided_text.lower()))
            if decided is None:
                problems.append(f"decided already {decided_text!r} is not one of "
                                f"{', '.join(DECIDED_LABELS.values())} (or blank)")
        depends = []
        for name in re.split(r"[;|\n]", values.get("depends_on", "")):
            name = name.strip()
            if not name:
                continue
            target = names.get(name.lower())
            if target is None:
                problems.append(f"prerequisite {name!r} is not a row in this file or an initiative already here")
            elif target == key:
                problems.append("an initiative cannot be its own prerequisite")
            else:
                depends.append(target)
        effort = _number(values.get("effort", ""), "effort", problems)
        cost = _number(values.get("cost", ""), "cost", problems)
        item = None
        if not problems:
            item = Initiative(key=key, title=title, description=values.get("description", ""),
                              owner=values.get("owner", ""), service_area=values.get("service_area", ""),
                              portfolio=portfolio, kind=kind, effort=effort, cost=cost, decided=decided,
                              depends_on=tuple(dict.fromkeys(depends)))
        rows.append(CsvRow(n, item, tuple(problems)))
    return CsvImport(tuple(mapping), tuple(rows))
