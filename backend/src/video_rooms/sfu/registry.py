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
        url=settings.sfu_url or settings.livekit_url,
        public_url=settings.sfu_public_url or settings.livekit_public_url,
        api_key=settings.sfu_api_key,
        api_secret=settings.sfu_api_secret,
        token_ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


def _embedded(settings: Settings) -> SfuProvider:
    return EmbeddedSfuProvider(
        url=settings.sfu_url or settings.embedded_sfu_url,
        public_url=settings.sfu_public_url or settings.embedded_sfu_public_url,
        api_key=settings.sfu_api_key,
        api_secret=settings.sfu_api_secret,
        token_ttl=timedelta(seconds=settings.token_ttl_seconds),
    )


# To add a media server: implement `SfuProvider` in a module of its own and add it here
# (SFU_PROVIDER accepts every name in this table; SFU_URL and SFU_PUBLIC_URL configure it).
PROVIDERS: dict[str, Callable[[Settings], SfuProvider]] = {
    "livekit": _livekit,
    "embedded": _embedded,
}


def build_provider(settings: Settings) -> SfuProvider:
    return PROVIDERS[settings.sfu_provider](settings)
