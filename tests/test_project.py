"""The project's own promises: the README's set-up commands, CI running exactly the README's test
command, the entry scripts, the Debian package list and the dependency pins.

``./dev`` itself is tested on a copy in a temporary folder, with fake tools in a fake ``.venv``,
so its control flow (install only when pyproject.toml changes, every check runs, any failure
fails, pytest's "no tests" fails) is checked in milliseconds and without a network.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
SCRIPTS = [ROOT / "dev", ROOT / ".ci" / "run",
           *sorted(p for p in (ROOT / "scripts").iterdir() if not p.suffix)]  # bash: no suffix
DESIGN_PACKAGES = [  # DESIGN.md §10: PySide6 with QtMultimedia under Xvfb/offscreen
    "libglib2.0-0", "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
    "libpulse0", "libxrandr2", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4",
    "libxcb-image0", "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0", "libxcb-util1",
    "libxcb-xkb1", "xvfb",
]
OTHER_PACKAGES = ["python3-venv", "python3-dev", "chromium", "chromium-driver", "coturn",
                  "fonts-dejavu-core"]


def first_code_block(markdown: str) -> tuple[str, list[str]]:
    """The text before the first fenced block, and the block's lines."""
    match = re.search(r"^```[a-z]*\n(.*?)^```$", markdown, re.S | re.M)
    assert match, "README has no code block"
    return markdown[:match.start()], match[1].splitlines()


def test_readme_starts_with_the_two_setup_commands() -> None:
    before, block = first_code_block(README)
    title, paragraph = before.strip().split("\n\n")
    assert title == "# Clinic Kiosk"
    assert "kiosk" in paragraph
    assert block == ["./dev demo", "./dev test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    assert commands[-2:] == ["scripts/system-deps", first_code_block(README)[1][1]]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_scripts_are_executable_bash_without_syntax_errors(script: Path) -> None:
    assert script.read_text("utf-8").startswith("#!/usr/bin/env bash\n")
    assert script.stat().st_mode & stat.S_IXUSR
    subprocess.run(["bash", "-n", str(script)], check=True)
    if shutil.which("shellcheck"):  # not a Debian default; checked when a developer has it
        subprocess.run(["shellcheck", str(script)], check=True)


def test_system_deps_lists_every_needed_package() -> None:
    listed = subprocess.run([str(ROOT / "scripts" / "system-deps"), "--list"], check=True,
                            capture_output=True, text=True).stdout.split()
    assert sorted(listed) == sorted(DESIGN_PACKAGES + OTHER_PACKAGES)


def test_readme_documents_the_commands_and_links_the_protocol() -> None:
    for command in ("clinic-kiosk --demo", "clinic-kiosk test-call", "clinic-hub serve",
                    "clinic-hub clinic create", "waiting-area create", "specialist create",
                    "appointment create", "kiosk pair", "clinic-hub appointments",
                    "demo-specialist", "use-auth-secret", "## Status"):
        assert command in README
    assert "](docs/protocol.md)" in README
    assert (ROOT / "docs" / "protocol.md").is_file()


def test_pyside6_6_12_0_is_excluded_below_python_3_12() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = [Requirement(r) for r in project["dependencies"] if r.startswith("PySide6")]
    for python in ("3.11", "3.12"):
        active = [r for r in pins if r.marker is None or r.marker.evaluate(
            {"python_version": python, "python_full_version": python + ".0"})]
        assert len(active) == 1
        assert active[0].specifier.contains("6.11.3")
        assert active[0].specifier.contains("6.12.0") == (python != "3.11")


def test_gitignore_keeps_out_environments_caches_and_data() -> None:
    ignored = (ROOT / ".gitignore").read_text("utf-8").split()
    for pattern in (".venv/", "__pycache__/", "*.sqlite3", ".pytest_cache/", ".mypy_cache/",
                    ".ruff_cache/", "*.egg-info/"):
        assert pattern in ignored


# --- ./dev, on a copy with fake tools ---

FAKE_TOOL = """#!/bin/sh
echo "$(basename "$0") $* |QT=${QT_QPA_PLATFORM:-}" >>"$FAKE_CALLS"
exit "$(cat "$FAKE_EXITS/$(basename "$0")" 2>/dev/null || echo 0)"
"""


class FakeTree:
    """A copy of ./dev in a folder with a fake .venv, fake system-deps and xvfb-run."""

    def __init__(self, root: Path) -> None:
        self.root, self.calls, self.exits = root, root / "calls.log", root / "exits"
        self.exits.mkdir()
        shutil.copy2(ROOT / "dev", root / "dev")
        (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        for folder in ("kiosk", "tests"):
            (root / folder).mkdir()
            (root / folder / "x.py").write_text("")
        (root / "bench").mkdir()  # exists, but no Python in it yet
        tools = ["python", "ruff", "mypy", "pytest", "clinic-kiosk", "clinic-hub"]
        for folder, names in ((".venv/bin", tools), ("scripts", ["system-deps"]),
                              ("path", ["xvfb-run"])):
            (root / folder).mkdir(parents=True)
            for name in names:
                (root / folder / name).write_text(FAKE_TOOL)
                (root / folder / name).chmod(0o755)

    def fail(self, tool: str, status: int) -> None:
        (self.exits / tool).write_text(str(status))

    def run(self, *args: str, **env: str) -> tuple[int, list[str], str]:
        self.calls.write_text("")
        base = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        base.update(FAKE_CALLS=str(self.calls), FAKE_EXITS=str(self.exits),
                    PATH=f"{self.root / 'path'}:{os.environ['PATH']}", **env)
        result = subprocess.run([str(self.root / "dev"), *args], env=base, capture_output=True,
                                text=True, timeout=60, check=False)
        return result.returncode, self.calls.read_text().splitlines(), result.stdout + result.stderr


@pytest.fixture
def tree(tmp_path: Path) -> FakeTree:
    return FakeTree(tmp_path)


def test_dev_test_runs_every_check_and_installs_only_when_pyproject_changes(
        tree: FakeTree) -> None:
    status, calls, _ = tree.run("test", "-k", "secrets")
    assert status == 0
    assert calls == [
        "system-deps  |QT=",
        "python -m pip install -e .[test] |QT=",
        "ruff check . |QT=",
        "mypy kiosk tests |QT=",  # bench/ has no Python yet, ui/ does not exist
        "pytest -k secrets |QT=offscreen",
    ]
    status, calls, _ = tree.run("test")
    assert status == 0
    assert not any(call.startswith("python") for call in calls)
    (tree.root / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    assert "python -m pip install -e .[test] |QT=" in tree.run("test")[1]


@pytest.mark.parametrize(("tool", "code"), [("ruff", 1), ("mypy", 1), ("pytest", 1),
                                            ("pytest", 5)])
def test_dev_test_fails_if_any_check_fails(tool: str, code: int, tree: FakeTree) -> None:
    tree.fail(tool, code)
    status, calls, output = tree.run("test")
    assert status == 1
    assert [call.split()[0] for call in calls][-3:] == ["ruff", "mypy", "pytest"]  # all ran
    assert f"FAILED: {tool}" in output


def test_dev_stops_if_setup_fails(tree: FakeTree) -> None:
    tree.fail("system-deps", 100)
    status, calls, _ = tree.run("test")
    assert status == 100
    assert calls == ["system-deps  |QT="]


def test_dev_demo_uses_xvfb_only_without_a_display(tree: FakeTree) -> None:
    status, calls, _ = tree.run("demo", "--data-dir", "/tmp/k")
    assert status == 0
    assert calls[-1].startswith("xvfb-run --auto-servernum")
    assert calls[-1].endswith("bin/clinic-kiosk --demo --windowed --data-dir /tmp/k |QT=")
    _, calls, _ = tree.run("demo", DISPLAY=":7")
    assert calls[-1] == "clinic-kiosk --demo --windowed |QT="


def test_dev_hub_passes_its_arguments(tree: FakeTree) -> None:
    _, calls, _ = tree.run("hub", "serve", "--demo", "--json")
    assert calls[-1] == "clinic-hub serve --demo --json |QT="


def test_dev_explains_itself(tree: FakeTree) -> None:
    status, calls, output = tree.run("help")
    assert (status, calls) == (0, [])
    assert "./dev demo" in output
    assert "./dev test" in output
    status, _, output = tree.run("frobnicate")
    assert status == 2
    assert "./dev hub" in output
