"""Copying an earlier module's evaluation form into a module's: its questions on the form (wording, kind, scale,
topic-backlog flag), a question about a session tied to this module's session of the same title, and a report of
what was left out and why (no session of that title on this agenda, already on this form, taken off the earlier
form). Written through form_editing.save_rows: audited, with the same rules as every other change to a form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import counted
from programme.courses.catalogue import module_label
from programme.evaluations.form_editing import QuestionRow, check_can_edit, form_rows, save_rows
from programme.evaluations.forms import (
    METHODS_NOT_RATED,
    SESSION_QUESTION,
    STANDARD_TITLE,
    form_questions,
    module_form,
    module_sessions,
)
from programme.evaluations.scales import scale_text
from programme.models import AgendaSession, AuditEntry, Course, EvaluationForm, Module, Question, QuestionKind
from programme.people.names import fold

# How many of this agenda's sessions without a question a sentence names (the others are counted).
SHOWN_TITLES = 10


@dataclass
class CopyPlan:
    """What copying an earlier module's form brings: the questions to copy (session ones tied to this module's
    sessions of the same title), and those left out, each for its reason."""

    from_module_id: int
    from_label: str
    form_title: str = STANDARD_TITLE
    asks_name: bool = False
    scale_labels: str | None = None
    copied: list[QuestionRow] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)  # (question, this module's session it is tied to)
    not_linked: list[tuple[str, str]] = field(default_factory=list)  # (question, the earlier session's title)
    already_there: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)
    sessions_left: list[str] = field(default_factory=list)  # this module's sessions no copied question is about
    session_titles: dict[int, str] = field(default_factory=dict)  # this module's sessions the copies are about

    def table(self) -> pd.DataFrame:
        """Return the questions to copy: question, kind, scale (a rating's) and agenda session (its title or blank)."""
        rows = [
            (
                row.text,
                row.kind.value,
                scale_text(row.scale) if row.kind == QuestionKind.RATING else "",
                self.session_titles.get(row.session_id, "") if row.session_id is not None else "",
            )
            for row in self.copied
        ]
        return pd.DataFrame(rows, columns=["question", "kind", "scale", "agenda session"])

    def sentences(self) -> list[str]:
        """Return what the copy brings and leaves out, in a few sentences (left_out() names each question left out)."""
        said = [f"{counted(len(self.copied), 'question')} from {self.from_label}"
                + (f", {len(self.linked):,} of them tied to this module's session of the same title." if self.linked
                   else ".")]  # fmt: skip
        reasons = [
            (self.not_linked, "whose session is not on this module's agenda (no session of the same title)"),
            (self.already_there, "already on this module's form"),
            (self.not_asked, "taken off the earlier form"),
        ]
        left = [f"{counted(len(items), 'question')} {why}" for items, why in reasons if items]
        if left:
            said.append("Not copied: " + "; ".join(left) + ".")
        if self.sessions_left:
            shown = "; ".join(f"“{title}”" for title in self.sessions_left[:SHOWN_TITLES])
            more = len(self.sessions_left) - SHOWN_TITLES
            said.append(
                f"{counted(len(self.sessions_left), 'session')} of this module's agenda no copied question is about: "
                + shown
                + (f" and {more:,} more" if more > 0 else "")
                + " (add their questions once copied)."
            )
        return said

    def left_out(self) -> pd.DataFrame:
        """Return the questions not copied, each with why: [question, why not copied]."""
        rows = [
            *((text, f"no session “{title}” on this module's agenda") for text, title in self.not_linked),
            *((text, "already on this module's form") for text in self.already_there),
            *((text, "taken off the earlier form") for text in self.not_asked),
        ]
        return pd.DataFrame(rows, columns=["question", "why not copied"])


def copy_sources(session: Session, module_id: int, search: str | None = None) -> dict[int, str]:
    """Return {module id: label} of the newest modules (at most the pickers' limit) other than this one whose
    evaluation form asks at least one question, matching search like the module pickers; this course's first."""
    from programme.courses.search import PICKER_LIMIT, _words

    module = session.get(Module, module_id)
    if module is None:
        raise NotFound("That module does not exist.")
    asked = (
        sa.select(EvaluationForm.module_id)
        .join(Question, Question.form_id == EvaluationForm.id)
        .where(Question.asked.is_(True))
    )
    query = (
        sa.select(Module.id, Course.code, Module.number, Module.start_date, Module.city)
        .join(Course, Course.id == Module.course_id)
        .where(Module.id != module_id, Module.id.in_(asked))
    )
    query = _words(query, search, Course.code, Course.title, Module.title, Module.city)
    same_course = sa.case((Module.course_id == module.course_id, 0), else_=1)
    rows = session.execute(
        query.order_by(same_course, Module.start_date.desc(), Course.code, Module.number).limit(PICKER_LIMIT)
    )
    return {int(row.id): module_label(row.code, row.number, row.start_date, row.city) for row in rows}


def plan_copy(session: Session, *, module_id: int, from_module_id: int) -> CopyPlan:
    """Return what copying the earlier module's form into this module's would do, writing nothing.

    Its questions on the form are copied (wording, kind, scale, topic-backlog flag), those it took off are not. A
    question about a session is tied to this module's session of the same title (case, accents and spacing aside;
    the second of two sessions so titled to the second); one whose session this agenda lacks is not copied, and said.
    A question whose wording this module's form already has is not copied again."""
    if module_id == from_module_id:
        raise ProgrammeError("Choose another module: this is the module whose form you are editing.")
    module, source = session.get(Module, module_id), session.get(Module, from_module_id)
    if module is None or source is None:
        raise NotFound("That module does not exist.")
    earlier = module_form(session, from_module_id)
    if earlier is None:
        raise ProgrammeError("That module has no evaluation form to copy.")
    course = session.get(Course, source.course_id)
    plan = CopyPlan(
        from_module_id=from_module_id,
        from_label=module_label(course.code, source.number, source.start_date, source.city),
        form_title=earlier.title,
        asks_name=earlier.asks_name,
        scale_labels=earlier.scale_labels,
    )
    own = module_form(session, module_id)
    present = {fold(q.text) for q in form_questions(session, own.id)} if own else set()
    targets = _same_titles(module_sessions(session, from_module_id), module_sessions(session, module_id))
    earlier_titles = {s.id: s.title for s in module_sessions(session, from_module_id)}
    for question in form_questions(session, earlier.id):
        if not question.asked:
            plan.not_asked.append(question.text)
            continue
        text, target = question.text, None
        if question.session_id is not None:
            title = earlier_titles.get(question.session_id, "")
            target = targets.get(question.session_id)
            if target is None:
                plan.not_linked.append((question.text, title))
                continue
            if text == SESSION_QUESTION.format(title=title):
                text = SESSION_QUESTION.format(title=target.title)  # the standard wording, with this agenda's title
        if fold(text) in present:
            plan.already_there.append(text)
            continue
        present.add(fold(text))
        if target is not None:
            plan.linked.append((text, target.title))
            plan.session_titles[int(target.id)] = target.title
        scale = (question.scale_min, question.scale_max)
        plan.copied.append(
            QuestionRow(None, None, text, question.kind, scale, bool(question.feeds_backlog),
                        int(target.id) if target is not None else None, True, f"“{text}”")
        )  # fmt: skip
    covered = {q.session_id for q in form_questions(session, own.id)} if own else set()
    covered |= {row.session_id for row in plan.copied if row.session_id is not None}
    plan.sessions_left = [
        s.title
        for s in module_sessions(session, module_id)
        if s.id not in covered and s.method not in METHODS_NOT_RATED
    ]
    return plan


def _same_titles(earlier: Sequence[AgendaSession], sessions: Sequence[AgendaSession]) -> dict[int, AgendaSession]:
    """Return {earlier session id: this module's session of the same title} (case, accents and spacing aside): the
    n-th earlier session so titled, in agenda order, goes to the n-th here; one without a match is left out."""
    here: dict[str, list[AgendaSession]] = {}
    for agenda_session in sessions:
        here.setdefault(fold(agenda_session.title), []).append(agenda_session)
    seen: dict[str, int] = {}
    matched = {}
    for agenda_session in earlier:
        key = fold(agenda_session.title)
        index = seen[key] = seen.get(key, -1) + 1
        if key and index < len(here.get(key, [])):
            matched[int(agenda_session.id)] = here[key][index]
    return matched


def copy_form(
    session: Session,
    *,
    module_id: int,
    from_module_id: int,
    by: SignedIn,
    expect_form_id: int | None = None,
) -> CopyPlan:
    """Copy an earlier module's form into this module's (plan_copy says what) and return the plan.

    Without a form yet, this module gets one with the earlier form's title, name question and scale labels; with
    one, the copied questions are added after its own. expect_form_id: the form the page showed (None: none). When
    a colleague made this module's form since, nothing is copied and the refusal names them."""
    check_can_edit(by)
    own = module_form(session, module_id)
    if (own.id if own else None) != expect_form_id:
        who = _last_form_change(session, own.id) if own else None
        if own is not None and expect_form_id is None:
            raise ProgrammeError(
                f"{who or 'Someone else'} made this module's evaluation form while you were choosing, so nothing "
                "was copied. Look at its questions, then copy again to add the earlier module's."
            )
        raise ProgrammeError("This module's evaluation form changed while you were choosing; reload the page.")
    plan = plan_copy(session, module_id=module_id, from_module_id=from_module_id)
    if not plan.copied:
        raise ProgrammeError("Nothing to copy. " + " ".join(plan.sentences()[1:]))
    if own is None:
        own = EvaluationForm(
            module_id=module_id, title=plan.form_title, asks_name=plan.asks_name, scale_labels=plan.scale_labels
        )
        session.add(own)
        session.flush()
        audit.record(
            session,
            action="create",
            username=by.username,
            entity="evaluation_form",
            entity_id=own.id,
            summary=f"{plan.form_title} (copied from {plan.from_label})"[:500],
        )
    save_rows(session, own, [*form_rows(session, own.id), *plan.copied], by=by)
    return plan


def _last_form_change(session: Session, form_id: int) -> str | None:
    """Who made or last changed a form (for a refusal's sentence)."""
    return session.scalar(
        sa.select(AuditEntry.username)
        .where(AuditEntry.entity == "evaluation_form", AuditEntry.entity_id == form_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
