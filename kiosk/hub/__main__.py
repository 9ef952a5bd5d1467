"""``clinic-hub`` / ``python -m kiosk.hub``: the hub's composition root."""

from __future__ import annotations

import sys

from kiosk.hub.cli import main

if __name__ == "__main__":
    sys.exit(main())

__all__ = ["main"]
