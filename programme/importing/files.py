"""Files the import hands back: the error report, the import template with dropdowns and a sample attendance sheet."""

from __future__ import annotations

import io

import pandas as pd
import pycountry
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from programme.importing.plan import ImportPlan
from programme.models import Gender, OrgType
from programme.sheets import SheetTable, to_xlsx_bytes

TEMPLATE_COLUMNS = [
    "Full name",
    "Gender",
    "Nationality",
    "Country where you work",
    "Organisation",
    "Type of organisation",
    "Position",
    "E-mail address",
    "Mobile / WhatsApp",
    "Languages",
]
# Rows of the template that carry the dropdowns.
TEMPLATE_ROWS = 500
_DROPDOWNS = {"Gender": "A", "Nationality": "B", "Country where you work": "B", "Type of organisation": "C"}


def error_report(table: SheetTable, plan: ImportPlan) -> bytes:
    """Return an .xlsx of the sheet's rows with a "row" and an "errors" column (errors first), formula-safe."""
    messages: dict[int, list[str]] = {}
    for error in plan.errors:
        messages.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    frame = table.frame.copy()
    frame.insert(0, "errors", ["; ".join(messages.get(number, [])) for number in table.row_numbers])
    frame.insert(0, "row", table.row_numbers)
    with_errors = frame[frame["errors"] != ""]
    return to_xlsx_bytes({"Rows with errors": with_errors, "All rows": frame})


def _countries() -> list[str]:
    return sorted(getattr(country, "common_name", None) or country.name for country in pycountry.countries)


def template() -> bytes:
    """Return the import template: the expected columns, dropdowns for gender, countries and organisation type."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(TEMPLATE_COLUMNS)
    lists = workbook.create_sheet("Lists")
    values = {
        "A": [gender.value for gender in Gender],
        "B": _countries(),
        "C": [org_type.value for org_type in OrgType],
    }
    lists.append(["Genders", "Countries", "Organisation types"])
    for letter, items in values.items():
        for offset, item in enumerate(items, start=2):
            lists[f"{letter}{offset}"] = item
    lists.sheet_state = "hidden"
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        sheet[f"{letter}1"].font = Font(bold=True)
        source = _DROPDOWNS.get(column)
        if source:
            last = len(values[source]) + 1
            rule = DataValidation(
                type="list",
                formula1=f"=Lists!${source}$2:${source}${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not in the list",
                error=f"Choose a value from the list for {column}.",
            )
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("How to fill")
    for line in (
        ["One row per participant. Leave a cell blank when you do not know the value."],
        ["Gender, countries and the type of organisation have dropdown lists."],
        ["Attendance: add columns named Day 1, Day 2, ... and put x on the days each person attended."],
    ):
        notes.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_frame() -> pd.DataFrame:
    """Return the template's columns as an empty table (for showing what the template holds)."""
    return pd.DataFrame(columns=TEMPLATE_COLUMNS)


# The sample attendance sheet's people: fictitious (example.org addresses, organisations named as samples), from the
# countries of origin and destination the programmes bring together. Surname, given name, M/F, country, organisation,
# and its type in the app's own words (models.OrgType: the import reads them as they are), so that the Reach
# dashboard's organisation types and civil-society share are filled for a new organisation trying the sample.
SAMPLE_PEOPLE = [
    ("Santos", "Maria", "F", "Philippines", "Sample Migrant Workers Centre", OrgType.NGO),
    ("Gurung", "Ram", "M", "Nepal", "Sample Returnee Network", OrgType.MIGRANT_COMMUNITY),
    ("Begum", "Rina", "F", "Bangladesh", "Sample Women Migrants Association", OrgType.MIGRANT_COMMUNITY),
    ("Wahyuni", "Sri", "F", "Indonesia", "Sample Domestic Workers Union", OrgType.TRADE_UNION),
    ("Sok", "Dara", "M", "Cambodia", "Sample Legal Aid Group", OrgType.NGO),
    ("Abdullah", "Aisyah", "F", "Malaysia", "Sample Bar Committee", OrgType.LAWYERS),
    ("Thapa", "Bikash", "M", "Nepal", "Sample Trade Union Federation", OrgType.TRADE_UNION),
    ("Dela Cruz", "Ana", "F", "Philippines", "Sample Faith-Based Shelter", OrgType.FAITH_BASED),
    ("Rahman", "Karim", "M", "Bangladesh", "Sample Migrant Community Group", OrgType.MIGRANT_COMMUNITY),
    ("Chan", "Mei Ling", "F", "Malaysia", "Sample Human Rights NGO", OrgType.NGO),
    ("Nguyen", "Thi Lan", "F", "Viet Nam", "Sample Labour Rights Centre", OrgType.NGO),
    ("Srisuk", "Somchai", "M", "Thailand", "Sample Workers Solidarity", OrgType.TRADE_UNION),
]
# The sample's rows (1-based) who miss one day (the second): they show the completion rule, every other person
# attended every day of the module and completes it under the default rule ("attended all days").
SAMPLE_MISSED_A_DAY = (5, 9)


def sample_attendance(days: int) -> bytes:
    """Return a sample attendance sheet for a module of days days, in the layout of a sheet typed by hand (title
    rows, then '#', Surname, Given name, M/F, Country, Organization, Type of organisation, E-mail, Day 1 ... Day N
    ticked x): fictitious
    people who attended every day, but for SAMPLE_MISSED_A_DAY who missed the second (a module of one day: none)."""
    if days < 1:
        raise ValueError("A module has at least one day.")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Attendance"
    sheet.append([f"Sample attendance sheet: a module of {days} day{'s' if days > 1 else ''}"])
    sheet.append(["Attendance list (fictitious people, to try the import; Undo under Past imports removes them)"])
    sheet.append([])
    sheet.append(["#", "Surname", "Given name", "M/F", "Country", "Organization", "Type of organisation", "E-mail",
                  *(f"Day {day}" for day in range(1, days + 1))])  # fmt: skip
    for number, (surname, given, sex, country, organisation, kind) in enumerate(SAMPLE_PEOPLE, start=1):
        missed = 2 if days > 1 and number in SAMPLE_MISSED_A_DAY else None
        ticks = [None if day == missed else "x" for day in range(1, days + 1)]
        email = f"sample.participant{number}@example.org"
        sheet.append([number, surname, given, sex, country, organisation, kind.value, email, *ticks])
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (4, 14, 14, 5, 13, 34, 30, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
