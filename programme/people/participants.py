"""Participants out: the searchable list of people (the team's view) and the participant export (consent-aware)."""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.access.privacy import mask_people, team_view
from programme.core.errors import ProgrammeError
from programme.core.freshness import depends_on
from programme.courses.catalogue import course_code_of, get_course, get_module_by_id
from programme.models import Course, Module, Organisation, Participation, Person
from programme.people.countries import country_name
from programme.people.names import fold
from programme.sheets import to_csv_bytes, to_xlsx_bytes

# The person columns every list and export reads (the consent flags are dropped by team_view and mask_people).
_PERSON_COLUMNS = [
    Person.id.label("person_id"),
    Person.full_name,
    Person.given_name,
    Person.family_name,
    Person.gender,
    Person.nationality,
    Person.country_of_work,
    Organisation.name.label("organisation"),
    Organisation.org_type,
    Person.position,
    Person.email,
    Person.phone,
    Person.consent_email,
    Person.consent_phone,
    Person.consent_organisation,
]
EXPORT_FORMATS = {".xlsx", ".csv"}
# The export's column headings, in the words a partner reads (and the participant import recognises).
EXPORT_HEADINGS = {
    "course": "Course",
    "module": "Module",
    "module_start": "Module start",
    "person_id": "Record number",
    "full_name": "Full name",
    "given_name": "Given name",
    "family_name": "Family name",
    "gender": "Gender",
    "nationality": "Nationality",
    "country_of_work": "Country of work",
    "organisation": "Organisation",
    "org_type": "Type of organisation",
    "position": "Position",
    "email": "E-mail",
    "phone": "Phone",
    "role": "Role",
    "attended": "Attended",
    "days_attended": "Days attended",
    "completed": "Completed",
}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("gender", "org_type", "role"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda value: getattr(value, "value", value))
    if "days_attended" in frame.columns:
        frame["days_attended"] = pd.to_numeric(frame["days_attended"]).astype("Int64")
    for column in ("nationality", "country_of_work"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda code: country_name(code) if isinstance(code, str) else "")
    return frame


def _search(query: sa.Select, text: str | None) -> sa.Select:
    """Every word of the search must appear in the name (any order, accents ignored) or the e-mail."""
    for word in fold(text or "").split():
        query = query.where(sa.or_(Person.name_key.contains(word), Person.email.contains(word)))
    return query


def people_table(
    session: Session,
    user: SignedIn,
    *,
    search: str | None = None,
    course_code: str | None = None,
    module_id: int | None = None,
) -> pd.DataFrame:
    """Return one row per person (not erased) with the modules they took part in, as the team sees them.

    Facilitators and admins see organisation and contacts whatever the consent (it governs publication);
    viewers see no names or contacts (programme.access.privacy.team_view).
    """
    modules = (
        sa.select(
            Participation.person_id,
            sa.func.count(Participation.id).label("modules"),
        )
        .join(Module, Module.id == Participation.module_id)
        .group_by(Participation.person_id)
    )
    if course_code is not None:
        modules = modules.where(Module.course_id == get_course(session, course_code).id)
    if module_id is not None:
        modules = modules.where(Module.id == module_id)
    taken = modules.subquery()
    query = (
        sa.select(*_PERSON_COLUMNS, sa.func.coalesce(taken.c.modules, 0).label("modules"))
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(taken, taken.c.person_id == Person.id)
        .where(Person.erased_at.is_(None))
        .order_by(Person.sort_name)
    )
    if course_code is not None or module_id is not None:
        query = query.where(taken.c.modules > 0)
    frame = pd.DataFrame(session.execute(_search(query, search)).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[column.name for column in query.selected_columns])
    return team_view(_plain(frame), user)


def _in_scope(session: Session, query: sa.Select, course_code: str | None, module_id: int | None) -> sa.Select:
    """Restrict participations (already joined to Module) to the course and module, when given."""
    if course_code is not None:
        query = query.where(Module.course_id == get_course(session, course_code).id)
    if module_id is not None:
        query = query.where(Module.id == module_id)
    return query


def _people_matching(
    session: Session, query: sa.Select, search: str | None, course_code: str | None, module_id: int | None
) -> sa.Select:
    """The people (not erased) of the search who took part in the course or module, when given."""
    query = _search(query.where(Person.erased_at.is_(None)), search)
    if course_code is not None or module_id is not None:
        # The scope's people as a list (IN, not a correlated EXISTS): read from the module's participations, not by
        # checking each of 500,000 people.
        took = sa.select(Participation.person_id).join(Module, Module.id == Participation.module_id)
        query = query.where(Person.id.in_(_in_scope(session, took, course_code, module_id)))
    return query


def _page_order(session: Session, narrowed: bool) -> list:
    """The order of a page of people: sort_name, then id (ix_person_sort_name reads a page of everyone in order).

    On SQLite, which keeps no statistics, a search's words could make it read that index for a rare word through all
    500,000 people, each looked up in the table (0.23 s at 200,000 where a scan and a sort take 0.04 s): a unary +
    keeps the index from serving the order when the list is narrowed."""
    if narrowed and session.get_bind().dialect.name == "sqlite":
        return [UnaryExpression(Person.sort_name, operator=custom_op("+"), type_=Person.sort_name.type), Person.id]
    return [Person.sort_name, Person.id]


@depends_on(every_module=True, people=True)
def people_count(
    session: Session, *, search: str | None = None, course_code: str | None = None, module_id: int | None = None
) -> int:
    """Return how many people people_table would list."""
    query = _people_matching(session, sa.select(sa.func.count(Person.id)), search, course_code, module_id)
    return int(session.scalar(query) or 0)


@depends_on(every_module=True, people=True)
def people_page(
    session: Session,
    user: SignedIn,
    *,
    search: str | None = None,
    course_code: str | None = None,
    module_id: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> pd.DataFrame:
    """Return the rows offset to offset + limit of people_table (same columns and order), read with SQL's LIMIT."""
    ids = _people_matching(session, sa.select(Person.id), search, course_code, module_id)
    narrowed = bool(fold(search or "")) or course_code is not None or module_id is not None
    ids = ids.order_by(*_page_order(session, narrowed)).offset(offset).limit(limit)
    page = [int(person_id) for person_id in session.scalars(ids)]
    taken = sa.select(sa.func.count(Participation.id)).join(Module, Module.id == Participation.module_id)
    taken = _in_scope(session, taken.where(Participation.person_id == Person.id), course_code, module_id)
    query = (
        sa.select(*_PERSON_COLUMNS, taken.scalar_subquery().label("modules"))
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.id.in_(page))
        .order_by(Person.sort_name, Person.id)
    )
    frame = pd.DataFrame(session.execute(query).mappings().all(), columns=[c.name for c in query.selected_columns])
    return team_view(_plain(frame), user)


def person_participations(session: Session, person_id: int) -> pd.DataFrame:
    """Return a person's participations, newest module first."""
    query = (
        sa.select(
            Course.code.label("course"),
            Module.number.label("module"),
            Module.start_date.label("start"),
            Module.city,
            Participation.role,
            Participation.attended,
            Participation.days_attended,
            Participation.completed,
        )
        .join(Module, Module.id == Participation.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Participation.person_id == person_id)
        .order_by(Module.start_date.desc())
    )
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[column.name for column in query.selected_columns])
    return _plain(frame)


def participations_table(
    session: Session,
    user: SignedIn,
    *,
    course_code: str | None = None,
    module_id: int | None = None,
    publication: bool = False,
) -> pd.DataFrame:
    """Return one row per participation (course, module, role, attendance) with the person, masked for the user.

    module_id keeps one module's participations, else course_code one course's (default: every course).
    publication: the table leaves the team (an export for partners), so contact fields follow each person's
    consent (programme.access.privacy.mask_people); otherwise the team's view (programme.access.privacy.team_view).
    """
    query = (
        sa.select(
            Course.code.label("course"),
            Module.number.label("module"),
            Module.start_date.label("module_start"),
            *_PERSON_COLUMNS,
            Participation.role,
            Participation.attended,
            Participation.days_attended,
            Participation.completed,
        )
        .select_from(Participation)
        .join(Person, Person.id == Participation.person_id)
        .join(Module, Module.id == Participation.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.erased_at.is_(None))
        .order_by(Module.start_date, Course.code, Module.number, Person.sort_name, Person.id)
    )
    if module_id is not None:
        query = query.where(Module.id == get_module_by_id(session, module_id).id)
    elif course_code is not None:
        query = query.where(Course.id == get_course(session, course_code).id)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[column.name for column in query.selected_columns])
    return (mask_people if publication else team_view)(_plain(frame), user)


def yes_no(value: object) -> str:
    """Attended or Completed as the export writes it: "Yes", "No", or blank when not recorded (the participant import
    reads the three back: Yes attended, No registered only)."""
    if value is None or pd.isna(value):
        return ""
    return "Yes" if bool(value) else "No"


def export_participants(
    session: Session,
    *,
    user: SignedIn,
    file_name: str,
    course_code: str | None = None,
    module_id: int | None = None,
) -> tuple[bytes, int]:
    """Return the participations as formula-safe .xlsx or .csv bytes and the row count; the export is audited.

    An export leaves the app (it may go to partners), so organisation (and its type), e-mail and phone follow each
    person's consent; the columns are headed in words (EXPORT_HEADINGS), Attended and Completed as Yes or No.
    """
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ProgrammeError("The export file must end in .xlsx or .csv.")
    if not user.can_see_names:
        raise ProgrammeError("Exporting participants needs the facilitator or admin role.")
    frame = participations_table(session, user, course_code=course_code, module_id=module_id, publication=True)
    for column in ("attended", "completed"):
        frame[column] = frame[column].map(yes_no)
    frame = frame.rename(columns=EXPORT_HEADINGS)
    data = to_csv_bytes(frame) if suffix == ".csv" else to_xlsx_bytes({"Participants": frame})
    scope = f"course {course_code}" if course_code else "all courses"
    if module_id is not None:
        module = get_module_by_id(session, module_id)
        scope = f"course {course_code_of(session, module)} module {module.number}"
    audit.record(
        session,
        action="export",
        username=user.username,
        entity="person",
        summary=f"participants export ({scope}): {len(frame)} rows as {suffix}",
    )
    return data, len(frame)
