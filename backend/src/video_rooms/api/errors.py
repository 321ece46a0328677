"""One error shape for every failure: `{"error": {"code", "message"}}` with the right status.

The one place that turns failures into HTTP: the API's own (`ApiError`) and the rooms domain's
(`RoomError`, by its class in `_ROOM_ERROR_STATUS`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from video_rooms.rooms.errors import (
    InvalidRoomToken,
    LobbyRequestNotFound,
    MediaServerUnavailable,
    NotHost,
    ParticipantLeft,
    ParticipantNotFound,
    ParticipantRemoved,
    RoleNotChangeable,
    RoomClosed,
    RoomError,
    RoomFull,
    RoomLocked,
    RoomNotFound,
    SessionTooLong,
    TrackNotFound,
)

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An expected failure that the client is told about."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorPublic(BaseModel):
    """The body of every error response, declared in the OpenAPI description of each route."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI `responses` for the error statuses a router's routes can answer."""
    return {status: {"model": ErrorPublic} for status in statuses}


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


_ROOM_ERROR_STATUS: dict[type[RoomError], int] = {
    RoomNotFound: 404,
    ParticipantNotFound: 404,
    InvalidRoomToken: 401,
    NotHost: 403,
    ParticipantRemoved: 403,
    TrackNotFound: 404,
    LobbyRequestNotFound: 404,
    RoomFull: 409,
    RoleNotChangeable: 409,
    RoomLocked: 423,
    RoomClosed: 410,
    ParticipantLeft: 410,
    SessionTooLong: 410,
    MediaServerUnavailable: 503,
}


def room_error_status(exc: RoomError) -> int:
    for kind in type(exc).__mro__:
        status = _ROOM_ERROR_STATUS.get(kind)
        if status is not None:
            return status
    return 400


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        location = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        message = str(err.get("msg", "invalid"))
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message)

    async def room_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RoomError)
        return error_response(room_error_status(exc), exc.code, exc.message)

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if any(tuple(err.get("loc", ()))[:2] == ("path", "room_id") for err in exc.errors()):
            return error_response(
                400, "invalid_room_id", "A room id is 1-64 letters, digits, '-' or '_'."
            )
        return error_response(422, "invalid_request", _describe_validation(exc))

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The stack trace goes to the log, never to the client.
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RoomError, room_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
