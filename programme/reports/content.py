"""What a module report says, gathered from the database: plain data, no document formatting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.privacy import people_of_courses, redact
from programme.core.words import date_span  # noqa: F401 (its home was here: reports import it from here)
from programme.evaluations.forms import module_form
from programme.evaluations.scales import form_labels
from programme.evaluations.summary import module_summary, suggestions
from programme.evaluations.wording import quoted_wordings, with_earlier
from programme.models import (
    ActionFocalPoint,
    ActionItem,
    AgendaSession,
    Answer,
    Course,
    CoursePartner,
    EvaluationForm,
    Module,
    Organisation,
    Participation,
    ParticipationRole,
    PartnerRole,
    Person,
    Question,
    QuestionKind,
    SessionFacilitator,
    SessionPersonRole,
    TopicSuggestion,
)
from programme.people.countries import country_name
from programme.people.names import by_name, fold, sort_name
from programme.planning.methods import is_training
from programme.reach import ReachFilter, by_country, by_gender, by_org_type, headline_figures, registrations


@dataclass
class AgendaItem:
    day: int
    start: time
    end: time
    title: str
    method: str
    facilitators: list[str]
    unnamed_facilitators: int
    notes: str | None
    room: str | None = None
    resource_persons: list[str] = field(default_factory=list)
    unnamed_resource_persons: int = 0


@dataclass
class NextStep:
    text: str
    due: date | None
    status: str
    focal_points: list[str]
    unnamed_focal_points: int


@dataclass
class ModuleReportContent:
    """Everything the module report shows, in the report's order."""

    course_code: str
    course_title: str
    module_number: int
    module_title: str
    focus: str | None
    objectives: str | None
    start: date
    end: date
    place: str
    partners: list[tuple[str, str]]
    figures: dict[str, float]
    roles: dict[str, int]
    by_country: pd.DataFrame
    by_org_type: pd.DataFrame
    by_gender: pd.DataFrame
    listed_participants: pd.DataFrame
    unlisted_participants: int
    agenda: list[AgendaItem] = field(default_factory=list)
    evaluation: pd.DataFrame = field(default_factory=pd.DataFrame)
    evaluation_responses: int = 0
    # The evaluation form's lowest and highest labels ("Poor", "Excellent" when it keeps none of its own).
    scale_ends: tuple[str, str] = ("Poor", "Excellent")
    # Which of the rated 1-5 questions were answered with those labels: "all", "some", or "none" (numbers only).
    labels_used: str = "all"
    next_steps: list[NextStep] = field(default_factory=list)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The module's facilitators and resource persons by role, named: their role is public in the programme.
    team: dict[str, list[str]] = field(default_factory=dict)
    # How the registration list compares (reach.registrations): registered, registered_took_part, ...
    registrations: dict[str, int] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        """The sessions of the report's programme: the agenda's rows but breaks and meals (as its PROGRAM CONTENT)."""
        return sum(1 for item in self.agenda if is_training(item.method))


def public_name(person: Person) -> str | None:
    """Return the person's name when they consented to being listed (and were not erased), else None."""
    if person.consent_listed and person.erased_at is None and person.full_name:
        return person.full_name
    return None


def staff_name(person: Person) -> str | None:
    """Return the name of someone who led sessions or facilitated (a public role), unless they were erased."""
    return person.full_name if person.erased_at is None and person.full_name else None


def _names(people: list[Person], *, named: Callable[[Person], str | None] = public_name) -> tuple[list[str], int]:
    names = [name for name in (named(p) for p in people) if name]
    return names, len(people) - len(names)


TEAM_ROLES = (ParticipationRole.FACILITATOR, ParticipationRole.RESOURCE_PERSON)


def _team(session: Session, module_id: int) -> dict[str, list[str]]:
    """Return the names of the module's facilitators and resource persons, by role (erased people left out): those
    listed with that role, and those who led or spoke in its sessions without being on its list (typed in the
    agenda only); a person on the list keeps the role it gives them."""
    team: dict[str, list[str]] = {}
    for role, person in sorted(_team_roles(session, module_id).values(), key=lambda pair: pair[1].full_name or ""):
        name = staff_name(person)
        if name:
            team.setdefault(role, []).append(name)
    return team


def _team_roles(session: Session, module_id: int) -> dict[int, tuple[str, Person]]:
    """Return {person id: (role, person)} for the module's team as _team reads it."""
    rows = session.execute(
        sa.select(Participation.role, Person)
        .join(Person, Person.id == Participation.person_id)
        .where(Participation.module_id == module_id, Participation.role.in_(TEAM_ROLES))
        .order_by(Person.sort_name)
    ).all()
    led = session.execute(
        sa.select(SessionFacilitator.role, Person)
        .join(Person, Person.id == SessionFacilitator.person_id)
        .join(AgendaSession, AgendaSession.id == SessionFacilitator.session_id)
        .where(AgendaSession.module_id == module_id)
        .order_by(SessionFacilitator.role, Person.sort_name)
    ).all()
    listed = set(session.scalars(sa.select(Participation.person_id).where(Participation.module_id == module_id)))
    roles: dict[int, tuple[str, Person]] = {}
    for role, person in rows:
        roles.setdefault(person.id, (str(getattr(role, "value", role)), person))
    for role, person in led:  # people on the module's list keep the role it gives them (a participant stays one)
        if person.id not in listed:
            roles.setdefault(person.id, (str(getattr(role, "value", role)), person))
    return roles


def _partners(session: Session, course_id: int) -> list[tuple[str, str]]:
    rows = session.execute(
        sa.select(Organisation.name, CoursePartner.role)
        .join(Organisation, Organisation.id == CoursePartner.organisation_id)
        .where(CoursePartner.course_id == course_id)
    ).all()
    named = [(name, getattr(role, "value", role)) for name, role in rows]
    # Organisers first, then co-organisers, hosts and funders (PartnerRole's order); each role's by name.
    order = {role.value: number for number, role in enumerate(PartnerRole)}
    return sorted(by_name(named, lambda row: row[0]), key=lambda row: order.get(row[1], len(order)))


def _roles(session: Session, module_id: int) -> dict[str, int]:
    rows = session.execute(
        sa.select(Participation.role, sa.func.count())
        .where(Participation.module_id == module_id)
        .group_by(Participation.role)
    ).all()
    return {getattr(role, "value", role): int(n) for role, n in rows}


def _listed_participants(session: Session, module_id: int) -> tuple[pd.DataFrame, int]:
    people = session.scalars(
        sa.select(Person)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.module_id == module_id, Participation.role == ParticipationRole.PARTICIPANT)
        # Who took part: a registration alone, or a no-show, is not a participant of the module.
        .where(Participation.attended.is_(True))
    ).all()
    # By family name, capitals and accents aside, then by name; someone with no family name recorded by their whole
    # name (in SQL the databases put a NULL family name first or last, and compare accents as their collation does).
    people = sorted(
        people, key=lambda p: (sort_name(p.family_name) if p.family_name else p.sort_name, p.sort_name, p.id)
    )
    organisations = dict(session.execute(sa.select(Organisation.id, Organisation.name)).all())
    rows = [
        {
            "name": public_name(p),
            "country": country_name(p.nationality),
            # The organisation is shared only where that consent was given as well.
            "organisation": organisations.get(p.organisation_id, "") if p.consent_organisation else "",
        }
        for p in people
        if public_name(p)
    ]
    return pd.DataFrame(rows, columns=["name", "country", "organisation"]), len(people) - len(rows)


def _agenda(session: Session, module_id: int) -> list[AgendaItem]:
    sessions = session.scalars(
        sa.select(AgendaSession)
        .where(AgendaSession.module_id == module_id)
        .order_by(AgendaSession.day, AgendaSession.start_time, AgendaSession.position)
    ).all()
    items = []
    for item in sessions:
        led = session.execute(
            sa.select(Person, SessionFacilitator.role)
            .join(SessionFacilitator, SessionFacilitator.person_id == Person.id)
            .where(SessionFacilitator.session_id == item.id)
            .order_by(Person.sort_name)
        ).all()
        # Facilitators lead the session; resource persons speak in it: the report names them apart.
        names, unnamed = _names([p for p, role in led if role != SessionPersonRole.RESOURCE_PERSON], named=staff_name)
        speakers, unnamed_speakers = _names(
            [p for p, role in led if role == SessionPersonRole.RESOURCE_PERSON], named=staff_name
        )
        items.append(
            AgendaItem(
                item.day,
                item.start_time,
                item.end_time,
                item.title,
                getattr(item.method, "value", item.method),
                names,
                unnamed,
                item.notes,
                room=item.room,
                resource_persons=speakers,
                unnamed_resource_persons=unnamed_speakers,
            )
        )
    return items


def evaluation_summary(session: Session, module_id: int) -> tuple[pd.DataFrame, int]:
    """Return (question, responses, mean rating, scale) per rating question of the module's forms, and the response
    count. scale: "1-5", or "0-10" for a question on its own range (its mean is out of 10). A reworded question is
    named with the wordings its answers were also given to: "… (formerly: “…”)".

    The figures are the evaluation area's own summary (the same as `evaluation summary --json`).
    """
    summary = module_summary(session, module_id)
    rows = [
        (with_earlier(q["text"], quoted_wordings(q["earlier"])), q["n"], q["mean"], q["scale"])
        for q in summary["questions"]
        if q["kind"] == "rating" and q["n"]
    ]
    frame = pd.DataFrame(rows, columns=["question", "responses", "mean rating", "scale"])
    return frame, int(summary["responses"])


def _scale_ends(session: Session, module_id: int) -> tuple[str, str]:
    """Return the lowest and highest labels of the module's evaluation form (the default ones when it has none)."""
    form = module_form(session, module_id)
    labels = form_labels(form.scale_labels if form else None)
    return labels[0], labels[-1]


def _labels_used(session: Session, module_id: int) -> str:
    """Return whether the module's rated 1-5 questions were answered with the form's labels: "all", "some" or "none"
    (an export's "Overall rating (1-5)" answered with numbers is not described by its sessions' words)."""
    # The module's questions read by its forms' ids and filtered here: a condition on the kind in the statement led
    # SQLite through the kind's index to every rating question of every module (2 s at 500,000 people).
    forms = list(session.scalars(sa.select(EvaluationForm.id).where(EvaluationForm.module_id == module_id)))
    questions = session.execute(
        sa.select(Question.id, Question.uses_form_labels, Question.kind, Question.scale_min, Question.scale_max).where(
            Question.form_id.in_(forms)
        )
    ).all()
    five_point = {
        question_id: uses_labels
        for question_id, uses_labels, kind, low, high in questions
        if getattr(kind, "value", kind) == QuestionKind.RATING.value and (low, high) == (1, 5)
    }
    rated: set[int] = set()
    if five_point:
        answered = sa.select(Answer.question_id).where(
            Answer.question_id.in_(list(five_point)), Answer.rating.is_not(None)
        )
        rated = set(session.scalars(answered.distinct()))
    flags = {five_point[question_id] for question_id in rated}
    return "some" if len(flags) > 1 else "none" if flags == {False} else "all"


def _next_steps(session: Session, module_id: int) -> list[NextStep]:
    """The module's next steps. A focal point is named when they consented to being listed, or when they are of the
    module's team (its facilitators and resource persons, whom the report names in its summary as a public role): the
    report named a facilitator there and then counted them among "2 people not named here" as a focal point."""
    team = set(_team_roles(session, module_id))

    def named(person: Person) -> str | None:
        return staff_name(person) if person.id in team else public_name(person)

    actions = session.scalars(
        sa.select(ActionItem).where(ActionItem.module_id == module_id).order_by(ActionItem.id)
    ).all()
    steps = []
    for action in actions:
        people = session.scalars(
            sa.select(Person)
            .join(ActionFocalPoint, ActionFocalPoint.person_id == Person.id)
            .where(ActionFocalPoint.action_item_id == action.id)
            .order_by(Person.sort_name)
        ).all()
        names, unnamed = _names(list(people), named=named)
        steps.append(
            NextStep(action.text, action.due_date, getattr(action.status, "value", action.status), names, unnamed)
        )
    return steps


def _topics(session: Session, module_id: int) -> pd.DataFrame:
    """The topics suggested for the next module: the module's backlog, and the evaluation forms' suggestions not
    yet taken into it (the report does not wait for a planner to take them in)."""
    rows = [
        (text, int(times))
        for text, times in session.execute(
            sa.select(TopicSuggestion.text, TopicSuggestion.times_asked).where(TopicSuggestion.module_id == module_id)
        )
    ]
    in_backlog = {fold(text) for text, _ in rows}
    rows += [
        (text, int(times))
        for text, times in suggestions(session, module_id).itertuples(index=False)
        if fold(text) not in in_backlog
    ]
    rows.sort(key=lambda row: (-row[1], row[0]))
    return pd.DataFrame(rows, columns=["topic", "times asked"])


def module_report_content(session: Session, module_id: int) -> ModuleReportContent:
    """Return what the report of one module says.

    The report goes to funders: the free text in it (agenda notes, next steps, the topics participants asked
    for, which come from evaluation comments) has the names and phone numbers of the course's people and any
    e-mail address or phone number replaced (privacy.redact). People are named only in the lists that follow
    their consent.
    """
    module = session.get(Module, module_id)
    course = session.get(Course, module.course_id)
    people = people_of_courses(session, [course.id])[course.id]
    participants = ReachFilter(module_ids=(module_id,), roles=(ParticipationRole.PARTICIPANT.value,))
    listed, unlisted = _listed_participants(session, module_id)
    evaluation, responses = evaluation_summary(session, module_id)
    place = ", ".join(part for part in (module.venue, module.city, country_name(module.country)) if part)
    return ModuleReportContent(
        course_code=course.code,
        course_title=course.title,
        module_number=module.number,
        module_title=module.title,
        focus=module.focus,
        objectives=module.objectives,
        start=module.start_date,
        end=module.end_date,
        place=place,
        partners=_partners(session, course.id),
        figures=headline_figures(session, participants).iloc[0].to_dict(),
        roles=_roles(session, module_id),
        by_country=by_country(session, participants),
        by_org_type=by_org_type(session, participants),
        by_gender=by_gender(session, participants),
        listed_participants=listed,
        unlisted_participants=unlisted,
        agenda=[replace(item, notes=redact(item.notes, people)) for item in _agenda(session, module_id)],
        evaluation=evaluation,
        evaluation_responses=responses,
        scale_ends=_scale_ends(session, module_id),
        labels_used=_labels_used(session, module_id),
        next_steps=[replace(step, text=redact(step.text, people)) for step in _next_steps(session, module_id)],
        topics=_topics(session, module_id).assign(topic=lambda frame: frame["topic"].map(lambda t: redact(t, people))),
        team=_team(session, module_id),
        registrations=registrations(session, participants),
    )
