"""The path of a line: stored first, then handed to live viewers; and reads beside it.

All writes go through one thread (SQLite has one writer anyway, and one thread keeps the ids
in arrival order); reads use their own small pool so that a slow search never holds up ingest.
Batches that arrive while a write is under way are stored together in the next transaction
(group commit): under load, one commit and one full-text index flush serve several requests.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from debug_service.entries import NewLog, StoredLog
from debug_service.filters import LogFilter
from debug_service.live import LiveHub
from debug_service.store import Cursor, LogStore, Stats

logger = logging.getLogger(__name__)
T = TypeVar("T")
# A batch waiting for the writer, and the future its request awaits.
_Waiting = tuple[Sequence[NewLog], "asyncio.Future[list[StoredLog]]"]


# Bounds one group commit, so that a transaction (and the pause it means for the next ones)
# stays short.
MAX_GROUP_LINES = 5000


class LogPipeline:
    def __init__(self, store: LogStore, hub: LiveHub, *, readers: int = 2) -> None:
        self.store = store
        self.hub = hub
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="debug-writer")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="debug-reader")
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="debug-checkpoint")
        self._waiting: list[_Waiting] = []
        self._flusher: asyncio.Task[None] | None = None
        # Called with every stored batch, on the event loop (the browsers' quality metrics).
        self.on_stored: list[Callable[[Sequence[StoredLog]], None]] = []

    async def _write(self, func: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, func)

    async def _read(self, func: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, func)

    async def ingest(self, entries: Sequence[NewLog]) -> list[StoredLog]:
        if not entries:
            return []
        future: asyncio.Future[list[StoredLog]] = asyncio.get_running_loop().create_future()
        self._waiting.append((entries, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    def _take_group(self) -> list[_Waiting]:
        group = [self._waiting.pop(0)]
        lines = len(group[0][0])
        while self._waiting and lines + len(self._waiting[0][0]) <= MAX_GROUP_LINES:
            group.append(self._waiting.pop(0))
            lines += len(group[-1][0])
        return group

    async def _flush(self) -> None:
        while self._waiting:
            group = self._take_group()
            combined = [entry for entries, _ in group for entry in entries]
            try:
                stored = await self._write(functools.partial(self.store.insert, combined))
            except Exception as exc:
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.hub.publish(stored)
            for listener in self.on_stored:
                try:
                    listener(stored)
                except Exception:
                    logger.exception("a stored-lines listener failed")
            offset = 0
            for entries, future in group:
                if not future.done():
                    future.set_result(stored[offset : offset + len(entries)])
                offset += len(entries)

    async def query(
        self, flt: LogFilter, limit: int, after: Cursor | None = None
    ) -> list[StoredLog]:
        return await self._read(lambda: self.store.query(flt, limit, after))

    async def rooms(self, limit: int) -> list[dict[str, Any]]:
        return await self._read(lambda: self.store.rooms(limit))

    async def stats(self) -> Stats:
        now_us = time.time_ns() // 1000
        return await self._read(lambda: self.store.stats(now_us))

    async def check(self) -> None:
        await self._read(self.store.check)

    async def delete_all(self) -> int:
        deleted = await self._write(self.store.delete_all)
        self.hub.broadcast('{"type":"cleared"}')
        return deleted

    async def delete_older_than(self, max_age_s: float) -> int:
        cutoff_us = time.time_ns() // 1000 - int(max_age_s * 1_000_000)
        return await self._write(lambda: self.store.delete_older_than(cutoff_us))

    async def run_checkpoints(self, interval_s: float = 1.0) -> None:
        """Forever: move the WAL into the database file every `interval_s`."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(interval_s)
            try:
                await loop.run_in_executor(self._checkpointer, self.store.checkpoint)
            except Exception:
                logger.exception("WAL checkpoint failed")

    async def run_age_retention(self, max_age_s: float, interval_s: float) -> None:
        """Forever: delete lines older than `max_age_s` every `interval_s`."""
        while True:
            try:
                deleted = await self.delete_older_than(max_age_s)
            except Exception:
                logger.exception("retention by age failed")
            else:
                if deleted:
                    logger.info("retention deleted %d lines older than %.0f s", deleted, max_age_s)
            await asyncio.sleep(interval_s)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self._checkpointer.shutdown(wait=True)
        self.store.close()
