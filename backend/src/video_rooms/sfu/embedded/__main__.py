"""`python -m video_rooms.sfu.embedded`: run the embedded SFU as its own process.

Its own process because forwarding is CPU-bound Python on one event loop: sharing a GIL with
the backend's API would make every request add jitter to everyone's media.
"""

from __future__ import annotations

import gc
import logging
import sys

import uvicorn
from pydantic import ValidationError

from video_rooms.sfu.embedded.app import create_app
from video_rooms.sfu.embedded.settings import EmbeddedSfuSettings


def main() -> None:
    try:
        settings = EmbeddedSfuSettings()
    except ValidationError as exc:
        print(f"embedded-sfu: invalid configuration: {exc}", file=sys.stderr)
        sys.exit(2)
    problems = settings.production_problems()
    if problems:
        # One line, as the backend does: the first thing an operator sees in the logs.
        print(
            "embedded-sfu: refusing to start in production: " + "; ".join(problems),
            file=sys.stderr,
        )
        sys.exit(2)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # aiortc and aioice log every ICE/DTLS step at INFO; only their warnings matter here.
    for noisy in ("aioice", "aiortc"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app = create_app(settings)
    # As the backend does (video_rooms/asgi.py): what start-up built lives as long as the
    # process, so keep it out of the cyclic collector's scans, and collect the young generation
    # less often (forwarding allocates a few short-lived objects per packet, freed by reference
    # counting, not by the collector).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        ws_max_size=1 << 20,
        # Browsers keep the socket busy with pings of their own; ours only detect dead peers.
        ws_ping_interval=20,
        ws_ping_timeout=20,
    )


if __name__ == "__main__":
    main()
