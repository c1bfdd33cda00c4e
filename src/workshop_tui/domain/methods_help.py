"""Plain-language "how the scores were computed" text for exports and help."""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from workshop_tui.domain import rules
from workshop_tui.domain.numbers import display

_NORMALISATION = {
    "minmax": "Each score is placed on its criterion's own scale from 0 (the lowest possible score) to 1 (the highest), then multiplied by the criterion's share of the weights and added up, so a total runs from 0 to 1.",
    "ratio": "Each person's weighted score is divided by the weighted maximum, so a total is a fraction of the best possible score (it cannot go below the scale's floor, e.g. 0.2 on a 1–5 scale).",
    "sum_of_max": "Each person's scores are added up and divided by the sum of the maximum scores, as on a paper form. This ignores the weights, and criteria with longer scales count for more.",
    "weighted_sum": "Each score is multiplied by its criterion's share of the weights and added up, in the scale's own units. This is only fair when every criterion uses the same scale.",
}
_AGGREGATE = {
    "mean": "the average",
    "median": "the middle value (the average of the two middle values when the count is even)",
    "trimmed_mean": "the average after setting aside the most extreme {trim} of scores at each end",
}
_RULES = {
    "schulze": "Ballots are compared head to head: for every pair, how many people put one above the other. The Schulze method then follows the strongest chains of these majorities to order everything; where it cannot separate two initiatives they are shown as tied.",
    "copeland": "Ballots are compared head to head, and each initiative scores one point for every other initiative a majority put below it, minus one for every one a majority put above it.",
}
_BORDA = {
    "averaged": "Each ballot gives points by position (the top of n initiatives gets n−1, the bottom 0); tied or unranked initiatives share the points of the places they cover, so ranking only a few gains nothing.",
    "zero": "Each ballot gives points by position (the top of n initiatives gets n−1); tied initiatives share their places' points and unranked ones get nothing.",
    "mbc": "Modified Borda: on a ballot that ranks k initiatives, the top gets k points, the next k−1 and so on; unranked ones get nothing, so ranking more gives more points.",
}


def explain(method: str, settings: Mapping[str, object] | None = None) -> str:
    """One paragraph, for a board member, on how ``method`` turned votes into scores.

    ``settings`` should be the effective settings recorded with the result.
    """
    s = dict(settings or {})
    if method == "dots":
        budget, cap = s.get("budget"), s.get("max_per_initiative")
        spend = " Everyone had to spend all their dots." if s.get("must_spend_all") else ""
        return (
            f"Each person placed up to {budget} dots, at most {cap} on any one initiative.{spend} "
            "Initiatives are ordered by total dots; when totals are equal, by how many people gave them any dots; "
            "if that is equal too they are shown as tied. Blank and invalid ballots are counted and reported but not tallied."
        )
    if method == "matrix":
        norm = str(s.get("normalisation", "minmax"))
        agg = str(s.get("aggregate", "mean"))
        trim = s.get("trim", Fraction(1, 5))
        trim_pct = display(Fraction(str(trim)) * 100) if isinstance(trim, (int, float, Fraction)) else "20"
        how = _AGGREGATE.get(agg, agg).format(trim=f"{trim_pct} %")
        if s.get("order", "total_first") == "criterion_first":
            order = f"The room's score takes {how} of everyone's score on each criterion first, then combines the criteria."
        else:
            order = f"Each person's total is worked out first; the room's score is {how}, taken over those totals."
        return (
            f"People scored each initiative against each criterion. Cost-type criteria are reversed so that a higher score is always better. "
            f"{_NORMALISATION.get(norm, '')} {order} Equal scores are separated by the highest-weighted criterion, otherwise shown as tied. "
            "A person who left a criterion blank for an initiative is left out of that initiative's total."
        )
    if method == "ranking":
        rule = str(s.get("rule", "schulze"))
        if rule == "borda":
            text = _BORDA.get(str(s.get("borda_variant", "averaged")), "")
            body = f"{text} The points from all ballots are added up."
        else:
            body = _RULES.get(rule, "")
        return (
            f"Each person ranked the initiatives, best first; equal places and leaving some out were allowed, and "
            f"initiatives left off a ballot count as tied below the ranked ones. {body} "
            "The Condorcet winner, the initiative a majority prefers to every other, is reported when there is one."
        )
    if method == "value_effort":
        lo_v, hi_v = rules.value_effort_scales(s)[0]
        if s.get("thresholds", "midpoint") == "median":
            line = "the middle of the initiatives' own scores (so half are 'high' on each axis)"
        else:
            line = "the midpoint of each scale"
        return (
            f"People scored each initiative's value ({display(lo_v)}–{display(hi_v)}) and effort. Each initiative is placed by the room's "
            f"median value and median effort, and the lines are drawn at {line}; a point on a line counts as high. "
            "Quick wins (high value, low effort) come first, then major projects, fill-ins and thankless tasks."
        )
    if method == "moscow":
        return (
            "Each person put every initiative in Must, Should, Could or Won't have this time. The room's category is the middle "
            "answer, taking the lower of the two middle answers when the count is even, so it never overstates support. "
            "The effort shares follow DSDM guidance: more than 60 % of the effort in Musts, or less than 20 % in Coulds, is flagged as a risk."
        )
    if method == "gates":
        return (
            "Each gate is a show-stopper question. An initiative fails a gate if anyone recorded a fail against it, with their note; "
            "a gate nobody assessed is not a failure. Initiatives that fail a gate are left out of the plan."
        )
    raise ValueError(f"unknown method {method!r}")
