"""Patient feedback: the survey model (from data files), the recorder of a visit's answers and
the local answer store with its outbox for the hub. Answers are anonymous and never lost; see
:mod:`kiosk.feedback.survey`, :mod:`kiosk.feedback.recorder` and :mod:`kiosk.feedback.store` for
the rules."""

from kiosk.feedback.store import (
    CALL_DURATIONS,
    CALL_QUALITIES,
    CONTEXT_FIELDS,
    ContextError,
    CorruptStoreError,
    FeedbackStore,
    FeedbackStoreError,
    PendingAnswer,
    QuestionSummary,
    StoreCounts,
    SurveySummary,
    call_duration_bucket,
    check_context,
)
from kiosk.feedback.survey import (
    LANGUAGES,
    AnswerError,
    AnswerValue,
    Kind,
    Option,
    Question,
    ShowIf,
    Survey,
    SurveyError,
    Wording,
    clean_text,
    load_survey,
    validate_answer,
)

__all__ = [
    "CALL_DURATIONS",
    "CALL_QUALITIES",
    "CONTEXT_FIELDS",
    "LANGUAGES",
    "AnswerError",
    "AnswerValue",
    "ContextError",
    "CorruptStoreError",
    "FeedbackStore",
    "FeedbackStoreError",
    "Kind",
    "Option",
    "PendingAnswer",
    "Question",
    "QuestionSummary",
    "ShowIf",
    "StoreCounts",
    "Survey",
    "SurveyError",
    "SurveySummary",
    "Wording",
    "call_duration_bucket",
    "check_context",
    "clean_text",
    "load_survey",
    "validate_answer",
]
