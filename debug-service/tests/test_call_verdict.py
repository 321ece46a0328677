"""The one-line verdict per participant."""

from __future__ import annotations

import calendar

from debug_service.call_verdict import Moment, verdict

T0 = calendar.timegm((2026, 1, 5, 10, 0, 0)) * 1000.0


def _loss(seconds: float, value: float, direction: str = "inbound") -> Moment:
    return Moment(T0 + seconds * 1000, direction, "video", "loss_percent", value)


def test_names_downlink_loss_from_when_it_started_and_the_limitation() -> None:
    moments = [_loss(0, 0.0), _loss(125, 8.0), _loss(130, 12.4), _loss(135, 1.0)]
    line = verdict(
        "Bob",
        moments,
        limitations=["none", "bandwidth", "bandwidth"],
        freezes=0,
        reconnects=0,
        saw_remote_video=True,
    )
    assert line == "Bob: downlink loss 12 % from 10:02:05, video limited by bandwidth"


def test_uplink_loss_round_trip_freezes_and_reconnects() -> None:
    moments = [
        _loss(5, 20.0, "outbound"),
        Moment(T0 + 10_000, "inbound", "audio", "rtt_ms", 450.0),
    ]
    line = verdict("Ada", moments, limitations=[], freezes=3, reconnects=1, saw_remote_video=False)
    assert line == (
        "Ada: uplink loss 20 % from 10:00:05, round trip up to 450 ms from 10:00:10,"
        " 3 video freezes, reconnected 1 time, no remote video received"
    )


def test_a_good_call_says_so_with_its_figures() -> None:
    moments = [
        _loss(0, 0.0),
        Moment(T0, "inbound", "video", "rtt_ms", 4.0),
        Moment(T0, "inbound", "video", "fps", 24.0),
        Moment(T0 + 5000, "inbound", "video", "fps", 30.0),
        Moment(T0 + 9000, "inbound", "video", "fps", 30.0),
    ]
    line = verdict(
        "Cy", moments, limitations=["none"], freezes=0, reconnects=0, saw_remote_video=True
    )
    assert line == "Cy: good (loss 0 %, RTT 4 ms, 30 fps)"


def test_no_stats_at_all() -> None:
    line = verdict("Di", [], limitations=[], freezes=0, reconnects=0, saw_remote_video=False)
    assert line == "Di: no stats reported"
