"""Small counts in figures with an order of their own, and per grant: what a viewer sees of By year, Growth, Repeat
participation and the Funding tab (Reach), and of the growth curve (Home), pools years, counts of modules or grants
of fewer than N people with their neighbours (programme/access/small_counts.pool_in_order, programme/reach/shown.py,
programme/funding/queries.grants_shown); facilitators keep every figure.

Expected figures are counted with bare SQL or by hand, never with the code under test."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme import funding, reach
from programme.access.small_counts import at_least, pool_in_order, year_span
from programme.core.db import make_engine, session_scope
from programme.models import Participation, UserRole
from programme.reach import ReachFilter
from programme.reach.shown import year_periods
from tests import reach_fixture
from tests.apptest_support import run_page

# The people who took part, with their nationality and their module's year (the Reach dashboard's basis).
PEOPLE_YEARS = """
    SELECT DISTINCT p.id, p.nationality, m.start_date
    FROM participation pa JOIN person p ON p.id = pa.person_id JOIN module m ON m.id = pa.module_id
    WHERE pa.attended
"""
# The people each grant reached: its modules, and the modules of its courses.
GRANT_PEOPLE = """
    SELECT DISTINCT g.reference, p.id, p.nationality
    FROM participation pa JOIN person p ON p.id = pa.person_id JOIN module m ON m.id = pa.module_id
    JOIN (SELECT grant_id, module_id FROM grant_module
          UNION SELECT gc.grant_id, m2.id FROM grant_course gc JOIN module m2 ON m2.course_id = gc.course_id) l
      ON l.module_id = m.id
    JOIN funding_grant g ON g.id = l.grant_id
    WHERE pa.attended
"""


def _frame(engine: Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(sa.text(sql))
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _people_years(engine: Engine, nationality: str) -> pd.DataFrame:
    frame = _frame(engine, PEOPLE_YEARS)
    frame = frame[frame["nationality"] == nationality]
    return frame.assign(year=pd.to_datetime(frame["start_date"]).dt.year)[["id", "year"]].drop_duplicates()


def _span(key: object) -> tuple[int, int]:
    first, _, last = str(key).partition("–")
    return int(first), int(last or first)


# --- The pure rule ----------------------------------------------------------------------------------------------


def test_years_of_fewer_than_n_join_the_next_and_the_running_total_stays() -> None:
    """By hand: 2004 has 5 new people; 2005 one, 2006 none, 2007 one and 2008 ten make 12 together; 2009's two are
    fewer than 3 and join the period before. The total so far is each period's last."""
    frame = pd.DataFrame(
        {
            "year": [2004, 2005, 2006, 2007, 2008, 2009],
            "new_individuals": [5, 1, 0, 1, 10, 2],
            "cumulative_individuals": [5, 6, 6, 7, 17, 19],
        }
    )
    shown = pool_in_order(
        frame, "year", threshold=3, count="new_individuals", label=year_span, last=["cumulative_individuals"]
    )
    assert shown.to_dict("records") == [
        {"year": "2004", "new_individuals": 5, "cumulative_individuals": 5},
        {"year": "2005–2009", "new_individuals": 14, "cumulative_individuals": 19},
    ]
    assert pool_in_order(frame, "year", threshold=None, count="new_individuals", label=year_span).equals(frame)


def test_counts_of_modules_pool_into_at_least() -> None:
    frame = pd.DataFrame({"modules": ["1", "2", "3+"], "individuals": [40, 6, 2], "share": [83.3, 12.5, 4.2]})
    shown = pool_in_order(frame, "modules", threshold=3, label=at_least)
    assert shown.to_dict("records") == [
        {"modules": "1", "individuals": 40, "share": 83.3},
        {"modules": "2+", "individuals": 8, "share": pytest.approx(16.7)},
    ]
    few_at_the_top = frame.assign(individuals=[40, 0, 1])  # "2": nobody; "3+": one, who joins both before
    assert pool_in_order(few_at_the_top, "modules", threshold=3, label=at_least)["modules"].tolist() == ["1+"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=15), st.integers(2, 6))
def test_no_row_below_n_and_the_order_and_total_kept(counts: list[int], threshold: int) -> None:
    frame = pd.DataFrame({"year": list(range(2000, 2000 + len(counts))), "individuals": counts})
    shown = pool_in_order(frame, "year", threshold=threshold, label=year_span)
    assert shown["individuals"].sum() == sum(counts)
    for people in shown["individuals"]:
        assert people == 0 or people >= threshold or (len(shown) == 1 and sum(counts) < threshold)
    spans = [_span(key) for key in shown["year"]]
    covered = [year for first, last in spans for year in range(first, last + 1)]
    assert covered == list(range(2000, 2000 + len(counts)))  # every year once, in order


def test_years_pool_by_people_counted_once_over_the_period() -> None:
    """Two people in 2004, one in 2005, who was there in 2004 too: two people over 2004–2005, not three, so the
    period goes on to 2006; 2007 holds five alone."""
    people = {2004: 2, 2005: 1, 2006: 4, 2007: 5}
    distinct = {(2004, 2005): 2, (2004, 2006): 6}
    assert year_periods(people, 3, lambda first, last: distinct[(first, last)]) == [(2004, 2006), (2007, 2007)]
    # A last year of fewer than 3 joins the period before.
    assert year_periods({**people, 2008: 1}, 3, lambda first, last: distinct[(first, last)]) == [
        (2004, 2006),
        (2007, 2008),
    ]


# --- The figures under a narrow filter, on each backend ---------------------------------------------------------


def test_a_viewers_years_hold_no_group_below_three_and_count_people_exactly(demo_engine: Engine) -> None:
    """The demo's Laotians: 31 people over 2004–2019, in most years one or two new ones."""
    people = _people_years(demo_engine, "LAO")
    firsts = people.groupby("id")["year"].min()
    assert (firsts.value_counts() < 3).any()  # what a viewer must not see
    selection = ReachFilter(countries=("LAO",))
    with Session(demo_engine) as session:
        growth = reach.growth_shown(reach.growth(session, selection), 3)
        by_year = reach.by_year_shown(session, selection, stack="gender", threshold=3)
        exact = reach.by_year_shown(session, selection, stack="gender", threshold=None)
    assert ((growth["new_individuals"] == 0) | (growth["new_individuals"] >= 3)).all()
    for key, new, so_far in growth.itertuples(index=False):
        first, last = _span(key)
        assert new == firsts.between(first, last).sum() and so_far == (firsts <= last).sum()
    assert growth["new_individuals"].sum() == len(firsts) == 31
    assert by_year["individuals"].min() >= 3
    for key, part in by_year.groupby("year", sort=False):
        first, last = _span(key)
        assert part["individuals"].sum() == people[people["year"].between(first, last)]["id"].nunique(), key
    # The team: every year, as it is.
    per_year = people.groupby("year")["id"].nunique()
    assert exact.groupby("year")["individuals"].sum().to_dict() == per_year.to_dict() and per_year.min() < 3


def test_a_viewer_is_not_told_that_one_person_attended_three_modules(demo_engine: Engine) -> None:
    """The demo's Emiratis: 18 attended one module, nobody two, one person three or more."""
    people = _frame(
        demo_engine,
        "SELECT p.id, count(DISTINCT pa.module_id) AS modules FROM participation pa JOIN person p "
        "ON p.id = pa.person_id WHERE pa.attended AND p.nationality = 'ARE' GROUP BY p.id",
    )
    counts = people["modules"].clip(upper=3).value_counts().to_dict()
    assert counts == {1: 18, 3: 1}
    with Session(demo_engine) as session:
        raw = reach.repeat_participation(session, ReachFilter(countries=("ARE",)))
    shown = reach.repeat_shown(raw, 3)
    assert shown[["modules", "individuals"]].to_dict("records") == [{"modules": "1+", "individuals": 19}]
    assert reach.repeat_shown(raw, None)["individuals"].tolist() == [18, 0, 1]


def test_grants_that_reached_fewer_than_three_are_shown_together(demo_engine: Engine) -> None:
    reached = _frame(demo_engine, GRANT_PEOPLE)
    laotians = reached[reached["nationality"] == "LAO"]
    per_grant = laotians.groupby("reference")["id"].nunique()
    assert ((per_grant > 0) & (per_grant < 3)).any()  # what a viewer must not see
    with Session(demo_engine) as session:
        shown = funding.grants_shown(session, ReachFilter(countries=("LAO",)), 3)
        team = funding.grants_shown(session, ReachFilter(countries=("LAO",)), None)
    assert ((shown["individuals"] == 0) | (shown["individuals"] >= 3)).all()
    other = shown[shown["ref"] == "Other (fewer than 3 each)"].iloc[0]
    merged = set(per_grant.index) - set(shown["ref"])
    assert len(merged) >= 2 and other["individuals"] == laotians[laotians["reference"].isin(merged)]["id"].nunique()
    assert pd.isna(other["amount"]) and pd.isna(other["cost_per_person"])
    for ref, n in zip(shown["ref"], shown["individuals"], strict=True):
        if ref in per_grant:
            assert n == per_grant[ref]
    assert dict(zip(team["ref"], team["individuals"], strict=True)) == {
        ref: int(per_grant.get(ref, 0)) for ref in team["ref"]
    }


def test_a_cost_per_person_of_fewer_than_three_people_is_not_given() -> None:
    costs = pd.DataFrame(
        {"currency": ["EUR", "USD"], "grants": [2, 1], "amount": [9000.0, 500.0], "individuals": [30, 2],
         "cost_per_person": [300.0, 250.0]}
    )  # fmt: skip
    shown = funding.costs_shown(costs, 3)
    assert shown.loc[0, "individuals"] == 30 and shown.loc[0, "cost_per_person"] == 300.0
    assert pd.isna(shown.loc[1, "individuals"]) and pd.isna(shown.loc[1, "cost_per_person"])
    assert funding.costs_shown(costs, None).equals(costs)


# --- The pages --------------------------------------------------------------------------------------------------


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _reach(role: UserRole, country: str):  # type: ignore[no-untyped-def]
    app = run_page("pages/reach.py", role)
    next(box for box in app.sidebar.multiselect if box.label == "Country").select(country).run()
    assert not app.exception
    return app


def _tab(app, label: str):  # type: ignore[no-untyped-def]
    app.session_state["reach_tab"] = label
    app.run()
    assert not app.exception, label
    return app.dataframe[0].value


def test_a_viewers_reach_tabs_show_no_year_count_or_grant_below_three(demo_db: str) -> None:
    engine = make_engine(demo_db)
    people = _people_years(engine, "LAO")
    firsts = people.groupby("id")["year"].min()
    viewer = _reach(UserRole.VIEWER, "LAO")
    growth = _tab(viewer, "Growth")
    assert ((growth["New individuals"] == 0) | (growth["New individuals"] >= 3)).all()
    assert growth["New individuals"].sum() == len(firsts)
    assert any("years of fewer than 3 people are shown together" in c.value for c in viewer.caption)
    by_year = _tab(viewer, "By year")
    assert by_year["Individuals"].min() >= 3
    grants = _tab(viewer, "Funding")
    assert ((grants["Individuals"] == 0) | (grants["Individuals"] >= 3)).all()
    repeat = _tab(_reach(UserRole.VIEWER, "ARE"), "Repeat participation")
    assert repeat["Individuals"].tolist() == [19]
    facilitator = _reach(UserRole.FACILITATOR, "LAO")
    exact = _tab(facilitator, "Growth")
    assert dict(zip(exact["Year"], exact["New individuals"], strict=True)) == {
        year: int((firsts == year).sum()) for year in range(int(firsts.min()), int(people["year"].max()) + 1)
    }
    assert not any("shown together" in c.value for c in facilitator.caption)
    assert _tab(_reach(UserRole.FACILITATOR, "ARE"), "Repeat participation")["Individuals"].tolist() == [18, 0, 1]


def test_homes_growth_curve_pools_a_viewers_years(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """The small fixture (tests/reach_fixture.py), by hand: Ana and Ben new in 2010, nobody in 2011, Cia in 2012 and
    Dev in 2013. A viewer sees 2010–2013 (4); a facilitator every year."""
    with session_scope(make_engine(sqlite_url)) as session:
        reach_fixture.build(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    def years(role: UserRole) -> tuple[list, list[str]]:
        app = run_page("pages/home.py", role)
        assert not app.exception
        figure = json.loads(app.get("plotly_chart")[0].proto.spec)
        return figure["data"][0]["x"], [c.value for c in app.caption]

    x, captions = years(UserRole.VIEWER)
    assert x == ["2010–2013"] and any("shown together" in c for c in captions)
    x, captions = years(UserRole.FACILITATOR)
    assert "2010–2013" not in json.dumps(x) and not any("shown together" in c for c in captions)


def test_the_signed_up_line_says_fewer_than_three_to_a_viewer() -> None:
    counts = {"registered": 30, "registered_took_part": 28, "registered_only": 2, "took_part_unregistered": 1}
    assert reach.signed_up_sentence(counts) == (
        "Signed up: 30 people on registration lists (or on lists that say whether each person came).  \n"
        "Came: 28 of them took part in a module they signed up for.  \n"
        "Attendance not recorded: 2 of them signed up for a module and are not marked there as present or absent.  \n"
        "Not signed up: 1 took part without being on a registration list."
    )
    assert reach.signed_up_sentence(counts, fewer_than=3) == (
        "Signed up: 30 people on registration lists (or on lists that say whether each person came).  \n"
        "Came: 28 of them took part in a module they signed up for.  \n"
        "Attendance not recorded: fewer than 3 of them signed up for a module and are not marked there as present or "
        "absent.  \n"
        "Not signed up: fewer than 3 took part without being on a registration list."
    )


def test_the_signed_up_lines_are_short_when_people_registered_for_two_modules() -> None:
    """Seen on a new organisation's Reach page: 70 signed up for two modules, 20 came to the first, the second's
    attendance not imported yet. One sentence held it all ("20 of them took part in a module they signed up for; 60
    are not recorded as having come to one (someone signed up for two modules can be in both)"): one line a figure."""
    counts = {"registered": 70, "registered_took_part": 20, "registered_only": 60, "took_part_unregistered": 5}
    lines = reach.signed_up_sentence(counts).split("  \n")
    assert lines == [
        "Signed up: 70 people on registration lists (or on lists that say whether each person came).",
        "Came: 20 of them took part in a module they signed up for.",
        "Attendance not recorded: 60 of them signed up for a module and are not marked there as present or absent.",
        "Some are counted in both: they signed up for more than one module.",
        "Not signed up: 5 took part without being on a registration list.",
    ]
    one = {"registered": 1, "registered_took_part": 0, "registered_only": 1, "took_part_unregistered": 0}
    assert reach.signed_up_sentence(one).startswith("Signed up: 1 person on registration lists")
    assert reach.signed_up_sentence(one, fewer_than=3).startswith("Signed up: fewer than 3 people on registration")


def test_a_viewer_is_not_told_that_one_person_signed_up(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """The small fixture (four took part) and Eve on module B2's registration list, her attendance not recorded: one
    person signed up. A viewer reads "fewer than 3"; a facilitator the count."""
    with session_scope(make_engine(sqlite_url)) as session:
        fixture = reach_fixture.build(session)
        session.add(
            Participation(
                person_id=fixture.people["Eve"], module_id=fixture.modules["B2"], registered=True, attended=None
            )
        )
    with make_engine(sqlite_url).connect() as connection:
        signed_up = connection.execute(sa.text("SELECT count(DISTINCT person_id) FROM participation WHERE registered"))
        assert signed_up.scalar() == 1
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for role, figure in ((UserRole.VIEWER, "fewer than 3"), (UserRole.FACILITATOR, "1")):
        app = run_page("pages/reach.py", role)
        assert not app.exception
        assert {metric.label: metric.value for metric in app.metric}["Signed up"] == figure, role
        line = next(caption.value for caption in app.caption if caption.value.startswith("Signed up:"))
        counts = [int(n) for n in re.findall(r"\b\d+\b", line.replace("fewer than 3", ""))]
        assert (all(n == 0 or n >= 3 for n in counts)) is (role == UserRole.VIEWER), line


def test_the_funder_reports_modules_give_no_count_of_fewer_than_three() -> None:
    """By hand: M2 lists 2 people, fewer than 3, alone of three modules: M1 (3, the smallest other) is not given
    either, else the totals would give M2. M3's mean rating is of 2 evaluations: not given; its counts are."""
    from programme.reports.funder_content import modules_shown

    frame = pd.DataFrame(
        {"module": ["M1", "M2", "M3"], "dates": ["d"] * 3, "place": ["p"] * 3, "registered": [3, 2, 10],
         "completed": [3, 1, 9], "responses": [3, 5, 2], "mean_rating": [4.0, 3.5, 4.2]}
    )  # fmt: skip
    shown = modules_shown(frame, 3)
    assert shown["registered"].tolist() == [None, None, 10] and shown["completed"].tolist() == [None, None, 9]
    assert shown["responses"].tolist() == [None, None, 2] and shown["mean_rating"].tolist() == [None, None, None]
