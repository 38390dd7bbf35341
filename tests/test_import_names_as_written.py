"""A name with a comma is read as "Family, Given" only when it is one, and the preview says so; a hostile value in the
name column (a spreadsheet formula) is kept exactly as typed, shown so, and exported formula-safe."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.importing import apply_plan
from programme.importing.preview import preview_rows
from programme.models import Person, UserRole
from programme.people.names import display_name
from programme.people.participants import export_participants
from tests.test_importing import csv_bytes, plan_for, with_module

HOSTILE = '=HYPERLINK("http://x","y")'
SHEET = (
    "Name,Country,E-mail\n"
    '"Santos, Maria",Philippines,maria@example.org\n'
    '"=HYPERLINK(""http://x"",""y"")",Nepal,x@example.org\n'  # HOSTILE, as a CSV quotes it
    '"O\'Brien, Ma. Cristina",Philippines,cristina@example.org\n'
    '"Gurung, Ram, Jr",Nepal,ram@example.org\n'
    "Lim Wei,Malaysia,lim@example.org\n"
)


@pytest.fixture
def both_engine(engine: Engine) -> Engine:
    """The empty database on each backend, with course BKK, module 1 (3 days)."""
    with_module(engine)
    return engine


def test_comma_names_are_announced_and_a_formula_is_kept_as_typed(both_engine: Engine) -> None:
    """Seen in a journey audit: '=HYPERLINK("http://x","y")' has one comma, and was stored as
    '"y") =HYPERLINK("http://x"' (read as "Family, Given"); and nothing said that "Santos, Maria" became Maria Santos."""
    admin = SignedIn(user_id=0, username="tester", role=UserRole.ADMIN)
    with Session(both_engine) as session:
        plan = plan_for(session, csv_bytes(SHEET), "names.csv")
        # By hand: rows 2 and 4 are "Family, Given"; row 3 is a formula, row 5 has two commas, row 6 none.
        names = dict(zip(preview_rows(plan)["row"], preview_rows(plan)["name"], strict=True))
        assert names == {
            2: "Maria Santos",
            3: HOSTILE,
            4: "Ma. Cristina O'Brien",
            5: "Gurung, Ram, Jr",
            6: "Lim Wei",
        }
        said = [note for note in plan.warning_details() if "read as family name, given names" in note["message"]]
        assert len(said) == 1 and said[0]["column"] == "Name"
        assert "2 names with one comma were read as family name, given names" in said[0]["message"]
        assert "rows 2, 4." in said[0]["message"]
        apply_plan(session, plan=plan, username="tester", accepted=set())
        session.commit()
        stored = session.scalar(sa.select(Person).where(Person.email == "x@example.org"))
        assert stored.full_name == HOSTILE  # exactly as typed
        data, _ = export_participants(session, user=admin, file_name="people.xlsx")
        sheet = load_workbook(io.BytesIO(data))["Participants"]
        cells = [
            cell
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        # Text, never a formula: the value as typed behind the quote that keeps a spreadsheet from running it.
        # (In Full name and in Given name: a name of one word is its given name.)
        assert cells and {(cell.value, cell.data_type) for cell in cells} == {("'" + HOSTILE, "s")}
        text, _ = export_participants(session, user=admin, file_name="people.csv")
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        found = [value for row in rows for value in row if "HYPERLINK" in value]
        assert found and set(found) == {"'" + HOSTILE}


def test_display_name_reads_family_given_only_for_names() -> None:
    assert display_name("Santos, Maria") == "Maria Santos"
    assert display_name("Nguyễn, Thị Lan") == "Thị Lan Nguyễn"
    assert display_name("สมชาย, ประเสริฐ") == "ประเสริฐ สมชาย"  # Thai: letters with their combining marks
    assert display_name(HOSTILE) == HOSTILE
    assert display_name("12, Maria") == "12, Maria"
    assert display_name("Santos, Maria, Jr") == "Santos, Maria, Jr"
    assert display_name("Santos ,") == "Santos ,"


def test_the_preview_keeps_every_column_in_view_and_wraps_long_values(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Seen in a journey audit: a long e-mail pushed the organisation, its type as it will be stored and the match out
    of sight (a scroll inside the grid), and long values were cut. Each column has a width (together about the page's
    900 px), and rows are tall enough for the grid to wrap a long value."""
    from programme.core.db import make_engine
    from programme.web.import_steps import PREVIEW_WIDTHS
    from tests.test_importing import page_with_upload

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with_module(make_engine(sqlite_url))
    sheet = (
        "Full name,Nationality,Email,Organisation,Organisation type\n"
        '"Dela Cruz-Santos, Maria Cristina Teresa",Philippines,maria.cristina@migrantforumasia.example.org,'
        "Migrant Forum in Asia - Philippine Chapter of Domestic Workers and Seafarers Advocates,Lawyers network\n"
    )
    app = page_with_upload("long.csv", csv_bytes(sheet))
    assert not app.exception
    grid = next(frame for frame in app.dataframe if "organisation type" in frame.value.columns)
    configs = json.loads(grid.proto.columns)
    widths = {name: config.get("width") for name, config in configs.items() if name != "_index"}
    assert set(widths) == set(grid.value.columns) and all(isinstance(width, int) for width in widths.values())
    assert sum(widths.values()) <= 1000
    assert widths == {column: PREVIEW_WIDTHS[column] for column in grid.value.columns}
    assert grid.proto.row_height > 64  # Streamlit wraps a cell's text in rows taller than 4rem
    short = page_with_upload("short.csv", csv_bytes("Name,Country\nAna Lim,Nepal\n"))
    assert not next(frame for frame in short.dataframe if "match" in frame.value.columns).proto.row_height
