"""Keeps tokens (the operator's, LiveKit's) out of log lines.

Browsers pass the token in the WebSocket URL (`/ws?token=...`), and uvicorn logs the URL of
every WebSocket it accepts; without this, the token would be stored in the very logs it
protects, and shown to anyone reading them. LiveKit's clients pass theirs the same way
(`/rtc?access_token=...`), and nginx's error log quotes the request line, query included.
"""

from __future__ import annotations

import logging
import re

_TOKEN_IN_URL = re.compile(r"([?&](?:access_)?token=)[^&\s\"']*")


def redact(text: str) -> str:
    return _TOKEN_IN_URL.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrites records whose message or arguments carry `token=` in a URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(arg) if isinstance(arg, str) and "token=" in arg else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = redact(record.msg)
        return True
