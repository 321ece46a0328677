"""`make bench`: every benchmark, one after the other, each printing its own figures."""

from __future__ import annotations

from bench import joins


def main() -> None:
    print("== backend: join throughput (target: >= 2,000 joins/s, p99 < 50 ms)", flush=True)
    joins.main()


if __name__ == "__main__":
    main()
