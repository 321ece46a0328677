"""Active speakers from the RFC 6464 audio-level header extension, without decoding audio.

Speech is bursts: a short word is 100-200 ms of sound between pauses. A mean over a fixed
window dilutes such a burst with the silence around it, so, as LiveKit and Jitsi do, the
decision counts *loud packets* instead: speaking starts quickly, on a few loud packets within
a short attack window, and ends only after a quiet hold, so the pauses between words do not
make the list (and the UI) flicker. Noise below the threshold never counts, and isolated
clicks above it are too few to start anyone speaking.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

# Levels are -dBov, 0 (loudest) to 127 (silence). Speech into a browser microphone sits around
# -20 to -45 dBov, room noise below -55: a packet louder than this is a loud packet.
SPEAKING_THRESHOLD_DBOV = 50
# Speaking starts on this many loud packets within the attack window: 5 Opus packets of 20 ms
# is 100 ms of sound, shorter than a short word and longer than a click or a cough's tail.
MIN_LOUD_PACKETS = 5
ATTACK_SECONDS = 0.3
# ... and ends this long after the last loud packet.
HOLD_SECONDS = 1.0
# A speaker's level falls by this factor per window without louder sound (peak hold with
# decay), so that the ranking follows who is loud now without jumping on every syllable.
LEVEL_DECAY = 0.85
# The order of the list changes only when the speaker behind is louder by this much (about
# this many dB): two people talking at once do not swap places every window.
REORDER_MARGIN = 6.0


@dataclass(frozen=True)
class Window:
    """What one audio publication sent during one evaluation window."""

    loud_packets: int = 0
    # Mean loudness (127 - level, higher is louder) of the loud packets; 0 without any.
    loudness: float = 0.0


class LevelMeter:
    """Counts the loud packets of one audio publication over the current window."""

    def __init__(self) -> None:
        self._loud = 0
        self._loud_sum = 0

    def add(self, level: int) -> None:
        if level < SPEAKING_THRESHOLD_DBOV:
            self._loud += 1
            self._loud_sum += 127 - level

    def take(self) -> Window:
        """The window's loud packets and their mean loudness; starts a new window."""
        window = Window(self._loud, self._loud_sum / self._loud) if self._loud else Window()
        self._loud = 0
        self._loud_sum = 0
        return window


class _Speaker:
    def __init__(self) -> None:
        self.recent: deque[tuple[float, int]] = deque()  # (window end, loud packets)
        self.speaking = False
        self.last_loud = 0.0
        self.level = 0.0


class SpeakerTracker:
    """Who is speaking, loudest first (see the module's docstring for the rule)."""

    def __init__(
        self,
        hold: float = HOLD_SECONDS,
        attack: float = ATTACK_SECONDS,
        min_loud_packets: int = MIN_LOUD_PACKETS,
    ) -> None:
        self._hold = hold
        self._attack = attack
        self._min_loud = min_loud_packets
        self._speakers: dict[str, _Speaker] = {}
        self.current: list[str] = []

    def update(self, windows: dict[str, Window], now: float) -> bool:
        """Feed one window (`{participant: Window}` of unmuted microphones only; anyone absent
        stops speaking at once); True when the list of speakers (or their order) changed."""
        self._speakers = {p: self._speakers.get(p) or _Speaker() for p in windows}
        for participant, window in windows.items():
            self._observe(self._speakers[participant], window, now)
        speaking = [p for p in self.current if p in windows and self._speakers[p].speaking]
        speaking += sorted(
            (p for p, s in self._speakers.items() if s.speaking and p not in speaking),
            key=lambda p: -self._speakers[p].level,
        )
        ranked = self._rank(speaking)
        changed = ranked != self.current
        self.current = ranked
        return changed

    def level(self, participant: str) -> float:
        """A speaker's current loudness, 0..1."""
        return round(self._speakers[participant].level / 127, 3)

    def _observe(self, speaker: _Speaker, window: Window, now: float) -> None:
        recent = speaker.recent
        recent.append((now, window.loud_packets))
        while recent and recent[0][0] <= now - self._attack:
            recent.popleft()
        speaker.level = max(window.loudness, speaker.level * LEVEL_DECAY)
        if window.loud_packets and (
            speaker.speaking or sum(n for _, n in recent) >= self._min_loud
        ):
            speaker.speaking = True
            speaker.last_loud = now
        if speaker.speaking and now - speaker.last_loud > self._hold:
            speaker.speaking = False

    def _rank(self, order: list[str]) -> list[str]:
        """Loudest first, from the previous order: adjacent speakers swap only when the one
        behind is louder by more than the margin (each swap removes an inversion, so this
        ends)."""
        levels = {p: self._speakers[p].level for p in order}
        swapped = True
        while swapped:
            swapped = False
            for i in range(len(order) - 1):
                if levels[order[i + 1]] > levels[order[i]] + REORDER_MARGIN:
                    order[i], order[i + 1] = order[i + 1], order[i]
                    swapped = True
        return order
