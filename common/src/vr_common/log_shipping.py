"""Ships the backend's log lines to the debug service without ever making a request wait.

`emit` only turns a record into a small dict and puts it on a bounded queue; when the queue is
full the line is counted as dropped instead of waiting. One background thread sends batches
(by count, or after a short delay) to `POST /api/logs`, retrying with exponential backoff
while the debug service is unreachable. Once a batch gets through again, one more line says
how many were dropped in between, so a gap in the log is never silent.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any

import httpx

from vr_common.log_entry import (
    DEFAULT_LIMITS,
    SERVICE_NAME,
    SERVICE_NAME_RULE,
    LogLimits,
    record_to_entry,
)
from vr_common.service_tokens import service_token

logger = logging.getLogger(__name__)


class LogShippingHandler(logging.Handler):
    def __init__(
        self,
        url: str,
        service: str,
        *,
        token: str | None = None,
        limits: LogLimits = DEFAULT_LIMITS,
        max_queue: int = 10_000,
        batch_size: int = 500,
        flush_interval: float = 0.25,
        timeout: float = 5.0,
        initial_backoff: float = 0.25,
        max_backoff: float = 15.0,
        close_timeout: float = 2.0,
    ) -> None:
        super().__init__()
        if not SERVICE_NAME.fullmatch(service):
            # The debug service would reject every line; better to fail at startup.
            raise ValueError(f"service name {service!r}: use {SERVICE_NAME_RULE}")
        base = url.rstrip("/")
        self.url = base if base.endswith("/api/logs") else f"{base}/api/logs"
        self.service = service
        self.limits = limits
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.close_timeout = close_timeout
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=max_queue)
        self._counts_lock = threading.Lock()
        self._dropped_full = 0
        self._dropped_rejected = 0
        self._stopping = threading.Event()
        self._stop_deadline = float("inf")
        # A record reaching this handler through two loggers (say "uvicorn" and the root) is
        # shipped once; weak references so that the set never keeps records alive.
        self._seen: weakref.WeakSet[logging.LogRecord] = weakref.WeakSet()
        # The token of this service alone (vr_common.service_tokens), never DEBUG_TOKEN itself.
        headers = {"Authorization": f"Bearer {service_token(token, service)}"} if token else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self._thread = threading.Thread(target=self._run, name="log-shipping", daemon=True)
        self._thread.start()

    # --- the caller's side: never blocks -------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        # The sender's own lines (httpx, connection errors) would feed themselves forever.
        if threading.get_ident() == self._thread.ident or record in self._seen:
            return
        self._seen.add(record)
        try:
            entry = record_to_entry(record, self.service, self.limits)
        except Exception:
            self.handleError(record)
            return
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            with self._counts_lock:
                self._dropped_full += 1

    @property
    def dropped(self) -> int:
        """Lines lost and not yet reported to the debug service."""
        with self._counts_lock:
            return self._dropped_full + self._dropped_rejected

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    def flush(self, timeout: float = 1.0) -> None:
        """Wait (at most `timeout`) until every queued line has been sent or given up on."""
        deadline = time.monotonic() + timeout
        # unfinished_tasks counts lines queued or in a batch not yet delivered.
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            if not self._thread.is_alive():
                return
            time.sleep(0.01)

    def close(self) -> None:
        """Send what is queued, giving up after `close_timeout` (the service may be down)."""
        if not self._stopping.is_set():
            self._stop_deadline = time.monotonic() + self.close_timeout
            self._stopping.set()
        self._thread.join(self.close_timeout + 1)
        if not self._thread.is_alive():
            self._client.close()
        super().close()

    # --- the sender thread ----------------------------------------------------------------

    def _next_batch(self) -> list[dict[str, Any]]:
        try:
            first = self._queue.get(timeout=0.1)
        except queue.Empty:
            return []
        batch = [first]
        # Wait a little for more: one request per flush interval rather than one per line.
        deadline = time.monotonic() + self.flush_interval
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping.is_set():
                remaining = 0
            try:
                if remaining:
                    batch.append(self._queue.get(timeout=remaining))
                else:
                    batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while not (self._stopping.is_set() and self._queue.empty()):
            batch = self._next_batch()
            if batch:
                self._deliver(batch)
                for _ in batch:
                    self._queue.task_done()

    def _give_up(self) -> bool:
        return self._stopping.is_set() and time.monotonic() >= self._stop_deadline

    def _post(self, batch: list[dict[str, Any]]) -> str:
        """'sent', 'retry' (worth trying again) or 'rejected' (the service will never take it)."""
        try:
            response = self._client.post(self.url, json={"logs": batch})
        except httpx.HTTPError:
            return "retry"
        if response.status_code < 300:
            return "sent"
        if response.status_code in (408, 429) or response.status_code >= 500:
            return "retry"
        logger.warning(
            "the debug service rejected %d log lines: HTTP %d %s",
            len(batch),
            response.status_code,
            response.text[:300],
        )
        return "rejected"

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        backoff = self.initial_backoff
        while True:
            # Closing with the service down: the rest is lost, and counted (for a later handler
            # nobody will read the count, but a test or a caller can).
            outcome = "rejected" if self._give_up() else self._post(batch)
            if outcome == "sent":
                self._report_drops()
                return
            if outcome == "rejected":
                with self._counts_lock:
                    if self._give_up():
                        self._dropped_full += len(batch)
                    else:
                        self._dropped_rejected += len(batch)
                return
            # Jitter, so that several backends do not all retry at the same instant.
            self._stopping.wait(backoff * random.uniform(0.5, 1.0))
            backoff = min(backoff * 2, self.max_backoff)

    def _report_drops(self) -> None:
        with self._counts_lock:
            full, rejected = self._dropped_full, self._dropped_rejected
            self._dropped_full = self._dropped_rejected = 0
        if not full and not rejected:
            return
        report = {
            "timestamp": time.time(),
            "service": self.service,
            "level": "warn",
            "message": (
                f"log shipping dropped {full + rejected} lines "
                f"({full} while the debug service was unreachable or the queue was full, "
                f"{rejected} rejected by it)"
            ),
            "metadata": {"logger": __name__, "dropped": full + rejected, "rejected": rejected},
        }
        if self._post([report]) != "sent":
            with self._counts_lock:
                self._dropped_full += full
                self._dropped_rejected += rejected


def install_log_shipping(
    url: str,
    service: str,
    *,
    token: str | None = None,
    loggers: Sequence[str] = ("", "uvicorn"),
    level: int = logging.NOTSET,
    filters: Sequence[logging.Filter] = (),
) -> LogShippingHandler:
    """Ship the lines of `loggers` ("" is the root) to the debug service at `url`.

    `url` is the service's base URL (e.g. http://127.0.0.1:5000); `token` is DEBUG_TOKEN, from
    which the service's own token is derived: without it the debug service takes the lines as
    anonymous browser lines (refused under any service name but `frontend`). `filters` are added
    to the handler (e.g. the one that copies request, room and participant ids onto records).
    Remove it with `uninstall_log_shipping`; `logging.shutdown()` at exit flushes it.
    """
    handler = LogShippingHandler(url, service, token=token)
    handler.setLevel(level)
    for log_filter in filters:
        handler.addFilter(log_filter)
    for name in loggers:
        logging.getLogger(name).addHandler(handler)
    return handler


def uninstall_log_shipping(
    handler: LogShippingHandler, loggers: Sequence[str] = ("", "uvicorn")
) -> None:
    for name in loggers:
        logging.getLogger(name).removeHandler(handler)
    handler.close()
