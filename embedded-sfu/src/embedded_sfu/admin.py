"""The HTTP API the backend's `embedded` provider calls (and `/health`, which anyone may).

Every `/admin/...` request carries `Authorization: Bearer <admin token>` (see admin_token.py).
Errors use the backend's shape: `{"error": {"code": ..., "message": ...}}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from vr_common.admin_tokens import AdminTokenError, verify_admin_token

from embedded_sfu.room import Room, RoomOptions, Rooms
from embedded_sfu.settings import EmbeddedSfuSettings

Handler = Callable[[Request], Awaitable[Response]]


class RoomCreate(BaseModel):
    max_participants: int = Field(ge=1, le=1000)
    empty_timeout_seconds: int = Field(ge=1)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _rooms(request: Request) -> Rooms:
    rooms: Rooms = request.app.state.rooms
    return rooms


def _settings(request: Request) -> EmbeddedSfuSettings:
    settings: EmbeddedSfuSettings = request.app.state.settings
    return settings


def _admin(handler: Handler) -> Handler:
    async def guarded(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return _error(401, "unauthorized", "an admin bearer token is required")
        settings = _settings(request)
        try:
            verify_admin_token(token, settings.api_key, settings.api_secret)
        except AdminTokenError as exc:
            return _error(401, "unauthorized", str(exc))
        return await handler(request)

    return guarded


def admin_in_production(handler: Handler) -> Handler:
    """Open in development (a scraper on this machine), the admin token in production."""
    guarded = _admin(handler)

    async def endpoint(request: Request) -> Response:
        if _settings(request).app_env == "production":
            return await guarded(request)
        return await handler(request)

    return endpoint


def _room(request: Request) -> Room | None:
    return _rooms(request).rooms.get(request.path_params["room_id"])


def _room_not_found(request: Request) -> JSONResponse:
    return _error(404, "room_not_found", f"no room {request.path_params['room_id']!r}")


async def health(request: Request) -> Response:
    rooms = _rooms(request).rooms.values()
    return JSONResponse(
        {
            "status": "ok",
            "rooms": len(rooms),
            "participants": sum(len(r.peers) for r in rooms),
        }
    )


async def create_room(request: Request) -> Response:
    try:
        body = RoomCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        return _error(422, "invalid_request", str(exc.errors()[0]["msg"]))
    options = RoomOptions(body.max_participants, body.empty_timeout_seconds)
    _rooms(request).create(request.path_params["room_id"], options)
    return Response(status_code=204)


async def delete_room(request: Request) -> Response:
    if not await _rooms(request).delete(request.path_params["room_id"]):
        return _room_not_found(request)
    return Response(status_code=204)


async def list_participants(request: Request) -> Response:
    room = _room(request)
    if room is None:
        return _room_not_found(request)
    participants = [
        {"identity": p.identity, "name": p.name, "joined_at": p.joined_at.isoformat()}
        for p in room.peers.values()
    ]
    return JSONResponse({"participants": participants})


async def remove_participant(request: Request) -> Response:
    room = _room(request)
    if room is None:
        return _error(404, "participant_not_found", "not connected to this room")
    identity = request.path_params["identity"]
    # Refused from now on, connected or not: the backend removes for good, and the token it
    # handed out stays valid for its TTL.
    room.removed.add(identity)
    peer = room.peers.get(identity)
    if peer is None:
        return _error(404, "participant_not_found", "not connected to this room")
    peer.send({"type": "closed", "reason": "removed", "message": "removed from the room"})
    await room.remove(peer)
    return Response(status_code=204)


class _HostMute(BaseModel):
    source: Literal["microphone", "camera"]


async def mute_participant(request: Request) -> Response:
    """A host muted this participant's track: stop forwarding it and tell its owner, who may
    unmute themselves (a `mute` message with `muted: false`)."""
    room = _room(request)
    peer = room.peers.get(request.path_params["identity"]) if room else None
    if room is None or peer is None:
        return _error(404, "participant_not_found", "not connected to this room")
    try:
        body = _HostMute.model_validate_json(await request.body())
    except ValidationError as exc:
        return _error(422, "invalid_request", str(exc.errors()[0]["msg"]))
    if not peer.set_muted(body.source, True):
        return _error(404, "track_not_found", f"{body.source} is not published")
    peer.publications[body.source].held = True
    peer.send({"type": "muted_by_host", "source": body.source})
    await room.tracks_changed(peer)
    return Response(status_code=204)


async def participant_stats(request: Request) -> Response:
    room = _room(request)
    peer = room.peers.get(request.path_params["identity"]) if room else None
    if peer is None:
        return _error(404, "participant_not_found", "not connected to this room")
    publications: list[dict[str, Any]] = [
        {
            "source": p.source,
            "packets_received": p.packets_received,
            "keyframes_requested": p.keyframes.sent,
            "remb_forwarded": p.remb.last_sent,
            "dropped": p.dropped,
            "nacks_sent": p.repair.nacks_sent if p.repair else 0,
            "repaired": p.repair.repaired if p.repair else 0,
        }
        for p in peer.publications.values()
    ]
    subscriptions: list[dict[str, Any]] = [
        {
            "participant": s.publication.publisher_identity,
            "source": s.publication.source,
            "packets_sent": s.packets_sent,
            "dropped": s.dropped,
            "nacks_received": s.nacks_received,
            "retransmitted": s.retransmitted,
            "retransmit_misses": s.retransmit_misses,
            "plis_received": s.plis_received,
            "remb": s.remb,
        }
        for s in peer.subscriptions.values()
    ]
    return JSONResponse({"publications": publications, "subscriptions": subscriptions})


class _Loss(BaseModel):
    rate: float = Field(ge=0.0, le=1.0)


async def set_downlink_loss(request: Request) -> Response:
    """Test hook: drop a fraction of everything forwarded to this participant."""
    return await _set_loss(request, downlink=True)


async def set_uplink_loss(request: Request) -> Response:
    """Test hook: drop a fraction of what this participant publishes, as its network would."""
    return await _set_loss(request, downlink=False)


async def _set_loss(request: Request, *, downlink: bool) -> Response:
    if not _settings(request).test_hooks:
        return _error(404, "not_found", "test hooks are disabled")
    room = _room(request)
    peer = room.peers.get(request.path_params["identity"]) if room else None
    if peer is None:
        return _error(404, "participant_not_found", "not connected to this room")
    try:
        body = _Loss.model_validate_json(await request.body())
    except ValidationError as exc:
        return _error(422, "invalid_request", str(exc.errors()[0]["msg"]))
    if downlink:
        peer.downlink_drop_rate = body.rate
        for subscription in peer.subscriptions.values():
            subscription.drop_rate = body.rate
    else:
        for publication in peer.publications.values():
            publication.drop_rate = body.rate
    return Response(status_code=204)


ROOM = "/admin/rooms/{room_id}"
PARTICIPANT = ROOM + "/participants/{identity}"
routes = [
    Route("/health", health, methods=["GET"]),
    Route(ROOM, _admin(create_room), methods=["PUT"]),
    Route(ROOM, _admin(delete_room), methods=["DELETE"]),
    Route(ROOM + "/participants", _admin(list_participants), methods=["GET"]),
    Route(PARTICIPANT, _admin(remove_participant), methods=["DELETE"]),
    Route(PARTICIPANT + "/stats", _admin(participant_stats), methods=["GET"]),
    Route(PARTICIPANT + "/mute", _admin(mute_participant), methods=["PUT"]),
    Route(PARTICIPANT + "/downlink-loss", _admin(set_downlink_loss), methods=["PUT"]),
    Route(PARTICIPANT + "/uplink-loss", _admin(set_uplink_loss), methods=["PUT"]),
]
