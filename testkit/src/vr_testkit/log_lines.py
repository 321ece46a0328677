"""Waiting for a line in the debug service's store: browsers ship their lines in batches
(every two seconds), so a test polls until the line it expects is stored."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

LogLine = dict[str, Any]


def wait_for_line(
    debug_url: str, room_id: str, matches: Callable[[LogLine], bool], timeout: float = 15
) -> LogLine:
    """The first stored line of `room_id` that `matches`; AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        logs: list[LogLine] = httpx.get(
            f"{debug_url}/api/logs", params={"room_id": room_id, "limit": 1000}
        ).json()["logs"]
        found = [line for line in logs if matches(line)]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no such line for room {room_id} in /logs within {timeout} s")
        time.sleep(0.2)
