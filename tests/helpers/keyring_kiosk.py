"""The whole kiosk app (``ui.app.build``) in a child process, driven for the real-keyring tests.

Run as ``python -m tests.helpers.keyring_kiosk --data-dir D --settings S [--pair CODE]
[--check-in CODE]`` in the environment of a :class:`tests.helpers.keyring_session
.KeyringSession` (or any other keyring). It builds the app exactly as ``clinic-kiosk`` does
(offscreen), pairs through admin mode with ``--pair``, checks a patient in through the engine
with ``--check-in``, and prints one JSON line: what it saw. It never prints a secret.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--pair")
    parser.add_argument("--check-in")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.call.patient import CheckedIn
    from ui.admin import AdminMode
    from ui.app import build, parse_args

    app = QApplication.instance() or QApplication(["keyring-kiosk"])
    kiosk = build(parse_args(["--windowed", "--data-dir", str(args.data_dir),
                              "--settings", str(args.settings)]))
    out: dict[str, Any] = {}
    try:
        admin = kiosk.window.findChild(AdminMode)
        assert isinstance(admin, AdminMode)
        out["store"] = repr(admin.secrets)
        out["secure"] = admin.secrets.secure
        out["service_at_start"] = kiosk.window.service.code
        out["page_at_start"] = type(kiosk.window.pages.currentWidget()).__name__
        if args.pair:
            kiosk.controller.journey.enter_admin(kiosk.controller.now())
            loop = QEventLoop()
            texts: list[str] = []

            def done(text: str) -> None:
                texts.append(text)
                loop.quit()

            admin.paired.connect(done)
            QTimer.singleShot(20000, loop.quit)
            admin.pair_with(args.pair)
            loop.exec()
            out["paired"] = texts
            admin.leave()
            out["service_after_pairing"] = kiosk.window.service.code
            out["page_after_pairing"] = type(kiosk.window.pages.currentWidget()).__name__
        if args.check_in:
            result = kiosk.thread.submit(kiosk.engine.check_in(args.check_in)).result(30)
            out["checked_in"] = isinstance(result, CheckedIn)
            out["check_in_code"] = getattr(result, "code", None)
            kiosk.thread.submit(kiosk.engine.reset()).result(10)
    finally:
        kiosk.shutdown()
        app.processEvents()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
