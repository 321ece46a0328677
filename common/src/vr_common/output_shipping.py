"""`vr-ship-output`: run a program whose log is its output and ship that log to the debug service.

For the processes that are not Python and so cannot use `log_shipping` themselves
(livekit-server): `vr-ship-output --service livekit --format livekit -- livekit-server ...`
runs the program, copies every line it writes to this process's stdout (so its terminal and
log file see what they always saw), and ships each line, parsed, to `DEBUG_SERVICE_URL`
(with `DEBUG_TOKEN`). Without `DEBUG_SERVICE_URL` it only copies. SIGTERM and SIGINT are
passed on to the program; the exit status is the program's.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from types import FrameType

from vr_common.livekit_lines import livekit_record
from vr_common.log_shipping import LogShippingHandler

Parser = Callable[[str], logging.LogRecord | None]


def _plain_record(line: str) -> logging.LogRecord | None:
    text = line.rstrip("\r\n")
    if not text.strip():
        return None
    return logging.makeLogRecord({"name": "output", "levelno": logging.INFO, "msg": text})


PARSERS: dict[str, Parser] = {"livekit": livekit_record, "plain": _plain_record}


def copy_and_ship(lines: Iterable[str], parse: Parser, handler: LogShippingHandler | None) -> None:
    """Echo each line to stdout and hand its record to `handler` (when there is one)."""
    for line in lines:
        sys.stdout.write(line)
        sys.stdout.flush()
        if handler is None:
            continue
        record = parse(line)
        if record is not None:
            handler.handle(record)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vr-ship-output", description=__doc__)
    parser.add_argument("--service", required=True, help="the service name its lines carry")
    parser.add_argument("--format", choices=sorted(PARSERS), default="plain")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- program [args...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the program to run after --")
    url = os.environ.get("DEBUG_SERVICE_URL", "").strip()
    handler = (
        LogShippingHandler(url, args.service, token=os.environ.get("DEBUG_TOKEN") or None)
        if url
        else None
    )
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        bufsize=1,
    )

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    assert child.stdout is not None
    try:
        copy_and_ship(child.stdout, PARSERS[args.format], handler)
    finally:
        status = child.wait()
        if handler is not None:
            handler.close()
    # Killed by a signal: the shell's convention, 128 + its number.
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
