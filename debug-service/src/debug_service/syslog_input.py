"""The UDP syslog input: where nginx sends its access log (`DEBUG_SYSLOG_PORT`).

Receiving only appends the datagram to a bounded queue (at most `max_pending` datagrams and
`max_pending_bytes` bytes); one task parses what has gathered and stores it through the same
pipeline as `POST /api/logs`, one batch at a time. A flood therefore costs a bounded amount of
memory: what does not fit is dropped and counted, as the kernel itself drops datagrams when the
socket's buffer is full. UDP syslog has no authentication: the port must be reachable by nginx
only (see docs/debug-service.md).

Drops and datagrams that are not stored (not syslog, not nginx's format) are reported in one
`warn` line of the service's own log per `report_interval_s`, never one line per datagram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections import deque
from dataclasses import dataclass

from vr_common.log_entry import LogLimits

from debug_service.entries import NewLog
from debug_service.pipeline import LogPipeline
from debug_service.syslog_messages import SyslogProblem, parse_datagram

logger = logging.getLogger(__name__)

# Room for a burst of a few thousand access lines while a batch is being stored (the kernel
# caps it at net.core.rmem_max).
RECEIVE_BUFFER_BYTES = 1 << 20


@dataclass(slots=True)
class SyslogCounts:
    received: int = 0
    stored: int = 0
    dropped: int = 0  # the queue was full
    rejected: int = 0  # not syslog, not nginx's format, or not storable
    first_problem: str | None = None


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, owner: SyslogInput) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.owner.offer(data)

    def error_received(self, exc: Exception) -> None:
        # ICMP errors and the like: nothing to answer on a receive-only socket.
        pass


class SyslogInput:
    def __init__(
        self,
        limits: LogLimits,
        *,
        max_pending: int = 10_000,
        max_pending_bytes: int = 4 << 20,
        report_interval_s: float = 10.0,
    ) -> None:
        self.limits = limits
        self.max_pending = max_pending
        self.max_pending_bytes = max_pending_bytes
        self.report_interval_s = report_interval_s
        self.counts = SyslogCounts()
        # What the last report covered.
        self._reported_dropped = 0
        self._reported_rejected = 0
        self._pending: deque[tuple[bytes, int]] = deque()
        self._pending_bytes = 0
        self._ready = asyncio.Event()
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Receiver(self), local_addr=(host, port)
            )
        except OSError as exc:
            raise RuntimeError(f"cannot listen for syslog on UDP {host}:{port}: {exc}") from exc
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        self._transport = transport
        logger.info("receiving syslog (nginx access log) on UDP %s:%d", host, self.port)

    @property
    def port(self) -> int:
        if self._transport is None:
            return 0
        return int(self._transport.get_extra_info("sockname")[1])

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def offer(self, data: bytes) -> None:
        """Queue one datagram, or count it as dropped when the queue is full. Never waits."""
        self.counts.received += 1
        if (
            len(self._pending) >= self.max_pending
            or self._pending_bytes + len(data) > self.max_pending_bytes
        ):
            self.counts.dropped += 1
            return
        self._pending.append((data, time.time_ns() // 1000))
        self._pending_bytes += len(data)
        self._ready.set()

    def take(self, limit: int | None = None) -> list[NewLog]:
        """Parse up to `limit` queued datagrams (all if None) into entries."""
        entries: list[NewLog] = []
        count = len(self._pending) if limit is None else min(limit, len(self._pending))
        for _ in range(count):
            data, received_us = self._pending.popleft()
            self._pending_bytes -= len(data)
            try:
                entries.append(parse_datagram(data, self.limits, received_us))
            except SyslogProblem as problem:
                self.counts.rejected += 1
                self.counts.first_problem = self.counts.first_problem or str(problem)
        if not self._pending:
            self._ready.clear()
        return entries

    async def store(self, pipeline: LogPipeline, entries: list[NewLog]) -> None:
        if entries:
            await pipeline.ingest(entries)
            self.counts.stored += len(entries)

    async def run(self, pipeline: LogPipeline) -> None:
        """Forever: store what has arrived, one batch at a time."""
        last_report = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.report_interval_s):
                    await self._ready.wait()
            while self._pending:
                entries = self.take(self.limits.max_batch)
                try:
                    await self.store(pipeline, entries)
                except Exception:
                    self.counts.dropped += len(entries)
                    logger.exception("cannot store %d syslog lines", len(entries))
            if time.monotonic() - last_report >= self.report_interval_s:
                last_report = time.monotonic()
                self.report()

    def report(self) -> None:
        """One warn line if datagrams were dropped or not stored since the last report."""
        dropped = self.counts.dropped - self._reported_dropped
        rejected = self.counts.rejected - self._reported_rejected
        problems = []
        if dropped:
            problems.append(f"{dropped} datagrams dropped (queue full)")
        if rejected:
            problems.append(f"{rejected} not stored ({self.counts.first_problem})")
        if problems:
            logger.warning(
                "syslog input: %s",
                ", ".join(problems),
                extra={"dropped": dropped, "rejected": rejected},
            )
        self._reported_dropped = self.counts.dropped
        self._reported_rejected = self.counts.rejected
        self.counts.first_problem = None
