"""The signalling messages, as typed models (the prose is in docs/embedded-sfu.md).

Client messages are validated here and nowhere else; server messages are built by the small
functions below so that every field name appears once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

Source = Literal["microphone", "camera", "screen"]

# WebSocket close codes (4000-4999 are the application's own).
CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 4000
CLOSE_UNAUTHORIZED = 4001
CLOSE_REMOVED = 4002
CLOSE_ROOM_FULL = 4003
CLOSE_ROOM_NOT_FOUND = 4004


class _Message(BaseModel):
    # Strict: "yes" is not a boolean and 1 is not a string; a client bug should show as one.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class Join(_Message):
    type: Literal["join"]
    room: str = Field(min_length=1, max_length=200)
    token: str = Field(min_length=1, max_length=8192)


class Offer(_Message):
    type: Literal["offer"]
    sdp: str = Field(min_length=1, max_length=200_000)
    tracks: dict[str, Source] = Field(default_factory=dict, max_length=8)


class Answer(_Message):
    type: Literal["answer"]
    sdp: str = Field(min_length=1, max_length=500_000)


class Mute(_Message):
    type: Literal["mute"]
    source: Source
    muted: bool


class Leave(_Message):
    type: Literal["leave"]


class Ping(_Message):
    type: Literal["ping"]


ClientMessage = Annotated[Join | Offer | Answer | Mute | Leave | Ping, Field(discriminator="type")]
_client_message: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


class ProtocolError(Exception):
    """A request the server refuses; `code` is the stable, machine-readable part."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_client_message(text: str | bytes) -> ClientMessage:
    try:
        return _client_message.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        raise ProtocolError("bad_message", f"{where}: {first['msg']}") from exc


Json = dict[str, object]


def error(code: str, message: str, *, fatal: bool = False) -> Json:
    """A refused request. `fatal` errors are followed by the server closing the socket."""
    return {"type": "error", "code": code, "message": message, "fatal": fatal}


def closed(reason: str, message: str) -> Json:
    return {"type": "closed", "reason": reason, "message": message}
