"""Admin mode: versions, recent log lines (already redacted) and "Export diagnostics for IT".

The page shows what the owner gives it and asks the owner to export; it never reads a secret.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class DiagnosticsPage(QWidget):
    """Versions, the last log lines, and the export button.

    Signals:
        export_requested(): "Export diagnostics for IT".
        refresh_requested(): "Refresh".
    """

    export_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        title = label("h1", "Diagnostics")
        layout.addWidget(title)
        self.versions = label("body", "")
        self.versions.setObjectName("DiagnosticsVersions")
        self.versions.setAccessibleName("Versions")
        layout.addWidget(self.versions)
        log_title = label("strong", "Recent log lines (secrets removed)")
        layout.addWidget(log_title)
        self.log = QPlainTextEdit()
        self.log.setObjectName("DiagnosticsLog")
        self.log.setReadOnly(True)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log.setAccessibleName("Recent log lines")
        self.log.setAccessibleDescription("The kiosk's last log lines, with secrets removed.")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPixelSize(20)
        self.log.setFont(mono)
        # A log needs more, smaller lines than the patient's text box the theme styles.
        self.log.setStyleSheet("QPlainTextEdit { font-size: 20px; min-height: 360px; "
                               "max-height: 10000px; }")
        self.log.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.log, 1)
        self.status = label("status_good", "")
        self.status.setObjectName("DiagnosticsStatus")
        self.status.hide()
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.refresh_button = BigButton("Refresh", role="secondary", icon="retry")
        self.refresh_button.setObjectName("DiagnosticsRefresh")
        describe(self.refresh_button, "Refresh", "Reads the versions and log lines again.")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.export_button = BigButton("Export diagnostics for IT", role="go", icon="arrow_right")
        self.export_button.setObjectName("DiagnosticsExport")
        describe(self.export_button, "Export diagnostics for IT",
                 "Saves a zip file with versions, settings and recent log lines, without "
                 "secrets, in a folder you choose.")
        self.export_button.clicked.connect(self.export_requested)
        for button in (self.refresh_button, self.export_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        layout.addLayout(row)
        for fixed in (title, self.versions, log_title, self.status):
            # Text takes the height it needs; the log gets the rest.
            fixed.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def show_info(self, versions: dict[str, str], facts: dict[str, str],
                  log_lines: list[str]) -> None:
        text = "   ".join(f"{k} {v}" for k, v in versions.items() if k != "Platform")
        extra = "   ".join(f"{k}: {v}" for k, v in facts.items())
        set_text(self.versions, text + ("\n" + extra if extra else ""))
        self.versions.setAccessibleDescription(self.versions.text())
        joined = "\n".join(log_lines) if log_lines else "(no log lines yet)"
        if self.log.toPlainText() != joined:
            self.log.setPlainText(joined)
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def show_status(self, text: str, *, ok: bool) -> None:
        set_role(self.status, "status_good" if ok else "status_bad")
        set_text(self.status, text)
        self.status.setVisible(bool(text))
