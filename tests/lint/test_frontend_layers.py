"""The frontend's layer rules (frontend/eslint-layers.js, part of `npm run lint` and so of
`make lint`) break on planted imports and let the allowed directions through: the frontend's
sources and ESLint config are copied to a scratch directory, wrong and right modules are
added, and ESLint runs on them with the copy's own config."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from vr_testkit.processes import REPO_ROOT

FRONTEND = REPO_ROOT / "frontend"
CONFIG_FILES = ["eslint.config.js", "eslint-layers.js", "package.json"] + [
    path.name for path in FRONTEND.glob("tsconfig*.json")
]

SHARED = "Shared code (adapters, components, hooks, services) imports no feature and not the app"
NO_REACT = "SFU adapters import no React"
NO_REACT_CODE = "SFU adapters import no React: no components, hooks or .tsx modules"
NO_APP = "Features do not import the app"
OTHER_FEATURE = "A feature imports no other feature (logs): move what both need to shared code"
NO_MAIN = "Nothing imports the entry point main.tsx"

# Each planted module: its lines, and the restrictions ESLint must report, one per line that
# is wrong (in order).
WRONG = {
    "src/hooks/planted-hook.ts": (
        [
            "import { RoomPage } from '../features/room/room-page.tsx';",
            "export const page = RoomPage;",
            "export const router = () => import('../app/router.tsx');",
        ],
        [SHARED, SHARED],
    ),
    "src/services/planted-service.ts": (
        ["export { Root } from '../app/root.tsx';"],
        [SHARED],
    ),
    "src/adapters/livekit/planted-adapter.ts": (
        [
            "import { useState } from 'react';",
            "import { useSfuRoom } from '../../hooks/use-sfu-room.ts';",
            "import { MicIcon } from '../../components/icons.tsx';",
            "export const used = [useState, useSfuRoom, MicIcon];",
        ],
        [NO_REACT, NO_REACT_CODE, NO_REACT_CODE],
    ),
    "src/features/logs/planted-feature.ts": (
        [
            "import { messageForError } from '../room/use-room-session.ts';",
            "import { Root } from '../../app/root.tsx';",
            "export { parseRoomLink } from '../../features/home/parse-room-link.ts';",
            "export const used = [messageForError, Root];",
        ],
        [OTHER_FEATURE, NO_APP, OTHER_FEATURE],
    ),
    "src/app/planted-app.ts": (
        ["export const entry = () => import('../main.tsx');"],
        [NO_MAIN],
    ),
}

# The directions the layers allow: shared code among itself, features from shared code, the
# app from features (statically and lazily).
RIGHT = {
    "src/adapters/embedded/planted-allowed.ts": [
        "import { logger } from '../../services/debug-logger.ts';",
        "import type { SfuAdapter } from '../sfu-adapter.ts';",
        "export const used: [typeof logger, SfuAdapter | null] = [logger, null];",
    ],
    "src/features/room/planted-allowed.ts": [
        "import { useSfuRoom } from '../../hooks/use-sfu-room.ts';",
        "import { messageForError } from './use-room-session.ts';",
        "export const used = [useSfuRoom, messageForError];",
    ],
    "src/app/planted-allowed.ts": [
        "import { HomePage } from '../features/home/home-page.tsx';",
        "export const used = [HomePage, () => import('../features/logs/logs-page.tsx')];",
    ],
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """ESLint's messages per planted module, from one run over all of them in a copy."""
    copy = tmp_path_factory.mktemp("frontend")
    shutil.copytree(FRONTEND / "src", copy / "src")
    for name in CONFIG_FILES:
        shutil.copy2(FRONTEND / name, copy / name)
    (copy / "node_modules").symlink_to(FRONTEND / "node_modules")
    planted = {path: lines for path, (lines, _) in WRONG.items()} | RIGHT
    for path, lines in planted.items():
        (copy / path).write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [str(FRONTEND / "node_modules" / ".bin" / "eslint"), "--format", "json", *planted],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode in (0, 1), result.stderr
    results: list[dict[str, Any]] = json.loads(result.stdout)
    return {
        Path(entry["filePath"]).relative_to(copy).as_posix(): [
            f"{message['ruleId']}: {message['message']}" for message in entry["messages"]
        ]
        for entry in results
    }


@pytest.mark.parametrize("path", sorted(WRONG))
def test_a_wrong_import_breaks_the_layers(report: dict[str, list[str]], path: str) -> None:
    expected = WRONG[path][1]
    messages = report[path]
    assert len(messages) == len(expected), messages
    for message, restriction in zip(messages, expected, strict=True):
        assert message.startswith("no-restricted-"), message
        assert restriction in message, messages


@pytest.mark.parametrize("path", sorted(RIGHT))
def test_the_allowed_directions_pass(report: dict[str, list[str]], path: str) -> None:
    assert report[path] == []
