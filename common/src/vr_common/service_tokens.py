"""Service tokens: how a server-side service proves its name to the debug service.

Derived from DEBUG_TOKEN, the secret the services and the debug service already share, and
bound to one service name: the backend's token stores lines as `backend` and nothing else, and
a service never needs the operator token (which also reads and deletes logs) to ship its lines.
"""

from __future__ import annotations

import hashlib
import hmac

# Distinguishes these tokens from anything else a future change might derive from DEBUG_TOKEN.
_PURPOSE = b"video-rooms log ingest v1:"


def service_token(debug_token: str, service: str) -> str:
    """The bearer token `service` sends with its log batches."""
    digest = hmac.new(debug_token.encode(), _PURPOSE + service.encode(), hashlib.sha256)
    return f"svc.{service}.{digest.hexdigest()}"


def service_of_token(debug_token: str, token: str) -> str | None:
    """The service a presented token was made for, or None when it is not a valid one."""
    prefix, _, rest = token.partition(".")
    service, _, _ = rest.rpartition(".")
    if prefix != "svc" or not service:
        return None
    expected = service_token(debug_token, service)
    return service if hmac.compare_digest(expected.encode(), token.encode()) else None
