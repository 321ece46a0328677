"""What nginx (config/nginx.conf, rendered as deployments render it) adds at the edge:
security headers, the room-creation rate limit, a debug service closed to the public in
production, and access logs that reach the debug service."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

if TYPE_CHECKING:
    from conftest import Stack

# Generated per run: no token, not even a test one, is written in the repository.
OPERATOR_TOKEN = secrets.token_urlsafe(36)
# The debug service in production: reading, streaming and deleting need the operator token.
DEBUG_ENV = {"APP_ENV": "production", "DEBUG_TOKEN": OPERATOR_TOKEN}

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def any_asset(stack: Stack) -> str:
    return "/assets/" + next(p.name for p in (stack.static_root / "assets").glob("*.js"))


@pytest.mark.parametrize("path", ["/", "/r/SomeRoomId00", "/logs", "asset", "/api/health"])
def test_security_headers_on_every_kind_of_response(stack: Stack, path: str) -> None:
    url = stack.url + (any_asset(stack) if path == "asset" else path)
    response = httpx.get(url)
    assert response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    policy = response.headers["permissions-policy"]
    assert "camera=(self)" in policy and "microphone=(self)" in policy
    assert "geolocation=()" in policy
    csp = content_security_policy(response)
    # Only this origin's own code and connections (the SFU's signalling included, at /rtc);
    # every browser test also fails on any violation of it (conftest's new_page).
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def content_security_policy(response: httpx.Response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def test_errors_carry_the_headers_too(stack: Stack) -> None:
    response = httpx.get(stack.url + "/api/rooms/NoSuchRoom00")
    assert response.status_code == 404
    assert response.headers["x-frame-options"] == "DENY"


def test_caching(stack: Stack) -> None:
    assert "max-age=31536000" in httpx.get(stack.url + any_asset(stack)).headers["cache-control"]
    assert httpx.get(stack.url + "/").headers["cache-control"] == "no-cache"


def test_room_creation_is_rate_limited_per_address(stack: Stack) -> None:
    statuses = []
    with httpx.Client(base_url=stack.url) as client:
        for _ in range(40):
            response = client.post("/api/rooms", json={"participant_name": "Flood"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                limited = response
        # Reading rooms is not creating them: not counted, not limited (401 without a token).
        assert client.get("/api/rooms").status_code == 401
        # Other API calls go on while creation is limited.
        assert client.get("/api/health").status_code == 200
    assert statuses.count(201) >= 20  # the burst a person could plausibly need
    assert 429 in statuses
    assert limited.json()["error"]["code"] == "too_many_requests"
    assert limited.headers["retry-after"] == "60"


def test_debug_service_is_closed_without_the_operator_token(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url + "/debug") as client:
        assert client.get("/api/health").status_code == 200
        for method, path in [("GET", "/api/logs"), ("GET", "/api/stats"), ("DELETE", "/api/logs")]:
            response = client.request(method, path)
            assert response.status_code == 401, (method, path)
            assert response.json()["error"]["code"] == "unauthorized"
        wrong = client.get("/api/logs", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        allowed = client.get("/api/logs", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
        assert allowed.status_code == 200
        # Browsers still ship their lines (rate-limited) without any token, as `frontend` only.
        entry = {"service": "frontend", "level": "info", "message": "edge test line"}
        assert client.post("/api/logs", json={"logs": [entry]}).status_code == 200
        forged = client.post("/api/logs", json={"logs": [{**entry, "service": "backend"}]})
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "service_not_allowed"


def test_live_log_stream_is_closed_without_the_operator_token(stack: Stack) -> None:
    ws_url = stack.url.replace("http://", "ws://") + "/debug/ws"

    # The sync client: Playwright's sync API keeps an event loop running in this thread, so
    # asyncio.run() is not available once a browser test has run in the session.
    code = None
    try:
        with connect(ws_url, open_timeout=5) as socket:
            socket.send('{"type": "subscribe", "filters": {}}')
            while True:
                socket.recv(timeout=5)
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
    assert code == 4401


def test_access_logs_reach_the_debug_service(stack: Stack) -> None:
    # Created at the backend itself: the rate-limit test may have used up this address's
    # room creations at nginx.
    backend = f"http://127.0.0.1:{stack.backend_port}"
    created = httpx.post(backend + "/api/rooms", json={"participant_name": "Ann"})
    assert created.status_code == 201
    room_id = created.json()["room_id"]
    assert httpx.get(f"{stack.url}/r/{room_id}?from=invite").status_code == 200
    joined = httpx.post(f"{stack.url}/api/rooms/{room_id}/join", json={"participant_name": "Bob"})
    assert joined.status_code == 200
    request_id = joined.headers["x-request-id"]  # nginx's $request_id, passed to the backend

    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

    def lines(service: str) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"service": service, "room_id": room_id, "limit": 100}
        response = httpx.get(f"{stack.debug_url}/api/logs", params=params, headers=operator)
        logs: list[dict[str, Any]] = response.json()["logs"]
        return logs

    # Both arrive in batches (nginx's datagrams, the backend's shipper): wait for them.
    deadline = time.monotonic() + 15
    nginx_lines = lines("nginx")
    backend_lines = lines("backend")
    while time.monotonic() < deadline and (
        len(nginx_lines) < 2
        or not any(line["metadata"].get("request_id") == request_id for line in backend_lines)
    ):
        time.sleep(0.2)
        nginx_lines, backend_lines = lines("nginx"), lines("backend")
    paths = {line["metadata"]["path"] for line in nginx_lines}
    # The room page is logged by the path the browser asked for, without its query.
    assert paths == {f"/r/{room_id}", f"/api/rooms/{room_id}/join"}, nginx_lines
    join_line = next(line for line in nginx_lines if "join" in line["message"])
    assert join_line["metadata"]["request_id"] == request_id
    assert join_line["metadata"]["status"] == 200
    # The backend's own lines for the same request carry the same id.
    assert any(line["metadata"].get("request_id") == request_id for line in backend_lines)
