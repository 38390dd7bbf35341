"""Reach figures against hand-computed ones on the small programme of tests/reach_fixture.py."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme import reach
from programme.models import Participation, ParticipationRole, Person
from programme.reach import CountryBasis, ReachFilter, kept
from tests import reach_fixture


@pytest.fixture
def small(session: Session) -> reach_fixture.Fixture:
    return reach_fixture.build(session)


def _rows(frame, key: str, *columns: str) -> dict:
    return {row[key]: tuple(row[c] for c in columns) for row in frame.to_dict("records")}


def test_headline_counts_individuals_once_and_participations_each(session: Session, small) -> None:
    figures = reach.headline_figures(session).iloc[0].to_dict()
    assert figures == {
        "courses": 2,
        "modules": 3,
        "individuals": 4,  # Eve never took part
        "participations": 8,
        "countries": 3,  # NPL, PHL, IDN
        "women_share": 50.0,  # Ana and Cia of 4
        # Ana (NGO) and Cia (union) of the 3 whose organisation type is recorded (Ben is government); Dev has no
        # organisation, so no type on record: left out of the share, not counted against civil society.
        "civil_society_share": 66.7,
        "org_type_recorded": 3,
    }
    # The CLI's contract is unchanged and agrees.
    assert reach.headline(session) == {
        "courses": 2,
        "modules": 3,
        "individuals": 4,
        "participations": 8,
        "countries": 3,
    }


def test_by_country_on_nationality_and_on_country_of_work(session: Session, small) -> None:
    nationality = reach.by_country(session)
    assert _rows(nationality, "code", "country", "individuals", "participations") == {
        "NPL": ("Nepal", 2, 5),
        "PHL": ("Philippines", 1, 2),
        "IDN": ("Indonesia", 1, 1),
    }
    assert list(nationality["code"]) == ["NPL", "IDN", "PHL"]  # largest first, then by name
    assert nationality["share"].tolist() == [50.0, 25.0, 25.0]
    work = reach.by_country(session, ReachFilter(country_basis=CountryBasis.COUNTRY_OF_WORK))
    assert _rows(work, "code", "individuals", "participations") == {"MYS": (2, 5), "NPL": (1, 2), "IDN": (1, 1)}


def test_by_gender_and_organisation_type(session: Session, small) -> None:
    assert _rows(reach.by_gender(session), "gender", "individuals", "participations", "share") == {
        "female": (2, 5, 50.0),
        "male": (2, 3, 50.0),
    }
    assert _rows(reach.by_org_type(session), "org_type", "individuals", "participations") == {
        "NGO": (1, 3),
        "government": (1, 2),
        "trade union": (1, 2),
        "not recorded": (1, 1),
    }


def test_organisation_type_not_recorded_is_left_out_of_the_shares(session: Session, small) -> None:
    # Of the 4 individuals, Dev has no organisation (type not recorded): the 3 others, one each of NGO,
    # government and trade union, are a third each (100/3 = 33.3); "not recorded" has no share, and comes last.
    frame = reach.by_org_type(session)
    assert frame["org_type"].iloc[-1] == "not recorded"
    shares = dict(zip(frame["org_type"], frame["share"], strict=True))
    assert shares["NGO"] == shares["government"] == shares["trade union"] == 33.3
    assert shares["not recorded"] is None or shares["not recorded"] != shares["not recorded"]  # None or NaN


def test_by_year_stacks_and_growth_counts_first_years(session: Session, small) -> None:
    years = reach.by_year(session, stack="gender")
    assert _rows(years.assign(key=list(zip(years.year, years.gender, strict=True))), "key", "participations") == {
        (2010, "female"): (1,),
        (2010, "male"): (1,),
        (2012, "female"): (2,),
        (2012, "male"): (1,),
        (2013, "female"): (2,),
        (2013, "male"): (1,),
    }
    growth = reach.growth(session)
    assert growth.to_dict("list") == {
        "year": [2010, 2011, 2012, 2013],
        "new_individuals": [2, 0, 1, 1],  # Ana and Ben in 2010, Cia in 2012, Dev in 2013
        "cumulative_individuals": [2, 2, 3, 4],
    }


def test_repeat_participation_and_corridors(session: Session, small) -> None:
    repeat = reach.repeat_participation(session)
    assert repeat.to_dict("list") == {
        "modules": ["1", "2", "3+"],
        "individuals": [1, 2, 1],
        "share": [25.0, 50.0, 25.0],
    }
    corridors = reach.corridors(session)
    assert _rows(
        corridors.assign(key=corridors.nationality_code + ">" + corridors.country_of_work_code), "key", "individuals"
    ) == {
        "NPL>MYS": (1,),
        "NPL>NPL": (1,),
        "PHL>MYS": (1,),
        "IDN>IDN": (1,),
    }


@pytest.mark.parametrize(
    ("reach_filter", "individuals", "participations"),
    [
        (ReachFilter(courses=("b",)), 4, 6),  # course codes match case-insensitively
        (ReachFilter(year_from=2012, year_to=2012), 3, 3),
        (ReachFilter(scopes=("regional",)), 2, 2),
        (ReachFilter(roles=("participant",)), 3, 6),
        (ReachFilter(genders=("female",), countries=("MYS",), country_basis=CountryBasis.COUNTRY_OF_WORK), 2, 5),
        (ReachFilter(countries=("MYS",)), 0, 0),  # nobody's nationality is Malaysian
        (ReachFilter(org_types=("unknown",)), 1, 1),
        (ReachFilter(org_types=("NGO", "unknown")), 2, 4),
        (ReachFilter(org_types=("not recorded",)), 1, 1),  # the option the page now offers
        (ReachFilter(year_from=2030), 0, 0),
    ],
)
def test_filters_restrict_every_figure(session: Session, small, reach_filter, individuals, participations) -> None:
    figures = reach.headline_figures(session, reach_filter).iloc[0]
    assert (figures["individuals"], figures["participations"]) == (individuals, participations)
    assert reach.by_gender(session, reach_filter)["individuals"].sum() == individuals
    assert reach.growth(session, reach_filter)["new_individuals"].sum() == individuals
    assert reach.repeat_participation(session, reach_filter)["individuals"].sum() == individuals


def test_module_filter_and_repeat_among_participants_only(session: Session, small) -> None:
    b2 = ReachFilter(module_ids=(small.modules["B2"],))
    assert reach.headline_figures(session, b2).iloc[0][["courses", "modules", "participations"]].tolist() == [1, 1, 3]
    repeat = reach.repeat_participation(session, ReachFilter(roles=("participant",)))
    assert repeat["individuals"].tolist() == [1, 1, 1]  # Ben 1 (A1), Cia 2, Ana 3


def test_empty_database_gives_zeros_and_empty_tables(session: Session) -> None:
    assert reach.headline_figures(session).iloc[0].tolist() == [0, 0, 0, 0, 0, 0.0, 0.0, 0]
    for table in (reach.by_country, reach.by_gender, reach.growth, reach.corridors):
        assert table(session).empty
    assert reach.repeat_participation(session)["individuals"].tolist() == [0, 0, 0]


def test_filter_options_list_what_exists(session: Session, small) -> None:
    options = reach.filter_options(session)
    # No course list: the page's Course filter offers the newest with a find box (ui.course_filter); 18,684
    # courses' labels were read on every cold Reach page at scale.
    assert "courses" not in options
    assert options["years"] == (2010, 2013)
    assert set(options["countries"]) == {"NPL", "MYS", "PHL", "IDN", "not recorded"}
    assert "not recorded" in options["org_types"]


def test_module_choices_of_several_courses_and_past_the_cap(session: Session, small) -> None:
    # The Reach page's Module filter reads the pickers' one module_choices (courses.search), for the courses chosen:
    # the fixture's modules are A1 (2010, Bangkok), B1 (2012) and B2 (2013, both Kuala Lumpur), newest first.
    from programme.courses.search import module_choices

    every = module_choices(session, limit=10)
    assert list(every.labels.values()) == [
        "B · Module 2 · Feb 2013, Kuala Lumpur",
        "B · Module 1 · May 2012, Kuala Lumpur",
        "A · Module 1 · Mar 2010, Bangkok",
    ]
    assert every.matching == 3
    assert list(module_choices(session, course_codes=("B",), limit=2).labels) == list(every.labels)[:2]
    assert module_choices(session, course_codes=("B",), limit=2).matching == 2  # as many as the cap: all offered
    assert module_choices(session, limit=2).matching == 3  # past the cap: the page asks for a course first
    assert module_choices(session, course_codes=("A", "B"), limit=2).matching == 3
    assert list(module_choices(session, course_codes=("A",), limit=2).labels.values()) == [
        "A · Module 1 · Mar 2010, Bangkok"
    ]
    assert "modules" not in reach.filter_options(session)
    assert not hasattr(reach, "module_choices")


def test_demo_figures_agree_with_the_cli_contract(demo_engine) -> None:
    with Session(demo_engine) as session:
        figures = reach.headline_figures(session).iloc[0]
        totals = reach.stats(session)
        assert figures["individuals"] == totals["individuals"]
        assert figures["participations"] == totals["participations"]
        assert reach.by_gender(session).set_index("gender")["individuals"].to_dict() == totals["by_gender"]
        assert reach.growth(session)["cumulative_individuals"].iloc[-1] == totals["individuals"]


def test_a_figure_joins_only_the_tables_its_columns_and_filter_use() -> None:
    def joined(reach_filter: ReachFilter | None, columns: list[str]) -> set[str]:
        sql = str(sa.select(reach.participations(reach_filter, columns)))
        return {name for name in ("person", "module", "course", "organisation") if f"JOIN {name} " in sql}

    assert joined(None, ["person_id", "module_id"]) == set()
    assert joined(None, ["nationality", "person_id"]) == {"person"}
    assert joined(None, ["org_type"]) == {"person", "organisation"}
    assert joined(ReachFilter(scopes=("regional",)), ["person_id"]) == {"module", "course"}
    assert joined(ReachFilter(year_from=2012, genders=("female",)), ["person_id"]) == {"person", "module"}
    assert joined(None, []) == joined(None, None) == {"person", "module", "course", "organisation"}


def test_growth_runs_to_the_last_year_anyone_took_part(session: Session) -> None:
    # Ana and Ben took part in 2019; only Ana came back, in 2021. By hand: 2019 two new (2 in all), 2020 and 2021
    # none new (still 2): the curve reaches 2021, the last year someone took part, whichever figures answer.
    from datetime import date

    from programme.models import Course, Gender, Module, Participation, Person

    course = Course(code="G", title="Growth")
    session.add(course)
    session.flush()
    first = Module(course_id=course.id, number=1, title="M1", start_date=date(2019, 3, 1), end_date=date(2019, 3, 2))
    later = Module(course_id=course.id, number=2, title="M2", start_date=date(2021, 3, 1), end_date=date(2021, 3, 2))
    ana = Person(full_name="Ana Thapa", name_key="ana thapa", gender=Gender.FEMALE)
    ben = Person(full_name="Ben Rai", name_key="ben rai", gender=Gender.MALE)
    session.add_all([first, later, ana, ben])
    session.flush()
    for person, module in ((ana, first), (ben, first), (ana, later)):
        session.add(Participation(person_id=person.id, module_id=module.id, attended=True))
    session.commit()
    expected = [(2019, 2, 2), (2020, 0, 2), (2021, 0, 2)]
    for reach_filter in (None, ReachFilter(courses=("G",)), ReachFilter(genders=("female",))):
        frame = reach.growth(session, reach_filter)
        rows = list(frame[["year", "new_individuals", "cumulative_individuals"]].itertuples(index=False, name=None))
        want = expected if reach_filter is None or reach_filter.courses else [(2019, 1, 1), (2020, 0, 1), (2021, 0, 1)]
        assert rows == want, reach_filter


def _someone_without_nationality(session: Session, small) -> None:
    """Fay took part in B2 with no nationality, country of work or organisation on record (and her gender left as
    the default, undisclosed: a person's gender is never missing)."""
    fay = Person(full_name="Fay Lim", name_key="fay lim")
    session.add(fay)
    session.flush()
    session.add(Participation(person_id=fay.id, module_id=small.modules["B2"], attended=True))
    session.commit()


# No filter: the kept summaries answer; every role: the same people, from the raw rows.
@pytest.mark.parametrize("reach_filter", [None, ReachFilter(roles=tuple(r.value for r in ParticipationRole))])
def test_a_missing_country_says_not_recorded_like_the_organisation_type(session: Session, small, reach_filter) -> None:
    """The Country tab (map table, bar, downloads) said "unknown" where Organisation type and Organisations say "not
    recorded"; every tab says "not recorded" now, and `stats --json` keeps its "unknown" (a stable contract)."""
    _someone_without_nationality(session, small)
    by_country = reach.by_country(session, reach_filter)
    assert _rows(by_country, "country", "code", "individuals", "share")["not recorded"] == ("not recorded", 1, 20.0)
    tables = [by_country, reach.by_gender(session, reach_filter), reach.by_org_type(session, reach_filter)]
    tables += [reach.by_year(session, reach_filter, stack=stack) for stack in reach.STACKS]
    for frame in tables:
        assert "unknown" not in frame.astype(str).to_numpy()
    # The figures are unchanged: Fay counts in the country shares as before (5 individuals, 20% each but Nepal).
    assert by_country["share"].tolist() == [40.0, 20.0, 20.0, 20.0]
    # Picking "not recorded" under Organisation type still selects Dev and Fay, and only them.
    picked = ReachFilter(org_types=("not recorded",), roles=(reach_filter.roles if reach_filter else ()))
    assert reach.headline_figures(session, picked).iloc[0]["individuals"] == 2
    assert _rows(reach.by_country(session, picked), "country", "individuals") == {
        "Indonesia": (1,),
        "not recorded": (1,),
    }
    # The CLI's keys and values are as before.
    figures = reach.stats(session)
    assert figures["by_country"] == {"IDN": 1, "NPL": 2, "PHL": 1}
    assert figures["by_gender"] == {"female": 2, "male": 2, "undisclosed": 1}
    assert figures["by_org_type"]["unknown"] == 2


def test_a_missing_gender_or_stack_value_is_labelled_not_recorded() -> None:
    """A person's gender is never missing in the database, but any missing value the tabs group by is labelled
    "not recorded" (the by-year stacks, the gender table), never "unknown"."""
    from programme.reach.queries import _label

    assert _label(None) == "not recorded"
    assert _label(ParticipationRole.OBSERVER) == "observer"


EVERY_ROLE = tuple(role.value for role in ParticipationRole)


@pytest.mark.parametrize("basis", list(CountryBasis))
def test_the_country_filter_selects_the_people_whose_country_is_not_recorded(session: Session, small, basis) -> None:
    """The Country filter offers "not recorded", as the Country tab shows it and as Organisation type offers it: it
    selects Fay (no nationality and no country of work on record, one participation in B2), alone or with a country.
    The kept summaries (no role filter) and the raw rows (every role named) give the same figures."""
    _someone_without_nationality(session, small)
    options = reach.filter_options(session)["countries"]
    assert list(options)[-1] == "not recorded" and options["not recorded"] == "not recorded"
    # By hand: Nepal by nationality is Ana (3 participations) and Ben (2); by country of work, Ben (2).
    nepal = (2, 5) if basis == CountryBasis.NATIONALITY else (1, 2)
    for roles in ((), EVERY_ROLE):
        only = ReachFilter(countries=("not recorded",), country_basis=basis, roles=roles)
        assert (kept.selection(session, only) is None) == bool(roles)
        figures = reach.headline_figures(session, only).iloc[0]
        # Fay's one module, B2, of course B.
        assert [int(figures[k]) for k in ("courses", "modules", "individuals", "participations")] == [1, 1, 1, 1]
        assert _rows(reach.by_country(session, only), "country", "individuals") == {"not recorded": (1,)}
        assert _rows(reach.by_gender(session, only), "gender", "individuals") == {"undisclosed": (1,)}
        assert reach.growth(session, only)["new_individuals"].sum() == 1
        with_nepal = ReachFilter(countries=("NPL", "not recorded"), country_basis=basis, roles=roles)
        figures = reach.headline_figures(session, with_nepal).iloc[0]
        assert (int(figures["individuals"]), int(figures["participations"])) == (nepal[0] + 1, nepal[1] + 1)
        assert _rows(reach.by_country(session, with_nepal), "country", "individuals") == {
            "Nepal": (nepal[0],),
            "not recorded": (1,),
        }
    # Completion, from reach_module_stage and from the raw rows: Fay is a participant of B2 who took part and did
    # not complete it.
    kept_filter = ReachFilter(countries=("not recorded",), country_basis=basis)
    participants = replace(kept_filter, roles=(ParticipationRole.PARTICIPANT.value,))
    funnel = reach.funnel(session, kept_filter)
    pd.testing.assert_frame_equal(funnel, reach.funnel(session, participants))
    assert funnel["individuals"].tolist() == [1, 1, 0]
    per_module = reach.funnel_by_module(session, kept_filter)
    pd.testing.assert_frame_equal(per_module, reach.funnel_by_module(session, participants))
    assert len(per_module) == 1
