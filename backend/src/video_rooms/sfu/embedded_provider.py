"""The embedded SFU (`embedded_sfu`, its own process) as the app's SFU.

Talks to the SFU's admin API over HTTP with a short-lived admin JWT signed with the same API
key and secret as room tokens; browsers connect to its signalling WebSocket (`public_url`).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
from vr_common.admin_tokens import issue_admin_token

from video_rooms.sfu.livekit_format import LiveKitFormat
from video_rooms.sfu.provider import (
    MutableSource,
    RoomOptions,
    SfuHealth,
    SfuParticipant,
    SfuUnavailable,
)

# Short enough that a dead SFU turns into a 503 quickly rather than a hanging request.
_API_TIMEOUT = httpx.Timeout(3.0, connect=1.0)
_HEALTH_TIMEOUT = httpx.Timeout(1.0)
_ADMIN_TOKEN_TTL = timedelta(minutes=5)


class EmbeddedSfuProvider(LiveKitFormat):
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
        self._client = httpx.AsyncClient(base_url=self._url, timeout=_API_TIMEOUT)
        self._admin_token = ""
        self._admin_token_expires = 0.0

    @property
    def name(self) -> str:
        return "embedded"

    @property
    def public_url(self) -> str:
        return self._public_url

    async def create_room(self, room_id: str, opts: RoomOptions) -> None:
        body = {
            "max_participants": opts.max_participants,
            "empty_timeout_seconds": opts.empty_timeout_seconds,
        }
        await self._call("PUT", f"/admin/rooms/{room_id}", json=body)

    async def delete_room(self, room_id: str) -> None:
        await self._call("DELETE", f"/admin/rooms/{room_id}", missing_ok=True)

    async def list_participants(self, room_id: str) -> list[SfuParticipant]:
        response = await self._call("GET", f"/admin/rooms/{room_id}/participants", missing_ok=True)
        if response.status_code == 404:  # the SFU forgets empty rooms; nobody is connected
            return []
        return [
            SfuParticipant(
                identity=p["identity"],
                name=p["name"],
                joined_at=datetime.fromisoformat(p["joined_at"]) if p.get("joined_at") else None,
            )
            for p in response.json()["participants"]
        ]

    async def remove_participant(self, room_id: str, participant_id: str) -> None:
        path = f"/admin/rooms/{room_id}/participants/{participant_id}"
        await self._call("DELETE", path, missing_ok=True)

    async def mute_track(self, room_id: str, participant_id: str, source: MutableSource) -> bool:
        path = f"/admin/rooms/{room_id}/participants/{participant_id}/mute"
        response = await self._call("PUT", path, json={"source": source}, missing_ok=True)
        return response.status_code != 404

    async def health(self) -> SfuHealth:
        started = time.perf_counter()
        try:
            response = await self._client.get("/health", timeout=_HEALTH_TIMEOUT)
            ok = response.status_code == 200
            message = None if ok else f"embedded SFU answered HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            ok = False
            message = f"embedded SFU at {self._url} is unreachable ({type(exc).__name__})"
        latency = (time.perf_counter() - started) * 1000
        return SfuHealth(ok=ok, latency_ms=round(latency, 2), message=message)

    async def aclose(self) -> None:
        await self._client.aclose()

    def _bearer(self) -> str:
        # Reused until a minute before it expires: one JWT signature per few minutes, not per call.
        now = time.time()
        if now > self._admin_token_expires - 60:
            self._admin_token = issue_admin_token(self._api_key, self._api_secret, _ADMIN_TOKEN_TTL)
            self._admin_token_expires = now + _ADMIN_TOKEN_TTL.total_seconds()
        return f"Bearer {self._admin_token}"

    async def _call(
        self, method: str, path: str, *, json: object = None, missing_ok: bool = False
    ) -> httpx.Response:
        """One admin call; transport failures, 5xx and a refused key become SfuUnavailable."""
        try:
            response = await self._client.request(
                method, path, json=json, headers={"authorization": self._bearer()}
            )
        except httpx.HTTPError as exc:
            raise SfuUnavailable(f"embedded SFU at {self._url} is unreachable") from exc
        if response.status_code == 404 and missing_ok:
            return response
        if response.status_code in (401, 403):
            raise SfuUnavailable("embedded SFU rejected our API key/secret")
        if response.status_code >= 400:
            raise SfuUnavailable(
                f"embedded SFU failed: HTTP {response.status_code} {response.text[:200]}"
            )
        return response
