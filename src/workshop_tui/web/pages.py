"""The phone pages: jinja2 templates shipped in the package, autoescaped (titles are user text).

Strings a person reads are here and in the templates; nothing is loaded from another
origin (no fonts, no images, no CDN): one stylesheet and one optional script, both
served by this server from the package (importlib.resources).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from workshop_tui.presentation import plural
from workshop_tui.services.phones import PhoneRound
from workshop_tui.textsafe import one_line

LANG = "en"
MOSCOW_LABELS = {"must": "Must have", "should": "Should have", "could": "Could have", "wont": "Won't have (this time)"}
METHOD_INTROS = {
    "dots": "Spread your dots over the initiatives you would fund first.",
    "matrix": "Score each initiative on each criterion.",
    "ranking": "Put the initiatives in order, best first.",
    "value_effort": "Say how much value each initiative brings and how much effort it takes.",
    "moscow": "Sort each initiative: must, should, could or won't have.",
}


@lru_cache(maxsize=1)
def environment():
    import jinja2

    def load(name: str):
        path = resources.files("workshop_tui.web").joinpath("templates", name)
        if not path.is_file():
            return None
        return path.read_text(encoding="utf-8")

    env = jinja2.Environment(loader=jinja2.FunctionLoader(load), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, auto_reload=False)
    return env


def prepare() -> None:
    """Import Jinja and compile every template now, when the server starts, so the first
    phone to join does not hold the facilitator's loop for a quarter of a second."""
    env = environment()
    for entry in resources.files("workshop_tui.web").joinpath("templates").iterdir():
        if entry.name.endswith(".html"):
            env.get_template(entry.name)


def static_file(name: str) -> bytes | None:
    if name not in ("app.css", "app.js"):
        return None
    return resources.files("workshop_tui.web").joinpath("static", name).read_bytes()


def safe(text: str) -> str:
    """User text for a page: control and bidi characters shown, not obeyed (then autoescaped)."""
    return one_line(text)


def render(name: str, **context) -> str:
    context.setdefault("lang", LANG)
    context.setdefault("status", "")
    context.setdefault("refresh", None)
    context.setdefault("script", False)
    return environment().get_template(name).render(**context)


def message(heading: str, *lines: str, link: str | None = None, link_text: str = "", refresh: int | None = None) -> str:
    return render("message.html", page_title=heading, heading=heading, lines=lines, link=link, link_text=link_text,
                  refresh=refresh)


def lobby(heading: str, *lines: str) -> str:
    return render("lobby.html", page_title=heading, heading=heading, lines=lines, refresh=5)


def code_form(csrf: str, mode: str, errors: list[str] | None = None) -> str:
    named = mode == "named"
    return render("code.html", page_title="Your code", csrf=csrf, errors=errors or [],
                  heading="Type your personal code" if named else "Type the code on your slip",
                  label="Personal code" if named else "Slip code",
                  hint=("The facilitator gave you a card with your own code (like ABCD-1234)." if named else
                        "Each printed slip has a code (like ABCD-1234); it casts one ballot in each round."),
                  status="; ".join(errors or []))


def ballot(rnd: PhoneRound, csrf: str, values: dict[str, str], *, errors: list[str] | None = None,
           can_change: bool = False, order: list[str] | None = None) -> str:
    titles = dict(rnd.initiatives)
    keys = order or [k for k, _ in rnd.initiatives]
    items = [(k, safe(titles[k])) for k in keys]
    shown = PhoneRound(**{**rnd.__dict__, "title": safe(rnd.title),
                          "criteria": tuple((k, safe(n), s, safe(d)) for k, n, s, d in rnd.criteria)})
    dots_line = ""
    if rnd.method == "dots" and rnd.budget is not None:
        spent = sum(int(v) for k, v in values.items() if k.startswith("d:") and str(v).isdigit())
        rule = " You must spend them all." if rnd.must_spend_all else ""
        dots_line = (f"You have {plural(rnd.budget, 'dot')}, at most {rnd.cap} on one initiative.{rule} "
                     f"{max(rnd.budget - spent, 0)} of {rnd.budget} left.")
    axes = []
    if rnd.method == "value_effort":
        axes = [("v", "Value", rnd.value_scale), ("e", "Effort", rnd.effort_scale)]
    moscow = [(w, MOSCOW_LABELS.get(w, w)) for w in rnd.moscow]
    return render("ballot.html", page_title=safe(rnd.title), rnd=shown, csrf=csrf, values=values, items=items,
                  errors=errors or [], can_change=can_change, intro=METHOD_INTROS.get(rnd.method, ""),
                  dots_line=dots_line, axes=axes, moscow=moscow, script=True,
                  status="Your ballot was not recorded: see the problems above." if errors else "")


def recorded(rnd: PhoneRound, *, replaced: bool, can_change: bool) -> str:
    final = ("It is a secret ballot: it cannot be changed now, and nobody can tell which ballot is yours."
             if rnd.secret else "It cannot be changed from this phone now.")
    return render("recorded.html", page_title="Recorded", round_title=safe(rnd.title), replaced=replaced,
                  can_change=can_change, final_line=final, refresh=10, status="Your ballot is recorded.")


def join_form() -> str:
    return render("join.html", page_title="Join")
