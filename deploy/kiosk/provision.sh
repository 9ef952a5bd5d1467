#!/usr/bin/env bash
# Provision a Debian 12 machine as a Clinic Kiosk (docs/kiosk-deployment.md). Run as root from
# the project's checkout (default /opt/clinic-kiosk); safe to run again (after an update too).
#
#   deploy/kiosk/provision.sh [--user kiosk] [--autologin] [--skip-packages]
#                             [--hub URL --clinic-name NAME --room ROOM]
#
# What it does, each step only if not done yet:
#   1. installs the kiosk's Debian packages (scripts/system-deps --kiosk);
#   2. installs the app into APP_DIR/.venv (pip install APP_DIR);
#   3. creates the kiosk user (asks for its password on a terminal: it also unlocks the
#      user's GNOME Keyring at login, through pam_gnome_keyring in LightDM's PAM stack);
#   4. installs the X session (kiosk-session, openbox with no menus or key bindings), makes it
#      the kiosk user's session, and LightDM the display manager (auto-login only with
#      --autologin: see the guide for why the keyring then stays locked until unlocked);
#   5. installs the user unit clinic-kiosk.service (restarts the app on exit 75 or a crash);
#   6. turns screen blanking off (X server flags; the session also runs xset);
#   7. with --hub, writes the kiosk's settings file if it has none.
# It never sets the admin PIN or pairs the kiosk: IT does that after the first login.
#
# For tests only: CLINIC_KIOSK_PROVISION_ROOT=DIR writes every system file under DIR instead
# of / (tests/test_deploy_kiosk.py runs it so, with stand-ins for apt, useradd and systemctl).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${CLINIC_KIOSK_PROVISION_ROOT:-}
APP_DIR=$(cd "$HERE/../.." && pwd)
KIOSK_USER=kiosk
AUTOLOGIN=0
PACKAGES=1
HUB="" CLINIC="" ROOM=""

usage() {
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --user) KIOSK_USER=${2:?}; shift 2 ;;
        --autologin) AUTOLOGIN=1; shift ;;
        --skip-packages) PACKAGES=0; shift ;;
        --hub) HUB=${2:?}; shift 2 ;;
        --clinic-name) CLINIC=${2:?}; shift 2 ;;
        --room) ROOM=${2:?}; shift 2 ;;
        -h|--help) usage ;;
        *) echo "provision: unknown option $1" >&2; usage ;;
    esac
done

say() { printf 'provision: %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
    echo "provision: run as root (sudo $0)" >&2
    exit 1
fi
if [[ ! -f "$APP_DIR/pyproject.toml" ]]; then
    echo "provision: $APP_DIR is not the project's checkout" >&2
    exit 1
fi
if ! [[ "$KIOSK_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]]; then
    echo "provision: not a user name: $KIOSK_USER" >&2
    exit 1
fi

# 1. Packages.
if [[ $PACKAGES -eq 1 ]]; then
    "$APP_DIR/scripts/system-deps" --kiosk
fi

# 2. The app, in its own venv (root's; the kiosk user only reads it).
if [[ ! -x "$APP_DIR/.venv/bin/python" ]]; then
    say "creating $APP_DIR/.venv"
    python3 -m venv "$APP_DIR/.venv"
fi
say "installing the app into $APP_DIR/.venv"
"$APP_DIR/.venv/bin/pip" install --quiet --upgrade pip
"$APP_DIR/.venv/bin/pip" install --quiet --upgrade "$APP_DIR"
APP="$APP_DIR/.venv/bin/clinic-kiosk"

# 3. The kiosk user.
if ! id -u "$KIOSK_USER" >/dev/null 2>&1; then
    say "creating the user $KIOSK_USER"
    useradd --create-home --shell /bin/bash --comment "Clinic kiosk" "$KIOSK_USER"
fi
HOME_DIR=$(getent passwd "$KIOSK_USER" | cut -d: -f6)
if [[ $(passwd --status "$KIOSK_USER" | cut -d' ' -f2) != P ]]; then
    if [[ -t 0 ]]; then
        say "choose the password of $KIOSK_USER (staff type it once after each power-on; it"
        say "also locks the keyring that keeps the kiosk's device key)"
        passwd "$KIOSK_USER"
    else
        say "WARNING: $KIOSK_USER has no password yet: run  passwd $KIOSK_USER"
    fi
fi

# 4. The X session and the display manager.
install -d -m 0755 "$ROOT/usr/local/lib/clinic-kiosk"
install -m 0755 "$HERE/kiosk-session" "$ROOT/usr/local/lib/clinic-kiosk/kiosk-session"
install -m 0644 "$HERE/openbox-rc.xml" "$ROOT/usr/local/lib/clinic-kiosk/openbox-rc.xml"
install -D -m 0644 "$HERE/clinic-kiosk.desktop" "$ROOT/usr/share/xsessions/clinic-kiosk.desktop"
printf '[Desktop]\nSession=clinic-kiosk\n' > "$HOME_DIR/.dmrc"
chown "$KIOSK_USER:" "$HOME_DIR/.dmrc"
chmod 0644 "$HOME_DIR/.dmrc"

install -d -m 0755 "$ROOT/etc/lightdm/lightdm.conf.d"
{
    echo "# Written by deploy/kiosk/provision.sh: the clinic kiosk's seat."
    echo "[Seat:*]"
    echo "user-session=clinic-kiosk"
    echo "greeter-hide-users=false"
    echo "greeter-show-manual-login=false"
    echo "allow-guest=false"
    echo "# No screen saver and no monitor power saving, on the greeter and in the session."
    echo "xserver-command=X -s 0 -dpms"
    if [[ $AUTOLOGIN -eq 1 ]]; then
        echo "# Auto-login: the keyring stays locked until someone unlocks it (the guide)."
        echo "autologin-user=$KIOSK_USER"
        echo "autologin-user-timeout=0"
        echo "autologin-session=clinic-kiosk"
    fi
} > "$ROOT/etc/lightdm/lightdm.conf.d/50-clinic-kiosk.conf"

# GNOME Keyring unlocked at login with the user's password (Debian's LightDM file has these).
PAM=$ROOT/etc/pam.d/lightdm
if [[ -f $PAM ]]; then
    grep -Eq '^-?auth[[:space:]]+optional[[:space:]]+pam_gnome_keyring\.so' "$PAM" \
        || echo "-auth  optional pam_gnome_keyring.so" >> "$PAM"
    grep -Eq '^-?session[[:space:]]+optional[[:space:]]+pam_gnome_keyring\.so' "$PAM" \
        || echo "-session optional pam_gnome_keyring.so auto_start" >> "$PAM"
fi

install -d -m 0755 "$ROOT/etc/X11"
echo /usr/sbin/lightdm > "$ROOT/etc/X11/default-display-manager"
systemctl enable lightdm.service >/dev/null 2>&1 || say "WARNING: could not enable lightdm"
systemctl set-default graphical.target >/dev/null

# 5. The app's user unit, for every user's systemd (only the kiosk session starts it).
install -d -m 0755 "$ROOT/etc/systemd/user"
sed "s#^ExecStart=.*#ExecStart=$APP#" "$HERE/clinic-kiosk.service" \
    > "$ROOT/etc/systemd/user/clinic-kiosk.service"
chmod 0644 "$ROOT/etc/systemd/user/clinic-kiosk.service"
# PipeWire's PulseAudio service (Debian enables these for every user; make sure).
systemctl --global enable pipewire.socket pipewire-pulse.socket wireplumber.service \
    >/dev/null 2>&1 || say "WARNING: could not enable PipeWire for users"

# 7. The settings file, from the flags, if there is none yet.
if [[ -n "$HUB" ]]; then
    (cd / && runuser -u "$KIOSK_USER" -- env HOME="$HOME_DIR" HUB="$HUB" CLINIC="$CLINIC" \
        ROOM="$ROOM" "$APP_DIR/.venv/bin/python" -) <<'PY'
import os
import sys
from dataclasses import replace

from kiosk.config import KioskSettings, SettingsError, default_settings_path, save_settings

path = default_settings_path()
if path.exists():
    print(f"provision: {path} exists; not changed (edit it in admin mode)")
    sys.exit(0)
settings = replace(KioskSettings(), hub_url=os.environ["HUB"])
if os.environ["CLINIC"]:
    settings = replace(settings, clinic_name=os.environ["CLINIC"])
if os.environ["ROOM"]:
    settings = replace(settings, room_name=os.environ["ROOM"])
try:
    save_settings(path, settings)
except SettingsError as exc:
    sys.exit(f"provision: settings not written: {exc}")
print(f"provision: wrote {path}")
PY
fi

say "done. Next (docs/kiosk-deployment.md): reboot; log in as $KIOSK_USER once; then"
say "  sudo machinectl shell $KIOSK_USER@ $APP admin set-pin"
say "and pair the kiosk in admin mode with a code from: clinic-hub kiosk pair --clinic ID --room ROOM"
