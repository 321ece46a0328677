"""Group commit: rows inserted by concurrent requests share one transaction.

Under load, many joins arrive within the same millisecond. Committing each on its own costs a
round of database work per request (and on SQLite, one writer at a time); collecting the rows
that are waiting into a single `INSERT ... VALUES (...), (...)` and one commit serves them all at
the cost of one. Each caller still waits for *its* commit, so a response is only sent for a row
that is durably stored — nothing is acknowledged and then lost on a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

logger = logging.getLogger(__name__)

Row = dict[str, Any]
Transaction = Callable[[], contextlib.AbstractAsyncContextManager[AsyncConnection]]


class BatchInserter:
    def __init__(self, table: Table, transaction: Transaction, max_batch: int = 256) -> None:
        self._table = table
        self._transaction = transaction
        self._max_batch = max_batch
        self._pending: list[tuple[Row, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def insert(self, row: Row) -> None:
        """Returns once the row is committed; raises what the database raised for its batch."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all())
        await done

    async def _flush_all(self) -> None:
        # Rows that arrive while a batch is being written wait for the next one.
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            await self._write(batch)

    async def _write(self, batch: list[tuple[Row, asyncio.Future[None]]]) -> None:
        try:
            async with self._transaction() as conn:
                await conn.execute(self._table.insert(), [row for row, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            # One bad row (a duplicate key, say) must not fail its neighbours: retry alone.
            logger.info("batch insert failed, retrying rows one by one", extra={"rows": len(batch)})
            for item in batch:
                await self._write([item])
            return
        for _, done in batch:
            _settle(done, None)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the caller went away (request cancelled)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
