"""Who sent a batch of lines, and what that lets the lines say about themselves.

- The operator (DEBUG_TOKEN): lines as they are, times included (an operator may import old
  lines).
- In development, any client on loopback: any service name.
- A server-side service with its service token (vr_common.service_tokens): lines under that
  service's name only.
- Anyone else: browser lines, accepted only as service `frontend`, with the room and the
  participant taken from a valid room token (never from what the lines claim).

Except from the operator, a line is ordered and retained by the time it was received; the
time the sender gave is kept in its metadata as `client_timestamp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from vr_common.service_tokens import service_of_token
from vr_common.tokens import TokenError, verify_room_token

from debug_service.access import presented_token
from debug_service.entries import NewLog, format_timestamp
from debug_service.errors import ApiError
from debug_service.state import ServiceState

ANONYMOUS_SERVICE = "frontend"


@dataclass(frozen=True, slots=True)
class Sender:
    """`service` None: may send any service name; else only that one."""

    trusted: bool
    service: str | None
    keeps_time: bool = False
    room_id: str | None = None
    participant_id: str | None = None


def identify(state: ServiceState, conn: HTTPConnection) -> Sender:
    if state.access.is_operator(conn):
        return Sender(trusted=True, service=None, keeps_time=True)
    if state.access.is_trusted(conn):
        return Sender(trusted=True, service=None)
    token = presented_token(conn)
    if token is not None:
        service = service_of_token(state.settings.debug_token, token)
        if service is not None:
            return Sender(trusted=True, service=service)
    return Sender(trusted=False, service=ANONYMOUS_SERVICE)


def with_room(state: ServiceState, sender: Sender, room_token: str | None) -> Sender:
    """An anonymous sender tagged with the room and participant of a valid room token."""
    if sender.trusted or not room_token:
        return sender
    keys = state.settings.room_token_keys
    if keys is None:
        return sender
    try:
        claims = verify_room_token(room_token, api_key=keys[0], api_secret=keys[1])
    except TokenError:
        # An expired or foreign token: the lines are still a browser's, only untagged.
        return sender
    return Sender(
        trusted=False,
        service=sender.service,
        room_id=claims.room_id,
        participant_id=claims.participant_id,
    )


def _with_client_time(metadata_json: str, client_ts_us: int) -> str:
    field = f'"client_timestamp":"{format_timestamp(client_ts_us)}"'
    # Last, so that it wins over a `client_timestamp` the sender put in its metadata.
    return f"{{{field}}}" if metadata_json == "{}" else f"{metadata_json[:-1]},{field}}}"


def apply(sender: Sender, entries: Sequence[NewLog], received_us: int) -> None:
    """Check the lines' service names against the sender and stamp them as received (in
    place); raises ApiError 403 when a line claims a name the sender may not use."""
    if sender.service is not None:
        for index, entry in enumerate(entries):
            if entry.service != sender.service:
                who = "without a service token" if not sender.trusted else "with this token"
                raise ApiError(
                    403,
                    "service_not_allowed",
                    f"logs[{index}].service: lines sent {who} are stored only as "
                    f"'{sender.service}', not '{entry.service}'",
                )
    if sender.keeps_time:
        return
    for entry in entries:
        if entry.ts_us != received_us:
            entry.metadata_json = _with_client_time(entry.metadata_json, entry.ts_us)
        entry.ts_us = received_us
        if not sender.trusted:
            entry.room_id = sender.room_id
            entry.participant_id = sender.participant_id
