"""Structured logging: every line carries the request, room and participant it belongs to.

The ids live in context variables, set once per request (or per webhook), so that code deep in
the call stack logs them without passing them around.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from vr_common.log_entry import record_fields
from vr_common.log_shipping import (
    LogShippingHandler,
    install_log_shipping,
    uninstall_log_shipping,
)

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
room_id_var: ContextVar[str | None] = ContextVar("room_id", default=None)
participant_id_var: ContextVar[str | None] = ContextVar("participant_id", default=None)


class ContextFilter(logging.Filter):
    """Copies the context ids onto each record unless the call site passed its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (
            ("request_id", request_id_var),
            ("room_id", room_id_var),
            ("participant_id", participant_id_var),
        ):
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class KeyValueFormatter(logging.Formatter):
    """Readable in a terminal, still greppable by field."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in record_fields(record).items())
        line = (
            f"{self.formatTime(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        )
        if fields:
            line = f"{line} [{fields}]"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


_shipping: LogShippingHandler | None = None


def configure_logging(
    level: str,
    *,
    json_lines: bool,
    debug_service_url: str | None = None,
    debug_token: str | None = None,
) -> None:
    """Log to stderr, and to the debug service when its URL is given. Safe to call again (the
    ASGI module and `__main__` both call it in a one-process server): it replaces, not adds."""
    global _shipping
    root = logging.getLogger()
    root.setLevel(level.upper())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    handler.addFilter(ContextFilter())
    root.handlers[:] = [handler]
    if _shipping is not None:
        uninstall_log_shipping(_shipping, loggers=("",))
        _shipping = None
    if debug_service_url:
        _shipping = install_log_shipping(
            debug_service_url,
            "backend",
            token=debug_token,
            loggers=("",),
            filters=(ContextFilter(),),
        )
    # uvicorn's own access log is replaced by ours (with request ids); keep its error log.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
