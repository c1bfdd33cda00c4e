"""The QR code on the facilitator's screen reads back as exactly segno's matrix, quiet zone included."""

from __future__ import annotations

import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_tui.tui.widgets.qr import BLACK_ON_WHITE, QUIET_ZONE, QrCode, draw, fits, qr_matrix, wifi_data

UPPER = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def read_back(lines: list[str], big: bool) -> list[list[bool]]:
    """The modules a camera would see in the drawn lines (the inverse of drawing)."""
    if big:
        assert all(len(line) % 2 == 0 for line in lines)
        rows = []
        for line in lines:
            pairs = [line[i:i + 2] for i in range(0, len(line), 2)]
            assert set(pairs) <= {"██", "  "}, "a big module is two equal cells"
            rows.append([pair == "██" for pair in pairs])
        return rows
    rows = []
    for line in lines:
        rows.append([UPPER[ch][0] for ch in line])
        rows.append([UPPER[ch][1] for ch in line])
    return rows


def segno_rows(data: str) -> list[list[bool]]:
    code = segno.make(data, error="m", boost_error=False, micro=False)
    assert code.error == "M"
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=4)]


def widget_lines(data: str, big: bool) -> tuple[list[str], object]:
    text = QrCode(data, big=big).render()
    return text.plain.split("\n"), text


def test_the_drawn_join_code_reads_back_as_segnos_matrix_with_its_quiet_zone():
    url = "http://192.168.137.1:8000/j/K7Q-X3F"
    expected = segno_rows(url)
    lines, text = widget_lines(url, big=False)
    got = read_back(lines, big=False)
    # An odd number of module rows: the last line's lower half is white, beyond the code.
    assert len(expected) % 2 == 1 and got[-1] == [False] * len(expected[0])
    assert got[:-1] == expected
    size = len(expected)
    for edge in range(QUIET_ZONE):  # the quiet zone is white on all four sides
        assert not any(expected[edge]) and not any(expected[size - 1 - edge])
        assert not any(row[edge] or row[size - 1 - edge] for row in expected)
    assert text.style == BLACK_ON_WHITE and not text.spans


def test_the_big_mode_gives_each_module_two_columns_and_a_line():
    url = "http://10.42.0.1:8001/j/ABC-123"
    lines, _text = widget_lines(url, big=True)
    assert read_back(lines, big=True) == segno_rows(url)
    assert len(lines[0]) == 2 * len(segno_rows(url)[0])


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=120), st.booleans())
def test_any_text_round_trips(data, big):
    lines = draw(qr_matrix(data), big)
    expected = segno_rows(data)
    got = read_back(lines, big)
    assert (got if big else got[:len(expected)]) == expected


def test_the_wifi_code_is_what_phones_read_as_join_this_network():
    assert wifi_data("Room 4", "p;ss:w") == "WIFI:T:WPA;S:Room 4;P:p\\;ss\\:w;;"
    assert wifi_data("Open", "").startswith("WIFI:T:nopass;S:Open;")


def test_fits_says_when_a_code_needs_the_normal_size():
    assert fits(37, 80, 19, big=False) and not fits(37, 80, 18, big=False)
    assert fits(37, 74, 37, big=True) and not fits(37, 73, 40, big=True)
