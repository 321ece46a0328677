"""Which lines a query or a live viewer wants: one filter type for both."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from vr_common.log_entry import LEVELS

from debug_service.entries import StoredLog, parse_level, parse_timestamp
from debug_service.text_search import search_terms, text_matches

MAX_SERVICES = 50


class InvalidFilter(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class LogFilter:
    services: frozenset[str] = frozenset()
    min_level: int = 0
    terms: tuple[str, ...] = ()
    room_id: str | None = None
    participant_id: str | None = None
    since_us: int | None = None
    until_us: int | None = None

    def matches(self, log: StoredLog) -> bool:
        return (
            log.level >= self.min_level
            and (not self.services or log.service in self.services)
            and (self.room_id is None or log.room_id == self.room_id)
            and (self.participant_id is None or log.participant_id == self.participant_id)
            and (self.since_us is None or log.ts_us >= self.since_us)
            and (self.until_us is None or log.ts_us <= self.until_us)
            and text_matches(self.terms, log.message)
        )


def _services(values: Iterable[str]) -> frozenset[str]:
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    if len(names) > MAX_SERVICES:
        raise InvalidFilter(f"at most {MAX_SERVICES} services")
    return frozenset(names)


def _time(name: str, value: str | int | float | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # A query string carries numbers as text; anything else must be ISO 8601.
        with contextlib.suppress(ValueError):
            value = float(value)
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise InvalidFilter(f"{name}: {exc}") from None


def build_filter(
    *,
    services: Iterable[str] = (),
    level: str | None = None,
    q: str | None = None,
    room_id: str | None = None,
    participant_id: str | None = None,
    since: str | int | float | None = None,
    until: str | int | float | None = None,
) -> LogFilter:
    """A filter from user input (query string or a /ws subscribe message); InvalidFilter if bad."""
    min_level = 0
    if level:
        try:
            min_level = parse_level(level)
        except ValueError as exc:
            raise InvalidFilter(f"level: {exc}") from None
    return LogFilter(
        services=_services(services),
        min_level=min_level if min_level > LEVELS["debug"] else 0,
        terms=search_terms(q),
        room_id=room_id or None,
        participant_id=participant_id or None,
        since_us=_time("since", since),
        until_us=_time("until", until),
    )
