"""Two real backend processes sharing a real Redis: presence and chat cross between them, and
the presences of a process that is killed disappear within 60 seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from vr_testkit.api import create_room, join_room
from vr_testkit.databases import redis_server
from vr_testkit.livekit import LiveKitServer
from vr_testkit.services import BackendProcess, backend_process

from .phx import PhxClient


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_share_presence_and_chat(
    livekit: LiveKitServer, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    first = backend_process(livekit, database_url, log_dir=tmp_path / "a", REDIS_URL=redis_url)
    second = backend_process(livekit, database_url, log_dir=tmp_path / "b", REDIS_URL=redis_url)
    try:
        # One after the other, so that the two do not run the migrations at the same time.
        first.start_and_wait()
        second.start_and_wait()
        await _presence_and_chat_cross_then_survive_a_crash(first, second)
    finally:
        second.stop()
        first.stop()


async def _presence_and_chat_cross_then_survive_a_crash(
    first: BackendProcess, second: BackendProcess
) -> None:
    async with httpx.AsyncClient(base_url=first.url) as http:
        host = await create_room(http, "Ada")
    async with httpx.AsyncClient(base_url=second.url) as http:
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"

    ada = await PhxClient.open(first.url)
    grace = await PhxClient.open(second.url)
    try:
        await _scenario(first, second, topic, host, guest, ada, grace)
    finally:
        await ada.close()
        await grace.close()


async def _scenario(
    first: BackendProcess,
    second: BackendProcess,
    topic: str,
    host: dict[str, Any],
    guest: dict[str, Any],
    ada: PhxClient,
    grace: PhxClient,
) -> None:
    ada_id, grace_id = host["participant_id"], guest["participant_id"]
    ada_ref, reply = await ada.join(topic, {"token": host["token"]})
    assert reply["status"] == "ok"
    grace_ref, reply = await grace.join(topic, {"token": guest["token"]})
    assert reply["status"] == "ok"

    state = await grace.event(topic, "presence_state")
    assert set(state) == {ada_id, grace_id}
    await ada.wait_for(lambda f: f[3] == "presence_diff" and grace_id in f[4]["joins"])

    for sender, ref, receiver in ((grace, grace_ref, ada), (ada, ada_ref, grace)):
        sent = (await sender.push(ref, topic, "chat", {"text": f"via {ref}"}))["response"]
        received = await receiver.wait_for(lambda f, s=sent: f[3] == "chat" and f[4] == s)
        assert received[4]["id"] == sent["id"]

    assert (await grace.push(grace_ref, topic, "hand", {"raised": True}))["status"] == "ok"
    assert (await ada.event(topic, "hand"))["participant_id"] == grace_id

    second.kill()
    killed_at = time.monotonic()
    gone = await _keep_alive_until(
        ada,
        # A leave without a join: the hand update before was a leave and a join together.
        lambda f: (
            f[3] == "presence_diff" and grace_id in f[4]["leaves"] and grace_id not in f[4]["joins"]
        ),
        within=60,
    )
    elapsed = time.monotonic() - killed_at
    print(f"presence of the killed process removed after {elapsed:.1f} s")
    assert gone[4]["leaves"][grace_id]["metas"][0]["hand_raised"] is True
    assert elapsed < 60

    late = await PhxClient.open(first.url)
    try:
        await late.join(topic, {"token": host["token"]})
        assert set(await late.event(topic, "presence_state")) == {ada_id}
    finally:
        await late.close()


async def _keep_alive_until(client: PhxClient, match: Any, within: float) -> list[Any]:
    """Waits for a frame while sending heartbeats, as phoenix.js would, for up to `within` s."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await client.wait_for(match, within=min(5.0, deadline - time.monotonic()))
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise
            await client.send(None, "phoenix", "heartbeat", {})
