"""`python -m embedded_sfu`: run the embedded SFU as its own process.

Its own process because forwarding is CPU-bound Python on one event loop: sharing a GIL with
the backend's API would make every request add jitter to everyone's media.
"""

from __future__ import annotations

import logging

import uvicorn
from vr_common.log_shipping import install_log_shipping
from vr_common.startup import freeze_startup_heap, settings_or_exit

from embedded_sfu.app import create_app
from embedded_sfu.settings import EmbeddedSfuSettings


def main() -> None:
    settings = settings_or_exit("embedded-sfu", EmbeddedSfuSettings)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # aiortc and aioice log every ICE/DTLS step at INFO; only their warnings matter here.
    for noisy in ("aioice", "aiortc"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if settings.debug_service_url:
        # Every line, with its room, participant and track fields, to the one log.
        install_log_shipping(
            settings.debug_service_url, "embedded-sfu", token=settings.debug_token or None
        )
    app = create_app(settings)
    freeze_startup_heap()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # uvicorn's own logging config would close the handlers set up above (dictConfig
        # closes every existing handler), the shipping one with them; its loggers propagate
        # to the root's instead.
        log_config=None,
        ws_max_size=1 << 20,
        # Browsers keep the socket busy with pings of their own; ours only detect dead peers.
        ws_ping_interval=20,
        ws_ping_timeout=20,
    )


if __name__ == "__main__":
    main()
