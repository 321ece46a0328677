"""Server-to-server tokens for the embedded SFU's admin API.

The same LiveKit JWT format as room tokens, signed with the same API key and secret, but
granting `roomAdmin` (which no room token carries), so a participant cannot use its join token
to remove others.
"""

from __future__ import annotations

from datetime import timedelta

import jwt
from livekit.api import AccessToken, TokenVerifier, VideoGrants

ADMIN_IDENTITY = "video-rooms-backend"


class AdminTokenError(Exception):
    pass


def issue_admin_token(api_key: str, api_secret: str, ttl: timedelta) -> str:
    return (
        AccessToken(api_key, api_secret)
        .with_identity(ADMIN_IDENTITY)
        .with_ttl(ttl)
        .with_grants(VideoGrants(room_admin=True, room_list=True, room_create=True))
        .to_jwt()
    )


def verify_admin_token(token: str, api_key: str, api_secret: str) -> None:
    try:
        claims = TokenVerifier(api_key, api_secret, leeway=timedelta(seconds=10)).verify(token)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise AdminTokenError(f"admin token rejected: {type(exc).__name__}") from exc
    if claims.video is None or not claims.video.room_admin:
        raise AdminTokenError("token does not grant room administration")
