"""`make bench`: every benchmark, one after the other, each printing its own figures.

Each starts the real servers it measures (as operators run them) and stops them again. The
machine is shared and noisy: quote medians and ratios from one run, and the CPU figures, which
depend less on what else is running than wall-clock rates do.

`python -m bench --smoke` runs every section at a tiny size (a second or two of load, one
round, three people): its figures mean nothing, but `make test` runs it so that no section
can break unseen.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench import channels, debug_service, embedded_sfu, frontend, joins, livekit_room

# The sizes of `--smoke`: each section's own parameters, at a tiny size.
SMOKE: dict[str, dict[str, Any]] = {
    "joins": {"concurrency": 4, "seconds": 1, "warmup": 1},
    "debug_service": {"batches": 4},
    "channels": {
        "argv": [
            *("--rooms", "2", "--members", "3", "--workers", "1"),
            *("--samples", "3", "--bursts", "1"),
        ]
    },
    "frontend": {"rounds": 1},
    "embedded_sfu": {"participants": 3, "warmup": 0.5, "seconds": 1.0},
    "livekit_room": {"participants": 3, "warmup": 0.5, "seconds": 1.0},
}


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Every benchmark, one after the other.")
    parser.add_argument("--smoke", action="store_true", help="every section at a tiny size")
    smoke = parser.parse_args(argv).smoke

    def sizes(name: str) -> dict[str, Any]:
        return SMOKE[name] if smoke else {}

    section("backend: join throughput (target: >= 2,000 joins/s, p99 < 50 ms)")
    joins.main(**sizes("joins"))
    section(
        "debug service: ingest and live viewers "
        "(target: >= 20,000 lines/s with 5 viewers, p99 < 250 ms)"
    )
    debug_service.main(**sizes("debug_service"))
    section(
        "realtime channels: connections and chat fan-out "
        "(target: 10,000 connections, < 40 KB each, p99 fan-out < 100 ms)"
    )
    channels.main(**(sizes("channels") or {"argv": []}))
    section("frontend: join to first remote frame (target < 1.0 s), gzipped JS (home < 80 KB)")
    frontend.main(**sizes("frontend"))
    section("embedded SFU: 8-person room (target < 50 % of a core, < 30 µs per packet)")
    embedded_sfu.main(**sizes("embedded_sfu"))
    section("the same room through livekit-server, for the CPU ratio")
    livekit_room.main(**sizes("livekit_room"))


if __name__ == "__main__":
    main()
