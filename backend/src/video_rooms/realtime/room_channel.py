"""`room:{room_id}`: presence, chat with history, raised hands, reactions, and ending the room.

Joined with the participant's room token (the one the REST API issued). Events and payloads
are listed in `docs/realtime.md`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt

from video_rooms.ids import is_well_formed_room_id
from video_rooms.logging_setup import participant_id_var, room_id_var
from video_rooms.realtime import lobby_channel
from video_rooms.realtime.channel import Channel, JoinRefused, Reply, error, ok
from video_rooms.realtime.connection import Connection
from video_rooms.realtime.host_actions import (
    PARTICIPANT_REMOVED,
    given_role,
    lock,
    mute,
    mute_source,
    remove_participant,
    set_role,
)
from video_rooms.realtime.lobby_actions import HOSTS_ONLY
from video_rooms.realtime.presence import PRESENCE_STATE, Entry
from video_rooms.realtime.protocol import Payload
from video_rooms.rooms.errors import RoomError

if TYPE_CHECKING:
    from video_rooms.realtime.runtime import Realtime

logger = logging.getLogger(__name__)

MAX_CHAT_LENGTH = 2000
MAX_REACTION_LENGTH = 16
# How a browser reaches the SFU, as its stats name it (frontend services/webrtc-stats.ts).
CONNECTION_PATHS = ("udp", "tcp", "turn-udp", "turn-tcp", "turn-tls")
ROOM_CLOSED = "room:closed"


class RoomChannel(Channel):
    def __init__(
        self, topic: str, join_ref: str | None, conn: Connection, realtime: Realtime
    ) -> None:
        super().__init__(topic, join_ref, conn)
        self.room_id = topic.removeprefix("room:")
        self._rt = realtime
        self.participant_id = ""
        self.name = ""
        self.is_host = False
        self._entry: Entry | None = None
        self._subscribed = False
        # Broadcasts that arrive between subscribing and the join reply wait here, so that
        # the client sees its join reply and presence_state first.
        self._held: list[tuple[str, Any, str]] | None = []
        self._history_ids: set[int] = set()
        self._terminated = False

    async def join(self, payload: Payload) -> Payload:
        if not is_well_formed_room_id(self.room_id):
            raise JoinRefused("invalid_room_id", "A room id is 1-64 letters, digits, '-' or '_'.")
        token = payload.get("token")
        if not isinstance(token, str) or not token:
            raise JoinRefused("unauthorized", "Join with {token: <your room token>}.")
        try:
            claims = self._rt.rooms.verify_token(self.room_id, token)
        except RoomError as exc:
            raise JoinRefused(exc.code, exc.message) from exc
        self.participant_id, self.name = claims.participant_id, claims.name
        self._log_context()
        # Subscribe before reading state and history, so nothing falls between the two.
        await self._rt.pubsub.subscribe(self.topic, self)
        self._subscribed = True
        try:
            member = await self._rt.rooms.member(self.room_id, claims)
        except RoomError as exc:
            raise JoinRefused(exc.code, exc.message) from exc
        self.is_host = member.is_host
        roles = await self._rt.rooms.hosts.roles(self.room_id)
        locked = await self._rt.rooms.is_locked(self.room_id)
        history = await self._rt.store.history(self.room_id)
        self._history_ids = {message.id for message in history}
        self._entry = await self._rt.presence.track(
            self.topic,
            self.participant_id,
            {
                "name": self.name,
                "joined_at": datetime.now(UTC).isoformat(),
                "hand_raised": False,
                "path": None,
            },
        )
        logger.info("joined room channel")
        return {
            "participant_id": self.participant_id,
            "name": self.name,
            "is_host": self.is_host,
            "roles": roles,
            "locked": locked,
            "token_expires_at": _expiry(token),
            "messages": [message.public() for message in history],
        }

    async def after_join(self) -> None:
        self.push(PRESENCE_STATE, await self._rt.presence.state(self.topic))
        held, self._held = self._held or [], None
        for event, payload, frame in held:
            self.deliver(event, payload, frame)
        self._history_ids = set()

    def deliver(self, event: str, payload: Any, frame: str) -> None:
        if self._held is not None:
            self._held.append((event, payload, frame))
            return
        if event == "chat" and isinstance(payload, dict) and payload.get("id") in self._history_ids:
            return  # already in the history of the join reply
        if event in HOSTS_ONLY and not self.is_host:
            return
        self.conn.send(frame)
        if event == ROOM_CLOSED or (
            event == PARTICIPANT_REMOVED
            and isinstance(payload, dict)
            and payload.get("participant_id") == self.participant_id
        ):
            # Spawned, so that the host's own reply is queued before the phx_close.
            self.conn.spawn(self.close())

    async def handle_in(self, event: str, payload: Payload) -> Reply:
        self._log_context()
        match event:
            case "chat":
                return await self._chat(payload)
            case "hand":
                return await self._hand(payload)
            case "path":
                return await self._path(payload)
            case "reaction":
                return await self._reaction(payload)
            case "end_room":
                return await self._end_room()
            case "renew_token":
                return await self._renew_token()
            case "remove_participant":
                return await self._remove(payload)
            case "mute_participant" | "mute_all":
                return await self._mute(payload, everyone=event == "mute_all")
            case "set_role":
                return await self._set_role(payload)
            case "lock_room":
                return await self._lock(payload)
            case _ if event in lobby_channel.EVENTS:
                return await lobby_channel.handle(
                    self._rt, self.room_id, self.participant_id, event, payload
                )
            case _:
                return error("unknown_event", f"The room channel has no event {event!r}.")

    async def terminate(self) -> None:
        if self._terminated:
            return
        self._terminated = True
        if self._entry is not None:
            entry, self._entry = self._entry, None
            await self._rt.presence.untrack(self.topic, entry)
        if self._subscribed:
            self._subscribed = False
            await self._rt.pubsub.unsubscribe(self.topic, self)

    async def _chat(self, payload: Payload) -> Reply:
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip():
            return error("invalid_message", "Send {text: <a non-empty string>}.")
        if len(text) > MAX_CHAT_LENGTH:
            return error("message_too_long", f"A message is at most {MAX_CHAT_LENGTH} characters.")
        message = await self._rt.store.add_message(
            self.room_id, self.participant_id, self.name, text
        )
        public = message.public()
        await self._rt.pubsub.broadcast(self.topic, "chat", public)
        return ok(public)

    async def _hand(self, payload: Payload) -> Reply:
        raised = payload.get("raised")
        if not isinstance(raised, bool):
            return error("invalid_hand", "Send {raised: true | false}.")
        if await self._set_meta("hand_raised", raised):
            await self._rt.pubsub.broadcast(
                self.topic,
                "hand",
                {"participant_id": self.participant_id, "name": self.name, "raised": raised},
            )
        return ok({"raised": raised})

    async def _path(self, payload: Payload) -> Reply:
        # Each browser knows only its own path to the SFU; announcing it in presence lets the
        # others' tiles say "Bob is relayed over TLS" instead of how Bob's media reaches them.
        path = payload.get("path")
        if path not in CONNECTION_PATHS:
            return error("invalid_path", f"Send {{path: {' | '.join(CONNECTION_PATHS)}}}.")
        await self._set_meta("path", path)
        return ok({"path": path})

    async def _set_meta(self, key: str, value: object) -> bool:
        """Change one field of this socket's presence; False when it already had that value."""
        if self._entry is None or self._entry.meta.get(key) == value:
            return False
        meta = {k: v for k, v in self._entry.meta.items() if not k.startswith("phx_ref")}
        meta[key] = value
        self._entry = await self._rt.presence.update(self.topic, self._entry, meta)
        return True

    async def _reaction(self, payload: Payload) -> Reply:
        emoji = payload.get("emoji")
        if (
            not isinstance(emoji, str)
            or not emoji.strip()
            or len(emoji) > MAX_REACTION_LENGTH
            or any(char.isspace() for char in emoji)
        ):
            return error(
                "invalid_reaction", f"Send {{emoji: <1-{MAX_REACTION_LENGTH} characters>}}."
            )
        reaction = {
            "participant_id": self.participant_id,
            "name": self.name,
            "emoji": emoji,
            "sent_at": datetime.now(UTC).isoformat(),
        }
        await self._rt.pubsub.broadcast(self.topic, "reaction", reaction)
        return ok()

    async def _end_room(self) -> Reply:
        try:
            closed_at = await self._rt.rooms.end(self.room_id, self.participant_id)
        except RoomError as exc:
            return error(exc.code, exc.message)
        await self._rt.room_ended(self.room_id, self.participant_id, closed_at)
        return ok()

    async def _remove(self, payload: Payload) -> Reply:
        target = payload.get("participant_id")
        if not isinstance(target, str) or not target:
            return error("invalid_request", "Send {participant_id: <who to remove>}.")
        try:
            await remove_participant(self._rt, self.room_id, self.participant_id, target)
        except RoomError as exc:
            return error(exc.code, exc.message)
        return ok()

    async def _mute(self, payload: Payload, *, everyone: bool) -> Reply:
        source = mute_source(payload)
        target = payload.get("participant_id")
        if source is None or (not everyone and (not isinstance(target, str) or not target)):
            return error(
                "invalid_request",
                "Send {source: microphone | camera} (and participant_id, but for mute_all).",
            )
        try:
            muted = await mute(
                self._rt,
                self.room_id,
                self.participant_id,
                None if everyone else str(target),
                source,
            )
        except RoomError as exc:
            return error(exc.code, exc.message)
        return ok({"muted": muted})

    async def _set_role(self, payload: Payload) -> Reply:
        target, role = payload.get("participant_id"), given_role(payload)
        if not isinstance(target, str) or not target or role is None:
            return error("invalid_request", "Send {participant_id, role: cohost | participant}.")
        try:
            await set_role(self._rt, self.room_id, self.participant_id, target, role)
        except RoomError as exc:
            return error(exc.code, exc.message)
        return ok()

    async def _lock(self, payload: Payload) -> Reply:
        locked = payload.get("locked")
        if not isinstance(locked, bool):
            return error("invalid_request", "Send {locked: true | false}.")
        try:
            await lock(self._rt, self.room_id, self.participant_id, locked)
        except RoomError as exc:
            return error(exc.code, exc.message)
        return ok({"locked": locked})

    async def _renew_token(self) -> Reply:
        try:
            token = await self._rt.rooms.renew_token(self.room_id, self.participant_id, self.name)
        except RoomError as exc:
            return error(exc.code, exc.message)
        return ok({"token": token, "expires_at": _expiry(token)})

    def _log_context(self) -> None:
        room_id_var.set(self.room_id)
        participant_id_var.set(self.participant_id or None)


def _expiry(token: str) -> str | None:
    """When a token (already verified, or just made) expires, for the client to renew it."""
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    if not isinstance(exp, int | float):
        return None
    return datetime.fromtimestamp(exp, UTC).isoformat()
