"""`video-rooms`: check the configuration, migrate the database, serve the API."""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError

from video_rooms.db import migrate
from video_rooms.logging_setup import configure_logging
from video_rooms.settings import Settings

logger = logging.getLogger("video_rooms")


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"video-rooms: invalid configuration: {exc}", file=sys.stderr)
        sys.exit(2)
    problems = settings.production_problems()
    if problems:
        # One line, so it is the first thing an operator sees in `docker compose logs`.
        print(
            "video-rooms: refusing to start in production: " + "; ".join(problems),
            file=sys.stderr,
        )
        sys.exit(2)
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
