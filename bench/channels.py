"""Realtime channels under load: N rooms of M members joined over /ws to one backend process.

Reports the backend's memory per connection (growth of its RSS over the joined connections)
and the fan-out latency of `chat`: from one member's send until every member of the room has
the broadcast, p50/p99, first one message at a time, then every room sending at once.

The backend runs as operators run it (`python -m video_rooms`, SQLite, a real livekit-server).
The clients run in separate worker processes (plain asyncio + websockets, sending what
phoenix.js sends, heartbeats included) so that they do not share the backend's event loop;
all traffic stays on loopback and every phase is bounded in count and time.

    uv run python -m bench.channels [--rooms 100] [--members 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import multiprocessing as mp
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
from vr_common.tokens import issue_room_token
from vr_testkit.api import create_room
from vr_testkit.cpu import group_cpu_seconds
from vr_testkit.livekit import LiveKitServer
from vr_testkit.services import backend_process
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

JOIN_CONCURRENCY = 100
PHASE_TIMEOUT = 600.0


@dataclass(frozen=True)
class RoomPlan:
    room_id: str
    tokens: list[str]


@dataclass
class Tally:
    """Arrival times of one tagged chat message, complete when every member has it."""

    expected: int
    times: list[float]
    done: asyncio.Event


class Member:
    """One client socket joined to one room; its reader notes when tagged chats arrive."""

    def __init__(self, ws: ClientConnection, topic: str, arrivals: dict[str, Tally]) -> None:
        self.ws = ws
        self.topic = topic
        self.join_ref = ""
        self._refs = itertools.count(1)
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._arrivals = arrivals
        self.reader = asyncio.create_task(self._read())

    async def request(self, event: str, payload: dict[str, Any], topic: str | None = None) -> Any:
        ref = str(next(self._refs))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[ref] = future
        join_ref = ref if event == "phx_join" else (self.join_ref or None)
        await self.ws.send(json.dumps([join_ref, ref, topic or self.topic, event, payload]))
        return await future

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._read_frames()

    async def _read_frames(self) -> None:
        async for raw in self.ws:
            _, ref, _, event, payload = json.loads(raw)
            if event == "chat":
                tally = self._arrivals.get(payload["text"])
                if tally is not None:
                    tally.times.append(time.monotonic())
                    if len(tally.times) == tally.expected:
                        tally.done.set()
            elif event == "phx_reply" and ref in self._replies:
                self._replies.pop(ref).set_result(payload)


async def _open_member(
    url: str, plan: RoomPlan, token: str, arrivals: dict[str, Tally], compression: bool
) -> Member:
    ws = await connect(
        url,
        compression="deflate" if compression else None,
        ping_interval=None,  # the Phoenix heartbeat below keeps the socket alive, as in browsers
        open_timeout=60,
        max_queue=None,
    )
    member = Member(ws, f"room:{plan.room_id}", arrivals)
    reply = await member.request("phx_join", {"token": token})
    if reply["status"] != "ok":
        raise RuntimeError(f"join refused: {reply}")
    member.join_ref = "1"
    return member


async def _worker(url: str, plans: list[RoomPlan], compression: bool, pipe: Pipe) -> None:
    arrivals: dict[str, Tally] = {}
    gate = asyncio.Semaphore(JOIN_CONCURRENCY)
    rooms: list[list[Member]] = []

    async def open_one(plan: RoomPlan, token: str) -> Member:
        async with gate:
            return await _open_member(url, plan, token, arrivals, compression)

    async def heartbeats() -> None:
        # From the start: joining thousands takes longer than the server's heartbeat timeout.
        while True:
            await asyncio.sleep(20)
            for member in [m for room in rooms for m in room]:
                with contextlib.suppress(ConnectionClosed):
                    await member.ws.send(json.dumps([None, "hb", "phoenix", "heartbeat", {}]))

    beating = asyncio.create_task(heartbeats())
    for plan in plans:
        rooms.append(await asyncio.gather(*(open_one(plan, t) for t in plan.tokens)))
    members = [m for room in rooms for m in room]
    pipe.send(("joined", len(members)))
    tags = itertools.count()

    async def fan_out(room: list[Member]) -> float:
        tag = f"bench-{next(tags)}"
        tally = arrivals[tag] = Tally(len(room), [], asyncio.Event())
        started = time.monotonic()
        await room[0].request("chat", {"text": tag})
        async with asyncio.timeout(60):
            await tally.done.wait()
        del arrivals[tag]
        return (max(tally.times) - started) * 1000

    loop = asyncio.get_running_loop()
    while True:
        command, count = await loop.run_in_executor(None, pipe.recv)
        if command == "sequential":
            pipe.send([await fan_out(rooms[n % len(rooms)]) for n in range(count)])
        elif command == "burst":
            latencies: list[float] = []
            for _ in range(count):
                latencies += await asyncio.gather(*(fan_out(room) for room in rooms))
            pipe.send(latencies)
        else:
            break
    beating.cancel()
    await asyncio.gather(*(m.ws.close() for m in members), return_exceptions=True)
    pipe.send(("closed", len(members)))


def _run_worker(url: str, plans: list[RoomPlan], compression: bool, pipe: Pipe) -> None:
    asyncio.run(_worker(url, plans, compression, pipe))


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _expect(pipe: Pipe, timeout: float = PHASE_TIMEOUT) -> Any:
    if not pipe.poll(timeout):
        raise TimeoutError("a bench worker did not answer in time")
    return pipe.recv()


def run(rooms: int, members: int, workers: int, samples: int, bursts: int, deflate: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="vr-bench-channels-"))
    livekit = LiveKitServer().start()
    backend = backend_process(
        livekit, f"sqlite+aiosqlite:///{workdir / 'rooms.db'}", log_dir=workdir, LOG_LEVEL="WARNING"
    )
    processes: list[mp.Process] = []
    try:
        backend.start_and_wait()
        assert backend.proc is not None

        async def make_rooms() -> list[str]:
            async with httpx.AsyncClient(base_url=backend.url, timeout=30) as client:
                return [str((await create_room(client, "Host"))["room_id"]) for _ in range(rooms)]

        plans = [
            RoomPlan(
                room_id,
                [
                    issue_room_token(
                        api_key=livekit.api_key,
                        api_secret=livekit.api_secret,
                        room_id=room_id,
                        participant_id=f"p_bench_{r}_{m}",
                        participant_name=f"Member {m}",
                        ttl=timedelta(hours=1),
                    )
                    for m in range(members)
                ],
            )
            for r, room_id in enumerate(asyncio.run(make_rooms()))
        ]
        rss_before = _rss_kib(backend.proc.pid)
        url = backend.url.replace("http://", "ws://") + "/ws/websocket?vsn=2.0.0"
        context = mp.get_context("spawn")
        pipes: list[Pipe] = []
        started = time.monotonic()
        for n in range(workers):
            parent, child = context.Pipe()
            process = context.Process(
                target=_run_worker, args=(url, plans[n::workers], deflate, child), daemon=True
            )
            process.start()
            processes.append(process)
            pipes.append(parent)
        joined = sum(_expect(pipe)[1] for pipe in pipes)
        join_seconds = time.monotonic() - started
        time.sleep(2)  # let the presence diffs of the last joins drain
        rss_after = _rss_kib(backend.proc.pid)

        sequential: list[float] = []
        for pipe in pipes:
            pipe.send(("sequential", max(1, samples // workers)))
            sequential += _expect(pipe)
        burst: list[float] = []
        cpu_before = group_cpu_seconds(backend.proc.pid)
        for pipe in pipes:
            pipe.send(("burst", bursts))
        for pipe in pipes:
            burst += _expect(pipe)
        burst_cpu = group_cpu_seconds(backend.proc.pid) - cpu_before
        for pipe in pipes:
            pipe.send(("close", 0))
            _expect(pipe)
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        backend.stop()
        livekit.stop()

    per_connection = (rss_after - rss_before) * 1024 / joined
    print(
        f"channels: {joined} connections joined to {rooms} rooms of {members} "
        f"(permessage-deflate {'on' if deflate else 'off'}) in {join_seconds:.1f} s "
        f"({joined / join_seconds:.0f}/s)\n"
        f"  backend memory: RSS {rss_before / 1024:.0f} MiB -> {rss_after / 1024:.0f} MiB, "
        f"{per_connection / 1024:.1f} KiB per connection (target < 40 KB)\n"
        f"  chat fan-out to {members} members, one message at a time ({len(sequential)}): "
        f"p50 {statistics.median(sequential):.1f} ms, p99 {_percentile(sequential, 99):.1f} ms "
        f"(target p99 < 100 ms)\n"
        f"  chat fan-out, every room at once ({len(burst)}): "
        f"p50 {statistics.median(burst):.1f} ms, p99 {_percentile(burst, 99):.1f} ms; "
        f"backend CPU {burst_cpu * 1e6 / (len(burst) * members):.0f} µs per delivered message",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--samples", type=int, default=200, help="sequential fan-out samples")
    parser.add_argument("--bursts", type=int, default=3, help="rounds of every room at once")
    parser.add_argument(
        "--deflate", action="store_true", help="clients offer permessage-deflate (as browsers do)"
    )
    args = parser.parse_args(argv)
    run(args.rooms, args.members, args.workers, args.samples, args.bursts, args.deflate)


if __name__ == "__main__":
    main()
