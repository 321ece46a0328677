"""LiveKit as the SFU, through the official `livekit-api` server SDK."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import aiohttp
from livekit import api

from video_rooms.sfu.livekit_format import LiveKitFormat
from video_rooms.sfu.provider import (
    MutableSource,
    RoomOptions,
    SfuHealth,
    SfuParticipant,
    SfuUnavailable,
)

T = TypeVar("T")
_TRACK_SOURCES = {"microphone": api.TrackSource.MICROPHONE, "camera": api.TrackSource.CAMERA}

# Short enough that a dead LiveKit turns into a 503 quickly rather than a hanging request.
_API_TIMEOUT = aiohttp.ClientTimeout(total=3.0, connect=1.0)
_HEALTH_TIMEOUT = aiohttp.ClientTimeout(total=1.0)


class LiveKitProvider(LiveKitFormat):
    def __init__(
        self,
        *,
        url: str,
        public_url: str,
        api_key: str,
        api_secret: str,
        token_ttl: timedelta,
    ) -> None:
        super().__init__(api_key=api_key, api_secret=api_secret, token_ttl=token_ttl)
        self._url = url.rstrip("/")
        self._public_url = public_url
        # aiohttp sessions must be created inside the running event loop, so lazily.
        self._client: api.LiveKitAPI | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def name(self) -> str:
        return "livekit"

    @property
    def public_url(self) -> str:
        return self._public_url

    def _api(self) -> api.LiveKitAPI:
        if self._client is None:
            self._client = api.LiveKitAPI(
                self._url, self._api_key, self._api_secret, timeout=_API_TIMEOUT, failover=False
            )
        return self._client

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_HEALTH_TIMEOUT)
        return self._session

    async def create_room(self, room_id: str, opts: RoomOptions) -> None:
        request = api.CreateRoomRequest(
            name=room_id,
            empty_timeout=opts.empty_timeout_seconds,
            max_participants=opts.max_participants,
        )
        await self._call(self._api().room.create_room(request))

    async def delete_room(self, room_id: str) -> None:
        try:
            await self._call(self._api().room.delete_room(api.DeleteRoomRequest(room=room_id)))
        except api.TwirpError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    async def list_participants(self, room_id: str) -> list[SfuParticipant]:
        try:
            response = await self._call(
                self._api().room.list_participants(api.ListParticipantsRequest(room=room_id))
            )
        except api.TwirpError as exc:
            if exc.status == 404:  # LiveKit forgets empty rooms; nobody is connected
                return []
            raise
        return [
            SfuParticipant(
                identity=p.identity,
                name=p.name,
                joined_at=datetime.fromtimestamp(p.joined_at, UTC) if p.joined_at else None,
            )
            for p in response.participants
        ]

    async def remove_participant(self, room_id: str, participant_id: str) -> None:
        request = api.RoomParticipantIdentity(room=room_id, identity=participant_id)
        try:
            await self._call(self._api().room.remove_participant(request))
        except api.TwirpError as exc:
            if exc.status != 404:  # not connected (any more) is what we wanted
                raise

    async def mute_track(self, room_id: str, participant_id: str, source: MutableSource) -> bool:
        identity = api.RoomParticipantIdentity(room=room_id, identity=participant_id)
        try:
            info = await self._call(self._api().room.get_participant(identity))
        except api.TwirpError as exc:
            if exc.status == 404:
                return False
            raise
        wanted = _TRACK_SOURCES[source]
        tracks = [t for t in info.tracks if t.source == wanted]
        for track in tracks:
            request = api.MuteRoomTrackRequest(
                room=room_id, identity=participant_id, track_sid=track.sid, muted=True
            )
            await self._call(self._api().room.mute_published_track(request))
        return bool(tracks)

    async def health(self) -> SfuHealth:
        started = time.perf_counter()
        try:
            async with self._http().get(self._url + "/") as response:
                ok = response.status == 200
                message = None if ok else f"LiveKit answered HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, message = False, f"LiveKit at {self._url} is unreachable ({type(exc).__name__})"
        latency = (time.perf_counter() - started) * 1000
        return SfuHealth(ok=ok, latency_ms=round(latency, 2), message=message)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(self, request: Awaitable[T]) -> T:
        """Await a server API call; transport failures and LiveKit 5xx become SfuUnavailable."""
        try:
            return await request
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SfuUnavailable(f"LiveKit at {self._url} is unreachable") from exc
        except api.TwirpError as exc:
            if exc.status >= 500:
                raise SfuUnavailable(f"LiveKit failed: {exc.message}") from exc
            if exc.status in (401, 403):
                raise SfuUnavailable("LiveKit rejected our API key/secret") from exc
            raise
