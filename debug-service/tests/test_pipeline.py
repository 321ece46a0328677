import asyncio
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from debug_service.entries import NewLog, StoredLog
from debug_service.filters import LogFilter
from debug_service.live import LiveHub
from debug_service.pipeline import LogPipeline
from debug_service.store import LogStore


class CountingStore(LogStore):
    """The real store, counting its transactions."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, max_rows=10_000)
        self.transactions: list[int] = []

    def insert(self, entries: Sequence[NewLog]) -> list[StoredLog]:
        self.transactions.append(len(entries))
        return super().insert(entries)


def lines(prefix: str, count: int) -> list[NewLog]:
    now_us = time.time_ns() // 1000
    return [NewLog(now_us, "svc", 20, f"{prefix} {i}", "{}", None, None) for i in range(count)]


async def test_concurrent_batches_share_a_transaction_and_keep_their_order(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "logs.db")
    hub = LiveHub(buffer_limit=100)
    viewer = hub.connect()
    viewer.backlog_sent(viewer.subscribe(LogFilter()), "{}", 0)
    pipeline = LogPipeline(store, hub)
    try:
        results = await asyncio.gather(
            pipeline.ingest(lines("a", 3)),
            pipeline.ingest(lines("b", 2)),
            pipeline.ingest(lines("c", 4)),
        )
        assert [[log.message for log in result] for result in results] == [
            ["a 0", "a 1", "a 2"],
            ["b 0", "b 1"],
            ["c 0", "c 1", "c 2", "c 3"],
        ]
        ids = [log.id for result in results for log in result]
        assert ids == list(range(ids[0], ids[0] + 9))
        # All three were waiting before the writer got to them: one transaction.
        assert store.transactions == [9]
        first = asyncio.create_task(pipeline.ingest(lines("d", 1)))
        await asyncio.sleep(0)  # the writer has started on "d" when "e" and "f" arrive
        await asyncio.gather(first, pipeline.ingest(lines("e", 1)), pipeline.ingest(lines("f", 2)))
        assert store.transactions == [9, 1, 3]
        assert [log.id for log in viewer.pending][:9] == ids
        assert await pipeline.ingest([]) == []
    finally:
        pipeline.close()


async def test_a_storage_failure_reaches_every_waiting_request(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "logs.db", max_rows=10)
    pipeline = LogPipeline(store, LiveHub(buffer_limit=10))
    store.close()
    outcomes = await asyncio.gather(
        pipeline.ingest(lines("a", 1)), pipeline.ingest(lines("b", 1)), return_exceptions=True
    )
    assert all(isinstance(outcome, sqlite3.ProgrammingError) for outcome in outcomes)
    pipeline._writer.shutdown()
    pipeline._readers.shutdown()


async def test_age_retention_and_delete_all(tmp_path: Path) -> None:
    pipeline = LogPipeline(LogStore(tmp_path / "logs.db", max_rows=100), LiveHub(10))
    viewer = pipeline.hub.connect()
    try:
        await pipeline.ingest([NewLog(1_000_000, "svc", 20, "ancient", "{}", None, None)])
        await pipeline.ingest(lines("recent", 1))
        assert await pipeline.delete_older_than(3600) == 1
        assert [log.message for log in await pipeline.query(LogFilter(), 10)] == ["recent 0"]
        assert await pipeline.delete_all() == 1
        assert viewer.take_messages() == ['{"type":"cleared"}']
        assert (await pipeline.stats()).total == 0
        await pipeline.check()
    finally:
        pipeline.close()


async def test_retention_task_runs_on_its_interval(tmp_path: Path) -> None:
    pipeline = LogPipeline(LogStore(tmp_path / "logs.db", max_rows=100), LiveHub(10))
    try:
        await pipeline.ingest([NewLog(1_000_000, "svc", 20, "ancient", "{}", None, None)])
        task = asyncio.create_task(pipeline.run_age_retention(3600, 0.05))
        for _ in range(100):
            if not await pipeline.query(LogFilter(), 10):
                break
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await pipeline.query(LogFilter(), 10) == []
    finally:
        pipeline.close()
