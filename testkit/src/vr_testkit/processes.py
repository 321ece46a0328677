"""Run a real server as a child process for the length of a test, and always clean it up."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[3]
TOOLS_BIN = REPO_ROOT / ".tools" / "bin"

# How long a started server may take to answer: generous because a loaded 2-core machine was
# seen taking over 30 s to start a backend (Python 3.13 suite, load 17). A process that dies
# still fails at once (wait_http and wait_port check it on every attempt).
STARTUP_TIMEOUT = 90.0


def render_config(template: Path, env: Mapping[str, str]) -> str:
    """A config template rendered by config/render.sh, exactly as deployments render it."""
    result = subprocess.run(
        ["sh", str(REPO_ROOT / "config" / "render.sh"), str(template)],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    return result.stdout


_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends it SIGTERM when the test process dies.

    `stop()` cleans up after a test that ends normally; this covers a test run that is killed
    (a CI timeout, Ctrl-C twice), which would otherwise leave servers holding ports. The
    children run in their own session, so nothing else would reach them.
    """
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(kind: str = "tcp") -> int:
    """A loopback TCP (or "udp") port that was free a moment ago (the OS picks it)."""
    sock_type = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, sock_type) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_udp_range(size: int) -> int:
    """Start of `size` consecutive UDP ports that are all free right now."""
    for _ in range(200):
        start = free_port()
        if start + size >= 65535:
            continue
        socks: list[socket.socket] = []
        try:
            for port in range(start, start + size):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return start
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {size} consecutive free UDP ports")


class ManagedProcess:
    """A child process with its output in a log file, stopped (and reaped) on exit.

    The log file is kept so that a failing test can show what the server said.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        log_root = log_dir or Path(tempfile.mkdtemp(prefix=f"vr-{name}-"))
        log_root.mkdir(parents=True, exist_ok=True)
        self.log_path = log_root / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ManagedProcess:
        log = self.log_path.open("ab")
        # A new session so that stop() can signal the whole process group (uvicorn workers etc.).
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_http(
        self, url: str, timeout: float = STARTUP_TIMEOUT, expect: int | None = None
    ) -> None:
        """Wait until `url` answers (with `expect` if given); fail early if the process died."""
        deadline = time.monotonic() + timeout
        last_error = "no attempt"
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early:\n{self.output()[-4000:]}")
            try:
                response = httpx.get(url, timeout=1.0)
                if expect is None or response.status_code == expect:
                    return
                last_error = f"status {response.status_code}"
            except httpx.HTTPError as exc:
                last_error = repr(exc)
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready at {url}: {last_error}\n{self.output()[-4000:]}")

    def wait_port(
        self, port: int, host: str = "127.0.0.1", timeout: float = STARTUP_TIMEOUT
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early:\n{self.output()[-4000:]}")
            with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not listening on {host}:{port}\n{self.output()[-4000:]}")

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def kill(self) -> None:
        """Stop without a chance to clean up, as a crash would."""
        self.stop(sig=signal.SIGKILL)

    def __enter__(self) -> ManagedProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def managed(process: ManagedProcess) -> Iterator[ManagedProcess]:
    with process:
        yield process
