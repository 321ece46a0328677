import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from debug_service.entries import NewLog
from debug_service.filters import LogFilter, build_filter
from debug_service.store import Cursor, LogStore
from vr_common.log_entry import LEVELS

BASE_US = 1_700_000_000_000_000


def entry(
    i: int, *, service: str = "backend", level: str = "info", message: str = "", **meta: str
) -> NewLog:
    return NewLog(
        ts_us=BASE_US + i * 1_000_000,
        service=service,
        level=LEVELS[level],
        message=message or f"line {i}",
        metadata_json=json.dumps(meta),
        room_id=meta.get("room_id"),
        participant_id=meta.get("participant_id"),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LogStore]:
    s = LogStore(tmp_path / "sub" / "logs.db", max_rows=1000)
    yield s
    s.close()


def messages(logs: list) -> list[str]:  # type: ignore[type-arg]
    return [log.message for log in logs]


def test_insert_returns_consecutive_ids_and_query_is_newest_first(store: LogStore) -> None:
    stored = store.insert([entry(1), entry(2), entry(3)])
    assert [log.id for log in stored] == [1, 2, 3]
    assert messages(store.query(LogFilter(), 10)) == ["line 3", "line 2", "line 1"]


def test_every_filter_reaches_sql(store: LogStore) -> None:
    store.insert(
        [
            entry(1, service="backend", level="debug", message="room created", room_id="r1"),
            entry(
                2,
                service="browser",
                level="warn",
                message="camera denied",
                room_id="r1",
                participant_id="p1",
            ),
            entry(
                3, service="sfu", level="error", message="connection refused", participant_id="p2"
            ),
            entry(4, service="backend", level="info", message="Connection reset by peer"),
        ]
    )

    def q(**kwargs: object) -> list[str]:
        return messages(store.query(build_filter(**kwargs), 10))  # type: ignore[arg-type]

    assert q(services=["backend"]) == ["Connection reset by peer", "room created"]
    assert q(services=["browser", "sfu"]) == ["connection refused", "camera denied"]
    assert q(level="warn") == ["connection refused", "camera denied"]
    assert q(q="connect") == ["Connection reset by peer", "connection refused"]
    assert q(q="connection refus") == ["connection refused"]
    assert q(q='"; DROP TABLE logs; --') == []
    assert q(room_id="r1") == ["camera denied", "room created"]
    assert q(participant_id="p2") == ["connection refused"]
    assert q(
        since=str((BASE_US + 2_000_000) // 1000), until=str((BASE_US + 3_000_000) // 1000)
    ) == [
        "connection refused",
        "camera denied",
    ]
    assert q(services=["backend"], q="room", room_id="r1") == ["room created"]


def test_cursor_pages_through_equal_timestamps_without_gaps(store: LogStore) -> None:
    same_time = [entry(0, message=f"m{i}") for i in range(7)]
    store.insert(same_time)
    seen: list[str] = []
    after: Cursor | None = None
    while True:
        page = store.query(LogFilter(), 3, after)
        if not page:
            break
        seen += messages(page)
        after = Cursor(page[-1].ts_us, page[-1].id)
    assert seen == [f"m{i}" for i in reversed(range(7))]


def test_max_rows_deletes_the_oldest_arrivals_and_their_index(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "logs.db", max_rows=5)
    store.insert([entry(i, message=f"needle {i}") for i in range(4)])
    store.insert([entry(i, message=f"needle {i}") for i in range(4, 8)])
    kept = store.query(LogFilter(), 100)
    assert messages(kept) == [f"needle {i}" for i in range(7, 2, -1)]
    assert len(store.query(build_filter(q="needle"), 100)) == 5
    store.close()


def test_age_retention_deletes_by_timestamp(store: LogStore) -> None:
    store.insert([entry(1, message="old"), entry(100, message="new")])
    assert store.delete_older_than(BASE_US + 50_000_000) == 1
    assert messages(store.query(LogFilter(), 10)) == ["new"]
    assert store.query(build_filter(q="old"), 10) == []


def test_delete_all_empties_the_index_and_ids_are_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "logs.db"
    store = LogStore(path, max_rows=100)
    store.insert([entry(1), entry(2)])
    assert store.delete_all() == 2
    assert store.query(build_filter(q="line"), 10) == []
    store.close()
    reopened = LogStore(path, max_rows=100)
    assert [log.id for log in reopened.insert([entry(3)])] == [3]
    reopened.close()


def test_lines_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "logs.db"
    first = LogStore(path, max_rows=100)
    first.insert([entry(1, message="persisted line")])
    first.close()
    second = LogStore(path, max_rows=100)
    assert messages(second.query(build_filter(q="persisted"), 10)) == ["persisted line"]
    assert [log.id for log in second.insert([entry(2)])] == [2]
    second.close()


def test_stats_count_by_level_service_and_minute(store: LogStore) -> None:
    now = BASE_US + 3600 * 1_000_000
    store.insert(
        [
            NewLog(now - 61_000_000, "a", 20, "m", "{}", None, None),
            NewLog(now - 1_000_000, "a", 40, "m", "{}", None, None),
            NewLog(now - 1_000_000, "b", 40, "m", "{}", None, None),
            NewLog(now - 7200 * 1_000_000, "b", 10, "ancient", "{}", None, None),
        ]
    )
    stats = store.stats(now)
    assert stats.total == 4
    assert stats.by_level == {"debug": 1, "info": 1, "warn": 0, "error": 2}
    assert stats.by_service == {"a": 2, "b": 2}
    assert [m["count"] for m in stats.per_minute] == [1, 2]
    assert stats.per_minute[-1]["by_level"]["error"] == 2
    assert stats.per_minute[0]["minute"].endswith(":00Z")


def test_readers_on_other_threads_see_committed_lines(store: LogStore) -> None:
    import threading

    store.insert([entry(1)])
    found: list[int] = []
    thread = threading.Thread(target=lambda: found.append(len(store.query(LogFilter(), 10))))
    thread.start()
    thread.join()
    assert found == [1]
    store.check()


def test_a_flood_evicts_its_own_source_and_disk_stays_within_the_budget(tmp_path: Path) -> None:
    budget = 4 << 20
    path = tmp_path / "logs.db"
    store = LogStore(path, max_rows=10_000_000, max_bytes=budget)
    try:
        backend = [entry(i, message=f"backend line {i} " + "b" * 200) for i in range(200)]
        store.insert(backend)
        flood_line = "f" * 4000
        flooded = 0
        batch = 0
        while flooded < 10 * budget:
            store.insert(
                [entry(batch * 100 + i, service="frontend", message=flood_line) for i in range(100)]
            )
            flooded += 100 * len(flood_line)
            batch += 1
            store.checkpoint()
        kept = store.query(build_filter(services=["backend"]), 1000)
        assert len(kept) == 200
        assert store.query(build_filter(services=["frontend"]), 1)  # the newest flood lines stay
        used = sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith("logs.db"))
        assert used <= budget, used
        # The counts match what is stored after a restart.
        counted = dict(store.bytes_by_service)
    finally:
        store.close()
    reopened = LogStore(path, max_rows=10_000_000, max_bytes=budget)
    try:
        assert reopened.bytes_by_service == counted
    finally:
        reopened.close()


def test_the_largest_source_is_evicted_first(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "logs.db", max_rows=10_000_000, max_bytes=1 << 20)
    try:
        store.insert([entry(i, service="nginx", message="n" * 1000) for i in range(100)])
        for round_ in range(20):
            store.insert(
                [entry(round_ * 50 + i, service="frontend", message="f" * 1000) for i in range(50)]
            )
        counts = {
            s: len(store.query(build_filter(services=[s]), 10_000)) for s in ("nginx", "frontend")
        }
        assert counts["nginx"] == 100
        assert counts["frontend"] < 1000
    finally:
        store.close()
