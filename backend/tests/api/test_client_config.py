"""`GET /api/config` tells the page the server's https address, when it has one."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from pydantic import ValidationError
from video_rooms.settings import Settings
from vr_testkit.livekit import LiveKitServer

ClientFor = Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_config_gives_the_https_url_make_up_sets(
    livekit: LiveKitServer,
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    client_for: ClientFor,
) -> None:
    settings = make_settings(livekit, sqlite_url, public_https_url="https://192.168.1.20:8443")
    async with client_for(settings) as api:
        response = await api.get("/api/config")
    assert response.status_code == 200
    assert response.json() == {"https_url": "https://192.168.1.20:8443"}


async def test_config_without_an_https_url_says_null(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/config")
    assert response.status_code == 200
    assert response.json() == {"https_url": None}


@pytest.mark.parametrize(
    "url", ["http://192.168.1.20:8080", "https://host/path", "javascript:alert(1)"]
)
def test_only_an_https_origin_is_accepted(url: str) -> None:
    # The page turns it into a link: anything but an https origin is refused at start.
    with pytest.raises(ValidationError):
        Settings(public_https_url=url)


def test_an_empty_https_url_is_unset() -> None:
    # env.example writes an unset value as an empty one.
    assert Settings(public_https_url="").public_https_url is None
