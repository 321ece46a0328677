from __future__ import annotations

import pytest
from embedded_sfu.protocol import Join, Offer, ProtocolError, parse_client_message


def test_messages_are_parsed_by_type() -> None:
    join = parse_client_message('{"type": "join", "room": "r", "token": "t", "extra": 1}')
    assert join == Join(type="join", room="r", token="t")
    offer = parse_client_message('{"type": "offer", "sdp": "v=0", "tracks": {"0": "camera"}}')
    assert isinstance(offer, Offer) and offer.tracks == {"0": "camera"}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("not json", "message"),
        ('{"type": "dance"}', "message"),
        ('{"type": "join", "room": "r"}', "join.token"),
        ('{"type": "offer", "sdp": "v=0", "tracks": {"0": "webcam"}}', "offer.tracks.0"),
        ('{"type": "mute", "source": "camera", "muted": "yes"}', "mute.muted"),
    ],
)
def test_bad_messages_name_what_is_wrong(text: str, where: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_client_message(text)
    assert refused.value.code == "bad_message"
    assert refused.value.message.startswith(where), refused.value.message
