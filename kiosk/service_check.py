"""Asking, while the kiosk runs, whether it can still serve patients: the keyring now, and
whether the hub still accepts the kiosk's key. No Qt.

:mod:`kiosk.service` decides from facts; this module gathers them:

- :func:`local_state`: the hub address, the store, and the token read through the store now.
  A keyring that has become locked (or stopped) is "no secure keyring", with the store's own
  message, not "not paired": the token may well be there.
- :func:`hub_state`: when the local facts say ready, one authenticated request to the hub
  (:data:`PROBE_PATH`, today's appointments, as admin mode uses; no codes, no names). A 401
  means the hub no longer knows this key (the kiosk was unpaired there, or the hub's data replaced):
  :data:`~kiosk.service.TOKEN_REFUSED`. A hub that cannot be reached changes nothing here:
  patients still get the kiosk's own "cannot reach the clinic service" handling.

Both block (the keyring may be a D-Bus round trip): call them off the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

import aiohttp

from kiosk.secrets import DEVICE_TOKEN, SecretStore, SecretStoreUnavailable
from kiosk.service import NO_KEYRING, ServiceState, service_state

log = logging.getLogger(__name__)

#: Seconds the hub has to answer the probe.
PROBE_TIME_LIMIT: Final = 10.0
#: The hub's kiosk-only request the probe makes (today's appointments: no codes, no names).
PROBE_PATH: Final = "/api/kiosk/appointments"


def local_state(hub_url: str, secrets: SecretStore) -> ServiceState:
    """Whether the kiosk can serve patients by what it knows itself, now."""
    secure = secrets.secure
    paired = False
    if secure:
        try:
            paired = bool(secrets.get(DEVICE_TOKEN))
        except SecretStoreUnavailable as exc:  # locked, or the keyring service went away
            return ServiceState(NO_KEYRING, str(exc))
    return service_state(hub_url=hub_url, store_secure=secure, store_problem=secrets.problem,
                         paired=paired)


def _token(secrets: SecretStore) -> str | None:
    return secrets.get(DEVICE_TOKEN) or None


async def hub_accepts(hub_url: str, token: str, *,
                      time_limit: float = PROBE_TIME_LIMIT) -> bool | None:
    """Whether the hub accepts ``token`` as a kiosk's key: True, False (401), or None when it
    could not tell (not reachable, or any other answer). The token goes only in the
    ``Authorization`` header."""
    url = hub_url.rstrip("/") + PROBE_PATH
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=time_limit)) as s, \
                s.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.info("hub not asked about the kiosk's key: %s", type(exc).__name__)
        return None
    if status == 401:
        return False
    if status == 200:
        return True
    log.info("hub not asked about the kiosk's key: HTTP %d", status)
    return None


async def hub_state(hub_url: str, secrets: SecretStore, *,
                    time_limit: float = PROBE_TIME_LIMIT) -> ServiceState:
    """:func:`local_state`, then (when that is ready) whether the hub accepts the key."""
    state = await asyncio.to_thread(local_state, hub_url, secrets)
    if not state.ready:
        return state
    try:
        token = await asyncio.to_thread(_token, secrets)
    except SecretStoreUnavailable as exc:
        return ServiceState(NO_KEYRING, str(exc))
    if token is None:  # unpaired since the local look
        return await asyncio.to_thread(local_state, hub_url, secrets)
    if await hub_accepts(hub_url, token, time_limit=time_limit) is False:
        return service_state(hub_url=hub_url, store_secure=True, store_problem=None,
                             paired=True, token_refused=True)
    return state
