"""Writes the hostile-input corpus: malformed session files and CSV files.

    python tests/hostile/generate.py

Each session file has an entry in expected.json, kept by hand: the exit code, the
place (a JSON path, or the line/offset for bytes that are not JSON at all), the
thing named and what the refusal says; the text beside each file below is a note.
Each CSV file is an entry in csv-expected.json: refused (with the row and column)
or stored exactly, see CSV below. The files are committed; this script documents how each was
made and regenerates them. Very large inputs (a 10 MB title, a 25 MB file) are made
at test time instead, see test_corpus.py.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "src" / "workshop_tui" / "samples"


def base() -> dict:
    return json.loads((SAMPLES / "nhs-trust-where-to-start.json").read_text())


def partnership() -> dict:
    return json.loads((SAMPLES / "global-health-partnership.json").read_text())


def rnd(d: dict, method: str) -> dict:
    return next(r for r in d["rounds"] if r["method"] == method)


def mutated(change, start=base) -> bytes:
    d = copy.deepcopy(start())
    change(d)
    return json.dumps(d, ensure_ascii=False, indent=1).encode()


def set_(obj_path, value):
    """A change that sets d[...][...] = value, obj_path a list of keys/indices."""
    def change(d):
        target = d
        for step in obj_path[:-1]:
            target = target[step]
        target[obj_path[-1]] = value
    return change


def seq(*changes):
    def change(d):
        for c in changes:
            c(d)
    return change


VALID = json.dumps(base()).encode()
SESSION: dict[str, tuple[bytes, str]] = {
    # -- bytes that are not (good) JSON -------------------------------------
    "empty.json": (b"", "the file is empty"),
    "whitespace-only.json": (b"  \n\t \n", "the file is empty"),
    "truncated-half.json": (VALID[: len(VALID) // 2], "not valid JSON at line"),
    "truncated-one-byte.json": (VALID[:-1], "not valid JSON at line"),
    "truncated-mid-string.json": (b'{"format": "workshop-tui/sess', "not valid JSON at line 1"),
    "trailing-garbage.json": (VALID + b"\n}{", "not valid JSON at line"),
    "two-documents.json": (VALID + b"\n" + VALID, "not valid JSON at line"),
    "single-quotes.json": (b"{'format': 'workshop-tui/session'}", "not valid JSON at line 1"),
    "trailing-comma.json": (b'{"format": "workshop-tui/session", "version": 1,}', "not valid JSON at line 1"),
    "comments.json": (b'// a comment\n{"format": "workshop-tui/session"}', "not valid JSON at line 1"),
    "nan.json": (b'{"format": "workshop-tui/session", "version": NaN}', "NaN"),
    "infinity.json": (b'{"format": "workshop-tui/session", "version": 1, "session": {"title": "t", "bandwidth": Infinity}}',
                      "Infinity"),
    "minus-infinity.json": (b'{"format": "workshop-tui/session", "version": -Infinity}', "Infinity"),
    "latin1-bytes.json": (VALID.replace("Investment".encode(), b"Invest\xe9ment", 1).replace(b'"title": "', b'"title": "caf\xe9 ', 1),
                          "not UTF-8 text: byte 0xe9"),
    "utf16-le-bom.json": (b"\xff\xfe" + VALID.decode().encode("utf-16-le"), "not UTF-8 text"),
    "utf16-be.json": (VALID.decode().encode("utf-16-be"), "not valid JSON at line 1, column 1"),
    "overlong-utf8.json": (b'{"format": "workshop-tui/session", "x": "\xc0\xaf"}', "not UTF-8 text"),
    "lone-surrogate-bytes.json": (b'{"format": "\xed\xa0\x80"}', "not UTF-8 text"),
    "double-bom.json": (b"\xef\xbb\xbf\xef\xbb\xbf" + VALID, "not valid JSON at line 1"),
    "bom-then-garbage.json": (b"\xef\xbb\xbfnot json", "not valid JSON at line 1"),
    "nul-bytes.json": (b"\x00" * 64, "not valid JSON at line 1"),
    "binary-zip-header.json": (b"PK\x03\x04" + bytes(range(256)), "not UTF-8 text"),
    "sqlite-file-as-session.json": (b"SQLite format 3\x00" + b"\x00" * 100, "not valid JSON at line 1"),
    "deeply-nested-lists.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deeply-nested-objects.json": (b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
    "nested-in-a-note.json": (mutated(set_(["rounds", 1, "votes", 0, "note"], json.loads("[" * 40 + "]" * 40))),
                              "nested too deeply"),
    "top-level-list.json": (b"[1, 2, 3]", "must be an object"),
    "top-level-string.json": (b'"workshop-tui/session"', "must be an object"),
    "top-level-null.json": (b"null", "must be an object"),
    # -- structure -----------------------------------------------------------
    "duplicate-top-level-key.json": (b'{"format": "workshop-tui/session", "format": "x", "version": 1, "session": {"title": "t"}}',
                                     "format: field appears more than once"),
    "duplicate-key-in-vote.json": (VALID.replace(b'"participant": "p01"', b'"participant": "p01", "participant": "p02"', 1),
                                   "participant: field appears more than once"),
    "unknown-top-level-field.json": (mutated(set_(["colour"], "red")), "colour: unknown field"),
    "wrong-format.json": (mutated(set_(["format"], "other/thing")), "format:"),
    "newer-version.json": (mutated(set_(["version"], 99)), "version:"),
    "version-as-text.json": (mutated(set_(["version"], "1")), "version:"),
    "missing-session.json": (mutated(lambda d: d.pop("session")), "session"),
    "session-is-a-list.json": (mutated(set_(["session"], ["title"])), "session: must be an object"),
    "participants-is-an-object.json": (mutated(set_(["participants"], {"p1": "x"})), "participants: must be a list"),
    "title-is-a-number.json": (mutated(set_(["session", "title"], 42)), "session.title: must be text"),
    "title-empty.json": (mutated(set_(["session", "title"], "")), "session.title"),
    "title-with-nul.json": (mutated(set_(["session", "title"], "Board\u0000day")), "session.title: contains a NUL"),
    "bandwidth-as-text.json": (mutated(set_(["session", "bandwidth"], "four")), "session.bandwidth: must be a number"),
    "bandwidth-as-bool.json": (mutated(set_(["session", "bandwidth"], True)), "session.bandwidth"),
    "horizon-huge-integer.json": (mutated(set_(["session", "horizon_years"], 10**400)), "session.horizon_years"),
    "cost-huge-exponent.json": (VALID.replace(b'"cost": 450000', b'"cost": 1e999999', 1), "initiatives[0].cost"),
    "cost-tiny-exponent.json": (VALID.replace(b'"cost": 450000', b'"cost": 1e-999999', 1), "initiatives[0].cost"),
    "cost-exponent-that-hung-the-importer.json": (VALID.replace(b'"cost": 450000', b'"cost": 1e-99999999', 1),
                                                  "initiatives[0].cost: 1E-99999999 has too many decimal places"),
    "score-many-decimals.json": (VALID.replace(b'"value": 3', b'"value": 3.' + b"0" * 40 + b"1", 1),
                                 "has too many decimal places"),
    "trim-exponent.json": (mutated(lambda d: rnd(d, "matrix")["settings"].update(aggregate="trimmed_mean")).replace(
        b'"aggregate": "trimmed_mean"', b'"aggregate": "trimmed_mean", "trim": 1e-99999999'), "rounds[2].settings.trim"),
    "cost-negative.json": (mutated(set_(["initiatives", 0, "cost"], -5)), "initiatives[0].cost"),
    "effort-as-list.json": (mutated(set_(["initiatives", 0, "effort"], [3])), "initiatives[0].effort"),
    "date-impossible.json": (mutated(set_(["session", "date"], "2026-02-30")), "session.date"),
    "date-as-number.json": (mutated(set_(["session", "date"], 20261121)), "session.date"),
    "key-with-spaces.json": (mutated(set_(["participants", 0, "key"], "p 01")), "participants[0].key"),
    "key-very-long.json": (mutated(set_(["participants", 0, "key"], "p" * 500)), "participants[0].key"),
    "duplicate-participant-key.json": (mutated(lambda d: d["participants"].append(dict(d["participants"][0]))),
                                       "duplicate participant key"),
    "duplicate-initiative-key.json": (mutated(lambda d: d["initiatives"].append(dict(d["initiatives"][0]))),
                                      "duplicate initiative key"),
    "portfolio-unknown.json": (mutated(set_(["initiatives", 0, "portfolio"], "disrupt")), "initiatives[0].portfolio"),
    # -- references ----------------------------------------------------------
    "vote-unknown-participant.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(participant="nobody")),
                                      "rounds[1].votes[0].participant: unknown participant 'nobody'"),
    "vote-unknown-initiative.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(initiative="ghost")),
                                     "rounds[1].votes[0].initiative: unknown initiative 'ghost'"),
    "vote-unknown-criterion.json": (mutated(lambda d: rnd(d, "matrix")["votes"][0].update(criterion="luck")),
                                    "rounds[2].votes[0].criterion"),
    "demand-unknown-bottleneck.json": (mutated(set_(["initiatives", 0, "demands"], {"money": 1})),
                                       "initiatives[0].demands.money: unknown bottleneck"),
    "depends-on-missing.json": (mutated(set_(["initiatives", 0, "depends_on"], ["nope"])),
                                "initiatives[0].depends_on[0]: unknown initiative 'nope'"),
    "depends-on-itself.json": (mutated(lambda d: d["initiatives"][0].update(depends_on=[d["initiatives"][0]["key"]])),
                               "cycle"),
    "dependency-cycle-of-three.json": (mutated(lambda d: [d["initiatives"][n].update(
        depends_on=[d["initiatives"][(n + 1) % 3]["key"]]) for n in range(3)]), "dependency cycle: "),
    "decision-unknown-initiative.json": (mutated(lambda d: d.setdefault("decisions", []).append(
        {"initiative": "ghost", "outcome": "include", "rationale": "x"})), "].initiative: unknown initiative 'ghost'"),
    "action-unknown-initiative.json": (mutated(lambda d: d.setdefault("actions", []).append(
        {"initiative": "ghost", "title": "x"})), "].initiative: unknown initiative 'ghost'"),
    "voted-unknown-participant.json": (mutated(lambda d: rnd(d, "ranking").update(voted=["nobody"])),
                                       "rounds[3].voted[0]"),
    # -- values --------------------------------------------------------------
    "negative-dots.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(value=-1)),
                           "rounds[1].votes[0].value: -1 is below the minimum 0"),
    "fractional-dots.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(value=1.5)),
                             "rounds[1].votes[0].value: 1.5 must be a whole number"),
    "dots-as-text.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(value="2")), "rounds[1].votes[0].value"),
    "dots-huge.json": (mutated(lambda d: rnd(d, "dots")["votes"][0].update(value=10**30)), "rounds[1].votes[0].value"),
    "budget-overspent.json": (mutated(lambda d: rnd(d, "dots")["settings"].update(budget=1, max_per_initiative=3)),
                              "the budget is 1"),
    "budget-zero.json": (mutated(lambda d: rnd(d, "dots")["settings"].update(budget=0)), "rounds[1].settings.budget"),
    "score-above-max.json": (mutated(lambda d: rnd(d, "matrix")["votes"][0].update(value=9)),
                             "rounds[2].votes[0].value: 9 is above the maximum 5"),
    "score-nan-as-text.json": (mutated(lambda d: rnd(d, "matrix")["votes"][0].update(value="NaN")),
                               "rounds[2].votes[0].value"),
    "unknown-method.json": (mutated(lambda d: rnd(d, "dots").update(method="lottery")), "rounds[1].method"),
    "unknown-setting.json": (mutated(lambda d: rnd(d, "dots")["settings"].update(colour=1)),
                             "rounds[1].settings.colour: unknown field"),
    "same-vote-twice.json": (mutated(lambda d: rnd(d, "dots")["votes"].append(dict(rnd(d, "dots")["votes"][0]))),
                             "given twice"),
    "anonymous-ballot-names-voter.json": (mutated(lambda d: rnd(d, "ranking")["votes"][0].update(participant="p01")),
                                          "must not name who cast them"),
    "ranking-twice.json": (mutated(lambda d: rnd(d, "ranking")["votes"][0].update(ranking=["wifi", "wifi"])),
                           "'wifi' is ranked twice"),
    "ranking-not-a-list.json": (mutated(lambda d: rnd(d, "ranking")["votes"][0].update(ranking="wifi")),
                                "rounds[3].votes[0].ranking"),
    "ranking-nested-groups.json": (mutated(lambda d: rnd(d, "ranking")["votes"][0].update(ranking=[["wifi", ["epr_opt"]]])),
                                   "rounds[3].votes[0].ranking"),
    "moscow-unknown-value.json": (mutated(lambda d: rnd(d, "moscow")["votes"][0].update(value="maybe"), partnership),
                                  "is not one of must, should, could, wont"),
    "gate-value-as-text.json": (mutated(lambda d: rnd(d, "gates")["votes"][0].update(value="yes")),
                                "rounds[0].votes[0].value"),
    "criterion-min-above-max.json": (mutated(lambda d: d["criteria"][2].update(min=9, max=1)), "criteria[2]"),
    "weight-negative.json": (mutated(lambda d: d["criteria"][2].update(weight=-20)), "criteria[2].weight"),
    "votes-is-an-object.json": (mutated(lambda d: rnd(d, "dots").update(votes={"p01": 3})), "rounds[1].votes"),
}

# CSV files go through the real spreadsheet importers: initiatives-*.csv through
# `import-initiatives` and votes-*.csv through `import-votes --round r2` (the NHS sample's
# dots round, budget 5; p11 has not voted in it yet). Each has its own expectation:
# {"refused": text the message must contain, naming the row and column} or
# {"stored": what must then be in the database, exactly} (+ "says": text in the output).
CSV: dict[str, tuple[bytes, dict]] = {
    "initiatives-truncated-quote.csv": (b'key,title,effort\nepr,"EPR optimisation,3\n',
                                        {"refused": 'row 2: a quoted cell is never closed'}),
    # As Excel writes a formula-looking title: quoted, inner quotes doubled.
    "initiatives-formula-injection.csv": (
        b'key,title,effort\nepr,"=HYPERLINK(""http://evil.example"",""click"")",3\n',
        {"stored": {"epr": {"title": '=HYPERLINK("http://evil.example","click")', "effort": "3"}}}),
    "initiatives-latin1.csv": (b"key,title,effort\nepr,Caf\xe9 triage,3\n",
                               {"stored": {"epr": {"title": "Café triage", "effort": "3"}},
                                "says": "read as Windows-1252"}),
    # UTF-16 with its BOM is Excel's "Unicode text": unambiguous, so it is read.
    "initiatives-utf16.csv": ("key,title,effort\nepr,EPR,3\n".encode("utf-16"),
                              {"stored": {"epr": {"title": "EPR", "effort": "3"}}}),
    "initiatives-bom-header.csv": (b"\xef\xbb\xbfkey,title,effort\nepr,EPR,3\n",
                                   {"stored": {"epr": {"title": "EPR", "effort": "3"}}}),
    "initiatives-ragged-rows.csv": (b"key,title,effort\nepr,EPR\nwifi,Wi-Fi,2,extra,columns\n",
                                    {"refused": "row 3, column 'column 4': has a value but no header"}),
    "initiatives-duplicate-key.csv": (b"key,title,effort\nepr,EPR,3\nepr,EPR again,2\n",
                                      {"refused": "row 3, column 'key': key 'epr' is also on row 2"}),
    "initiatives-effort-nan.csv": (b"key,title,effort\nepr,EPR,NaN\nwifi,Wi-Fi,inf\n",
                                   {"refused": "row 3, column 'effort': 'inf' is not a number"}),
    "initiatives-nul-byte.csv": (b"key,title,effort\nepr,E\x00PR,3\n",
                                 {"refused": "row 2, column 'title': contains a NUL character"}),
    "initiatives-huge-number.csv": (b"key,title,effort\nepr,EPR," + b"9" * 5000 + b"\n",
                                    {"refused": "row 2, column 'effort': '99999"}),
    "initiatives-empty.csv": (b"", {"refused": "row 1: the file is empty"}),
    "initiatives-header-only.csv": (b"key,title,effort\n", {"refused": "row 2: there are no rows under the header"}),
    "votes-negative-dots.csv": (b"round,participant,initiative,value\nr2,p11,epr_opt,-1\n",
                                {"refused": "row 2, column 'value': EPR optimisation: dots cannot be negative (-1)"}),
    "votes-fractional-dots.csv": (b"round,participant,initiative,value\nr2,p11,epr_opt,1.5\n",
                                  {"refused": "row 2, column 'value': EPR optimisation: dots are whole numbers, not 1.5"}),
    "votes-unknown-participant.csv": (b"round,participant,initiative,value\nr2,nobody,epr_opt,1\n",
                                      {"refused": "row 2, column 'participant': 'nobody' is not a participant"}),
    "votes-overspent.csv": (b"round,participant,initiative,value\nr2,p11,epr_opt,3\nr2,p11,wifi,3\n",
                            {"refused": "row 2: 6 dots placed but only 5 allowed, on the ballot of"}),
    # A note is data: stored as typed; only a terminal shows it escaped.
    "votes-escape-sequences.csv": (
        b"round,participant,initiative,value,note\nr2,p11,epr_opt,1,\x1b[2J\x1b]0;pwned\x07\n",
        {"stored": [{"participant": "p11", "initiative": "epr_opt", "value": 1, "note": "\x1b[2J\x1b]0;pwned\x07"}]}),
    "votes-semicolon-separated.csv": (b"round;participant;initiative;value\nr2;p11;epr_opt;1\n",
                                      {"stored": [{"participant": "p11", "initiative": "epr_opt", "value": 1,
                                                   "note": ""}]}),
}


def main() -> None:
    (HERE / "session").mkdir(exist_ok=True)
    (HERE / "csv").mkdir(exist_ok=True)
    expected = json.loads((HERE / "expected.json").read_text())
    for name, (data, _note) in SESSION.items():
        (HERE / "session" / name).write_bytes(data)
        if f"session/{name}" not in expected:
            raise SystemExit(f"add session/{name} to expected.json (exit, place, thing, says)")
    csv_expected = {}
    for name, (data, expectation) in CSV.items():
        (HERE / "csv" / name).write_bytes(data)
        csv_expected[name] = expectation
    for file, content in (("expected.json", expected), ("csv-expected.json", csv_expected)):
        (HERE / file).write_text(json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{len(SESSION)} session files, {len(CSV)} CSV files")


if __name__ == "__main__":
    main()
