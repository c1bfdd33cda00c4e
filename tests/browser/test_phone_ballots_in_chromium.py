"""Layer 5: the phone pages in a real browser (Debian's chromium), 360 px wide, with
JavaScript on and off: the QR join as a top-level navigation, each method's ballot, the
keyboard-only ranking, the error summary and the receipt; rows checked in SQLite."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workshop_tui.domain import model as m
from workshop_tui.services import sessions, voting

RECORDED = "Your ballot is recorded"


def room() -> m.Workshop:
    return m.Workshop(
        session=m.SessionInfo(title="Northfield digital strategy 2027", organisation="Northfield NHS Trust"),
        participants=tuple(m.Participant(key=f"p{n}", name=f"Person {n}") for n in range(1, 7)),
        initiatives=tuple(m.Initiative(key=k, title=t, effort=Fraction(e)) for k, t, e in (
            ("epr", "Electronic patient record optimisation across all inpatient wards", 3),
            ("eobs", "e-Observations <b>with</b> early-warning alerts", 2),
            ("portal", "Patient portal", 4), ("voice", "Voice recognition for clinic letters", 1))),
        criteria=(
            m.Criterion(key="patient", name="Patient benefit", weight=Fraction(60), min=Fraction(1), max=Fraction(5)),
            m.Criterion(key="cost", name="Cost to run", weight=Fraction(40), min=Fraction(1), max=Fraction(5),
                        direction="cost"),
        ),
    )


@pytest.fixture
def session(db):
    return sessions.import_workshop(db, room())


def sealed(db, sid, key):
    """The round's stored votes once closed (a secret round's ballots wait sealed until then)."""
    voting.close_round(db, sid, key)
    return sessions.load(db, sid).round(key).votes


def join(page, server) -> None:
    """What a phone's camera does with the QR code: open its URL as a top-level page."""
    response = page.goto(server.url)
    assert response.ok
    # The join code has left the address bar (303 to /ballot); the ballot is on screen.
    assert page.url.endswith("/ballot") and server.code not in page.url


def sent(page) -> None:
    """Send the ballot and wait for the receipt (or fail with what the page says instead)."""
    page.get_by_role("button", name="Send my ballot").click()
    page.wait_for_load_state()
    assert RECORDED in page.locator("main").inner_text(), page.locator("main").inner_text()


def shot(page, captures, name: str) -> None:
    page.screenshot(path=str(captures / f"{name}.png"), full_page=True)


def test_dots_with_javascript_steppers_and_live_counter(db, session, serve, phone_page, captures):
    key = voting.create_round(db, session, method="dots", anonymous=True,
                              settings={"budget": 3, "max_per_initiative": 2})
    server = serve(db, session)
    page = phone_page(js=True)
    join(page, server)
    assert page.locator("#left").inner_text() == "3 of 3 dots left"
    more = page.get_by_role("button", name="One dot more")
    more.nth(0).click()
    more.nth(0).click()
    more.nth(0).click()  # capped at 2 on one initiative
    more.nth(3).click()
    assert page.locator("#left").inner_text() == "0 of 3 dots left"
    assert page.locator("#status").inner_text() == "0 of 3 dots left"  # the aria-live line says it too
    shot(page, captures, "dots-js")
    sent(page)
    shot(page, captures, "receipt")
    assert sorted((v.initiative, v.value, v.channel) for v in sealed(db, session, key)) == [
        ("epr", 2, "private"), ("voice", 1, "private")]


def test_dots_without_javascript_over_budget_shows_the_error_summary_focused(db, session, serve, phone_page,
                                                                             captures):
    key = voting.create_round(db, session, method="dots", anonymous=True,
                              settings={"budget": 3, "max_per_initiative": 2})
    server = serve(db, session)
    page = phone_page(js=False)
    join(page, server)
    assert page.get_by_role("button", name="One dot more").count() == 0  # no script: plain boxes
    page.locator("input.dots").nth(0).fill("2")
    page.locator("input.dots").nth(1).fill("2")
    shot(page, captures, "dots-nojs")
    page.get_by_role("button", name="Send my ballot").click()
    page.locator("#errors").wait_for()
    assert "not recorded" in page.locator("#errors").inner_text()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "errors"
    assert page.locator("input.dots").nth(0).input_value() == "2"  # what was typed is kept
    shot(page, captures, "dots-error")
    page.locator("input.dots").nth(1).fill("1")
    sent(page)
    assert sorted((v.initiative, v.value) for v in sealed(db, session, key)) == [("eobs", 1), ("epr", 2)]


def test_matrix_radios_per_criterion_without_javascript(db, session, serve, phone_page, captures):
    key = voting.create_round(db, session, method="matrix", anonymous=True)
    server = serve(db, session)
    page = phone_page(js=False)
    join(page, server)
    items = page.locator("fieldset.item")
    assert items.count() == 4
    for n in range(4):
        for c, score in enumerate(("4", "2")):
            items.nth(n).locator("fieldset.criterion").nth(c).locator("label.choice", has_text=score).click()
    shot(page, captures, "matrix-nojs")
    sent(page)
    votes = sealed(db, session, key)
    assert len(votes) == 8 and {(v.criterion, v.value) for v in votes} == {("patient", 4), ("cost", 2)}


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_ranking_by_keyboard_only_with_move_up_and_down(db, session, serve, phone_page, captures, js):
    key = voting.create_round(db, session, method="ranking", anonymous=True)
    server = serve(db, session)
    page = phone_page(js=js)
    join(page, server)

    def press_on(label: str, item: str) -> None:
        """Tab (never the mouse) to the button ``label`` of ``item``, then Enter."""
        for _ in range(60):
            page.keyboard.press("Tab")
            here = page.evaluate("(function(e){var f=e;while(f&&f.tagName!=='FIELDSET'){f=f.parentNode;}"
                                 "return [e.textContent, f?f.querySelector('legend').textContent:''];})"
                                 "(document.activeElement)")
            if here[0] == label and here[1].startswith(item):
                if js:
                    page.keyboard.press("Enter")  # the script moves it in the page
                else:
                    with page.expect_navigation():  # posted: the server moves it and shows the page again
                        page.keyboard.press("Enter")
                return
        raise AssertionError(f"no {label} button for {item} reachable with Tab")

    press_on("Move up", "Voice recognition")  # 4th -> 3rd
    press_on("Move up", "Voice recognition")  # -> 2nd
    press_on("Move down", "Electronic patient record")  # 1st -> 2nd, Voice first
    if js:
        assert "place" in page.locator("#status").inner_text()
    legends = page.locator("ol.ranking legend").all_inner_texts()
    assert [t.split()[0] for t in legends] == ["Voice", "Electronic", "e-Observations", "Patient"]
    shot(page, captures, f"ranking-{'js' if js else 'nojs'}")
    page.get_by_role("button", name="Send my ballot").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert RECORDED in page.locator("main").inner_text(), page.locator("main").inner_text()
    [vote] = sealed(db, session, key)
    assert vote.ranking[:4] == ("voice", "epr", "eobs", "portal") or [list(tier) for tier in vote.ranking] == [
        ["voice"], ["epr"], ["eobs"], ["portal"]]


def test_value_effort_with_javascript(db, session, serve, phone_page, captures):
    key = voting.create_round(db, session, method="value_effort", anonymous=True)
    server = serve(db, session)
    page = phone_page(js=True)
    join(page, server)
    for n in range(4):
        item = page.locator("fieldset.item").nth(n)
        for axis in range(2):
            group = item.locator("fieldset.criterion").nth(axis)
            choice = group.locator("label.choice")
            if choice.count():
                choice.nth(min(n + axis, choice.count() - 1)).click()
            else:
                group.locator("input").fill(str(n + axis + 1))
    shot(page, captures, "value-effort-js")
    sent(page)
    assert len(sealed(db, session, key)) == 4


def test_moscow_without_javascript(db, session, serve, phone_page, captures):
    key = voting.create_round(db, session, method="moscow", anonymous=True)
    server = serve(db, session)
    page = phone_page(js=False)
    join(page, server)
    for n, word in enumerate(("Must", "Should", "Could", "Won")):
        page.locator("fieldset.item").nth(n).locator("label.choice", has_text=word).click()
    shot(page, captures, "moscow-nojs")
    sent(page)
    assert sorted((v.initiative, v.value) for v in sealed(db, session, key)) == [
        ("eobs", "should"), ("epr", "must"), ("portal", "could"), ("voice", "wont")]


def test_the_pages_load_nothing_from_another_origin_and_the_lobby_waits(db, session, serve, phone_page, captures):
    server = serve(db, session)  # no round yet: the lobby
    page = phone_page(js=True)
    origins = []
    page.on("request", lambda request: origins.append(request.url.split("/")[2]))
    join(page, server)
    assert "Waiting" in page.locator("h1").inner_text()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    shot(page, captures, "lobby")
    voting.create_round(db, session, method="moscow", anonymous=True)
    page.reload()
    page.locator("#ballot").wait_for()
    assert set(origins) == {f"127.0.0.1:{server.port}"}
    # The page fits a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
