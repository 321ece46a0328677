"""Which rooms the backend created, kept in a file so that a restarted SFU still serves them.

The backend creates a room on the SFU when it is created or joined through the API, not when a
browser reconnects: without this file, every call would end at an SFU restart (the browsers'
rejoins would meet `room_not_found`). Only ids and options are kept; participants rejoin.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from embedded_sfu.room import RoomOptions

logger = logging.getLogger(__name__)


class RoomRegistry:
    """`path` None keeps nothing (tests that want an SFU to forget everything)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path

    def load(self) -> dict[str, RoomOptions]:
        if self._path is None or not self._path.exists():
            return {}
        try:
            stored = json.loads(self._path.read_text())
            return {
                room_id: RoomOptions(
                    int(options["max_participants"]), int(options["empty_timeout_seconds"])
                )
                for room_id, options in stored.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # A torn or hand-edited file costs the calls in progress, not the SFU's start.
            logger.warning("room registry unreadable, starting empty", extra={"error": str(exc)})
            return {}

    def save(self, rooms: dict[str, RoomOptions]) -> None:
        if self._path is None:
            return
        stored = {
            room_id: {
                "max_participants": options.max_participants,
                "empty_timeout_seconds": options.empty_timeout_seconds,
            }
            for room_id, options in rooms.items()
        }
        self._path.parent.mkdir(parents=True, exist_ok=True)
        partial = self._path.with_suffix(".partial")
        partial.write_text(json.dumps(stored))
        os.replace(partial, self._path)  # atomic: a crash leaves the old file or the new one
