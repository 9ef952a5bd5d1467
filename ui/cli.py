"""``clinic-kiosk``: the kiosk's command line.

Subcommands that need no screen (``test-call``, ``selftest``, ``admin set-pin``) are
dispatched before Qt is imported, so staff and IT can check a hub, or set the admin PIN, from a
terminal. Everything else starts the kiosk app.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "test-call":
        from kiosk.call.testcall import main as test_call_main

        return test_call_main(args[1:])
    if args and args[0] == "admin":
        from kiosk.admin_cli import main as admin_main

        return admin_main(args[1:])
    if args and args[0] == "selftest":
        from kiosk.checks.selftest import main as selftest_main

        return selftest_main(args[1:])
    from ui.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
