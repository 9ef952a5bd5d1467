"""Reading a secret that a command needs (an appointment code, a device token) from a file or
stdin, so it never has to be a command-line argument (``ps`` and ``/proc/PID/cmdline`` show
arguments to every local user).

Rules that matter:

- ``-`` means stdin (the first line). Anything else is a path to a regular file, opened without
  following a final symlink, checked on the open file (no race between the check and the read):
  a file that its group or others may read (or write) is refused, with the ``chmod`` that
  fixes it.
- The secret is the first line, stripped; an empty one is refused. More than
  :data:`MAX_BYTES` is not a secret of ours and is refused unread.
- Messages name the file and what was expected, never the content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final, TextIO

#: The longest file (or stdin) read for one secret.
MAX_BYTES: Final = 4096


class SecretFileError(ValueError):
    """The secret could not be read; the message is plain and never holds the secret."""


def _first_line(text: str, what: str, where: str) -> str:
    lines = text.splitlines()
    value = lines[0].strip() if lines else ""
    if not value:
        raise SecretFileError(f"no {what} in {where}")
    return value


def read_secret(source: str, what: str, *, stdin: TextIO) -> str:
    """The secret called ``what`` (for messages: "appointment code") from ``source``: ``-`` for
    ``stdin``, else a file that only its owner may read."""
    if source == "-":
        if stdin.isatty():
            raise SecretFileError(f"{what} from stdin: pipe it in (stdin is a terminal)")
        text = stdin.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise SecretFileError(f"stdin holds more than a {what}")
        return _first_line(text, what, "stdin")
    path = Path(source)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as exc:
        raise SecretFileError(f"cannot read the {what} file {path}: "
                              f"{exc.strerror or type(exc).__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SecretFileError(f"the {what} file {path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise SecretFileError(
                f"the {what} file {path} may be read or changed by others (mode "
                f"{mode:04o}); make it private with: chmod 600 {path}")
        data = os.read(fd, MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise SecretFileError(f"the {what} file {path} holds more than a {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretFileError(f"the {what} file {path} is not text") from None
    return _first_line(text, what, f"the file {path}")
