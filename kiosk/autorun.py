"""Reading the appointment code for an unattended run (``clinic-kiosk --autorun-code-file F``).

Benchmarks and IT line checks run the real app into a call with a real hub, with no one to type
the code. The code is a secret that lets anyone in to that appointment, so:

- It never comes on the command line (other users see a process's arguments): only from a file.
- The file must be a regular file that other users cannot read (no ``o+r``; ``chmod 600``), or
  it is refused, as ssh refuses a private key others can read.
- Digits only (spaces and dashes, as letters print them, are dropped); the journey checks the
  length, as it does a typed code. The code is never logged or put in an error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class CodeFileError(Exception):
    """The code file cannot be used (plain words for IT; never the code itself)."""


def read_code_file(path: Path) -> str:
    """The appointment code in ``path`` (see the module docstring for the rules)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise CodeFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CodeFileError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CodeFileError(f"{path}: not a regular file")
        if info.st_mode & stat.S_IROTH:
            raise CodeFileError(f"{path}: other users can read it; make it private "
                                f"(chmod 600 {path})")
        raw = os.read(fd, 4096)
    finally:
        os.close(fd)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise CodeFileError(f"{path}: not an appointment code (digits only)") from None
    code = "".join(text.split()).replace("-", "")
    if not code.isdigit():
        raise CodeFileError(f"{path}: not an appointment code (digits only)")
    return code
