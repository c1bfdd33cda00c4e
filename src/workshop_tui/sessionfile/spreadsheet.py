"""Spreadsheets in: initiatives and paper votes from CSV or XLSX, checked whole.

Pure (no UI, no SQL), so the TUI can show the same preview and errors as the
CLI. Every problem is collected with its row number (as the spreadsheet
shows it, header = row 1) and column name. Checks reuse the session-file
validator: the rows are added to the workshop and the whole is validated,
so a spreadsheet can never hold what a session file could not.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from workshop_tui.domain import model as m
from workshop_tui.domain import rules
from workshop_tui.sessionfile.reader import MAX_FILE_BYTES, SessionFileError
from workshop_tui.sessionfile.validate import FRACTION_RE, KEY_RE, build_workshop, decimal_problem
from workshop_tui.sessionfile.writer import workshop_to_dict

MAX_ROWS = 5000

# Column headers people use, normalised (lower case, single spaces) -> field.
INITIATIVE_HEADERS = {
    "key": ("key", "id", "ref", "reference"),
    "title": ("title", "initiative", "project", "name", "initiative name", "project name", "initiative title"),
    "description": ("description", "details", "summary"),
    "owner": ("owner", "lead", "sro", "responsible"),
    "service_area": ("service area", "service", "area", "department", "directorate"),
    "portfolio": ("portfolio", "category", "portfolio category"),
    "kind": ("kind", "type", "core experiment", "core or experiment"),
    "effort": ("effort", "size", "effort size"),
    "cost": ("cost", "budget", "cost £", "cost gbp"),
    "decided": ("decided", "decision already made", "decision", "already decided"),
    "depends_on": ("depends on", "dependencies", "depends", "prerequisites", "prerequisite"),
}
VOTE_HEADERS = {
    "round": ("round", "round key"),  # optional; when present every row must name the --round
    "participant": ("participant", "person", "voter", "name"),
    "card": ("card", "card number", "ballot", "ballot number"),
    "initiative": ("initiative", "project", "title"),
    "criterion": ("criterion", "criteria", "gate"),
    "value": ("value", "score", "dots", "category", "moscow", "passes", "pass"),
    "effort": ("effort",),
    "ranking": ("ranking", "order", "rank order"),
    "note": ("note", "notes", "comment"),
}
DECIDED_WORDS = {**{k: k for k in m.DECIDED}, **{v.lower(): k for k, v in m.DECIDED_LABELS.items()},
                 "in flight": "in_flight", "funding committed": "committed", "mandate": "mandated"}
KIND_WORDS = {"core": "core", "experiment": "experiment", "experimental": "experiment"}
TRUE_WORDS = {"yes", "y", "true", "pass", "passes", "1"}
FALSE_WORDS = {"no", "n", "false", "fail", "fails", "0"}


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's header as written in the file ("" for the whole row)
    message: str

    def __str__(self) -> str:
        if not self.row:  # about the file or the session as a whole, not one row
            return self.message
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class SpreadsheetError(Exception):
    """Nothing can be imported; ``problems`` lists every reason found."""

    def __init__(self, source: str, problems: list[RowProblem], notes: tuple[str, ...] = ()):
        self.source = source
        self.problems = problems
        self.notes = notes
        super().__init__(self.render())

    def render(self, limit: int = 100) -> str:
        lines = [f"{self.source}: nothing imported, {len(self.problems)} problem(s) found:"]
        lines += [f"  {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class Sheet:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # cells: str, int, Fraction or None
    notes: tuple[str, ...] = ()  # e.g. the encoding that had to be guessed


def normalise_header(text: object) -> str:
    return " ".join(re.sub(r"[_\-/()?:.]+", " ", str(text or "")).lower().split())


# ------------------------------------------------------------------ reading


def read_csv(data: bytes, source: str = "<csv>") -> Sheet:
    """UTF-8 (with or without BOM) first; Windows-1252 as a reported fallback.

    UTF-16 is read when its BOM says so (Excel's "Unicode text"). The
    delimiter is whichever of comma, semicolon or tab the header uses most.
    """
    notes: list[str] = []
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        elif data.startswith(b"\xef\xbb\xbf"):
            # The BOM says UTF-8, so a bad byte is damage, not another encoding.
            text = data[3:].decode("utf-8")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
                notes.append("the file is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Windows). "
                             "Check accented names, or save as 'CSV UTF-8' to be sure")
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        reason = (f"not readable text: byte 0x{exc.object[exc.start]:02x} does not fit the encoding "
                  f"its BOM names ({exc.encoding})")
        raise SpreadsheetError(source, [RowProblem(line, "", reason)]) from None
    if not text.strip():
        raise SpreadsheetError(source, [RowProblem(1, "", "the file is empty")])
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[list[str]] = []
    # strict: an unclosed quote is an error, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows.extend(reader)
    except csv.Error as exc:
        if "end of data" in str(exc):
            reason = 'a quoted cell is never closed (a " is missing)'
        elif "expected after" in str(exc):
            reason = 'text follows a closing quote: a " inside a quoted cell must be written twice ("")'
        else:
            reason = f"cannot be read as CSV ({exc})"
        raise SpreadsheetError(source, [RowProblem(len(rows) + 1, "", reason)], tuple(notes)) from None
    return _sheet(rows, source, tuple(notes))


def read_xlsx(data: bytes, source: str = "<xlsx>") -> Sheet:
    """The first worksheet of a workbook (values, not formulas)."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of the package
        raise SpreadsheetError(source, [RowProblem(1, "", "reading .xlsx needs openpyxl")]) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(source, [RowProblem(1, "", f"not a readable .xlsx workbook ({exc.__class__.__name__})")]) from None
    try:
        ws = book.worksheets[0]
        rows = [[_xlsx_cell(c) for c in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    return _sheet(rows, source, ())


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))  # 2.5 typed in Excel is 2.5, not its binary neighbour
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def read_table(data: bytes, filename: str) -> Sheet:
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(filename, [RowProblem(1, "", f"the file is {len(data):,} bytes; "
                                                            f"the limit is {MAX_FILE_BYTES:,}")])
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, filename)
    return read_csv(data, filename)


def _sheet(rows: list[list[Any]], source: str, notes: tuple[str, ...]) -> Sheet:
    while rows and all(_blank(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(source, [RowProblem(1, "", "the file is empty")])
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError(source, [RowProblem(MAX_ROWS + 2, "", f"more than {MAX_ROWS} rows")])
    headers = tuple("" if h is None else str(h).strip() for h in rows[0])
    width = len(headers)
    # A value right of the last header would be dropped without a word: refuse it instead.
    spill = [RowProblem(n, f"column {c + 1}", "has a value but no header")
             for n, r in enumerate(rows[1:], start=2) for c in range(width, len(r)) if not _blank(r[c])]
    if spill:
        raise SpreadsheetError(source, spill, notes)
    body = tuple(tuple(list(r[:width]) + [None] * (width - len(r))) for r in rows[1:])
    if all(all(_blank(c) for c in r) for r in body):
        raise SpreadsheetError(source, [RowProblem(2, "", "there are no rows under the header")], notes)
    return Sheet(headers, body, notes)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def column_fields(headers: tuple[str, ...], known: dict[str, tuple[str, ...]]) -> tuple[str | None, ...]:
    """The field each column feeds, None for a blank, unknown or repeated header (shown by the TUI)."""
    lookup = {alias: field for field, aliases in known.items() for alias in aliases}
    seen: set[str] = set()
    out = []
    for header in headers:
        field = lookup.get(normalise_header(header)) if header else None
        out.append(field if field not in seen else None)
        seen.add(field)
    return tuple(out)


def map_headers(sheet: Sheet, known: dict[str, tuple[str, ...]], source: str) -> dict[str, int]:
    """field -> column index; an unknown or repeated column is an error, not ignored."""
    lookup = {alias: field for field, aliases in known.items() for alias in aliases}
    out: dict[str, int] = {}
    problems = []
    for n, (header, field) in enumerate(zip(sheet.headers, column_fields(sheet.headers, known))):
        if field is not None:
            out[field] = n
        elif not header:
            if any(not _blank(r[n]) for r in sheet.rows):
                problems.append(RowProblem(1, f"column {n + 1}", "has values but no header"))
        elif normalise_header(header) not in lookup:
            problems.append(RowProblem(1, header, "unknown column (expected: " + ", ".join(known) + ")"))
        else:
            problems.append(RowProblem(1, header, f"a second column for {lookup[normalise_header(header)]!r}"))
    if problems:
        raise SpreadsheetError(source, problems, sheet.notes)
    return out


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Fraction):
        return str(cell.numerator) if cell.denominator == 1 else str(Decimal(cell.numerator) / cell.denominator)
    return str(cell).strip()


def _number(cell: Any) -> Fraction:
    if isinstance(cell, (int, Fraction)) and not isinstance(cell, bool):
        return Fraction(cell)
    text = _text(cell).replace(",", "").replace("£", "").replace("$", "").replace("€", "").strip()
    if FRACTION_RE.match(text):  # 15/2, as the session file and the TUI's boxes accept
        return Fraction(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{_shorten(_text(cell))!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{_shorten(_text(cell))!r} is not a number")
    # Checked before Fraction(): 1e999999999 would take forever to expand.
    problem = decimal_problem(value)
    if problem:
        raise ValueError(f"{_shorten(_text(cell))!r} {problem}")
    return Fraction(value)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def key_from(title: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")  # é -> e
    base = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:40] or "initiative"
    if not base[0].isalnum():
        base = "i" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


# -------------------------------------------------------------- initiatives


@dataclass(frozen=True)
class InitiativeImport:
    added: tuple[m.Initiative, ...]
    updated: tuple[m.Initiative, ...]
    notes: tuple[str, ...]

    @property
    def initiatives(self) -> tuple[m.Initiative, ...]:
        return self.updated + self.added


def parse_initiatives(sheet: Sheet, workshop: m.Workshop, source: str = "<spreadsheet>") -> InitiativeImport:
    """Rows -> initiatives to add or update (matched by key), validated together with the session."""
    cols = map_headers(sheet, INITIATIVE_HEADERS, source)
    if "title" not in cols:
        raise SpreadsheetError(source, [RowProblem(1, "", "no title column (also accepted: Initiative, Project, Name)")],
                               sheet.notes)
    header = {field: sheet.headers[n] for field, n in cols.items()}
    problems: list[RowProblem] = []
    existing = {i.key: i for i in workshop.initiatives}
    by_title = {i.title.casefold(): i.key for i in workshop.initiatives}
    taken = set(existing)
    parsed: list[tuple[int, dict[str, Any], str]] = []  # (row number, fields, raw depends text)
    for n, row in enumerate(sheet.rows, start=2):
        if all(_blank(c) for c in row):
            continue

        def get(field: str) -> Any:
            return row[cols[field]] if field in cols else None

        title = _text(get("title"))
        if not title:
            problems.append(RowProblem(n, header["title"], "is empty: every initiative needs a title"))
            continue
        key = _text(get("key"))
        if key and not KEY_RE.match(key):
            problems.append(RowProblem(n, header["key"], f"{key!r} is not a valid key (letters, digits, '_', '-', '.')"))
            continue
        if not key:
            if title.casefold() in by_title:
                problems.append(RowProblem(n, header["title"], f"{title!r} is already initiative {by_title[title.casefold()]!r}; "
                                                               "add a key column to update it"))
                continue
            key = key_from(title, taken)
        fields: dict[str, Any] = {"key": key, "title": title}
        for field in ("description", "owner", "service_area"):
            fields[field] = _text(get(field))
        for field, words in (("portfolio", {p: p for p in m.PORTFOLIOS}), ("kind", KIND_WORDS),
                             ("decided", DECIDED_WORDS)):
            word = _text(get(field)).lower().replace("_", " ") if field != "portfolio" else _text(get(field)).lower()
            if not word or (field == "decided" and word in ("no", "none", "-")):
                fields[field] = None
            elif word in words or word.replace(" ", "_") in words:
                fields[field] = words.get(word) or words[word.replace(" ", "_")]
            else:
                choices = ", ".join(sorted(set(words.values())))
                problems.append(RowProblem(n, header[field], f"{_text(get(field))!r} is not one of {choices}"))
                fields[field] = None
        for field in ("effort", "cost"):
            if _blank(get(field)):
                fields[field] = None
                continue
            try:
                value = _number(get(field))
            except ValueError as exc:
                problems.append(RowProblem(n, header[field], str(exc)))
                continue
            if value < 0:
                problems.append(RowProblem(n, header[field], "must not be negative"))
                continue
            fields[field] = value
        parsed.append((n, fields, _text(get("depends_on"))))
    seen_keys: dict[str, int] = {}
    for n, fields, _ in parsed:
        if fields["key"] in seen_keys:
            problems.append(RowProblem(n, header.get("key", header["title"]),
                                       f"key {fields['key']!r} is also on row {seen_keys[fields['key']]}"))
        seen_keys.setdefault(fields["key"], n)
    # Prerequisites may name keys or titles of existing or imported initiatives.
    titles = {**by_title, **{f["title"].casefold(): f["key"] for _, f, _ in parsed}}
    keys = set(existing) | {f["key"] for _, f, _ in parsed}
    result: list[tuple[int, m.Initiative]] = []
    for n, fields, depends in parsed:
        deps: list[str] = []
        for part in (p.strip() for p in re.split(r"[;,|\n]", depends) if p.strip()):
            ref = part if part in keys else titles.get(part.casefold())
            if ref is None:
                problems.append(RowProblem(n, header["depends_on"], f"{part!r} is not an initiative key or title"))
            elif ref not in deps:
                deps.append(ref)
        old = existing.get(fields["key"])
        item = m.Initiative(**fields, depends_on=tuple(deps), demands=dict(old.demands) if old else {})
        result.append((n, item))
    if problems:
        raise SpreadsheetError(source, problems, sheet.notes)
    _validate_initiatives(workshop, result, header, source, sheet.notes)
    added = tuple(i for _, i in result if i.key not in existing)
    updated = tuple(i for _, i in result if i.key in existing)
    return InitiativeImport(added, updated, sheet.notes)


def _validate_initiatives(workshop: m.Workshop, rows: list[tuple[int, m.Initiative]], header: dict[str, str],
                          source: str, notes: tuple[str, ...]) -> None:
    """Run the session-file validator on the session as it would be after the import."""
    replaced = {i.key: i for _, i in rows}
    merged = [replaced.pop(i.key, i) for i in workshop.initiatives] + list(replaced.values())
    index_to_row = {}
    for n, item in rows:
        index_to_row[next(k for k, i in enumerate(merged) if i.key == item.key)] = n
    candidate = dataclasses.replace(workshop, initiatives=tuple(merged))
    try:
        build_workshop(_json_ready(workshop_to_dict(candidate)), source)
    except SessionFileError as exc:
        problems = []
        for p in exc.problems:
            match = re.match(r"initiatives\[(\d+)\]\.?([a-z_]*)", p.path)
            if match and int(match.group(1)) in index_to_row:
                field = match.group(2)
                problems.append(RowProblem(index_to_row[int(match.group(1))], header.get(field, field), p.message))
            else:
                problems.append(RowProblem(0, "", f"{p.path}: {p.message}"))
        raise SpreadsheetError(source, problems, notes) from None


def _json_ready(value: Any) -> Any:
    """The writer's dict, with numbers as the reader would give them (ints and Decimals)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


# -------------------------------------------------------------------- votes


@dataclass(frozen=True)
class VoteImport:
    round: str
    votes: tuple[m.Vote, ...]
    ballots: int
    notes: tuple[str, ...]


class Names:
    """Find a participant, initiative or criterion by key, or by name when the name is unique.

    A name shared by two or more is refused with every candidate listed: a paper
    card for "Dr Amara Mensah" must never be credited to the wrong one.
    """

    def __init__(self, what: str, names: dict[str, str]) -> None:
        self.what = what
        self.names = names
        self.by_name: dict[str, list[str]] = {}
        for key, name in names.items():
            self.by_name.setdefault(name.strip().casefold(), []).append(key)

    def find(self, text: str) -> tuple[str | None, str | None]:
        """(key, None) or (None, why not)."""
        if text in self.names:
            return text, None
        found = self.by_name.get(text.strip().casefold(), [])
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, f"{text!r} is not a {self.what} (key or name)"
        listed = ", ".join(f"{self.names[k]} (key {k})" for k in sorted(found))
        return None, (f"{text!r} is the name of {len(found)} {self.what}s: {listed}; "
                      f"write the {self.what}'s key instead")


def parse_ranking(text: str, items: Names) -> tuple[m.RankingBallot, list[str]]:
    """'a > b = c > d' (or one per line / separated by ;) -> a ranking ballot."""
    errors = []
    out: list = []
    for place in (p.strip() for p in re.split(r"[>;\n]", text) if p.strip()):
        group = []
        for name in (x.strip() for x in place.split("=") if x.strip()):
            ref, problem = items.find(name)
            if problem:
                errors.append(problem)
            else:
                group.append(ref)
        if len(group) == 1:
            out.append(group[0])
        elif group:
            out.append(tuple(group))
    return tuple(out), errors


def parse_votes(sheet: Sheet, workshop: m.Workshop, round_key: str, source: str = "<spreadsheet>",
                channel: str = "paper") -> VoteImport:
    """Paper ballots typed into a sheet -> votes for one round, checked like a session file."""
    try:
        rnd = workshop.round(round_key)
    except KeyError:
        raise SpreadsheetError(source, [RowProblem(0, "", f"there is no round {round_key!r}")]) from None
    cols = map_headers(sheet, VOTE_HEADERS, source)
    header = {field: sheet.headers[n] for field, n in cols.items()}
    problems: list[RowProblem] = []
    who = "card" if rnd.anonymous else "participant"
    if who not in cols:
        need = "a card column (the number on each blank card)" if rnd.anonymous else "a participant column"
        problems.append(RowProblem(1, "", f"this round needs {need}"))
    if rnd.anonymous and "participant" in cols:
        problems.append(RowProblem(1, header["participant"], "this is a secret ballot: a vote must not name a person"))
    need = ["ranking"] if rnd.method == "ranking" else ["initiative", "value"]
    if rnd.method in ("matrix", "gates"):
        need.append("criterion")
    if rnd.method == "value_effort":
        need.append("effort")
    problems += [RowProblem(1, "", f"no {field} column") for field in need if field not in cols]
    if problems:
        raise SpreadsheetError(source, problems, sheet.notes)
    people = Names("participant", {p.key: p.name for p in workshop.participants})
    items = Names("initiative", {i.key: i.title for i in workshop.initiatives})
    criteria = Names("criterion", {c.key: c.name for c in workshop.criteria})
    votes: list[tuple[int, m.Vote]] = []
    for n, row in enumerate(sheet.rows, start=2):
        if all(_blank(c) for c in row):
            continue

        def get(field: str) -> Any:
            return row[cols[field]] if field in cols else None

        fields: dict[str, Any] = {"channel": channel, "note": _text(get("note"))}
        ok = True
        named = _text(get("round"))
        if named and named != rnd.key and named.casefold() != rnd.title.casefold():
            problems.append(RowProblem(n, header["round"], f"{named!r} is not round {rnd.key!r}, the one being "
                                                           "imported; import each round's votes separately"))
            ok = False
        if rnd.anonymous:
            card = _text(get("card"))
            if not card or not KEY_RE.match(f"paper-{card}"):
                problems.append(RowProblem(n, header["card"], f"{card!r} is not a card number"))
                ok = False
            fields["ballot"] = f"paper-{card}"
        else:
            name = _text(get("participant"))
            ref, problem = people.find(name)
            if problem:
                problems.append(RowProblem(n, header["participant"], problem))
                ok = False
            fields["participant"] = ref
        if rnd.method == "ranking":
            ballot, errors = parse_ranking(_text(get("ranking")), items)
            problems += [RowProblem(n, header["ranking"], e) for e in errors]
            ok = ok and not errors
            fields["ranking"] = ballot
        else:
            name = _text(get("initiative"))
            ref, problem = items.find(name)
            if problem:
                problems.append(RowProblem(n, header["initiative"], problem))
                ok = False
            fields["initiative"] = ref
            if "criterion" in cols and rnd.method in ("matrix", "gates"):
                crit = _text(get("criterion"))
                cref, problem = criteria.find(crit)
                if problem:
                    problems.append(RowProblem(n, header["criterion"], problem))
                    ok = False
                fields["criterion"] = cref
            ok = _vote_value(rnd.method, get, header, n, fields, problems) and ok
        if ok:
            votes.append((n, m.Vote(**fields)))
    if problems:
        raise SpreadsheetError(source, problems, sheet.notes)
    _validate_votes(workshop, rnd, votes, header, source, sheet.notes)
    new = tuple(v for _, v in votes)
    return VoteImport(rnd.key, new, len({rnd.ballot_id(v) for v in new}), sheet.notes)


def _vote_value(method: str, get, header: dict[str, str], n: int, fields: dict[str, Any],
                problems: list[RowProblem]) -> bool:
    raw = get("value")
    if method == "moscow":
        # The rule book judges the word (with the same message as every other channel).
        text = _text(raw)
        fields["value"] = rules.moscow_word(text) or text
        return True
    if method == "gates":
        word = _text(raw).lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(RowProblem(n, header["value"], f"{_text(raw)!r}: write pass or fail"))
            return False
        fields["value"] = word in TRUE_WORDS
        return True
    try:
        value = _number(raw)
    except ValueError as exc:
        problems.append(RowProblem(n, header["value"], str(exc)))
        return False
    if method == "dots":
        # A fraction of a dot is judged by the rule book, in its words, like any other channel.
        fields["value"] = int(value) if value.denominator == 1 else value
    else:
        fields["value"] = value
    if method == "value_effort":
        try:
            fields["effort"] = _number(get("effort"))
        except ValueError as exc:
            problems.append(RowProblem(n, header["effort"], str(exc)))
            return False
    return True


VOTE_FIELD_COLUMNS = {"participant": "participant", "ballot": "card", "initiative": "initiative",
                      "criterion": "criterion", "value": "value", "effort": "effort", "ranking": "ranking",
                      "note": "note"}


def _validate_votes(workshop: m.Workshop, rnd: m.Round, votes: list[tuple[int, m.Vote]], header: dict[str, str],
                    source: str, notes: tuple[str, ...]) -> None:
    """The round with the paper votes added must still be a valid session file."""
    r_index = next(k for k, r in enumerate(workshop.rounds) if r.key == rnd.key)
    base = len(rnd.votes)
    candidate_round = dataclasses.replace(rnd, votes=rnd.votes + tuple(v for _, v in votes))
    candidate = dataclasses.replace(workshop, rounds=tuple(candidate_round if r.key == rnd.key else r
                                                           for r in workshop.rounds))
    raw = _json_ready(workshop_to_dict(candidate))
    try:
        build_workshop(raw, source)
    except SessionFileError as exc:
        problems = []
        for p in exc.problems:
            match = re.match(rf"rounds\[{r_index}\]\.votes\[(\d+)\]\.?([a-z_]*)", p.path)
            if match and int(match.group(1)) >= base:
                row = votes[int(match.group(1)) - base][0]
                column = header.get(VOTE_FIELD_COLUMNS.get(match.group(2), ""), "")
                problems.append(RowProblem(row, column, p.message))
            elif match:
                problems.append(RowProblem(0, "", f"together with the votes already recorded: {p.message}"))
            else:
                problems.append(RowProblem(0, "", f"{p.path}: {p.message}"))
        raise SpreadsheetError(source, problems, notes) from None
