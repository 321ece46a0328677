"""The call view of one room: per participant, the figures their browser sampled (ready to
plot) and a verdict; beside them, one timeline of what happened (joins, leaves, mutes, host
actions, SFU events, reconnects, freezes) from every service's lines for the room."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from debug_service.browser_quality import (
    BROWSER_SERVICE,
    FIRST_FRAME,
    FREEZE,
    RECONNECTED,
    RECONNECTING,
    STATS_MESSAGE,
    StreamSample,
    metadata_of,
    number,
    stream_samples,
)
from debug_service.call_verdict import Moment, verdict
from debug_service.entries import LEVEL_NAMES, StoredLog

SFU_SERVICES = frozenset({"embedded-sfu", "livekit"})
_JOIN_MESSAGES = frozenset({"joined the room", "participant joined", "room created"})
_LEAVE_MESSAGES = frozenset({"left the room", "participant left", "host ended the room"})
_PLOTTED = ("bitrate_kbps", "loss_percent", "rtt_ms", "jitter_ms", "fps", "freezes")
_NAME_KEYS = ("participant_name", "name")


@dataclass(slots=True)
class _Participant:
    id: str
    name: str | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    limitations: list[str] = field(default_factory=list)
    freezes: int = 0
    reconnects: int = 0
    saw_remote_video: bool = False


def event_kind(log: StoredLog, metadata: dict[str, Any]) -> str:
    """What a line is on the timeline: a marker's kind, or `line` for the rest."""
    if metadata.get("audit") is True:
        return "host"
    if log.service == BROWSER_SERVICE:
        if log.message in (RECONNECTING, RECONNECTED):
            return "reconnect"
        if log.message == FREEZE:
            return "freeze"
        if log.message.startswith("call quality:"):
            return "first_media"
    if log.message in _JOIN_MESSAGES:
        return "join"
    if log.message in _LEAVE_MESSAGES:
        return "leave"
    if log.service in SFU_SERVICES:
        return "sfu"
    if "mute" in log.message.lower():
        return "mute"
    return "line"


class _LossTracker:
    """Loss between two samples of one stream (the browser's own counts are since the start,
    which hides a bad minute in a long call)."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str, str | None, str], tuple[float, float]] = {}

    def interval(self, participant: str, sample: StreamSample) -> float | None:
        lost = sample.figures.get("packets_lost")
        received = sample.figures.get("packets_received")
        if sample.direction != "inbound" or lost is None or received is None:
            return sample.figures.get("loss_percent")
        key = (participant, sample.kind, sample.remote, sample.source)
        before = self._last.get(key)
        self._last[key] = (lost, received)
        # The first sample of a stream counts from the stream's start.
        new_lost, new_received = (
            (lost, received)
            if before is None
            else (
                lost - before[0],
                received - before[1],
            )
        )
        if new_lost < 0 or new_received < 0 or new_lost + new_received == 0:
            return None
        return round(100 * new_lost / (new_lost + new_received), 2)


def build_call_view(room_id: str, logs: Sequence[StoredLog], *, truncated: bool) -> dict[str, Any]:
    """`logs` are the room's lines, oldest first."""
    people: dict[str, _Participant] = {}
    events: list[dict[str, Any]] = []
    losses = _LossTracker()

    def person(participant_id: str) -> _Participant:
        return people.setdefault(participant_id, _Participant(participant_id))

    for log in logs:
        metadata = metadata_of(log)
        who = person(log.participant_id) if log.participant_id else None
        if who is not None and who.name is None:
            who.name = next(
                (v[:64] for k in _NAME_KEYS if isinstance(v := metadata.get(k), str) and v), None
            )
        if log.message == STATS_MESSAGE and log.service == BROWSER_SERVICE:
            if who is not None:
                _add_samples(who, log, losses)
            continue
        kind = event_kind(log, metadata)
        if who is not None:
            if log.message == RECONNECTED and log.service == BROWSER_SERVICE:
                who.reconnects += 1
            elif log.message == FREEZE and log.service == BROWSER_SERVICE:
                who.freezes += int(number(metadata.get("freezes"), 10_000) or 0)
            elif log.message == FIRST_FRAME and log.service == BROWSER_SERVICE:
                who.saw_remote_video = True
        events.append(
            {
                "id": log.id,
                "t": log.ts_us / 1000,
                "service": log.service,
                "level": LEVEL_NAMES[log.level],
                "message": log.message,
                "participant_id": log.participant_id,
                "target": target if isinstance(target := metadata.get("target"), str) else None,
                "kind": kind,
            }
        )
    participants = [
        {
            "id": p.id,
            "name": p.name or p.id,
            "verdict": verdict(
                p.name or p.id,
                p.moments,
                limitations=p.limitations,
                freezes=p.freezes,
                reconnects=p.reconnects,
                saw_remote_video=p.saw_remote_video,
            ),
            "samples": p.samples,
        }
        for p in people.values()
    ]
    return {
        "room_id": room_id,
        "truncated": truncated,
        "participants": participants,
        "events": events,
    }


def _add_samples(who: _Participant, log: StoredLog, losses: _LossTracker) -> None:
    for sample in stream_samples(log):
        loss = losses.interval(who.id, sample)
        figures = {**sample.figures}
        figures.pop("loss_percent", None)
        if loss is not None:
            figures["loss_percent"] = loss
        who.samples.append(
            {
                "t": sample.ts_ms,
                "direction": sample.direction,
                "kind": sample.kind,
                "source": sample.source,
                "remote": sample.remote,
                "path": sample.path,
                "limitation": sample.limitation,
                **figures,
            }
        )
        for name in _PLOTTED:
            if name in figures:
                who.moments.append(
                    Moment(sample.ts_ms, sample.direction, sample.kind, name, figures[name])
                )
        if sample.kind == "video" and sample.direction == "outbound" and sample.limitation:
            who.limitations.append(sample.limitation)
        inbound_video = sample.direction == "inbound" and sample.kind == "video"
        if inbound_video and sample.figures.get("frames_decoded", 0) > 0:
            who.saw_remote_video = True
