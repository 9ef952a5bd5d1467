"""Save a PNG of every patient screen, driven through a real Journey, for people to look at.

    QT_QPA_PLATFORM=offscreen python scripts/preview_screens.py [OUT_DIR]

Each state is rendered in the normal theme, in high contrast, and in Welsh at 1920x1080, and in
large text at 1280x720, in English and in Welsh (the tightest layouts). Nothing here is faked:
the journey's own methods move it from step to step, and the window renders it exactly as the
kiosk does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")

from PySide6.QtWidgets import QApplication

from ui.gallery import NAMES, drive
from ui.screens.base import LiveState
from ui.window import MainWindow

VARIANTS = {
    "normal": ((1920, 1080), LiveState()),
    "contrast": ((1920, 1080), LiveState(high_contrast=True)),
    "welsh": ((1920, 1080), LiveState(language="cy")),
    "large720": ((1280, 720), LiveState(large_text=True)),
    "welsh_large720": ((1280, 720), LiveState(language="cy", large_text=True)),
}


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "preview")
    only = set(argv[2:])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    for variant, ((w, h), base) in VARIANTS.items():
        if only and variant not in only:
            continue
        for name in NAMES:
            window = MainWindow("Dunbar Health Centre")
            window.resize(w, h)
            window.show()
            journey, now, live = drive(window, name, base)
            window.render(journey, now, live)
            app.processEvents()
            window.render(journey, now, live)
            app.processEvents()
            path = out / f"{variant}_{name}.png"
            window.grab().save(str(path))
            window.close()
            window.deleteLater()
            app.processEvents()
    print(f"saved previews in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
