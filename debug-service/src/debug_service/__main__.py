"""`debug-service`: check the settings, then serve with uvicorn."""

from __future__ import annotations

import logging
import sqlite3
import sys

import uvicorn
from pydantic import ValidationError

from debug_service.app import create_app
from debug_service.redaction import RedactTokens
from debug_service.settings import Settings
from debug_service.store import LogStore


def main() -> None:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        name = ".".join(str(part) for part in first["loc"]).upper()
        sys.exit(f"debug-service: invalid setting {name}: {first['msg']}")
    problem = settings.startup_problem()
    if problem:
        sys.exit(f"debug-service: {problem}")
    try:
        # Open (and create) the database once here, so that a bad path is one clear line
        # rather than a traceback from inside the server's startup.
        LogStore(settings.debug_db_path, max_rows=settings.debug_retention_max_rows).close()
    except (OSError, sqlite3.Error) as exc:
        sys.exit(f"debug-service: cannot open the database {settings.debug_db_path}: {exc}")
    logging.basicConfig(
        level=settings.debug_log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("uvicorn.error").addFilter(RedactTokens())
    # httpx logs every request at INFO: one line per health check is the noise to avoid.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Each ingest request would log an access line, doubling the traffic the service stores.
    uvicorn.run(
        create_app(settings),
        host=settings.debug_host,
        port=settings.debug_port,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.debug_forwarded_allow_ips,
        ws="websockets-sansio",
        ws_max_size=65_536,
        # Compressing every message for every viewer took a quarter of the event loop under
        # load (measured with py-spy at 10,000 lines/s and five viewers); viewers are on the
        # operator's network, where bandwidth is cheaper than this machine's CPU.
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
