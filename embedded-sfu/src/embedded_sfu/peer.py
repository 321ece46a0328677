"""One connected participant: its publish connection (the client offers) and its subscribe
connection (the server offers).

Two peer connections, each with one fixed offerer, mean offers never cross (no glare) and
either side can renegotiate at any time: the client when it starts or stops a screen share,
the server when someone joins, leaves or publishes. Subscriptions get a new transceiver each;
an ended one is set inactive and never reused, so m-lines only grow during a call.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.rtcrtpparameters import RTCRtpCodecCapability
from aiortc.sdp import SessionDescription

from embedded_sfu import aiortc_hooks, metrics
from embedded_sfu.ice_ports import IcePolicy
from embedded_sfu.protocol import Json, ProtocolError, Source, error
from embedded_sfu.publication import SOURCE_KINDS, Publication
from embedded_sfu.subscription import Subscription

logger = logging.getLogger(__name__)

CODEC_BY_KIND = {"audio": "audio/opus", "video": "video/VP8"}
# Long enough for a slow browser to gather ICE candidates (it waits for gathering to complete).
ANSWER_TIMEOUT = 15.0


def _codec_preferences(kind: str) -> list[RTCRtpCodecCapability]:
    wanted = CODEC_BY_KIND[kind].lower()
    codecs = RTCRtpSender.getCapabilities(kind).codecs
    main = [c for c in codecs if c.mimeType.lower() == wanted]
    rtx = [c for c in codecs if c.mimeType.lower().endswith("/rtx")]
    return main + rtx[:1]


def _rtx_ssrcs(sdp: str) -> dict[str, int]:
    """`{mid: RTX SSRC}` from an offer's `a=ssrc-group:FID <media> <rtx>` lines."""
    found: dict[str, int] = {}
    for media in SessionDescription.parse(sdp).media:
        for group in media.ssrc_group:
            if group.semantic == "FID" and len(group.items) == 2 and media.rtp.muxId:
                found[media.rtp.muxId] = int(group.items[1])
    return found


class Peer:
    def __init__(
        self,
        *,
        identity: str,
        name: str,
        send: Callable[[Json], None],
        ice_servers: list[RTCIceServer],
        answer_timeout: float = ANSWER_TIMEOUT,
        ice_policy: IcePolicy | None = None,
        room_id: str = "",
    ) -> None:
        self.sid = "PA_" + secrets.token_hex(6)
        self.identity = identity
        self.room_id = room_id
        self.name = name
        self.joined_at = datetime.now(UTC)
        self.send = send
        self._ice_servers = ice_servers
        self._ice_policy = ice_policy or IcePolicy()
        self.publish_pc: RTCPeerConnection | None = None
        self.subscribe_pc: RTCPeerConnection | None = None
        self.publications: dict[Source, Publication] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self._transceivers: dict[str, RTCRtpTransceiver] = {}
        self._subscribe_lock = asyncio.Lock()
        self._offer_outstanding = False
        self._answer_deadline: asyncio.TimerHandle | None = None
        self.answer_timeout = answer_timeout
        self._renegotiate = False
        self._media_ready = False
        # How many offers each connection saw: a count that climbs is a renegotiation storm.
        self._offers = {"publish": 0, "subscribe": 0}
        self._watched_transports: set[int] = set()
        # Test hook (see admin.py): loss injected on everything forwarded to this peer.
        self.downlink_drop_rate = 0.0
        self.closed = False

    def describe(self) -> Json:
        return {
            "id": self.identity,
            "name": self.name,
            "joined_at": self.joined_at.isoformat(),
            "tracks": [p.describe() for p in self.publications.values()],
        }

    def log(self, level: int, message: str, **fields: Any) -> None:
        """One structured line about this participant (room and participant ids always)."""
        logger.log(
            level,
            message,
            extra={"room_id": self.room_id, "participant_id": self.identity, **fields},
        )

    def _new_pc(self, role: Literal["publish", "subscribe"]) -> RTCPeerConnection:
        # An explicit (possibly empty) server list: aiortc would otherwise use a public STUN
        # server, which a self-hosted, possibly offline, deployment must not depend on.
        # One transport for every track (as browsers do), so one ICE and DTLS session each.
        configuration = RTCConfiguration(
            iceServers=list(self._ice_servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE
        )
        pc = RTCPeerConnection(configuration)

        def ice_changed() -> None:
            state = pc.iceConnectionState
            level = logging.WARNING if state == "failed" else logging.INFO
            self.log(level, f"{role} ICE {state}", pc=role, ice_state=state)

        def connection_changed() -> None:
            state = pc.connectionState
            level = logging.WARNING if state == "failed" else logging.INFO
            self.log(level, f"{role} connection {state}", pc=role, connection_state=state)

        pc.on("iceconnectionstatechange", ice_changed)
        pc.on("connectionstatechange", connection_changed)
        return pc

    def _watch_dtls(self, pc: RTCPeerConnection, role: str) -> None:
        for transceiver in pc.getTransceivers():
            transport = transceiver.sender.transport
            if transport is None or id(transport) in self._watched_transports:
                continue
            self._watched_transports.add(id(transport))

            def dtls_changed(transport: Any = transport) -> None:
                state = transport.state
                level = logging.WARNING if state == "failed" else logging.INFO
                self.log(level, f"{role} DTLS {state}", pc=role, dtls_state=state)

            transport.on("statechange", dtls_changed)

    async def _set_local(self, pc: RTCPeerConnection, description: RTCSessionDescription) -> None:
        """setLocalDescription, which gathers: new transports bind where the policy says."""
        for connection in aiortc_hooks.ungathered_ice_connections(pc):
            self._ice_policy.apply(connection)
        await pc.setLocalDescription(description)

    # -- publishing (client offers) -------------------------------------------------------

    async def publish(self, sdp: str, tracks: dict[str, Source]) -> str:
        """Apply the client's publish offer; returns the answer SDP. Raises ProtocolError
        (bad_offer) after discarding the publish connection if the offer is unusable."""
        sources = list(tracks.values())
        if len(set(sources)) != len(sources):
            raise ProtocolError("bad_offer", "each source may be published once")
        if self.publish_pc is None:
            self.publish_pc = self._new_pc("publish")
        pc = self.publish_pc
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            by_mid = {t.mid: t for t in pc.getTransceivers() if t.mid is not None}
            for mid, source in tracks.items():
                transceiver = by_mid.get(mid)
                if transceiver is None:
                    raise ProtocolError("bad_offer", f"tracks names mid {mid!r}, not in the SDP")
                if transceiver.kind != SOURCE_KINDS[source]:
                    raise ProtocolError("bad_offer", f"{source} must be {SOURCE_KINDS[source]}")
                codec = CODEC_BY_KIND[transceiver.kind]
                if not aiortc_hooks.restrict_codec(transceiver, codec):
                    raise ProtocolError("bad_offer", f"{source} must offer {codec}")
            answer = await pc.createAnswer()
            await self._set_local(pc, answer)
            self._watch_dtls(pc, "publish")
        except ProtocolError as exc:
            self.log(logging.WARNING, "publish offer refused", pc="publish", error=exc.message)
            await self._drop_publish_pc()
            raise
        except Exception as exc:  # aiortc raises assorted errors for a malformed SDP
            self.log(logging.WARNING, "publish offer refused", pc="publish", error=str(exc))
            await self._drop_publish_pc()
            raise ProtocolError("bad_offer", f"the offer could not be applied: {exc}") from exc
        self._offers["publish"] += 1
        self.log(
            logging.INFO,
            "publish offer answered" if self._offers["publish"] == 1 else "publish renegotiated",
            pc="publish",
            negotiation=self._offers["publish"],
            sources=sorted(tracks.values()),
        )
        for source, publication in list(self.publications.items()):
            if tracks.get(publication.mid or "") != source:
                publication.end()
                del self.publications[source]
                self.log(logging.INFO, f"{source} unpublished", track=publication.id, source=source)
        rtx_ssrcs = _rtx_ssrcs(sdp)
        for mid, source in tracks.items():
            if source not in self.publications:
                self.publications[source] = Publication(
                    publisher_sid=self.sid,
                    publisher_identity=self.identity,
                    source=source,
                    transceiver=by_mid[mid],
                    rtx_ssrc=rtx_ssrcs.get(mid),
                )
                publication = self.publications[source]
                self.log(
                    logging.INFO,
                    f"{source} published",
                    track=publication.id,
                    source=source,
                    kind=publication.kind,
                )
        return pc.localDescription.sdp

    def set_muted(self, source: Source, muted: bool) -> bool:
        publication = self.publications.get(source)
        if publication is None:
            return False
        publication.muted = muted
        return True

    async def _drop_publish_pc(self) -> None:
        for publication in self.publications.values():
            publication.end()
        self.publications.clear()
        if self.publish_pc is not None:
            pc, self.publish_pc = self.publish_pc, None
            await pc.close()

    # -- subscribing (server offers) ------------------------------------------------------

    async def sync_subscriptions(self, available: list[Publication]) -> None:
        """Subscribe to exactly `available` (everyone else's live publications)."""
        async with self._subscribe_lock:
            if self.closed:
                return
            wanted = {p.id: p for p in available if not p.ended}
            changed = False
            for pub_id, subscription in list(self.subscriptions.items()):
                if wanted.get(pub_id) is not subscription.publication:
                    subscription.publication.remove_subscription(self.sid)
                    del self.subscriptions[pub_id]
                    await self._end_subscription(subscription)
                    changed = True
            for pub_id, publication in wanted.items():
                if pub_id not in self.subscriptions:
                    self._add_subscription(publication)
                    changed = True
            if changed:
                await self._negotiate()

    def _add_subscription(self, publication: Publication) -> None:
        if self.subscribe_pc is None:
            self.subscribe_pc = self._new_pc("subscribe")
            self.subscribe_pc.on("connectionstatechange", self._on_subscribe_state)
        transceiver = self.subscribe_pc.addTransceiver(publication.kind, direction="sendonly")
        transceiver.setCodecPreferences(_codec_preferences(publication.kind))
        subscription = Subscription(publication, self.sid, None)
        subscription.drop_rate = self.downlink_drop_rate
        aiortc_hooks.prepare_forwarding_sender(
            transceiver,
            stream_id=publication.publisher_sid,
            track_id=publication.id,
            on_rtcp=subscription.handle_rtcp,
        )
        self._transceivers[publication.id] = transceiver
        self.subscriptions[publication.id] = subscription
        publication.add_subscription(subscription)

    async def _end_subscription(self, subscription: Subscription) -> None:
        subscription.closed = True
        metrics.retire([subscription])
        transceiver = self._transceivers.pop(subscription.publication.id, None)
        if transceiver is not None:
            # The m-line stays (as inactive) but its sender's tasks stop, and its BYE tells
            # the browser the stream ended.
            transceiver.direction = "inactive"
            await transceiver.sender.stop()

    async def _negotiate(self) -> None:
        """Send the server's offer, unless one is already waiting for its answer."""
        if self._offer_outstanding:
            self._renegotiate = True
            return
        pc = self.subscribe_pc
        if pc is None:
            return
        offer = await pc.createOffer()
        await self._set_local(pc, offer)
        self._watch_dtls(pc, "subscribe")
        tracks: dict[str, Json] = {}
        for pub_id, transceiver in self._transceivers.items():
            publication = self.subscriptions[pub_id].publication
            if transceiver.mid is not None:
                tracks[transceiver.mid] = {
                    "participant": publication.publisher_identity,
                    "track": publication.id,
                    "source": publication.source,
                    "kind": publication.kind,
                }
        self._offer_outstanding = True
        self._offers["subscribe"] += 1
        self.log(
            logging.INFO,
            "subscribe offer sent" if self._offers["subscribe"] == 1 else "subscribe renegotiated",
            pc="subscribe",
            negotiation=self._offers["subscribe"],
            tracks=len(tracks),
        )
        self.send({"type": "offer", "sdp": pc.localDescription.sdp, "tracks": tracks})
        self._answer_deadline = asyncio.get_running_loop().call_later(
            self.answer_timeout, self._answer_overdue
        )

    def _answer_overdue(self) -> None:
        # Without the answer no subscription of this peer can change again: end the session,
        # the client reconnects (by rejoining) with a clean state.
        if self._offer_outstanding and not self.closed:
            message = f"no answer to the server's offer within {self.answer_timeout:.0f} s"
            self.log(logging.WARNING, message, pc="subscribe")
            self.send(error("answer_timeout", message, fatal=True))

    async def accept_answer(self, sdp: str) -> None:
        async with self._subscribe_lock:
            pc = self.subscribe_pc
            if pc is None or not self._offer_outstanding:
                raise ProtocolError("unexpected_answer", "no offer of ours is waiting for one")
            try:
                await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
            except Exception as exc:  # aiortc raises assorted errors for a malformed SDP
                raise ProtocolError(
                    "bad_answer", f"the answer could not be applied: {exc}"
                ) from exc
            self._offer_outstanding = False
            if self._answer_deadline is not None:
                self._answer_deadline.cancel()
            for pub_id, transceiver in self._transceivers.items():
                subscription = self.subscriptions[pub_id]
                if subscription.out is None and transceiver.mid is not None:
                    subscription.bind(aiortc_hooks.outbound_for(transceiver), transceiver.mid)
                    subscription.media_ready = self._media_ready
            if self._renegotiate:
                self._renegotiate = False
                await self._negotiate()

    def _on_subscribe_state(self) -> None:
        pc = self.subscribe_pc
        if pc is None:
            return
        ready = pc.connectionState == "connected"
        self._media_ready = ready
        for subscription in self.subscriptions.values():
            subscription.media_ready = ready and subscription.out is not None

    # -- teardown --------------------------------------------------------------------------

    async def close(self) -> None:
        self.closed = True
        if self._answer_deadline is not None:
            self._answer_deadline.cancel()
        async with self._subscribe_lock:
            for subscription in self.subscriptions.values():
                subscription.publication.remove_subscription(self.sid)
            metrics.retire(self.subscriptions.values())
            self.subscriptions.clear()
            self._transceivers.clear()
        await self._drop_publish_pc()
        if self.subscribe_pc is not None:
            pc, self.subscribe_pc = self.subscribe_pc, None
            await pc.close()
