"""Markdown and HTML board packs: golden files, content, escaping, anonymity."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.exporters.conftest import HOSTILE_TITLES, anonymous_names
from workshop_tui.exporters import board_pack, html, markdown


def _section(text: str, start: str, stop: str = "\n## ") -> str:
    begin = text.index(start)
    end = text.find(stop, begin + len(start))
    return text[begin:] if end < 0 else text[begin:end]


def test_markdown_matches_golden(nhs, partnership, golden):
    golden("nhs.md", markdown.render(nhs).encode("utf-8"))
    golden("partnership.md", markdown.render(partnership).encode("utf-8"))


def test_markdown_has_every_part_of_the_board_pack(nhs):
    text = markdown.render(nhs)
    for heading in ("## The decision asked of the board", "### What we will do", "### Risks",
                    "## Who took part", "## Exemplar candidates and their gates",
                    "## The plan", "### We will do", "### Not now", "### We won't do", "### Bottleneck use",
                    "## Round r4", "## Traceability", "## Decision log", "### Decisions already made",
                    "### Facilitator overrides", "## Actions", "## Session notes and data provenance",
                    "## How the scores were computed", "## Glossary"):
        assert heading in text, heading
    assert "| Executive | 1 |" in text  # participation as counts by discipline
    assert "Kendall's W" in text


RENDER = """
import sys
from pathlib import Path
from workshop_tui.exporters import html, markdown
from workshop_tui.sessionfile.validate import parse_session_bytes
for name in sys.argv[1:]:
    w = parse_session_bytes(Path(name).read_bytes(), name)
    sys.stdout.buffer.write(markdown.render(w).encode() + b"\\0" + html.render(w).encode() + b"\\0")
"""


def _render_in_a_new_process(seed: str) -> bytes:
    import os
    import subprocess
    import sys

    from tests.exporters.conftest import SAMPLES

    files = [str(SAMPLES / f"{n}.json") for n in ("nhs-trust-where-to-start", "global-health-partnership")]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", RENDER, *files], env=env, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_board_pack_is_deterministic_across_processes(nhs):
    """Two interpreters with different string hashing (so set and dict orders that
    depend on hashes differ) must write byte-identical packs, equal to this one's."""
    first, second = _render_in_a_new_process("1"), _render_in_a_new_process("2")
    assert first == second
    assert first.split(b"\0")[:2] == [markdown.render(nhs).encode(), html.render(nhs).encode()]


def test_anonymous_round_names_nobody_in_markdown_or_html(nhs):
    names = anonymous_names(nhs)
    assert names
    for text, start in ((markdown.render(nhs), "## Round r4"), (html.render(nhs), 'id="round-r4"')):
        part = _section(text, start, "<section" if start.startswith("id") else "\n## ")
        assert "secret ballot" in part.lower()
        for name in names:
            assert name not in part and html.e(name) not in part


def test_markdown_shows_markup_literally(hostile):
    text = markdown.render(hostile)
    body = re.sub(r"(?m)^> ", "", text)  # the mission is a block quote
    assert re.search(r"(?<!\\)<[A-Za-z/!?]", body) is None  # every "<" that could open a tag is escaped
    assert r"\<script>alert(1)\</script>" in text
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(text)  # and so no tag of the user's survives rendering
    assert "<script" not in rendered and "<img" not in rendered and "&lt;script&gt;" in rendered
    assert r"\[bold\]x\[/\]" in text
    assert "=HYPERLINK(" in text  # harmless in Markdown, shown as written


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_parses_and_contains_plan_and_charts(nhs):
    doc = html.render(nhs)
    parser = _Collect()
    parser.feed(doc)
    assert "script" not in parser.tags
    assert {"plan", "capacity-chart", "quadrant-chart", "round-r4", "actions", "how"} <= parser.ids
    assert parser.tags.count("svg") >= 5  # three ranking charts, the 2x2, bottleneck use
    text = "".join(parser.text)
    assert "We will do" in text and "Not now" in text
    pack = board_pack.build(nhs)
    for row in pack.plan.will_do:
        assert row.title in text
    assert "http://" not in doc.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    assert "@media print" in doc and "break-before: page" in doc


def test_html_escapes_every_user_text(hostile):
    doc = html.render(hostile)
    assert "<script>" not in doc and "<img" not in doc and "<b>Dr" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    parser = _Collect()
    parser.feed(doc)
    assert "script" not in parser.tags and "img" not in parser.tags
    text = "".join(parser.text)
    for title in HOSTILE_TITLES:
        assert title in text


def test_board_numbers_round_half_away_from_zero():
    from fractions import Fraction

    assert board_pack.board_number(Fraction(1, 8)) == "0.13"
    assert board_pack.board_number(Fraction(-1, 8)) == "-0.13"
    assert board_pack.board_number(Fraction(5, 2)) == "2.5"
    assert board_pack.board_number(2500000) == "2,500,000"
    assert board_pack.board_number(None) == "–"
    assert board_pack.board_number(0.125) == "0.13"
