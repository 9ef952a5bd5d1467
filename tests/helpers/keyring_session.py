"""A private D-Bus session with GNOME Keyring unlocked, so code under test uses the Secret
Service for real (as a kiosk's session does once PAM has unlocked the keyring at login).

What it holds (nothing of the machine's own session, keyring or home is read or touched):

- ``dbus-run-session`` running a holder shell, which starts ``gnome-keyring-daemon --unlock
  --components=secrets`` with the password on its stdin (never on a command line or in the
  environment) and reports the bus address.
- A private ``HOME``, ``XDG_RUNTIME_DIR`` (0700), ``XDG_DATA_HOME`` (the keyring files go to
  ``$XDG_DATA_HOME/keyrings``), ``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` under a temporary
  folder.

Rules that matter:

- The tests' own process keeps its in-memory keyring (tests/conftest.py); code runs against
  the real keyring in a *child* process started with :meth:`KeyringSession.env`, which also sets
  ``PYTHON_KEYRING_BACKEND`` to keyring's Secret Service backend, explicitly.
- :func:`unavailable_reason` says why no session can start (a program missing, or the daemon
  not answering); tests skip with that reason and nothing else (``scripts/system-deps``
  installs ``dbus``, ``gnome-keyring`` and ``libsecret-tools``).
- :meth:`KeyringSession.stop` ends the session's process group (the holder, ``dbus-run-session``
  and its bus); GNOME Keyring leaves with its bus.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROGRAMS = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
#: The password of the test keyring (a throw-away keyring in a temporary folder).
PASSWORD = "test-keyring-password"
BACKEND = "keyring.backends.SecretService.Keyring"
_HOLDER = ('gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 3; '
           'echo "$DBUS_SESSION_BUS_ADDRESS"; exec sleep 3600')


class KeyringSession:
    """A running private session bus with an unlocked GNOME Keyring."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.runtime = root / "run"
        for folder in (self.home, self.runtime):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(self.home),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
        }
        self.proc: subprocess.Popen[str] | None = None
        self.bus = ""

    def start(self, timeout: float = 15.0) -> None:
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", _HOLDER], env=self._env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(PASSWORD)
        self.proc.stdin.close()  # the daemon reads the password up to the end of its stdin
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        # The holder's one line (the bus address), or "" if it died or did not answer in time.
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("unix:"):
            err = self.proc.stderr.read() if self.proc.stderr and self.proc.poll() else ""
            self.stop()
            raise RuntimeError(f"the keyring session did not start: {err.strip()[-300:]}")
        self.bus = line
        # The daemon answers on the bus: store and read a probe through libsecret.
        probe = ["secret-tool", "lookup", "service", "clinic-kiosk-probe", "username", "p"]
        subprocess.run(["secret-tool", "store", "--label=probe", "service",
                        "clinic-kiosk-probe", "username", "p"], input="ok", text=True,
                       env=self.env(), check=True, capture_output=True, timeout=timeout)
        got = subprocess.run(probe, env=self.env(), capture_output=True, text=True,
                             timeout=timeout)
        if got.stdout.strip() != "ok":
            self.stop()
            raise RuntimeError("the keyring session started but did not keep a secret")

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a child process that should use this keyring."""
        return {**self._env, "DBUS_SESSION_BUS_ADDRESS": self.bus,
                "PYTHON_KEYRING_BACKEND": BACKEND, **extra}

    def lookup(self, service: str, username: str) -> str | None:
        """A secret as libsecret's own tool reads it (None if there is none)."""
        got = subprocess.run(["secret-tool", "lookup", "service", service, "username",
                              username], env=self.env(), capture_output=True, text=True,
                             timeout=15)
        return got.stdout if got.returncode == 0 and got.stdout else None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # our own session: the holder and its bus
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def unavailable_reason() -> str | None:
    """Why no keyring session can start here (None when one can)."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        return "no " + ", ".join(missing) + " (scripts/system-deps installs dbus, " \
                                            "gnome-keyring and libsecret-tools)"
    with tempfile.TemporaryDirectory(prefix="keyring-probe-") as tmp:
        session = KeyringSession(Path(tmp))
        try:
            session.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            return str(exc)
        finally:
            session.stop()
    return None


@contextlib.contextmanager
def keyring_session(root: Path) -> Iterator[KeyringSession]:
    """A started :class:`KeyringSession` under ``root``, stopped on the way out."""
    session = KeyringSession(root)
    session.start()
    try:
        yield session
    finally:
        session.stop()
