"""``clinic-kiosk admin set-pin``: IT sets the kiosk's admin PIN from a terminal on the kiosk.

The public screen never offers to set a PIN (a passer-by would otherwise own an unprovisioned
kiosk): the first PIN, and any new one, is set here, as the kiosk's user, in a session whose
keyring is unlocked (the one the kiosk app runs in).

Rules that matter:

- The PIN is never a command-line argument. It is asked twice without echo (``getpass``, on the
  terminal), or read from stdin with ``--pin-stdin`` when stdin is a pipe (one line; a second
  line, if given, must be the same PIN). Without ``--pin-stdin`` and with no terminal, the
  command refuses rather than read a PIN that would be echoed.
- The PIN follows the admin screen's rules (:func:`kiosk.admin.check_new_pin`: 6 to 8 digits,
  not trivial) and is stored only as its salted scrypt hash, in the keyring the app uses
  (:class:`~kiosk.secrets.KeyringSecretStore`, service ``clinic-kiosk``, key
  ``admin-pin-hash``). It never appears in output, logs or exception messages.
- Setting the PIN clears the persisted PIN lockout (:mod:`kiosk.pin_lockout`) in the data
  folder (``--data-dir``, the app's default when not given), as admin mode's own set-up did.
- Exit codes: 0 set; 1 the PIN was refused (rules, or the two differ); 2 usage (bad flags, no
  terminal without ``--pin-stdin``, nothing on stdin); 3 no secure keyring, or it failed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Final, TextIO

from kiosk.admin import PIN_MAX, PIN_MIN, PinError, check_new_pin
from kiosk.pin_lockout import LOCKOUT_FILE, LockoutFile
from kiosk.secrets import (
    ADMIN_PIN_HASH,
    KeyringSecretStore,
    SecretStore,
    SecretStoreUnavailable,
    hash_pin,
)

#: The admin PIN of ``clinic-kiosk --demo`` (an in-memory keyring, gone when the demo ends).
DEMO_ADMIN_PIN: Final = "246802"
EXIT_OK: Final = 0
EXIT_REFUSED: Final = 1
EXIT_USAGE: Final = 2
EXIT_NO_KEYRING: Final = 3
#: More than this on stdin is not a PIN (a file piped by mistake is not read whole).
_STDIN_LIMIT: Final = 256


def default_data_dir() -> Path:
    """The kiosk app's data folder when ``--data-dir`` is not given."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "clinic-kiosk"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-kiosk admin", allow_abbrev=False,
        description="Kiosk administration for IT, from a terminal on the kiosk.")
    sub = parser.add_subparsers(dest="command", required=True)
    set_pin = sub.add_parser(
        "set-pin", help="set (or replace) the admin PIN", allow_abbrev=False,
        description=f"Set the admin PIN ({PIN_MIN} to {PIN_MAX} digits). It is asked twice "
                    "without echo, or read from stdin with --pin-stdin; never give it as an "
                    "argument. Run it as the kiosk's user, in a session whose keyring is "
                    "unlocked.")
    set_pin.add_argument("--pin-stdin", action="store_true",
                         help="read the PIN from stdin (a pipe): one line, optionally the "
                              "same PIN again on a second line")
    set_pin.add_argument("--data-dir", type=Path, default=None,
                         help="the kiosk's data folder, as given to the app (default: "
                              "$XDG_DATA_HOME/clinic-kiosk)")
    return parser


class _Usage(Exception):
    """A plain message for a usage problem (exit 2)."""


def _read_stdin(stdin: TextIO) -> tuple[str, str]:
    if stdin.isatty():
        raise _Usage("--pin-stdin reads the PIN from a pipe, not a terminal. Leave it out to "
                      "be asked for the PIN.")
    text = stdin.read(_STDIN_LIMIT + 1)
    if len(text) > _STDIN_LIMIT:
        raise _Usage("stdin holds more than a PIN. Give the PIN alone on one line.")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _Usage("no PIN on stdin.")
    pin = lines[0].strip()
    rest = [line.strip() for line in lines[1:] if line.strip()]
    if len(rest) > 1:
        raise _Usage("stdin holds more than a PIN. Give the PIN on one line (and, if you "
                     "like, the same again on a second).")
    return pin, rest[0] if rest else pin


def _ask(stdin: TextIO) -> tuple[str, str]:
    if not stdin.isatty():
        raise _Usage("no terminal to ask for the PIN on. Pipe it in with --pin-stdin.")
    pin = getpass.getpass(f"New admin PIN ({PIN_MIN} to {PIN_MAX} digits): ")
    again = getpass.getpass("The same PIN again: ")
    return pin.strip(), again.strip()


def set_pin(store: SecretStore, data_dir: Path, pin: str, again: str) -> bool:
    """Check ``pin`` (typed twice as ``again``), keep its hash in ``store`` and clear the
    lockout in ``data_dir``. Returns whether a PIN was replaced. Raises :class:`PinError`
    or :class:`SecretStoreUnavailable`."""
    check_new_pin(pin, again)
    if not store.secure:
        raise SecretStoreUnavailable(store.problem or "no secure keyring")
    replaced = bool(store.get(ADMIN_PIN_HASH))
    store.set(ADMIN_PIN_HASH, hash_pin(pin))
    LockoutFile(data_dir / LOCKOUT_FILE).clear()
    return replaced


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None,
         store: SecretStore | None = None) -> int:
    """``clinic-kiosk admin ...``; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage
        return EXIT_USAGE if exc.code else EXIT_OK
    stdin = stdin if stdin is not None else sys.stdin
    data_dir: Path = args.data_dir if args.data_dir is not None else default_data_dir()
    try:
        pin, again = _read_stdin(stdin) if args.pin_stdin else _ask(stdin)
    except _Usage as exc:
        print(f"clinic-kiosk admin set-pin: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (EOFError, KeyboardInterrupt):
        print("\nclinic-kiosk admin set-pin: no PIN given; nothing changed.", file=sys.stderr)
        return EXIT_USAGE
    try:
        replaced = set_pin(store if store is not None else KeyringSecretStore(), data_dir,
                           pin, again)
    except PinError as exc:
        print(f"clinic-kiosk admin set-pin: {exc} Nothing changed.", file=sys.stderr)
        return EXIT_REFUSED
    except SecretStoreUnavailable as exc:
        print(f"clinic-kiosk admin set-pin: {exc} Run this as the kiosk's user, in its "
              f"session (where the keyring is unlocked).", file=sys.stderr)
        return EXIT_NO_KEYRING
    except OSError as exc:  # the lockout file: the PIN is set, the old lockout may remain
        print(f"clinic-kiosk admin set-pin: the PIN is set, but the lockout file in "
              f"{data_dir} could not be cleared ({exc.strerror or type(exc).__name__}).",
              file=sys.stderr)
        return EXIT_OK
    print("Admin PIN replaced." if replaced else "Admin PIN set.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
