"""Alumni directory: search (accents, partial words, facets), consent, profiles, networks, trainers, outcomes."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.access.accounts import SignedIn
from programme.access.erasure import forget_person
from programme.alumni import corridors, networks, outcomes, profile, trainers
from programme.alumni.export import export_directory
from programme.alumni.search import DirectoryQuery, search_directory
from programme.cli import main
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.core.errors import NotFound, PermissionDenied, ProgrammeError
from programme.models import (
    AgendaSession,
    Answer,
    AuditEntry,
    Course,
    EvaluationForm,
    Module,
    NetworkRole,
    Organisation,
    OrgType,
    OutcomeKind,
    Participation,
    Person,
    Question,
    Response,
    SessionFacilitator,
    UserRole,
)
from tests.conftest import BACKENDS, truncate_all

FACILITATOR = SignedIn(user_id=1, username="fac", role=UserRole.FACILITATOR)
VIEWER = SignedIn(user_id=2, username="viewer", role=UserRole.VIEWER)


@dataclass
class People:
    jose: int  # listed, every consent; participant 2015 then resource person 2018
    amina: int  # listed, but organisation and e-mail not shared
    hidden: int  # an alum who did not agree to be listed
    erased: int  # asked to be forgotten (listed flag left on by mistake)
    dropout: int  # listed, but never completed a module
    course1: int
    course2: int
    session_id: int


def _participation(session, **values: object) -> None:
    """Write a participation with the columns of the first migration only: _build also writes at revision 0001,
    before later migrations added columns (registered) that the model now has."""
    session.execute(sa.insert(Participation.__table__).values(attended=True, **values))


def _person(session, name: str, **values) -> Person:
    row = Person(full_name=name, name_key=name.lower(), **values)
    session.add(row)
    session.flush()
    return row


def _build(engine: Engine) -> People:
    with session_scope(engine) as session:
        shelter = Organisation(name="Secret Shelter Foundation", name_key="secret shelter", org_type=OrgType.NGO)
        union = Organisation(
            name="Migrant Workers Union", name_key="migrant workers union", org_type=OrgType.TRADE_UNION
        )
        c1 = Course(code="RC2015", title="Regional course 2015", start_year=2015)
        c2 = Course(code="NP-MYS", title="Malaysia programme", start_year=2018)
        session.add_all([shelter, union, c1, c2])
        session.flush()
        m1 = Module(course_id=c1.id, number=1, title="M1", start_date=date(2015, 5, 4), end_date=date(2015, 5, 13))
        m2 = Module(course_id=c2.id, number=1, title="M1", start_date=date(2018, 3, 1), end_date=date(2018, 3, 4))
        session.add_all([m1, m2])
        session.flush()
        listed = {"consent_listed": True, "consent_email": True, "consent_phone": True, "consent_organisation": True}
        jose = _person(
            session,
            "José Martínez",
            gender="male",
            nationality="PHL",
            country_of_work="LBN",
            organisation_id=union.id,
            position="Case Worker",
            email="jose@example.org",
            phone="+9611234567",
            languages="English, Tagalog, Arabic",
            expertise="domestic workers",
            **listed,
        )
        amina = _person(
            session,
            "Amina Rahman",
            gender="female",
            nationality="BGD",
            country_of_work="BGD",
            organisation_id=shelter.id,
            email="amina@example.org",
            phone="+8801711111111",
            languages="Bengali, English",
            expertise="recruitment fees",
            consent_listed=True,
            consent_phone=True,
        )
        hidden = _person(
            session, "Hidden Person", nationality="PHL", country_of_work="LBN", expertise="domestic workers"
        )
        erased = _person(
            session, "Erased Person", nationality="PHL", erased_at=datetime(2020, 1, 1, tzinfo=UTC), **listed
        )
        dropout = _person(session, "Dropout Jones", nationality="PHL", **listed)
        for who in (jose, amina, hidden, erased):
            _participation(session, person_id=who.id, module_id=m1.id, role="participant", completed=True)
        _participation(session, person_id=dropout.id, module_id=m1.id, role="participant", completed=False)
        _participation(session, person_id=jose.id, module_id=m2.id, role="resource person", completed=False)
        agenda = AgendaSession(module_id=m2.id, day=1, start_time=time(9), end_time=time(10), title="Recruitment")
        session.add(agenda)
        session.flush()
        session.add(SessionFacilitator(session_id=agenda.id, person_id=jose.id, role="resource person"))
        form = EvaluationForm(module_id=m2.id, title="Evaluation")
        session.add(form)
        session.flush()
        # The columns of the first migration only, as _participation (scale_min and scale_max came with 0015).
        values = {"form_id": form.id, "position": 1, "text": "Recruitment session", "kind": "rating"}
        question_id = session.execute(
            sa.insert(Question.__table__).values(**values, session_id=agenda.id, feeds_backlog=False)
        ).inserted_primary_key[0]
        for rating in (4, 5, 3):
            response = Response(form_id=form.id)
            session.add(response)
            session.flush()
            session.add(Answer(response_id=response.id, question_id=question_id, rating=rating))
        return People(jose.id, amina.id, hidden.id, erased.id, dropout.id, c1.id, c2.id, agenda.id)


@pytest.fixture
def people(engine: Engine) -> People:
    return _build(engine)


def _ids(engine: Engine, user: SignedIn = FACILITATOR, **query) -> list[int]:
    with session_scope(engine) as session:
        return search_directory(session, DirectoryQuery(**query), user=user).results["person_id"].tolist()


def test_only_listed_alumni_appear_and_accents_and_case_do_not_matter(engine: Engine, people: People) -> None:
    assert sorted(_ids(engine)) == sorted([people.jose, people.amina])
    for text in ("jose", "JOSE", "José", "martinez", "MARTÍNEZ"):
        assert _ids(engine, text=text) == [people.jose], text


def test_partial_words_match_as_prefixes_and_all_words_must_match(engine: Engine, people: People) -> None:
    assert _ids(engine, text="mart") == [people.jose]
    assert _ids(engine, text="dom work") == [people.jose]  # expertise "domestic workers"
    assert _ids(engine, text="case") == [people.jose]  # position
    assert _ids(engine, text="union") == [people.jose]  # organisation
    assert _ids(engine, text="domestic amina") == []
    assert _ids(engine, text="tinez") == []  # a prefix, not any substring
    # "recruitment fees", a longer term from the index; José led the module's session "Recruitment".
    assert _ids(engine, text="recruit") == [people.amina, people.jose]
    assert _ids(engine, text="domestic workers") == [people.jose]  # whole words, and prefixes of nothing longer
    assert _ids(engine, text="  ,;!  ") == _ids(engine)  # no words: no text filter


def test_a_word_with_many_longer_terms_is_searched_as_a_prefix(engine: Engine, people: People, monkeypatch) -> None:
    from programme.alumni import fulltext

    expected = {text: _ids(engine, text=text) for text in ("mart", "recruit", "domestic work", "union")}
    monkeypatch.setattr(fulltext, "MAX_EXTENSIONS", 0)
    assert {text: _ids(engine, text=text) for text in expected} == expected


def test_facets(engine: Engine, people: People) -> None:
    assert _ids(engine, nationalities=("BGD",)) == [people.amina]
    assert _ids(engine, countries_of_work=("LBN",)) == [people.jose]
    assert _ids(engine, countries=("PHL",)) == [people.jose]
    assert _ids(engine, genders=("female",)) == [people.amina]
    assert _ids(engine, languages=("arabic",)) == [people.jose]
    assert _ids(engine, languages=("arabic", "bengali")) == [people.amina, people.jose]  # either language
    assert _ids(engine, course_ids=(people.course2,)) == [people.jose]
    assert _ids(engine, year_from=2016, year_to=2019) == [people.jose]
    assert _ids(engine, year_from=2014, year_to=2015) == [people.amina, people.jose]
    assert _ids(engine, roles=("resource person",)) == [people.jose]
    # Course, years and role describe the same participation.
    assert _ids(engine, roles=("resource person",), course_ids=(people.course1,)) == []
    assert _ids(engine, org_types=(OrgType.TRADE_UNION.value,)) == [people.jose]


def test_a_hidden_organisation_is_neither_shown_nor_searchable(engine: Engine, people: People) -> None:
    assert _ids(engine, text="secret shelter") == []
    assert _ids(engine, org_types=(OrgType.NGO.value,)) == []
    with session_scope(engine) as session:
        rows = search_directory(session, DirectoryQuery(text="amina"), user=FACILITATOR).results
    row = rows.iloc[0]
    assert row["organisation"] is None and row["org_type"] is None and row["email"] is None
    assert row["phone"] == "+8801711111111"
    assert "Secret" not in rows.to_csv() and "amina@example.org" not in rows.to_csv()


def test_non_consenting_erased_and_non_alumni_never_appear(engine: Engine, people: People) -> None:
    for text in ("hidden", "erased", "dropout", "domestic"):
        ids = _ids(engine, text=text)
        assert people.hidden not in ids and people.erased not in ids and people.dropout not in ids
    with session_scope(engine) as session, pytest.raises(NotFound):
        profile.alumni_profile(session, people.hidden, user=FACILITATOR)


def test_viewers_see_no_names_or_contacts(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        rows = search_directory(session, DirectoryQuery(), user=VIEWER).results
    assert not {"name", "email", "phone", "organisation", "position"} & set(rows.columns)


def test_the_index_follows_edits_made_anywhere(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        session.get(Person, people.amina).consent_organisation = True
    assert _ids(engine, text="secret") == [people.amina]
    with session_scope(engine) as session:
        org = session.scalar(sa.select(Organisation).where(Organisation.name.like("Secret%")))
        org.name = "Rainbow Refuge"
    assert _ids(engine, text="secret") == [] and _ids(engine, text="rainb") == [people.amina]
    with session_scope(engine) as session:
        session.get(Person, people.jose).full_name = "Joséphine Ng"
    assert _ids(engine, text="martinez") == [] and _ids(engine, text="josephine") == [people.jose]
    with session_scope(engine) as session:
        session.execute(sa.delete(Participation).where(Participation.person_id == people.amina))
        session.delete(session.get(Person, people.amina))
    assert _ids(engine, text="rainbow") == []


def test_profile_shows_roles_over_time(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        found = profile.alumni_profile(session, people.jose, user=FACILITATOR)
    assert found.person["name"] == "José Martínez"
    assert found.roles[["role", "first_year"]].values.tolist() == [["participant", 2015], ["resource person", 2018]]
    assert found.history["course"].tolist() == ["RC2015", "NP-MYS"]


def test_consent_change_is_dated_and_audited(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        profile.set_consent(
            session,
            person_id=people.hidden,
            flags={"consent_listed": True},
            source="signed form, Module 2",
            on=date(2024, 2, 1),
            by=FACILITATOR,
        )
    assert people.hidden in _ids(engine, text="hidden")
    with session_scope(engine) as session:
        entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "person"))
        assert entry.username == "fac" and entry.entity_id == people.hidden
        assert json.loads(entry.before)["consent_listed"] is False
        after = json.loads(entry.after)
        assert after["consent_listed"] is True and after["consent_date"] == "2024-02-01"
        assert after["consent_source"] == "signed form, Module 2"
        assert "Hidden" not in (entry.summary or "")
        with pytest.raises(PermissionDenied):
            profile.set_consent(session, person_id=people.jose, flags={}, source="x", by=VIEWER)
        with pytest.raises(ProgrammeError, match="where the consent comes from"):
            profile.set_consent(session, person_id=people.jose, flags={}, source=" ", by=FACILITATOR)


def test_networks_list_members_consent_aware(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        network = networks.save_network(
            session, name="Lebanon Alumni Forum", country="Lebanon", founded=2016, by=FACILITATOR
        )
        for who, role in ((people.jose, NetworkRole.FOCAL_POINT), (people.hidden, NetworkRole.OFFICER)):
            networks.add_member(session, network_id=network.id, person_id=who, role=role, by=FACILITATOR)
        networks.add_member(session, network_id=network.id, person_id=people.amina, by=FACILITATOR)
        with pytest.raises(ProgrammeError, match="already exists"):
            networks.save_network(session, name="lebanon alumni forum", by=FACILITATOR)
        members, matching, not_listed = networks.network_members(session, network.id, user=FACILITATOR)
        assert matching == 2
        assert network.country == "LBN"
        assert members["name"].tolist() == ["José Martínez", "Amina Rahman"]  # focal point first
        assert not_listed == 1 and "Hidden Person" not in members.to_csv()
        assert networks.list_networks(session).set_index("name").loc["Lebanon Alumni Forum", "members"] == 3
        networks.remove_member(session, network_id=network.id, person_id=people.amina, by=FACILITATOR)
        members = networks.network_members(session, network.id, user=FACILITATOR).listed
        assert members["name"].tolist() == ["José Martínez"]
        assert networks.find_network(session, "lebanon").id == network.id
        network_id = network.id
    assert _ids(engine, network_ids=(network_id,)) == [people.jose]


def test_trainer_pool_with_sessions_and_mean_ratings(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        pool = trainers.trainer_pool(session, user=FACILITATOR)
        led = trainers.sessions_led(session, [people.jose])
    assert pool["person_id"].tolist() == [people.jose]
    row = pool.iloc[0]
    assert row["trainer_roles"] == "resource person" and row["sessions_led"] == 1
    assert row["mean_rating"] == pytest.approx(4.0) and row["ratings"] == 3
    assert led[["title", "mean_rating", "ratings"]].values.tolist() == [["Recruitment", 4.0, 3]]


def test_outcomes_are_recorded_and_counted(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        outcomes.record_outcome(
            session,
            person_id=people.jose,
            kind=OutcomeKind.UN_CASE,
            description="Case to the Special Rapporteur",
            reported_on=date(2019, 6, 1),
            course_id=people.course1,
            by=FACILITATOR,
        )
        outcomes.record_outcome(
            session,
            person_id=people.hidden,
            kind=OutcomeKind.UN_CASE,
            description="Another case",
            reported_on=date(2020, 6, 1),
            by=FACILITATOR,
        )
        with pytest.raises(ProgrammeError, match="future"):
            outcomes.record_outcome(
                session,
                person_id=people.jose,
                kind="other",
                description="x",
                reported_on=date(2999, 1, 1),
                by=FACILITATOR,
            )
        counts = outcomes.outcome_counts(session)
        table = outcomes.outcomes_table(session, user=FACILITATOR)
    assert counts[OutcomeKind.UN_CASE.value] == 2 and counts[OutcomeKind.POLICY_CHANGE.value] == 0
    assert table["alum"].tolist() == [outcomes.NOT_LISTED, "José Martínez"]


def test_corridors_connect_both_ends(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        seen = corridors.corridors(session)
        origin, destination = corridors.corridor_alumni(session, origin="PHL", destination="LBN", user=FACILITATOR)
        by_country = corridors.alumni_by_country(session)
    # José and the hidden alum are Filipinos working in Lebanon; only José is listed (at the destination).
    row = seen.set_index(["origin", "destination"]).loc[("PHL", "LBN")]
    assert row["migrant_alumni"] == 2 and row["alumni_in_destination"] == 1 and row["alumni_in_origin"] == 0
    assert origin.empty and destination["person_id"].tolist() == [people.jose]
    assert by_country.set_index("country").loc["LBN", "alumni"] == 2  # a count includes everyone


def test_export_is_consent_aware_formula_safe_and_audited(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        session.get(Person, people.jose).expertise = "=HYPERLINK(1)"
        csv = export_directory(session, DirectoryQuery(), user=FACILITATOR, file_format="csv").decode("utf-8-sig")
        xlsx = export_directory(session, DirectoryQuery(), user=FACILITATOR, file_format="xlsx")
        with pytest.raises(PermissionDenied):
            export_directory(session, DirectoryQuery(), user=VIEWER, file_format="csv")
    frame = pd.read_csv(io.StringIO(csv))
    assert sorted(frame["Name"]) == ["Amina Rahman", "José Martínez"]
    assert "amina@example.org" not in csv and "Secret" not in csv and "Hidden" not in csv
    assert "'=HYPERLINK(1)" in csv
    sheet = pd.read_excel(io.BytesIO(xlsx), engine="calamine")
    assert "amina@example.org" not in sheet.to_csv() and len(sheet) == 2
    with session_scope(engine) as session:
        exports = session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.action == "export")).all()
    assert len(exports) == 2 and all("2 people" in summary for summary in exports)


def test_cli_search_json_as_a_facilitator_sees_it(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    people = _build(make_engine(sqlite_url))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["alumni", "search", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["total"] == 2
    by_id = {row["person_id"]: row for row in payload["results"]}
    assert set(by_id) == {people.jose, people.amina}
    assert by_id[people.amina]["organisation"] is None and by_id[people.amina]["email"] is None
    assert by_id[people.jose]["courses"] == ["RC2015", "NP-MYS"] and by_id[people.jose]["nationality"] == "PHL"
    assert main(["alumni", "search", "jose", "--country", "Lebanon", "--json"]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)["results"]] == ["José Martínez"]
    assert main(["alumni", "search", "hidden"]) == 0
    out = capsys.readouterr().out
    assert "Hidden" not in out and "No listed alumni match." in out
    assert main(["alumni", "search", "--network", "nowhere"]) == 1
    assert "No network named 'nowhere'" in capsys.readouterr().err
    # José speaks English, Tagalog and Arabic; Amina Bengali and English.
    assert main(["alumni", "search", "--language", "tagalog", "--json"]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)["results"]] == ["José Martínez"]
    assert main(["alumni", "search", "--language", "Bengali", "--language", "Tagalog", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2
    assert main(["alumni", "search", "--language", "Tetum"]) == 0
    assert "No listed alumni match." in capsys.readouterr().out


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_populated_database_upgrades_from_0001_and_search_works(backend: str, request, tmp_path) -> None:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        schema.upgrade(engine, "0001_initial")
    else:
        engine = request.getfixturevalue("postgres_engine")
        truncate_all(engine)
        _downgrade(engine, "0001_initial")
    try:
        assert schema.current_revision(engine) == "0001_initial"
        # Today's model writes person.sort_name (migration 0028), which 0001 lacks: the column is there while the
        # people are written, and taken away before the upgrade, which adds and fills it.
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE person ADD COLUMN sort_name VARCHAR(300)")
        people = _build(engine)  # written before the index exists
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE person DROP COLUMN sort_name")
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
        with engine.connect() as connection:
            sorted_as = dict(connection.exec_driver_sql("SELECT full_name, sort_name FROM person").all())
        assert sorted_as["José Martínez"] == "jose martinez"  # filled by migration 0028
        assert _directory(engine) == _listed_alumni(engine) == {people.jose, people.amina}
        assert _ids(engine, text="jose") == [people.jose]
        assert _ids(engine, text="dom work") == [people.jose]
        assert _ids(engine, text="secret") == []  # organisation not shared: not indexed either
        with engine.connect() as connection:
            indexed = connection.exec_driver_sql("SELECT count(*) FROM person_search").scalar()
            stored = connection.exec_driver_sql("SELECT count(*) FROM person").scalar()
        assert indexed == stored == 5
    finally:
        schema.upgrade(engine)


def _directory(engine: Engine) -> set[int]:
    """Return the people in the alumni directory table (migration 0003)."""
    with engine.connect() as connection:
        return set(connection.exec_driver_sql("SELECT person_id FROM alumni_directory").scalars())


def _listed_alumni(engine: Engine) -> set[int]:
    """Return the people the directory's rule admits, computed from people and participations."""
    from programme.alumni.common import IS_ALUMNUS, IS_LISTED, person

    with engine.connect() as connection:
        return set(connection.execute(sa.select(person.c.id).where(IS_LISTED, IS_ALUMNUS)).scalars())


def test_the_directory_table_follows_people_and_participations(engine: Engine, people: People) -> None:
    def check() -> None:
        assert _directory(engine) == _listed_alumni(engine)

    assert _directory(engine) == {people.jose, people.amina}
    check()
    with session_scope(engine) as session:  # consent withdrawn, then given again
        session.get(Person, people.amina).consent_listed = False
    assert people.amina not in _directory(engine)
    check()
    with session_scope(engine) as session:
        session.get(Person, people.amina).consent_listed = True
        session.get(Person, people.hidden).consent_listed = True
    assert {people.amina, people.hidden} <= _directory(engine)
    check()
    with session_scope(engine) as session:  # the drop-out completes; a completion is undone
        session.execute(
            sa.update(Participation).where(Participation.person_id == people.dropout).values(completed=True)
        )
        session.execute(
            sa.update(Participation).where(Participation.person_id == people.hidden).values(completed=False)
        )
    assert people.dropout in _directory(engine) and people.hidden not in _directory(engine)
    check()
    with session_scope(engine) as session:  # a new alum, written row by row as an import does
        new = _person(session, "Nadia Haddad", nationality="LBN", consent_listed=True)
        module_id = session.scalar(sa.select(Participation.module_id).where(Participation.person_id == people.jose))
        session.add(Participation(person_id=new.id, module_id=module_id, role="participant", completed=True))
    assert new.id in _directory(engine) and _ids(engine, text="nadia") == [new.id]
    check()
    with session_scope(engine) as session:  # a participation deleted; facets copied into the table follow edits
        session.execute(sa.delete(Participation).where(Participation.person_id == new.id))
        session.get(Person, people.jose).nationality = "NPL"
    assert new.id not in _directory(engine) and _ids(engine, nationalities=("NPL",)) == [people.jose]
    check()
    with session_scope(engine) as session:  # the organisation's type filters only where it is shared
        session.get(Person, people.jose).consent_organisation = False
    assert _ids(engine, org_types=(OrgType.TRADE_UNION.value,)) == []
    check()
    with session_scope(engine) as session:  # forgotten, then deleted
        forget_person(session, person_id=people.amina, by="admin")
        session.execute(sa.delete(Participation).where(Participation.person_id == people.jose))
        session.delete(session.get(Person, people.jose))
    assert _directory(engine) == {people.dropout}
    check()


@pytest.mark.parametrize("user", [FACILITATOR, VIEWER, None], ids=["facilitator", "viewer", "signed-out"])
def test_the_fast_mask_applies_the_shared_privacy_rule(user: SignedIn | None) -> None:
    from programme.access.privacy import mask_people
    from programme.alumni.common import masked_records

    records = [
        {"person_id": 1, "name": "A", "email": "a@x", "phone": "1", "organisation": "O", "nationality": "NPL"}
        | {"org_type": "NGO", "consent_email": True, "consent_phone": False, "consent_organisation": False},
        {"person_id": 2, "name": "B", "email": "b@x", "phone": "2", "organisation": "P", "nationality": "PHL"}
        | {"org_type": "trade union", "consent_email": False, "consent_phone": True, "consent_organisation": True},
    ]
    shared = mask_people(pd.DataFrame(records), user).to_dict(orient="records")
    shared = [{key: (None if value == "" else value) for key, value in row.items()} for row in shared]
    assert masked_records(records, user) == shared
    # An organisation's type is published with the organisation only (A did not agree to share it).
    assert [row.get("org_type") for row in shared] == ([None, "trade union"] if user is FACILITATOR else [None, None])


def test_a_page_counts_up_to_the_cap_and_the_cli_counts_all(engine: Engine, people: People, monkeypatch) -> None:
    from programme.alumni import search

    monkeypatch.setattr(search, "COUNT_CAP", 1)
    with session_scope(engine) as session:
        page = search_directory(session, DirectoryQuery(), user=FACILITATOR)
        every = search_directory(session, DirectoryQuery(), user=FACILITATOR, limit=None)
    assert page.capped and page.total == 2 and len(page.results) == 1
    assert not every.capped and every.total == 2 and len(every.results) == 2


def test_people_written_in_one_statement_are_all_indexed_and_folded_as_python_folds(engine: Engine) -> None:
    """PostgreSQL indexes new people once a statement (migration 0005); its fold matches names.fold."""
    from programme.core.bulk import Constant, write_columns
    from programme.people.names import fold

    names = ["Zoë Ångström", "Nguyễn Thị Đặng", "ﬁona Łukasz", "Ana Lim"]
    with session_scope(engine) as session:
        start = session.scalar(sa.select(sa.func.coalesce(sa.func.max(Person.id), 0)))
        ids = list(range(start + 1, start + 1 + len(names)))
        flags = ("consent_listed", "consent_email", "consent_phone", "consent_organisation", "consent_photo")
        now = datetime.now(UTC)
        columns = {"id": ids, "full_name": names, "name_key": [fold(name) for name in names],
                   "sort_name": [fold(name) for name in names],
                   "gender": Constant("undisclosed"), "position": Constant("Case worker"),
                   "created_at": Constant(now), "updated_at": Constant(now)}  # fmt: skip
        write_columns(session, "person", columns | {flag: Constant(False) for flag in flags})
    key = "rowid" if engine.dialect.name == "sqlite" else "person_id"
    with engine.connect() as connection:
        indexed = connection.exec_driver_sql(f"SELECT count(*) FROM person_search WHERE {key} >= {ids[0]}").scalar()
        assert indexed == len(names)
        # normalize() needs a UTF8 database; another keeps 0002's translate() (migration 0005).
        if (
            engine.dialect.name == "postgresql"
            and connection.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
        ):
            for name in names:
                folded = connection.exec_driver_sql("SELECT programme_fold(%(name)s)", {"name": name}).scalar()
                assert folded == fold(name), name
