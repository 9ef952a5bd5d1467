"""Can this kiosk serve patients, and if not, why: one pure decision, no Qt, no I/O.

Rules that matter:

- A kiosk serves patients only as the clinic's own device: with a hub address, a secure secret
  store and a device token in it. There is no fallback to checking patients in as "their own
  device": without a token the kiosk is out of service, and says so.
- :func:`service_state` takes what the app already knows (the hub address, whether the store
  is secure and why not, whether a token is there) and returns a :class:`ServiceState`. The
  patient sees one calm sentence on the out-of-service screen; the ``reason`` is for staff
  (admin mode and the log) and never holds a secret.
- The app asks again whenever something that decides it changes (pairing, saved settings), so
  pairing takes effect without a restart, and every few minutes while nobody is using the
  kiosk (:mod:`kiosk.service_check`): a keyring that became locked, or a key the hub no longer
  accepts, takes the kiosk out of service without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: Why a kiosk is out of service (``ServiceState.code``).
READY: Final = "ready"
NO_HUB: Final = "no_hub"
NO_KEYRING: Final = "no_keyring"
NOT_PAIRED: Final = "not_paired"
TOKEN_REFUSED: Final = "token_refused"  # noqa: S105 - a state's name, not a secret


@dataclass(frozen=True)
class ServiceState:
    """Whether the kiosk can serve patients; ``reason`` is plain words for staff."""

    code: str
    reason: str = ""

    @property
    def ready(self) -> bool:
        return self.code == READY


def service_state(*, hub_url: str, store_secure: bool, store_problem: str | None,
                  paired: bool, token_refused: bool = False) -> ServiceState:
    """The kiosk's state from what the app knows. ``paired`` is whether the secure store holds
    a device token (False when the store cannot be read); ``token_refused`` whether the hub
    said it no longer knows that token (:mod:`kiosk.service_check` asks it)."""
    if not store_secure:
        return ServiceState(NO_KEYRING, store_problem or (
            "This kiosk has no secure keyring, so it cannot keep its device key. Ask IT to "
            "set up GNOME Keyring (unlocked at login) for the kiosk's account."))
    if not hub_url.strip():
        return ServiceState(NO_HUB, "No hub address is set. Set it in admin mode (Settings), "
                                    "then pair the kiosk.")
    if not paired:
        return ServiceState(NOT_PAIRED, "This kiosk is not paired with the hub. In admin mode, "
                                        "open Pairing and type the one-time code an "
                                        "administrator made for this room.")
    if token_refused:
        return ServiceState(TOKEN_REFUSED, "The hub no longer accepts this kiosk's key (it was "
                                           "unpaired on the hub, or the hub's data was "
                                           "replaced). In admin mode, open Pairing and pair it "
                                           "again with a new code.")
    return ServiceState(READY)
