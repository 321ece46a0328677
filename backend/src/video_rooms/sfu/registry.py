"""The one place where configuration picks the SFU provider."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from video_rooms.settings import Settings
from video_rooms.sfu.embedded_provider import EmbeddedSfuProvider
from video_rooms.sfu.livekit import LiveKitProvider
from video_rooms.sfu.provider import RoomOptions, SfuProvider


def default_room_options(settings: Settings) -> RoomOptions:
    return RoomOptions(
        empty_timeout_seconds=settings.room_empty_timeout_seconds,
        max_participants=settings.room_max_participants,
    )


def _livekit(settings: Settings) -> SfuProvider:
    return LiveKitProvider(
        url=settings.livekit_url,
        public_url=settings.livekit_public_url,
        api_key=settings.livekit_api_key,
        api_secret=settings.livekit_api_secret,
        token_ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


def _embedded(settings: Settings) -> SfuProvider:
    return EmbeddedSfuProvider(
        url=settings.embedded_sfu_url,
        public_url=settings.embedded_sfu_public_url,
        api_key=settings.livekit_api_key,
        api_secret=settings.livekit_api_secret,
        token_ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


# To add a media server: implement `SfuProvider` in a module of its own, add it here, and
# allow its name in `Settings.sfu_provider`.
PROVIDERS: dict[str, Callable[[Settings], SfuProvider]] = {
    "livekit": _livekit,
    "embedded": _embedded,
}


def build_provider(settings: Settings) -> SfuProvider:
    return PROVIDERS[settings.sfu_provider](settings)
