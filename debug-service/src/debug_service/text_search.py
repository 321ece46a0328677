"""Full-text search words, with the same meaning in SQLite FTS5 queries and on the live stream.

A search is a list of words; a line matches when each word starts one of the line's words,
ignoring case. Splitting words like FTS5's `unicode61` tokenizer (letters and digits, everything
else separates) keeps what a viewer sees live equal to what a query returns.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
_MAX_TERMS = 16
_MAX_TERM_CHARS = 64


def search_terms(q: str | None) -> tuple[str, ...]:
    if not q:
        return ()
    terms: list[str] = []
    for word in _WORD.findall(q.lower()):
        word = word[:_MAX_TERM_CHARS]
        if word not in terms:
            terms.append(word)
    return tuple(terms[:_MAX_TERMS])


def fts_expression(terms: tuple[str, ...]) -> str:
    # Each term is quoted (so no user text is ever FTS5 syntax) and made a prefix query.
    return " ".join(f'"{term}"*' for term in terms)


def text_matches(terms: tuple[str, ...], message: str) -> bool:
    if not terms:
        return True
    words = _WORD.findall(message.lower())
    return all(any(word.startswith(term) for word in words) for term in terms)
