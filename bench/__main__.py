"""`make bench`: every benchmark, one after the other, each printing its own figures."""

from __future__ import annotations

from bench import debug_service, joins


def main() -> None:
    print("== backend: join throughput (target: >= 2,000 joins/s, p99 < 50 ms)", flush=True)
    joins.main()
    print(
        "== debug service: ingest and live viewers "
        "(target: >= 20,000 lines/s with 5 viewers, p99 < 250 ms)",
        flush=True,
    )
    debug_service.main()


if __name__ == "__main__":
    main()
