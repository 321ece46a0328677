"""What every whole-app shape on loopback has (vr_testkit.e2e_stack's Stack, vr_testkit.scaled's
ScaledStack): nginx's public port, the debug service's ports, and the processes started for
it, kept in order so that they stop in reverse."""

from __future__ import annotations

from dataclasses import dataclass, field

from vr_testkit.processes import ManagedProcess, free_port


# Keyword-only, so that a shape's own fields (positional, without defaults) come first.
@dataclass(kw_only=True)
class LoopbackApp:
    http_port: int = field(default_factory=free_port)
    debug_port: int = field(default_factory=free_port)
    debug_syslog_port: int = field(default_factory=lambda: free_port("udp"))
    processes: list[ManagedProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The app's one origin: nginx."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def debug_url(self) -> str:
        return f"http://127.0.0.1:{self.debug_port}"

    def _started(self, process: ManagedProcess) -> ManagedProcess:
        self.processes.append(process)
        return process.start()
