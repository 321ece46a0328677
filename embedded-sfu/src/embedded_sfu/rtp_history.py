"""Recently received packets of one video publication, to answer NACKs with RTX."""

from __future__ import annotations

from aiortc.rtp import RtpPacket

# About ten seconds of 500 kbps video; a NACK for anything older is not worth answering.
HISTORY_SIZE = 512


class RtpHistory:
    """A ring indexed by the publisher's sequence number.

    Packets are stored as received (their fields are rewritten per subscriber when sent, so a
    retransmission sets every field again from the original sequence number).
    """

    def __init__(self, size: int = HISTORY_SIZE) -> None:
        self._size = size
        self._seqs: list[int] = [-1] * size
        self._packets: list[RtpPacket | None] = [None] * size

    def store(self, sequence_number: int, packet: RtpPacket) -> None:
        slot = sequence_number % self._size
        self._seqs[slot] = sequence_number
        self._packets[slot] = packet

    def get(self, sequence_number: int) -> RtpPacket | None:
        slot = sequence_number % self._size
        if self._seqs[slot] != sequence_number:
            return None
        return self._packets[slot]
