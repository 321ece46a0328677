"""Webhooks in LiveKit's format: LiveKit's own receiver accepts ours, and refuses tampering."""

from __future__ import annotations

import json

import pytest
from livekit.api import TokenVerifier, WebhookReceiver
from vr_common.webhooks import sign_webhook, webhook_body

KEY, SECRET = "key", "s" * 40


def test_livekits_receiver_reads_our_participant_event() -> None:
    body = webhook_body("participant_joined", "room-1", "p_ann", "Ann")
    event = WebhookReceiver(TokenVerifier(KEY, SECRET)).receive(
        body, sign_webhook(body, KEY, SECRET)
    )
    assert event.event == "participant_joined"
    assert (event.room.name, event.participant.identity, event.participant.name) == (
        "room-1",
        "p_ann",
        "Ann",
    )
    assert event.id.startswith("EV_")


def test_a_room_event_has_no_participant() -> None:
    body = webhook_body("room_finished", "room-1")
    event = WebhookReceiver(TokenVerifier(KEY, SECRET)).receive(
        body, sign_webhook(body, KEY, SECRET)
    )
    assert event.event == "room_finished"
    assert not event.HasField("participant")


def test_a_changed_body_or_another_secret_is_refused() -> None:
    body = webhook_body("participant_left", "room-1", "p_ann", "Ann")
    signature = sign_webhook(body, KEY, SECRET)
    forged = json.dumps({**json.loads(body), "room": {"name": "room-2"}})
    receiver = WebhookReceiver(TokenVerifier(KEY, SECRET))
    with pytest.raises(Exception, match="hash mismatch"):
        receiver.receive(forged, signature)
    with pytest.raises(Exception, match="Signature"):
        receiver.receive(body, sign_webhook(body, KEY, "t" * 40))
