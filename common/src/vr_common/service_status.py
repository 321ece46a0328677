"""The words every part uses for a service's status: the backend's `/api/status`, the debug
service's monitor and the `/logs` status panel.

They are the original client's vocabulary (it polls `/api/status` and knows only these):
`degraded` works but with a part missing, `unconfigured` is a part nobody set up.
"""

from __future__ import annotations

from typing import Literal, get_args

ServiceHealth = Literal["healthy", "degraded", "unhealthy", "unconfigured"]
SERVICE_HEALTH_WORDS: tuple[str, ...] = get_args(ServiceHealth)
