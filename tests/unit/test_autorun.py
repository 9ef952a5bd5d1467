"""The autorun code file (kiosk.autorun): private files only, digits only, never echoed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.autorun import CodeFileError, read_code_file


def code_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "code"
    path.write_text(text, "ascii")
    path.chmod(mode)
    return path


def test_a_private_file_gives_its_digits(tmp_path: Path) -> None:
    assert read_code_file(code_file(tmp_path, "012 345 6789\n")) == "0123456789"
    assert read_code_file(code_file(tmp_path, "012-345-6789", 0o640)) == "0123456789"


def test_a_file_others_can_read_is_refused_without_saying_the_code(tmp_path: Path) -> None:
    path = code_file(tmp_path, "0123456789", 0o644)
    with pytest.raises(CodeFileError, match="other users can read it") as refused:
        read_code_file(path)
    assert "0123456789" not in str(refused.value)


@pytest.mark.parametrize("text", ["", "01234x6789", "０１２３", "0123\x00456"])
def test_anything_but_digits_is_refused_without_echo(tmp_path: Path, text: str) -> None:
    path = tmp_path / "code"
    path.write_bytes(text.encode("utf-8"))
    path.chmod(0o600)
    with pytest.raises(CodeFileError, match="digits only") as refused:
        read_code_file(path)
    assert text.strip() == "" or text not in str(refused.value)


def test_missing_links_and_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CodeFileError, match="no such file"):
        read_code_file(tmp_path / "none")
    target = code_file(tmp_path, "0123456789")
    link = tmp_path / "link"
    os.symlink(target, link)
    with pytest.raises(CodeFileError, match="cannot be read"):
        read_code_file(link)  # a link could point anywhere: the file itself is asked for
    with pytest.raises(CodeFileError, match="not a regular file"):
        read_code_file(tmp_path)
