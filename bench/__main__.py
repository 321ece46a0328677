"""`make bench`: every benchmark, one after the other, each printing its own figures.

Each starts the real servers it measures (as operators run them) and stops them again. The
machine is shared and noisy: quote medians and ratios from one run, and the CPU figures, which
depend less on what else is running than wall-clock rates do.
"""

from __future__ import annotations

from bench import channels, debug_service, embedded_sfu, frontend, joins, livekit_room


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def main() -> None:
    section("backend: join throughput (target: >= 2,000 joins/s, p99 < 50 ms)")
    joins.main()
    section(
        "debug service: ingest and live viewers "
        "(target: >= 20,000 lines/s with 5 viewers, p99 < 250 ms)"
    )
    debug_service.main()
    section(
        "realtime channels: connections and chat fan-out "
        "(target: 10,000 connections, < 40 KB each, p99 fan-out < 100 ms)"
    )
    channels.main([])
    section("frontend: join to first remote frame (target < 1.0 s), gzipped JS (home < 80 KB)")
    frontend.main()
    section("embedded SFU: 8-person room (target < 50 % of a core, < 30 µs per packet)")
    embedded_sfu.main()
    section("the same room through livekit-server, for the CPU ratio")
    livekit_room.main()


if __name__ == "__main__":
    main()
