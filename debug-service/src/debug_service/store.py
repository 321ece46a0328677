"""SQLite storage of log lines, with FTS5 full-text search and retention.

One connection writes (the caller keeps all writes on one thread); every reading thread gets its
own connection, so that queries run beside ingest (WAL lets readers and the writer overlap).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from debug_service.entries import LEVEL_NAMES, NewLog, StoredLog, format_timestamp
from debug_service.filters import LogFilter
from debug_service.text_search import fts_expression

_SCHEMA = """
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    service TEXT NOT NULL,
    level INTEGER NOT NULL,
    message TEXT NOT NULL,
    metadata TEXT NOT NULL,
    room_id TEXT,
    participant_id TEXT
);
CREATE INDEX IF NOT EXISTS logs_ts ON logs (ts);
CREATE INDEX IF NOT EXISTS logs_room ON logs (room_id) WHERE room_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS logs_participant ON logs (participant_id)
    WHERE participant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS logs_service ON logs (service, id);
CREATE VIRTUAL TABLE IF NOT EXISTS logs_fts USING fts5 (
    message, content='logs', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);
"""
_COLUMNS = "id, ts, service, level, message, metadata, room_id, participant_id"
_MINUTE_US = 60_000_000
# What a line costs on disk, estimated from its text: the row and its indexes (the fixed part)
# plus the message twice (the row and the full-text index) plus the metadata. Written the same
# in SQL and in Python (`line_cost`); length() counts characters, as len() does.
_ROW_BYTES = 160
_COST_SQL = f"(2 * length(message) + length(metadata) + {_ROW_BYTES})"
# The share of the byte budget the lines themselves may take: the rest is the write-ahead log
# and the pages SQLite keeps free between deletions and inserts.
_CONTENT_SHARE = 0.7
# Eviction goes below the budget by this much, so that it runs once per many inserts.
_EVICT_SLACK = 0.05


def line_cost(message: str, metadata_json: str) -> int:
    return 2 * len(message) + len(metadata_json) + _ROW_BYTES


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: the (timestamp, id) of its last line."""

    ts_us: int
    id: int


@dataclass(slots=True)
class Stats:
    total: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)
    per_minute: list[dict[str, Any]] = field(default_factory=list)
    oldest: str | None = None
    newest: str | None = None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class LogStore:
    def __init__(self, path: Path, *, max_rows: int, max_bytes: int = 1 << 30) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_rows = max_rows
        self.max_content_bytes = int(max_bytes * _CONTENT_SHARE)
        self._writer = _connect(path)
        self._writer.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a power cut may lose the last commits, never corrupt the file;
        # a log store trades that for not waiting on fsync per batch.
        self._writer.execute("PRAGMA synchronous = NORMAL")
        # The indexes on ids take random inserts; a 64 MiB page cache keeps them in memory.
        self._writer.execute("PRAGMA cache_size = -65536")
        # Checkpoints (copying the WAL into the database, with an fsync) run on their own
        # thread through `checkpoint()`, so that a commit never waits for the disk; the
        # WAL file is cut back after each full checkpoint.
        self._writer.execute("PRAGMA wal_autocheckpoint = 0")
        wal_limit = min(64 << 20, max_bytes // 8)
        self._writer.execute(f"PRAGMA journal_size_limit = {wal_limit}")
        self._writer.executescript(_SCHEMA)
        # Bytes (line_cost) per source: what eviction compares.
        self.bytes_by_service: dict[str, int] = dict(
            self._writer.execute(f"SELECT service, sum({_COST_SQL}) FROM logs GROUP BY service")
        )
        self._next_id = (
            1
            + self._writer.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'logs'), 0),"
                " coalesce((SELECT max(id) FROM logs), 0))"
            ).fetchone()[0]
        )
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    # --- writing: call from one thread only ---------------------------------------------

    def insert(self, entries: Sequence[NewLog]) -> list[StoredLog]:
        if not entries:
            return []
        first = self._next_id
        rows = [
            (
                first + offset,
                e.ts_us,
                e.service,
                e.level,
                e.message,
                e.metadata_json,
                e.room_id,
                e.participant_id,
            )
            for offset, e in enumerate(entries)
        ]
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(f"INSERT INTO logs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany(
                "INSERT INTO logs_fts (rowid, message) VALUES (?, ?)",
                [(row[0], row[4]) for row in rows],
            )
            for e in entries:
                cost = line_cost(e.message, e.metadata_json)
                self.bytes_by_service[e.service] = self.bytes_by_service.get(e.service, 0) + cost
            self._trim_to_max_rows(first + len(rows) - 1)
            self._trim_to_budget()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            self._recount()
            raise
        self._next_id = first + len(rows)
        return [StoredLog.from_row(row) for row in rows]

    def _trim_to_max_rows(self, last_id: int) -> None:
        # Ids are given in arrival order, so "the oldest beyond max_rows" is an id range.
        cutoff = last_id - self.max_rows
        oldest = self._writer.execute("SELECT min(id) FROM logs").fetchone()[0]
        if oldest is not None and oldest <= cutoff:
            self._delete_where("id <= ?", (cutoff,))

    def _trim_to_budget(self) -> None:
        """Over the budget, delete the oldest lines of whichever source holds the most bytes
        until the total is back under it (a flood evicts the flooder's own lines first)."""
        total = sum(self.bytes_by_service.values())
        if total <= self.max_content_bytes:
            return
        target = int(self.max_content_bytes * (1 - _EVICT_SLACK))
        while total > target:
            service = max(self.bytes_by_service, key=self.bytes_by_service.__getitem__)
            freed = 0
            last_id = None
            for log_id, cost in self._writer.execute(
                f"SELECT id, {_COST_SQL} FROM logs WHERE service = ? ORDER BY id LIMIT 2000",
                (service,),
            ):
                freed += cost
                last_id = log_id
                if total - freed <= target:
                    break
            if last_id is None:
                # Counted but not stored (cannot happen unless the counts drifted): recount.
                self._recount()
                total = sum(self.bytes_by_service.values())
                continue
            self._delete_where("service = ? AND id <= ?", (service, last_id))
            total = sum(self.bytes_by_service.values())

    def _recount(self) -> None:
        self.bytes_by_service = dict(
            self._writer.execute(f"SELECT service, sum({_COST_SQL}) FROM logs GROUP BY service")
        )

    def _delete_where(self, condition: str, params: tuple[Any, ...]) -> int:
        for service, cost in self._writer.execute(
            f"SELECT service, sum({_COST_SQL}) FROM logs WHERE {condition} GROUP BY service",
            params,
        ).fetchall():
            left = self.bytes_by_service.get(service, 0) - cost
            if left > 0:
                self.bytes_by_service[service] = left
            else:
                self.bytes_by_service.pop(service, None)
        # An external-content FTS5 index forgets a row only when told its old text.
        self._writer.execute(
            "INSERT INTO logs_fts (logs_fts, rowid, message)"
            f" SELECT 'delete', id, message FROM logs WHERE {condition}",
            params,
        )
        return self._writer.execute(f"DELETE FROM logs WHERE {condition}", params).rowcount

    def delete_older_than(self, cutoff_us: int) -> int:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = self._delete_where("ts < ?", (cutoff_us,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            self._recount()
            raise
        return deleted

    def delete_all(self) -> int:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = conn.execute("DELETE FROM logs").rowcount
            conn.execute("INSERT INTO logs_fts (logs_fts) VALUES ('delete-all')")
            conn.execute("COMMIT")
            self.bytes_by_service.clear()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return deleted

    # --- reading: any thread ------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def query(self, flt: LogFilter, limit: int, after: Cursor | None = None) -> list[StoredLog]:
        """Matching lines, newest first; `after` continues from the end of a previous page."""
        conditions: list[str] = []
        params: list[Any] = []
        if flt.services:
            conditions.append(f"service IN ({', '.join('?' * len(flt.services))})")
            params.extend(sorted(flt.services))
        if flt.min_level:
            conditions.append("level >= ?")
            params.append(flt.min_level)
        if flt.room_id is not None:
            conditions.append("room_id = ?")
            params.append(flt.room_id)
        if flt.participant_id is not None:
            conditions.append("participant_id = ?")
            params.append(flt.participant_id)
        if flt.since_us is not None:
            conditions.append("ts >= ?")
            params.append(flt.since_us)
        if flt.until_us is not None:
            conditions.append("ts <= ?")
            params.append(flt.until_us)
        if flt.terms:
            conditions.append("id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?)")
            params.append(fts_expression(flt.terms))
        if after is not None:
            conditions.append("(ts, id) < (?, ?)")
            params.extend((after.ts_us, after.id))
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"SELECT {_COLUMNS} FROM logs {where} ORDER BY ts DESC, id DESC LIMIT ?"
        rows = self._reader().execute(sql, (*params, limit)).fetchall()
        return [StoredLog.from_row(row) for row in rows]

    def stats(self, now_us: int) -> Stats:
        conn = self._reader()
        result = Stats(by_level={name: 0 for name in LEVEL_NAMES.values()})
        for service, level, count in conn.execute(
            "SELECT service, level, count(*) FROM logs GROUP BY service, level"
        ):
            result.total += count
            result.by_level[LEVEL_NAMES[level]] += count
            result.by_service[service] = result.by_service.get(service, 0) + count
        minutes: dict[int, dict[str, Any]] = {}
        first_minute = (now_us // _MINUTE_US - 59) * _MINUTE_US
        for minute, level, count in conn.execute(
            "SELECT ts / ? AS minute, level, count(*) FROM logs WHERE ts >= ?"
            " GROUP BY minute, level ORDER BY minute",
            (_MINUTE_US, first_minute),
        ):
            bucket = minutes.setdefault(
                minute,
                {
                    "minute": format_timestamp(minute * _MINUTE_US)[:-8] + "Z",
                    "count": 0,
                    "by_level": {name: 0 for name in LEVEL_NAMES.values()},
                },
            )
            bucket["count"] += count
            bucket["by_level"][LEVEL_NAMES[level]] += count
        result.per_minute = list(minutes.values())
        oldest, newest = conn.execute("SELECT min(ts), max(ts) FROM logs").fetchone()
        result.oldest = format_timestamp(oldest) if oldest is not None else None
        result.newest = format_timestamp(newest) if newest is not None else None
        return result

    def rooms(self, limit: int) -> list[dict[str, Any]]:
        """Rooms that have lines, the latest active first, with their span and people."""
        rows = (
            self._reader()
            .execute(
                "SELECT room_id, min(ts), max(ts), count(DISTINCT participant_id), count(*)"
                " FROM logs WHERE room_id IS NOT NULL"
                " GROUP BY room_id ORDER BY max(ts) DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [
            {
                "room_id": room_id,
                "first": format_timestamp(first),
                "last": format_timestamp(last),
                "participants": participants,
                "lines": lines,
            }
            for room_id, first, last, participants, lines in rows
        ]

    def checkpoint(self) -> None:
        """Copy the WAL into the database without blocking the writer (any thread)."""
        self._reader().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def check(self) -> None:
        """Raise sqlite3.Error if the database cannot be read."""
        self._reader().execute("SELECT 1 FROM logs LIMIT 1").fetchall()

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._writer.close()
