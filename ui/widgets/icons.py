"""SVG icons from ``resources/icons``, drawn in any colour.

Each icon is drawn with ``currentColor``, so one file serves every theme and state. An icon is
never the only way something is said: every use pairs it with a text label.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ui.theme import RESOURCES

ICON_DIR: Final = RESOURCES / "icons"


@cache
def _svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon_image(name: str, color: str, size: int) -> QImage:
    """The icon ``name`` drawn in ``color`` (``#rrggbb``) on a transparent square of ``size``."""
    data = QByteArray(_svg(name).replace("currentColor", color).encode("utf-8"))
    renderer = QSvgRenderer(data)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def icon_pixmap(name: str, color: QColor | str, size: int) -> QPixmap:
    name_color = color.name() if isinstance(color, QColor) else color
    return QPixmap.fromImage(icon_image(name, name_color, max(1, size)))
