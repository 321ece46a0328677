"""Storage, on both SQLite and a real PostgreSQL (the `database_url` fixture runs each twice)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import IntegrityError
from video_rooms.db.engine import create_engine
from video_rooms.rooms.repository import RoomRepository


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[RoomRepository]:
    engine = create_engine(database_url)
    yield RoomRepository(engine)
    await engine.dispose()


async def test_room_with_creator_round_trip(repo: RoomRepository) -> None:
    created = await repo.create_room_with_creator("room-a", "p_creator", "Ann", 8)
    room = await repo.get_room("room-a")
    assert room == created
    assert room is not None and room.created_at.tzinfo is not None
    creator = await repo.get_participant("p_creator")
    assert creator is not None
    assert (creator.room_id, creator.name, creator.connected_at) == ("room-a", "Ann", None)
    assert await repo.get_room("missing") is None
    assert await repo.room_with_connected_count("missing") is None


async def test_duplicate_room_id_is_refused(repo: RoomRepository) -> None:
    await repo.create_room_with_creator("room-a", "p_1", "Ann", 8)
    with pytest.raises(IntegrityError):
        await repo.create_room_with_creator("room-a", "p_2", "Bob", 8)
    # The failed transaction left nothing behind.
    assert await repo.get_participant("p_2") is None


async def test_participant_must_belong_to_an_existing_room(repo: RoomRepository) -> None:
    with pytest.raises(IntegrityError):
        await repo.add_participant("no-such-room", "p_1", "Ann")


async def connected_count(repo: RoomRepository, room_id: str) -> int:
    found = await repo.room_with_connected_count(room_id)
    assert found is not None
    return found[1]


async def test_connection_state_follows_webhook_events(repo: RoomRepository) -> None:
    await repo.create_room_with_creator("room-a", "p_1", "Ann", 8)
    await repo.add_participant("room-a", "p_2", "Bob")
    assert await connected_count(repo, "room-a") == 0

    assert await repo.mark_connected("room-a", "p_1")
    assert await repo.mark_connected("room-a", "p_2")
    assert await connected_count(repo, "room-a") == 2
    assert [p.id for p in await repo.connected_participants("room-a")] == ["p_1", "p_2"]
    assert await repo.names(["p_1", "p_2", "p_x"]) == {"p_1": "Ann", "p_2": "Bob"}

    assert await repo.mark_left("room-a", "p_1")
    assert [p.id for p in await repo.connected_participants("room-a")] == ["p_2"]
    # Reconnecting after leaving counts as connected again.
    assert await repo.mark_connected("room-a", "p_1")
    assert await connected_count(repo, "room-a") == 2

    assert await repo.mark_all_left("room-a") == 2
    assert await connected_count(repo, "room-a") == 0
    # Events for participants of another room change nothing.
    assert not await repo.mark_connected("other-room", "p_1")


async def test_list_rooms_counts_connected_participants(repo: RoomRepository) -> None:
    await repo.create_room_with_creator("room-a", "p_1", "Ann", 8)
    await repo.create_room_with_creator("room-b", "p_2", "Bob", 8)
    await repo.add_participant("room-a", "p_3", "Cy")
    await repo.mark_connected("room-a", "p_1")
    await repo.mark_connected("room-a", "p_3")
    counts = {room.id: n for room, n in await repo.list_rooms()}
    assert counts == {"room-a": 2, "room-b": 0}


async def test_unicode_names_survive(repo: RoomRepository) -> None:
    await repo.create_room_with_creator("room-u", "p_u", "Zoë 李 🎥", 8)
    participant = await repo.get_participant("p_u")
    assert participant is not None and participant.name == "Zoë 李 🎥"


async def test_a_room_is_closed_once(repo: RoomRepository) -> None:
    await repo.create_room_with_creator("room-a", "p_1", "Ann", 8)
    closed_at = await repo.close_room("room-a")
    assert closed_at is not None
    room = await repo.get_room("room-a")
    assert room is not None and room.closed_at == closed_at
    assert await repo.close_room("room-a") is None
    assert await repo.close_room("missing") is None
