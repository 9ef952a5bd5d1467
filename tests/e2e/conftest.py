"""Fixtures of the end-to-end test (tests/e2e/kiosk_driver.py has the parts).

Every test here is marked ``integration`` (it runs in ``./dev test``, CI) and skips, with the
reason, where a program it needs is missing (``scripts/system-deps`` installs them all).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.kiosk_driver import XServer, unavailable_reason, x_server
from tests.helpers.keyring_session import KeyringSession, keyring_session
from tests.helpers.keyring_session import unavailable_reason as keyring_unavailable

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(_HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def e2e_unavailable() -> str | None:
    return unavailable_reason() or keyring_unavailable()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """The scratch folder for this test's screenshots: in its ``tmp_path`` (pytest keeps the
    last three runs'), or under ``CLINIC_E2E_SCREENSHOTS``; its path is printed, so a CI log
    says where to look."""
    named = os.environ.get("CLINIC_E2E_SCREENSHOTS")
    folder = Path(named) / tmp_path.name if named else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nend-to-end screenshots: {folder}")
    return folder


@pytest.fixture
def xserver(tmp_path: Path, e2e_unavailable: str | None) -> Iterator[XServer]:
    if e2e_unavailable:
        pytest.skip(e2e_unavailable)
    with x_server(tmp_path / "xvfb.log") as server:
        yield server


@pytest.fixture
def keyring(tmp_path: Path, e2e_unavailable: str | None) -> Iterator[KeyringSession]:
    """A private D-Bus session with GNOME Keyring unlocked: the kiosk user's login session."""
    if e2e_unavailable:
        pytest.skip(e2e_unavailable)
    with keyring_session(tmp_path / "session") as session:
        yield session
