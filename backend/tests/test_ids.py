from __future__ import annotations

import math

from video_rooms.ids import is_well_formed_room_id, new_participant_id, new_room_id


def test_room_ids_are_short_url_safe_and_carry_at_least_64_random_bits() -> None:
    ids = {new_room_id() for _ in range(2000)}
    assert len(ids) == 2000
    for room_id in ids:
        assert len(room_id) == 12
        assert is_well_formed_room_id(room_id)
    # The characters drawn span the whole 64-symbol base64url alphabet: 12 x 6 = 72 bits.
    alphabet = set("".join(ids))
    assert len(alphabet) == 64
    assert len(ids.pop()) * math.log2(len(alphabet)) >= 64


def test_participant_ids_are_distinct_and_prefixed() -> None:
    ids = {new_participant_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(p.startswith("p_") and len(p) == 14 for p in ids)


def test_malformed_room_ids() -> None:
    for bad in ["", "a b", "../etc", "x" * 65, "ü", "a/b", "a%20"]:
        assert not is_well_formed_room_id(bad)
