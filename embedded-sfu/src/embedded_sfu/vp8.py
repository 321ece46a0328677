"""Just enough of the VP8 RTP payload format (RFC 7741) to find where a keyframe starts."""

from __future__ import annotations


def is_keyframe_start(payload: bytes) -> bool:
    """True when this packet begins a VP8 keyframe.

    A subscriber can only start decoding at a keyframe, so each new subscription waits for one
    (and fixes its sequence-number offset there). The payload descriptor is skipped by its flag
    bits; the frame tag's lowest bit is 0 for a keyframe.
    """
    size = len(payload)
    if size < 1:
        return False
    first = payload[0]
    # S (start of partition) must be set and the partition index must be 0.
    if not first & 0x10 or first & 0x07:
        return False
    pos = 1
    if first & 0x80:  # X: extension byte follows
        if size < 2:
            return False
        ext = payload[1]
        pos = 2
        if ext & 0x80:  # I: picture id, 7 or 15 bits
            if size <= pos:
                return False
            pos += 2 if payload[pos] & 0x80 else 1
        if ext & 0x40:  # L: TL0PICIDX
            pos += 1
        if ext & 0x30:  # T or K: TID/Y/KEYIDX byte
            pos += 1
    return size > pos and not payload[pos] & 0x01
