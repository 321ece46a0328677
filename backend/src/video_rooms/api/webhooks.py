"""LiveKit webhooks: the room's stored state follows what happens on the media server."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Request, Response, Security
from fastapi.security import APIKeyHeader
from livekit.api import TokenVerifier, WebhookReceiver

from video_rooms.api.errors import ApiError, error_responses, unauthorized
from video_rooms.logging_setup import participant_id_var, room_id_var
from video_rooms.rooms.repository import RoomRepository

router = APIRouter(
    prefix="/api/webhooks", tags=["webhooks"], responses=error_responses(400, 401, 413, 415, 422)
)
logger = logging.getLogger(__name__)
# LiveKit signs each webhook with a JWT in the Authorization header, sent bare (no "Bearer").
webhook_signature = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="LiveKitWebhookSignature",
    description="LiveKit's signed JWT over the body's SHA-256, from the shared API secret.",
)


@router.post("/livekit", status_code=204)
async def livekit_webhook(
    request: Request, authorization: Annotated[str | None, Security(webhook_signature)]
) -> Response:
    if not authorization:
        raise unauthorized("Webhook without a signature (Authorization header).")
    settings = request.app.state.settings
    body = (await request.body()).decode("utf-8", errors="replace")
    receiver = WebhookReceiver(TokenVerifier(settings.livekit_api_key, settings.livekit_api_secret))
    try:
        # LiveKit sends the JWT bare (no "Bearer"); accept both.
        event = receiver.receive(body, authorization.removeprefix("Bearer ").strip())
    except Exception as exc:  # the SDK raises bare Exceptions for hash mismatches
        raise unauthorized(f"Webhook signature rejected: {exc}") from exc
    repo: RoomRepository = request.app.state.room_repository
    room_id = event.room.name if event.HasField("room") else ""
    identity = event.participant.identity if event.HasField("participant") else ""
    room_id_var.set(room_id or None)
    participant_id_var.set(identity or None)
    if event.event == "participant_joined" and identity:
        await repo.mark_connected(room_id, identity)
        await request.app.state.room_service.enforce_removal(room_id, identity)
    elif event.event == "participant_left" and identity:
        await repo.mark_left(room_id, identity)
    elif event.event == "room_finished" and room_id:
        await repo.mark_all_left(room_id)
    elif not event.event:
        raise ApiError(400, "invalid_webhook", "Webhook without an event name.")
    if room_id:
        # The connected count changed: the next join here must see it, not the cached one
        # (a room at its limit would otherwise hand out a token LiveKit then refuses).
        request.app.state.room_service.forget_room(room_id)
    logger.info(
        "livekit webhook %s", event.event, extra={"event": event.event, "webhook_id": event.id}
    )
    return Response(status_code=204)
