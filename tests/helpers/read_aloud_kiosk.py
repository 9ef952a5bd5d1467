"""The kiosk's window and its read-aloud adapter in a child process, for the speech tests.

QtMultimedia and speech-dispatcher pick their sound server by the environment the process
starts with (tests/helpers/sound_server.py), so the Qt side runs here, started with the test
sound server's environment and a private speech-dispatcher configuration. It builds the real
:class:`ui.window.MainWindow` and :class:`ui.speech.ScreenReader` (as ``ui/app.py`` does) and
shows the gallery's states (:func:`ui.gallery.drive`).

One command a line on stdin, one JSON event a line on stdout:

- ``show NAME LANG``: show the gallery state NAME in language LANG → ``shown`` (step, offered)
- ``read``: touch "Read aloud" in the header → ``speaking`` (text, locale, voice)
- ``readnow``: the adapter reads what shows now (a message over the screen, if one shows,
  when the header's button is behind it) → ``speaking`` (if it speaks), then ``read`` (text,
  "" when it may not speak here)
- ``touch``: press and release the mouse on the screen's background → ``touched``
- ``state``: → ``state`` (speaking: bool)
- ``quit``: → ``bye``

At start: ``ready`` (available, reason).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def main() -> int:  # pragma: no cover - runs in the child
    from PySide6.QtCore import QPoint, QSocketNotifier, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.gallery import drive
    from ui.screens.base import LiveState, Screen
    from ui.speech import ScreenReader
    from ui.window import MainWindow

    app = QApplication([])
    window = MainWindow("Dunbar Health Centre")
    window.resize(1920, 1080)
    window.show()
    reader = ScreenReader(window)
    reader.speaking.connect(
        lambda text, locale: _emit("speaking", text=text, locale=locale, voice=reader.voice))
    reader.stopped.connect(lambda: _emit("stopped"))
    reader.ready.connect(lambda: _emit("ready", available=reader.available, reason=reader.reason))

    def command(line: str) -> None:
        words = line.split()
        if not words:
            return
        if words[0] == "show":
            journey, now, live = drive(window, words[1], LiveState(language=words[2]))
            window.render(journey, now, live)
            app.processEvents()
            window.render(journey, now, live)
            app.processEvents()
            _emit("shown", step=str(journey.step),
                  offered=window.header.read_aloud_button.isVisible())
        elif words[0] == "read":
            window.header.read_aloud_button.click()
        elif words[0] == "readnow":
            page = window.pages.currentWidget()
            _emit("read", text=reader.read(page if isinstance(page, Screen) else None))
        elif words[0] == "touch":
            page = window.pages.currentWidget()
            assert page is not None
            QTest.mouseClick(page, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QPoint(5, 5))
            _emit("touched")
        elif words[0] == "auto":  # the patient's "Read every screen aloud" switch
            window.welcome.auto_read_toggled.emit(words[1] == "on")
        elif words[0] == "coming":  # reception answered the help request (help_coming)
            window.help_overlay.set_coming(True, words[1] if len(words) > 1 else "")
            _emit("coming", title=window.help_overlay.title.text())
        elif words[0] == "state":
            _emit("state", speaking=reader.is_speaking)
        elif words[0] == "quit":
            _emit("bye")
            app.quit()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def on_stdin() -> None:
        line = sys.stdin.readline()
        if not line:
            app.quit()
            return
        command(line.strip())

    notifier.activated.connect(on_stdin)
    app.exec()
    window.languages.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
