"""Active speakers from synthetic audio levels: one Opus packet every 20 ms per microphone, a
window every 100 ms, as the SFU's room evaluates them."""

from __future__ import annotations

import random
from collections.abc import Callable

from embedded_sfu.speakers import HOLD_SECONDS, LevelMeter, SpeakerTracker, Window

PACKET = 0.02
WINDOW = 0.1
SILENCE = 127
NOISE = 62  # -62 dBov: a fan, a hum
SPEECH = 30

Levels = Callable[[float], int]


def burst(start: float, length: float, level: int = SPEECH, rest: int = SILENCE) -> Levels:
    return lambda t: level if start <= t < start + length else rest


def run(
    microphones: dict[str, Levels], seconds: float, tracker: SpeakerTracker | None = None
) -> list[tuple[float, list[str]]]:
    """Feed `seconds` of levels; the speaker list after every window that changed it."""
    tracker = tracker or SpeakerTracker()
    meters = {p: LevelMeter() for p in microphones}
    changes: list[tuple[float, list[str]]] = []
    packets_per_window = round(WINDOW / PACKET)
    for w in range(round(seconds / WINDOW)):
        for k in range(packets_per_window):
            t = w * WINDOW + k * PACKET
            for participant, levels in microphones.items():
                meters[participant].add(levels(t))
        now = (w + 1) * WINDOW
        if tracker.update({p: m.take() for p, m in meters.items()}, now):
            changes.append((now, list(tracker.current)))
    return changes


def test_a_150_ms_word_is_detected_wherever_it_falls_in_the_windows() -> None:
    for offset in (0.0, 0.03, 0.05, 0.08):
        changes = run({"ann": burst(1.0 + offset, 0.15)}, seconds=3.0)
        assert [c[1] for c in changes] == [["ann"], []], offset
        started, ended = changes[0][0], changes[1][0]
        assert started <= 1.0 + offset + 0.15 + WINDOW  # within a window of the word's end
        assert ended - started >= HOLD_SECONDS  # then held through the following pause


def test_a_quiet_150_ms_word_is_detected_too() -> None:
    # -45 dBov over 150 ms: its mean over a 0.3 s window would be far below the threshold.
    changes = run({"ann": burst(1.0, 0.15, level=45)}, seconds=3.0)
    assert [c[1] for c in changes] == [["ann"], []]


def test_steady_background_noise_is_not_speech() -> None:
    rng = random.Random(6)
    assert run({"fan": lambda t: NOISE + rng.randint(-6, 6)}, seconds=10.0) == []


def test_isolated_clicks_are_not_speech() -> None:
    # One loud packet every 300 ms over noise: too few loud packets to start anyone speaking.
    def clicks(t: float) -> int:
        return 10 if round(t / PACKET) % 15 == 0 else NOISE

    assert run({"keyboard": clicks}, seconds=10.0) == []


def test_the_list_does_not_flap_between_words() -> None:
    # Words of 150-400 ms with pauses of up to 700 ms (shorter than the hold): one change in,
    # one change out, nothing in between.
    words = [(0.5, 0.2), (0.9, 0.4), (2.0, 0.15), (2.8, 0.3), (3.2, 0.2), (4.1, 0.25)]

    def speech(t: float) -> int:
        return SPEECH if any(s <= t < s + n for s, n in words) else NOISE

    changes = run({"ann": speech}, seconds=7.0)
    assert [c[1] for c in changes] == [["ann"], []]
    assert changes[1][0] >= 4.1 + 0.25 + HOLD_SECONDS - WINDOW


def test_two_people_talking_at_once_do_not_swap_places_on_every_syllable() -> None:
    rng = random.Random(7)
    changes = run(
        {"ann": lambda t: 28 + rng.randint(-3, 3), "bob": lambda t: 30 + rng.randint(-3, 3)},
        seconds=10.0,
    )
    assert len(changes) <= 2  # who starts first, then at most one reorder


def test_a_much_louder_speaker_moves_ahead() -> None:
    changes = run({"ann": burst(0.0, 5.0, level=40), "bob": burst(1.0, 4.0, level=10)}, 3.0)
    assert changes[0][1] == ["ann"]
    assert changes[-1][1] == ["bob", "ann"]


def test_loud_speakers_rank_first_and_quiet_ones_are_not_speakers() -> None:
    tracker = SpeakerTracker()
    windows = {
        "shouting": Window(loud_packets=5, loudness=122),  # -5 dBov
        "talking": Window(loud_packets=5, loudness=97),  # -30 dBov
        "room noise": Window(),  # everything below the threshold
        "no packets": Window(),
    }
    assert tracker.update(windows, now=0.0)
    assert tracker.current == ["shouting", "talking"]
    assert tracker.level("shouting") > tracker.level("talking") > 0
    assert not tracker.update(windows, now=0.1)  # nothing changed, nothing to announce


def test_a_muted_or_departed_speaker_goes_at_once() -> None:
    tracker = SpeakerTracker()
    loud = Window(loud_packets=5, loudness=100)
    tracker.update({"ann": loud, "bob": loud}, now=0.0)
    assert tracker.update({"bob": loud}, now=0.1)  # ann muted or left: not in the window
    assert tracker.current == ["bob"]
    # Back (unmuted): she starts again from the attack, not from her old state.
    assert tracker.update({"ann": Window(1, 100), "bob": loud}, now=0.2) is False


def test_each_window_starts_afresh() -> None:
    meter = LevelMeter()
    meter.add(0)
    meter.add(20)
    meter.add(NOISE)
    assert meter.take() == Window(loud_packets=2, loudness=117)
    assert meter.take() == Window()
