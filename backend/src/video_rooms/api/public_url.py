"""The absolute `livekit_url` the original clients need, from `sfu.url` and the request.

The seed's React client passes `livekit_url` unchanged to livekit-client's `Room.connect`,
which needs an absolute `ws://`/`wss://` URL; our own frontend may get a path on the app's
origin in `sfu.url`. The scheme and host are the request's as nginx forwards them (uvicorn
applies `X-Forwarded-Proto` only from the proxies in `forwarded_allow_ips`).
"""

from __future__ import annotations

from fastapi import Request

_WS_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}


def absolute_ws_url(url: str, request: Request) -> str:
    """`url` if absolute (http(s) written as ws(s)), else joined to the request's origin."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in _WS_SCHEMES:
        return f"{_WS_SCHEMES[scheme]}://{rest}"
    ws_scheme = _WS_SCHEMES.get(request.url.scheme, "ws")
    host = request.headers.get("host") or request.url.netloc
    path = url if url.startswith("/") else f"/{url}"
    return f"{ws_scheme}://{host}{path}"
