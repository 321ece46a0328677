"""Live status of every configured service, checked on an interval.

Only a change of status is pushed and logged; an unchanged check updates the figures quietly,
so a dead service does not fill the log with one line per check. A service is listed from its
first check on (there is no word for "not checked yet" in the shared vocabulary), and one with
no URL configured is listed at once as `unconfigured`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from vr_common.service_status import ServiceHealth

from debug_service.entries import format_timestamp

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Target:
    """A service to check: by GET `url`, or by calling `probe` (which raises if unhealthy).

    Without a URL nor a probe it is `unconfigured`, and `unconfigured_why` says what to set.
    """

    name: str
    url: str
    probe: Callable[[], Awaitable[None]] | None = None
    unconfigured_why: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.url) or self.probe is not None


@dataclass(slots=True)
class ServiceStatus:
    name: str
    url: str
    # None until the first check: such a service is not listed yet.
    status: ServiceHealth | None = None
    latency_ms: float | None = None
    since_us: int = 0
    checked_at_us: int | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "since": format_timestamp(self.since_us),
            "checked_at": (
                format_timestamp(self.checked_at_us) if self.checked_at_us is not None else None
            ),
            "message": self.message,
        }


def _now_us() -> int:
    return time.time_ns() // 1000


def _describe(exc: httpx.HTTPError, timeout_s: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout_s:g} s"
    # httpx says "All connection attempts failed"; the operator wants the reason underneath.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    return f"{type(exc).__name__}: {exc}"


class Monitor:
    def __init__(
        self,
        targets: Sequence[Target],
        *,
        interval_s: float,
        timeout_s: float,
        on_change: Callable[[ServiceStatus], None] = lambda status: None,
    ) -> None:
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.on_change = on_change
        now = _now_us()
        self.statuses = {
            t.name: ServiceStatus(t.name, t.url, since_us=now) for t in targets if t.configured
        }
        self.unconfigured = [
            ServiceStatus(t.name, t.url, "unconfigured", since_us=now, message=t.unconfigured_why)
            for t in targets
            if not t.configured
        ]
        self.probes = {t.name: t.probe for t in targets if t.probe is not None}
        self._round_started = time.monotonic()

    def snapshot(self) -> list[dict[str, Any]]:
        checked = [s for s in self.statuses.values() if s.status is not None]
        return [status.to_dict() for status in [*checked, *self.unconfigured]]

    async def _measure(
        self, client: httpx.AsyncClient, target: ServiceStatus
    ) -> tuple[ServiceHealth, str | None, float | None]:
        """(status, message, latency in ms) of one check."""
        started = time.perf_counter()
        probe = self.probes.get(target.name)
        try:
            if probe is not None:
                async with asyncio.timeout(self.timeout_s):
                    await probe()
                status_code = 200
            else:
                status_code = (await client.get(target.url)).status_code
        except httpx.HTTPError as exc:
            return "unhealthy", _describe(exc, self.timeout_s), None
        except TimeoutError:
            return "unhealthy", f"timed out after {self.timeout_s:g} s", None
        except Exception as exc:
            return "unhealthy", f"{type(exc).__name__}: {exc}", None
        latency = round((time.perf_counter() - started) * 1000, 1)
        if status_code >= 400:
            return "unhealthy", f"HTTP {status_code}", latency
        return "healthy", None, latency

    async def _check(self, client: httpx.AsyncClient, current: ServiceStatus) -> None:
        new_status, message, latency = await self._measure(client, current)
        now = _now_us()
        previous = current.status
        current.latency_ms = latency
        current.checked_at_us = now
        current.message = message
        if new_status != previous:
            current.status = new_status
            current.since_us = now
            self._log_change(current, previous)
            self.on_change(current)

    def _log_change(self, status: ServiceStatus, previous: ServiceHealth | None) -> None:
        extra = {"service_name": status.name, "status": status.status, "url": status.url}
        was = f"was {previous}" if previous is not None else "first check"
        if status.status == "healthy":
            logger.info("%s is healthy (%s)", status.name, was, extra=extra)
        else:
            logger.warning(
                "%s is %s: %s (%s)", status.name, status.status, status.message, was, extra=extra
            )

    async def check_all(self, client: httpx.AsyncClient) -> None:
        await asyncio.gather(*(self._check(client, s) for s in self.statuses.values()))

    def _client(self) -> httpx.AsyncClient:
        # Health checks must not reuse a connection a dead server left behind, and must not
        # follow redirects (a 3xx means the server answered, which is all a check asks).
        return httpx.AsyncClient(
            timeout=self.timeout_s,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    async def first_round(self) -> None:
        """Check every target once (at start-up, so the first listing is complete)."""
        self._round_started = time.monotonic()
        async with self._client() as client:
            await self.check_all(client)

    async def run(self) -> None:
        """Forever, after `first_round`: wait for the next round, then check every target."""
        async with self._client() as client:
            while True:
                elapsed = time.monotonic() - self._round_started
                await asyncio.sleep(max(0.0, self.interval_s - elapsed))
                self._round_started = time.monotonic()
                await self.check_all(client)


def targets_from_urls(
    *,
    backend_url: str,
    sfu_health_url: str,
    frontend_url: str,
    self_url: str,
    self_probe: Callable[[], Awaitable[None]] | None = None,
) -> list[Target]:
    # The service checks itself from inside (its database), not over HTTP: the first round
    # runs before the server is listening, and a service that cannot answer HTTP cannot
    # report anything anyway.
    def checked_at(name: str, base_url: str, path: str, setting: str) -> Target:
        if not base_url:
            return Target(name, "", unconfigured_why=f"{setting} not set")
        return Target(name, base_url.rstrip("/") + path)

    return [
        Target("debug", self_url, self_probe),
        checked_at("backend", backend_url, "/api/health", "BACKEND_URL"),
        Target("sfu", sfu_health_url)
        if sfu_health_url
        else Target("sfu", "", unconfigured_why="SFU_HEALTH_URL not set"),
        checked_at("frontend", frontend_url, "/", "FRONTEND_URL"),
    ]
