"""`video-rooms`: check the configuration, migrate the database, serve the API."""

from __future__ import annotations

import logging

import uvicorn
from vr_common.startup import settings_or_exit

from video_rooms.db import migrate
from video_rooms.logging_setup import configure_logging
from video_rooms.settings import Settings

logger = logging.getLogger("video_rooms")


def main() -> None:
    settings = settings_or_exit("video-rooms", Settings)
    configure_logging(
        settings.log_level,
        json_lines=settings.is_production,
        debug_service_url=settings.debug_service_url,
        debug_token=settings.debug_token,
    )
    migrate.upgrade(settings.database_url)
    logger.info(
        "starting",
        extra={"sfu": settings.sfu_provider, "port": settings.port, "env": settings.app_env},
    )
    uvicorn.run(
        "video_rooms.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # Realtime sockets: chat frames are small, and per-message compression costs each
        # socket ~80 KiB of zlib state (measured with bench/channels.py --deflate); oversized
        # frames are refused before they are buffered.
        ws_per_message_deflate=False,
        ws_max_size=settings.realtime_max_frame_bytes,
    )


if __name__ == "__main__":
    main()
