"""The fast indented encoder gives exactly the standard library's text (the session file format)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_tui.sessionfile import indented_json

ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from([
    "},\n  {", "}, {", '"', "\\", "\n", "\u2028", "\x00\x1f", "=1+1", "<b>x</b>", "\U0001F600", "a" * 5000, ""])
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | ODD_TEXT)
FLAT_OBJECT = st.dictionaries(ODD_TEXT, SCALARS, min_size=1, max_size=5)
DOCUMENTS = st.recursive(
    SCALARS | st.lists(FLAT_OBJECT, max_size=4),  # lists of flat objects: the fast path for votes
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
    max_leaves=40)


def library(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_same_text_as_the_standard_library(doc):
    assert indented_json.dumps(doc) == library(doc)


@pytest.mark.parametrize("doc", [
    [], {}, [[]], [{}], {"a": []}, [{"a": 1}, {}], [{"a": 1}, {"b": [1]}], [{"x": "},\n    {"}, {"y": None}],
    {"votes": [{"participant": "p1", "value": 3}, {"participant": "p2", "value": 2.5}]},
    {1: "int key"}, {None: 1, True: 2, 1.5: 3}, (1, 2), [(1, [2])], {"nested": {"deeper": [1, {"k": "v"}]}},
    float("nan"), "plain", 7, True, None,
])
def test_same_text_for_edge_shapes(doc):
    assert indented_json.dumps(doc) == library(doc)


class Sub(int):
    pass


def test_subclasses_and_unknown_values_are_the_library_s_to_judge():
    assert indented_json.dumps([Sub(3), {"k": Sub(4)}]) == library([Sub(3), {"k": Sub(4)}])
    with pytest.raises(TypeError):
        indented_json.dumps({"k": object()})


def test_a_cycle_is_refused_as_the_library_refuses_it():
    loop: list = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        indented_json.dumps(loop)
    shared = {"a": 1}
    assert indented_json.dumps([shared, {"k": [shared, shared]}]) == library([shared, {"k": [shared, shared]}])
