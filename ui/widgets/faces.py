"""The 5-face answer scale: very bad to very good, each face with its words underneath."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

from ui.widgets.buttons import describe, wrap_words


class FaceButton(QPushButton):
    """One face with its words underneath; checkable. Drawn in the button's text colour.

    Signals (from QPushButton): ``clicked()``, ``toggled(bool)``.
    """

    def __init__(self, score: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = score
        self._words = ""
        self.setProperty("role", "face")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_words(self, words: str) -> None:
        self._words = words
        self.updateGeometry()
        self.update()

    def words(self) -> str:
        return self._words

    def _face_side(self) -> int:
        return self.fontMetrics().height() * 3

    def _lines(self, width: int) -> list[str]:
        return wrap_words(self._words, self.fontMetrics(), max(1, width - 24))

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        width = max(self._face_side() + 40, fm.horizontalAdvance(self._words) + 40)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        longest = max(self._words.split() or [""], key=fm.horizontalAdvance)
        width = max(self._face_side() + 24, fm.horizontalAdvance(longest) + 40)
        return QSize(width, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        fm = self.fontMetrics()
        return self._face_side() + 48 + fm.lineSpacing() * max(2, len(self._lines(width)))

    def text_fits(self) -> bool:
        return self.heightForWidth(self.width()) <= self.height() + 1

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            event.accept()
            self.click()
            return
        super().keyPressEvent(event)

    def _ink(self) -> QColor:
        pal = self.palette()
        if self.isDown():
            return pal.color(QPalette.ColorRole.AlternateBase)
        if self.hasFocus():
            return pal.color(QPalette.ColorRole.HighlightedText)
        if self.isChecked():
            return pal.color(QPalette.ColorRole.Highlight)
        return pal.color(QPalette.ColorRole.ButtonText)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        opt.text = ""
        painter.drawControl(QStyle.ControlElement.CE_PushButton, opt)
        ink = self._ink()
        side = self._face_side()
        face = QRectF((self.width() - side) / 2, 20, side, side)
        draw_face(painter, face, self.score, ink)
        painter.setPen(ink)
        lines = self._lines(self.width())
        top = int(face.bottom()) + 16
        text_rect = QRect(8, top, self.width() - 16, self.height() - top - 8)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         "\n".join(lines))
        painter.end()


def draw_face(painter: QPainter, rect: QRectF, score: int, color: QColor) -> None:
    """A simple line-drawn face: score 1 frowns deeply, 3 is straight, 5 smiles broadly."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, max(3.0, rect.width() / 18))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(rect.adjusted(pen.widthF(), pen.widthF(), -pen.widthF(), -pen.widthF()))
    cx, cy, r = rect.center().x(), rect.center().y(), rect.width() / 2
    painter.setBrush(color)
    eye = r * 0.11
    for dx in (-0.35, 0.35):
        painter.drawEllipse(QPointF(cx + dx * r, cy - 0.2 * r), eye, eye)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    curve = (score - 3) * 0.16 * r  # positive: smile
    mouth_y = cy + 0.35 * r - curve / 2
    path = QPainterPath(QPointF(cx - 0.4 * r, mouth_y))
    path.quadTo(QPointF(cx, mouth_y + 2 * curve), QPointF(cx + 0.4 * r, mouth_y))
    painter.drawPath(path)
    painter.restore()


class FaceScale(QWidget):
    """Five faces, one answer: 1 (very bad) to 5 (very good).

    Signals:
        chosen(int): the patient touched a face (1 to 5).
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._custom_words: list[str] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.faces: list[FaceButton] = []
        for score in range(1, 6):
            face = FaceButton(score)
            face.setObjectName(f"Face{score}")
            face.clicked.connect(lambda _checked=False, s=score: self._choose(s))
            self.faces.append(face)
            layout.addWidget(face)
        self.retranslate()

    def _choose(self, score: int) -> None:
        self.set_value(score)
        self.chosen.emit(score)

    def value(self) -> int | None:
        checked = [face.score for face in self.faces if face.isChecked()]
        return checked[0] if checked else None

    def set_value(self, value: int | None) -> None:
        """Check one face (or none). No exclusive QButtonGroup: Tab must reach every face."""
        for face in self.faces:
            if face.isChecked() != (face.score == value):
                face.setChecked(face.score == value)

    def set_words(self, words: list[str]) -> None:
        """Use the survey's own words under the faces (already in the patient's language)."""
        self._custom_words = list(words)
        self.retranslate()

    def retranslate(self) -> None:
        words = self._custom_words or [self.tr("Very bad"), self.tr("Bad"), self.tr("Okay"),
                                       self.tr("Good"), self.tr("Very good")]
        for face, text in zip(self.faces, words, strict=True):
            face.set_words(text)
            describe(face, text,
                     self.tr("Answer %1 out of 5.").replace("%1", str(face.score)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
