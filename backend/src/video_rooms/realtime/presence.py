"""Phoenix Presence on the server: who is in a topic, as `presence_state` and `presence_diff`.

Each tracked presence is one meta (one tab of one participant) under a key (the participant
id), told apart by its `phx_ref`. A change is broadcast as a diff of `{joins, leaves}`, each
`{key: {metas: [...]}}`, which is what phoenix.js `Presence.syncDiff` applies. An update is a
leave of the old meta and a join of the new one, as in Phoenix.

Where the presences are kept is the store's business: `LocalPresenceStore` in this process,
or `redis_presence.RedisPresenceStore` shared by all processes.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from video_rooms.realtime.pubsub import PubSub

PRESENCE_STATE = "presence_state"
PRESENCE_DIFF = "presence_diff"

Meta = dict[str, Any]
State = dict[str, dict[str, list[Meta]]]


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    meta: Meta

    @property
    def ref(self) -> str:
        return str(self.meta["phx_ref"])


# Called by a store with presences that vanished (their process died) or that it had to
# write again (it had been taken for dead); the tracker tells the topic's members.
Announce = Callable[[str, list[Entry]], Awaitable[None]]


class PresenceStore(Protocol):
    async def start(self, on_vanished: Announce, on_restored: Announce) -> None: ...

    async def put(self, topic: str, entry: Entry) -> None: ...

    async def delete(self, topic: str, entry: Entry) -> None: ...

    async def entries(self, topic: str) -> list[Entry]: ...

    async def aclose(self) -> None: ...


class LocalPresenceStore:
    def __init__(self) -> None:
        self._topics: dict[str, dict[str, Entry]] = {}

    async def start(self, on_vanished: Announce, on_restored: Announce) -> None:
        return None

    async def put(self, topic: str, entry: Entry) -> None:
        self._topics.setdefault(topic, {})[entry.ref] = entry

    async def delete(self, topic: str, entry: Entry) -> None:
        entries = self._topics.get(topic)
        if entries is not None:
            entries.pop(entry.ref, None)
            if not entries:
                del self._topics[topic]

    async def entries(self, topic: str) -> list[Entry]:
        return list(self._topics.get(topic, {}).values())

    async def aclose(self) -> None:
        self._topics.clear()


def new_ref() -> str:
    return secrets.token_urlsafe(9)


def group(entries: list[Entry]) -> State:
    state: State = {}
    for entry in entries:
        state.setdefault(entry.key, {"metas": []})["metas"].append(entry.meta)
    return state


def diff(joins: list[Entry], leaves: list[Entry]) -> dict[str, State]:
    return {"joins": group(joins), "leaves": group(leaves)}


class Presence:
    def __init__(self, store: PresenceStore, pubsub: PubSub) -> None:
        self._store = store
        self._pubsub = pubsub

    async def start(self) -> None:
        await self._store.start(self._announce_leaves, self._announce_joins)

    async def track(self, topic: str, key: str, meta: Meta) -> Entry:
        entry = Entry(key, {**meta, "phx_ref": new_ref()})
        await self._store.put(topic, entry)
        await self._pubsub.broadcast(topic, PRESENCE_DIFF, diff([entry], []))
        return entry

    async def update(self, topic: str, old: Entry, meta: Meta) -> Entry:
        entry = Entry(old.key, {**meta, "phx_ref": new_ref(), "phx_ref_prev": old.ref})
        await self._store.put(topic, entry)
        await self._store.delete(topic, old)
        await self._pubsub.broadcast(topic, PRESENCE_DIFF, diff([entry], [old]))
        return entry

    async def untrack(self, topic: str, entry: Entry) -> None:
        await self._store.delete(topic, entry)
        await self._pubsub.broadcast(topic, PRESENCE_DIFF, diff([], [entry]))

    async def state(self, topic: str) -> State:
        return group(await self._store.entries(topic))

    async def aclose(self) -> None:
        await self._store.aclose()

    async def _announce_leaves(self, topic: str, entries: list[Entry]) -> None:
        await self._pubsub.broadcast(topic, PRESENCE_DIFF, diff([], entries))

    async def _announce_joins(self, topic: str, entries: list[Entry]) -> None:
        await self._pubsub.broadcast(topic, PRESENCE_DIFF, diff(entries, []))
