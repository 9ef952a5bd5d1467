"""The kiosk's deployment files (deploy/kiosk, docs/kiosk-deployment.md) against the app.

- The user unit's restart policy and the app's exit codes agree: "Restart the kiosk app" (75)
  and a crash start it again, "Exit kiosk mode" (0) leaves it down; ``systemd-analyze verify``
  finds nothing to say about the unit.
- A tiny supervisor that follows the unit's own settings starts the real app (``--demo``,
  offscreen), which exits 75 through admin mode's restart path, starts it again, and leaves it
  down after it exits 0 through the "Exit kiosk mode" path.
- The shell scripts pass ``bash -n`` and shellcheck (where installed); the session, the
  openbox configuration and the guide name each other and the commands that exist.
- ``provision.sh`` runs for real under a scratch root (``CLINIC_KIOSK_PROVISION_ROOT``), with
  stand-ins for the commands that change a machine: every file lands where the guide says, with
  its mode, the unit's ExecStart points at the app it installed, the settings file is written
  by the app's own code, and a second run (with ``--autologin``) doubles nothing.
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


# ----- provision.sh, run for real under a scratch root, with stand-ins for what changes the
# machine (apt, useradd, passwd, systemctl, runuser); each stand-in records its arguments.

_FAKES = {
    "id": """
if [ "$#" -eq 1 ] && [ "$1" = -u ]; then echo "${FAKE_UID:-0}"; exit 0; fi
[ -f "$STATE/user-$2" ] && echo 1001 && exit 0
exit 1""",
    "useradd": """
for last; do :; done
touch "$STATE/user-$last"; mkdir -p "$CLINIC_KIOSK_PROVISION_ROOT/home/$last" """,
    "getent": """
echo "$2:x:1001:1001:Clinic kiosk:$CLINIC_KIOSK_PROVISION_ROOT/home/$2:/bin/bash" """,
    "passwd": """echo "$2 L 12/05/2026 0 99999 7 -1" """,
    "chown": "",
    "systemctl": "",
    "runuser": """
while [ "$1" != -- ]; do shift; done; shift
exec "$@" """,
    "pip": "",
}
DEBIAN_PAM = "#%PAM-1.0\nauth requisite pam_nologin.so\n@include common-auth\n"


def provision_tree(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the checkout's deploy files under ``tmp_path/app``, a scratch root, and the
    environment that runs provision.sh there with the stand-ins first on PATH."""
    app, root, bin_dir, state = (tmp_path / n for n in ("app", "root", "bin", "state"))
    for folder in (app / "deploy", app / "scripts", app / ".venv" / "bin", bin_dir, state,
                   root / "etc" / "pam.d"):
        folder.mkdir(parents=True)
    shutil.copytree(DEPLOY, app / "deploy" / "kiosk")
    shutil.copy2(ROOT / "scripts" / "system-deps", app / "scripts" / "system-deps")
    (app / "pyproject.toml").write_text("[project]\nname = 'clinic-kiosk'\n", "utf-8")
    log = tmp_path / "calls.log"
    for name, body in _FAKES.items():
        where = app / ".venv" / "bin" / name if name == "pip" else bin_dir / name
        where.write_text(f'#!/bin/sh\necho "{name} $*" >> "$CALLS"\n{body}\n', "utf-8")
        where.chmod(0o755)
    python = app / ".venv" / "bin" / "python"  # the settings step runs the real app's code
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', "utf-8")
    python.chmod(0o755)
    (root / "etc" / "pam.d" / "lightdm").write_text(DEBIAN_PAM, "utf-8")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(log), "STATE": str(state),
           "CLINIC_KIOSK_PROVISION_ROOT": str(root), "HOME": str(tmp_path / "roothome"),
           "LANG": "C.UTF-8"}
    return app, root, env


def provision(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(app / "deploy" / "kiosk" / "provision.sh"), *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_provision_installs_everything_and_again_changes_nothing_twice(tmp_path: Path) -> None:
    app, root, env = provision_tree(tmp_path)
    calls = tmp_path / "calls.log"
    first = provision(app, env, "--skip-packages", "--hub", "https://hub.example.nhs.scot",
                      "--clinic-name", "Ward 7", "--room", "Room 2")
    assert first.returncode == 0, first.stderr
    assert "WARNING: kiosk has no password yet" in first.stdout
    lib = root / "usr" / "local" / "lib" / "clinic-kiosk"
    session = lib / "kiosk-session"
    assert session.read_bytes() == (DEPLOY / "kiosk-session").read_bytes()
    assert session.stat().st_mode & 0o777 == 0o755
    assert (lib / "openbox-rc.xml").read_bytes() == (DEPLOY / "openbox-rc.xml").read_bytes()
    assert (root / "usr" / "share" / "xsessions" / "clinic-kiosk.desktop").exists()
    home = root / "home" / "kiosk"
    assert (home / ".dmrc").read_text("utf-8") == "[Desktop]\nSession=clinic-kiosk\n"
    seat = (root / "etc" / "lightdm" / "lightdm.conf.d" / "50-clinic-kiosk.conf").read_text()
    assert "user-session=clinic-kiosk" in seat
    assert "xserver-command=X -s 0 -dpms" in seat
    assert "autologin-user" not in seat
    unit_file = (root / "etc" / "systemd" / "user" / "clinic-kiosk.service").read_text()
    assert f"ExecStart={app}/.venv/bin/clinic-kiosk\n" in unit_file
    assert unit_file.replace(f"{app}/.venv", "/opt/clinic-kiosk/.venv") == UNIT.read_text()
    assert (root / "etc" / "X11" / "default-display-manager").read_text() == \
        "/usr/sbin/lightdm\n"
    settings = (home / ".config" / "clinic-kiosk" / "settings.toml").read_text("utf-8")
    assert 'hub_url = "https://hub.example.nhs.scot"' in settings
    assert 'clinic_name = "Ward 7"' in settings
    assert 'room_name = "Room 2"' in settings
    log = calls.read_text("utf-8").splitlines()
    assert sum(line.startswith("useradd ") for line in log) == 1
    assert f"pip install --quiet --upgrade {app}" in log
    for wanted in ("systemctl enable lightdm.service", "systemctl set-default graphical.target",
                   "systemctl --global enable pipewire.socket pipewire-pulse.socket "
                   "wireplumber.service"):
        assert wanted in log, wanted
    pam = (root / "etc" / "pam.d" / "lightdm").read_text("utf-8")
    assert pam.startswith(DEBIAN_PAM)
    assert pam.count("pam_gnome_keyring.so") == 2

    # Again, now with auto-login: nothing doubled, the user and the settings file kept.
    second = provision(app, env, "--skip-packages", "--autologin", "--hub",
                       "https://other.example.nhs.scot")
    assert second.returncode == 0, second.stderr
    assert "exists; not changed" in second.stdout
    log = calls.read_text("utf-8").splitlines()
    assert sum(line.startswith("useradd ") for line in log) == 1
    assert (root / "etc" / "pam.d" / "lightdm").read_text("utf-8") == pam
    assert "autologin-user=kiosk" in (
        root / "etc" / "lightdm" / "lightdm.conf.d" / "50-clinic-kiosk.conf").read_text()
    assert (home / ".config" / "clinic-kiosk" / "settings.toml").read_text() == settings


def test_provision_refusals(tmp_path: Path) -> None:
    app, _root, env = provision_tree(tmp_path)
    not_root = provision(app, {**env, "FAKE_UID": "1000"}, "--skip-packages")
    assert not_root.returncode == 1
    assert "run as root" in not_root.stderr
    unknown = provision(app, env, "--frobnicate")
    assert unknown.returncode == 2
    assert "unknown option --frobnicate" in unknown.stderr
    bad_user = provision(app, env, "--user", "Robert'); DROP")
    assert bad_user.returncode == 1
    assert "not a user name" in bad_user.stderr
    bad_hub = provision(app, env, "--skip-packages", "--hub", "ftp://hub")
    assert bad_hub.returncode == 1
    assert "settings not written" in bad_hub.stderr
