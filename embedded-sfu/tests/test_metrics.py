"""`GET /metrics` of a real SFU process during a call: rooms, participants, forwarded packets
and bytes that only grow; the admin token in production."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.media import MovingVideoTrack, ToneTrack
from vr_testkit.sfu_client import Peers, eventually


def scrape(sfu: EmbeddedSfuProcess, **headers: str) -> dict[tuple[str, str], float]:
    response = httpx.get(f"{sfu.http_url}/metrics", headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return {
        (sample.name, sample.labels.get("kind", "")): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_counts_the_call_and_what_it_forwards(sfu: EmbeddedSfuProcess, peers: Peers) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    await eventually(lambda: bob.frames("alice", "camera") >= 10, what="bob sees alice")
    during = scrape(sfu)
    assert during[("embedded_sfu_rooms", "")] >= 1
    assert during[("embedded_sfu_participants", "")] >= 2
    for kind in ("audio", "video"):
        assert during[("embedded_sfu_forwarded_packets_total", kind)] > 0
        assert during[("embedded_sfu_forwarded_bytes_total", kind)] > 0
    assert ("embedded_sfu_plis_received_total", "video") in during
    assert ("embedded_sfu_event_loop_lag_seconds_count", "") in during

    # Bob leaves: his subscriptions end, and what they forwarded is still counted.
    await bob.send({"type": "leave"})
    await eventually(
        lambda: (
            scrape(sfu)[("embedded_sfu_participants", "")]
            < during[("embedded_sfu_participants", "")]
        ),
        what="bob gone",
    )
    after = scrape(sfu)
    packets = ("embedded_sfu_forwarded_packets_total", "video")
    assert after[packets] >= during[packets]


def test_production_needs_the_admin_token(tmp_path: Path) -> None:
    sfu = EmbeddedSfuProcess(log_dir=tmp_path, test_hooks=False, APP_ENV="production")
    sfu.start_and_wait()
    try:
        assert httpx.get(f"{sfu.http_url}/metrics", timeout=5).status_code == 401
        scraped = scrape(sfu, **sfu.admin_headers())
        assert scraped[("embedded_sfu_participants", "")] == 0
    finally:
        sfu.stop()
