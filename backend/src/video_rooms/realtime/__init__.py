"""Realtime channels at `/ws`: the Phoenix Channels v2 protocol, spoken from Python.

The wire protocol is written down in `docs/realtime.md`.
"""
