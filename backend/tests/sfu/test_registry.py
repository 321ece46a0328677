"""The SFU configured from the environment as operators do: under the SFU-neutral names
(SFU_API_KEY, SFU_API_SECRET, SFU_URL, SFU_PUBLIC_URL) and under the seed's LIVEKIT_* names,
against a real livekit-server and a real embedded SFU (a wrong pair is refused by either)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from video_rooms.settings import Settings
from video_rooms.sfu.provider import RoomOptions, SfuProvider
from video_rooms.sfu.registry import build_provider
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.livekit import LiveKitServer
from vr_testkit.sfu_client import SfuClient

SFU_NAMES = (
    "SFU_PROVIDER",
    "SFU_API_KEY",
    "SFU_API_SECRET",
    "SFU_URL",
    "SFU_PUBLIC_URL",
    "LIVEKIT_API_KEY",
    "LIVEKIT_API_SECRET",
    "LIVEKIT_URL",
    "LIVEKIT_PUBLIC_URL",
    "EMBEDDED_SFU_URL",
    "EMBEDDED_SFU_PUBLIC_URL",
)
OPTIONS = RoomOptions(empty_timeout_seconds=60, max_participants=4)


def provider_from(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> SfuProvider:
    for name in SFU_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return build_provider(Settings(_env_file=None))  # type: ignore[call-arg]


def livekit_env(livekit: LiveKitServer, style: str) -> dict[str, str]:
    if style == "seed":
        return {
            "LIVEKIT_API_KEY": livekit.api_key,
            "LIVEKIT_API_SECRET": livekit.api_secret,
            "LIVEKIT_URL": livekit.http_url,
            "LIVEKIT_PUBLIC_URL": livekit.ws_url,
        }
    neutral = {
        "SFU_API_KEY": livekit.api_key,
        "SFU_API_SECRET": livekit.api_secret,
        "SFU_URL": livekit.http_url,
        "SFU_PUBLIC_URL": livekit.ws_url,
    }
    if style == "both":
        # The neutral names win: the seed's are wrong here, and LiveKit would refuse them.
        neutral |= {
            "LIVEKIT_API_KEY": "not-the-key",
            "LIVEKIT_API_SECRET": "not-the-secret-not-the-secret-00",
            "LIVEKIT_URL": "http://127.0.0.1:9",
        }
    return neutral


@pytest.mark.parametrize("style", ["seed", "neutral", "both"])
async def test_livekit_under_either_name(
    livekit: LiveKitServer, monkeypatch: pytest.MonkeyPatch, style: str, room_id: str
) -> None:
    provider = provider_from(monkeypatch, livekit_env(livekit, style))
    try:
        assert (provider.name, provider.public_url) == ("livekit", livekit.ws_url)
        await provider.create_room(room_id, OPTIONS)  # LiveKit checks the pair
        token = provider.generate_token(room_id, "p-1", "Ann")
        assert provider.verify_token(token, room_id).participant_id == "p-1"
        assert await provider.list_participants(room_id) == []
        await provider.delete_room(room_id)
    finally:
        await provider.aclose()


@pytest.mark.parametrize("style", ["own", "neutral"])
async def test_embedded_under_either_name(
    sfu: EmbeddedSfuProcess, monkeypatch: pytest.MonkeyPatch, style: str, room_id: str
) -> None:
    if style == "own":
        env = {
            "LIVEKIT_API_KEY": sfu.api_key,
            "LIVEKIT_API_SECRET": sfu.api_secret,
            "EMBEDDED_SFU_URL": sfu.http_url,
            "EMBEDDED_SFU_PUBLIC_URL": sfu.ws_url,
        }
    else:
        env = {
            "SFU_API_KEY": sfu.api_key,
            "SFU_API_SECRET": sfu.api_secret,
            "SFU_URL": sfu.http_url,
            "SFU_PUBLIC_URL": sfu.ws_url,
            "EMBEDDED_SFU_URL": "http://127.0.0.1:9",
        }
    provider = provider_from(monkeypatch, {"SFU_PROVIDER": "embedded", **env})
    try:
        assert (provider.name, provider.public_url) == ("embedded", sfu.ws_url)
        await provider.create_room(room_id, OPTIONS)  # the admin API checks the pair
        client = SfuClient(sfu.ws_url, room_id, provider.generate_token(room_id, "p-1", "Ann"))
        try:
            assert (await client.join())["participant"]["name"] == "Ann"
        finally:
            await client.close()
        await provider.delete_room(room_id)
    finally:
        await provider.aclose()


def test_an_unregistered_provider_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError, match="must be one of embedded, livekit"):
        provider_from(monkeypatch, {"SFU_PROVIDER": "janus"})
