"""``clinic-kiosk`` exactly as IT runs it, with a read-only probe for the end-to-end test.

Run as ``python -P tests/helpers/e2e_kiosk.py [clinic-kiosk ARGS...]`` (it imports nothing from
``tests``; the app comes from the installed project). It runs the real entry point
(:func:`ui.cli.main`, the app's ``main``: logging, the QApplication, ``build``, the window full
screen, the event loop, ``shutdown``, the exit code) and only adds, around ``ui.app.build``, a
:class:`Probe` that answers the test on stdin/stdout. The exit code is the app's own, so a
supervisor sees 75 after "Restart the kiosk app".

Rules that matter:

- The probe never drives the kiosk: no intent is emitted, no widget clicked, no journey changed.
  The test gives every input as a person would, through the X server (``xdotool``), and asks
  the probe only where a widget is on the screen, what the kiosk shows, and for screenshots.
- This is test code in ``tests/``: nothing of it ships, and the app has no hook for it. The
  probe is installed only by running this module.
- One command a line on stdin (``ID COMMAND [ARG]``), one JSON reply a line on stdout with the
  same ``id`` (nothing else is printed there): ``state``; ``where NAME`` (the centre of the
  visible widget with that object name, in screen coordinates, whether a touch there would
  reach it now, and whether the kiosk takes taps yet); ``seen NAME`` (the colours the X screen
  shows where it is); ``shot PATH`` (a PNG of the X screen as it is shown).
  Secrets are never in a reply: the pairing and appointment codes are typed by the test and
  the kiosk never shows them back.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


class Probe:
    """Answers the test about a built kiosk (see the module docstring)."""

    def __init__(self, kiosk: Any) -> None:
        from PySide6.QtCore import QSocketNotifier

        from ui.admin import AdminMode

        self.kiosk = kiosk
        self.admin = kiosk.window.findChild(AdminMode)
        self.audio_frames = 0
        self.audio_peak = 0
        kiosk.bridge.remote_audio.connect(self._remote_audio)
        self._buffer = b""
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._readable)

    def _remote_audio(self, frame: Any) -> None:
        self.audio_frames += 1
        samples = frame.to_ndarray()
        if samples.size:
            self.audio_peak = max(self.audio_peak, int(abs(samples).max()))

    def _readable(self) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:  # the test went away: stop listening (the app carries on)
            self.notifier.setEnabled(False)
            return
        self._buffer += chunk
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            number, _, rest = line.decode().strip().partition(" ")
            command, _, arg = rest.partition(" ")
            try:
                reply = self.answer(command, arg)
            except Exception as exc:  # a bad command is the test's bug: say so, keep running
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            reply["id"] = number
            os.write(sys.stdout.fileno(), (json.dumps(reply) + "\n").encode())

    def answer(self, command: str, arg: str) -> dict[str, Any]:
        if command == "state":
            return self.state()
        if command == "where":
            return self.where(arg)
        if command == "shot":
            return self.shot(arg)
        if command == "seen":
            return self.seen(arg)
        return {"error": f"unknown command {command!r}"}

    def _visible(self, name: str) -> Any:
        from PySide6.QtWidgets import QWidget

        window = self.kiosk.window
        if name == "RemoteVideo":  # the specialist's video has no object name of its own
            view = window.consultation.remote_view
            return view if view.isVisible() else None
        for widget in window.findChildren(QWidget, name):
            if widget.isVisible():
                return widget
        return None

    def where(self, name: str) -> dict[str, Any]:
        widget = self._visible(name)
        if widget is None:
            return {"visible": False}
        from PySide6.QtWidgets import QApplication

        centre = widget.mapToGlobal(widget.rect().center())
        under = QApplication.widgetAt(centre)  # what a touch there would reach now
        hit = under is not None and (under is widget or widget.isAncestorOf(under))
        checked = widget.isChecked() if hasattr(widget, "isChecked") else None
        return {"visible": True, "enabled": widget.isEnabled(), "x": centre.x(),
                "y": centre.y(), "hit": hit, "checked": checked,
                "taps_allowed": self.taps_allowed()}

    def taps_allowed(self) -> bool:
        """Whether a tap now would count: the kiosk ignores taps just after a screen or page
        changes (``KioskController.taps_allowed``; True where the app has no such guard)."""
        allowed = getattr(self.kiosk.controller, "taps_allowed", None)
        return bool(allowed()) if allowed is not None else True

    def seen(self, name: str) -> dict[str, Any]:
        """What the X screen shows where the widget ``name`` is: the share of (sampled) pixels
        that are reddish (red > 120) and that are plainly green."""
        from PySide6.QtGui import QGuiApplication

        widget = self._visible(name)
        if widget is None:
            return {"visible": False}
        corner = widget.mapToGlobal(widget.rect().topLeft())
        image = QGuiApplication.primaryScreen().grabWindow(
            0, corner.x(), corner.y(), widget.width(), widget.height()).toImage()
        reddish = green = total = 0
        for y in range(0, image.height(), 8):
            for x in range(0, image.width(), 8):
                colour = image.pixelColor(x, y)
                r, g, b = colour.red(), colour.green(), colour.blue()
                total += 1
                reddish += r > 120
                green += g > r + 60 and g > b + 60
        return {"visible": True, "reddish": reddish / max(total, 1),
                "green": green / max(total, 1)}

    def shot(self, path: str) -> dict[str, Any]:
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        picture = screen.grabWindow(0)  # what the X server shows, not a re-render
        return {"saved": picture.save(path), "path": path}

    @staticmethod
    def _view(view: Any) -> dict[str, Any] | None:
        """Where a video view is and whether its picture can be seen."""
        if view is None:
            return None
        corner = view.mapToGlobal(view.rect().topLeft())
        inner = getattr(view, "_video_widget", None)
        return {"visible": view.isVisible(), "obscured": view.is_obscured(),
                "rect": [corner.x(), corner.y(), view.width(), view.height()],
                "surface_visible": None if inner is None else inner.isVisible(),
                "frames": view.frames_rendered}

    def state(self) -> dict[str, Any]:
        from PySide6.QtWidgets import QApplication

        k, admin = self.kiosk, self.admin
        journey, window, live = k.journey, k.window, k.controller.live
        view = window.current_self_view()
        geometry = window.geometry()
        return {
            "pid": os.getpid(),
            "step": str(journey.step),
            "page": type(window.pages.currentWidget()).__name__,
            "service": window.service.code,
            "fullscreen": window.isFullScreen(),
            "geometry": [geometry.x(), geometry.y(), geometry.width(), geometry.height()],
            "secure_store": admin.secrets.secure,
            "store": repr(admin.secrets),
            "pin_shown": admin.pin.isVisible(),
            "pin_title": admin.pin.title.text(),
            "pin_message": admin.pin.message.text(),
            "admin_page": admin.screen.current_page() if admin.active else "",
            "pairing_result": admin.screen.pairing_page.result.text(),
            "code_digits": len(window.check_in.digits()),  # how many, never which
            "code_error": journey.visit.code_error,
            "focus": type(QApplication.focusWidget()).__name__,
            "checks": dict(journey.visit.checks),
            "messages": list(journey.visit.messages),
            "help_shown": window.help_overlay.isVisible(),
            "help_title": window.help_overlay.title.text(),
            "self_view_picture": bool(view is not None and view.has_picture()),
            "self_view": self._view(view),
            "network_status": live.network_status,
            "call_quality": live.call_quality,
            "call_phase": str(journey.visit.call_phase),
            "remote_frames": k.bridge.remote_frames,
            "remote_audio_frames": self.audio_frames,
            "remote_audio_peak": self.audio_peak,
            "answers": dict(journey.visit.answers),
        }


def main(argv: list[str]) -> int:
    import ui.app
    from ui.cli import main as clinic_kiosk

    real_build = ui.app.build
    probes: list[Probe] = []

    def build(opts: Any, **kwargs: Any) -> Any:
        kiosk = real_build(opts, **kwargs)
        probes.append(Probe(kiosk))
        return kiosk

    ui.app.build = build  # only in this test process
    return clinic_kiosk(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
