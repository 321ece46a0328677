"""The embedded SFU's Prometheus metrics and `GET /metrics` (the admin token in production).

Nothing is counted on the forwarding path for them: every subscription already counts what it
forwards, and the NACKs and PLIs its subscriber sent, so a scrape sums those over the live
subscriptions plus `RETIRED`, the counts of subscriptions that have ended (counters never go
back). Rooms and participants are counted from the rooms at scrape time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from vr_common.metrics import EventLoopLag, exposition

from embedded_sfu.subscription import Subscription

if TYPE_CHECKING:
    # The rooms hold the peers, which retire their subscriptions here.
    from embedded_sfu.room import Rooms

_COUNTS = ("packets_sent", "octets_sent", "nacks_received", "plis_received", "retransmitted")


@dataclass
class ForwardedCounts:
    """Per media kind: {kind: {count name: total}}."""

    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, subscription: Subscription) -> None:
        totals = self.by_kind.setdefault(subscription.publication.kind, dict.fromkeys(_COUNTS, 0))
        for name in _COUNTS:
            totals[name] += getattr(subscription, name)


# One SFU per process: the counts of every subscription that ended in it.
RETIRED = ForwardedCounts()


def retire(subscriptions: Iterable[Subscription]) -> None:
    for subscription in subscriptions:
        RETIRED.add(subscription)


class _RoomsCollector(Collector):
    def __init__(self, rooms: Rooms) -> None:
        self._rooms = rooms

    def collect(self) -> Iterator[Metric]:
        rooms = list(self._rooms.rooms.values())
        peers = [peer for room in rooms for peer in room.peers.values()]
        yield GaugeMetricFamily("embedded_sfu_rooms", "Rooms the backend created", len(rooms))
        yield GaugeMetricFamily(
            "embedded_sfu_participants", "Participants connected now", len(peers)
        )
        counts = ForwardedCounts({k: dict(v) for k, v in RETIRED.by_kind.items()})
        for peer in peers:
            for subscription in peer.subscriptions.values():
                counts.add(subscription)
        families = {
            "packets_sent": CounterMetricFamily(
                "embedded_sfu_forwarded_packets", "RTP packets forwarded", labels=["kind"]
            ),
            "octets_sent": CounterMetricFamily(
                "embedded_sfu_forwarded_bytes", "RTP payload bytes forwarded", labels=["kind"]
            ),
            "nacks_received": CounterMetricFamily(
                "embedded_sfu_nacks_received", "NACKs from subscribers", labels=["kind"]
            ),
            "plis_received": CounterMetricFamily(
                "embedded_sfu_plis_received",
                "PLIs (keyframe requests) from subscribers",
                labels=["kind"],
            ),
            "retransmitted": CounterMetricFamily(
                "embedded_sfu_retransmitted_packets",
                "Packets resent for NACKs (RTX)",
                labels=["kind"],
            ),
        }
        for kind in ("audio", "video"):
            totals = counts.by_kind.get(kind, dict.fromkeys(_COUNTS, 0))
            for name, family in families.items():
                family.add_metric([kind], totals[name])
        yield from families.values()


class SfuMetrics:
    def __init__(self, rooms: Rooms) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_RoomsCollector(rooms))
        self.event_loop_lag = EventLoopLag(self.registry, "embedded_sfu")


async def get_metrics(request: Request) -> Response:
    metrics: SfuMetrics = request.app.state.metrics
    body, content_type = exposition(metrics.registry)
    return Response(body, media_type=content_type)
