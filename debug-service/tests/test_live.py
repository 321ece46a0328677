import json

from debug_service.entries import StoredLog
from debug_service.filters import LogFilter, build_filter
from debug_service.live import LiveHub


def log(i: int, service: str = "backend") -> StoredLog:
    return StoredLog.from_row((i, 1_000_000 * i, service, 20, f"line {i}", "{}", None, None))


def decode(messages: list[str]) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(m) for m in messages]


def test_nothing_is_buffered_before_subscribe() -> None:
    hub = LiveHub(buffer_limit=10)
    viewer = hub.connect()
    hub.publish([log(1)])
    assert viewer.take_messages() == []


def test_lines_wait_for_the_backlog_and_duplicates_are_dropped() -> None:
    hub = LiveHub(buffer_limit=10)
    viewer = hub.connect()
    generation = viewer.subscribe(LogFilter())
    hub.publish([log(1), log(2), log(3)])
    assert viewer.take_messages() == []  # the backlog is still being read
    viewer.backlog_sent(generation, '{"type":"backlog","logs":[]}', last_id=2)
    messages = decode(viewer.take_messages())
    assert messages[0]["type"] == "backlog"
    assert [line["id"] for line in messages[1]["logs"]] == [3]


def test_a_full_buffer_counts_skipped_lines_after_the_kept_ones() -> None:
    hub = LiveHub(buffer_limit=3)
    slow, fast = hub.connect(), hub.connect()
    for viewer in (slow, fast):
        viewer.backlog_sent(viewer.subscribe(LogFilter()), '{"type":"backlog","logs":[]}', 0)
        viewer.take_messages()
    hub.publish([log(1), log(2)])
    assert [m["type"] for m in decode(fast.take_messages())] == ["logs"]
    hub.publish([log(3), log(4), log(5)])
    assert len(decode(fast.take_messages())[0]["logs"]) == 3
    messages = decode(slow.take_messages())
    assert [line["id"] for line in messages[0]["logs"]] == [1, 2, 3]
    assert messages[1] == {"type": "skipped", "count": 2}
    hub.publish([log(7)])
    assert [line["id"] for line in decode(slow.take_messages())[0]["logs"]] == [7]


def test_only_matching_lines_are_offered_and_resubscribe_forgets_old_lines() -> None:
    hub = LiveHub(buffer_limit=10)
    viewer = hub.connect()
    viewer.backlog_sent(viewer.subscribe(build_filter(services=["web"])), "{}", 0)
    viewer.take_messages()
    hub.publish([log(1, "backend"), log(2, "web")])
    viewer.subscribe(build_filter(services=["backend"]))
    hub.publish([log(3, "backend")])
    assert viewer.take_messages() == []
    assert viewer.pending == [log(3, "backend")]


def test_broadcast_reaches_every_viewer_and_disconnect_stops_it() -> None:
    hub = LiveHub(buffer_limit=10)
    a, b = hub.connect(), hub.connect()
    hub.disconnect(b)
    hub.broadcast('{"type":"cleared"}')
    assert a.take_messages() == ['{"type":"cleared"}']
    assert b.take_messages() == []
    assert a.wakeup.is_set()
