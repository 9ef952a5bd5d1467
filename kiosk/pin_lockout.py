"""The admin PIN lockout, kept in a small file so a restart does not clear it.

Without this, anyone at the kiosk could make it restart (pull the plug, or wait for the nightly
restart) and have a fresh five tries each time.

Rules that matter:

- One JSON file in the kiosk's data folder (:data:`LOCKOUT_FILE`), mode 0600, written whole
  to a temporary file and renamed, so a crash leaves the old file or the new one: ``{"v": 1,
  "failures": N, "locked_until": <Unix time>}``. It holds no secret (a count and a time), so
  it does not go to the keyring: the keyring is for secrets only (:mod:`kiosk.secrets`), a
  write to it on every wrong PIN would be a D-Bus round trip and may raise a prompt, and a
  file can be read, checked and repaired by IT with ordinary tools. Someone who can delete the
  file is already the kiosk's user, who can reach the keyring anyway.
- The lock's end is kept as wall-clock time (monotonic time does not survive a restart) and is
  read back as "seconds from now", never more than :data:`MAX_LOCKOUT_S` (a clock set back
  cannot lock admin mode for a day).
- A damaged file (not JSON, wrong fields, unreadable) fails closed: the PIN is refused for
  :data:`DAMAGED_LOCK_S`, with one ERROR log line naming the file, and the file is replaced by
  that short lock (so a restart keeps the lock but does not extend it).
- No file means no wrong PINs yet. Setting a new PIN (admin set-up or ``clinic-kiosk admin
  set-pin``) clears it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

#: The file's name in the kiosk's data folder.
LOCKOUT_FILE: Final = "admin-lockout.json"
#: The longest lock the file can impose (the same cap as admin mode's back-off).
MAX_LOCKOUT_S: Final = 15 * 60.0
#: How long a damaged file locks admin mode.
DAMAGED_LOCK_S: Final = 60.0
_VERSION: Final = 1
_MAX_FAILURES: Final = 1000


@dataclass(frozen=True)
class LockoutState:
    """Wrong PINs in a row, and the seconds (from now) until a PIN may be tried again."""

    failures: int = 0
    retry_after: float = 0.0


class LockoutFile:
    """The lockout state in ``path``; ``wall`` gives Unix time (tests pass their own)."""

    def __init__(self, path: Path, *, wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self._wall = wall

    def __repr__(self) -> str:
        return f"<LockoutFile {self.path}>"

    def load(self) -> LockoutState:
        """The state as the file keeps it (no file: no wrong PINs); a damaged file fails
        closed to :data:`DAMAGED_LOCK_S` with a log line."""
        try:
            text = self.path.read_text("utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return LockoutState()
        except (OSError, UnicodeDecodeError) as exc:
            return self._damaged(type(exc).__name__)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return self._damaged("not JSON")
        if not isinstance(data, dict) or data.get("v") != _VERSION:
            return self._damaged("not a lockout record")
        failures, until = data.get("failures"), data.get("locked_until")
        if (not isinstance(failures, int) or isinstance(failures, bool)
                or not 0 <= failures <= _MAX_FAILURES
                or not isinstance(until, (int, float)) or isinstance(until, bool)
                or until != until or until in (float("inf"), float("-inf")) or until < 0):
            return self._damaged("fields out of range")
        wait = min(MAX_LOCKOUT_S, max(0.0, float(until) - self._wall()))
        return LockoutState(failures, wait)

    def _damaged(self, why: str) -> LockoutState:
        log.error("admin PIN lockout file %s is damaged (%s): admin mode is locked for "
                  "%.0f s and the file replaced", self.path, why, DAMAGED_LOCK_S)
        state = LockoutState(0, DAMAGED_LOCK_S)
        with contextlib.suppress(OSError):  # if it cannot be replaced, the next start says so
            self.save(state)
        return state

    def save(self, state: LockoutState) -> None:
        """Keep ``state`` (0600, atomically). Raises OSError if the folder cannot be written."""
        if state.failures == 0 and state.retry_after <= 0:
            self.clear()
            return
        record = {"v": _VERSION, "failures": state.failures,
                  "locked_until": round(self._wall() + max(0.0, state.retry_after), 3)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".admin-lockout.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:  # mkstemp makes it 0600
                json.dump(record, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def clear(self) -> None:
        """No wrong PINs: remove the file (nothing happens if there is none)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
