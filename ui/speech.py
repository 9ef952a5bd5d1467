"""Read aloud on the kiosk: a thin adapter between the window's screens and ``QTextToSpeech``.

The rules (what is read, when the kiosk may speak, the rate, the voice per language) are in
:mod:`kiosk.speech`; this module only applies them:

- The engine is speech-dispatcher (Qt's ``speechd`` plugin, with espeak-ng behind it). Never
  Qt's ``mock`` engine, which says nothing. Where it cannot start, or lacks a voice for one of
  the kiosk's languages, read aloud is not offered (no buttons) and :attr:`ScreenReader.reason`
  says why, for admin mode and the readiness report.
- Any touch, click or key press anywhere stops speech at once (``BoundaryHint.Immediate``), and
  so does every change of screen; automatic reading then reads the new screen.
- Never in a call (the consultation screen has no button, and reaching it stops speech), and
  never on staff screens.
- A message over the screen (the idle warning, "help is coming") is read when it appears if the
  patient chose to hear every screen, and again when its title changes while it shows ("Help is
  on its way." becoming "Someone from reception is coming."); while it shows, it is what "Read
  aloud" would read.
- The engine lives on its own thread (:class:`SpeechEngine` in a ``QThread``): opening it takes
  seconds (speech-dispatcher lists its voices), and the GUI thread never waits for it. The GUI
  asks it to say or stop through queued signals, which reach it within a millisecond or two.
  :meth:`ScreenReader.close` ends that thread (the app's shutdown calls it).
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLocale,
    QObject,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QWidget

from kiosk.checks.result import CheckResult
from kiosk.journey import Visit
from kiosk.speech import DEFAULT_RATE, ReadAloud, clamp_rate, locale_for, may_speak, utterance
from kiosk.speech import unavailable_reason as speech_unavailable_reason
from ui.screens.base import Screen, spoken_words_of

log = logging.getLogger(__name__)

ENGINE = "speechd"
STARTING = "the speech engine is starting"
CLOSE_WAIT_MS = 20_000  # opening can take several seconds on a busy machine
#: Events that mean the patient touched something (speech stops).
TOUCHES = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                     QEvent.Type.KeyPress, QEvent.Type.TabletPress})


def open_engine() -> tuple[QTextToSpeech | None, str | None]:
    """The speech-dispatcher engine, or None and the reason it cannot be used."""
    engines = QTextToSpeech.availableEngines()
    if ENGINE not in engines:
        return None, speech_unavailable_reason(engines, None, [])
    tts = QTextToSpeech(ENGINE)
    error = tts.errorString() or "it did not start" if tts.state() == QTextToSpeech.State.Error \
        else None
    locales = [] if error else [loc.name() for loc in tts.availableLocales()]
    reason = speech_unavailable_reason(engines, error, locales)
    if reason is not None:
        tts.deleteLater()
        return None, reason
    return tts, None


class SpeechEngine(QObject):
    """``QTextToSpeech`` on the speech thread. Every slot runs there.

    Signals:
        opened(str): the engine is ready ("") or cannot be used (why).
        said(str, str, str): started to say a text, in a locale, with a voice.
        speaking_changed(bool): speech started or ended.
    """

    opened = Signal(str)
    said = Signal(str, str, str)
    speaking_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self._tts: QTextToSpeech | None = None

    @Slot()
    def open(self) -> None:
        self._tts, reason = open_engine()
        if self._tts is not None:
            self._tts.stateChanged.connect(self._state_changed)
        self.opened.emit(reason or "")

    def _state_changed(self, state: QTextToSpeech.State) -> None:
        self.speaking_changed.emit(state == QTextToSpeech.State.Speaking)

    @Slot(str, str, float)
    def say(self, text: str, locale: str, rate: float) -> None:
        tts = self._tts
        if tts is None:
            return
        tts.stop(QTextToSpeech.BoundaryHint.Immediate)
        tts.setLocale(QLocale(locale))
        tts.setRate(rate)
        voice = tts.voice().name()
        tts.say(text)
        self.said.emit(text, tts.locale().name(), voice)

    @Slot()
    def stop(self) -> None:
        if self._tts is not None and self._tts.state() != QTextToSpeech.State.Ready:
            self._tts.stop(QTextToSpeech.BoundaryHint.Immediate)

    @Slot()
    def close(self) -> None:
        if self._tts is not None:
            self._tts.stop(QTextToSpeech.BoundaryHint.Immediate)
            self._tts.deleteLater()
            self._tts = None


class ScreenReader(QObject):
    """Reads the window's patient screens aloud when asked, or each new screen if chosen.

    ``window`` is a :class:`ui.window.MainWindow` (its ``screens`` by step, its ``pages`` and
    its ``header`` with "Read aloud"; the ``welcome`` screen has the switch to read every
    screen). ``engine`` (an engine and the reason it cannot be used) is used at once; without
    it, :func:`open_engine` runs shortly after (``ready`` says when).

    Signals:
        ready(): the engine was opened, or found unusable (:attr:`available`, :attr:`reason`).
        speaking(str, str): started to say a text, in a locale (e.g. "cy_GB").
        stopped(): speech was stopped by a touch or a change of screen.
    """

    ready = Signal()
    speaking = Signal(str, str)
    stopped = Signal()
    _say = Signal(str, str, float)  # to the speech thread
    _stop = Signal()
    _close = Signal()

    def __init__(self, window: QObject, *, rate: float = DEFAULT_RATE,
                 unavailable: str | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._available = False
        self._speaking = False
        self.reason: str | None = STARTING
        self.opened = False
        self.rate = clamp_rate(rate)
        self.state = ReadAloud()
        self._visit: weakref.ref[Visit] | None = None
        self.voice = ""
        self._screens: dict[str, Screen] = {
            str(step): screen for step, screen in getattr(window, "screens", {}).items()
            if isinstance(screen, Screen)}
        out_of_service = getattr(window, "out_of_service", None)
        if isinstance(out_of_service, Screen):
            self._screens.setdefault("out_of_service", out_of_service)
        self._header = getattr(window, "header", None)
        if self._header is not None:
            self._header.read_aloud_requested.connect(self._asked)
        self._welcome = getattr(window, "welcome", None)
        if self._welcome is not None:
            self._welcome.auto_read_toggled.connect(self._set_auto)
        pages = getattr(window, "pages", None)
        if pages is not None:
            pages.currentChanged.connect(self._screen_changed)
        self._thread: QThread | None = None
        self._sync_toggles()
        if unavailable is not None:  # known not to work (tests; a machine without the engine)
            self._opened(unavailable)
            return
        self._thread = QThread()
        self._thread.setObjectName("speech")
        self._engine = SpeechEngine()
        self._engine.moveToThread(self._thread)
        self._thread.started.connect(self._engine.open)
        self._engine.opened.connect(self._opened)
        self._engine.said.connect(self._said)
        self._engine.speaking_changed.connect(self._speaking_changed)
        self._say.connect(self._engine.say)
        self._stop.connect(self._engine.stop)
        self._close.connect(self._engine.close)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close)
        self._thread.start()

    def _opened(self, reason: str) -> None:
        if self.opened:
            return
        self._available, self.reason, self.opened = not reason, reason or None, True
        if reason:
            log.info("read aloud is not offered: %s", reason)
        else:
            log.info("read aloud is offered (speech-dispatcher, a voice for each language)")
        self._sync_toggles()
        app = QCoreApplication.instance()
        if app is not None and self._available:
            app.installEventFilter(self)
            for overlay in self._overlays():
                retitled = getattr(overlay, "retitled", None)
                if retitled is not None:
                    retitled.connect(self._overlay_retitled)
        self.ready.emit()

    def _said(self, text: str, locale: str, voice: str) -> None:
        self.voice = voice
        self.speaking.emit(text, locale)

    def _speaking_changed(self, speaking: bool) -> None:
        self._speaking = speaking

    def close(self) -> None:
        """Stop speaking and end the speech thread (idempotent)."""
        thread, self._thread = self._thread, None
        self._available = False
        if thread is None:
            return
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._close.emit()
        thread.quit()
        if not thread.wait(CLOSE_WAIT_MS):  # the engine hung while opening: do not hang too
            log.warning("the speech thread did not end; stopping it")
            thread.terminate()
            thread.wait()

    def status_text(self) -> str:
        """For staff (admin mode's status page)."""
        if not self.opened:
            return "starting"
        return "offered to patients" if self.available else f"NOT offered: {self.reason}"

    @property
    def available(self) -> bool:
        return self._available

    @property
    def is_speaking(self) -> bool:
        """Whether the engine is speaking (as it last said; it says so within milliseconds)."""
        return self._speaking

    def readiness_check(self) -> CheckResult:
        """Read aloud in the readiness report: "warn" (with the reason) where not offered."""
        if not self._available:
            return CheckResult("read_aloud", "warn", {"available": False},
                               advice_staff=f"Read aloud is not offered: {self.reason}")
        return CheckResult("read_aloud", "pass", {"available": True, "engine": ENGINE},
                           advice_staff="Read aloud works (speech-dispatcher).")

    # ----- events -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in TOUCHES:
            self.stop()
        elif event.type() == QEvent.Type.Show and watched in self._overlays():
            QTimer.singleShot(0, self._overlay_shown)
        return False

    def _overlays(self) -> list[QWidget]:
        return list(getattr(self._window, "overlays", []))

    def _shown_overlay(self) -> QWidget | None:
        return next((o for o in self._overlays() if o.isVisible()), None)

    def _overlay_shown(self) -> None:
        screen, step = self._current()
        if screen is not None:
            self._check_visit(screen)
        if self._shown_overlay() is not None and self.state.screen_shown(step):
            self.read(screen)

    def _overlay_retitled(self) -> None:
        self.stop()
        QTimer.singleShot(0, self._overlay_shown)

    def _screen_changed(self, _index: int) -> None:
        self.stop()
        QTimer.singleShot(0, self._read_new_screen)

    def _read_new_screen(self) -> None:
        screen, step = self._current()
        self._sync_toggles()
        if screen is None:
            return
        self._check_visit(screen)
        if self.state.screen_shown(step):
            self.read(screen)

    def _asked(self) -> None:
        screen, step = self._current()
        if screen is None:
            return
        self._check_visit(screen)
        if self.state.asked(step):
            self.read(screen)

    def _set_auto(self, on: bool) -> None:
        screen, step = self._current()
        if screen is not None:
            self._check_visit(screen)
        speak = self.state.set_auto(on, step)
        self._sync_toggles()
        if speak and screen is not None:
            self.read(screen)
        else:
            self.stop()

    # ----- speaking ---------------------------------------------------------------------------

    def read(self, screen: Screen | None) -> str:
        """Read ``screen`` now (or the message over it, if one shows), in its language; return
        what is said ("" if nothing)."""
        if not self._available or screen is None or not may_speak(self._step_of(screen)):
            return ""  # never in a call, never for staff
        overlay = self._shown_overlay()
        words = spoken_words_of(overlay) if overlay is not None else screen.spoken_words()
        text = utterance(words, screen.choices_intro())
        locale = locale_for(screen.language())
        if not text or locale is None:
            return ""
        self._say.emit(text, locale, self.rate)
        return text

    def stop(self) -> None:
        """Stop speaking at once (a queued call to the speech thread; cheap when silent)."""
        if self._available:
            self._stop.emit()
            if self._speaking:
                self.stopped.emit()

    # ----- helpers ----------------------------------------------------------------------------

    def _current(self) -> tuple[Screen | None, str]:
        pages = getattr(self._window, "pages", None)
        page = pages.currentWidget() if pages is not None else None
        for step, screen in self._screens.items():
            if screen is page:
                return screen, self._step_of(screen) or step
        return None, ""

    def _step_of(self, screen: Screen) -> str:
        step = screen.shown_step()
        if step:
            return step
        for name, known in self._screens.items():
            if known is screen:
                return name
        return ""

    def _check_visit(self, screen: Screen) -> None:
        visit = screen.shown_visit()
        known = self._visit() if self._visit is not None else None
        if visit is not None and visit is not known:
            if known is not None:
                self.state.new_visit()
            self._visit = weakref.ref(visit)
            self._sync_toggles()

    def _sync_toggles(self) -> None:
        """Offer the controls on this screen if the kiosk may speak here."""
        _screen, step = self._current()
        if self._header is not None:
            self._header.set_read_aloud(self.available and may_speak(step))
        if self._welcome is not None:
            self._welcome.set_read_aloud(self.available, self.state.auto)
