"""Who gets TURN relay credentials, and what they get.

Rules that matter:

- A relay is bandwidth the service pays for and a way into the media network, so credentials go
  only to clients the hub knows: a paired kiosk (device token), a signed-in specialist, and a
  patient's own device once it has a visit (checked in or resumed). Before that, a patient's
  device gets the STUN servers only; ``ice_request`` is refused.
- Credentials are short-lived (``turn_ttl``, 10 minutes by default) and the hub sends fresh ones
  (``ice_servers``) before they expire, for as long as the client is entitled to them. coturn
  checks a credential's expiry only when an allocation is made, so a call already relayed goes
  on after its credentials expire; fresh ones are for the next peer connection (a reconnect).
"""

from __future__ import annotations

from typing import Any

from kiosk.hub.connection import Connection
from kiosk.hub.state import Hub

#: Fresh credentials are sent this long before the old ones expire (or at 80 % of a short TTL).
REFRESH_MARGIN_S = 120.0


def relay_allowed(conn: Connection) -> bool:
    """Whether this client may have TURN credentials now."""
    if conn.kiosk is not None or conn.specialist is not None:
        return True
    return conn.role == "patient" and conn.visit_id is not None


def ice_user(conn: Connection) -> str:
    """The name in the credential's username (it shows in coturn's logs; never a person's)."""
    if conn.kiosk is not None:
        return f"kiosk{conn.kiosk.id}"
    if conn.specialist is not None:
        return f"specialist{conn.specialist.id}"
    return f"patient-{conn.id}"


def ice_for(hub: Hub, conn: Connection) -> tuple[list[dict[str, Any]], float | None]:
    """The ``ice_servers`` list (and its expiry) this client may have now."""
    servers, expires = hub.ice_servers(ice_user(conn))
    if relay_allowed(conn):
        return servers, expires
    return [s for s in servers if "credential" not in s], None


def refresh_delay(hub: Hub, expires: float | None) -> float | None:
    """Seconds until fresh credentials should be sent, or None when nothing expires."""
    if expires is None:
        return None
    ttl = hub.config.turn_ttl
    margin = min(REFRESH_MARGIN_S, ttl * 0.2)
    return max(1.0, expires - hub.clock.now() - margin)
