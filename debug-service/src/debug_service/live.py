"""Fan-out of new lines and status changes to live viewers, without ever waiting for one.

`publish` runs on the event loop right after a batch is stored. It only appends to each
viewer's bounded buffer; a viewer's own task does the sending. When a viewer's buffer is full
the lines are counted instead of kept, and the viewer is told how many it missed.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence

from debug_service.entries import StoredLog
from debug_service.filters import LogFilter

# Control messages (backlog, status, errors) are rare and small; the bound only guards against
# a viewer that never reads while the operator flips services on and off.
_MAX_CONTROL = 256
# Keeps each message well under the 1 MiB that WebSocket clients accept by default.
MAX_LINES_PER_MESSAGE = 500


class Viewer:
    """One live connection's state: its filter and what is waiting to be sent to it."""

    def __init__(self, buffer_limit: int) -> None:
        self.buffer_limit = buffer_limit
        self.filter: LogFilter | None = None
        self.generation = 0
        self.awaiting_backlog = False
        self.after_id = 0
        self.pending: list[StoredLog] = []
        self.skipped = 0
        self.control: deque[str] = deque(maxlen=_MAX_CONTROL)
        self.wakeup = asyncio.Event()

    def subscribe(self, flt: LogFilter) -> int:
        """Start a new subscription; returns its generation, to pass to `backlog_sent`."""
        self.generation += 1
        self.filter = flt
        self.pending = []
        self.skipped = 0
        self.awaiting_backlog = True
        return self.generation

    def backlog_sent(self, generation: int, backlog_json: str, last_id: int) -> None:
        """Queue the backlog; live lines already in it (id <= last_id) are not sent again."""
        if generation != self.generation:
            return
        self.control.append(backlog_json)
        self.after_id = last_id
        self.awaiting_backlog = False
        self.wakeup.set()

    def offer(self, logs: Sequence[StoredLog]) -> None:
        flt = self.filter
        if flt is None:
            return
        room = self.buffer_limit - len(self.pending)
        added = False
        for log in logs:
            if not flt.matches(log):
                continue
            if room > 0:
                self.pending.append(log)
                room -= 1
                added = True
            else:
                self.skipped += 1
        if added or self.skipped:
            self.wakeup.set()

    def send_control(self, message: str) -> None:
        self.control.append(message)
        self.wakeup.set()

    def take_messages(self) -> list[str]:
        """What to send now, in order: control messages, then lines, then a skipped notice."""
        messages = list(self.control)
        self.control.clear()
        if self.awaiting_backlog:
            return messages
        # Buffered lines came before the skipped ones (the buffer only overflows at its end),
        # so the notice goes after them: at the place in the stream where lines are missing.
        if self.pending:
            lines = [log.to_json() for log in self.pending if log.id > self.after_id]
            self.pending = []
            for start in range(0, len(lines), MAX_LINES_PER_MESSAGE):
                chunk = ",".join(lines[start : start + MAX_LINES_PER_MESSAGE])
                messages.append('{"type":"logs","logs":[' + chunk + "]}")
        if self.skipped:
            messages.append(f'{{"type":"skipped","count":{self.skipped}}}')
            self.skipped = 0
        return messages


class LiveHub:
    def __init__(self, buffer_limit: int) -> None:
        self.buffer_limit = buffer_limit
        self.viewers: set[Viewer] = set()

    def connect(self) -> Viewer:
        viewer = Viewer(self.buffer_limit)
        self.viewers.add(viewer)
        return viewer

    def disconnect(self, viewer: Viewer) -> None:
        self.viewers.discard(viewer)

    def publish(self, logs: Sequence[StoredLog]) -> None:
        for viewer in self.viewers:
            viewer.offer(logs)

    def broadcast(self, message: str) -> None:
        for viewer in self.viewers:
            viewer.send_control(message)
