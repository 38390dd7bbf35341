"""Evaluation forms, their questions, and the responses and answers collected."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import enum_field, utcnow
from .enums import QuestionKind, RespondentAttributeKind, ResponseSource

# The usual 1-5 scale; a form may store its own labels in scale_labels (JSON list of 5).
RATING_MIN = 1
RATING_MAX = 5
# A question keeps its own range (scale_min, scale_max): the usual 1-5, or 0-10 ("How likely are you to
# recommend...", the survey tools' NPS and 0-10 linear scales). Answers of different ranges are never averaged
# together: the module's average and every comparison read 1-5 questions only (evaluations/means.py).
ZERO_TO_TEN = (0, 10)
SCALE_RANGES = ((RATING_MIN, RATING_MAX), ZERO_TO_TEN)
ANSWER_MIN = min(low for low, _ in SCALE_RANGES)
ANSWER_MAX = max(high for _, high in SCALE_RANGES)


class EvaluationForm(SQLModel, table=True):
    """The form filled at the end of a module."""

    __tablename__ = "evaluation_form"

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=300)
    asks_name: bool = False
    scale_labels: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Question(SQLModel, table=True):
    """A rating (1-5, or 0-10) or open-text question, optionally about one session."""

    __tablename__ = "evaluation_question"
    __table_args__ = (
        sa.UniqueConstraint("form_id", "position", name="uq_question_form_position"),
        sa.CheckConstraint(
            " OR ".join(f"(scale_min = {low} AND scale_max = {high})" for low, high in SCALE_RANGES),
            name="ck_question_scale",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="evaluation_form.id", index=True, ondelete="CASCADE")
    position: int
    text: str = Field(max_length=500)
    kind: QuestionKind = enum_field(QuestionKind, default=QuestionKind.RATING)
    session_id: int | None = Field(default=None, foreign_key="agenda_session.id", index=True, ondelete="SET NULL")
    # Marks the standard question whose answers feed the topic backlog.
    feeds_backlog: bool = False
    # The range of its ratings (migration 0015): 1-5, or 0-10; the answers' range is checked when they are read.
    scale_min: int = Field(default=RATING_MIN, sa_column=sa.Column(sa.Integer, nullable=False, server_default="1"))
    scale_max: int = Field(default=RATING_MAX, sa_column=sa.Column(sa.Integer, nullable=False, server_default="5"))
    # Whether its answers are the form's scale labels (migration 0021): false for a column of an export answered with
    # numbers alone ("Overall rating (1-5)") or another scale's words, whose charts then name the ratings by number.
    uses_form_labels: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    )
    # Whether new forms ask it (migration 0023): a question with answers is never deleted (its answers are figures);
    # taken off the form instead, it is no longer on the paper-entry form or the online form, and its answers stay.
    asked: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true()))
    # The wordings its answers were given to before it was reworded (migration 0023): a JSON list, oldest first, or
    # none. Shown beside the question, and read by the evaluation import, whose later exports still name the column
    # by its old wording.
    earlier_texts: str | None = None
    # Whether a user set it to no agenda session (migration 0024): an agenda change then never ties it to a session
    # its text names (forms.link_questions), which would move its ratings into that session's figures.
    untied: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))


class Response(SQLModel, table=True):
    """One filled-in form: anonymous unless the form asked for a name."""

    __tablename__ = "evaluation_response"
    __table_args__ = (sa.UniqueConstraint("form_id", "external_id", name="uq_response_form_external"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="evaluation_form.id", index=True, ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True, ondelete="SET NULL")
    submitted_at: datetime | None = None
    source: ResponseSource = enum_field(ResponseSource, default=ResponseSource.IMPORT)
    # The survey tool's own id (e.g. _uuid): re-importing an export adds no duplicates.
    external_id: str | None = Field(default=None, max_length=100)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class Answer(SQLModel, table=True):
    __tablename__ = "evaluation_answer"
    __table_args__ = (
        sa.CheckConstraint(
            f"rating IS NULL OR rating BETWEEN {ANSWER_MIN} AND {ANSWER_MAX}",
            name="ck_answer_rating",
        ),
    )

    response_id: int = Field(foreign_key="evaluation_response.id", primary_key=True, ondelete="CASCADE")
    question_id: int = Field(
        foreign_key="evaluation_question.id",
        primary_key=True,
        index=True,
        ondelete="CASCADE",
    )
    rating: int | None = None
    text: str | None = None


class RespondentAttribute(SQLModel, table=True):
    """A fact about who answered (country, organisation type, gender...), as the export gave it: not a comment.

    Names and e-mails are never stored here: an anonymous form stays anonymous.
    """

    __tablename__ = "evaluation_respondent_attribute"

    response_id: int = Field(foreign_key="evaluation_response.id", primary_key=True, ondelete="CASCADE")
    attribute: RespondentAttributeKind = Field(
        sa_column=sa.Column(
            sa.Enum(
                RespondentAttributeKind,
                native_enum=False,
                create_constraint=True,
                length=40,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True,
                name="ck_respondentattributekind",
            ),
            primary_key=True,
        )
    )
    value: str = Field(max_length=200)
