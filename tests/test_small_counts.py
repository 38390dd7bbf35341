"""Small counts that could single someone out: what viewers and funders see shows groups of fewer than N people
together (programme/access/small_counts.py); facilitators and administrators keep every figure.

Expected figures are written by hand or counted with bare SQL, never with the code under test."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.access.small_counts import (
    change_small_count_threshold,
    merge_small,
    share_hidden,
    small_count_threshold,
    small_means,
)
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.models import (
    AuditEntry,
    EvaluationForm,
    Participation,
    Person,
    RespondentAttribute,
    Response,
    UserRole,
)
from programme.reach import at_home_sentence
from programme.reports import funder_report_content
from programme.reports.funder_report import render_funder_report
from tests import reach_fixture
from tests.apptest_support import run_page
from tests.test_reach_pages import registered_only

OTHER = "Other (fewer than 3 each)"
# The people who took part (reach counts them), with their module's year.
TOOK_PART = """
    SELECT DISTINCT p.id, p.nationality, p.country_of_work, p.gender, o.org_type, m.start_date
    FROM participation pa JOIN person p ON p.id = pa.person_id JOIN module m ON m.id = pa.module_id
    LEFT JOIN organisation o ON o.id = p.organisation_id
    WHERE pa.attended
"""


# --- The pure function ------------------------------------------------------------------------------------------


def test_small_countries_are_merged_into_one_row_and_the_total_stays_exact() -> None:
    frame = pd.DataFrame(
        {
            "code": ["NPL", "IDN", "TLS", "PHL"],
            "country": ["Nepal", "Indonesia", "Timor-Leste", "Philippines"],
            "individuals": [10, 5, 1, 1],
            "participations": [12, 6, 1, 2],
            "share": [58.8, 29.4, 5.9, 5.9],
        }
    )
    shown = merge_small(frame, "country", threshold=3, labels={"code": "—"})
    # Timor-Leste and the Philippines hold 2 people together, fewer than 3: Indonesia (the smallest shown) joins
    # them, else "Other: 2" would still be a group of two.
    assert shown.to_dict("records") == [
        {"code": "NPL", "country": "Nepal", "individuals": 10, "participations": 12, "share": 58.8},
        {"code": "—", "country": OTHER, "individuals": 7, "participations": 9, "share": pytest.approx(41.2)},
    ]
    assert shown["individuals"].sum() == 17 and shown["individuals"].dtype == frame["individuals"].dtype


def test_one_small_group_is_never_merged_alone() -> None:
    """Secondary suppression: "Other: 1" beside female and male would be the one undisclosed person (the genders are
    known), and her count the total less the others. The smallest shown gender joins her."""
    frame = pd.DataFrame({"gender": ["female", "male", "undisclosed"], "individuals": [10, 8, 1]})
    shown = merge_small(frame, "gender", threshold=3)
    assert dict(zip(shown["gender"], shown["individuals"], strict=True)) == {"female": 10, OTHER: 9}


def test_small_groups_that_reach_n_together_are_merged_among_themselves() -> None:
    frame = pd.DataFrame({"org_type": ["NGO", "union", "media", "academia"], "individuals": [20, 4, 2, 2]})
    shown = merge_small(frame, "org_type", threshold=3)
    assert dict(zip(shown["org_type"], shown["individuals"], strict=True)) == {"NGO": 20, "union": 4, OTHER: 4}


def test_each_year_is_merged_apart_and_keeps_its_year() -> None:
    frame = pd.DataFrame(
        {
            "year": [2019, 2019, 2019, 2020, 2020],
            "gender": ["female", "male", "non-binary/other", "female", "male"],
            "individuals": [6, 5, 1, 4, 3],
            "participations": [7, 5, 1, 4, 3],
        }
    )
    shown = merge_small(frame, "gender", threshold=3, within="year")
    assert shown.to_dict("records") == [
        {"year": 2019, "gender": "female", "individuals": 6, "participations": 7},
        {"year": 2019, "gender": OTHER, "individuals": 6, "participations": 6},
        {"year": 2020, "gender": "female", "individuals": 4, "participations": 4},
        {"year": 2020, "gender": "male", "individuals": 3, "participations": 3},
    ]


def test_the_team_and_tables_without_small_groups_are_unchanged() -> None:
    frame = pd.DataFrame({"gender": ["female", "male"], "individuals": [1, 1]})
    assert merge_small(frame, "gender", threshold=None).equals(frame)
    big = pd.DataFrame({"gender": ["female", "male", "undisclosed"], "individuals": [5, 3, 0]})
    assert merge_small(big, "gender", threshold=3).equals(big)  # nobody is not a group to hide


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=12), st.integers(2, 6))
def test_no_group_below_n_is_shown_and_the_total_is_exact(counts: list[int], threshold: int) -> None:
    frame = pd.DataFrame({"category": [f"c{i}" for i in range(len(counts))], "individuals": counts})
    shown = merge_small(frame, "category", threshold=threshold)
    assert shown["individuals"].sum() == sum(counts)
    for people in shown["individuals"]:
        # A group below N only when the whole table is below N (then it is the total, merged whole).
        assert people >= threshold or (len(shown) == 1 and sum(counts) < threshold)
    merged = [c for c in frame["category"] if c not in set(shown["category"])]
    assert len(merged) != 1 or len(counts) == 1  # never one category alone in "Other", unless it is the table
    assert (not merged) == all(people >= threshold for people in counts)


def test_a_share_that_would_count_fewer_than_n_people_is_hidden() -> None:
    # share (% to one decimal), of how many, N: by hand, share × whole is the count (give or take the rounding).
    assert share_hidden(12.5, 16, 3)  # 2 women of 16
    assert share_hidden(93.8, 16, 3)  # 15 of 16: the other one is a group of one
    assert not share_hidden(50.0, 16, 3) and not share_hidden(18.8, 16, 3)  # 8 and 3 women
    assert not share_hidden(0.0, 16, 3) and not share_hidden(100.0, 16, 3)  # nobody, everybody: no small group
    assert share_hidden(0.1, 1000, 3) and share_hidden(0.2, 1000, 3)  # 1 and 2 of 1,000
    assert not share_hidden(0.3, 1000, 3)  # 2.5 to 3.5 people: 3
    assert not share_hidden(0.5, 1000, 3)  # 4.5 to 5.5: at least 5
    assert not share_hidden(12.5, 16, None) and not share_hidden(12.5, 0, 3)  # the team; a share of nobody


def test_a_mean_of_fewer_than_n_people_is_hidden_and_never_alone() -> None:
    frame = pd.DataFrame({"group": ["M1", "M2", "M3", "M4"], "n": [12, 2, 5, 20], "pre": [40.0, 50.0, 45.0, 60.0]})
    # M2's two alone would follow from a total shown elsewhere: M3, the smallest other, is hidden with it.
    assert small_means(frame, n="n", threshold=3).tolist() == [False, True, True, False]
    both = frame.assign(n=[12, 2, 1, 20])  # two hidden already: no other needed
    assert small_means(both, n="n", threshold=3).tolist() == [False, True, True, False]
    assert small_means(frame.head(2).tail(1), n="n", threshold=3).tolist() == [True]  # one group: itself
    assert not small_means(frame, n="n", threshold=None).any()


# --- The setting ------------------------------------------------------------------------------------------------


def test_n_is_a_setting_an_admin_changes_in_the_audit_trail(session: Session) -> None:
    assert small_count_threshold(session) == 3
    change_small_count_threshold(session, threshold=5, by="ada")
    session.commit()
    assert small_count_threshold(session) == 5
    entry = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.username, entry.summary) == ("ada", "smallest group shown to viewers and funders: 3 → 5 people")
    with pytest.raises(ProgrammeError, match="between 2 and 20"):
        change_small_count_threshold(session, threshold=1, by="ada")  # the rule cannot be switched off


def test_an_admin_sets_n_on_the_settings_page(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/settings.py", UserRole.ADMIN)
    assert not app.exception
    box = next(box for box in app.number_input if box.label == "Smallest group shown (people)")
    assert box.value == 3
    box.set_value(5)
    app = app.button(key="FormSubmitter:small_count_threshold-Save").click().run()
    assert not app.exception
    assert any("fewer than 5 people are now shown together" in s.value for s in app.success)
    with make_engine(sqlite_url).connect() as connection:
        stored = connection.execute(sa.text("SELECT value FROM app_setting WHERE key = 'small_count_threshold'"))
        assert stored.scalar() == "5"


def test_the_line_under_the_corridors_says_fewer_than_n_to_a_viewer() -> None:
    assert at_home_sentence(2).startswith("Not corridors, so not listed: 2 individuals work in their country")
    assert at_home_sentence(1).startswith("Not corridors, so not listed: 1 individual works in their country")
    shown = at_home_sentence(2, fewer_than=3)
    assert shown.startswith("Not corridors, so not listed: fewer than 3 individuals work in their country")
    assert at_home_sentence(3, fewer_than=3).startswith("Not corridors, so not listed: 3 individuals work")


# --- The Reach dashboard on the demo ----------------------------------------------------------------------------


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _frame(result: sa.CursorResult) -> pd.DataFrame:
    """A query's rows as a frame (not pd.read_sql: at the requirement floors pandas does not take SQLAlchemy 2.0.36's
    connection for one)."""
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _took_part(url: str) -> pd.DataFrame:
    with make_engine(url).connect() as connection:
        return _frame(connection.execute(sa.text(TOOK_PART)))


def _tab(app, label: str, **state):  # type: ignore[no-untyped-def]
    app.session_state["reach_tab"] = label
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, label
    return app.dataframe[0].value


def test_a_viewer_sees_no_group_below_three_on_the_demo_and_every_total_exact(demo_db: str) -> None:
    people = _took_part(demo_db).drop_duplicates("id")
    everyone = len(people)  # 816
    by_org_type = people["org_type"].fillna("not recorded").value_counts()
    assert (by_org_type < 3).any()  # the demo has a group of two ("other"): what a viewer must not see
    app = run_page("pages/reach.py", UserRole.VIEWER)
    assert not app.exception
    for label in ("Map", "Gender", "Organisation type"):
        table = _tab(app, label)
        assert table["Individuals"].min() >= 3, (label, table)
        assert table["Individuals"].sum() == everyone, label
    years = pd.to_datetime(_took_part(demo_db)["start_date"]).dt.year
    per_year = _took_part(demo_db).assign(year=years).drop_duplicates(["id", "year"]).groupby("year")["id"].size()
    for stack in ("gender", "organisation type", "scope", "role"):
        table = _tab(app, "By year", stack=stack)
        assert table["Individuals"].min() >= 3, (stack, table[table["Individuals"] < 3])
        if stack == "gender":  # one gender a person: a year's groups add up to its people
            assert table.groupby("Year")["Individuals"].sum().to_dict() == per_year.to_dict()
    corridors = _tab(app, "Corridors")
    assert corridors["Individuals"].min() >= 3
    abroad = people.dropna(subset=["nationality", "country_of_work"])
    abroad = abroad[abroad["nationality"] != abroad["country_of_work"]]
    assert corridors["Individuals"].sum() == len(abroad)
    assert any("groups of fewer than 3 people are shown together" in caption.value for caption in app.caption)


def test_a_facilitator_keeps_every_figure_where_a_viewer_sees_the_small_groups_together(demo_db: str) -> None:
    people = _took_part(demo_db).drop_duplicates("id")
    exact = people["org_type"].fillna("not recorded").value_counts().to_dict()
    small = {kind for kind, n in exact.items() if n < 3}
    assert small == {"other"}  # alone: the smallest shown type joins it (secondary suppression)
    next_smallest = min((kind for kind in exact if kind not in small), key=exact.get)
    facilitator = run_page("pages/reach.py", UserRole.FACILITATOR)
    table = _tab(facilitator, "Organisation type")
    assert dict(zip(table["Organisation type"], table["Individuals"], strict=True)) == exact
    assert not any("fewer than 3 people" in caption.value for caption in facilitator.caption)
    viewer = _tab(run_page("pages/reach.py", UserRole.VIEWER), "Organisation type")
    expected = {k: n for k, n in exact.items() if k not in small | {next_smallest}}
    expected[OTHER] = sum(exact[k] for k in small | {next_smallest})
    assert dict(zip(viewer["Organisation type"], viewer["Individuals"], strict=True)) == expected


def test_the_setting_changes_what_a_viewer_sees(demo_db: str) -> None:
    with session_scope(make_engine(demo_db)) as session:
        change_small_count_threshold(session, threshold=20, by="ada")
    app = run_page("pages/reach.py", UserRole.VIEWER)
    table = _tab(app, "Map")
    assert table["Individuals"].min() >= 20 and "Other (fewer than 20 each)" in set(table["Country"])
    assert any("groups of fewer than 20 people" in caption.value for caption in app.caption)


def test_a_viewer_is_not_shown_a_selection_of_fewer_than_three_people(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Dev is the fixture's only resource person: the Role filter selects him alone. A viewer is told the selection
    is too small, with no figure; a facilitator sees him counted."""
    with session_scope(make_engine(sqlite_url)) as session:
        reach_fixture.build(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for role, shown in ((UserRole.VIEWER, False), (UserRole.FACILITATOR, True)):
        app = run_page("pages/reach.py", role)
        next(box for box in app.sidebar.multiselect if box.label == "Role").select("resource person").run()
        assert not app.exception
        metrics = {metric.label: metric.value for metric in app.metric}
        assert (metrics.get("Individuals") == "1") is shown, role
        said = " ".join(info.value for info in app.info)
        assert ("This selection holds fewer than 3 people" in said) is not shown, role
        assert (len(app.dataframe) == 0) is not shown, role


# --- The funder's report ----------------------------------------------------------------------------------------

GRANT = "APMT-NP-2014"
FUNDED_PEOPLE = """
    SELECT DISTINCT p.id, p.nationality, p.gender FROM participation pa JOIN person p ON p.id = pa.person_id
    WHERE pa.attended AND pa.module_id IN (
        SELECT gm.module_id FROM grant_module gm JOIN funding_grant g ON g.id = gm.grant_id WHERE g.reference = :ref
        UNION
        SELECT m.id FROM grant_course gc JOIN funding_grant g ON g.id = gc.grant_id JOIN module m
        ON m.course_id = gc.course_id WHERE g.reference = :ref)
"""


def test_the_funder_report_shows_no_group_below_three_and_says_why(demo_engine: Engine) -> None:
    with demo_engine.connect() as connection:
        people = _frame(connection.execute(sa.text(FUNDED_PEOPLE), {"ref": GRANT}))
    nationalities = people["nationality"].value_counts()
    assert (nationalities == 1).sum() >= 5  # Timor-Leste, Qatar...: one person each under this grant
    with Session(demo_engine) as session:
        content = funder_report_content(session, GRANT)
    for frame in (content.by_country, content.by_gender, content.by_org_type):
        assert frame["individuals"].min() >= 3
        assert frame["individuals"].sum() == len(people)
    shown = set(content.by_country["code"])
    assert not shown & set(nationalities[nationalities < 3].index)
    assert OTHER in set(content.by_country["country"])
    text = "\n".join(p.text for p in Document(io.BytesIO(render_funder_report(content))).paragraphs)
    assert "groups of fewer than 3 people are shown together" in text


# --- The Evaluation dashboard: who answered ----------------------------------------------------------------------


def test_who_answered_shows_a_viewer_no_group_below_three(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """Module B2's form, ten responses with the respondent's country from the export: Nepal 5, Philippines 3,
    Timor-Leste 1, Laos 1. Timor-Leste and Laos make 2, fewer than 3: the Philippines (the smallest shown) joins them.
    Gender (female 6, male 4) has no small group. A facilitator sees every country."""
    with session_scope(make_engine(sqlite_url)) as session:
        fixture = reach_fixture.build(session)
        form = session.scalar(sa.select(EvaluationForm).where(EvaluationForm.module_id == fixture.modules["B2"]))
        responses = list(session.scalars(sa.select(Response).where(Response.form_id == form.id)))
        responses += [Response(form_id=form.id) for _ in range(10 - len(responses))]
        session.add_all(responses)
        session.flush()
        countries = ["Nepal"] * 5 + ["Philippines"] * 3 + ["Timor-Leste", "Laos"]
        for response, country, gender in zip(responses, countries, ["female"] * 6 + ["male"] * 4, strict=True):
            session.add(RespondentAttribute(response_id=response.id, attribute="country", value=country))
            session.add(RespondentAttribute(response_id=response.id, attribute="gender", value=gender))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    def who_answered(role: UserRole) -> dict[tuple[str, str], int]:
        app = run_page("pages/evaluations.py", role)
        assert not app.exception
        tables = [frame.value for frame in app.dataframe if "responses" in frame.value.columns]
        # One table per attribute, its answers headed by it ("Country"): the attribute named once.
        return {(t.columns[0].lower(), v): int(n) for t in tables for v, n in t.itertuples(index=False)}

    assert who_answered(UserRole.VIEWER) == {
        ("country", "Nepal"): 5,
        ("country", OTHER): 5,
        ("gender", "female"): 6,
        ("gender", "male"): 4,
    }
    assert who_answered(UserRole.FACILITATOR) == {
        ("country", "Nepal"): 5,
        ("country", "Philippines"): 3,
        ("country", "Timor-Leste"): 1,
        ("country", "Laos"): 1,
        ("gender", "female"): 6,
        ("gender", "male"): 4,
    }


def test_a_viewer_is_not_told_how_few_signed_up_when_nobody_took_part(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Two people on a module's registration list, nobody's attendance recorded: "2 people signed up in this
    selection" is a group of two. A viewer is told the selection is too small; a facilitator reads the sentence."""
    registered_only(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    viewer = " ".join(info.value for info in run_page("pages/reach.py", UserRole.VIEWER).info)
    assert "This selection holds fewer than 3 people" in viewer and "2 people signed up" not in viewer
    facilitator = " ".join(info.value for info in run_page("pages/reach.py", UserRole.FACILITATOR).info)
    assert "2 people signed up in this selection" in facilitator


def test_under_a_narrow_filter_a_viewer_sees_no_organisation_or_module_group_below_three(demo_db: str) -> None:
    """The demo's Laotians (nationality): 14 modules list them, 10 of those fewer than 3 each; their organisations by
    type and country hold 1 or 2 people in most cells. A viewer sees those together, with the totals exact."""
    with make_engine(demo_db).connect() as connection:
        listed = connection.execute(sa.text(
            "SELECT count(*) FROM participation pa JOIN person p ON p.id = pa.person_id "
            "WHERE p.nationality = 'LAO' AND pa.role = 'participant'"
        )).scalar()  # fmt: skip
        per_module = connection.execute(sa.text(
            "SELECT count(*) FROM participation pa JOIN person p ON p.id = pa.person_id "
            "WHERE p.nationality = 'LAO' AND pa.role = 'participant' GROUP BY pa.module_id"
        )).scalars().all()  # fmt: skip
        cells = connection.execute(sa.text(
            "SELECT o.org_type, o.country, count(DISTINCT o.id), count(DISTINCT p.id) FROM participation pa "
            "JOIN person p ON p.id = pa.person_id JOIN organisation o ON o.id = p.organisation_id "
            "WHERE p.nationality = 'LAO' AND pa.attended GROUP BY o.org_type, o.country"
        )).all()  # fmt: skip
    assert min(per_module) < 3 and min(people for *_, people in cells) < 3  # what a viewer must not see
    app = run_page("pages/reach.py", UserRole.VIEWER)
    next(box for box in app.sidebar.multiselect if box.label == "Country").select("LAO").run()
    assert not app.exception
    app.session_state["reach_tab"] = "Organisations"
    app.run()
    by_type, by_type_and_country = (frame.value for frame in app.dataframe)
    assert by_type["Organisations"].min() >= 3 and by_type["Organisations"].sum() == sum(n for _, _, n, _ in cells)
    assert by_type_and_country["Individuals"].min() >= 3
    assert by_type_and_country["Individuals"].sum() == sum(people for *_, people in cells)
    assert by_type_and_country["Organisations"].sum() == sum(n for _, _, n, _ in cells)
    app.session_state["reach_tab"] = "Completion"
    app.run()
    modules = app.dataframe[1].value
    assert modules["On the lists"].min() >= 3 and modules["On the lists"].sum() == listed
    other = modules[modules["Module"] == OTHER].iloc[0]
    if pd.isna(other["Completed"]):  # a few short of its attended (reach.small_modules_merged): nor its completion
        assert pd.isna(other["Completion"])
    else:
        assert other["Completion"] == pytest.approx(round(100 * other["Completed"] / other["On the lists"], 1))


def test_a_viewer_is_not_given_a_share_that_counts_two_women(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """The small fixture and twelve more men in module B1: 16 individuals, 2 women (12.5%, "13%"). The share tells a
    viewer there are two women; a facilitator reads it."""
    with session_scope(make_engine(sqlite_url)) as session:
        fixture = reach_fixture.build(session)
        for number in range(12):
            person = Person(full_name=f"Man {number}", name_key=f"man {number}", gender="male", nationality="NPL")
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=fixture.modules["B1"], attended=True))
    women = _took_part(sqlite_url).drop_duplicates("id")["gender"].eq("female").sum()
    assert women == 2
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    viewer = {metric.label: metric for metric in run_page("pages/reach.py", UserRole.VIEWER).metric}
    assert viewer["Individuals"].value == "16" and viewer["Women"].value == "—"
    assert "fewer than 3 of the people in this selection are women" in viewer["Women"].help
    facilitator = {metric.label: metric.value for metric in run_page("pages/reach.py", UserRole.FACILITATOR).metric}
    assert facilitator["Women"] == "13%"


def test_a_viewer_sees_no_mean_score_of_fewer_than_three_people(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Ana and Cia took both tests in B1 (40 → 60, 50 → 70) and in B2 (60 → 80, 30 → 50): each module's mean is
    of two people, so each would read the other's score. A viewer is shown course B's four (by hand: 45 before, 65
    after) and told why the modules are left out; a facilitator sees both modules."""
    with session_scope(make_engine(sqlite_url)) as session:
        fixture = reach_fixture.build(session)
        scores = {("B1", "Ana"): (40, 60), ("B1", "Cia"): (50, 70), ("B2", "Ana"): (60, 80), ("B2", "Cia"): (30, 50)}
        for (module, person), (pre, post) in scores.items():
            participation = session.scalar(
                sa.select(Participation).where(
                    Participation.module_id == fixture.modules[module],
                    Participation.person_id == fixture.people[person],
                )
            )
            participation.pre_test_score, participation.post_test_score = pre, post
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    def learning(role: UserRole):  # type: ignore[no-untyped-def]
        app = run_page("pages/evaluations.py", role)
        app.session_state["evaluations_tab"] = "Learning"
        app.run()
        app.radio(key="learning_by").set_value("course").run()
        assert not app.exception
        return app

    viewer = learning(UserRole.VIEWER)
    said = " ".join(caption.value for caption in viewer.caption)
    assert "the scores of groups of fewer than 3 people who took both tests are not shown" in said
    assert "Left out: 2 groups." in said
    assert len(viewer.get("plotly_chart")) == 1  # the course's interval, not the modules' chart
    course = viewer.dataframe[0].value.iloc[0]
    assert (course["n"], course["pre"], course["post"]) == (4, pytest.approx(45.0), pytest.approx(65.0))
    facilitator = learning(UserRole.FACILITATOR)
    assert len(facilitator.get("plotly_chart")) == 2
    assert "Left out" not in " ".join(caption.value for caption in facilitator.caption)


def test_the_other_rows_share_is_the_share_of_its_people_not_a_sum_of_rounded_shares() -> None:
    # Three genders of one person each among three (the funder's report read "Other (fewer than 3 each) 3 — 99.9%"):
    # the shares as reach's tables give them, each rounded to one decimal.
    frame = pd.DataFrame(
        {"gender": ["female", "male", "non-binary"], "individuals": [1, 1, 1], "participations": [2, 1, 1]}
    )
    frame["share"] = [33.3, 33.3, 33.3]
    merged = merge_small(frame, "gender", threshold=3)
    assert merged["share"].tolist() == [100.0]
    # Six of eight people's types in the shares (the organisation type's not recorded is left out of them, its share
    # missing); the not recorded row of 2 is merged too. The two of one each: 2 of 6 is 33.3%, not 16.7 + 16.7.
    types = pd.DataFrame(
        {
            "org_type": ["ngo", "union", "faith", "not recorded"],
            "individuals": [4, 1, 1, 2],
            "participations": [4, 1, 1, 2],
            "share": [66.7, 16.7, 16.7, None],
        }
    )
    other = merge_small(types, "org_type", threshold=3).set_index("org_type")
    assert other.loc["Other (fewer than 3 each)", "individuals"] == 4
    assert other.loc["Other (fewer than 3 each)", "share"] == 33.3
    assert other.loc["ngo", "share"] == 66.7
    # Shares of something else than the rows' people (here, made up) are added up as before.
    odd = frame.assign(share=[10.0, 20.0, 30.0])
    assert merge_small(odd, "gender", threshold=3)["share"].tolist() == [60.0]
