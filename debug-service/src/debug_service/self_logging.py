"""The service's own log lines go into its own store, as service `debug`.

A logging handler may be called from any thread and must never wait, so it only appends to a
bounded deque; a task on the event loop moves what has gathered into the pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections import deque

from vr_common.log_entry import LogLimits, record_to_entry

from debug_service.entries import NewLog, make_entry
from debug_service.pipeline import LogPipeline

SERVICE_NAME = "debug"


class SelfLogHandler(logging.Handler):
    def __init__(self, limits: LogLimits, max_pending: int = 10_000) -> None:
        super().__init__()
        self.limits = limits
        self.pending: deque[NewLog] = deque(maxlen=max_pending)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # The same entry the other services ship, trimmed to this service's own limits,
            # so that make_entry never refuses it.
            entry = make_entry(
                **record_to_entry(record, SERVICE_NAME, self.limits),
                limits=self.limits,
                now_us=time.time_ns() // 1000,
            )
        except Exception:
            self.handleError(record)
            return
        self.pending.append(entry)

    def take(self) -> list[NewLog]:
        taken: list[NewLog] = []
        while self.pending:
            try:
                taken.append(self.pending.popleft())
            except IndexError:
                break
        return taken

    async def run(self, pipeline: LogPipeline, interval_s: float = 0.2) -> None:
        """Forever: store what the handler gathered."""
        while True:
            await asyncio.sleep(interval_s)
            entries = self.take()
            if entries:
                try:
                    await pipeline.ingest(entries)
                except Exception as exc:
                    # Not through logging: that would feed this failure back into this loop.
                    sys.stderr.write(f"debug-service: cannot store its own log lines: {exc}\n")
