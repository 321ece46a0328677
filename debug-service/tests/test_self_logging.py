import asyncio
import json
import logging
from pathlib import Path

from debug_service.filters import build_filter
from debug_service.live import LiveHub
from debug_service.pipeline import LogPipeline
from debug_service.self_logging import SelfLogHandler
from debug_service.store import LogStore
from vr_common.log_entry import LogLimits


def test_records_become_debug_entries_with_their_fields() -> None:
    handler = SelfLogHandler(LogLimits(max_metadata_bytes=200))
    log = logging.getLogger("debug_service.test")
    record = log.makeRecord(
        log.name,
        logging.WARNING,
        __file__,
        1,
        "target %s down",
        ("sfu",),
        None,
        extra={"service_name": "sfu", "odd": object()},
    )
    handler.emit(record)
    big = log.makeRecord(
        log.name, logging.ERROR, __file__, 1, "big", (), None, extra={"x": "y" * 500}
    )
    handler.emit(big)
    first, second = handler.take()
    assert (first.service, first.level, first.message) == ("debug", 30, "target sfu down")
    metadata = json.loads(first.metadata_json)
    assert metadata["service_name"] == "sfu"
    assert metadata["logger"] == "debug_service.test"
    assert metadata["odd"].startswith("<object")
    # Trimmed as the shipping handler trims (vr_common.log_entry), never refused.
    assert json.loads(second.metadata_json) == {
        "logger": "debug_service.test",
        "metadata_trimmed": True,
    }
    assert (second.level, second.message) == (40, "big")
    assert handler.take() == []


def test_the_pending_lines_are_bounded() -> None:
    handler = SelfLogHandler(LogLimits(), max_pending=3)
    for i in range(10):
        handler.emit(logging.makeLogRecord({"name": "x", "msg": f"line {i}", "levelno": 20}))
    assert [entry.message for entry in handler.take()] == ["line 7", "line 8", "line 9"]


async def test_the_task_stores_what_was_logged(tmp_path: Path) -> None:
    pipeline = LogPipeline(LogStore(tmp_path / "logs.db", max_rows=100), LiveHub(10))
    handler = SelfLogHandler(LogLimits())
    task = asyncio.create_task(handler.run(pipeline, interval_s=0.01))
    try:
        handler.emit(logging.makeLogRecord({"name": "x", "msg": "stored itself", "levelno": 20}))
        for _ in range(200):
            found = await pipeline.query(build_filter(services=["debug"]), 10)
            if found:
                break
            await asyncio.sleep(0.01)
        assert [log.message for log in found] == ["stored itself"]
    finally:
        task.cancel()
        pipeline.close()
