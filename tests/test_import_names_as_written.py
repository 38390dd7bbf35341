"""A name with a comma is read as "Family, Given" only when it is one, and the preview says so; a hostile value in the
name column (a spreadsheet formula) is kept exactly as typed, shown so, and exported formula-safe."""

from __future__ import annotations

import csv
import io

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
