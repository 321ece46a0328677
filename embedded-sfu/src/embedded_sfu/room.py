"""Rooms: who is connected, what they publish, who hears whom, and who is speaking."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from vr_common.webhooks import Event

from embedded_sfu.peer import Peer
from embedded_sfu.protocol import Json
from embedded_sfu.publication import Publication
from embedded_sfu.speakers import SpeakerTracker, Window

logger = logging.getLogger(__name__)

# Short windows, so that a short word is seen within a window or two of its end (the
# tracker's attack window spans several; the list is only sent when it changes).
SPEAKER_INTERVAL = 0.1


@dataclass(frozen=True)
class RoomOptions:
    max_participants: int
    empty_timeout_seconds: int


class ParticipantEvents(Protocol):
    """Where joins and departures are reported (the backend, through signed webhooks)."""

    def send(
        self, event: Event, room_id: str, participant_id: str | None = None, name: str = ""
    ) -> None: ...


class Room:
    def __init__(
        self, room_id: str, options: RoomOptions, events: ParticipantEvents | None = None
    ) -> None:
        self.id = room_id
        self.options = options
        self._events = events
        self.created_at = time.time()
        self.peers: dict[str, Peer] = {}
        # Identities the backend removed: their tokens open nothing here any more.
        self.removed: set[str] = set()
        self.empty_since: float | None = time.monotonic()
        self._speakers = SpeakerTracker()
        self._speaker_task: asyncio.Task[None] | None = None

    def broadcast(self, message: Json, *, skip: Peer | None = None) -> None:
        for peer in list(self.peers.values()):
            if peer is not skip:
                peer.send(message)

    def publications_except(self, peer: Peer) -> list[Publication]:
        return [
            publication
            for other in self.peers.values()
            if other is not peer
            for publication in other.publications.values()
        ]

    async def add(self, peer: Peer) -> None:
        self.peers[peer.identity] = peer
        self.empty_since = None
        if self._speaker_task is None:
            self._speaker_task = asyncio.create_task(self._watch_speakers())
        self.broadcast({"type": "participant_joined", "participant": peer.describe()}, skip=peer)
        self._report("participant_joined", peer)
        peer.log(
            logging.INFO, "participant joined", event="participant_joined", peers=len(self.peers)
        )
        await peer.sync_subscriptions(self.publications_except(peer))

    async def remove(self, peer: Peer) -> None:
        if self.peers.get(peer.identity) is not peer:
            return
        del self.peers[peer.identity]
        self._report("participant_left", peer)
        peer.log(logging.INFO, "participant left", event="participant_left", peers=len(self.peers))
        await peer.close()
        self.broadcast({"type": "participant_left", "participant": peer.identity})
        await self.resubscribe_all()
        if not self.peers:
            self.empty_since = time.monotonic()
            await self._stop_speakers()

    async def tracks_changed(self, peer: Peer) -> None:
        """After `peer` published, unpublished or muted: tell everyone and resubscribe."""
        self.broadcast({"type": "participant_updated", "participant": peer.describe()})
        await self.resubscribe_all()

    async def resubscribe_all(self) -> None:
        await asyncio.gather(
            *(p.sync_subscriptions(self.publications_except(p)) for p in list(self.peers.values()))
        )

    async def close(self) -> None:
        await self._stop_speakers()
        for peer in list(self.peers.values()):
            self._report("participant_left", peer)
            await peer.close()
        self.peers.clear()

    def _report(self, event: Event, peer: Peer) -> None:
        if self._events is not None:
            self._events.send(event, self.id, peer.identity, peer.name)

    async def _stop_speakers(self) -> None:
        task, self._speaker_task = self._speaker_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch_speakers(self) -> None:
        while True:
            await asyncio.sleep(SPEAKER_INTERVAL)
            windows: dict[str, Window] = {}
            for peer in self.peers.values():
                microphone = peer.publications.get("microphone")
                if microphone is not None and microphone.level is not None:
                    window = microphone.level.take()  # always, so a window never spans a mute
                    if not microphone.muted:
                        windows[peer.identity] = window
            if self._speakers.update(windows, time.monotonic()):
                self.broadcast(
                    {
                        "type": "speakers",
                        "speakers": [
                            {"participant": p, "level": self._speakers.level(p)}
                            for p in self._speakers.current
                        ],
                    }
                )


class Rooms:
    """Every room on this SFU: only those the backend created through the admin API, so a
    valid token never brings back a room its host ended (the backend owns rooms' lives)."""

    def __init__(
        self,
        on_change: Callable[[dict[str, RoomOptions]], None] | None = None,
        events: ParticipantEvents | None = None,
    ) -> None:
        self.rooms: dict[str, Room] = {}
        self._events = events
        # Told every room and its options after each change (the registry file keeps them).
        self._on_change = on_change

    def create(self, room_id: str, options: RoomOptions) -> Room:
        """Create the room, or give an existing one these options (creating is idempotent)."""
        room = self.rooms.get(room_id)
        if room is None:
            room = Room(room_id, options, self._events)
            self.rooms[room_id] = room
            logger.info(
                "room created",
                extra={"room_id": room_id, "max_participants": options.max_participants},
            )
        elif room.options == options:
            return room
        else:
            room.options = options
        self._changed()
        return room

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change({room_id: room.options for room_id, room in self.rooms.items()})

    def get(self, room_id: str) -> Room | None:
        return self.rooms.get(room_id)

    async def delete(self, room_id: str) -> bool:
        room = self.rooms.pop(room_id, None)
        if room is None:
            return False
        self._changed()
        logger.info("room deleted", extra={"room_id": room_id, "peers": len(room.peers)})
        room.broadcast({"type": "closed", "reason": "room_deleted", "message": "room deleted"})
        await room.close()
        if self._events is not None:
            self._events.send("room_finished", room_id)
        return True

    async def sweep(self) -> None:
        """Forget rooms that stayed empty longer than their timeout (as LiveKit does)."""
        now = time.monotonic()
        stale = [
            room
            for room in self.rooms.values()
            if room.empty_since is not None
            and now - room.empty_since > room.options.empty_timeout_seconds
        ]
        for room in stale:
            del self.rooms[room.id]
            logger.info("empty room expired", extra={"room_id": room.id})
            await room.close()
        if stale:
            self._changed()

    async def close(self) -> None:
        for room_id in list(self.rooms):
            room = self.rooms.pop(room_id)
            room.broadcast({"type": "closed", "reason": "server_shutdown", "message": "bye"})
            await room.close()
