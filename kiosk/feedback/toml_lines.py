"""Where each key of a TOML document is written: line numbers for error messages.

``tomllib`` turns TOML into plain dicts and lists and forgets where anything was. To tell staff
``near-me.toml line 23: ...`` we scan the text once more, after ``tomllib`` has accepted it, and
note the line of every table header, key and array element under the same path the parsed data
uses: ``("questions", 2, "kind")`` is the ``kind`` key of the third ``[[questions]]`` table.

The scanner trusts that the text is valid TOML (``tomllib`` said so) and never raises: on
anything it does not follow it stops and keeps what it has, and :meth:`KeyLines.line_of` falls
back to the nearest enclosing table that it did see.
"""

from __future__ import annotations

import bisect
import contextlib
import string
import tomllib
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]

_BARE = frozenset(string.ascii_letters + string.digits + "_-")


class KeyLines:
    """The line (1-based) of every key, table and array element of one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        # On anything unexpected keep what was found; line_of falls back to enclosing tables.
        with contextlib.suppress(IndexError, ValueError, tomllib.TOMLDecodeError):
            _Scanner(text, self._lines).run()

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest enclosing key or table; None if none."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None


class _Scanner:
    def __init__(self, text: str, out: dict[KeyPath, int]) -> None:
        self.s = text
        self.i = 0
        self.out = out
        self.arrays_of_tables: dict[KeyPath, int] = {}  # path -> index of its last table
        self.table: KeyPath = ()
        self.line_starts = [0] + [n + 1 for n, c in enumerate(text) if c == "\n"]

    def run(self) -> None:
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.s):
                return
            if self.s[self.i] == "[":
                self.header()
            else:
                self.keyval(self.table)

    # ----- structure ------------------------------------------------------------------------

    def header(self) -> None:
        start = self.i
        many = self.s.startswith("[[", self.i)
        self.i += 2 if many else 1
        keys = self.key()
        self.skip()
        self.i += 2 if many else 1
        path: list[str | int] = []
        for n, key in enumerate(keys):
            path.append(key)
            here = tuple(path)
            if many and n == len(keys) - 1:
                index = self.arrays_of_tables.get(here, -1) + 1
                self.arrays_of_tables[here] = index
                path.append(index)
            elif here in self.arrays_of_tables:
                path.append(self.arrays_of_tables[here])
        self.table = tuple(path)
        self.note(self.table, start)

    def keyval(self, base: KeyPath) -> None:
        start = self.i
        path = base + tuple(self.key())
        self.note(path, start)
        self.skip()
        if self.s[self.i] != "=":
            raise ValueError("expected '='")
        self.i += 1
        self.skip()
        self.value(path)

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip()
            c = self.s[self.i]
            if c == '"':
                start = self.i
                self.basic_string()
                parts.append(tomllib.loads("k = " + self.s[start : self.i])["k"])
            elif c == "'":
                end = self.s.index("'", self.i + 1)
                parts.append(self.s[self.i + 1 : end])
                self.i = end + 1
            else:
                start = self.i
                while self.s[self.i] in _BARE:
                    self.i += 1
                if self.i == start:
                    raise ValueError("expected a key")
                parts.append(self.s[start : self.i])
            self.skip()
            if self.s[self.i] != ".":
                return parts
            self.i += 1

    def value(self, path: KeyPath) -> None:
        s = self.s
        if s.startswith('"""', self.i):
            self.multiline('"""')
        elif s.startswith("'''", self.i):
            self.multiline("'''")
        elif s[self.i] == '"':
            self.basic_string()
        elif s[self.i] == "'":
            self.i = s.index("'", self.i + 1) + 1
        elif s[self.i] == "[":
            self.array(path)
        elif s[self.i] == "{":
            self.inline_table(path)
        else:  # number, boolean, date: runs to a separator (dates may hold a space)
            while self.i < len(s) and s[self.i] not in ",]}#\r\n":
                self.i += 1

    def array(self, path: KeyPath) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.s[self.i] == "]":
                self.i += 1
                return
            self.note((*path, index), self.i)
            self.value((*path, index))
            self.skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1
                index += 1

    def inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while True:
            self.skip(newlines=True)
            if self.s[self.i] == "}":
                self.i += 1
                return
            self.keyval(path)
            self.skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1

    # ----- lexing ---------------------------------------------------------------------------

    def basic_string(self) -> None:
        self.i += 1
        while self.s[self.i] != '"':
            self.i += 2 if self.s[self.i] == "\\" else 1
        self.i += 1

    def multiline(self, quotes: str) -> None:
        self.i += 3
        while not self.s.startswith(quotes, self.i):
            if self.i >= len(self.s):
                raise IndexError("unterminated string")
            self.i += 2 if quotes == '"""' and self.s[self.i] == "\\" else 1
        self.i += 3
        for _ in range(2):  # up to two quotes may end the content just before the delimiter
            if self.i < len(self.s) and self.s[self.i] == quotes[0]:
                self.i += 1

    def skip(self, *, newlines: bool = False) -> None:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            else:
                return

    def note(self, path: KeyPath, at: int) -> None:
        line = bisect.bisect_right(self.line_starts, at)
        for n in range(1, len(path) + 1):
            self.out.setdefault(path[:n], line)
