"""Each voting method's settings as typed values, with METHODS.md's defaults
written in exactly one place.

A round stores its settings as a plain dict (JSON in a session file, a JSON
column in the database). ``parse_settings`` turns that dict into the typed
settings every channel and the count use; ``settings_problems`` says, per
setting, what is wrong with it in plain words; ``written_out`` gives the dict
a new round records so it says exactly what produced its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Union

from workshop_tui.domain.methods.problems import SettingsError

# -- defaults: the one place they are written --------------------------------
MAX_DEFAULT_BUDGET = 20  # dots: B = clamp(floor(N/3), 1, MAX_DEFAULT_BUDGET)
DEFAULT_CAP = 3  # dots: c = min(DEFAULT_CAP, B)
MAX_BUDGET = 1000  # a dot budget or cap above this is a typing slip, not a round
DEFAULT_SCALE = (Fraction(1), Fraction(5))  # value/effort: "1 to 5" on both axes
SCALE_LIMIT = 1000  # value/effort scale ends lie within ±SCALE_LIMIT
DEFAULT_TRIM = Fraction(1, 5)  # matrix trimmed mean: α per tail
NORMALISATIONS = ("minmax", "ratio", "sum_of_max", "weighted_sum")
AGGREGATES = ("mean", "median", "trimmed_mean")
ORDERS = ("total_first", "criterion_first")
RANKING_RULES = ("schulze", "borda", "copeland")
BORDA_VARIANTS = ("averaged", "zero", "mbc")
THRESHOLDS = ("midpoint", "median")
VOTING_METHODS = ("dots", "matrix", "ranking", "value_effort", "moscow", "gates")


@dataclass(frozen=True)
class DotsSettings:
    budget: int
    max_per_initiative: int
    must_spend_all: bool = False

    @property
    def variant(self) -> str:
        from workshop_tui.domain.methods.dots import variant_name

        return variant_name(self, None)

    def as_dict(self) -> dict[str, object]:
        return {"budget": self.budget, "max_per_initiative": self.max_per_initiative,
                "must_spend_all": self.must_spend_all}


@dataclass(frozen=True)
class MatrixSettings:
    normalisation: str = "minmax"
    aggregate: str = "mean"
    trim: Fraction = DEFAULT_TRIM
    order: str = "total_first"

    def as_dict(self) -> dict[str, object]:
        return {"aggregate": self.aggregate, "normalisation": self.normalisation, "order": self.order,
                "trim": self.trim}


@dataclass(frozen=True)
class RankingSettings:
    rule: str = "schulze"
    borda_variant: str = "averaged"

    def as_dict(self) -> dict[str, object]:
        return {"borda_variant": self.borda_variant, "rule": self.rule}


@dataclass(frozen=True)
class ValueEffortSettings:
    thresholds: str = "midpoint"
    value_min: Fraction = DEFAULT_SCALE[0]
    value_max: Fraction = DEFAULT_SCALE[1]
    effort_min: Fraction = DEFAULT_SCALE[0]
    effort_max: Fraction = DEFAULT_SCALE[1]

    def axis(self, name: str) -> tuple[Fraction, Fraction]:
        return (self.effort_min, self.effort_max) if name == "effort" else (self.value_min, self.value_max)

    def as_dict(self) -> dict[str, object]:
        return {"effort_max": self.effort_max, "effort_min": self.effort_min, "thresholds": self.thresholds,
                "value_max": self.value_max, "value_min": self.value_min}


@dataclass(frozen=True)
class MoscowSettings:
    def as_dict(self) -> dict[str, object]:
        return {}


@dataclass(frozen=True)
class GatesSettings:
    def as_dict(self) -> dict[str, object]:
        return {}


Settings = Union[DotsSettings, MatrixSettings, RankingSettings, ValueEffortSettings, MoscowSettings, GatesSettings]

KNOWN = {
    "dots": ("budget", "max_per_initiative", "must_spend_all"),
    "matrix": ("normalisation", "aggregate", "trim", "order"),
    "ranking": ("rule", "borda_variant"),
    "value_effort": ("thresholds", "value_min", "value_max", "effort_min", "effort_max"),
    "moscow": (),
    "gates": (),
}


PLAN_SETTINGS = {"plan_tie_break": ("lower_effort",)}


def default_budget(n_items: int) -> int:
    """B = clamp(floor(N/3), 1, 20)."""
    return max(1, min(n_items // 3, MAX_DEFAULT_BUDGET))


def _whole(x: object) -> int | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x
    if isinstance(x, (Fraction, Decimal)):
        q = Fraction(x) if not isinstance(x, Decimal) or x.is_finite() else None
        return int(q) if q is not None and q.denominator == 1 else None
    if isinstance(x, float):
        return int(x) if x.is_integer() else None
    return None


def _exact(x: object) -> Fraction | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    if isinstance(x, Decimal):
        return Fraction(x) if x.is_finite() else None
    if isinstance(x, float):
        return Fraction(repr(x)) if x == x and abs(x) != float("inf") else None
    return None


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    return str(value)


def _parse(method: str, raw: Mapping[str, object], n_items: int) -> tuple[Settings | None, list[tuple[str, str]]]:
    """The typed settings (None when unusable) and every (setting, problem) found."""
    problems: list[tuple[str, str]] = []
    if method not in KNOWN:
        return None, [("method", f"{_show(method)} is not a voting method")]
    for name in raw:
        if name in PLAN_SETTINGS and method != "gates":
            # Read by the plan (domain.selection), not the method: a declared tie-break for the cut line.
            if raw[name] not in PLAN_SETTINGS[name]:
                problems.append((name, f"{_show(raw[name])} must be one of {', '.join(PLAN_SETTINGS[name])}"))
            continue
        if name not in KNOWN[method]:
            expected = ", ".join(KNOWN[method]) or "none"
            problems.append((name, f"is not a setting of this method (expected: {expected})"))

    def choice(name: str, choices: tuple[str, ...], default: str) -> str:
        value = raw.get(name)
        if value is None:
            return default
        if value not in choices:
            problems.append((name, f"{_show(value)} must be one of {', '.join(choices)}"))
            return default
        return str(value)

    if method == "dots":
        b_raw = raw.get("budget")
        budget = default_budget(n_items) if b_raw is None else _whole(b_raw)
        if budget is None or not 1 <= budget <= MAX_BUDGET:
            problems.append(("budget", f"{_show(b_raw)}: the dot budget must be a whole number from 1 to {MAX_BUDGET}"))
            budget = None
        c_raw = raw.get("max_per_initiative")
        cap = (min(DEFAULT_CAP, budget) if budget else None) if c_raw is None else _whole(c_raw)
        if c_raw is not None and (cap is None or cap < 1 or (budget is not None and cap > budget)
                                  or cap > MAX_BUDGET):
            top = f"the budget of {budget}" if budget else "the budget"
            problems.append(("max_per_initiative",
                             f"{_show(c_raw)}: the most dots on one initiative must be a whole number from 1 to {top}"))
            cap = None
        spend = raw.get("must_spend_all", False)
        if not isinstance(spend, bool):
            problems.append(("must_spend_all", f"{_show(spend)} must be true or false"))
            spend = False
        if problems or budget is None or cap is None:
            return None, problems
        return DotsSettings(budget, cap, spend), problems
    if method == "matrix":
        norm = choice("normalisation", NORMALISATIONS, "minmax")
        agg = choice("aggregate", AGGREGATES, "mean")
        order = choice("order", ORDERS, "total_first")
        t_raw = raw.get("trim")
        trim = DEFAULT_TRIM if t_raw is None else _exact(t_raw)
        if trim is None or not 0 <= trim < Fraction(1, 2):
            problems.append(("trim", f"{_show(t_raw)}: the share trimmed from each end must be at least 0 and below 0.5"))
        return (None if problems else MatrixSettings(norm, agg, trim, order)), problems  # type: ignore[arg-type]
    if method == "ranking":
        rule = choice("rule", RANKING_RULES, "schulze")
        variant = choice("borda_variant", BORDA_VARIANTS, "averaged")
        return (None if problems else RankingSettings(rule, variant)), problems
    if method == "value_effort":
        thresholds = choice("thresholds", THRESHOLDS, "midpoint")
        bounds: dict[str, Fraction] = {}
        for axis in ("value", "effort"):
            for end, default in (("min", DEFAULT_SCALE[0]), ("max", DEFAULT_SCALE[1])):
                name = f"{axis}_{end}"
                value = raw.get(name)
                number = default if value is None else _exact(value)
                if number is None or abs(number) > SCALE_LIMIT:
                    problems.append((name, f"{_show(value)}: a scale end must be a number from "
                                           f"-{SCALE_LIMIT} to {SCALE_LIMIT}"))
                    number = default
                bounds[name] = number
            if bounds[f"{axis}_min"] >= bounds[f"{axis}_max"]:
                problems.append((f"{axis}_max", f"the {axis} scale's highest value ({_show(bounds[f'{axis}_max'])}) "
                                                f"must be above its lowest ({_show(bounds[f'{axis}_min'])})"))
        return (None if problems else ValueEffortSettings(thresholds, **bounds)), problems
    return (MoscowSettings() if method == "moscow" else GatesSettings()), problems


def settings_problems(method: str, raw: Mapping[str, object], n_items: int) -> list[tuple[str, str]]:
    """Every (setting name, problem) in a round's stored settings; empty when usable."""
    return _parse(method, raw, n_items)[1]


def parse_settings(method: str, raw: Mapping[str, object], n_items: int) -> Settings:
    """The round's typed settings, defaults filled in; SettingsError names each problem."""
    settings, problems = _parse(method, raw, n_items)
    if problems or settings is None:
        raise SettingsError("; ".join(f"{name}: {message}" for name, message in problems) or "unusable settings")
    return settings


def written_out(method: str, n_items: int) -> dict[str, object]:
    """The settings a new round records: every default spelled out."""
    if method == "dots":
        budget = default_budget(n_items)
        return {"budget": budget, "max_per_initiative": min(DEFAULT_CAP, budget), "must_spend_all": False}
    if method == "matrix":
        return {"normalisation": "minmax", "aggregate": "mean", "order": "total_first"}
    if method == "ranking":
        return {"rule": "schulze", "borda_variant": "averaged"}
    if method == "value_effort":
        lo, hi = (int(x) for x in DEFAULT_SCALE)
        return {"thresholds": "midpoint", "value_min": lo, "value_max": hi, "effort_min": lo, "effort_max": hi}
    if method in ("moscow", "gates"):
        return {}
    raise SettingsError(f"{method!r} is not a voting method")


def value_effort_scales(stored: Mapping[str, object]) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
    """A value/effort round's (value scale, effort scale), defaults from this module."""
    s = parse_settings("value_effort", stored, 0)
    assert isinstance(s, ValueEffortSettings)
    return s.axis("value"), s.axis("effort")
