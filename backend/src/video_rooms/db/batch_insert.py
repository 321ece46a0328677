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

from sqlalchemy import ColumnElement, Table
from sqlalchemy.ext.asyncio import AsyncConnection

logger = logging.getLogger(__name__)

Row = dict[str, Any]
Transaction = Callable[[], contextlib.AbstractAsyncContextManager[AsyncConnection]]


class BatchInserter:
    """Inserts rows into `table` in shared transactions. With `returning` (a column, e.g. an
    autoincrement id), each caller gets its own row's value back."""

    def __init__(
        self,
        table: Table,
        transaction: Transaction,
        *,
        returning: ColumnElement[Any] | None = None,
        max_batch: int = 256,
    ) -> None:
        self._transaction = transaction
        self._max_batch = max_batch
        # Values come back in the order of the rows (sort_by_parameter_order), so each caller
        # gets its own.
        self._statement = (
            table.insert()
            if returning is None
            else table.insert().returning(returning, sort_by_parameter_order=True)
        )
        self._returns = returning is not None
        self._pending: list[tuple[Row, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def insert(self, row: Row) -> Any:
        """Returns once the row is committed (with its `returning` value, else None); raises
        what the database raised for it."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((row, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all())
        return await done

    async def _flush_all(self) -> None:
        # Rows that arrive while a batch is being written wait for the next one.
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            await self._write(batch)

    async def _write(self, batch: list[tuple[Row, asyncio.Future[Any]]]) -> None:
        try:
            async with self._transaction() as conn:
                result = await conn.execute(self._statement, [row for row, _ in batch])
                values = list(result.scalars().all()) if self._returns else [None] * len(batch)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], error=exc)
                return
            # One bad row (a duplicate key, say) must not fail its neighbours: retry alone.
            logger.info("batch insert failed, retrying rows one by one", extra={"rows": len(batch)})
            for item in batch:
                await self._write([item])
            return
        for (_, done), value in zip(batch, values, strict=True):
            _settle(done, value=value)


def _settle(
    future: asyncio.Future[Any], value: Any = None, error: BaseException | None = None
) -> None:
    if future.done():  # the caller went away (request cancelled)
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)
