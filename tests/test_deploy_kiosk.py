"""The kiosk's deployment files (deploy/kiosk, docs/kiosk-deployment.md) against the app.

- The user unit's restart policy and the app's exit codes agree: "Restart the kiosk app" (75)
  and a crash start it again, "Exit kiosk mode" (0) leaves it down; ``systemd-analyze verify``
  finds nothing to say about the unit.
- A tiny supervisor that follows the unit's own settings starts the real app (``--demo``,
  offscreen), which exits 75 through admin mode's restart path, starts it again, and leaves it
  down after it exits 0 through the "Exit kiosk mode" path.
- The shell scripts pass ``bash -n`` and shellcheck (where installed); the session, the
  openbox configuration and the guide name each other and the commands that exist.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui.admin.mode import EXIT_KIOSK, EXIT_RESTART

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "kiosk"
UNIT = DEPLOY / "clinic-kiosk.service"
GUIDE = ROOT / "docs" / "kiosk-deployment.md"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None,
                                       comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(UNIT.read_text("utf-8"))
    return parser


def restarts(exit_code: int) -> bool:
    """Whether systemd starts the unit again after the app exits with ``exit_code``, by the
    unit's own Restart= and RestartPreventExitStatus= (the subset of systemd's rules it uses)."""
    service = unit()["Service"]
    assert service["Restart"] == "always"  # any other policy: teach this function first
    prevented = {int(code) for code in service.get("RestartPreventExitStatus", "").split()}
    return exit_code not in prevented


def test_the_unit_restarts_on_75_and_on_a_crash_and_stays_down_on_exit_kiosk() -> None:
    assert restarts(EXIT_RESTART)
    assert restarts(1)  # a crash, or the app's own "could not start"
    assert not restarts(EXIT_KIOSK)
    u = unit()
    assert float(u["Service"]["RestartSec"]) > 0
    assert u["Unit"]["StartLimitIntervalSec"] == "0"  # a kiosk never gives up
    exec_start = u["Service"]["ExecStart"].split()
    assert exec_start == ["/opt/clinic-kiosk/.venv/bin/clinic-kiosk"]  # no flags, no secrets


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    # ExecStart must exist to be verified: the project's own entry point stands in for /opt.
    entry = Path(sys.executable).parent / "clinic-kiosk"
    if not entry.exists():
        pytest.skip(f"{entry} is not installed (./dev setup)")
    text = UNIT.read_text("utf-8").replace("/opt/clinic-kiosk/.venv/bin/clinic-kiosk",
                                           str(entry))
    copy = tmp_path / "clinic-kiosk.service"
    copy.write_text(text, "utf-8")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    got = subprocess.run(["systemd-analyze", "--user", "verify", str(copy)],
                         env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
                         capture_output=True, text=True, timeout=60)
    assert got.returncode == 0, got.stderr
    assert "clinic-kiosk.service" not in got.stderr, got.stderr  # no warning about the unit


# The app under test: admin mode's own restart and exit paths, without the PIN pad's clicks.
_APP = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.admin import AdminMode
from ui.app import main

def press() -> None:
    app = QApplication.instance()
    admin = next(w for w in app.topLevelWidgets() if w.findChild(AdminMode)).findChild(AdminMode)
    runs = Path(sys.argv[1]) / "runs"
    n = len(runs.read_text().splitlines()) if runs.exists() else 0
    runs.write_text("run\\n" * (n + 1))
    if n == 0:
        admin.screen.restart_requested.emit()  # "Restart the kiosk app"
    else:
        admin.exit_requested.emit()  # "Exit kiosk mode", after the right PIN

QTimer.singleShot(0, press)
sys.exit(main(["--demo", "--windowed", "--data-dir", sys.argv[1] + "/data"]))
"""


@pytest.mark.timeout(180)
def test_a_supervisor_with_the_units_contract_restarts_the_real_app(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    exits: list[int] = []
    for _ in range(5):  # a loop that would not end on its own fails here, not in CI's timeout
        got = subprocess.run([sys.executable, "-c", _APP, str(tmp_path)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=90)
        exits.append(got.returncode)
        if not restarts(got.returncode):
            break
    assert exits == [EXIT_RESTART, EXIT_KIOSK], got.stderr[-3000:]
    assert (tmp_path / "runs").read_text().count("run") == 2


@pytest.mark.parametrize("script", ["provision.sh", "kiosk-session"])
def test_the_deploy_scripts_are_bash_without_syntax_errors(script: str) -> None:
    path = DEPLOY / script
    assert path.read_text("utf-8").startswith("#!/usr/bin/env bash\n")
    assert os.access(path, os.X_OK)
    subprocess.run(["bash", "-n", str(path)], check=True)
    if shutil.which("shellcheck"):
        subprocess.run(["shellcheck", str(path)], check=True)


def test_the_pieces_name_each_other() -> None:
    session = (DEPLOY / "kiosk-session").read_text("utf-8")
    provision = (DEPLOY / "provision.sh").read_text("utf-8")
    desktop = (DEPLOY / "clinic-kiosk.desktop").read_text("utf-8")
    rc = (DEPLOY / "openbox-rc.xml").read_text("utf-8")
    assert "Exec=/usr/local/lib/clinic-kiosk/kiosk-session" in desktop
    assert "systemctl --user restart clinic-kiosk.service" in session
    assert "xset s off s noblank -dpms" in session
    assert "/usr/local/lib/clinic-kiosk/openbox-rc.xml" in session
    assert "<keybind" not in rc  # no Alt+F4: a patient cannot close the app
    assert "<menu>\n  </menu>" in rc
    for name in ("kiosk-session", "openbox-rc.xml", "clinic-kiosk.desktop",
                 "clinic-kiosk.service"):
        assert f'"$HERE/{name}"' in provision
    assert "scripts/system-deps\" --kiosk" in provision
    guide = GUIDE.read_text("utf-8")
    for needed in ("clinic-kiosk admin set-pin", "clinic-hub kiosk pair", "journalctl --user",
                   "pam_gnome_keyring", "Restart=always", "--token-file", "--code-file",
                   "deploy/kiosk/provision.sh", "xset"):
        assert needed in guide, needed
