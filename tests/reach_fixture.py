"""A small programme whose reach figures are computed by hand in the tests (see the table below).

    person  gender      nationality  works in  organisation      participations (module: role, completed)
    Ana     female      NPL          MYS       NGO               A1 participant ✓, B1 participant ✓, B2 participant ✓
    Ben     male        NPL          NPL       government        A1 participant ✗, B1 facilitator
    Cia     female      PHL          MYS       trade union       B1 participant ✓, B2 participant ✗
    Dev     male        IDN          IDN       (none)            B2 resource person
    Eve     non-binary  PHL          PHL       NGO               (none: never counted)

Course A is regional (module A1 in 2010); course B is national (B1 in 2012, B2 in 2013).
Ana and Ben consented to being listed; Cia, Dev and Eve did not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session

from programme.models import (
    ActionFocalPoint,
    ActionItem,
    AgendaSession,
    Answer,
    Course,
    CoursePartner,
    EvaluationForm,
    Gender,
    Module,
    ModuleStatus,
    Organisation,
    OrgType,
    Participation,
    ParticipationRole,
    PartnerRole,
    Person,
    Question,
    QuestionKind,
    Response,
    Scope,
    SessionFacilitator,
    TopicSuggestion,
)
from programme.people.names import name_key


@dataclass
class Fixture:
    modules: dict[str, int]
    people: dict[str, int]


def _person(name: str, gender: Gender, nationality: str, work: str, org: Organisation | None, listed: bool) -> Person:
    given, family = name.split()
    return Person(
        given_name=given,
        family_name=family,
        full_name=name,
        name_key=name_key(name),
        gender=gender,
        nationality=nationality,
        country_of_work=work,
        organisation_id=org.id if org else None,
        consent_listed=listed,
    )


def build(session: Session) -> Fixture:
    """Write the small programme and return the ids of its modules and people."""
    course_a = Course(code="A", title="Regional Course A", scope=Scope.REGIONAL, start_year=2010)
    course_b = Course(code="B", title="National Course B", scope=Scope.NATIONAL, host_country="MYS", start_year=2012)
    ngo = Organisation(name="Migrant Care", name_key="migrant care", org_type=OrgType.NGO, country="NPL")
    ministry = Organisation(name="Ministry", name_key="ministry", org_type=OrgType.GOVERNMENT, country="NPL")
    union = Organisation(name="Workers Union", name_key="workers union", org_type=OrgType.TRADE_UNION, country="MYS")
    session.add_all([course_a, course_b, ngo, ministry, union])
    session.flush()
    session.add(CoursePartner(course_id=course_b.id, organisation_id=ngo.id, role=PartnerRole.ORGANISER))
    modules = {
        "A1": Module(course_id=course_a.id, number=1, title="Module 1", start_date=date(2010, 3, 1),
                     end_date=date(2010, 3, 10), city="Bangkok", country="THA", status=ModuleStatus.DELIVERED),
        "B1": Module(course_id=course_b.id, number=1, title="Module 1", start_date=date(2012, 5, 1),
                     end_date=date(2012, 5, 4), city="Kuala Lumpur", country="MYS", status=ModuleStatus.DELIVERED),
        "B2": Module(course_id=course_b.id, number=2, title="CEDAW and lobbying", focus="CEDAW",
                     start_date=date(2013, 2, 2), end_date=date(2013, 2, 5), city="Kuala Lumpur", country="MYS",
                     status=ModuleStatus.DELIVERED),
    }  # fmt: skip
    people = {
        "Ana": _person("Ana Thapa", Gender.FEMALE, "NPL", "MYS", ngo, True),
        "Ben": _person("Ben Gurung", Gender.MALE, "NPL", "NPL", ministry, True),
        "Cia": _person("Cia Santos", Gender.FEMALE, "PHL", "MYS", union, False),
        "Dev": _person("Dev Putra", Gender.MALE, "IDN", "IDN", None, False),
        "Eve": _person("Eve Cruz", Gender.NON_BINARY_OTHER, "PHL", "PHL", ngo, False),
    }
    session.add_all([*modules.values(), *people.values()])
    session.flush()
    participant, facilitator = ParticipationRole.PARTICIPANT, ParticipationRole.FACILITATOR
    for who, module, role, completed in (
        ("Ana", "A1", participant, True),
        ("Ana", "B1", participant, True),
        ("Ana", "B2", participant, True),
        ("Ben", "A1", participant, False),
        ("Ben", "B1", facilitator, False),
        ("Cia", "B1", participant, True),
        ("Cia", "B2", participant, False),
        ("Dev", "B2", ParticipationRole.RESOURCE_PERSON, False),
    ):
        session.add(
            Participation(person_id=people[who].id, module_id=modules[module].id, role=role, completed=completed)
        )
    _module_b2_story(session, modules["B2"].id, people)
    session.commit()
    return Fixture({k: m.id for k, m in modules.items()}, {k: p.id for k, p in people.items()})


def _module_b2_story(session: Session, module_id: int, people: dict[str, Person]) -> None:
    """Agenda, evaluation, next steps and topics of module B2 (what its report shows)."""
    cedaw = AgendaSession(module_id=module_id, day=1, start_time=time(9), end_time=time(10, 30), title="CEDAW")
    visit = AgendaSession(module_id=module_id, day=2, start_time=time(14), end_time=time(16), title="Mission visit")
    form = EvaluationForm(module_id=module_id, title="End of module")
    action = ActionItem(module_id=module_id, text="Case submission to the UN Working Group", due_date=date(2013, 6, 1))
    session.add_all([cedaw, visit, form, action])
    session.flush()
    session.add_all(
        [
            SessionFacilitator(session_id=cedaw.id, person_id=people["Ana"].id),
            SessionFacilitator(session_id=cedaw.id, person_id=people["Dev"].id),
            ActionFocalPoint(action_item_id=action.id, person_id=people["Ben"].id),
            ActionFocalPoint(action_item_id=action.id, person_id=people["Cia"].id),
            TopicSuggestion(module_id=module_id, text="Human trafficking", times_asked=3),
            TopicSuggestion(module_id=module_id, text="Recruitment reform", times_asked=1),
        ]
    )
    overall = Question(form_id=form.id, position=1, text="Overall, the module was useful")
    session_q = Question(form_id=form.id, position=2, text="The CEDAW session", session_id=cedaw.id)
    comment = Question(form_id=form.id, position=3, text="Comments", kind=QuestionKind.TEXT)
    first, second = Response(form_id=form.id), Response(form_id=form.id)
    session.add_all([overall, session_q, comment, first, second])
    session.flush()
    session.add_all(
        [
            Answer(response_id=first.id, question_id=overall.id, rating=5),
            Answer(response_id=second.id, question_id=overall.id, rating=4),
            Answer(response_id=first.id, question_id=session_q.id, rating=3),
            Answer(response_id=second.id, question_id=session_q.id, rating=None),
            Answer(response_id=first.id, question_id=comment.id, text="Great"),
        ]
    )
