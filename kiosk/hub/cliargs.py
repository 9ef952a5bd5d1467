"""What ``clinic-hub``'s admin commands (:mod:`kiosk.hub.cli`) and its serving commands
(:mod:`kiosk.hub.servecmd`) share: the usage error and where the database is by default.

It imports nothing of either, so the two never import each other: ``cli`` builds the parser
and lazily imports ``servecmd`` (which pulls in aiohttp) only for the commands that serve.
"""

from __future__ import annotations

import os
from pathlib import Path

PROG = "clinic-hub"
DB_ENV = "CLINIC_HUB_DB"
DEFAULT_DB = "clinic-hub.sqlite3"


class UsageError(Exception):
    """Bad input: shown as one line on stderr, exit status 2."""


def default_db() -> Path:
    """``$CLINIC_HUB_DB``, else ``./clinic-hub.sqlite3``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)
