"""An aiortc participant for the embedded SFU, speaking the protocol of docs/embedded-sfu.md.

Tests and the benchmark use it as the browser stand-in: it joins with a token, publishes
tracks on its publish connection, answers the server's offers on its subscribe connection,
and counts what it receives (decoded frames by default, or whatever `consume` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

Message = dict[str, Any]


def _configuration() -> RTCConfiguration:
    # No STUN (everything is on loopback), and max-bundle: with aiortc's default "balanced"
    # policy a second same-kind m-line in one offer stays on a transport that bundling discards,
    # and its packets end up in the first one's decoder (an aiortc quirk; browsers are fine).
    return RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


class SfuError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(f"{message.get('code')}: {message.get('message')}")
        self.code = str(message.get("code"))
        self.message = message


@dataclass
class ReceivedTrack:
    participant: str
    source: str
    kind: str
    frames: int = 0
    task: asyncio.Task[None] | None = field(default=None, repr=False)


Consume = Callable[[RTCRtpTransceiver, ReceivedTrack], None]


class SfuClient:
    def __init__(self, url: str, room: str, token: str, *, consume: Consume | None = None) -> None:
        self.url = url
        self.room = room
        self.token = token
        self._consume = consume or self._decode
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self.inbox: list[Message] = []
        self._arrived = asyncio.Condition()
        self.publish_pc: RTCPeerConnection | None = None
        self.subscribe_pc: RTCPeerConnection | None = None
        self.transceivers: dict[str, RTCRtpTransceiver] = {}
        self.received: dict[str, ReceivedTrack] = {}
        self.closed_code: int | None = None

    # -- connection ------------------------------------------------------------------------

    async def join(self) -> Message:
        """Connect and join; returns `joined`, raises SfuError with the server's refusal."""
        self._ws = await connect(self.url, max_size=1 << 22)
        self._reader = asyncio.create_task(self._read())
        await self.send({"type": "join", "room": self.room, "token": self.token})
        first = await self.wait_for(lambda m: m["type"] in ("joined", "error"))
        if first["type"] == "error":
            # Refused: the server closes the socket (a fatal error); let it, so that the close
            # code is known, then release everything of this client before raising.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await self._ws.wait_closed()
            await self.close()
            raise SfuError(first)
        return first

    async def send(self, message: Message) -> None:
        assert self._ws is not None
        await self._ws.send(json.dumps(message))

    async def close(self) -> None:
        # Stop reading first: a server offer arriving mid-teardown must not meet a closed pc.
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._ws is not None:
            await self._ws.close()
        for pc in (self.publish_pc, self.subscribe_pc):
            if pc is not None:
                await pc.close()
        for track in self.received.values():
            if track.task is not None:
                track.task.cancel()

    async def __aenter__(self) -> SfuClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def wait_for(
        self, predicate: Callable[[Message], bool], within: float = 15.0, since: int = 0
    ) -> Message:
        """The first message from index `since` on that matches (waiting for it to arrive)."""

        def find() -> Message | None:
            return next((m for m in self.inbox[since:] if predicate(m)), None)

        async with asyncio.timeout(within), self._arrived:
            while (found := find()) is None:
                if self.closed_code is not None:
                    raise ConnectionError(f"socket closed ({self.closed_code}): {self.inbox}")
                await self._arrived.wait()
            return found

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                message: Message = json.loads(raw)
                if message["type"] == "offer":
                    await self._answer(message)
                async with self._arrived:
                    self.inbox.append(message)
                    self._arrived.notify_all()
        except ConnectionClosed:
            pass
        finally:
            async with self._arrived:
                self.closed_code = self._ws.close_code or 1006
                self._arrived.notify_all()

    # -- publishing ------------------------------------------------------------------------

    async def publish(self, tracks: dict[str, MediaStreamTrack]) -> Message:
        """Publish `{source: track}` (sources: microphone, camera, screen); returns the answer."""
        if self.publish_pc is None:
            self.publish_pc = RTCPeerConnection(_configuration())
        pc = self.publish_pc
        sources: dict[str, MediaStreamTrack] = {}
        for source, track in tracks.items():
            transceiver = pc.addTransceiver(track, direction="sendonly")
            sources[source] = track
            self.transceivers[source] = transceiver
        await pc.setLocalDescription(await pc.createOffer())
        mapping = {t.mid: source for source, t in self.transceivers.items() if t.mid is not None}
        return await self.offer(pc.localDescription.sdp, mapping)

    async def offer(self, sdp: str, tracks: dict[str, str]) -> Message:
        """Send a publish offer as is; returns the server's answer (applied) or raises."""
        since = len(self.inbox)
        await self.send({"type": "offer", "sdp": sdp, "tracks": tracks})
        reply = await self.wait_for(lambda m: m["type"] in ("answer", "error"), since=since)
        if reply["type"] == "error":
            raise SfuError(reply)
        if self.publish_pc is not None and self.publish_pc.signalingState == "have-local-offer":
            await self.publish_pc.setRemoteDescription(
                RTCSessionDescription(sdp=reply["sdp"], type="answer")
            )
        return reply

    # -- subscribing -----------------------------------------------------------------------

    async def _answer(self, message: Message) -> None:
        if self.subscribe_pc is None:
            self.subscribe_pc = RTCPeerConnection(_configuration())
        pc = self.subscribe_pc
        await pc.setRemoteDescription(RTCSessionDescription(sdp=message["sdp"], type="offer"))
        tracks: dict[str, Message] = message["tracks"]
        for transceiver in pc.getTransceivers():
            info = tracks.get(transceiver.mid or "")
            if info is None or info["track"] in self.received:
                continue
            received = ReceivedTrack(info["participant"], info["source"], info["kind"])
            self.received[info["track"]] = received
            self._consume(transceiver, received)
        await pc.setLocalDescription(await pc.createAnswer())
        await self.send({"type": "answer", "sdp": pc.localDescription.sdp})

    def _decode(self, transceiver: RTCRtpTransceiver, received: ReceivedTrack) -> None:
        track = transceiver.receiver.track

        async def count() -> None:
            with contextlib.suppress(MediaStreamError):
                while True:
                    await track.recv()
                    received.frames += 1

        received.task = asyncio.create_task(count())

    def frames(self, participant: str, source: str) -> int:
        """Frames received so far from `participant`'s `source` (all subscriptions to it)."""
        return sum(
            t.frames
            for t in self.received.values()
            if t.participant == participant and t.source == source
        )


async def eventually(check: Callable[[], bool], within: float = 20.0, what: str = "") -> None:
    """Poll `check` until it holds; the generous bound is for a loaded 2-core machine."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {within} s: {what or check}")
        await asyncio.sleep(0.1)


async def participant_stats(admin: Any, room: str, identity: str) -> dict[str, Any]:
    """The SFU's forwarding counters for one participant (`admin`: an authorized httpx client)."""
    response = await admin.get(f"/admin/rooms/{room}/participants/{identity}/stats")
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


# What a test's `peers` fixture is: `await peers("alice")` joins alice to the test's room.
Peers = Callable[..., Awaitable["SfuClient"]]
