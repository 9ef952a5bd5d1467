"""Dependency rule (docs/architecture.md §3): ``kiosk/`` never imports PySide6 or ``ui``; in ``ui/``
only the device adapters (``ui/devices*.py``, ``ui/media*.py``) import aiortc.

Checked statically (every import statement and every ``importlib.import_module``/``__import__``
call with a literal name) and dynamically (import every kiosk module in a fresh interpreter and
look at ``sys.modules``), so an import hidden in a third-party library is caught too. And no
two project modules import each other, directly or round a longer circle, even lazily.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KIOSK_FORBIDDEN = ("PySide6", "shiboken6", "ui")
UI_ADAPTER_PATTERNS = ("devices*.py", "media*.py")


def imported_names(source: str, filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """Every module name ``source`` imports, with its line: import statements and calls of
    ``importlib.import_module``/``__import__`` with a literal name."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (name in ("import_module", "__import__") and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)):
                yield node.lineno, first.value


def violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for line, name in imported_names(path.read_text("utf-8"), str(path)):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("source", [
    "import PySide6",
    "import PySide6.QtCore as qc",
    "from PySide6 import QtCore",
    "from PySide6.QtCore import QObject",
    "import ui.app",
    "from ui import theme",
    "import importlib\nimportlib.import_module('PySide6.QtMultimedia')",
    "from importlib import import_module\nimport_module('ui.screens')",
    "__import__('shiboken6')",
    "def f():\n    import PySide6.QtGui",
    "try:\n    from PySide6 import QtCore\nexcept ImportError:\n    pass",
])
def test_the_static_check_sees_every_form_of_import(source: str) -> None:
    names = [name for _, name in imported_names(source)]
    assert any(name.split(".")[0] in KIOSK_FORBIDDEN for name in names), names


def test_the_static_check_allows_lookalikes() -> None:
    source = "import uix\nfrom kiosk import ui_text\nimport uuid\nfrom . import ui"
    assert all(name.split(".")[0] not in KIOSK_FORBIDDEN
               for _, name in imported_names(source))


def test_kiosk_imports_no_qt_and_no_ui_statically() -> None:
    files = python_files("kiosk")
    assert ROOT / "kiosk" / "protocol.py" in files
    assert violations(files, KIOSK_FORBIDDEN) == []


def test_only_ui_device_adapters_import_aiortc() -> None:
    files = [path for path in python_files("ui")
             if not (path.parent == ROOT / "ui"
                     and any(path.match(pattern) for pattern in UI_ADAPTER_PATTERNS))]
    assert violations(files, ("aiortc",)) == []


# Modules are found from the files, not with pkgutil.walk_packages: that skips folders without
# an __init__.py (namespace packages), and so would skip whole subsystems.
IMPORT_ALL = textwrap.dedent("""
    import importlib, pathlib, sys
    failed = []
    for path in sorted(pathlib.Path("kiosk").rglob("*.py")):
        parts = path.with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # running a program is not importing it; the static check covers these
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        try:
            importlib.import_module(name)
        except Exception as exc:
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    leaked = sorted(name for name in sys.modules
                    if name.split(".")[0] in ("PySide6", "shiboken6", "ui"))
    print("modules", sum(name.startswith("kiosk") for name in sys.modules))
    print("failed", failed)
    print("leaked", leaked)
""")


def test_kiosk_imports_no_qt_and_no_ui_when_run() -> None:
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    files = [path for path in python_files("kiosk") if path.name != "__main__.py"]
    assert int(lines["modules"]) >= len(files) > 1
    assert lines["leaked"] == "[]", "kiosk/ pulled in Qt or ui: " + lines["leaked"]
    assert lines["failed"] == "[]", "kiosk modules that cannot be imported: " + lines["failed"]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(packages: tuple[str, ...] = ("kiosk", "ui")) -> dict[str, set[str]]:
    """Which project module imports which, statically, counting imports inside functions too
    (a lazy import still ties two modules together)."""
    modules = {_module_name(p): p for pkg in packages for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                           else node.module for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_project_modules() -> None:
    graph = import_graph()
    assert len(graph) > 80  # it did read the project
    assert sum(map(len, graph.values())) > 150
    assert cycles(graph) == []
