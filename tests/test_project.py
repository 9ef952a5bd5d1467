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
QT_PACKAGES = [  # docs/architecture.md §11: PySide6 with QtMultimedia under Xvfb/offscreen
    "libglib2.0-0", "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
    "libpulse0", "libxrandr2", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4",
    "libxcb-image0", "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0", "libxcb-util1",
    "libxcb-xkb1", "xvfb",
]
OTHER_PACKAGES = ["python3-venv", "python3-dev", "chromium", "chromium-driver", "coturn",
                  "fonts-dejavu-core", "pulseaudio", "pulseaudio-utils",
                  "pipewire", "pipewire-pulse", "wireplumber",
                  "dbus", "gnome-keyring", "libsecret-tools", "xdotool", "iptables",
                  "speech-dispatcher", "speech-dispatcher-espeak-ng", "espeak-ng", "libspeechd2"]


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
    assert sorted(listed) == sorted(QT_PACKAGES + OTHER_PACKAGES)


def test_readme_documents_the_commands_and_links_the_protocol() -> None:
    for command in ("clinic-kiosk --demo", "clinic-kiosk test-call", "clinic-hub serve",
                    "clinic-hub clinic create", "waiting-area create", "specialist create",
                    "appointment create", "kiosk pair", "clinic-hub appointments",
                    "demo-specialist", "use-auth-secret", "## Status"):
        assert command in README
    assert "](docs/protocol.md)" in README
    assert (ROOT / "docs" / "protocol.md").is_file()
    assert "](docs/architecture.md)" in README


# --- references between files: every path a file names exists ---

SKIP_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
             "node_modules"}
#: A ``docs/...`` path, not part of a longer path or URL (``../docs/x.md`` is a relative link).
DOCS_PATH = re.compile(r"(?<![\w./-])docs/[\w./-]*[\w/]")
#: A section cited by number, as in ``docs/architecture.md §3, §6`` (also as a link's text).
SECTION_CITATION = re.compile(r"(?<![\w./-])(docs/[\w./-]+\.md)\s*(§\d+(?:,\s*§\d+)*)")
#: A path to a ``.md`` file with an anchor, as in ``docs/architecture.md#7-calls``.
ANCHORED = re.compile(r"([\w./-]+\.md)#([\w-]+)")
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
#: A repository path in backticks in a markdown file, e.g. `kiosk/journey.py` or `docs/`.
BACKTICKED_PATH = re.compile(r"`((?:kiosk|ui|tests|bench|resources|scripts|docs|\.ci)/[^`\s]*)`")
#: How the design page that used to live outside the repository was cited.
OLD_DESIGN_PAGE = re.compile(r"DESIGN(?:\.md|\s*§)")


def project_files() -> list[Path]:
    """The project's files: git's tracked and untracked-but-not-ignored files, or (outside a
    git checkout) every file but environments and caches."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
        paths = [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for p in ROOT.rglob("*")
                 if not any(part in SKIP_DIRS or part.endswith(".egg-info")
                            for part in p.relative_to(ROOT).parts)]
    return sorted(p for p in paths if p.is_file())


def text_files() -> dict[Path, str]:
    """Every project file that is UTF-8 text (images, .qm catalogues and the like are not)."""
    texts = {}
    for path in project_files():
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def markdown_files() -> list[Path]:
    """The documentation: README.md, docs/*.md, bench/README.md and the markdown in resources/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
            ROOT / "bench" / "README.md", *sorted((ROOT / "resources").rglob("*.md"))]


def without_code_blocks(markdown: str) -> str:
    return re.sub(r"^```.*?^```$", "", markdown, flags=re.S | re.M)


def heading_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a markdown text (lower case, punctuation
    dropped, spaces to hyphens)."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", without_code_blocks(markdown), re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def section_numbers(markdown: str) -> set[int]:
    """The numbers of the ``## N. Title`` sections of a markdown text."""
    return {int(n) for n in re.findall(r"^##\s+(\d+)\.\s", without_code_blocks(markdown), re.M)}


def where(path: Path, text: str, index: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, index) + 1}"


def test_every_docs_path_named_anywhere_exists() -> None:
    found, missing = 0, []
    for path, text in text_files().items():
        for match in DOCS_PATH.finditer(text):
            found += 1
            if not (ROOT / match[0]).exists():
                missing.append(f"{where(path, text, match.start())}: {match[0]}")
    assert not missing, "named but not in the repository:\n" + "\n".join(missing)
    assert found >= 40  # README, docs, bench, code comments: not a scan that found nothing


def test_every_section_citation_and_anchor_exists() -> None:
    citations, anchors, missing = 0, 0, []
    for path, text in text_files().items():
        for match in SECTION_CITATION.finditer(text):
            doc = ROOT / match[1]
            numbers = {int(n) for n in re.findall(r"\d+", match[2])}
            citations += 1
            absent = numbers - (section_numbers(doc.read_text("utf-8")) if doc.is_file()
                                else set())
            if absent:
                missing.append(f"{where(path, text, match.start())}: {match[0]}")
        for match in ANCHORED.finditer(text):
            base = ROOT if match[1].startswith("docs/") else path.parent
            doc = (base / match[1]).resolve()
            anchors += 1
            if not doc.is_file() or match[2] not in heading_anchors(doc.read_text("utf-8")):
                missing.append(f"{where(path, text, match.start())}: {match[0]}")
    assert not missing, "cites a section or heading that does not exist:\n" + "\n".join(missing)
    assert citations >= 15
    assert anchors >= 5


def test_every_relative_link_and_path_in_the_docs_exists() -> None:
    links, paths, missing = 0, 0, []
    for doc in markdown_files():
        text = doc.read_text("utf-8")
        for match in MARKDOWN_LINK.finditer(text):
            target = match[1]
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
                continue
            links += 1
            file_part, _, anchor = target.partition("#")
            resolved = (doc.parent / file_part).resolve() if file_part else doc
            inside = resolved == ROOT or ROOT in resolved.parents
            if not inside or not resolved.exists() or (
                    anchor and resolved.suffix == ".md"
                    and anchor not in heading_anchors(resolved.read_text("utf-8"))):
                missing.append(f"{where(doc, text, match.start())}: {target}")
        for match in BACKTICKED_PATH.finditer(text):
            name = re.split(r"[#:]", match[1])[0]  # without :line, #anchor or ::test
            paths += 1
            if not (any(ROOT.glob(name)) if "*" in name else (ROOT / name).exists()):
                missing.append(f"{where(doc, text, match.start())}: {match[1]}")
    assert not missing, "links or names a file that does not exist:\n" + "\n".join(missing)
    assert links >= 30
    assert paths >= 100


def test_no_file_cites_the_old_design_page() -> None:
    """The architecture is docs/architecture.md, in the repository; nothing may point outside."""
    files = text_files()
    offenders = [where(path, text, match.start())
                 for path, text in files.items() for match in OLD_DESIGN_PAGE.finditer(text)]
    assert not offenders, "cite docs/architecture.md instead:\n" + "\n".join(offenders)
    assert len(files) >= 200
    assert ROOT / "docs" / "architecture.md" in files


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
