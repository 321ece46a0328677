"""What a participant's display name may be: the check the API applies, and the same rule as
one regular expression for the OpenAPI schema.

A name is trimmed first (whitespace as `str.strip` sees it), then must be 1 to
`NAME_MAX_LENGTH` characters, none of them a control, format (zero-width, bidi override) or
line/paragraph separator character: those render differently from what they are. A plain
`maxLength` would count the whitespace a client may send around a name, so the schema states
the rule as a pattern instead, built from the same character sets as the check: clients and
schema-driven test generators (schemathesis) get exactly the rule the server applies.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable, Iterator

NAME_MAX_LENGTH = 64
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def name_problem(trimmed: str) -> str | None:
    """Why `trimmed` (a name after `str.strip`) is not a valid name, or None if it is."""
    if not trimmed:
        return "must not be empty"
    if len(trimmed) > NAME_MAX_LENGTH:
        return f"must be at most {NAME_MAX_LENGTH} characters"
    if any(unicodedata.category(ch) in FORBIDDEN_CATEGORIES for ch in trimmed):
        return "must not contain control characters"
    return None


def _ranges(keep: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
    start = previous = -2
    for code in range(sys.maxunicode + 1):
        if not keep(chr(code)):
            continue
        if code != previous + 1:
            if start >= 0:
                yield start, previous
            start = code
        previous = code
    if start >= 0:
        yield start, previous


def _char(code: int) -> str:
    # \uXXXX means the same to Python's `re` and to ECMA-262 (the schema's dialect); a
    # character beyond the BMP has no escape both share, so it stands as itself.
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


def _class_body(ranges: Iterator[tuple[int, int]]) -> str:
    return "".join(
        _char(first) if first == last else f"{_char(first)}-{_char(last)}" for first, last in ranges
    )


@functools.cache
def name_pattern() -> str:
    """The rule as a regular expression: any whitespace, then 1 to 64 characters that are not
    forbidden, starting and ending with one that is not whitespace, then any whitespace.
    (Built on first use: scanning every code point takes a good part of a second.)"""
    space = _class_body(_ranges(str.isspace))
    forbidden = _class_body(_ranges(lambda ch: unicodedata.category(ch) in FORBIDDEN_CATEGORIES))
    edge = f"[^{space}{forbidden}]"
    inner = f"[^{forbidden}]{{0,{NAME_MAX_LENGTH - 2}}}"
    return f"^[{space}]*{edge}(?:{inner}{edge})?[{space}]*$"
