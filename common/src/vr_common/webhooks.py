"""Participant events in LiveKit's webhook format, for an SFU other than LiveKit to send.

LiveKit posts a JSON `WebhookEvent` with `Authorization: <JWT>`, the JWT signed with the API
key and secret and carrying the body's SHA-256 (`sha256` claim, base64). The embedded SFU sends
the same, so the backend's one webhook handler keeps every provider's connected counts.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import secrets
import time
from datetime import timedelta
from typing import Literal

import httpx
from livekit.api import AccessToken

logger = logging.getLogger(__name__)

Event = Literal["participant_joined", "participant_left", "room_finished"]
_SIGNATURE_TTL = timedelta(minutes=5)
_TIMEOUT = httpx.Timeout(3.0, connect=1.0)
# Backoff between attempts at one event; events after it wait (order matters: left after joined).
_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)
_MAX_QUEUED = 10_000


def sign_webhook(body: str, api_key: str, api_secret: str) -> str:
    """The `Authorization` value LiveKit puts on a webhook with this body."""
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return AccessToken(api_key, api_secret).with_ttl(_SIGNATURE_TTL).with_sha256(digest).to_jwt()


def webhook_body(
    event: Event, room_id: str, participant_id: str | None = None, name: str = ""
) -> str:
    """A `WebhookEvent` as LiveKit's JSON writes it (camelCase, `createdAt` in seconds)."""
    payload: dict[str, object] = {
        "event": event,
        "id": "EV_" + secrets.token_hex(6),
        "createdAt": str(int(time.time())),
        "room": {"name": room_id},
    }
    if participant_id is not None:
        payload["participant"] = {"identity": participant_id, "name": name}
    return json.dumps(payload)


class WebhookSender:
    """Posts events to `url` one at a time, in order, retrying each a few times.

    `send` never blocks its caller (signalling must not wait on the backend); a backend that
    stays down loses the events (LiveKit does the same), logged as a warning.
    """

    def __init__(self, url: str, api_key: str, api_secret: str) -> None:
        self._url = url
        self._api_key = api_key
        self._api_secret = api_secret
        self._queue: asyncio.Queue[str] = asyncio.Queue(_MAX_QUEUED)
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None

    def send(
        self, event: Event, room_id: str, participant_id: str | None = None, name: str = ""
    ) -> None:
        if self._task is None:
            self._client = httpx.AsyncClient(timeout=_TIMEOUT)
            self._task = asyncio.create_task(self._deliver())
        try:
            self._queue.put_nowait(webhook_body(event, room_id, participant_id, name))
        except asyncio.QueueFull:
            logger.warning("webhook queue full, event dropped", extra={"room": room_id})

    async def drain(self) -> None:
        """Wait until everything sent so far was delivered or given up (tests, shutdown)."""
        await self._queue.join()

    async def aclose(self) -> None:
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.drain(), 5.0)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _deliver(self) -> None:
        while True:
            body = await self._queue.get()
            try:
                await self._post(body)
            finally:
                self._queue.task_done()

    async def _post(self, body: str) -> None:
        assert self._client is not None
        for attempt, delay in enumerate((0.0, *_RETRY_DELAYS)):
            await asyncio.sleep(delay)
            headers = {
                "authorization": sign_webhook(body, self._api_key, self._api_secret),
                "content-type": "application/webhook+json",
            }
            try:
                response = await self._client.post(self._url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}"
            else:
                if response.status_code < 500:
                    if response.status_code >= 400:
                        logger.warning(
                            "webhook refused",
                            extra={"status": response.status_code, "body": response.text[:200]},
                        )
                    return
                problem = f"HTTP {response.status_code}"
            logger.info(
                "webhook not delivered, retrying", extra={"attempt": attempt, "problem": problem}
            )
        logger.warning("webhook given up", extra={"url": self._url})
