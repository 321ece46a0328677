"""The embedded SFU: a selective forwarding unit in Python, on aiortc, forwarding RTP without
decoding. It runs as its own process (`python -m embedded_sfu`); the backend talks
to it through `video_rooms.sfu.embedded_provider`, browsers through the signalling protocol
written down in `docs/embedded-sfu.md`.

Module map (each does one thing):
- `aiortc_hooks`  — the only module that touches aiortc's private API
- `vp8`, `rtp_history`, `feedback`, `speakers` — small media helpers
- `subscription`, `publication`, `peer`, `room` — the forwarding model
- `protocol`, `signalling` — the browser-facing WebSocket protocol
- `admin`, `app`, `settings`, `__main__` — the process and its admin API
"""
