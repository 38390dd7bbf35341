"""No count of people a few short of another figure shown beside it, in what viewers and funders see of completion
(programme/access/small_counts.all_but_few, reach.hidden_stages): the Reach dashboard's Completion tab beside its
headline's individuals (15 individuals, "14 on the lists": the 1 other), and the funder's Learning n beside its
individuals. A stage a few short of the stage before it is given (15 on the lists, 13 attended: the 2 who did not come
are not told apart by anything shown; hiding such differences would take most modules' Completed away). Facilitators
keep every figure.

Expected figures are counted with bare SQL on the small programme of tests/reach_fixture.py (with people added),
never with the code under test."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from docx import Document
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.models import Funder, Grant, GrantModule, Participation, Person, UserRole
from programme.reports import funder_report_content
from programme.reports.funder_report import render_funder_report
from tests import reach_fixture
from tests.apptest_support import run_page

# The Reach headline's individuals and participations: everyone who took part, in any role (no filter).
HEADLINE_SQL = "SELECT count(DISTINCT person_id), count(*) FROM participation WHERE attended"
# The funnel's stages: the participants on the lists, those who attended, those who completed (each once).
STAGES_SQL = """
    SELECT count(DISTINCT person_id),
           count(DISTINCT CASE WHEN attended THEN person_id END),
           count(DISTINCT CASE WHEN completed THEN person_id END)
    FROM participation WHERE role = 'participant'
"""
# One module's participants at each stage.
MODULE_SQL = """
    SELECT count(*), count(CASE WHEN attended THEN 1 END), count(CASE WHEN completed THEN 1 END)
    FROM participation WHERE role = 'participant' AND module_id = :module
"""


def _men_in_b1(session: Session, fixture: reach_fixture.Fixture, *, away: int = 0, completing: int = 0) -> None:
    """Twelve men on B1's list as participants: the first `away` did not come, the next `completing` completed."""
    for number in range(12):
        person = Person(full_name=f"Man {number}", name_key=f"man {number}", gender="male", nationality="NPL")
        session.add(person)
        session.flush()
        came = number >= away
        session.add(Participation(person_id=person.id, module_id=fixture.modules["B1"], attended=came,
                                  completed=came and number < away + completing,
                                  pre_test_score=40.0 + number, post_test_score=60.0 + 2 * number))  # fmt: skip


def _trainers(session: Session, module_id: int, count: int) -> None:
    for number in range(count):
        person = Person(full_name=f"Trainer {number}", name_key=f"trainer {number}", gender="female")
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module_id, role="facilitator", attended=True))


def _completion_tab(role: UserRole):  # type: ignore[no-untyped-def]
    app = run_page("pages/reach.py", role)
    app.session_state["reach_tab"] = "Completion"
    app.run()
    assert not app.exception, app.exception
    return app


def _drawn(app) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]


def test_a_viewers_completion_gives_no_stage_a_few_short_of_the_headlines_individuals(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """12 men more in B1, 6 of whom complete: the headline says 16 individuals (Ben and Dev are the others), the
    funnel's 15 on the lists and 15 attended would count 1 other by subtraction: a viewer is given neither, nor B1's
    14 on its lists (2 short of the 16); the chart draws the 8 completed alone, without a share of a first stage not
    given. A facilitator sees every figure."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        fixture = reach_fixture.build(session)
        _men_in_b1(session, fixture, completing=6)
    with engine.connect() as connection:
        individuals, _ = connection.execute(sa.text(HEADLINE_SQL)).one()
        listed, attended, completed = connection.execute(sa.text(STAGES_SQL)).one()
        b1 = tuple(connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one())
    assert (individuals, listed, attended, completed, b1) == (16, 15, 15, 8, (14, 14, 8))
    assert 0 < individuals - listed < 3 and 0 < individuals - attended < 3 and individuals - completed >= 3
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    viewer = _completion_tab(UserRole.VIEWER)
    assert f"{individuals}" in [m.value for m in viewer.metric if m.label == "Individuals"]
    steps = viewer.dataframe[0].value.set_index("Stage")
    assert steps.loc["on the lists", "Individuals"] == "not given"
    assert steps.loc["attended", "Individuals"] == "not given"
    assert steps.loc["on the lists", "Participations"] == steps.loc["attended", "Participations"] == "not given"
    assert steps.loc["completed", "Individuals"] == f"{completed}"
    drawn = _drawn(viewer)
    assert drawn["y"] == ["Completed"] and drawn["x"] == [completed]
    assert "percentInitial" not in drawn["texttemplate"]  # no share of a first stage not given
    title = json.loads(viewer.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert "Not drawn, to protect privacy: On the lists and Attended" in title  # a lone bar is not everyone
    modules = viewer.dataframe[1].value
    assert listed - 1 not in modules["On the lists"].dropna().tolist()  # B1's 14
    assert modules["On the lists"].isna().sum() == 1
    said = " ".join(caption.value for caption in viewer.caption)
    assert (
        "a stage that falls short of the individuals reached by 1 to 2 people is not "
        "drawn and its counts are not given (the difference would count them): On the lists and Attended." in said
    )
    assert "a module's count that falls short of the individuals reached" in said

    facilitator = _completion_tab(UserRole.FACILITATOR)
    steps = facilitator.dataframe[0].value.set_index("Stage")
    assert steps["Individuals"].tolist() == [listed, attended, completed]
    assert _drawn(facilitator)["x"] == [listed, attended, completed]
    modules = facilitator.dataframe[1].value
    assert b1[0] in modules["On the lists"].tolist() and not modules["On the lists"].isna().any()
    said = " ".join(caption.value for caption in facilitator.caption)
    assert "falls short" not in said


def test_a_viewers_funnel_gives_a_stage_a_few_short_of_the_stage_before(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """12 men more in B1, 2 of whom did not come and 6 completed, and 4 more facilitators (the others are 6: no stage
    is 1 or 2 short of the headline's 18). 15 on the lists and 13 attended: the 2 who did not come are not told apart
    by anything shown, so a viewer reads the 15, the 13 and the 8, and B1's 12 attended beside its 14, as a
    facilitator does; every stage is drawn and no caption speaks of a stage before."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        fixture = reach_fixture.build(session)
        _men_in_b1(session, fixture, away=2, completing=6)
        _trainers(session, fixture.modules["B1"], 4)
    with engine.connect() as connection:
        individuals, _ = connection.execute(sa.text(HEADLINE_SQL)).one()
        listed, attended, completed = connection.execute(sa.text(STAGES_SQL)).one()
        b1 = tuple(connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one())
    assert (individuals, listed, attended, completed, b1) == (18, 15, 13, 8, (14, 12, 8))
    assert individuals - listed >= 3 and 0 < listed - attended < 3 and listed - completed >= 3
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    viewer = _completion_tab(UserRole.VIEWER)
    steps = viewer.dataframe[0].value.set_index("Stage")
    assert [str(steps.loc[stage, "Individuals"]) for stage in ("on the lists", "attended", "completed")] == [
        f"{listed}",
        f"{attended}",
        f"{completed}",
    ]
    drawn = _drawn(viewer)
    assert drawn["y"] == ["On the lists", "Attended", "Completed"] and drawn["x"] == [listed, attended, completed]
    modules = viewer.dataframe[1].value
    assert modules.loc[modules["On the lists"] == b1[0], "Attended"].tolist() == [b1[1]]
    said = " ".join(caption.value for caption in viewer.caption)
    assert "stage before" not in said and "not drawn" not in said

    facilitator = _completion_tab(UserRole.FACILITATOR)
    assert facilitator.dataframe[0].value["Individuals"].tolist() == [listed, attended, completed]
    assert _drawn(facilitator)["x"] == [listed, attended, completed]
    modules = facilitator.dataframe[1].value
    assert modules.loc[modules["On the lists"] == b1[0], "Attended"].tolist() == [b1[1]]


def _grant_for_b1(session: Session, fixture: reach_fixture.Fixture) -> None:
    funder = Funder(name="Trust")
    session.add(funder)
    session.flush()
    grant = Grant(funder_id=funder.id, reference="T-1")
    session.add(grant)
    session.flush()
    session.add(GrantModule(grant_id=grant.id, module_id=fixture.modules["B1"]))
    session.commit()


def _report(engine: Engine) -> Document:
    with Session(engine) as session:
        return Document(io.BytesIO(render_funder_report(funder_report_content(session, "T-1"))))


def _tables(document: Document, first: str) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables if t.cell(0, 0).text == first]


def test_the_funder_report_gives_a_stage_a_few_short_of_the_stage_before(engine: Engine) -> None:
    """A grant funds B1: 17 took part (Ben and 4 trainers facilitated), 14 participants on its lists, 12 attended
    (2 did not come), 8 completed. The report gives the 14, the 12 and the 8 in its sentence and its Completion
    table: the funder's first question, and the 2 who did not come are not told apart."""
    with Session(engine) as session:
        fixture = reach_fixture.build(session)
        _men_in_b1(session, fixture, away=2, completing=6)
        _trainers(session, fixture.modules["B1"], 4)
        _grant_for_b1(session, fixture)
    with engine.connect() as connection:
        individuals = connection.execute(
            sa.text("SELECT count(DISTINCT person_id) FROM participation WHERE attended AND module_id = :m"),
            {"m": fixture.modules["B1"]},
        ).scalar_one()
        listed, attended, completed = connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one()
    assert (individuals, listed, attended, completed) == (17, 14, 12, 8)
    assert individuals - listed >= 3 and 0 < listed - attended < 3

    text = "\n".join(p.text for p in _report(engine).paragraphs)
    assert f"Of {listed} participants on the modules' lists" in text
    assert f"{attended} attended and {completed} completed at least one module" in text
    assert "a number not given" not in text and "stage before" not in text
    completion = next(t for t in _tables(_report(engine), "Module") if "Attended" in t[0])
    header, b1 = completion
    assert [b1[header.index(column)] for column in ("On the lists", "Attended", "Completed")] == [
        str(listed),
        str(attended),
        str(completed),
    ]


@pytest.mark.parametrize("trainers", [0, 2])
def test_the_funder_reports_learning_n_is_not_given_a_few_short_of_its_individuals(
    engine: Engine, trainers: int
) -> None:
    """A grant funds B1, 12 men more in it: its 14 participants took both tests. Beside 15 individuals (Ben
    facilitated), the Learning table's n of 14 would count him: not given, the means still are. With 2 trainers more
    (17 individuals, 3 others) the n of 14 is given."""
    with Session(engine) as session:
        fixture = reach_fixture.build(session)
        _men_in_b1(session, fixture)
        _trainers(session, fixture.modules["B1"], trainers)
        for person in ("Ana", "Cia"):
            row = session.exec(
                sa.select(Participation).where(
                    Participation.person_id == fixture.people[person], Participation.module_id == fixture.modules["B1"]
                )
            ).scalar_one()
            row.pre_test_score, row.post_test_score = 50.0, 75.0
            session.add(row)
        _grant_for_b1(session, fixture)
    with engine.connect() as connection:
        individuals = connection.execute(
            sa.text("SELECT count(DISTINCT person_id) FROM participation WHERE attended AND module_id = :m"),
            {"m": fixture.modules["B1"]},
        ).scalar_one()
        tested = connection.execute(
            sa.text(
                "SELECT count(*) FROM participation WHERE module_id = :m "
                "AND pre_test_score IS NOT NULL AND post_test_score IS NOT NULL"
            ),
            {"m": fixture.modules["B1"]},
        ).scalar_one()
    assert (individuals, tested) == (15 + trainers, 14)

    document = _report(engine)
    learning = next(t for t in document.tables if t.cell(0, 1).text == "n" and t.cell(0, 2).text == "Before")
    rows = [[c.text for c in row.cells] for row in learning.rows][1:]
    assert len(rows) == 2  # the grant's modules, then B1
    text = "\n".join(p.text for p in document.paragraphs)
    if 0 < individuals - tested < 3:
        assert [row[1] for row in rows] == ["not given (privacy)"] * 2
        assert all(row[2] not in ("", "—") for row in rows)  # the means of 14 are given
        assert "n, the participants who took both tests, of “All modules of the grant” and" in text
    else:
        assert [row[1] for row in rows] == [str(tested)] * 2
        assert "who took both tests, of" not in text
