"""Media server webhooks: the room's stored state follows what happens on the SFU.

The provider checks the signature and reads the event (`SfuProvider.read_event`), so this route
knows no SFU's format. `/api/webhooks/livekit` is the path LiveKit deployments are configured
with; `/api/webhooks/sfu` is the same handler under a name that fits every provider.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response, Security
from fastapi.security import APIKeyHeader

from video_rooms.api.errors import ApiError, error_responses, unauthorized
from video_rooms.rooms.service import RoomService
from video_rooms.sfu.provider import SfuEventRejected, SfuProvider

router = APIRouter(
    prefix="/api/webhooks", tags=["webhooks"], responses=error_responses(400, 401, 413, 415, 422)
)
# LiveKit (and the embedded SFU, in the same format) signs each webhook with a JWT in the
# Authorization header, sent bare (no "Bearer").
webhook_signature = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="LiveKitWebhookSignature",
    description="LiveKit's signed JWT over the body's SHA-256, from the shared API secret.",
)
Signature = Annotated[str | None, Security(webhook_signature)]


async def _receive(request: Request, authorization: str | None) -> Response:
    if not authorization:
        raise unauthorized("Webhook without a signature (Authorization header).")
    sfu: SfuProvider = request.app.state.sfu
    try:
        event = sfu.read_event(await request.body(), authorization)
    except SfuEventRejected as exc:
        raise unauthorized(f"Webhook signature rejected: {exc}") from exc
    if not event.kind:
        raise ApiError(400, "invalid_webhook", "Webhook without an event name.")
    rooms: RoomService = request.app.state.room_service
    if await rooms.apply_sfu_event(event):
        await request.app.state.realtime.handover.after_departure(event.room_id)
    return Response(status_code=204)


@router.post("/sfu", status_code=204)
async def sfu_webhook(request: Request, authorization: Signature) -> Response:
    return await _receive(request, authorization)


@router.post("/livekit", status_code=204)
async def livekit_webhook(request: Request, authorization: Signature) -> Response:
    return await _receive(request, authorization)
