"""The embedded SFU reports joins and departures to a real backend process through the
LiveKit webhook handler, so connected counts and `room_full` hold as they do with LiveKit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from vr_testkit.api import ADMIN_TOKEN
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.processes import free_port
from vr_testkit.services import BackendProcess
from vr_testkit.sfu_client import SfuClient


@dataclass
class Deployment:
    sfu: EmbeddedSfuProcess
    backend: BackendProcess


@pytest.fixture
def deployment(tmp_path: Path, sqlite_url: str) -> Iterator[Deployment]:
    backend_port = free_port()
    sfu = EmbeddedSfuProcess(
        log_dir=tmp_path,
        EMBEDDED_SFU_WEBHOOK_URL=f"http://127.0.0.1:{backend_port}/api/webhooks/livekit",
    ).start_and_wait()
    env = {
        "PORT": str(backend_port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": sqlite_url,
        "SFU_PROVIDER": "embedded",
        "EMBEDDED_SFU_URL": sfu.http_url,
        "EMBEDDED_SFU_PUBLIC_URL": sfu.ws_url,
        "LIVEKIT_API_KEY": sfu.api_key,
        "LIVEKIT_API_SECRET": sfu.api_secret,
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "ROOM_MAX_PARTICIPANTS": "2",
        "SFU_HEALTH_TTL_SECONDS": "0.2",
    }
    backend = BackendProcess(backend_port, env, tmp_path).start_and_wait()
    try:
        yield Deployment(sfu, backend)
    finally:
        backend.stop()
        sfu.stop()


@pytest.fixture
async def api(deployment: Deployment) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=deployment.backend.url, timeout=10) as client:
        yield client


async def _connected(api: httpx.AsyncClient, room_id: str) -> int:
    """How many the backend's stored state says are connected (what room_full counts)."""
    listed = await api.get("/api/rooms", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
    return next(r["participant_count"] for r in listed.json()["rooms"] if r["id"] == room_id)


async def _wait_connected(api: httpx.AsyncClient, room_id: str, wanted: int) -> None:
    seen: list[int] = []
    for _ in range(200):
        seen.append(await _connected(api, room_id))
        if seen[-1] == wanted:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"connected count never reached {wanted}: {seen[-10:]}")


async def test_connected_counts_follow_the_sfu_and_a_full_room_refuses_the_next(
    deployment: Deployment, api: httpx.AsyncClient
) -> None:
    host = (await api.post("/api/rooms", json={"participant_name": "Ada"})).json()
    room = host["room_id"]
    guest = (await api.post(f"/api/rooms/{room}/join", json={"participant_name": "Bob"})).json()
    ada = SfuClient(deployment.sfu.ws_url, room, host["token"])
    bob = SfuClient(deployment.sfu.ws_url, room, guest["token"])
    try:
        assert await _connected(api, room) == 0  # tokens handed out, nobody on the SFU yet
        await ada.join()
        await bob.join()
        await _wait_connected(api, room, 2)
        full = await api.post(f"/api/rooms/{room}/join", json={"participant_name": "Cy"})
        assert full.status_code == 409, full.text
        assert full.json()["error"]["code"] == "room_full"

        await bob.close()
        await _wait_connected(api, room, 1)
        again = await api.post(f"/api/rooms/{room}/join", json={"participant_name": "Cy"})
        assert again.status_code == 200, again.text
    finally:
        await ada.close()
        await bob.close()
