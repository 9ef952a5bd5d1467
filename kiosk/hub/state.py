"""The hub's state, kept on the aiohttp app under :data:`HUB` (no module globals)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from kiosk.hub import turn
from kiosk.hub.clock import Clock
from kiosk.hub.config import HubConfig
from kiosk.hub.lockout import UnknownUsernames
from kiosk.hub.passwords import PasswordChecker
from kiosk.hub.presence import Presence
from kiosk.hub.ratelimit import FailureLimiter
from kiosk.hub.secretstore import HubSecrets
from kiosk.hub.storage import Storage


@dataclass
class Limiters:
    """The hub's failure counters."""

    code_client: FailureLimiter
    code_address: FailureLimiter
    #: Wrong codes per clinic (its kiosks) and from all patients' own devices together.
    code_budget: FailureLimiter
    anonymous_budget: FailureLimiter
    login_address: FailureLimiter
    pair_address: FailureLimiter

    @classmethod
    def from_config(cls, config: HubConfig, clock: Clock) -> Limiters:
        r = config.rate_limits
        return cls(
            code_client=FailureLimiter(clock, limit=r.code_failures_per_client,
                                       window=r.code_window),
            code_address=FailureLimiter(clock, limit=r.code_failures_per_address,
                                        window=r.code_window),
            code_budget=FailureLimiter(clock, limit=r.code_failures_per_clinic,
                                       window=r.code_budget_window),
            anonymous_budget=FailureLimiter(clock, limit=r.code_failures_anonymous,
                                            window=r.code_budget_window),
            login_address=FailureLimiter(clock, limit=r.login_failures_per_address,
                                         window=r.login_window),
            pair_address=FailureLimiter(clock, limit=r.pair_failures_per_address,
                                        window=r.pair_window),
        )

    def _budget(self, clinic_id: int | None) -> tuple[FailureLimiter, Hashable]:
        if clinic_id is None:
            return self.anonymous_budget, "anonymous"
        return self.code_budget, clinic_id

    def code_retry_after(self, client: Hashable, address: str,
                         clinic_id: int | None) -> tuple[float, bool] | None:
        """(seconds to wait, whether a shared budget is spent) before a code may be tried.

        ``clinic_id`` is the clinic of a paired kiosk, or None for a patient's own device (all
        of which share one budget). None when the client may try now.
        """
        limiter, key = self._budget(clinic_id)
        budget = limiter.retry_after(key)
        waits = [w for w in (self.code_client.retry_after(client),
                             self.code_address.retry_after(address)) if w is not None]
        if budget is not None:
            return max([budget, *waits]), True
        return (max(waits), False) if waits else None

    def code_failure(self, client: Hashable, address: str, clinic_id: int | None) -> bool:
        """Count a wrong code; True if that spent the shared budget just now."""
        self.code_client.failure(client)
        self.code_address.failure(address)
        limiter, key = self._budget(clinic_id)
        limiter.failure(key)
        return limiter.retry_after(key) is not None


@dataclass
class Hub:
    """Everything a request handler needs: config, storage, secrets, clock and presence."""

    config: HubConfig
    storage: Storage
    secrets: HubSecrets
    clock: Clock
    version: str
    limiters: Limiters
    presence: Presence = field(default_factory=Presence)
    #: The sign-in lockout of usernames that do not exist (so they answer like real ones).
    unknown_logins: UnknownUsernames = field(default_factory=UnknownUsernames)
    #: scrypt off the event loop, two at a time (bounded memory under a sign-in storm).
    passwords: PasswordChecker = field(default_factory=PasswordChecker)

    def ice_servers(self, user: str) -> tuple[list[dict[str, Any]], float | None]:
        """Fresh ICE servers (with short-lived TURN credentials) for one client."""
        return turn.ice_servers(self.config.ice_urls, self.secrets.turn_secret,
                                now=self.clock.now(), ttl=self.config.turn_ttl, user=user)


HUB: web.AppKey[Hub] = web.AppKey("hub", Hub)
