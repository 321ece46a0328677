"""Room tokens and webhooks in LiveKit's format, signed with the API key pair.

LiveKit speaks this format, and the embedded SFU speaks it too (it verifies the same join
tokens and signs its participant events the same way), so both providers inherit it. A media
server with a format of its own implements these three methods in its provider instead.
"""

from __future__ import annotations

from datetime import timedelta

from livekit.api import TokenVerifier, WebhookReceiver
from vr_common.tokens import RoomTokenClaims, issue_room_token, verify_room_token

from video_rooms.sfu.provider import SfuEvent, SfuEventRejected


class LiveKitFormat:
    def __init__(self, *, api_key: str, api_secret: str, token_ttl: timedelta) -> None:
        self._api_key = api_key
        self._api_secret = api_secret
        self._token_ttl = token_ttl

    def generate_token(self, room_id: str, participant_id: str, participant_name: str) -> str:
        return issue_room_token(
            api_key=self._api_key,
            api_secret=self._api_secret,
            room_id=room_id,
            participant_id=participant_id,
            participant_name=participant_name,
            ttl=self._token_ttl,
        )

    def verify_token(self, token: str, room_id: str) -> RoomTokenClaims:
        return verify_room_token(
            token, api_key=self._api_key, api_secret=self._api_secret, room_id=room_id
        )

    def read_event(self, body: bytes, authorization: str) -> SfuEvent:
        receiver = WebhookReceiver(TokenVerifier(self._api_key, self._api_secret))
        try:
            # LiveKit sends the JWT bare (no "Bearer"); accept both.
            event = receiver.receive(
                body.decode("utf-8", errors="replace"),
                authorization.removeprefix("Bearer ").strip(),
            )
        except Exception as exc:  # the SDK raises bare Exceptions for hash mismatches
            raise SfuEventRejected(str(exc)) from exc
        return SfuEvent(
            kind=event.event,
            room_id=event.room.name if event.HasField("room") else "",
            participant_id=event.participant.identity if event.HasField("participant") else "",
            event_id=event.id,
        )
