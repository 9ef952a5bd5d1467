"""Admin mode: a summary of the feedback patients gave on this kiosk, with a bar chart.

The chart puts every question on one scale, so it reads at a glance: a faces question shows
its average as a share of the best face (4.2 of 5 is 84 %), a yes/no question its share of
"yes". Every bar's label also says the real figure and how many answered. Choice and number
questions are listed in words underneath; free text is never shown here (it may hold names).
"""

from __future__ import annotations

import html

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from kiosk.feedback.store import SurveySummary
from kiosk.feedback.survey import Kind, Survey
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text

MAX_LABEL = 36  # characters of a question shown beside its bar
MAX_LINE = 70  # characters of a question in the lines under the chart


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.?") + "…"


def chart_rows(summary: SurveySummary, survey: Survey) -> list[tuple[str, float]]:
    """(label, percent) for each faces and yes/no question that has answers, in survey order.
    The label is the chart's rich text: the figure, a line break, the question (escaped); the
    figure comes first so that a narrow screen cuts the question short, not the figure."""
    rows = []
    for q in summary.questions:
        text = html.escape(_short(survey.question(q.question_id).text("en")))
        if q.kind is Kind.FACES and q.average is not None:
            rows.append((f"{q.average:.1f} of 5 ({q.answered} answered)<br>{text}",
                         q.average / 5 * 100))
        elif q.kind is Kind.YES_NO and q.share_yes is not None:
            rows.append((f"{q.share_yes:.0%} yes ({q.answered} answered)<br>{text}",
                         q.share_yes * 100))
    return rows


def other_lines(summary: SurveySummary, survey: Survey) -> list[str]:
    """Words for the choice and number questions (no free text)."""
    lines = []
    for q in summary.questions:
        text = _short(survey.question(q.question_id).text("en"), MAX_LINE)
        if q.kind is Kind.CHOICE and q.answered:
            question = survey.question(q.question_id)
            counts = ", ".join(f"{question.option(v).label('en')} {n}"
                               for v, n in q.option_counts if n)
            lines.append(f"{text} — {counts}")
        elif q.kind is Kind.NUMBER and q.average is not None:
            lines.append(f"{text} — average {q.average:.1f} ({q.answered} answered)")
    return lines


class FeedbackPage(QWidget):
    """The feedback summary.

    Signals:
        refresh_requested(): "Refresh".
    """

    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        title = label("h1", "Feedback on this kiosk")
        self.total = label("body", "")
        self.total.setObjectName("FeedbackTotal")
        self.chart = QChart()
        self.chart.setBackgroundVisible(False)
        self.chart.setPlotAreaBackgroundVisible(False)
        self.chart.legend().hide()
        self.chart.setMargins(QMargins(0, 0, 0, 0))
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view = QChartView(self.chart)
        self.view.setObjectName("FeedbackChart")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent; border: none;")
        self.view.setMinimumHeight(300)
        self.view.setAccessibleName("Feedback chart")
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture: nothing to operate
        self.view.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.others = label("body", "")
        self.others.setObjectName("FeedbackOthers")
        self.refresh_button = BigButton("Refresh", role="secondary", icon="retry")
        self.refresh_button.setObjectName("FeedbackRefresh")
        self.refresh_button.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Fixed)
        describe(self.refresh_button, "Refresh", "Reads the answers again.")
        self.refresh_button.clicked.connect(self.refresh_requested)
        for fixed in (title, self.total, self.others):
            fixed.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(title)
        layout.addWidget(self.total)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.others)
        layout.addWidget(self.refresh_button)
        self.rows: list[tuple[str, float]] = []

    def show_summary(self, summary: SurveySummary | None, survey: Survey | None) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        if summary is None or survey is None:
            self.rows = []
            set_text(self.total, "There is no survey on this kiosk.")
            set_text(self.others, "")
            self._describe()
            return
        self.rows = chart_rows(summary, survey)
        n = summary.responses
        set_text(self.total, f"{n} patient{'s' if n != 1 else ''} answered on this kiosk "
                             f"(answers already sent to the hub are not counted)."
                 if n else "No patient has answered the survey on this kiosk yet.")
        set_text(self.others, "\n".join(other_lines(summary, survey)))
        self.others.setVisible(bool(self.others.text()))
        if self.rows:
            self._draw()
        self._describe()

    def _colours(self) -> tuple[QColor, QColor]:
        """The theme's text colour and its accent (from the style sheet's palettes), so the
        chart follows the normal and high-contrast themes."""
        text = self.total.palette().color(QPalette.ColorRole.WindowText)
        accent = self.refresh_button.palette().color(QPalette.ColorRole.ButtonText)
        return text, accent

    def _draw(self) -> None:
        font = QFont(self.font())
        font.setPixelSize(22)
        text, accent = self._colours()
        bars = QBarSet("Score")
        bars.setColor(accent)
        bars.setBorderColor(accent)
        for _, value in reversed(self.rows):  # a horizontal chart draws bottom-up
            bars.append(value)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setBarWidth(0.6)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([text for text, _ in reversed(self.rows)])
        categories.setLabelsFont(font)
        values = QValueAxis()
        values.setRange(0, 100)
        values.setTickCount(6)
        values.setLabelFormat("%d %%")
        values.setLabelsFont(font)
        grid = QColor(text)
        grid.setAlpha(80)
        for axis in (categories, values):
            axis.setLabelsColor(text)
            axis.setLinePenColor(text)
            axis.setGridLineColor(grid)
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)

    def _describe(self) -> None:
        text = "; ".join(html.unescape(label.replace("<br>", ": ")) for label, _ in self.rows) or \
            "No answers to chart yet."
        self.view.setAccessibleDescription(text)
