"""Every `make bench` section runs, at a tiny size (`python -m bench --smoke`), so that none
can break unseen: the run exits 0 and each section prints its figures. The figures of so
short a run mean nothing and are not judged; `make bench` is where they are measured."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from vr_testkit.processes import REPO_ROOT

# One figure line per section, in the order `make bench` runs them.
FIGURES = [
    r"joins: [\d,]+/s over \d+ s at concurrency \d+ \([\d,]+ joins, 0 errors\)",
    r"no viewer, as fast as possible: [\d,]+ lines/s ingested",
    r"5 viewers, as fast as possible: [\d,]+ lines/s ingested",
    r"channels: 6 connections joined to 2 rooms of 3",
    r"chat fan-out, every room at once \(2\): p50 [\d.]+ ms",
    r"join -> first remote frame: median \d+ ms of 1",
    r"floor \(two RTCPeerConnections .*\): median \d+ ms \(\d+\); ours is [\d.]+x the floor",
    r"gzipped JS: home page [\d.]+ KB .*room page [\d.]+ KB",
    r"SFU CPU: [\d.]+ % of one core .*; [\d.]+ µs per forwarded packet",
    r"livekit-server: [\d,]+ packets/s forwarded",
    r"embedded / LiveKit: [\d.]+x the CPU for the room, [\d.]+x per packet",
]


@pytest.fixture(scope="module")
def smoke() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("figure", FIGURES)
def test_every_section_prints_its_figures(smoke: str, figure: str) -> None:
    assert re.search(figure, smoke), smoke


def test_the_sections_run_in_order(smoke: str) -> None:
    found = [m.start() for figure in FIGURES if (m := re.search(figure, smoke))]
    assert found == sorted(found) and len(found) == len(FIGURES), smoke
