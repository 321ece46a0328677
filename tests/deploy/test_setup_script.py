"""scripts/setup.sh on a machine whose only Python is Debian's /usr/bin/python3: no uv, no pyenv,
and a pip that refuses to install outside a virtual environment (PEP 668). The script runs for
real in a copy of the repository with PATH=/usr/bin:/bin and an empty HOME; the already built
livekit-server, compose-check and node_modules are reused (building them is not what this
checks), and uv's and pip's download caches are shared so reruns do not fetch wheels again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from vr_testkit.processes import REPO_ROOT

BARE_PATH = "/usr/bin:/bin"
# The machine's network settings (its CA bundle, a proxy), which any fresh machine has too:
# they are about reaching PyPI, not about which Python or tools are installed.
NETWORK_SETTINGS = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "PIP_CERT",
    "REQUESTS_CA_BUNDLE",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "NO_PROXY",
    "https_proxy",
    "http_proxy",
    "no_proxy",
)
REUSED = ["frontend/node_modules", "tests/node/node_modules"]


def _tracked_and_new_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO_ROOT / name).is_file()]


def _scratch_repository(root: Path) -> Path:
    repo = root / "repo"
    for name in _tracked_and_new_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    for name in REUSED:
        (repo / name).symlink_to((REPO_ROOT / name).resolve())
    tools = repo / ".tools" / "bin"
    tools.mkdir(parents=True)
    for binary in ("livekit-server", "compose-check"):
        # A link made now is newer than every copied source, so nothing is rebuilt (no Go here).
        (tools / binary).symlink_to((REPO_ROOT / ".tools" / "bin" / binary).resolve())
    return repo


def _bare_env(home: Path) -> dict[str, str]:
    home.mkdir()
    caches = Path(os.environ.get("HOME", "/root")) / ".cache"
    network = {name: os.environ[name] for name in NETWORK_SETTINGS if name in os.environ}
    return {
        **network,
        "PATH": BARE_PATH,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", str(caches / "uv")),
        "PIP_CACHE_DIR": str(caches / "pip"),
    }


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=420, check=False
    )


def test_setup_installs_uv_without_pip_on_debians_own_python(tmp_path: Path) -> None:
    repo = _scratch_repository(tmp_path)
    env = _bare_env(tmp_path / "home")
    # The machine is what the issue describes: no uv, and pip refuses outright.
    assert shutil.which("uv", path=BARE_PATH) is None
    refused = _run(["python3", "-m", "pip", "install", "uv"], repo, env)
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stderr

    first = _run(["./scripts/setup.sh"], repo, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "installing uv 0.13.9 from PyPI into .tools/uv" in first.stdout
    assert "setup complete" in first.stdout

    uv = repo / ".tools" / "bin" / "uv"
    assert _run([str(uv), "--version"], repo, env).stdout.startswith("uv 0.13.9")
    # The project's environment is on Debian's Python, with every workspace package in it.
    probe = _run(
        [
            str(repo / ".venv" / "bin" / "python"),
            "-c",
            "import sys, video_rooms, debug_service, embedded_sfu, vr_common, vr_testkit; "
            "print(sys.base_prefix, sys.version_info[:2])",
        ],
        repo,
        env,
    )
    assert probe.stdout.strip() == "/usr (3, 11)", probe.stderr
    # make finds that uv through .tools/bin, with nothing else on PATH.
    made = _run(["make", "--no-print-directory", "setup"], repo, env)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "installing uv" not in made.stdout
    assert "setup complete" in made.stdout
