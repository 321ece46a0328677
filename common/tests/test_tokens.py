from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
from livekit.api import TokenVerifier
from vr_common.tokens import TokenError, issue_room_token, verify_room_token

KEY = "APIkey123"
SECRET = "a-test-secret-that-is-long-enough-for-hs256-000"


def _issue(ttl: timedelta = timedelta(minutes=10), **kw: object) -> str:
    args: dict[str, object] = {
        "api_key": KEY,
        "api_secret": SECRET,
        "room_id": "room1",
        "participant_id": "p_abc",
        "participant_name": "Zoë",
        "ttl": ttl,
        **kw,
    }
    return issue_room_token(**args)  # type: ignore[arg-type]


def test_token_carries_room_identity_name_grants_and_expiry() -> None:
    before = int(time.time())
    token = _issue(ttl=timedelta(minutes=10))
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], issuer=KEY)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["sub"] == "p_abc"
    assert claims["name"] == "Zoë"
    assert claims["iss"] == KEY
    assert claims["video"] == {
        "roomJoin": True,
        "room": "room1",
        "canPublish": True,
        "canSubscribe": True,
        "canPublishData": True,
    }
    assert before + 600 - 2 <= claims["exp"] <= before + 600 + 2
    assert claims["nbf"] <= before + 1
    # No admin power ever reaches a browser.
    assert "roomAdmin" not in claims["video"] and "roomCreate" not in claims["video"]


def test_the_official_verifier_reads_our_tokens() -> None:
    claims = TokenVerifier(KEY, SECRET).verify(_issue())
    assert (claims.identity, claims.name) == ("p_abc", "Zoë")
    assert claims.video is not None
    assert (claims.video.room_join, claims.video.room) == (True, "room1")
    assert (claims.video.can_publish, claims.video.can_subscribe) == (True, True)


def test_verify_accepts_own_token() -> None:
    claims = verify_room_token(_issue(), api_key=KEY, api_secret=SECRET, room_id="room1")
    assert (claims.room_id, claims.participant_id, claims.name) == ("room1", "p_abc", "Zoë")


@pytest.mark.parametrize(
    ("token_args", "verify_args", "reason"),
    [
        ({}, {"room_id": "other-room"}, "another room"),
        ({}, {"api_secret": "x" * 40}, "signature"),
        ({}, {"api_key": "someone-else"}, "not issued by this server"),
        ({"ttl": timedelta(seconds=-60)}, {}, "expired"),
    ],
)
def test_verify_rejects(
    token_args: dict[str, object], verify_args: dict[str, str], reason: str
) -> None:
    token = _issue(**token_args)
    kwargs = {"api_key": KEY, "api_secret": SECRET, "room_id": "room1", **verify_args}
    with pytest.raises(TokenError, match=reason):
        verify_room_token(token, **kwargs)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_verify_rejects_malformed(garbage: str) -> None:
    with pytest.raises(TokenError, match="malformed"):
        verify_room_token(garbage, api_key=KEY, api_secret=SECRET)


def test_verify_rejects_token_without_join_grant() -> None:
    token = jwt.encode(
        {"sub": "p_abc", "iss": KEY, "exp": int(time.time()) + 60, "video": {"roomList": True}},
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(TokenError, match="does not grant joining"):
        verify_room_token(token, api_key=KEY, api_secret=SECRET)
