"""The `embedded` provider against a real SFU process, and the app configured to use it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from video_rooms.settings import Settings
from video_rooms.sfu.embedded_provider import EmbeddedSfuProvider
from video_rooms.sfu.provider import RoomOptions, SfuUnavailable
from vr_testkit.api import ADMIN_TOKEN
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.sfu_client import SfuClient, SfuError

ClientFor = Callable[[Settings], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


def _provider(sfu: EmbeddedSfuProcess, *, secret: str | None = None) -> EmbeddedSfuProvider:
    return EmbeddedSfuProvider(
        url=sfu.http_url,
        public_url=sfu.ws_url,
        api_key=sfu.api_key,
        api_secret=secret or sfu.api_secret,
        token_ttl=timedelta(minutes=10),
    )


@pytest.fixture
async def provider(sfu: EmbeddedSfuProcess) -> AsyncIterator[EmbeddedSfuProvider]:
    provider = _provider(sfu)
    yield provider
    await provider.aclose()


async def _joined(provider: EmbeddedSfuProvider, room: str, identity: str) -> SfuClient:
    client = SfuClient(
        provider.public_url, room, provider.generate_token(room, identity, identity.title())
    )
    await client.join()
    return client


async def test_participants_are_listed_removed_and_the_room_deleted(
    provider: EmbeddedSfuProvider, room_id: str
) -> None:
    await provider.create_room(room_id, RoomOptions(empty_timeout_seconds=60, max_participants=5))
    assert await provider.list_participants(room_id) == []
    alice = await _joined(provider, room_id, "alice")
    bob = await _joined(provider, room_id, "bob")
    try:
        listed = await provider.list_participants(room_id)
        assert sorted((p.identity, p.name) for p in listed) == [("alice", "Alice"), ("bob", "Bob")]
        assert all(p.joined_at is not None for p in listed)

        await provider.remove_participant(room_id, "bob")
        closed = await bob.wait_for(lambda m: m["type"] == "closed")
        assert closed["reason"] == "removed"
        left = await alice.wait_for(lambda m: m["type"] == "participant_left")
        assert left["participant"] == "bob"
        assert [p.identity for p in await provider.list_participants(room_id)] == ["alice"]

        await provider.delete_room(room_id)
        deleted = await alice.wait_for(lambda m: m["type"] == "closed")
        assert deleted["reason"] == "room_deleted"
        assert await provider.list_participants(room_id) == []
    finally:
        await alice.close()
        await bob.close()


async def test_what_is_already_gone_is_not_an_error(
    provider: EmbeddedSfuProvider, room_id: str
) -> None:
    assert await provider.list_participants(room_id) == []
    await provider.remove_participant(room_id, "nobody")
    await provider.delete_room(room_id)


async def test_room_options_limit_the_participants(
    provider: EmbeddedSfuProvider, room_id: str
) -> None:
    await provider.create_room(room_id, RoomOptions(empty_timeout_seconds=60, max_participants=1))
    first = await _joined(provider, room_id, "first")
    try:
        with pytest.raises(SfuError) as refused:
            await _joined(provider, room_id, "second")
        assert refused.value.code == "room_full"
    finally:
        await first.close()


async def test_a_wrong_secret_is_unavailable_not_a_crash(
    sfu: EmbeddedSfuProcess, room_id: str
) -> None:
    provider = _provider(sfu, secret="wrong-" + "s" * 40)
    try:
        with pytest.raises(SfuUnavailable, match="API key/secret"):
            await provider.list_participants(room_id)
    finally:
        await provider.aclose()


async def test_health_follows_the_process(tmp_path: Path) -> None:
    sfu = EmbeddedSfuProcess(log_dir=tmp_path).start_and_wait()
    provider = _provider(sfu)
    try:
        health = await provider.health()
        assert health.ok, health
        sfu.stop()
        down = await provider.health()
        assert not down.ok
        assert down.message is not None and "unreachable" in down.message
        with pytest.raises(SfuUnavailable):
            await provider.create_room("r", RoomOptions(60, 2))
    finally:
        sfu.stop()
        await provider.aclose()


def _embedded_settings(sfu: EmbeddedSfuProcess, sqlite_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database_url": sqlite_url,
            "sfu_provider": "embedded",
            "sfu_api_key": sfu.api_key,
            "sfu_api_secret": sfu.api_secret,
            "embedded_sfu_url": sfu.http_url,
            "embedded_sfu_public_url": sfu.ws_url,
            "admin_token": ADMIN_TOKEN,
            "sfu_health_ttl_seconds": 0.2,
        }
    )


async def test_the_app_hands_out_the_embedded_sfu(
    sfu: EmbeddedSfuProcess, sqlite_url: str, client_for: ClientFor
) -> None:
    async with client_for(_embedded_settings(sfu, sqlite_url)) as api:
        created = await api.post("/api/rooms", json={"participant_name": "John"})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["sfu"] == {"provider": "embedded", "url": sfu.ws_url}
        assert body["livekit_url"] == sfu.ws_url
        status = (await api.get("/api/status")).json()
        assert status["services"]["sfu"]["status"] == "healthy"

        # The token the API handed out is accepted by the SFU, for that room only.
        client = SfuClient(body["sfu"]["url"], body["room_id"], body["token"])
        try:
            joined = await client.join()
            assert joined["participant"]["name"] == "John"
        finally:
            await client.close()


async def _refused_by_the_sfu(sfu: EmbeddedSfuProcess, room: str, token: str) -> str:
    """The code of the SFU's answer to a raw signalling join on /rtc with `token`."""
    again = SfuClient(sfu.ws_url, room, token)
    try:
        with pytest.raises(SfuError) as refused:
            await again.join()
        return refused.value.code
    finally:
        await again.close()


async def test_removing_and_ending_end_media_and_tokens_at_the_sfu(
    sfu: EmbeddedSfuProcess, sqlite_url: str, client_for: ClientFor
) -> None:
    async with client_for(_embedded_settings(sfu, sqlite_url)) as api:
        host = (await api.post("/api/rooms", json={"participant_name": "Ada"})).json()
        room = host["room_id"]
        guest = (await api.post(f"/api/rooms/{room}/join", json={"participant_name": "Bob"})).json()
        cy = (await api.post(f"/api/rooms/{room}/join", json={"participant_name": "Cy"})).json()
        host_media = SfuClient(sfu.ws_url, room, host["token"])
        guest_media = SfuClient(sfu.ws_url, room, guest["token"])
        cy_media = SfuClient(sfu.ws_url, room, cy["token"])
        try:
            await host_media.join()
            await guest_media.join()
            await cy_media.join()
            # The host removes Cy through the backend: the SFU ends Cy's media and from then
            # on refuses Cy's old token on a raw signalling join, the room still open.
            removed = await api.post(
                f"/api/rooms/{room}/participants/{cy['participant_id']}/remove",
                headers={"authorization": f"Bearer {host['token']}"},
            )
            assert removed.status_code == 204, removed.text
            closed = await cy_media.wait_for(lambda m: m["type"] == "closed", within=2.0)
            assert closed["reason"] == "removed"
            assert await _refused_by_the_sfu(sfu, room, cy["token"]) == "participant_removed"

            ended = await api.post(
                f"/api/rooms/{room}/end", headers={"authorization": f"Bearer {host['token']}"}
            )
            assert ended.status_code == 204, ended.text
            for media in (host_media, guest_media):
                closed = await media.wait_for(lambda m: m["type"] == "closed", within=2.0)
                assert closed["reason"] == "room_deleted"
            # The guest's token has most of its hour left; the SFU itself refuses it now.
            assert await _refused_by_the_sfu(sfu, room, guest["token"]) == "room_not_found"
        finally:
            for media in (host_media, guest_media, cy_media):
                await media.close()
