"""Words that agree with their numbers: "1 initiative", "2 initiatives", "1 engineer (FTE)".

Pure, so the engine's reasons and every front end (through ``presentation``) share one rule.
"""

from __future__ import annotations

# Plural words the English "+s" rule gets wrong.
PLURALS = {"person": "people", "criterion": "criteria", "is": "are", "was": "were", "has": "have"}
_SINGULARS = {many: one for one, many in PLURALS.items()}
# Units that are the same for one and many.
_SAME = {"staff", "fte", "wte", "series", "news"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 initiative", "2 initiatives", "0 people": the count and the word that agrees with it."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or PLURALS.get(word) or word + 's'}"


def unit_for(amount, unit: str) -> str:
    """A bottleneck's unit as the facilitator typed it (usually plural: "engineers (FTE)", "days per
    month", "analyst days"), made singular for exactly one: "engineer (FTE)", "day per month",
    "analyst day". The noun that changes is the last word before "per" or a bracket, and only a
    regular English plural changes; anything else is left as typed."""
    if amount != 1 or not unit:
        return unit
    cut = min([i for i in (unit.find(" ("), unit.find(" per ")) if i >= 0] or [len(unit)])
    head, tail = unit[:cut], unit[cut:]
    before, _, word = head.rpartition(" ")
    lower = word.lower()
    if not word.isalpha() or word.isupper() or lower in _SAME:
        return unit
    if lower in _SINGULARS:
        one = _SINGULARS[lower]
    elif lower.endswith("ies") and len(lower) > 4:
        one = word[:-3] + "y"
    elif lower.endswith(("sses", "ches", "shes", "xes")):
        one = word[:-2]
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
        one = word[:-1]
    else:
        return unit
    return (before + " " if before else "") + one + tail
