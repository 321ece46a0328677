"""Who may read, stream and delete logs, and who is exempt from the ingest rate limit."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import HTTPConnection

from debug_service.settings import Settings


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def presented_token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # Browsers cannot set headers on a WebSocket, so the token may come in the query string.
    return conn.query_params.get("token") or None


class AccessPolicy:
    def __init__(self, settings: Settings) -> None:
        self._token = settings.debug_token.encode()
        self._development = not settings.production

    def is_operator(self, conn: HTTPConnection) -> bool:
        token = presented_token(conn)
        return token is not None and hmac.compare_digest(token.encode(), self._token)

    def is_trusted(self, conn: HTTPConnection) -> bool:
        """May read, stream and delete logs, and ingest without a rate limit."""
        if self._development and _is_loopback(conn.client.host if conn.client else None):
            return True
        return self.is_operator(conn)
