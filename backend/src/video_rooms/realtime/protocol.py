"""The Phoenix Channels v2 JSON serializer: every frame is `[join_ref, ref, topic, event, payload]`.

Only text frames carry this format; the v2 binary format (for ArrayBuffer payloads) has no use
here, so a binary frame is a protocol error like any other malformed frame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PHX_JOIN = "phx_join"
PHX_LEAVE = "phx_leave"
PHX_REPLY = "phx_reply"
PHX_ERROR = "phx_error"
PHX_CLOSE = "phx_close"
HEARTBEAT_TOPIC = "phoenix"
HEARTBEAT_EVENT = "heartbeat"

# Refs are counters the client makes; anything this long is not one.
_MAX_REF_LENGTH = 64
_MAX_NAME_LENGTH = 128

Payload = dict[str, Any]


class ProtocolError(Exception):
    """The frame is not a v2 message; the socket that sent it is closed."""


@dataclass(frozen=True, slots=True)
class Message:
    join_ref: str | None
    ref: str | None
    topic: str
    event: str
    payload: Payload


def _ref(value: object, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        # Some clients count with numbers; the reply must echo the ref the client sent.
        value = str(value)
    if not isinstance(value, str) or len(value) > _MAX_REF_LENGTH:
        raise ProtocolError(f"{field} must be a string or null")
    return value


def _name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > _MAX_NAME_LENGTH:
        raise ProtocolError(f"{field} must be a non-empty string")
    return value


def decode(text: str) -> Message:
    try:
        frame = json.loads(text)
    except ValueError as exc:
        raise ProtocolError("frame is not JSON") from exc
    if not isinstance(frame, list) or len(frame) != 5:
        raise ProtocolError("frame must be [join_ref, ref, topic, event, payload]")
    join_ref, ref, topic, event, payload = frame
    if not isinstance(payload, dict):
        raise ProtocolError("payload must be a JSON object")
    return Message(
        join_ref=_ref(join_ref, "join_ref"),
        ref=_ref(ref, "ref"),
        topic=_name(topic, "topic"),
        event=_name(event, "event"),
        payload=payload,
    )


def encode(join_ref: str | None, ref: str | None, topic: str, event: str, payload: Any) -> str:
    # ensure_ascii=False keeps chat text as it was typed and the frames smaller.
    return json.dumps([join_ref, ref, topic, event, payload], ensure_ascii=False)


def reply(message: Message, status: str, response: Payload) -> str:
    """The `phx_reply` to `message`, which phoenix.js matches to its push by `ref`."""
    return encode(
        message.join_ref,
        message.ref,
        message.topic,
        PHX_REPLY,
        {"status": status, "response": response},
    )


def broadcast(topic: str, event: str, payload: Any) -> str:
    """A server push to every member of a topic. Without a join_ref, so one encoding serves
    every subscriber (phoenix.js checks join_ref only on lifecycle events)."""
    return encode(None, None, topic, event, payload)
