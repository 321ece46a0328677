from __future__ import annotations

from video_rooms.sfu.embedded.speakers import LevelMeter, rank_speakers


def _loudness(levels: list[int]) -> float:
    meter = LevelMeter()
    for level in levels:
        meter.add(level)
    return meter.take()


def test_loud_speakers_rank_first_and_silence_is_nobody() -> None:
    loudness = {
        "shouting": _loudness([5] * 10),  # -5 dBov
        "talking": _loudness([30] * 10),  # -30 dBov
        "room noise": _loudness([65] * 10),  # -65 dBov: below the threshold
        "silent": _loudness([127] * 10),
        "no packets": _loudness([]),
    }
    assert rank_speakers(loudness) == ["shouting", "talking"]


def test_each_window_starts_afresh() -> None:
    meter = LevelMeter()
    meter.add(0)
    assert meter.take() == 127
    assert meter.take() == 0.0
