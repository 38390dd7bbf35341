"""The Completion funnel and the funder's summary give viewers and funders no count of 1 or 2 people
(programme/access/small_counts.py): a stage of fewer than N people reads "fewer than N" and is not drawn, a module's
attended or completed of fewer than N is not given, and the funder's summary does not split its individuals into
participants and others when either side holds fewer than N. Facilitators keep every figure.

Expected figures are counted with bare SQL on the small programme of tests/reach_fixture.py, never with the code
under test."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal

import pandas as pd
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

# The funnel's stages over every participant on the lists (the Reach dashboard's Completion tab, no filter).
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
# Everyone who took part in a module, and the participants among them.
SPLIT_SQL = """
    SELECT count(DISTINCT person_id), count(DISTINCT CASE WHEN role = 'participant' THEN person_id END)
    FROM participation WHERE attended AND module_id = :module
"""


def _twelve_more_in_b1(session: Session, fixture: reach_fixture.Fixture) -> None:
    """Twelve men take part in B1 and do not complete it: B1 lists 14 participants, 2 of whom (Ana, Cia) completed."""
    for number in range(12):
        person = Person(full_name=f"Man {number}", name_key=f"man {number}", gender="male", nationality="NPL")
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=fixture.modules["B1"], attended=True, completed=False))


def _two_facilitators(session: Session, module_id: int) -> None:
    """Two more facilitators in a module: the others beside the participants are then at least 3 (Ben, Dev and them),
    so that no stage falls 1 or 2 short of the headline's individuals (reach.hidden_stages)."""
    for number in range(2):
        person = Person(full_name=f"Trainer {number}", name_key=f"trainer {number}", gender="female")
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module_id, role="facilitator", attended=True))


def _completion_tab(role: UserRole):  # type: ignore[no-untyped-def]
    app = run_page("pages/reach.py", role)
    app.session_state["reach_tab"] = "Completion"
    app.run()
    assert not app.exception
    return app


def test_a_viewer_reads_fewer_than_three_for_a_stage_of_two_people(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """The small programme: 3 participants on the lists, 3 attended, 2 completed (Ana and Cia). A viewer's funnel
    says "fewer than 3" for the completed, without their participations, and draws only the other two stages. (Two
    more facilitators: the headline's 6 individuals are not 1 or 2 more than the 3 on the lists.)"""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        fixture = reach_fixture.build(session)
        _two_facilitators(session, fixture.modules["A1"])
    with engine.connect() as connection:
        listed, attended, completed = connection.execute(sa.text(STAGES_SQL)).one()
    assert (listed, attended, completed) == (3, 3, 2)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    viewer = _completion_tab(UserRole.VIEWER)
    steps = viewer.dataframe[0].value.set_index("Stage")
    # The table's stages in words (reach.STAGE_WORDS); its counts as text once one says "fewer than 3".
    assert steps.loc["completed", "Individuals"] == "fewer than 3"
    assert steps.loc["completed", "Participations"] == "not given"
    assert steps.loc["on the lists", "Individuals"] == str(listed)
    assert steps.loc["attended", "Individuals"] == str(attended)
    drawn = json.loads(viewer.get("plotly_chart")[0].proto.spec)["data"][0]
    assert drawn["y"] == ["On the lists", "Attended"] and drawn["x"] == [listed, attended]
    said = " ".join(caption.value for caption in viewer.caption)
    assert "a stage of fewer than 3 people is not drawn and its counts are not given: Completed." in said

    facilitator = _completion_tab(UserRole.FACILITATOR)
    steps = facilitator.dataframe[0].value.set_index("Stage")
    assert steps.loc["completed", "Individuals"] == completed
    drawn = json.loads(facilitator.get("plotly_chart")[0].proto.spec)["data"][0]
    assert drawn["x"] == [listed, attended, completed]


def test_a_viewer_is_not_given_a_modules_completed_of_two(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """B1 lists 14 participants, 2 of whom completed: the module's row shows its 14 to a viewer, not the 2 nor
    its completion (14%); A1 and B2 (2 listed each) are together in one row, whose completed (2, Ana twice) is not
    given either. A facilitator sees B1's 2. (Two more facilitators: the headline's 18 individuals are not 1 or 2
    more than B1's 14.)"""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        fixture = reach_fixture.build(session)
        _twelve_more_in_b1(session, fixture)
        _two_facilitators(session, fixture.modules["B1"])
    with engine.connect() as connection:
        b1 = connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one()
    assert tuple(b1) == (14, 14, 2)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    viewer = _completion_tab(UserRole.VIEWER)
    modules = viewer.dataframe[1].value
    shown = modules[modules["On the lists"] == 14].iloc[0]
    assert shown["Attended"] == 14 and pd.isna(shown["Completed"]) and pd.isna(shown["Completion"])
    assert modules["Completed"].isna().all()  # the other row: Ana's 2 completions of A1 and B2
    said = " ".join(caption.value for caption in viewer.caption)
    assert "a module's count of fewer than 3 people who attended or completed is not given" in said

    facilitator = _completion_tab(UserRole.FACILITATOR).dataframe[1].value
    assert facilitator.loc[facilitator["On the lists"] == 14, "Completed"].tolist() == [2]


def test_the_funder_report_gives_no_count_of_one_other_nor_two_completed(engine: Engine) -> None:
    """A grant funds B1 alone: 15 took part (Ben facilitated), 14 of them participants, 1 other; 2 completed. The
    summary gives neither the 14 nor the 1 (nor the cost per participant, the amount over the 14); the report says
    "fewer than 3" completed, in its sentence and its tables. Its Completion section and its modules table do not
    give the 14 on the lists nor the 14 who attended either: 15 individuals less 14 would count the 1 other."""
    with Session(engine) as session:
        fixture = reach_fixture.build(session)
        _twelve_more_in_b1(session, fixture)
        funder = Funder(name="Trust")
        session.add(funder)
        session.flush()
        grant = Grant(funder_id=funder.id, reference="T-1", amount=Decimal("14000"), currency="USD")
        session.add(grant)
        session.flush()
        session.add(GrantModule(grant_id=grant.id, module_id=fixture.modules["B1"]))
        session.commit()
    with engine.connect() as connection:
        everyone, participants = connection.execute(sa.text(SPLIT_SQL), {"module": fixture.modules["B1"]}).one()
        listed, attended, completed = connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one()
    assert (everyone, participants, listed, attended, completed) == (15, 14, 14, 14, 2)

    with Session(engine) as session:
        document = Document(io.BytesIO(render_funder_report(funder_report_content(session, "T-1"))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"They reached {everyone} individuals (each counted once): participants and fewer than 3 others" in text
    summary = next(p.text for p in document.paragraphs if p.text.startswith("Grant T-1 of Trust funded"))
    assert "1 other" not in summary and f"{participants} participant" not in summary
    assert "The numbers of participants and of others are not given when either is fewer than 3" in summary
    assert everyone - listed == everyone - attended == 1  # the one other, were the 14 given beside the 15
    assert f"Of {listed} participants" not in text and f"{attended} attended" not in text
    assert "Of the participants on the modules' lists" in text
    assert "a number not given attended and fewer than 3 completed at least one module" in text
    assert (
        "a stage that falls short of the individuals reached by 1 to 2 people is not "
        "drawn and its counts are not given (the difference would count them): On the lists and Attended." in text
    )
    assert "a stage of fewer than 3 people is not drawn and its counts are not given: Completed." in text

    rows = {
        table.rows[0].cells[0].text: [[c.text for c in row.cells] for row in table.rows] for table in document.tables
    }
    figures = dict(row[:2] for row in rows["Figure"])
    assert figures["Individuals (each counted once)"] == str(everyone)
    assert figures["Participants (each counted once)"] == "not given (privacy)"
    assert figures["Cost per participant"] == "not given (privacy)"
    # Had 2 of 20 no organisation type on record (figures set by hand; a share of 50% of 18 is 9 people, shown), the
    # report would not say 18 nor 2.
    with Session(engine) as session:
        content = funder_report_content(session, "T-1")
    figures = {**content.figures, "individuals": 20, "org_type_recorded": 18, "civil_society_share": 50.0}
    typed = Document(io.BytesIO(render_funder_report(replace(content, figures=figures))))
    said = "\n".join(p.text for p in typed.paragraphs)
    assert "50% came from civil society organisations" in said
    assert "of those whose organisation type is recorded (fewer than 3 not recorded, left out of the share)" in said
    assert "of the 18" not in said and "2 not recorded" not in said
    assert typed.tables[0].cell(9, 0).text == "Civil society (% of those whose organisation type is recorded)"
    module_tables = [
        [[c.text for c in row.cells] for row in t.rows] for t in document.tables if t.cell(0, 0).text == "Module"
    ]
    assert len(module_tables) == 2  # the modules, then their completion: B1's one row each
    for header, b1 in module_tables:
        assert b1[header.index("Completed")] == "not given (privacy)", header
        assert b1[header.index("On the lists")] == "not given (privacy)", header
        assert str(listed) not in b1 and str(attended) not in b1, b1


def test_the_funder_report_gives_its_completion_counts_when_the_others_are_not_few(engine: Engine) -> None:
    """As above, with two more facilitators in B1 (3 others): nothing is derived by subtraction beyond a group of 3,
    so the summary splits the 17 and the Completion section gives the 14 on the lists and the 14 who attended."""
    with Session(engine) as session:
        fixture = reach_fixture.build(session)
        _twelve_more_in_b1(session, fixture)
        for number in range(2):
            person = Person(full_name=f"Trainer {number}", name_key=f"trainer {number}", gender="female")
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=fixture.modules["B1"], role="facilitator",
                                      attended=True))  # fmt: skip
        funder = Funder(name="Trust")
        session.add(funder)
        session.flush()
        grant = Grant(funder_id=funder.id, reference="T-1")
        session.add(grant)
        session.flush()
        session.add(GrantModule(grant_id=grant.id, module_id=fixture.modules["B1"]))
        session.commit()
    with engine.connect() as connection:
        everyone, participants = connection.execute(sa.text(SPLIT_SQL), {"module": fixture.modules["B1"]}).one()
        listed, attended, _ = connection.execute(sa.text(MODULE_SQL), {"module": fixture.modules["B1"]}).one()
    assert (everyone - participants, listed, attended) == (3, 14, 14)
    with Session(engine) as session:
        document = Document(io.BytesIO(render_funder_report(funder_report_content(session, "T-1"))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"They reached {everyone} individuals (each counted once): {participants} participants and 3 others" in text
    assert f"Of {listed} participants on the modules' lists" in text
    assert f"{attended} attended and fewer than 3 completed" in text
    assert "falls short of the individuals reached" not in text


def test_the_headline_does_not_tell_a_viewer_of_one_person_without_an_organisation_type(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """The small programme: 4 took part, 3 of them with an organisation type recorded, 1 (Dev) without. The line
    under the headline told a viewer "the other 1 are left out of the share"; it says "all but fewer than 3" and
    gives neither count. A facilitator reads both."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        reach_fixture.build(session)
    with engine.connect() as connection:
        everyone, typed = connection.execute(sa.text(
            "SELECT count(DISTINCT p.id), count(DISTINCT CASE WHEN o.org_type IS NOT NULL THEN p.id END) "
            "FROM participation pa JOIN person p ON p.id = pa.person_id "
            "LEFT JOIN organisation o ON o.id = p.organisation_id WHERE pa.attended"
        )).one()  # fmt: skip
    assert (everyone, typed) == (4, 3)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    viewer = " ".join(caption.value for caption in run_page("pages/reach.py", UserRole.VIEWER).caption)
    assert "whose organisation type is recorded: all but fewer than 3 of the 4 (the others are left out" in viewer
    assert "the other 1" not in viewer
    assert f"a share of the {typed} of the {everyone}" not in viewer
    facilitator = " ".join(caption.value for caption in run_page("pages/reach.py", UserRole.FACILITATOR).caption)
    assert f"{typed} of the {everyone} individuals whose organisation type is recorded (the other 1" in facilitator
