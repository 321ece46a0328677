"""The handover after the SFU reported someone gone, held back for a grace period.

An SFU's `participant_left` also comes for a host whose network dropped for a moment; the room
is handed over only if no host is back once `host_handover_grace_seconds` have passed since the
last departure. A host who leaves on purpose (REST leave) is handed over at once (the route
does that). The wait lives in the process that got the webhook: one that stops meanwhile drops
it, and the room is checked again on the next departure.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from video_rooms.logging_setup import room_id_var
from video_rooms.realtime import host_actions

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

logger = logging.getLogger(__name__)


class HandoverTimer:
    def __init__(self, rt: Realtime, grace_seconds: float) -> None:
        self._rt = rt
        self._grace = grace_seconds
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()

    async def after_departure(self, room_id: str) -> None:
        """Someone's media left `room_id`: hand it over once the grace period has passed
        without a host (each departure starts the period again)."""
        if self._grace <= 0:
            await self._hand_over(room_id)
            return
        earlier = self._timers.pop(room_id, None)
        if earlier is not None:
            earlier.cancel()
        loop = asyncio.get_running_loop()
        self._timers[room_id] = loop.call_later(self._grace, self._start, room_id)

    def _start(self, room_id: str) -> None:
        del self._timers[room_id]
        task = asyncio.create_task(self._checked_hand_over(room_id))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _checked_hand_over(self, room_id: str) -> None:
        try:
            await self._hand_over(room_id)
        except Exception:
            logger.exception("handover check failed")

    async def _hand_over(self, room_id: str) -> None:
        room_id_var.set(room_id)
        handover = await self._rt.rooms.hosts.hand_over(room_id)
        await host_actions.announce_handover(self._rt, room_id, handover)

    async def aclose(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
