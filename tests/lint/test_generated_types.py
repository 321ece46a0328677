"""`make lint`'s drift check of the frontend's generated types (frontend/scripts/
generate-types.mjs --check): it passes on the tree and fails, naming the file, as soon as the
schemas say something the committed types do not."""

from __future__ import annotations

import copy
import functools
import json
import subprocess
import sys
from typing import Any

from vr_testkit.processes import REPO_ROOT

SCRIPT = REPO_ROOT / "frontend" / "scripts" / "generate-types.mjs"


def openapi() -> dict[str, Any]:
    return copy.deepcopy(_served_openapi())


@functools.cache
def _served_openapi() -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "video_rooms.openapi_schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    spec: dict[str, Any] = json.loads(out)
    return spec


def check(spec: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(SCRIPT), "--check"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_committed_types_match_the_schemas() -> None:
    result = check(openapi())
    assert result.returncode == 0, result.stderr


def test_a_schema_change_makes_the_check_fail() -> None:
    spec = openapi()
    sfu = spec["components"]["schemas"]["SfuPublic"]
    sfu["properties"]["region"] = {"type": "string"}
    result = check(spec)
    assert result.returncode == 1
    assert "frontend/src/services/generated/api-schemas.ts is stale" in result.stderr
    assert "log-entry.ts" not in result.stderr
