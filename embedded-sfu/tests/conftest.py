"""Fixtures for the embedded SFU: one real SFU process per module, tokens, and peers.

Each test uses rooms of its own (random ids), so tests sharing the process do not meet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from vr_common.admin_tokens import issue_admin_token
from vr_testkit.embedded_sfu import EmbeddedSfuProcess, new_room_id, running_sfu
from vr_testkit.sfu_client import Peers, SfuClient


@pytest.fixture(scope="module")
def sfu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSfuProcess]:
    yield from running_sfu(tmp_path_factory.mktemp("embedded-sfu"))


@pytest.fixture
def room_id(sfu: EmbeddedSfuProcess) -> str:
    """A room of this test's own, created on the SFU as the backend would."""
    room = new_room_id()
    sfu.create_room(room)
    return room


def room_token(
    sfu: EmbeddedSfuProcess, room: str, identity: str, ttl: timedelta = timedelta(minutes=5)
) -> str:
    return sfu.room_token(room, identity, ttl)


@pytest.fixture
def token(sfu: EmbeddedSfuProcess) -> Callable[..., str]:
    """`token(room, identity, ttl=...)`: a join token signed with the SFU's key and secret."""

    def make(room: str, identity: str, ttl: timedelta = timedelta(minutes=5)) -> str:
        return room_token(sfu, room, identity, ttl)

    return make


@pytest.fixture
async def admin(sfu: EmbeddedSfuProcess) -> AsyncIterator[httpx.AsyncClient]:
    token = issue_admin_token(sfu.api_key, sfu.api_secret, timedelta(minutes=5))
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=sfu.http_url, headers=headers, timeout=5) as client:
        yield client


@pytest.fixture
async def peers(sfu: EmbeddedSfuProcess, room_id: str) -> AsyncIterator[Peers]:
    """`await peers("alice")` joins a participant to this test's room; all leave at the end."""
    clients: list[SfuClient] = []

    async def join(identity: str, room: str | None = None) -> SfuClient:
        target = room or room_id
        if target != room_id:
            sfu.create_room(target)
        client = SfuClient(sfu.ws_url, target, room_token(sfu, target, identity))
        clients.append(client)
        await client.join()
        return client

    yield join
    for client in clients:
        await client.close()
