"""`python -m vr_testkit.serve_e2e livekit embedded`: the e2e stack of each named SFU provider
(vr_testkit.e2e_stack, the one the pytest fixtures start), for browser tests written in another
language (tests/e2e/firefox drives Firefox and Chromium with puppeteer-core from Node).

Builds the frontend once, starts one stack per provider, then prints one JSON line to stdout,
`{"stacks": {"livekit": {"url": ..., "debug_url": ...}, ...}}`, and keeps them running until
its stdin closes (the test ended, or died: the pipe closes with it) or it gets SIGTERM/SIGINT;
then stops every process it started and removes the build. A start-up failure is one line on
stderr and exit status 1, after the same clean-up.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from vr_testkit.e2e_stack import Stack, built_frontend, started

PROVIDERS = ("livekit", "embedded")


def _wait_for_end() -> None:
    """Returns when stdin reaches end of file or a termination signal arrives."""
    ended = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        ended.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def read_to_end() -> None:
        sys.stdin.read()
        ended.set()

    threading.Thread(target=read_to_end, daemon=True).start()
    # A timed wait, so the main thread runs the signal handler promptly.
    while not ended.wait(0.5):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vr_testkit.serve_e2e")
    parser.add_argument("providers", nargs="+", choices=PROVIDERS)
    args = parser.parse_args(argv)
    with built_frontend() as dist, contextlib.ExitStack() as running:
        stacks: dict[str, Stack] = {}
        for provider in dict.fromkeys(args.providers):
            stack = Stack(static_root=dist, sfu_provider=provider)
            try:
                stacks[provider] = running.enter_context(started(stack))
            except Exception as error:
                print(f"serve_e2e: the {provider} stack did not start: {error}", file=sys.stderr)
                print(stack.logs(), file=sys.stderr)
                return 1
        urls = {name: {"url": s.url, "debug_url": s.debug_url} for name, s in stacks.items()}
        print(json.dumps({"stacks": urls}), flush=True)
        _wait_for_end()
    return 0


if __name__ == "__main__":
    sys.exit(main())
