"""The reach summaries (programme/summaries/reach.py): true on the demo, caught out by a write that forgets to say
what it changed, kept true by every write path that changes who was reached; and the dashboards read from them give
the same figures as the raw rows."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import reach, summaries
from programme.access.accounts import SignedIn
from programme.access.erasure import forget_person
from programme.alumni.corridors import corridor_alumni, corridors, listed_alumni_by_country
from programme.core.db import session_scope
from programme.courses.catalogue import update_course
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet, undo_batch
from programme.models import (
    Course,
    DataVersion,
    EvaluationModuleSummary,
    Gender,
    Module,
    Participation,
    ParticipationRole,
    Person,
    ReachPerson,
    ReachPersonYear,
    ReachYear,
    Scope,
    UserRole,
)
from programme.people.consent import set_consent_many
from programme.people.merge import merge_people
from programme.planning.attendance import mark_attendance
from programme.reach import kept
from programme.summaries import upkeep

EVERY_ROLE = tuple(role.value for role in ParticipationRole)
ADMIN = SignedIn(user_id=1, username="admin", role=UserRole.ADMIN)


def differences(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return summaries.check(session)["reach"]


def individuals(engine: Engine) -> int:
    """People who took part, counted once, from the raw rows (a plain Python count)."""
    with Session(engine) as session:
        rows = session.execute(sa.select(Participation.person_id, Participation.attended)).all()
    return len({person for person, attended in rows if attended is True})


def test_the_check_finds_the_reach_summaries_true_on_the_demo(demo_engine: Engine) -> None:
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        kept_people = session.scalar(sa.select(sa.func.count()).where(ReachPerson.modules > 0))
        assert kept.covers_everything(session, None)
        headline = reach.headline(session)["individuals"]
    assert kept_people == headline == individuals(demo_engine) > 0


# Every participation of every role: the same selection as no filter, answered from the raw rows (a filter on roles
# is one the summaries do not answer).
EVERYTHING_RAW = reach.ReachFilter(roles=EVERY_ROLE)


@pytest.mark.parametrize("basis", list(reach.CountryBasis))
def test_the_dashboards_read_from_the_summaries_give_the_raw_rows_figures(demo_engine: Engine, basis) -> None:
    kept_filter = reach.ReachFilter(country_basis=basis)
    raw_filter = replace(EVERYTHING_RAW, country_basis=basis)
    with Session(demo_engine) as session:
        assert kept.covers_everything(session, kept_filter) and not kept.covers_everything(session, raw_filter)
        first, last = session.execute(sa.select(sa.func.min(Module.start_date), sa.func.max(Module.start_date))).one()
        whole_range = replace(kept_filter, year_from=first.year, year_to=last.year)
        assert kept.covers_everything(session, whole_range)
        assert not kept.covers_everything(session, replace(kept_filter, year_from=first.year + 1))
        for function in (
            reach.headline_figures, reach.by_country, reach.by_gender, reach.by_org_type, reach.growth,
            reach.repeat_participation, reach.corridors, reach.organisations,
        ):  # fmt: skip
            pd.testing.assert_frame_equal(function(session, kept_filter), function(session, raw_filter))
            pd.testing.assert_frame_equal(function(session, whole_range), function(session, raw_filter))
        for stack in reach.STACKS:
            pd.testing.assert_frame_equal(
                reach.by_year(session, kept_filter, stack=stack), reach.by_year(session, raw_filter, stack=stack)
            )
        assert reach.registrations(session, kept_filter) == reach.registrations(session, raw_filter)
        assert reach.organisation_count(session, kept_filter) == reach.organisation_count(session, raw_filter)
        participants = reach.ReachFilter(roles=(ParticipationRole.PARTICIPANT.value,))
        pd.testing.assert_frame_equal(reach.funnel(session), reach.funnel(session, participants))
        pd.testing.assert_frame_equal(reach.funnel_by_module(session), reach.funnel_by_module(session, participants))
        # The latest modules only (the page's table at scale): the whole table's last rows, and its length in attrs.
        whole = reach.funnel_by_module(session)
        assert len(whole) > 3
        for reach_filter in (None, participants):
            latest = reach.funnel_by_module(session, reach_filter, latest=3)
            pd.testing.assert_frame_equal(latest, whole.tail(3).reset_index(drop=True))
            assert latest.attrs["modules"] == whole.attrs["modules"] == len(whole)


# Filters on the person's own attributes: the figures about people are read from reach_person (the headline's
# modules and courses from reach_module when one attribute narrows); the same filter with every role named is
# answered from the raw rows, the same selection.
PERSON_FILTERS = [
    {"genders": ("female",)},
    {"genders": ("male", "non-binary/other")},
    {"org_types": ("NGO", "not recorded")},
    {"org_types": ("trade union",)},
    {"countries": "most common"},
    {"countries": "most common", "country_basis": reach.CountryBasis.COUNTRY_OF_WORK},
    {"genders": ("female",), "org_types": ("NGO",)},
    {"genders": ("female",), "countries": "most common", "year_from": 1990},
]


@pytest.mark.parametrize("narrowing", PERSON_FILTERS, ids=lambda n: "-".join(sorted(n)))
def test_filters_on_people_read_from_the_summaries_give_the_raw_rows_figures(demo_engine: Engine, narrowing) -> None:
    with Session(demo_engine) as session:
        basis = narrowing.get("country_basis", reach.CountryBasis.NATIONALITY)
        chosen = dict(narrowing)
        if chosen.get("countries") == "most common":
            by_country = reach.by_country(session, reach.ReachFilter(country_basis=basis))
            chosen["countries"] = tuple(by_country.sort_values("individuals")["code"].tail(2))
        kept_filter = reach.ReachFilter(**chosen)
        raw_filter = replace(kept_filter, roles=EVERY_ROLE)
        chosen = kept.selection(session, kept_filter)
        assert chosen is not None and chosen.where and chosen.years is None
        assert kept.selection(session, raw_filter) is None
        for function in (
            reach.headline_figures, reach.by_country, reach.by_gender, reach.by_org_type, reach.growth,
            reach.repeat_participation, reach.corridors, reach.organisations,
        ):  # fmt: skip
            pd.testing.assert_frame_equal(function(session, kept_filter), function(session, raw_filter))
        for stack in reach.STACKS:  # from reach_person_year, its people's years
            pd.testing.assert_frame_equal(
                reach.by_year(session, kept_filter, stack=stack), reach.by_year(session, raw_filter, stack=stack)
            )
        assert reach.registrations(session, kept_filter) == reach.registrations(session, raw_filter)
        assert reach.organisation_count(session, kept_filter) == reach.organisation_count(session, raw_filter)
        # Completion counts participants: the same filter naming that role is answered from the raw rows.
        participants = replace(kept_filter, roles=(ParticipationRole.PARTICIPANT.value,))
        pd.testing.assert_frame_equal(reach.funnel(session, kept_filter), reach.funnel(session, participants))
        whole = reach.funnel_by_module(session, participants)
        assert len(whole) > 3
        pd.testing.assert_frame_equal(reach.funnel_by_module(session, kept_filter), whole)
        latest = reach.funnel_by_module(session, kept_filter, latest=3)
        pd.testing.assert_frame_equal(latest, whole.tail(3).reset_index(drop=True))
        assert latest.attrs["modules"] == whole.attrs["modules"] == len(whole)
        # The filter narrows: fewer people than the whole programme, and some.
        everyone = reach.headline_figures(session).iloc[0]["individuals"]
        assert 0 < reach.headline_figures(session, kept_filter).iloc[0]["individuals"] < everyone


def test_a_write_that_forgets_to_touch_fails_the_check_and_a_rebuild_repairs_it(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        participation = session.scalars(sa.select(Participation).where(Participation.attended.is_(True))).first()
        person_id = participation.person_id
        gender = "female" if session.get(Person, person_id).gender != Gender.FEMALE else "male"
        # Core statements are not noticed: nothing says which module or person moved.
        session.execute(
            sa.update(Participation.__table__)
            .where(Participation.__table__.c.id == participation.id)
            .values(attended=False)
        )
        session.execute(sa.update(Person.__table__).where(Person.__table__.c.id == person_id).values(gender=gender))
        session.commit()
    found = differences(demo_engine)
    assert any(line.startswith(f"reach_person ({person_id},)") for line in found)
    assert any(line.startswith("reach_module") for line in found)
    assert any(line.startswith("reach_year") for line in found)
    with Session(demo_engine) as session:
        summaries.rebuild(session)
        session.commit()
    assert differences(demo_engine) == []


def demo_module(engine: Engine) -> tuple[int, str, int]:
    with Session(engine) as session:
        module_id, code, number = session.execute(
            sa.select(Module.id, Course.code, Module.number).join(Course).order_by(Module.id)
        ).first()
    return module_id, code, number


def test_a_participant_import_and_its_undo_keep_the_summaries_true(demo_engine: Engine) -> None:
    module_id, _, _ = demo_module(demo_engine)
    with Session(demo_engine) as session:
        # A known person from another module, matched by e-mail: their row gains a module.
        known = session.execute(
            sa.select(Person.id, Person.email).where(
                Person.email.is_not(None),
                Person.id.not_in(sa.select(Participation.person_id).where(Participation.module_id == module_id)),
            )
        ).first()
    before = individuals(demo_engine)
    data = (
        "Name,E-mail,Gender,Nationality,Country of work,Organisation\n"
        f"Known Person,{known.email},,,,\n"
        "Zebulon Quartermaine,zq@example.org,F,Malaysia,Malaysia,Tenaganita\n"
        "Ottilie Vanderholt,ov@example.org,M,Nepal,Qatar,GEFONT\n"
    ).encode()
    with session_scope(demo_engine) as session:
        table = read_participant_sheet(data, "list.csv")
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=session.get(Module, module_id),
            file_name="list.csv",
            file_hash=file_hash(data),
        )
        result = apply_plan(session, plan=plan, username="tester")
    assert differences(demo_engine) == []
    assert individuals(demo_engine) == before + 2
    with Session(demo_engine) as session:
        assert reach.headline(session)["individuals"] == before + 2
    with session_scope(demo_engine) as session:
        undo_batch(session, batch_id=result.batch_id, username="tester")
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        assert reach.headline(session)["individuals"] == before


def someone_who_took_part(engine: Engine, *, modules: int = 1) -> int:
    with Session(engine) as session:
        return session.scalars(
            sa.select(Participation.person_id)
            .where(Participation.attended.is_(True))
            .group_by(Participation.person_id)
            .having(sa.func.count() >= modules)
            .order_by(Participation.person_id)
        ).first()


def test_erasure_merge_consent_attendance_and_a_course_scope_keep_the_summaries_true(demo_engine: Engine) -> None:
    erased = someone_who_took_part(demo_engine, modules=2)
    with session_scope(demo_engine) as session:
        forget_person(session, person_id=erased, by="tester")
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        assert session.get(ReachPerson, erased).erased is True

    with Session(demo_engine) as session:
        keep_id, remove_id = session.scalars(
            sa.select(Participation.person_id)
            .where(Participation.attended.is_(True), Participation.person_id != erased)
            .distinct()
            .order_by(Participation.person_id)
            .limit(2)
        ).all()
    before = individuals(demo_engine)
    with session_scope(demo_engine) as session:
        merge_people(session, keep_id=keep_id, remove_id=remove_id, by="tester")
    assert differences(demo_engine) == []
    assert individuals(demo_engine) == before - 1
    with Session(demo_engine) as session:
        assert session.get(ReachPerson, remove_id) is None

    with Session(demo_engine) as session:
        people = session.scalars(
            sa.select(Person.id).where(Person.erased_at.is_(None), Person.consent_listed.is_(False)).limit(3)
        ).all()
        listed_before = sum(listed_alumni_by_country(session).values())
    with session_scope(demo_engine) as session:
        set_consent_many(session, person_ids=people, flags={"consent_listed": True}, source="forms", by=ADMIN)
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        assert sum(listed_alumni_by_country(session).values()) >= listed_before

    with Session(demo_engine) as session:
        participation_id = session.scalars(
            sa.select(Participation.id).where(Participation.attended.is_(True)).order_by(Participation.id.desc())
        ).first()
    with session_scope(demo_engine) as session:
        mark_attendance(session, participation_id=participation_id, days_present={}, by="tester")
    assert differences(demo_engine) == []

    with Session(demo_engine) as session:
        code, scope = session.execute(sa.select(Course.code, Course.scope).order_by(Course.id)).first()
    other = Scope.NATIONAL if scope != Scope.NATIONAL else Scope.REGIONAL
    with session_scope(demo_engine) as session:
        update_course(session, code=code, scope=other.value, by="tester")
    assert differences(demo_engine) == []


def test_a_corridor_lists_at_most_the_limit_at_each_end_the_first_by_name(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        seen = corridors(session)
        origin, destination = seen.loc[0, "origin"], seen.loc[0, "destination"]
        everyone = corridor_alumni(session, origin=origin, destination=destination, user=ADMIN)
        first = corridor_alumni(session, origin=origin, destination=destination, user=ADMIN, limit=1)
    assert len(everyone[0]) == seen.loc[0, "alumni_in_origin"] and len(everyone[0]) > 1
    for full, limited in zip(everyone, first, strict=True):
        assert len(limited) == min(1, len(full))
        names = sorted(full["name"], key=str.casefold)
        assert list(limited["name"]) == names[:1]


def took_part_in_year(engine: Engine, year: int) -> int:
    """People who took part in a module of the year, counted once, from the raw rows (a plain Python count)."""
    with Session(engine) as session:
        rows = session.execute(
            sa.select(Participation.person_id, Participation.attended, Module.start_date).join(Module)
        ).all()
    return len({person for person, attended, start in rows if attended is True and start.year == year})


def test_a_change_moves_its_year_by_the_difference_without_recounting_the_year(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        participation_id, year = session.execute(
            sa.select(Participation.id, Module.start_date)
            .join(Module)
            .where(Participation.attended.is_(True))
            .order_by(Participation.id)
        ).first()
        year = year.year
    before = took_part_in_year(demo_engine, year)
    row = (ReachYear.year == year) & (ReachYear.dimension == "all") & (ReachYear.value == "")
    with Session(demo_engine) as session:
        # The year's stored count made wrong on purpose: a recount of the year would put it right.
        session.execute(sa.update(ReachYear).where(row).values(individuals=ReachYear.individuals + 1000))
        session.commit()
    with Session(demo_engine) as session:
        session.get(Participation, participation_id).attended = False
        session.commit()
    after = took_part_in_year(demo_engine, year)
    assert after <= before
    with Session(demo_engine) as session:
        # Moved by the change's own difference (one person fewer, unless they took part in another module that year).
        assert session.scalar(sa.select(ReachYear.individuals).where(row)) == after + 1000
    # Every other figure is true: the check finds the deliberate error only.
    assert [line.split(":")[0] for line in differences(demo_engine)] == [f"reach_year ({year}, 'all', '')"]


def test_an_upgrade_rebuilds_only_the_summaries_whose_format_changed(demo_engine: Engine) -> None:
    upkeep.ensure_current(demo_engine)  # the PostgreSQL fixture empties every table, the formats kept too
    with Session(demo_engine) as session:
        assert upkeep.stale(session) == []
        # As a database kept before reach_person_year: the set's format only (each summary at format 1), no rows.
        session.execute(sa.delete(DataVersion).where(DataVersion.scope.startswith(f"{upkeep.FORMAT_SCOPE}:")))
        session.execute(sa.delete(ReachPersonYear))
        # An evaluation figure made wrong on purpose: a rebuild of every summary would put it right.
        session.execute(sa.update(EvaluationModuleSummary).values(responses=EvaluationModuleSummary.responses + 7))
        session.commit()
        assert upkeep.stale(session) == ["reach"]
    assert any(line.startswith("reach_person_year") for line in differences(demo_engine))
    assert upkeep.ensure_current(demo_engine) is True
    assert differences(demo_engine) == []
    with Session(demo_engine) as session:
        assert summaries.check(session)["evaluations"] != []  # not rebuilt
        assert upkeep.stale(session) == []
    assert upkeep.ensure_current(demo_engine) is False


def test_the_organisations_table_adds_up_to_the_count_after_an_erasure(demo_engine: Engine) -> None:
    """Seen by the person responsible for data: after an erasure, Reach › Organisations counted the "(erased) NGO"
    placeholder as an organisation reached (one more than the headline). The erased person still counts among the
    individuals (their participation is kept, without the person)."""
    with session_scope(demo_engine) as session:
        # Someone who took part and works for an organisation of their own: erasing them takes it out of the count.
        took_part = sa.select(Participation.person_id).where(Participation.attended.is_(True))
        members = sa.func.count().over(partition_by=Person.organisation_id)
        rows = session.execute(
            sa.select(Person.id, members.label("members")).where(
                Person.organisation_id.is_not(None), Person.id.in_(took_part)
            )
        ).all()
        alone = next(row.id for row in rows if row.members == 1)
        before = reach.organisation_count(session)
        individuals = int(reach.organisations(session)["individuals"].sum())
        forget_person(session, person_id=alone, by="tester")
    with Session(demo_engine) as session:
        for reach_filter in (None, EVERYTHING_RAW):  # from the summaries, and from the raw rows
            table = reach.organisations(session, reach_filter)
            assert int(table["organisations"].sum()) == reach.organisation_count(session, reach_filter) == before - 1
            assert int(table["individuals"].sum()) == individuals
