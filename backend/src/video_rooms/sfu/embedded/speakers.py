"""Active speakers from the RFC 6464 audio-level header extension, without decoding audio."""

from __future__ import annotations

# Levels are -dBov, 0 (loudest) to 127 (silence). Speech into a browser microphone sits around
# -20 to -45 dBov, room noise below -55: anything louder than this counts as speaking.
SPEAKING_THRESHOLD_DBOV = 50


class LevelMeter:
    """Mean loudness of one audio publication over the current window."""

    def __init__(self) -> None:
        self._sum = 0
        self._count = 0

    def add(self, level: int) -> None:
        # Store loudness (127 - level) so that silence adds 0 and the mean is easy to compare.
        self._sum += 127 - level
        self._count += 1

    def take(self) -> float:
        """The window's mean loudness (0..127, higher is louder); starts a new window."""
        mean = self._sum / self._count if self._count else 0.0
        self._sum = 0
        self._count = 0
        return mean


def rank_speakers(loudness: dict[str, float]) -> list[str]:
    """Participants speaking in this window, loudest first."""
    speaking = {p: v for p, v in loudness.items() if v > 127 - SPEAKING_THRESHOLD_DBOV}
    return sorted(speaking, key=lambda p: -speaking[p])
