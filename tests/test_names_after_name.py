"""Letters after a name ("Dr Maria Santos, PhD", "Jose Rizal, Jr.", "Budi Santoso, S.H.") are no given name: a name
with them after its one comma is kept as typed, never turned round into "PhD Dr Maria Santos". And a name typed by a
person (their own registration, a colleague's correction of a record) is kept in the order typed: only an imported
list's "Family, Given" column is turned round, with a warning naming its rows."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.courses.catalogue import add_course, add_module
from programme.importing import apply_plan
from programme.importing.preview import preview_rows
from programme.models import Person, UserRole
from programme.people.edit import edit_person
from programme.people.names import display_name, family_given, split_name
from programme.planning.validation import split_names
from programme.selfservice import links, registration
from tests.test_importing import csv_bytes, plan_for, with_module

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)

# What registration exports hold (Google Forms, Eventbrite: one "Name" column typed by each person), by hand: rows 2-6
# have letters after the name (kept as typed), row 7 is "Family, Given" with a suffix (turned round, the suffix last),
# row 8 is "Family, initials" (turned round), row 9 plain "Family, Given".
SHEET = (
    "Name,Country,E-mail\n"
    '"Dr Maria Santos, PhD",Philippines,maria@example.org\n'
    '"Jose Rizal, Jr.",Philippines,jose@example.org\n'
    '"Budi Santoso, S.H.",Indonesia,budi@example.org\n'
    '"Sokha Chan, LL.M.",Cambodia,sokha@example.org\n'
    '"Anita Rai, MA",Nepal,anita@example.org\n'
    '"Dela Cruz, Juan III",Philippines,juan@example.org\n'
    '"Lim, J.R.",Malaysia,jr@example.org\n'
    '"Gurung, Ram",Nepal,ram@example.org\n'
)


@pytest.fixture
def both_engine(engine: Engine) -> Engine:
    with_module(engine)
    return engine


def test_letters_after_a_name_are_kept_as_typed_in_an_import(both_engine: Engine) -> None:
    """Seen in an audit: "Dr Maria Santos, PhD" became "PhD Dr Maria Santos" (warned, but wrong)."""
    with Session(both_engine) as session:
        plan = plan_for(session, csv_bytes(SHEET), "names.csv")
        names = dict(zip(preview_rows(plan)["row"], preview_rows(plan)["name"], strict=True))
        assert names == {
            2: "Dr Maria Santos, PhD",
            3: "Jose Rizal, Jr.",
            4: "Budi Santoso, S.H.",
            5: "Sokha Chan, LL.M.",
            6: "Anita Rai, MA",
            7: "Juan Dela Cruz III",
            8: "J.R. Lim",
            9: "Ram Gurung",
        }
        said = [note["message"] for note in plan.warning_details() if "read as family name" in note["message"]]
        assert len(said) == 1 and "rows 7, 8, 9." in said[0] and "3 names" in said[0]
        apply_plan(session, plan=plan, username="tester", accepted=set())
        session.commit()
        stored = {
            row.email: (row.full_name, row.given_name, row.family_name)
            for row in session.execute(sa.select(Person.email, Person.full_name, Person.given_name, Person.family_name))
        }
    assert stored["maria@example.org"] == ("Dr Maria Santos, PhD", "Dr Maria", "Santos")
    assert stored["jose@example.org"] == ("Jose Rizal, Jr.", "Jose", "Rizal")
    assert stored["budi@example.org"] == ("Budi Santoso, S.H.", "Budi", "Santoso")
    assert stored["juan@example.org"] == ("Juan Dela Cruz III", "Juan", "Dela Cruz III")
    assert stored["ram@example.org"] == ("Ram Gurung", "Ram", "Gurung")


def test_what_counts_as_letters_after_a_name() -> None:
    assert family_given("Dr Maria Santos, PhD") is None
    assert family_given("Maria Santos, Ph.D. MA") is None
    assert family_given("Rizal, Jr") is None
    assert family_given("Ali, S.Sos. M.Si.") is None
    # Initials are a given name, unless they are also a degree's: then kept as typed, never guessed.
    assert family_given("Smith, J.R.") == ("Smith", "J.R.")
    assert display_name("Santos, M.A.") == "Santos, M.A."
    # Names that are also letters elsewhere: "Md" (Mohammed, Bangladesh), "Ma" (a Chinese name) are given names.
    assert display_name("Rahman, Md") == "Md Rahman"
    assert display_name("Li, Ma") == "Ma Li"
    assert display_name("Santos, Maria") == "Maria Santos"
    # Capitals after a name that is not in capitals: letters after it or an organisation's initials, kept as typed; a
    # list written in capitals is still read "Family, Given".
    assert display_name("Ram Gurung, GEFONT") == "Ram Gurung, GEFONT"
    assert display_name("Ana Cruz, MSW") == "Ana Cruz, MSW"
    assert display_name("SANTOS, MARIA") == "MARIA SANTOS"
    assert display_name("Smith, J") == "J Smith"
    assert split_name("Dr Maria Santos, PhD") == ("Dr Maria", "Santos")
    assert split_name("Budi Santoso, S.H., M.H.") == ("Budi", "Santoso")
    assert split_name("Santos, Maria") == ("Maria", "Santos")  # a name kept as typed "Family, Given": its two parts
    assert split_name("Maria Santos") == ("Maria", "Santos")
    # An agenda's facilitator cell: letters after a name are not a second person.
    assert split_names("Dr Maria Santos, PhD") == ["Dr Maria Santos, PhD"]
    assert split_names("Ivy Josiah, PhD, Irene Lim") == ["Ivy Josiah, PhD", "Irene Lim"]
    assert split_names("Ivy Josiah, Irene Lim") == ["Ivy Josiah", "Irene Lim"]


def test_a_name_typed_by_a_person_is_kept_in_the_order_typed(session: Session) -> None:
    """The self-service registration and a record's correction turned "Santos, Maria" round without a word (the import
    warns naming the rows). Whoever types a name there means its order: it is kept as typed."""
    add_course(session, code="NAM", title="Names course", by=None)
    module = add_module(session, course_code="NAM", number=1, title="Lobbying", start=date(2026, 12, 4),
                        end=date(2026, 12, 6), by=None)  # fmt: skip
    session.commit()
    opened = links.open_form(session, module_id=module.id, kind="registration", allow_multiple=True)
    session.commit()
    for typed, email in (("Santos, Maria", "maria@example.org"), ("Dr Ana Cruz, PhD", "ana@example.org")):
        registration.submit_registration(session, opened.token, {"full_name": typed, "email": email}, {},
                                         browser=email, client="10.0.0.1")  # fmt: skip
        session.commit()
    maria = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    assert (maria.full_name, maria.given_name, maria.family_name) == ("Santos, Maria", "Maria", "Santos")
    ana = session.scalar(sa.select(Person).where(Person.email == "ana@example.org"))
    assert (ana.full_name, ana.given_name, ana.family_name) == ("Dr Ana Cruz, PhD", "Dr Ana", "Cruz")
    edit_person(session, person_id=ana.id, values={"full_name": "Cruz,  Ana"}, by=FACILITATOR)
    session.commit()
    session.refresh(ana)
    assert (ana.full_name, ana.given_name, ana.family_name, ana.name_key) == ("Cruz, Ana", "Ana", "Cruz", "ana cruz")


def test_an_agendas_new_names_read_family_given_are_said_and_letters_after_a_name_are_no_one(
    both_engine: Engine,
) -> None:
    """An agenda's facilitator cell "Dr Maria Santos, PhD" made two people, "Dr Maria Santos" and "PhD"; and a new
    person's "Santos, Ana" became Ana Santos without a word (the participant import warns)."""
    from programme.courses.catalogue import get_module
    from programme.planning.agenda_import import import_agenda

    sheet = (
        "Day,Start,End,Session,Facilitator\n"
        '1,09:00,10:30,Opening,"Dr Maria Santos, PhD"\n'
        '1,11:00,12:30,CEDAW,"Santos, Ana"\n'
        "2,09:00,10:30,Lobbying,Irene Lim\n"
    )
    with Session(both_engine) as session:
        module_id = get_module(session, "BKK", 1).id
        report = import_agenda(session, data=sheet.encode(), filename="agenda.csv", module_id=module_id,
                               dry_run=False, by="tester")  # fmt: skip
        session.commit()
        said = [note.message for note in report.notes if "read as family name" in note.message]
        assert said == [
            "1 new name with one comma was read as family name, given names: 'Santos, Ana' as Ana Santos. If the "
            "sheet writes names another way, correct those cells."
        ]
        people = set(session.scalars(sa.select(Person.full_name)))
    assert people == {"Dr Maria Santos, PhD", "Ana Santos", "Irene Lim"}
