"""The WebSocket endpoint browsers signal through (protocol: docs/embedded-sfu.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from aiortc import RTCIceServer
from starlette.websockets import WebSocket, WebSocketDisconnect
from vr_common.tokens import TokenError, verify_room_token

from embedded_sfu.ice_ports import IcePolicy
from embedded_sfu.peer import Peer
from embedded_sfu.protocol import (
    CLOSE_NORMAL,
    CLOSE_PROTOCOL_ERROR,
    CLOSE_REMOVED,
    CLOSE_ROOM_FULL,
    CLOSE_ROOM_NOT_FOUND,
    CLOSE_UNAUTHORIZED,
    Answer,
    Join,
    Json,
    Leave,
    Mute,
    Offer,
    Ping,
    ProtocolError,
    error,
    parse_client_message,
)
from embedded_sfu.room import Room, Rooms
from embedded_sfu.turn_credentials import TurnRelay

logger = logging.getLogger(__name__)

JOIN_TIMEOUT = 10.0
_CLOSE_CODES = {
    "invalid_token": CLOSE_UNAUTHORIZED,
    "token_expired": CLOSE_UNAUTHORIZED,
    "wrong_room": CLOSE_UNAUTHORIZED,
    "room_full": CLOSE_ROOM_FULL,
    "room_not_found": CLOSE_ROOM_NOT_FOUND,
    "participant_removed": CLOSE_REMOVED,
}


@dataclass(frozen=True)
class SignallingConfig:
    api_key: str
    api_secret: str
    ice_servers: list[RTCIceServer]
    answer_timeout: float
    ice_policy: IcePolicy = field(default_factory=IcePolicy)
    turn: TurnRelay | None = None

    def browser_ice_servers(self, identity: str) -> list[Json]:
        """What a browser's connections use: our STUN servers, then the TURN relay with
        credentials of this participant's own."""
        servers: list[Json] = [
            {"urls": s.urls, "username": s.username, "credential": s.credential}
            for s in self.ice_servers
        ]
        if self.turn is not None:
            servers.append(self.turn.ice_server(identity))
        return servers


class _Closing(Exception):
    """The session ends; the message saying why is already in the outbox."""


def _token_error_code(exc: TokenError) -> str:
    text = str(exc)
    if "expired" in text:
        return "token_expired"
    if "another room" in text:
        return "wrong_room"
    return "invalid_token"


class Connection:
    """One WebSocket: an ordered outbox (every send goes through it) and the request loop.

    A `closed` message, or an error that ends the session, closes the socket once it is
    written, so the client always reads why before the socket goes.
    """

    def __init__(self, websocket: WebSocket, rooms: Rooms, config: SignallingConfig) -> None:
        self._ws = websocket
        self._rooms = rooms
        self._config = config
        self._outbox: asyncio.Queue[Json] = asyncio.Queue()
        self.peer: Peer | None = None
        self.room: Room | None = None

    def send(self, message: Json) -> None:
        self._outbox.put_nowait(message)

    async def _write(self) -> None:
        while True:
            message = await self._outbox.get()
            await self._ws.send_json(message)
            code: int | None = None
            if message["type"] == "closed":
                code = CLOSE_NORMAL if message.get("reason") == "left" else CLOSE_REMOVED
            elif message["type"] == "error" and message["fatal"]:
                code = _CLOSE_CODES.get(str(message["code"]), CLOSE_PROTOCOL_ERROR)
            if code is not None:
                await self._ws.close(code)
                return

    async def serve(self) -> None:
        await self._ws.accept()
        writer = asyncio.create_task(self._write())
        reader = asyncio.create_task(self._read())
        try:
            # Whichever ends first ends the session: the client (reader) or a close (writer).
            await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, writer):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                    await task
            if self.room is not None and self.peer is not None:
                await self.room.remove(self.peer)
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self._ws.close()

    async def _read(self) -> None:
        try:
            await self._join()
            await self._loop()
        except WebSocketDisconnect:
            return
        except _Closing:
            # Park until the writer has sent the last words and closed the socket.
            await asyncio.Event().wait()

    async def _join(self) -> None:
        try:
            text = await asyncio.wait_for(self._ws.receive_text(), JOIN_TIMEOUT)
            message = parse_client_message(text)
        except TimeoutError as exc:
            message_text = f"no join message within {JOIN_TIMEOUT:.0f} s"
            self.send(error("join_timeout", message_text, fatal=True))
            raise _Closing from exc
        except ProtocolError as exc:
            self.send(error(exc.code, exc.message, fatal=True))
            raise _Closing from exc
        if not isinstance(message, Join):
            self.send(error("not_joined", "the first message must be a join", fatal=True))
            raise _Closing
        try:
            claims = verify_room_token(
                message.token,
                api_key=self._config.api_key,
                api_secret=self._config.api_secret,
                room_id=message.room,
            )
        except TokenError as exc:
            code = _token_error_code(exc)
            self.send(error(code, str(exc), fatal=True))
            raise _Closing from exc
        room = self._rooms.get(message.room)
        if room is None:
            # Never created by the backend, ended by its host, or forgotten once empty.
            self.send(error("room_not_found", f"no room {message.room!r} here", fatal=True))
            raise _Closing
        if claims.participant_id in room.removed:
            self.send(error("participant_removed", "removed from this room", fatal=True))
            raise _Closing
        existing = room.peers.get(claims.participant_id)
        if existing is None and len(room.peers) >= room.options.max_participants:
            full = f"the room has {len(room.peers)} participants"
            self.send(error("room_full", full, fatal=True))
            raise _Closing
        if existing is not None:
            existing.send({"type": "closed", "reason": "replaced", "message": "joined elsewhere"})
            await room.remove(existing)
        self.peer = Peer(
            identity=claims.participant_id,
            name=claims.name,
            send=self.send,
            ice_servers=self._config.ice_servers,
            answer_timeout=self._config.answer_timeout,
            ice_policy=self._config.ice_policy,
            room_id=room.id,
        )
        self.room = room
        self.send(
            {
                "type": "joined",
                "room": room.id,
                "participant": self.peer.describe(),
                "participants": [p.describe() for p in room.peers.values()],
                "ice_servers": self._config.browser_ice_servers(self.peer.identity),
            }
        )
        await room.add(self.peer)

    async def _loop(self) -> None:
        assert self.peer is not None and self.room is not None
        peer, room = self.peer, self.room
        while not peer.closed:
            text = await self._ws.receive_text()
            try:
                message = parse_client_message(text)
                if isinstance(message, Offer):
                    answer = await peer.publish(message.sdp, message.tracks)
                    self.send({"type": "answer", "sdp": answer})
                    await room.tracks_changed(peer)
                elif isinstance(message, Answer):
                    await peer.accept_answer(message.sdp)
                elif isinstance(message, Mute):
                    if not peer.set_muted(message.source, message.muted):
                        raise ProtocolError("unknown_source", f"{message.source} is not published")
                    publication = peer.publications[message.source]
                    if not message.muted and publication.held:
                        publication.held = False
                        if publication.kind == "video":
                            # Forwarding resumes mid-stream: subscribers need a keyframe.
                            await publication.keyframes.request()
                    await room.tracks_changed(peer)
                elif isinstance(message, Ping):
                    self.send({"type": "pong"})
                elif isinstance(message, Leave):
                    self.send({"type": "closed", "reason": "left", "message": "goodbye"})
                    raise _Closing
                else:
                    raise ProtocolError("already_joined", "this connection has joined already")
            except ProtocolError as exc:
                if exc.code == "bad_offer":
                    # The publish connection was discarded with its tracks; tell the others.
                    await room.tracks_changed(peer)
                self.send(error(exc.code, exc.message))
