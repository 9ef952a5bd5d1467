"""The real kiosk app as a benchmark peer: ``clinic-kiosk --autorun-code-file`` against a hub.

    async with app_peer(hub_url, db, clinic_id, code) as app:   # a subprocess.Popen
        ...   # the app checks in, waits; a specialist joins; app.pid is its process

What it sets up, all in temporary folders (nothing of the machine's own session is touched):

- A private D-Bus session with GNOME Keyring unlocked (``tests/helpers/keyring_session.py``,
  loaded by path), because a kiosk serves patients only when paired with its token in a secure
  keyring, as in production.
- A pairing code from ``clinic-hub kiosk pair --db DB`` (the demo hub's database), redeemed by
  ``kiosk.admin.pair_with_hub`` in a child process of that session: the token goes into the
  keyring, never into a file or an argument.
- The settings file (the hub's URL), the appointment code in a 0600 file, and the app:
  ``clinic-kiosk --windowed --test-pattern-camera --autorun-code-file F`` offscreen
  (``QT_QPA_PLATFORM=offscreen``), sending the kiosk's own test pattern and tone, as
  ``test-call`` does. ``extra_env`` adds to its environment; its log (stderr) is copied to
  ``log_copy`` at the end when given. ``launcher``: a Python script to run instead of the
  ``clinic-kiosk`` entry point (investigations: one that counts renders, say).

The app quits after the call (autorun); the context ends it anyway, then the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

from bench.common import ROOT, spawn, stop_all, tool

PAIR_SCRIPT = """
import asyncio, sys
from kiosk.admin import pair_with_hub
from kiosk.secrets import KeyringSecretStore
asyncio.run(pair_with_hub(sys.argv[1], sys.stdin.read().strip(), KeyringSecretStore()))
print("paired")
"""


def _keyring_module() -> ModuleType:
    """tests/helpers/keyring_session.py, by path (a ``tests`` package elsewhere on sys.path
    must not shadow the project's)."""
    path = ROOT / "tests" / "helpers" / "keyring_session.py"
    spec = importlib.util.spec_from_file_location("bench_keyring_session", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.asynccontextmanager
async def app_peer(hub_url: str, db: str, clinic_id: int, code: str, *,
                   extra_env: dict[str, str] | None = None, args: tuple[str, ...] = (),
                   log_copy: Path | None = None,
                   launcher: str | None = None) -> AsyncIterator[subprocess.Popen[str]]:
    from kiosk.config import KioskSettings, save_settings

    keyring = _keyring_module()
    reason = keyring.unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"the app needs a keyring session: {reason}")
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder:
        root = Path(folder)
        with keyring.keyring_session(root / "session") as session:
            pairing = await asyncio.to_thread(
                subprocess.run,
                [tool("clinic-hub"), "kiosk", "pair", "--db", db, "--secrets-dir",
                 str(Path(db).parent / "secrets"),  # where serve --demo keeps them
                 "--clinic", str(clinic_id), "--room", "Bench room", "--json"],
                capture_output=True, text=True, check=True, timeout=60)
            pairing_code = json.loads(pairing.stdout)["pairing_code"]
            env = session.env(QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
            paired = await asyncio.to_thread(
                subprocess.run, [sys.executable, "-c", PAIR_SCRIPT, hub_url],
                input=pairing_code, capture_output=True, text=True, env=env, cwd=ROOT,
                timeout=60)
            if "paired" not in paired.stdout:
                raise RuntimeError("pairing the app failed: "
                                   + (paired.stderr.strip().splitlines() or ["?"])[-1][:300])
            settings = root / "settings.toml"
            save_settings(settings, KioskSettings(clinic_name="Bench", room_name="Bench room",
                                                  hub_url=hub_url))
            code_file = root / "code"
            code_file.touch(0o600)
            code_file.write_text(code + "\n", "ascii")
            log = (root / "app.log").open("w")
            command = [tool("clinic-kiosk")] if launcher is None else [sys.executable, launcher]
            app = spawn([*command, "--windowed", "--data-dir", str(root / "data"),
                         "--settings", str(settings), "--test-pattern-camera",
                         "--autorun-code-file", str(code_file), *args],
                        stdout=subprocess.DEVNULL, stderr=log,
                        env={**env, **(extra_env or {})}, cwd=ROOT)
            try:
                yield app
            finally:
                stop_all([app])
                log.close()
                if log_copy is not None:
                    log_copy.write_bytes((root / "app.log").read_bytes())  # noqa: ASYNC240
