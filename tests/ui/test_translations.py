"""Translations: every string in ui/ is in each .ts file, translated, and compiled.

The check re-runs ``pyside6-lupdate`` over ``ui/`` into a temporary file, so a new string that
was not added to the catalogues fails here, and rebuilds each ``.qm`` with ``pyside6-lrelease``
to prove the committed ones are up to date.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from ui.i18n import LANGUAGES, qm_path, ts_path

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != "en"]
PLACEHOLDER = re.compile(r"%(?:\d|n)")

Key = tuple[str, str, str]  # context, source, disambiguation


def sources() -> list[str]:
    return sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))


def messages(ts: Path) -> dict[Key, ET.Element]:
    out = {}
    # The project's own catalogues and lupdate's output, not untrusted input.
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            out[key] = message
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[Key, ET.Element]:
    """Every translatable string in ui/ now, as lupdate finds it."""
    ts = tmp_path_factory.mktemp("lupdate") / "fresh.ts"
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources(), "-ts", str(ts),
                    "-target-language", "pl_PL"], check=True, capture_output=True)
    found = messages(ts)
    assert len(found) > 150  # the screens have a couple of hundred strings
    return found


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_is_in_the_catalogue_and_translated(
        extracted: dict[Key, ET.Element], code: str) -> None:
    catalogue = messages(ts_path(code))
    missing = [key for key in extracted if key not in catalogue]
    assert not missing, f"not in {ts_path(code).name}: {missing}"
    problems = []
    for key in extracted:
        message = catalogue[key]
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{key}: {translation.get('type')}")
            continue
        forms = [f.text or "" for f in translation.iter("numerusform")] \
            if message.get("numerus") == "yes" else [translation.text or ""]
        for form in forms:
            if not form.strip():
                problems.append(f"{key}: empty")
            wanted = set(PLACEHOLDER.findall(key[1]))
            if message.get("numerus") == "yes":
                wanted.add("%n")
            if set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"{key}: placeholders {PLACEHOLDER.findall(form)} in {form!r}")
    assert not problems, "\n".join(problems)


def test_english_has_every_plural(extracted: dict[Key, ET.Element]) -> None:
    plurals = {key for key, m in extracted.items() if m.get("numerus") == "yes"}
    assert plurals
    english = messages(ts_path("en"))
    for key in plurals:
        forms = [f.text for f in english[key].iter("numerusform")]
        assert len(forms) == 2
        assert all(forms), key


@pytest.mark.parametrize("code", [lang.code for lang in LANGUAGES])
def test_compiled_translations_are_up_to_date(tmp_path: Path, code: str) -> None:
    fresh = tmp_path / f"{code}.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts_path(code)), "-qm", str(fresh)],
                   check=True, capture_output=True)
    assert qm_path(code).read_bytes() == fresh.read_bytes(), (
        f"{qm_path(code).name} is stale: run pyside6-lrelease on {ts_path(code).name}")


@pytest.mark.parametrize(("code", "n", "expected"), [
    ("en", 1, "You have waited 1 minute."),
    ("en", 5, "You have waited 5 minutes."),
    ("pl", 1, "Czekasz już 1 minutę."),
    ("pl", 3, "Czekasz już 3 minuty."),
    ("pl", 5, "Czekasz już 5 minut."),
    ("pl", 22, "Czekasz już 22 minuty."),
    ("cy", 2, "Rydych chi wedi aros 2 munud."),
])
def test_plurals_follow_each_language(qapp: object, code: str, n: int, expected: str) -> None:
    translator = QTranslator()
    assert translator.load(str(qm_path(code)))
    assert QCoreApplication.installTranslator(translator)
    try:
        got = QCoreApplication.translate("WaitingScreen", "You have waited %n minute(s).", "", n)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert got == expected
