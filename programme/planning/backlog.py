"""The topic backlog: topics participants asked for at a module, with who asked and how often, pulled into a
later agenda by planners."""

from __future__ import annotations

import re
from datetime import time

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from programme.access import audit
from programme.core.errors import NotFound, ProgrammeError
from programme.core.words import counted
from programme.courses.catalogue import module_label
from programme.evaluations.summary import suggestions
from programme.models import AgendaSession, Course, Method, Module, TopicSuggestion
from programme.people.names import clean_text, fold
from programme.planning.agenda import add_session, get_module_by_id
from programme.planning.next_steps import previous_module

TYPED = "typed"
FROM_EVALUATION = "evaluation"
# One answer may list several topics, one per line or separated by semicolons.
_ANSWER_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")
BACKLOG_COLUMNS = ["id", "text", "requested_by", "times_asked", "source", "asked_at", "planned_in", "planned_module_id"]


def add_suggestion(
    session: Session,
    *,
    module_id: int,
    text: str,
    requested_by: str | None = None,
    times_asked: int = 1,
    source: str = TYPED,
    by: str | None,
) -> TopicSuggestion:
    """Record a topic asked for at a module and return it; the same topic again adds to how often it was asked."""
    module = get_module_by_id(session, module_id)
    text = clean_text(text)
    if not text:
        raise ProgrammeError("Type the topic that was suggested.")
    if times_asked < 1:
        raise ProgrammeError("A topic was asked for at least once.")
    who = clean_text(requested_by) or None
    same = _find(session, module.id, text)
    if same is None:
        same = TopicSuggestion(
            module_id=module.id,
            text=text[:300],
            requested_by=who[:300] if who else None,
            times_asked=times_asked,
            source=source,
        )
        session.add(same)
    else:
        same.times_asked += times_asked
        if who and fold(who) not in fold(same.requested_by or ""):
            same.requested_by = "; ".join(filter(None, [same.requested_by, who]))[:300]
    session.flush()
    audit.record(
        session,
        action="create",
        username=by,
        entity="topic_suggestion",
        entity_id=same.id,
        summary=f"topic for after module {module.id}, asked {counted(same.times_asked, 'time')}",
    )
    return same


def _find(session: Session, module_id: int, text: str) -> TopicSuggestion | None:
    suggestions = session.scalars(sa.select(TopicSuggestion).where(TopicSuggestion.module_id == module_id))
    return next((s for s in suggestions if fold(s.text) == fold(text)), None)


def backlog_table(session: Session, module_ids: list[int]) -> pd.DataFrame:
    """Return the topics asked for at these modules, most asked first, with where each was planned."""
    if not module_ids:
        return pd.DataFrame(columns=BACKLOG_COLUMNS)
    planned = aliased(Module)
    planned_course = aliased(Course)
    query = (
        sa.select(TopicSuggestion, Module.number, Course.code, planned, planned_course.code.label("planned_code"))
        .join(Module, Module.id == TopicSuggestion.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(planned, planned.id == TopicSuggestion.planned_module_id)
        .outerjoin(planned_course, planned_course.id == planned.course_id)
        .where(TopicSuggestion.module_id.in_(module_ids))
        .order_by(TopicSuggestion.times_asked.desc(), TopicSuggestion.text)
    )
    rows = []
    for suggestion, number, code, planned_module, planned_code in session.execute(query):
        rows.append(
            {
                "id": suggestion.id,
                "text": suggestion.text,
                "requested_by": suggestion.requested_by or "",
                "times_asked": suggestion.times_asked,
                "source": suggestion.source,
                "asked_at": f"{code} · Module {number}",
                "planned_in": module_label(
                    planned_code, planned_module.number, planned_module.start_date, planned_module.city
                )
                if planned_module
                else "",
                "planned_module_id": suggestion.planned_module_id,
            }
        )
    return pd.DataFrame(rows, columns=BACKLOG_COLUMNS)


def backlog_for_module(session: Session, module_id: int) -> pd.DataFrame:
    """Return the topics to consider when planning this module: those asked at the previous module and at this one."""
    before = previous_module(session, module_id)
    ids = [before.id] if before else []
    return backlog_table(session, ids + [module_id])


def pull_into_agenda(
    session: Session,
    *,
    suggestion_id: int,
    module_id: int,
    day: int,
    start: time,
    end: time,
    method: str = Method.PRESENTATION.value,
    by: str | None,
) -> AgendaSession:
    """Add a session on a suggested topic to a module's agenda, mark the topic as planned there, and return it."""
    suggestion = session.get(TopicSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("That topic is no longer in the backlog; reload the page.")
    if suggestion.planned_module_id is not None:
        raise ProgrammeError("This topic is already planned in a module's agenda.")
    created = add_session(
        session, module_id=module_id, day=day, start=start, end=end, title=suggestion.text, method=method, by=by
    )
    suggestion.planned_module_id = module_id
    session.flush()
    audit.record(
        session,
        action="update",
        username=by,
        entity="topic_suggestion",
        entity_id=suggestion.id,
        summary=f"planned in module {module_id} (session {created.id})",
    )
    return created


def evaluation_suggestions(session: Session, module_id: int) -> pd.DataFrame:
    """Return the topics written in a module's evaluation forms under the backlog question: [text, times_asked]."""
    return suggestions(session, module_id).rename(columns={"times": "times_asked"})


def take_in_evaluation_suggestions(session: Session, *, module_id: int, by: str | None) -> tuple[int, int]:
    """Add the evaluation forms' suggested topics to the module's backlog; return (added, updated).

    Running it again after more forms came in updates the counts instead of adding the topics twice;
    a topic already typed in by a planner is left as typed.
    """
    module = get_module_by_id(session, module_id)
    added = updated = 0
    for row in evaluation_suggestions(session, module.id).itertuples():
        same = _find(session, module.id, row.text)
        if same is None:
            session.add(
                TopicSuggestion(
                    module_id=module.id,
                    text=row.text[:300],
                    requested_by="evaluation forms",
                    times_asked=int(row.times_asked),
                    source=FROM_EVALUATION,
                )
            )
            added += 1
        elif same.source == FROM_EVALUATION and same.times_asked != int(row.times_asked):
            same.times_asked = int(row.times_asked)
            updated += 1
    session.flush()
    audit.record(
        session,
        action="import",
        username=by,
        entity="topic_suggestion",
        entity_id=module.id,
        summary=f"evaluation suggestions of module {module.id}: {added} added, {updated} updated",
    )
    return added, updated


def taken_in_sentence(added: int, updated: int) -> str:
    """Return what take_in_evaluation_suggestions did, in words: "2 topics added to the backlog; 1 topic already there
    counted again, with the forms received since."."""
    if not added and not updated:
        return "Nothing to add: every suggestion is already in the backlog, counted as often as it was written."
    parts = [f"{counted(added, 'topic')} added to the backlog"] if added else []
    if updated:
        parts.append(f"{counted(updated, 'topic')} already there counted again, with the forms received since")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def nothing_to_pull(topics: pd.DataFrame, suggested: int) -> str:
    """Return what the backlog's "Pull a topic into an agenda" says when no topic can be pulled, naming which of its two
    cases holds and what to do: the backlog is empty, or every topic in it is planned already (topics: the module's
    backlog_for_module; suggested: the suggestions its evaluation forms hold, evaluation_suggestions)."""
    forms = (
        f" or add the {counted(suggested, 'suggestion')} from the evaluation forms (**Add these to the backlog**)"
        if suggested
        else ""
    )
    if topics.empty:
        return f"The backlog is empty: type in a topic the plenary asked for (**Type in a topic**){forms}, then pull it in here."
    return (
        f"Every topic in the backlog is planned already ({counted(len(topics), 'topic')}: see **Planned in** above). "
        f"To plan another, type it in (**Type in a topic**){forms}, then pull it in here."
    )
