"""`livekit_url` is absolute for the original clients even when `sfu.url` is a path."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from starlette.requests import Request
from video_rooms.api.public_url import absolute_ws_url
from video_rooms.settings import Settings
from vr_testkit.api import create_room
from vr_testkit.livekit import LiveKitServer

ClientFor = Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]]


def _request(scheme: str, host: str) -> Request:
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": ("10.0.0.1", 4000),
        "path": "/api/rooms",
        "headers": [(b"host", host.encode())],
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("url", "scheme", "host", "expected"),
    [
        ("/", "http", "localhost:8080", "ws://localhost:8080/"),
        ("/", "https", "rooms.example", "wss://rooms.example/"),
        ("/rtc", "https", "rooms.example", "wss://rooms.example/rtc"),
        ("wss://sfu.example", "http", "localhost:8080", "wss://sfu.example"),
        ("http://127.0.0.1:7880", "https", "rooms.example", "ws://127.0.0.1:7880"),
        ("https://sfu.example/", "http", "localhost", "wss://sfu.example/"),
    ],
)
def test_absolute_ws_url(url: str, scheme: str, host: str, expected: str) -> None:
    assert absolute_ws_url(url, _request(scheme, host)) == expected


async def test_path_public_url_gives_absolute_livekit_url_on_create_and_join(
    livekit: LiveKitServer,
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    client_for: ClientFor,
) -> None:
    settings = make_settings(livekit, sqlite_url, livekit_public_url="/")
    async with client_for(settings) as api:
        api.base_url = httpx.URL("https://rooms.example")
        room = await create_room(api, "John")
        assert room["sfu"]["url"] == "/"
        assert room["livekit_url"] == "wss://rooms.example/"
        joined = await api.post(
            f"/api/rooms/{room['room_id']}/join", json={"participant_name": "Jane"}
        )
        assert joined.status_code == 200, joined.text
        assert joined.json()["livekit_url"] == "wss://rooms.example/"
