"""Short-lived TURN credentials for browsers, in coturn's shared-secret REST scheme
(`use-auth-secret` + `static-auth-secret` in config/turnserver.conf).

The SFU and coturn share one secret and nothing else: the username is `<expiry>:<identity>`
(Unix seconds), the password base64(HMAC-SHA1(secret, username)), so coturn checks a
credential without asking anyone, and refuses it once the expiry has passed. A participant
gets a fresh pair with every `joined`; nothing long-lived reaches a browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from embedded_sfu.protocol import Json


@dataclass(frozen=True)
class TurnRelay:
    urls: list[str]
    secret: str
    ttl_seconds: int

    def credentials(self, identity: str, now: float | None = None) -> tuple[str, str]:
        expiry = int(now if now is not None else time.time()) + self.ttl_seconds
        # coturn splits the username at the first ':'; an identity may hold none.
        username = f"{expiry}:{identity.replace(':', '_')}"
        digest = hmac.new(self.secret.encode(), username.encode(), hashlib.sha1).digest()
        return username, base64.b64encode(digest).decode()

    def ice_server(self, identity: str) -> Json:
        """The `RTCIceServer` a browser is handed in `joined.ice_servers`."""
        username, credential = self.credentials(identity)
        return {"urls": list(self.urls), "username": username, "credential": credential}
