from __future__ import annotations

from aiortc.rtp import RtpPacket
from embedded_sfu.rtp_history import RtpHistory


def test_recent_packets_are_found_and_overwritten_ones_are_not() -> None:
    history = RtpHistory(size=4)
    packets = {seq: RtpPacket(sequence_number=seq) for seq in (65534, 65535, 0, 1, 2)}
    for seq, packet in packets.items():
        history.store(seq, packet)
    assert history.get(2) is packets[2]
    assert history.get(65535) is packets[65535]
    assert history.get(3) is None  # never stored
    # 65534 and 2 share a slot in a 4-packet ring: the older is gone, not confused with it.
    assert history.get(65534) is None
