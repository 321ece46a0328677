"""Join throughput: `POST /api/rooms/{id}/join` at concurrency 64 against the default setup.

The backend runs as operators run it (its own process, SQLite file, a real livekit-server),
and the load comes from `wrk` (C, so that the load generator takes as little as possible of
the two cores the backend shares with it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from vr_testkit.api import create_room
from vr_testkit.cpu import group_cpu_seconds
from vr_testkit.livekit import LiveKitServer
from vr_testkit.services import backend_process

LUA = """
wrk.method = "POST"
wrk.body = '{"participant_name": "Bench"}'
wrk.headers["Content-Type"] = "application/json"
local non_ok = 0
response = function(status, headers, body)
  if status ~= 200 then non_ok = non_ok + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50=%.3f p90=%.3f p99=%.3f max=%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""

_RESULT = re.compile(
    r"RESULT requests=(\d+) errors=(\d+) p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) max=([\d.]+)"
)


@dataclass(frozen=True)
class JoinResult:
    concurrency: int
    seconds: float
    requests: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    backend_cpu_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def report(self) -> str:
        return (
            f"joins: {self.per_second:,.0f}/s over {self.seconds:.0f} s at concurrency "
            f"{self.concurrency} ({self.requests:,} joins, {self.errors} errors); latency "
            f"p50 {self.p50_ms:.1f} ms, p90 {self.p90_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, "
            f"max {self.max_ms:.1f} ms; backend CPU {self.cpu_us_per_join:.0f} µs per join"
        )

    @property
    def cpu_us_per_join(self) -> float:
        return self.backend_cpu_seconds / max(self.requests, 1) * 1e6


def run_wrk(url: str, concurrency: int, seconds: int, workdir: Path) -> JoinResult:
    script = workdir / "join.lua"
    script.write_text(LUA)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, concurrency)}",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = _RESULT.search(out)
    if match is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    requests, errors = int(match[1]), int(match[2])
    p50, p90, p99, worst = (float(match[i]) for i in range(3, 7))
    return JoinResult(concurrency, seconds, requests, errors, p50, p90, p99, worst)


def main(concurrency: int = 64, seconds: int = 20, warmup: int = 3) -> JoinResult:
    workdir = Path(tempfile.mkdtemp(prefix="vr-bench-joins-"))
    livekit = LiveKitServer().start()
    # The default setup: one process, SQLite, INFO logs (access log included), the default
    # SFU health TTL (the test kit shortens it for outage tests).
    backend = backend_process(
        livekit,
        f"sqlite+aiosqlite:///{workdir / 'rooms.db'}",
        log_dir=workdir,
        SFU_HEALTH_TTL_SECONDS="2",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),
    )
    try:
        backend.start_and_wait()

        async def make_room() -> str:
            async with httpx.AsyncClient(base_url=backend.url) as client:
                return str((await create_room(client, "Host"))["room_id"])

        room_id = asyncio.run(make_room())
        url = f"{backend.url}/api/rooms/{room_id}/join"
        run_wrk(url, concurrency, warmup, workdir)  # warm-up: connections, caches, SQLite pages
        assert backend.proc is not None
        cpu_before = group_cpu_seconds(backend.proc.pid)
        result = run_wrk(url, concurrency, seconds, workdir)
        cpu = group_cpu_seconds(backend.proc.pid) - cpu_before
        result = dataclasses.replace(result, backend_cpu_seconds=cpu)
    finally:
        backend.stop()
        livekit.stop()
    print(result.report(), flush=True)
    return result


if __name__ == "__main__":
    main()
