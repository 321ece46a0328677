from __future__ import annotations

from video_rooms.sfu.embedded.speakers import LevelMeter, SpeakerTracker


def _loudness(levels: list[int]) -> float:
    meter = LevelMeter()
    for level in levels:
        meter.add(level)
    return meter.take()


def test_loud_speakers_rank_first_and_quiet_ones_are_not_speakers() -> None:
    tracker = SpeakerTracker(hold=1.0)
    loudness = {
        "shouting": _loudness([5] * 10),  # -5 dBov
        "talking": _loudness([30] * 10),  # -30 dBov
        "room noise": _loudness([65] * 10),  # -65 dBov: below the threshold
        "silent": _loudness([127] * 10),
        "no packets": _loudness([]),
    }
    assert tracker.update(loudness, now=0.0)
    assert tracker.current == ["shouting", "talking"]
    assert tracker.level("shouting") > tracker.level("talking") > 0
    assert not tracker.update(loudness, now=0.3)  # nothing changed, nothing to announce


def test_a_pause_is_held_and_silence_ends_it() -> None:
    tracker = SpeakerTracker(hold=1.0)
    tracker.update({"ann": 100.0}, now=0.0)
    assert not tracker.update({"ann": 0.0}, now=0.6)  # a pause between words
    assert tracker.current == ["ann"]
    assert tracker.update({"ann": 0.0}, now=1.2)
    assert tracker.current == []


def test_a_muted_or_departed_speaker_goes_at_once() -> None:
    tracker = SpeakerTracker(hold=1.0)
    tracker.update({"ann": 100.0, "bob": 90.0}, now=0.0)
    assert tracker.update({"bob": 90.0}, now=0.3)  # ann muted or left: not in the window
    assert tracker.current == ["bob"]


def test_each_window_starts_afresh() -> None:
    meter = LevelMeter()
    meter.add(0)
    assert meter.take() == 127
    assert meter.take() == 0.0
