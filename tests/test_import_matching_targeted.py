"""A short list is matched against the people its rows could be (matching.load_index_for), not everyone: the plan
is the same as against everyone, on the demo programme, on each backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.importing import build_plan, detect_mapping, file_hash, matching, read_participant_sheet
from programme.importing import plan as plan_module
from programme.models import Module, Participation, Person
from programme.people.countries import country_name


def demo_people(session: Session) -> list[Person]:
    """Three people of the demo with an e-mail and a nationality, of three nationalities."""
    found: dict[str, Person] = {}
    for person in session.scalars(
        sa.select(Person).where(Person.email.is_not(None), Person.nationality.is_not(None)).order_by(Person.id)
    ):
        found.setdefault(person.nationality, person)
    assert len(found) >= 3
    return list(found.values())[:3]


def outcome(plan) -> list[tuple]:
    return [(row.row, row.status.value, row.person_id, row.score, row.reason) for row in plan.rows]


def plans(session: Session, lines: list[str]) -> tuple:
    data = "\n".join(["Full name,E-mail,Nationality,Gender", *lines]).encode()
    table = read_participant_sheet(data, "short.csv")
    module = session.scalars(sa.select(Module).order_by(Module.id.desc())).first()

    def planned():
        return build_plan(
            session, table=table, mapping=detect_mapping(table.columns), module=module,
            file_name="short.csv", file_hash=file_hash(data),
        )  # fmt: skip

    return planned, module


def test_a_short_list_matched_against_the_people_it_could_be_plans_as_against_everyone(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(demo_engine) as session:
        by_email, by_name, similar = demo_people(session)
        everyone = session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.erased_at.is_(None)))
        lines = [
            f"Someone Else,{by_email.email.upper()},{country_name(by_email.nationality)},F",  # the same e-mail
            f"{by_name.full_name},,{country_name(by_name.nationality)},",  # the same name and nationality
            f"{similar.full_name[:-1]},,{country_name(similar.nationality)},",  # a similar name
            f"Zebulon Quartermaine,zq@example.org,{country_name(by_name.nationality)},M",  # nobody
            f"Zebulon Quartermaine,,{country_name(by_name.nationality)},M",  # the row above again
        ]
        planned, _module = plans(session, lines)
        targeted = planned()
        # The same sheet against everyone: as a list too long to be matched otherwise.
        monkeypatch.setattr(plan_module, "TARGETED_ROWS", 0)
        whole = planned()
    assert len(whole.index.people) == everyone
    assert len(targeted.index.people) < everyone  # matched against some people only
    assert outcome(targeted) == outcome(whole)
    statuses = [row.status.value for row in targeted.rows]
    assert statuses == ["matched", "matched", "probable", "new", "repeated in file"]
    assert targeted.rows[2].person_id == similar.id
    assert targeted.rows[0].person_id == by_email.id and targeted.rows[1].person_id == by_name.id
    assert targeted.report() == whole.report()
    assert set(targeted.index.by_email) & {"zq@example.org", by_email.email} == set(whole.index.by_email) & {
        "zq@example.org",
        by_email.email,
    }


def test_a_row_without_nationality_is_matched_against_everyone(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        everyone = session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.erased_at.is_(None)))
        planned, _module = plans(session, ["Zebulon Quartermaine,zq@example.org,,M"])
        assert len(planned().index.people) == everyone


def test_the_index_for_rows_holds_whom_they_could_be(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        by_email, by_name, _similar = demo_people(session)
        planned, module = plans(session, [f"Someone Else,{by_email.email},{country_name(by_name.nationality)},F"])
        rows = planned().rows
        index = matching.load_index_for(session, module.id, [row.person for row in rows])
        held = {person.id for person in index.people.values()}
        assert by_email.id in held  # the same e-mail, whatever their nationality
        same_nationality = set(
            session.scalars(
                sa.select(Person.id).where(
                    Person.erased_at.is_(None),
                    sa.or_(Person.nationality == by_name.nationality, Person.nationality.is_(None)),
                )
            )
        )
        assert same_nationality <= held
        assert held == same_nationality | {by_email.id}


def test_rows_without_nationality_match_by_name_as_against_everyone_without_reading_every_record(
    demo_engine: Engine,
) -> None:
    """A self-service registration without a nationality is compared by name with everyone: load_index_by_name finds
    the certain and probable matches load_index does, holding everyone's name but only its candidates' records."""
    with Session(demo_engine) as session:
        by_email, by_name, similar = demo_people(session)
        module = session.scalars(sa.select(Module).order_by(Module.id.desc())).first()
        in_module = session.scalar(
            sa.select(Person).join(Participation).where(Participation.module_id == module.id).order_by(Person.id)
        )
        lines = [
            f"Someone Else,{by_email.email},,F",  # the same e-mail
            f"{by_name.full_name},,,",  # a name recorded with a nationality
            f"{similar.full_name[:-1]},,,",  # a similar name
            f"{in_module.full_name},,,",  # someone already in the module
            "Zebulon Quartermaine,zq@example.org,,M",  # nobody
        ]
        planned, _ = plans(session, lines)
        for row in [planned_row.person for planned_row in planned().rows]:
            whole = matching.load_index(session, module.id)
            light = matching.load_index_by_name(session, module.id, [row])
            assert matching.certain_match(light, row) == matching.certain_match(whole, row)
            assert matching.probable_matches(light, [row]) == matching.probable_matches(whole, [row])
            # Everyone's name, but the whole record (e-mail, organisation) of the row's candidates only.
            assert list(light.people) == list(whole.people)
            assert {pid for pid in light.people if light.people[pid].email} < set(whole.by_email.values())
        found = [
            matching.certain_match(light, row) or matching.probable_matches(light, [row]).get(row.index)
            for row in [planned_row.person for planned_row in planned().rows]
            for light in [matching.load_index_by_name(session, module.id, [row])]
        ]
    assert [match.person_id if match else None for match in found[:2]] == [by_email.id, by_name.id]
    assert found[2] is not None and found[2].person_id == similar.id and not found[2].certain
    assert found[3] is not None and found[3].person_id == in_module.id
    assert found[4] is None
