"""The import-linter contracts of `make lint` (pyproject.toml, [tool.importlinter]) hold on the
tree and break on a planted import: each case copies the packages to a scratch directory, adds
one wrong import, and runs `lint-imports` against the copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from vr_testkit.processes import REPO_ROOT

PACKAGES = {
    "video_rooms": REPO_ROOT / "backend" / "src" / "video_rooms",
    "embedded_sfu": REPO_ROOT / "embedded-sfu" / "src" / "embedded_sfu",
    "debug_service": REPO_ROOT / "debug-service" / "src" / "debug_service",
    "vr_common": REPO_ROOT / "common" / "src" / "vr_common",
}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the installed (editable) packages.
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO_ROOT / "pyproject.toml"), "--no-cache"],
        cwd=source_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, source in PACKAGES.items():
        shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        (
            "embedded_sfu/room.py",
            "import video_rooms.settings",
            "Backend and embedded SFU meet only in vr_common",
        ),
        (
            "video_rooms/sfu/registry.py",
            "import embedded_sfu.settings",
            "Backend and embedded SFU meet only in vr_common",
        ),
        (
            "debug_service/store.py",
            "import video_rooms.ids",
            "Backend and embedded SFU meet only in vr_common",
        ),
        (
            "vr_common/startup.py",
            "import debug_service.settings",
            "vr_common imports none of the services",
        ),
        (
            "video_rooms/rooms/repository.py",
            "import video_rooms.api.errors",
            "Backend layers: entry points, api, realtime, rooms, db",
        ),
        (
            "video_rooms/db/migrate.py",
            "import video_rooms.app",
            "Backend layers: entry points, api, realtime, rooms, db",
        ),
    ],
)
def test_a_wrong_import_breaks_its_contract(
    tree: Path, module: str, planted: str, contract: str
) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{planted}\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
