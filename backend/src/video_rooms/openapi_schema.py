"""Prints the API's OpenAPI description (`python -m video_rooms.openapi_schema`), the source
of the frontend's generated API types (`make types`; `make lint` fails when they are stale)."""

from __future__ import annotations

import json
import sys

from video_rooms.app import create_app
from video_rooms.settings import Settings


def main() -> None:
    # Development settings: the description does not depend on any of them.
    spec = create_app(Settings(_env_file=None)).openapi()
    json.dump(spec, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
