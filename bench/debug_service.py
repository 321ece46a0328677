"""Debug service: ingest throughput and ingest-to-viewer latency with live viewers.

The service runs as operators run it (`debug-service`, its own process, a SQLite file). Lines
go in as batched `POST /api/logs` (1,000 lines each, as the backend's shipper sends them),
from this process; the viewers are five `/ws` connections in a second process, subscribed to
the benchmark's lines, each decoding every message. A line's latency is the time from the
start of the POST that carried it to its arrival at a viewer (one clock, one machine).

Phases: (1) as fast as possible with no viewer; (2) 20,000 lines/s offered for 10 s with five
viewers: the target, p99 under 250 ms; (3) as fast as possible with five viewers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from vr_testkit.cpu import group_cpu_seconds
from vr_testkit.debug_service import DebugServiceProcess
from websockets.asyncio.client import connect

BATCH = 1000
SENDERS = 4
VIEWERS = 5
SERVICE = "bench"
REPO_ROOT = Path(__file__).resolve().parents[1]


def batch_template(seed: int) -> bytes:
    """A batch body whose timestamps are filled in at send time (SENT_AT)."""
    lines = [
        {
            "timestamp": 0,
            "service": SERVICE,
            "level": ("debug", "info", "info", "warn", "error")[i % 5],
            "message": f"request {seed}-{i} handled: GET /api/rooms/{os.urandom(4).hex()} "
            f"status 200 in {i % 97} ms",
            "metadata": {
                "room_id": f"room-{i % 50}",
                "participant_id": f"p-{i % 500}",
                "request_id": os.urandom(8).hex(),
            },
        }
        for i in range(BATCH)
    ]
    return json.dumps({"logs": lines}).encode().replace(b'"timestamp": 0', b'"timestamp": SENT_AT')


async def send(base_url: str, total_batches: int, rate: float | None) -> tuple[float, list[float]]:
    """Post the batches (paced to `rate` lines/s if given); returns lines/s, POST latencies."""
    templates = [batch_template(seed) for seed in range(8)]
    post_latencies: list[float] = []
    next_batch = 0
    started = time.perf_counter()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_batch
        while next_batch < total_batches:
            index = next_batch
            next_batch += 1
            if rate is not None:
                due = started + index * BATCH / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent_at = f"{time.time() * 1000:.3f}".encode()
            body = templates[index % len(templates)].replace(b"SENT_AT", sent_at)
            t0 = time.perf_counter()
            response = await client.post("/api/logs", content=body)
            post_latencies.append(time.perf_counter() - t0)
            response.raise_for_status()

    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(SENDERS)))
    elapsed = time.perf_counter() - started
    return total_batches * BATCH / elapsed, post_latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


# --- viewers (run in their own process) --------------------------------------------------


@dataclass
class ViewerStats:
    lines: int = 0
    skipped: int = 0
    latencies_ms: list[float] = field(default_factory=list)


async def run_viewers(ws_url: str) -> None:
    """Commands on stdin: `reset`, `report N` (wait for N lines per viewer, print JSON)."""
    stats = [ViewerStats() for _ in range(VIEWERS)]
    progress = asyncio.Event()

    async def view(index: int, ready: asyncio.Event) -> None:
        async with connect(ws_url, max_size=None) as ws:
            await ws.send(json.dumps({"type": "subscribe", "filters": {"services": [SERVICE]}}))
            while True:
                message = json.loads(await ws.recv())
                now_ms = time.time() * 1000
                if message["type"] == "backlog":
                    ready.set()
                elif message["type"] == "logs":
                    own = stats[index]
                    own.lines += len(message["logs"])
                    own.latencies_ms.extend(
                        now_ms - _epoch_ms(log["timestamp"]) for log in message["logs"]
                    )
                elif message["type"] == "skipped":
                    stats[index].skipped += message["count"]
                progress.set()

    readies = [asyncio.Event() for _ in range(VIEWERS)]
    tasks = [asyncio.create_task(view(i, readies[i])) for i in range(VIEWERS)]
    await asyncio.gather(*(ready.wait() for ready in readies))
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not command:
            break
        if command[0] == "reset":
            stats[:] = [ViewerStats() for _ in range(VIEWERS)]
            print("ok", flush=True)
        elif command[0] == "report":
            expected = int(command[1])
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(
                s.lines + s.skipped < expected for s in stats
            ):
                progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(progress.wait(), 0.5)
            latencies = [value for s in stats for value in s.latencies_ms]
            report = {
                "lines": [s.lines for s in stats],
                "skipped": [s.skipped for s in stats],
                "p50_ms": percentile(latencies, 0.5),
                "p99_ms": percentile(latencies, 0.99),
                "max_ms": max(latencies, default=float("nan")),
            }
            print(json.dumps(report), flush=True)
    for task in tasks:
        task.cancel()


@functools.lru_cache(maxsize=1024)
def _epoch_ms(iso: str) -> float:
    # The lines of one POST share their timestamp, so the cache makes this a lookup per line:
    # the viewers share the machine with the service and should take as little as they can.
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


# --- the benchmark -----------------------------------------------------------------------


class Viewers:
    def __init__(self, ws_url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.debug_service", "--viewers", ws_url],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._expect("ready")

    def _expect(self, word: str) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith(word) and not line.startswith("{"):
            raise RuntimeError(f"viewers said {line!r}, expected {word}")
        return line

    def command(self, text: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self._expect("ok" if text == "reset" else "{")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _phase(
    service: DebugServiceProcess, viewers: Viewers, batches: int, rate: float | None
) -> dict[str, Any]:
    viewers.command("reset")
    cpu_before = _cpu(service)
    viewers_before = _process_cpu(viewers.proc.pid)
    sender_before = time.process_time()
    lines_per_s, posts = asyncio.run(send(service.base_url, batches, rate))
    sender_cpu = time.process_time() - sender_before
    report: dict[str, Any] = json.loads(viewers.command(f"report {batches * BATCH}"))
    per_100k = 100_000 / (batches * BATCH)
    report["cpu_s_per_100k"] = (_cpu(service) - cpu_before) * per_100k
    report["viewers_cpu_s_per_100k"] = (_process_cpu(viewers.proc.pid) - viewers_before) * per_100k
    report["sender_cpu_s_per_100k"] = sender_cpu * per_100k
    report["lines_per_s"] = lines_per_s
    report["post_p99_ms"] = percentile(posts, 0.99) * 1000
    return report


def _cpu(service: DebugServiceProcess) -> float:
    assert service.proc is not None
    return group_cpu_seconds(service.proc.pid)


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _print_phase(title: str, report: dict[str, Any]) -> None:
    print(
        f"  {title}: {report['lines_per_s']:,.0f} lines/s ingested; viewer latency "
        f"p50 {report['p50_ms']:.0f} ms, p99 {report['p99_ms']:.0f} ms, max "
        f"{report['max_ms']:.0f} ms; POST p99 {report['post_p99_ms']:.0f} ms; lines per viewer "
        f"{min(report['lines'])}-{max(report['lines'])}, skipped {sum(report['skipped'])}; "
        f"CPU s per 100,000 lines: service {report['cpu_s_per_100k']:.2f}, "
        f"viewers {report['viewers_cpu_s_per_100k']:.2f}, sender "
        f"{report['sender_cpu_s_per_100k']:.2f}",
        flush=True,
    )


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def main(batches: int = 200) -> None:
    """`batches` of BATCH lines per phase (the first phase, with no viewer, sends half)."""
    # Wall-clock figures depend on what else runs on the machine; CPU seconds per line much
    # less so. Both are printed, with the load, so that a run can be judged.
    print(f"  before: {_load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-debug-") as tmp:
        service = DebugServiceProcess(Path(tmp) / "debug.db", log_dir=Path(tmp))
        with service:
            cpu_before = _cpu(service)
            alone, posts = asyncio.run(send(service.base_url, batches // 2, None))
            cpu = (_cpu(service) - cpu_before) / (batches // 2 * BATCH) * 100_000
            print(
                f"  no viewer, as fast as possible: {alone:,.0f} lines/s ingested "
                f"({batches // 2 * BATCH:,} lines in batches of {BATCH}; POST p99 "
                f"{percentile(posts, 0.99) * 1000:.0f} ms; service CPU {cpu:.2f} s per "
                "100,000 lines)",
                flush=True,
            )
            viewers = Viewers(service.ws_url)
            try:
                target = _phase(service, viewers, batches, 20_000)
                offered_s = batches * BATCH / 20_000
                _print_phase(
                    f"{VIEWERS} viewers, 20,000 lines/s offered for {offered_s:g} s", target
                )
                flat_out = _phase(service, viewers, batches, None)
                _print_phase(f"{VIEWERS} viewers, as fast as possible", flat_out)
            finally:
                viewers.close()
        ok = target["lines_per_s"] >= 19_000 and target["p99_ms"] < 250
        print(f"  after: {_load()}")
        verdict = "met" if ok else "NOT met"
        print(f"  target (20,000 lines/s sustained with 5 viewers, p99 < 250 ms): {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", metavar="WS_URL")
    args = parser.parse_args()
    if args.viewers:
        asyncio.run(run_viewers(args.viewers))
    else:
        main()
