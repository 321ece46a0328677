"""The service's own log lines go into its own store, as service `debug`.

A logging handler may be called from any thread and must never wait, so it only appends to a
bounded deque; a task on the event loop moves what has gathered into the pipeline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections import deque
from typing import Any

from debug_service.entries import EntryLimits, EntryProblem, NewLog, make_entry
from debug_service.pipeline import LogPipeline

SERVICE_NAME = "debug"
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def level_name(levelno: int) -> str:
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    return "info" if levelno >= logging.INFO else "debug"


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def record_metadata(record: logging.LogRecord) -> dict[str, Any]:
    metadata: dict[str, Any] = {"logger": record.name}
    for key, value in vars(record).items():
        if key not in _STANDARD_ATTRS and not key.startswith("_"):
            metadata[key] = _json_safe(value)
    if record.exc_info and record.exc_info[0] is not None:
        metadata["exception"] = logging.Formatter().formatException(record.exc_info)
    return metadata


class SelfLogHandler(logging.Handler):
    def __init__(self, limits: EntryLimits, max_pending: int = 10_000) -> None:
        super().__init__()
        self.limits = limits
        self.pending: deque[NewLog] = deque(maxlen=max_pending)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()[: self.limits.max_message_chars]
            entry = make_entry(
                timestamp=record.created,
                service=SERVICE_NAME,
                level=level_name(record.levelno),
                message=message,
                metadata=record_metadata(record),
                limits=self.limits,
                now_us=time.time_ns() // 1000,
            )
        except EntryProblem:
            entry = make_entry(
                timestamp=record.created,
                service=SERVICE_NAME,
                level="error",
                message=record.getMessage()[: self.limits.max_message_chars],
                metadata={"logger": record.name, "note": "metadata too large, dropped"},
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
