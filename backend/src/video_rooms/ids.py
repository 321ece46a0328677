"""Room and participant ids: short, URL-safe, and unguessable (72 random bits each)."""

from __future__ import annotations

import re
import secrets

# 9 random bytes -> 12 base64url characters; a room link is the room's only protection.
_RANDOM_BYTES = 9
ROOM_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_room_id() -> str:
    return secrets.token_urlsafe(_RANDOM_BYTES)


def new_participant_id() -> str:
    return "p_" + secrets.token_urlsafe(_RANDOM_BYTES)


def is_well_formed_room_id(value: str) -> bool:
    """Shape check only; ids of older clients may be any URL-safe string up to 64 characters."""
    return ROOM_ID_PATTERN.fullmatch(value) is not None
