"""Active speakers from the RFC 6464 audio-level header extension, without decoding audio."""

from __future__ import annotations

# Levels are -dBov, 0 (loudest) to 127 (silence). Speech into a browser microphone sits around
# -20 to -45 dBov, room noise below -55: anything louder than this counts as speaking.
SPEAKING_THRESHOLD_DBOV = 50
HOLD_SECONDS = 1.0


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


class SpeakerTracker:
    """Who is speaking, loudest first, held for `hold` seconds after their last loud window,
    so that the pauses between words do not make the list (and the UI) flicker."""

    def __init__(self, hold: float = HOLD_SECONDS) -> None:
        self._hold = hold
        self._last_loud: dict[str, tuple[float, float]] = {}
        self.current: list[str] = []

    def update(self, loudness: dict[str, float], now: float) -> bool:
        """Feed one window (`{participant: mean loudness}` of unmuted microphones only);
        True when the list of speakers (or their order) changed."""
        for participant, value in loudness.items():
            if value > 127 - SPEAKING_THRESHOLD_DBOV:
                self._last_loud[participant] = (now, value)
        self._last_loud = {
            p: (at, value)
            for p, (at, value) in self._last_loud.items()
            if now - at <= self._hold and p in loudness
        }
        ranked = sorted(self._last_loud, key=lambda p: -self._last_loud[p][1])
        changed = ranked != self.current
        self.current = ranked
        return changed

    def level(self, participant: str) -> float:
        """Loudness of the participant's last loud window, 0..1."""
        return round(self._last_loud[participant][1] / 127, 3)
