import pytest
from debug_service.entries import StoredLog
from debug_service.filters import InvalidFilter, LogFilter, build_filter


def log(**overrides: object) -> StoredLog:
    fields: dict[str, object] = {
        "id": 1,
        "ts_us": 1_000_000,
        "service": "backend",
        "level": 20,
        "message": "room created",
        "metadata_json": "{}",
        "room_id": "r1",
        "participant_id": "p1",
    }
    fields.update(overrides)
    return StoredLog(**fields)  # type: ignore[arg-type]


def test_an_empty_filter_matches_everything() -> None:
    assert LogFilter().matches(log())


@pytest.mark.parametrize(
    ("flt", "matches"),
    [
        (build_filter(services=["backend,web"]), True),
        (build_filter(services=["web"]), False),
        (build_filter(level="info"), True),
        (build_filter(level="warn"), False),
        (build_filter(q="creat"), True),
        (build_filter(q="deleted"), False),
        (build_filter(room_id="r1"), True),
        (build_filter(room_id="r2"), False),
        (build_filter(participant_id="p2"), False),
        (build_filter(since="1"), True),
        (build_filter(since="2"), False),
        (build_filter(until="1970-01-01T00:00:00.5Z"), False),
    ],
)
def test_each_filter(flt: LogFilter, matches: bool) -> None:
    assert flt.matches(log()) is matches


@pytest.mark.parametrize(
    "kwargs", [{"level": "loud"}, {"since": "soon"}, {"services": [",".join(map(str, range(60)))]}]
)
def test_bad_input_is_an_invalid_filter(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidFilter):
        build_filter(**kwargs)  # type: ignore[arg-type]
