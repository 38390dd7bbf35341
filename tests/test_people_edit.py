"""Correcting a person's record, consent for many at once, and who sees what (consent governs publication).

People and their consent come from tests/reach_fixture.py (Ana and Ben listed; nobody shares an organisation).
"""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.access.erasure import forget_person
from programme.access.privacy import team_view
from programme.alumni.search import DirectoryQuery, search_directory
from programme.core.edits import EditConflict
from programme.core.errors import PermissionDenied, ProgrammeError
from programme.courses.catalogue import get_module
from programme.groups.documents import group_lists_docx, role_cards_docx
from programme.groups.plan import make_groups
from programme.groups.store import participants_frame
from programme.models import AuditEntry, Organisation, OrgType, Person, UserRole
from programme.people.consent import module_people, set_consent_many
from programme.people.edit import PersonEditError, edit_person, person_record
from programme.people.participants import participations_table, people_table
from programme.reports import module_report
from tests import reach_fixture

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)
VIEWER = SignedIn(user_id=2, username="view", role=UserRole.VIEWER)


@pytest.fixture
def small(session: Session) -> reach_fixture.Fixture:
    return reach_fixture.build(session)


def _audit(session: Session) -> list[AuditEntry]:
    return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_an_edit_reads_values_as_an_import_does_and_audits_before_and_after(session: Session, small) -> None:
    cia = small.people["Cia"]
    result = edit_person(
        session,
        person_id=cia,
        values={
            "full_name": "Santos, Cia Maria",  # kept as typed: whoever types a name here means its order
            "gender": "F",  # unchanged: female
            "nationality": "Philippines",  # unchanged: PHL
            "country_of_work": "Singapore",
            "email": " CIA@Union.ORG ",
            "phone": "9123 4567",  # a Singapore number, read with the country of work
            "organisation": "Migrant Workers Centre",
            "org_type": "ngo",
        },
        by=FACILITATOR,
    )
    session.commit()
    assert result.changed == ["full_name", "country_of_work", "organisation", "org_type", "email", "phone"]
    person = session.get(Person, cia)
    assert (person.full_name, person.given_name, person.family_name) == ("Santos, Cia Maria", "Cia Maria", "Santos")
    assert person.name_key == "cia maria santos"
    assert (person.country_of_work, person.email, person.phone) == ("SGP", "cia@union.org", "+6591234567")
    organisation = session.get(Organisation, person.organisation_id)
    assert (organisation.name, organisation.org_type, organisation.country) == (
        "Migrant Workers Centre",
        OrgType.NGO,
        "SGP",
    )
    [entry] = _audit(session)
    assert (entry.action, entry.entity, entry.entity_id, entry.username) == ("update", "person", cia, "fac")
    assert "Cia" not in entry.summary and "cia@" not in entry.summary  # values stay in before/after only
    assert json.loads(entry.before) == {
        "full_name": "Cia Santos",
        "country_of_work": "MYS",
        "organisation": "Workers Union",
        "org_type": "trade union",
        "email": None,
        "phone": None,
    }
    assert json.loads(entry.after)["phone"] == "+6591234567"
    # Erasing the person later clears the values the audit trail kept.
    forget_person(session, person_id=cia, by="admin")
    session.commit()
    assert session.get(AuditEntry, entry.id).before is None


def test_wrong_values_are_named_by_field_and_nothing_is_saved(session: Session, small) -> None:
    cia = small.people["Cia"]
    with pytest.raises(PersonEditError) as caught:
        edit_person(
            session,
            person_id=cia,
            values={"nationality": "Narnia", "email": "cia@", "phone": "12", "full_name": "Cia S."},
            by=FACILITATOR,
        )
    assert set(caught.value.problems) == {"nationality", "email", "phone"}
    assert "Nationality: 'Narnia' is not a country" in str(caught.value)
    session.rollback()
    assert session.get(Person, cia).full_name == "Cia Santos" and not _audit(session)
    with pytest.raises(PersonEditError, match="the name is missing"):
        edit_person(session, person_id=cia, values={"full_name": " - "}, by=FACILITATOR)
    with pytest.raises(PersonEditError, match="has no letters"):
        edit_person(session, person_id=cia, values={"full_name": "12345"}, by=FACILITATOR)
    assert session.get(Person, cia).full_name == "Cia Santos"
    with pytest.raises(PersonEditError, match="needs the organisation's name"):
        edit_person(session, person_id=small.people["Dev"], values={"org_type": "NGO"}, by=FACILITATOR)
    with pytest.raises(PermissionDenied):
        edit_person(session, person_id=cia, values={"position": "Lawyer"}, by=VIEWER)


def test_an_e_mail_another_record_has_points_to_merging(session: Session, small) -> None:
    edit_person(session, person_id=small.people["Ana"], values={"email": "ana@x.org"}, by=FACILITATOR)
    with pytest.raises(PersonEditError, match=rf"record \(number {small.people['Ana']}\).*merge"):
        edit_person(session, person_id=small.people["Cia"], values={"email": "ANA@x.org"}, by=FACILITATOR)


def test_an_organisation_type_is_the_organisations_and_an_edit_with_nothing_new_changes_nothing(
    session: Session, small
) -> None:
    ana, eve = small.people["Ana"], small.people["Eve"]  # both at Migrant Care (NGO)
    org_id = session.get(Person, ana).organisation_id
    edit_person(session, person_id=ana, values={"org_type": "faith-based"}, by=FACILITATOR)
    session.commit()
    assert session.get(Person, ana).organisation_id == org_id
    assert person_record(session, eve)["org_type"] == "faith-based"
    unchanged = edit_person(session, person_id=ana, values=person_record(session, ana), by=FACILITATOR)
    assert unchanged.changed == [] and len(_audit(session)) == 1


def test_an_edit_from_a_form_keeps_what_others_saved_since_it_opened(session: Session, small) -> None:
    # Both databases: a form opened on the record (opened) and typed as shown (countries by name) writes only the
    # fields changed in it; a field someone else changed meanwhile to another value is refused, nothing saved.
    cia = small.people["Cia"]
    opened = person_record(session, cia)
    typed = {**opened, "nationality": "Philippines", "position": "Paralegal"}
    edit_person(session, person_id=cia, values={"languages": "Tagalog", "position": "Organiser"}, by=FACILITATOR)
    session.commit()
    with pytest.raises(EditConflict, match="fac saved this person's record while you were editing it") as refused:
        edit_person(session, person_id=cia, values=typed, by=FACILITATOR, opened=opened)
    assert refused.value.changed == ("position",) and refused.value.clashes == {"position": "Organiser"}
    session.rollback()
    result = edit_person(
        session, person_id=cia, values={**typed, "position": "Organiser"}, by=FACILITATOR, opened=opened
    )
    assert result.changed == []  # the same value as the colleague's: nothing to write, nothing refused
    later = edit_person(session, person_id=cia, values={**opened, "notes": "Met in KL"}, by=FACILITATOR, opened=opened)
    session.commit()
    assert later.changed == ["notes"]
    saved = person_record(session, cia)
    assert (saved["languages"], saved["position"], saved["notes"]) == ("Tagalog", "Organiser", "Met in KL")


def test_a_refused_country_reads_as_the_form_shows_it_not_as_its_code(session: Session, small) -> None:
    # The refusal said "Now saved: Nationality: “MYS”" while the form shows countries by name.
    cia = small.people["Cia"]
    opened = person_record(session, cia)
    edit_person(session, person_id=cia, values={"nationality": "Malaysia"}, by=FACILITATOR)
    session.commit()
    with pytest.raises(EditConflict) as refused:
        edit_person(session, person_id=cia, values={**opened, "nationality": "Thailand"}, by=FACILITATOR, opened=opened)
    assert "Nationality: “Malaysia”" in str(refused.value) and "MYS" not in str(refused.value)
    assert refused.value.clashes == {"nationality": "MYS"}  # what the form redraws with stays as stored


def test_the_search_tables_follow_an_edit(session: Session, small) -> None:
    ana = small.people["Ana"]  # listed and an alum: in the directory
    assert search_directory(session, DirectoryQuery(text="magar"), user=FACILITATOR).total == 0
    edit_person(
        session, person_id=ana, values={"full_name": "Ana Thapa Magar", "expertise": "lobbying"}, by=FACILITATOR
    )
    session.commit()
    for words in ("magar", "lobbying"):
        found = search_directory(session, DirectoryQuery(text=words), user=FACILITATOR)
        assert list(found.results["person_id"]) == [ana], words


def test_consent_for_a_whole_module_list_is_one_audit_entry_without_names(session: Session, small) -> None:
    b2 = small.modules["B2"]
    everyone = module_people(session, b2)  # Ana, Cia (participants) and Dev (resource person)
    assert sorted(everyone) == sorted([small.people["Ana"], small.people["Cia"], small.people["Dev"]])
    count = set_consent_many(
        session,
        person_ids=everyone,
        flags={"consent_listed": True, "consent_organisation": True},
        source="signed forms, Module 2",
        by=FACILITATOR,
        module_id=b2,
    )
    session.commit()
    assert count == 3
    for name in ("Ana", "Cia", "Dev"):
        person = session.get(Person, small.people[name])
        assert person.consent_listed and person.consent_organisation and not person.consent_email, name
        assert person.consent_source == "signed forms, Module 2"
    assert not session.get(Person, small.people["Ben"]).consent_organisation  # not in the list
    [entry] = _audit(session)
    assert entry.summary.startswith("consent set for 3 people of course B module 2")
    assert not any(name in entry.summary + entry.after for name in ("Ana", "Cia", "Dev", "Thapa", "Santos"))


def test_consent_for_a_selection_refuses_what_it_cannot_do(session: Session, small) -> None:
    ids = [small.people["Ben"], small.people["Eve"]]
    assert (
        set_consent_many(session, person_ids=ids, flags={"consent_email": True}, source="e-mail", by=FACILITATOR) == 2
    )
    with pytest.raises(ProgrammeError, match="Choose the people"):
        set_consent_many(session, person_ids=[], flags={"consent_email": True}, source="x", by=FACILITATOR)
    with pytest.raises(ProgrammeError, match="at least one"):
        set_consent_many(session, person_ids=ids, flags={}, source="x", by=FACILITATOR)
    with pytest.raises(ProgrammeError, match="Say where"):
        set_consent_many(session, person_ids=ids, flags={"consent_email": True}, source=" ", by=FACILITATOR)
    with pytest.raises(PermissionDenied):
        set_consent_many(session, person_ids=ids, flags={"consent_email": True}, source="x", by=VIEWER)


def test_the_team_sees_organisations_without_consent_and_viewers_and_the_directory_do_not(
    session: Session, small
) -> None:
    # Nobody in the fixture agreed to share their organisation.
    team = people_table(session, FACILITATOR).set_index("full_name")
    assert team.loc["Cia Santos", "organisation"] == "Workers Union"
    assert team.loc["Ana Thapa", "organisation"] == "Migrant Care"
    assert "organisation" not in people_table(session, VIEWER).columns
    assert "full_name" not in participations_table(session, VIEWER).columns
    listed = search_directory(session, DirectoryQuery(), user=FACILITATOR).results.set_index("name")
    assert listed.loc["Ana Thapa", "organisation"] is None  # the directory publishes: consent applies
    exported = participations_table(session, FACILITATOR, publication=True)
    assert set(exported["organisation"]) == {""}


def test_group_lists_and_role_cards_show_the_team_organisations(session: Session, small) -> None:
    frame = participants_frame(session, small.modules["B2"])  # Ana and Cia
    shown = team_view(frame, FACILITATOR).set_index("name")
    assert shown.loc["Cia Santos", "organisation"] == "Workers Union"
    assert "name" not in team_view(frame, VIEWER).columns and "email" not in team_view(frame, VIEWER).columns
    plan = make_groups(frame, groups=1, seed=1)
    document = Document(io.BytesIO(group_lists_docx(plan, title="B · Module 2")))
    rows = {row.cells[0].text: row.cells[2].text for row in document.tables[0].rows[1:]}
    assert rows == {"Ana Thapa": "Migrant Care", "Cia Santos": "Workers Union"}
    cards = Document(io.BytesIO(role_cards_docx(plan, title="B · Module 2")))
    text = "\n".join(p.text for table in cards.tables for cell in table._cells for p in cell.paragraphs)
    assert "Workers Union" in text and "Migrant Care" in text


def test_the_module_report_names_facilitators_without_consent_but_not_erased_ones(session: Session, small) -> None:
    ben = session.get(Person, small.people["Ben"])
    ben.consent_listed = False  # Ben facilitated module B1
    session.commit()
    report = module_report(session, module_id=get_module(session, "B", 1).id, by=None)
    text = [p.text for p in Document(io.BytesIO(report)).paragraphs]
    assert "Facilitator: Ben Gurung." in text
    forget_person(session, person_id=small.people["Dev"], by="admin")  # Dev: B2's resource person, leads CEDAW
    session.commit()
    report = module_report(session, module_id=get_module(session, "B", 2).id, by=None)
    text = [p.text for p in Document(io.BytesIO(report)).paragraphs]
    assert not any(line.startswith("Resource person") for line in text)
    assert (
        "Day 1, 09:00–10:30: CEDAW (presentation). Facilitated by Ana Thapa and 1 other person not named here." in text
    )
