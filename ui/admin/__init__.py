"""Admin mode for clinic staff: entry gesture, PIN, settings, pairing, appointments, diagnostics,
feedback.

Rules that matter:

- One hook: :func:`install_admin` (called once by the composition root, ``ui/app.py``) builds
  :class:`AdminMode` and puts its screen on the window's ADMIN page. Nothing else in ``ui/``
  knows admin mode exists.
- The journey decides: the PIN pad only opens when ``journey.enter_admin`` could succeed (never
  during a call), and leaving goes through ``journey.leave_admin``. Entering is a privacy reset.
- Secrets only through the :class:`~kiosk.secrets.SecretStore`. If it is not secure, admin mode
  says so plainly and stores nothing (no pairing). The PIN is never set here: IT sets it with
  ``clinic-kiosk admin set-pin`` (:mod:`kiosk.admin_cli`), and with no PIN the entry gesture
  shows only a note saying so.
- Admin mode closes by itself after :data:`ADMIN_IDLE_MS` without a touch or key, so a kiosk
  is never left open to the next patient.
- Admin words are English only, not wrapped in ``tr()``: the screens are for clinic staff and
  IT (NHS Scotland's working language is English), they hold technical terms (hub address, log
  lines, device ids) that a patient-facing translation would not help with, and keeping them out
  of the catalogues keeps translators' work on what patients read. The PIN pad reuses the
  number pad, whose words are already translated.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

from kiosk.admin import (
    AdminLock,
    Pairing,
    PairingError,
    RecentLog,
    TodayAppointment,
    fetch_appointments,
    pair_with_hub,
)
from kiosk.config import KioskSettings, SettingsError, load_settings
from kiosk.pin_lockout import LockoutFile
from kiosk.secrets import SecretStore
from ui.admin.mode import (
    ADMIN_IDLE_MS,
    EXIT_KIOSK,
    EXIT_RESTART,
    AdminHost,
    AdminMode,
    AppointmentsFn,
    PairFn,
    Submit,
)

if TYPE_CHECKING:
    from ui.window import MainWindow

__all__ = ["ADMIN_IDLE_MS", "EXIT_KIOSK", "EXIT_RESTART", "AdminHost", "AdminMode",
           "install_admin", "settings_for"]

log = logging.getLogger(__name__)


def settings_for(path: Path, *, clinic_name: str, hub_url: str) -> KioskSettings:
    """The settings admin mode starts with: the file at ``path`` if there is one, else the
    values the kiosk is running with (so the first "Save" records them). A file that cannot be
    used is logged and the running values are used; admin mode's Save then replaces it."""
    if path.exists():
        try:
            return load_settings(path)
        except SettingsError as exc:
            log.error("settings file not used: %s", exc)
    return KioskSettings(clinic_name=clinic_name or KioskSettings.clinic_name, hub_url=hub_url)


def install_admin(controller: AdminHost, window: MainWindow, *, secrets: SecretStore,
                  settings: KioskSettings, settings_path: Path,
                  submit: Submit | None = None,
                  clock: Callable[[], float] = time.monotonic,
                  on_restart: Callable[[], None] | None = None,
                  on_exit: Callable[[], None] | None = None,
                  lockout: LockoutFile | None = None,
                  **options: Any) -> AdminMode:
    """Build admin mode and hook it into ``window`` (call once, from the composition root).

    ``submit`` runs a coroutine on the engine loop (``EngineThread.submit``); without it there
    is no pairing. ``on_restart``/``on_exit`` default to ending the Qt event loop with
    :data:`EXIT_RESTART` / :data:`EXIT_KIOSK`. ``lockout`` keeps the PIN lockout across
    restarts (:mod:`kiosk.pin_lockout`). ``options`` go to :class:`AdminMode`.
    """
    recent = RecentLog().install()
    pair: PairFn | None = None
    appointments: AppointmentsFn | None = None
    current: list[AdminMode] = []  # the room is read when pairing (staff may have changed it)
    if submit is not None:

        async def pair_quietly(hub_url: str, code: str) -> Pairing | PairingError:
            # An expected refusal is a result, not an error for the engine thread to log.
            name = (current[0].settings.room_name if current else settings.room_name) or None
            try:
                return await pair_with_hub(hub_url, code, secrets, name=name)
            except PairingError as exc:
                return exc

        def pair(hub_url: str, code: str) -> concurrent.futures.Future[Pairing | PairingError]:
            return submit(pair_quietly(hub_url, code))

        async def fetch_quietly(hub_url: str) -> list[TodayAppointment] | PairingError:
            try:
                return await fetch_appointments(hub_url, secrets)
            except PairingError as exc:
                return exc

        def appointments(hub_url: str
                         ) -> concurrent.futures.Future[list[TodayAppointment] | PairingError]:
            return submit(fetch_quietly(hub_url))

    admin = AdminMode(controller, window, lock=AdminLock(secrets, clock=clock, lockout=lockout),
                      secrets=secrets, settings=settings, settings_path=settings_path, pair=pair,
                      appointments=appointments, recent_log=recent, **options)
    current.append(admin)
    admin.restart_requested.connect(on_restart or (lambda: QApplication.exit(EXIT_RESTART)))
    admin.exit_requested.connect(on_exit or (lambda: QApplication.exit(EXIT_KIOSK)))
    admin.destroyed.connect(lambda *_: recent.close())
    return admin
