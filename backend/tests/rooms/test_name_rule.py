"""The schema's name pattern and the server's name check are one rule."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from video_rooms.rooms.name_rule import NAME_MAX_LENGTH, name_pattern, name_problem


def checked(name: str) -> bool:
    return name_problem(name.strip()) is None


def matched(name: str) -> bool:
    return re.search(name_pattern(), name) is not None


SPACE = st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x1f"])
padded = st.tuples(st.text(SPACE, max_size=3), st.text(max_size=70), st.text(SPACE, max_size=3))


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("John", True),
        (" " + "é" * NAME_MAX_LENGTH + " ", True),
        ("\t\u2028John\n", True),
        ("Jo hn", True),
        ("J" * (NAME_MAX_LENGTH + 1), False),
        ("", False),
        (" \u3000 ", False),
        ("Jo\thn", False),
        ("Jo\u200bhn", False),
        ("rtl\u202eoverride", False),
        ("tag\U000e0041", False),
        ("emoji \U0001f600", True),
    ],
)
def test_edge_cases(name: str, valid: bool) -> None:
    assert checked(name) is valid
    assert matched(name) is valid


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), padded.map("".join)))
def test_pattern_agrees_with_the_check(name: str) -> None:
    assert matched(name) == checked(name)
