"""Short-lived TURN credentials in the TURN REST form that coturn checks with
``use-auth-secret`` / ``static-auth-secret``.

username = ``"<expiry unix seconds>:<id>"``, credential = base64(HMAC-SHA1(secret, username)).
The secret never leaves the hub; the credential stops working at the expiry time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import Any


def turn_credential(secret: bytes, username: str) -> str:
    """The TURN REST password for ``username``."""
    digest = hmac.new(secret, username.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers(urls: Sequence[str], secret: Callable[[], bytes], *, now: float, ttl: float,
                user: str) -> tuple[list[dict[str, Any]], float | None]:
    """The ``ice_servers`` list for a client and when its credentials expire.

    STUN URLs are listed without credentials; TURN URLs share one minted credential. With no
    URLs configured the list is empty and there is no expiry. ``secret`` is called only when a
    TURN URL needs it, so a hub without TURN never creates a TURN secret.
    """
    stun = [u for u in urls if u.startswith("stun:") or u.startswith("stuns:")]
    turn = [u for u in urls if u.startswith("turn:") or u.startswith("turns:")]
    servers: list[dict[str, Any]] = []
    if stun:
        servers.append({"urls": stun})
    if not turn:
        return servers, None
    expires = int(now + ttl)
    username = f"{expires}:{user}"
    servers.append({"urls": turn, "username": username,
                    "credential": turn_credential(secret(), username)})
    return servers, float(expires)
