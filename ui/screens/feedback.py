"""Feedback after the call: one question per page, from the survey data, with big Skip and Next.

Each answer is sent (``answer_given``) the moment it is given: a face, Yes/No or a choice when it
is touched; a number or words when the patient touches Next.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.feedback.survey import question_progress
from kiosk.journey import Journey
from ui.screens.base import LiveState, QuestionView, Screen, scale_layouts
from ui.widgets.buttons import BigButton, describe, keyboard_in_use
from ui.widgets.faces import FaceScale
from ui.widgets.keyboard import OnScreenKeyboard
from ui.widgets.numpad import NumPad
from ui.widgets.text import label, set_text

MAX_TEXT: Final = 500
MAX_NUMBER_DIGITS: Final = 4


class FeedbackScreen(Screen):
    """The survey, one question at a time.

    Signals:
        answer_given(str, object): a question id and its answer (faces: int 1-5, yes_no: bool,
            choice: the option's value, number: int, text: str).
        feedback_finished(): the last question was answered or skipped, or "Finish now".
    """

    answer_given = Signal(str, object)
    feedback_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = 0
        self._drafts: dict[str, str] = {}
        self._answers: dict[str, object] = {}
        self._questions: Sequence[QuestionView] = ()
        self._pending: tuple[tuple[str, str], ...] = ()
        self._page_key: tuple[object, ...] | None = None
        self._language = "en"
        self.page: QWidget | None = None
        self.faces: FaceScale | None = None
        self.choice_buttons: list[tuple[object, BigButton]] = []
        self.text_box: QPlainTextEdit | None = None
        self.keyboard: OnScreenKeyboard | None = None
        self.numpad: NumPad | None = None
        self.number_display: QLabel | None = None
        # Shared by every page; kept as children of the screen (never top-level windows) and
        # moved into each new page.
        self.next_button = BigButton(role="go", icon="arrow_right", parent=self)
        self.next_button.setObjectName("FeedbackNext")
        self.skip_button = BigButton(role="secondary", parent=self)
        self.skip_button.setObjectName("FeedbackSkip")
        self.finish_now_button = BigButton(role="secondary", parent=self)
        self.finish_now_button.setObjectName("FeedbackFinishNow")
        self.next_button.clicked.connect(self._next)
        self.skip_button.clicked.connect(self._advance)
        self.finish_now_button.clicked.connect(self.feedback_finished)
        self.progress = label("hint", parent=self)
        self.intro = label("body", parent=self)
        self.question_label = label("h1", parent=self)
        for widget in (self.next_button, self.skip_button, self.finish_now_button,
                       self.progress, self.intro, self.question_label):
            widget.hide()

    # ----- local state ------------------------------------------------------------------------

    def reset_local(self) -> None:
        self._index = 0
        self._drafts.clear()
        self._page_key = None
        if self.text_box is not None:
            self.text_box.clear()

    def current_question(self) -> QuestionView | None:
        if 0 <= self._index < len(self._questions):
            return self._questions[self._index]
        return None

    def _is_answered(self, q: QuestionView) -> bool:
        if q.kind in ("text", "number"):
            return bool(self._drafts.get(q.id, "").strip()) or q.id in self._answers
        return q.id in self._answers

    def _give(self, q: QuestionView, value: object) -> None:
        self._answers[q.id] = value  # shown at once; the journey confirms on the next render
        self.answer_given.emit(q.id, value)
        self._sync_page()

    def _next(self) -> None:
        q = self.current_question()
        if q is None:
            self.feedback_finished.emit()
            return
        if q.kind in ("text", "number"):
            draft = self._drafts.get(q.id, "").strip()
            if draft:
                value: object = int(draft) if q.kind == "number" else draft
                if self._answers.get(q.id) != value:
                    self._answers[q.id] = value
                    self.answer_given.emit(q.id, value)
        self._advance()

    def _advance(self) -> None:
        if self._index + 1 >= len(self._questions):
            self.feedback_finished.emit()
            return
        self._index += 1
        keyboard = keyboard_in_use()
        self.rerender()
        target = self.default_focus()
        if target is not None and keyboard:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- rendering --------------------------------------------------------------------------

    def default_focus(self) -> QWidget | None:
        q = self.current_question()
        if q is not None and q.kind == "text" and self.text_box is not None:
            return self.text_box
        if q is not None and q.kind == "faces" and self.faces is not None:
            return self.faces.faces[0]
        if self.choice_buttons:
            return self.choice_buttons[0][1]
        return self.next_button

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        current = self.current_question()
        self._questions = list(live.survey)
        self._pending = tuple(live.survey_pending)
        self._answers = dict(journey.visit.answers)
        self._language = live.language
        # The survey may show or hide questions as answers come in: stay on the same question.
        ids = [q.id for q in self._questions]
        if current is not None and current.id in ids:
            self._index = ids.index(current.id)
        if self._index >= len(self._questions):
            self._index = max(0, len(self._questions) - 1)
        q = self.current_question()
        key = (self._index, len(self._questions), q.id if q else None, q.kind if q else None,
               q.text if q else None, self._language)
        if key != self._page_key:
            self._page_key = key
            self._build_page(q)
        self._sync_page()

    def _sync_page(self) -> None:
        q = self.current_question()
        if q is None:
            return
        answer = self._answers.get(q.id)
        if self.faces is not None:
            self.faces.set_value(answer if isinstance(answer, int) else None)
        for value, button in self.choice_buttons:
            # The journey keeps a yes/no answer as "yes"/"no" (kiosk.feedback.survey); the
            # buttons give True/False.
            kept = ("yes" if value else "no") if q.kind == "yes_no" else value
            checked = q.id in self._answers and answer in (value, kept)
            if button.isChecked() != checked:
                button.setChecked(checked)
        if self.number_display is not None:
            shown = self._drafts.get(q.id, "")
            set_text(self.number_display, shown or "–")
        self.skip_button.setVisible(q.optional)
        self.next_button.setEnabled(q.optional or self._is_answered(q))

    def _clear_page(self) -> None:
        if self.page is not None:
            self.outer.removeWidget(self.page)
            for widget in (self.next_button, self.skip_button, self.finish_now_button,
                           self.progress, self.intro, self.question_label):
                widget.setParent(self)  # keep the shared widgets; the page itself goes
                widget.hide()
            self.page.hide()
            self.page.deleteLater()
        self.page = None
        self.faces = None
        self.choice_buttons = []
        self.text_box = None
        self.keyboard = None
        self.numpad = None
        self.number_display = None

    def _build_page(self, q: QuestionView | None) -> None:
        self._clear_page()
        self._fill_page(q)
        page = self.page
        if page is not None:
            # Widgets added to a visible window are shown on the next event loop turn; show
            # them now, so the page is complete the moment render() returns.
            direct = Qt.FindChildOption.FindDirectChildrenOnly
            for child in page.findChildren(QWidget, options=direct):
                if not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                    child.show()
            page.show()
            self._set_tab_order()
            scale_layouts(page, self._scale)

    def _set_tab_order(self) -> None:
        """Answers first, then Finish now, Skip and Next: the order they are read on screen
        (the shared buttons were made before the page, so Qt's default order would put them
        first)."""
        chain: list[QWidget] = []
        if self.faces is not None:
            chain += self.faces.faces
        chain += [button for _value, button in self.choice_buttons]
        if self.text_box is not None:
            chain.append(self.text_box)
        if self.numpad is not None:
            chain += self.numpad.buttons()
        chain += [self.finish_now_button, self.skip_button, self.next_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _fill_page(self, q: QuestionView | None) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(20)
        self.page = page
        self.outer.addWidget(page, 1)
        self._retranslate_nav(q)
        for widget in (self.progress, self.intro, self.question_label, self.next_button,
                       self.skip_button, self.finish_now_button):
            widget.show()
        layout.addWidget(self.progress)
        if self._index == 0:
            layout.addWidget(self.intro)
        else:
            self.intro.hide()
        if q is None:
            set_text(self.question_label, self.tr("Thank you for using the kiosk."))
            layout.addWidget(self.question_label)
            layout.addStretch(1)
            self.skip_button.hide()
            self.finish_now_button.hide()
            layout.addLayout(self._nav_row(with_finish_now=False))
            return
        set_text(self.question_label, q.text)
        self.question_label.setProperty("role", "h2" if q.kind == "text" else "h1")
        self.question_label.style().unpolish(self.question_label)
        self.question_label.style().polish(self.question_label)
        if q.kind == "number":
            self._build_number(layout, q)
        elif q.kind == "text":
            self._build_text(layout, q)
        else:
            layout.addWidget(self.question_label)
            layout.addSpacing(16)
            if q.kind == "faces":
                self.faces = FaceScale()
                labels = list(q.labels)
                if len(labels) == len(self.faces.faces):
                    self.faces.set_words(labels)
                self.faces.chosen.connect(lambda score: self._give(q, score))
                layout.addWidget(self.faces)
            else:
                layout.addWidget(self._choices(q))
            layout.addStretch(1)
            layout.addLayout(self._nav_row(with_finish_now=True))

    def _nav_row(self, *, with_finish_now: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(24)
        if with_finish_now:
            self.finish_now_button.setSizePolicy(QSizePolicy.Policy.Maximum,
                                                 QSizePolicy.Policy.Fixed)
            row.addWidget(self.finish_now_button)
        else:
            self.finish_now_button.hide()
        row.addStretch(1)
        for button in (self.skip_button, self.next_button):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(300)
            row.addWidget(button)
        return row

    def _choices(self, q: QuestionView) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(20)
        if q.kind == "yes_no":
            options: list[tuple[object, str]] = [(True, self.tr("Yes")), (False, self.tr("No"))]
            columns = 2
        else:
            options = list(q.options)
            columns = 3 if len(options) > 4 else 2 if len(options) > 2 else 1
        for n, (value, text) in enumerate(options):
            button = BigButton(text, role="choice")
            button.setObjectName(f"Choice{n}")
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            describe(button, text, self.tr("Choose this answer."))
            button.clicked.connect(lambda _c=False, v=value: self._give(q, v))
            grid.addWidget(button, n // columns, n % columns)
            self.choice_buttons.append((value, button))
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        return box

    def _build_number(self, layout: QVBoxLayout, q: QuestionView) -> None:
        row = QHBoxLayout()
        row.setSpacing(64)
        left = QVBoxLayout()
        left.setSpacing(24)
        layout.removeWidget(self.progress)
        left.addWidget(self.progress)
        if self._index == 0:
            layout.removeWidget(self.intro)
            left.addWidget(self.intro)
        left.addWidget(self.question_label)
        display = label("number_display", "", wrap=False, center=True)
        display.setAccessibleName(self.tr("Your answer"))
        self.number_display = display
        left.addWidget(display)
        left.addStretch(1)
        self.numpad = NumPad()
        self.numpad.digit_pressed.connect(lambda d: self._edit_number(q, d))
        self.numpad.delete_pressed.connect(lambda: self._edit_number(q, ""))
        row.addLayout(left, 1)
        row.addWidget(self.numpad, 1)
        layout.addLayout(row, 1)
        layout.addLayout(self._nav_row(with_finish_now=True))

    def _edit_number(self, q: QuestionView, digit: str) -> None:
        draft = self._drafts.get(q.id, "")
        if digit:
            if len(draft) < MAX_NUMBER_DIGITS:
                draft = (draft + digit).lstrip("0") or "0"
        else:
            draft = draft[:-1]
        self._drafts[q.id] = draft
        self._sync_page()

    def _build_text(self, layout: QVBoxLayout, q: QuestionView) -> None:
        layout.addWidget(self.question_label)
        row = QHBoxLayout()
        row.setSpacing(24)
        box = QPlainTextEdit()
        box.setObjectName("FeedbackText")
        box.setTabChangesFocus(True)
        box.setPlainText(self._drafts.get(q.id, str(self._answers.get(q.id, "") or "")))
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        describe(box, self.tr("Your answer"), self.tr("Type your answer here."))
        box.textChanged.connect(lambda: self._text_changed(q))
        self.text_box = box
        row.addWidget(box, 1)
        for button in (self.skip_button, self.next_button):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(0)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.finish_now_button.hide()
        layout.addLayout(row)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_language(self._language)
        self.keyboard.set_target(box)
        layout.addWidget(self.keyboard)
        layout.addStretch(1)

    def _text_changed(self, q: QuestionView) -> None:
        box = self.text_box
        if box is None:
            return
        text = box.toPlainText()
        if len(text) > MAX_TEXT:
            cursor = box.textCursor()
            box.setPlainText(text[:MAX_TEXT])
            cursor.setPosition(min(cursor.position(), MAX_TEXT))
            box.setTextCursor(cursor)
            text = text[:MAX_TEXT]
        self._drafts[q.id] = text
        self._sync_page()

    # ----- words ------------------------------------------------------------------------------

    def _retranslate_nav(self, q: QuestionView | None) -> None:
        total = len(self._questions)
        # Counted so that it never goes back or jumps (kiosk.feedback.survey.question_progress).
        skipped = [p.id for p in self._questions[: self._index] if p.id not in self._answers]
        number, of = question_progress(self._index, [p.id for p in self._questions],
                                       self._pending, skipped)
        set_text(self.progress, self.tr("Question %1 of %2")
                 .replace("%1", str(number)).replace("%2", str(of)) if total else "")
        set_text(self.intro, self.tr(
            "The call has ended. Please tell us how it went: it helps us improve. You can skip "
            "any question."))
        last = self._index + 1 >= total
        if q is None:
            self.next_button.set_text(self.tr("Finish"))
            describe(self.next_button, self.tr("Finish"), self.tr("Finishes and says goodbye."))
        elif last:
            self.next_button.set_text(self.tr("Finish"))
            describe(self.next_button, self.tr("Finish"),
                     self.tr("Saves your answer and finishes."))
        else:
            self.next_button.set_text(self.tr("Next"))
            describe(self.next_button, self.tr("Next"),
                     self.tr("Saves your answer and shows the next question."))
        self.skip_button.set_text(self.tr("Skip"))
        describe(self.skip_button, self.tr("Skip"),
                 self.tr("Goes on to the next question with no answer."))
        self.finish_now_button.set_text(self.tr("Finish now"))
        describe(self.finish_now_button, self.tr("Finish now"),
                 self.tr("Stops the questions. Answers you gave are kept."))

    def retranslate(self) -> None:
        self._page_key = None  # rebuilt on the next render, in the new language
        self._retranslate_nav(self.current_question())
