"""The Comments tab: open answers grouped, identical ones (ignoring case and spacing) once with how many wrote them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.privacy import CourseRedactor
from programme.core.freshness import depends_on
from programme.evaluations.queries import _MODULE_COLUMNS, _with_labels
from programme.funding.queries import funded_module_ids
from programme.models import Answer, Course, EvaluationForm, Module, Question
from programme.people.names import fold

COLUMNS = ["module", "question", "comment", "times"]
# Rows read from the database at a time while grouping.
BATCH_ROWS = 5_000


def comment_key(text: str) -> str:
    """Return what identical comments share: the text in lower case, words single-spaced ("Role  play." = "role play.")."""
    return " ".join(text.casefold().split())


@dataclass
class _Block:
    """The comments of one question of one module, grouped as they are read."""

    head: tuple  # (module id, course code, number, start date, city, question)
    spellings: dict[str, Counter] = field(default_factory=dict)

    def add(self, text: str, times: int) -> None:
        self.spellings.setdefault(comment_key(text), Counter())[text] += times

    def rows(self) -> list[tuple]:
        """Return (head..., comment, times): the spelling most people used, most written first, then by text."""
        grouped = [(counter.most_common(1)[0][0], sum(counter.values())) for counter in self.spellings.values()]
        grouped.sort(key=lambda row: (-row[1], comment_key(row[0]), row[0]))
        return [(*self.head[1:], text, times) for text, times in grouped]


@depends_on(
    module="module_id",
    when={"without_personal_data": "whole_course", "funders": "general", "grants": "general"},
)
def grouped_comments(
    session: Session,
    *,
    module_id: int | None = None,
    question: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    without_personal_data: bool = False,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Return open answers grouped: module, question, comment, times (how many wrote it); never who wrote them.

    Answers to the same question of the same module that differ only in case or spacing are one row, shown
    as most people wrote it. Ordered by module (newest first) and question, then most written first and by
    text, so that one person's answers to several questions cannot be read side by side. search: only
    comments containing those words (accents and case ignored). limit: at most that many rows (the first
    in that order). without_personal_data: comments as viewers read them (privacy.redact: names of the course's
    people, e-mail addresses and phone numbers replaced), grouped and searched as they read them.
    funders, grants: only the modules their grants fund.
    """
    query = (
        sa.select(Module.id, *_MODULE_COLUMNS, Question.text, Module.course_id, Answer.text, sa.func.count())
        .join(Question, Question.id == Answer.question_id)
        .join(EvaluationForm, EvaluationForm.id == Question.form_id)
        .join(Module, Module.id == EvaluationForm.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Answer.text.is_not(None), Answer.text != "")
        .group_by(
            Module.id,
            Course.code,
            Module.number,
            Module.start_date,
            Module.city,
            Question.text,
            Module.course_id,
            Answer.text,
        )
        .order_by(Module.start_date.desc(), Course.code, Module.number, Module.id, Question.text)
    )
    if module_id is not None:
        query = query.where(EvaluationForm.module_id == module_id)
    if funders or grants:
        query = query.where(EvaluationForm.module_id.in_(funded_module_ids(funders, grants)))
    if question:
        query = query.where(Question.text == question)
    needle = fold(search) if search and search.strip() else None
    rows: list[tuple] = []
    block: _Block | None = None
    hide = CourseRedactor(session) if without_personal_data else None
    for *head_cells, course_id, text, times in session.connection().execute(
        query.execution_options(yield_per=BATCH_ROWS)
    ):
        if hide is not None:
            text = hide(course_id, text)
        head = tuple(head_cells)  # module id, course code, number, start date, city, question
        if block is None or block.head != head:
            if block is not None:
                rows.extend(block.rows())
                if limit is not None and len(rows) >= limit:
                    block = None
                    break
            block = _Block(head)
        if needle is None or needle in fold(text):
            block.add(text, int(times))
    if block is not None:
        rows.extend(block.rows())
    rows = rows[:limit] if limit is not None else rows
    columns = ["course", "number", "start_date", "city", "question", "comment", "times"]
    frame = pd.DataFrame(rows, columns=columns).astype({"times": int})
    return _with_labels(frame)[COLUMNS].reset_index(drop=True)
