"""A module's agenda to print or share: Word (.docx) and Excel (.xlsx) in the usual shape."""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from sqlmodel import Session

from programme.access import audit
from programme.models import Course
from programme.planning.agenda import agenda_table, get_module_by_id, session_date
from programme.sheets import to_xlsx_bytes

PRINT_COLUMNS = ["Day", "Time", "Session", "Method", "Room", "Facilitator"]
# A day's table in the Word document: the printed columns but the day, which heads the table.
DAY_COLUMNS = PRINT_COLUMNS[1:]


def printable_agenda(session: Session, module_id: int) -> pd.DataFrame:
    """Return the agenda as printed: day (with its date), time, session, method, room, facilitators and resource persons.

    Breaks and meals are printed too, as the rows of the day they are.
    """
    module = get_module_by_id(session, module_id)
    agenda = agenda_table(session, module.id)
    rows = []
    for row in agenda.itertuples():
        people = "; ".join(filter(None, [row.facilitators, row.resource_persons]))
        rows.append(
            {
                "Day": f"Day {row.day} · {session_date(module, int(row.day)):%a %d %b %Y}",
                "Time": f"{row.start:%H:%M}–{row.end:%H:%M}",
                "Session": row.title,
                "Method": row.method,
                "Room": row.room,
                "Facilitator": people,
            }
        )
    return pd.DataFrame(rows, columns=PRINT_COLUMNS)


def agenda_title(session: Session, module_id: int) -> str:
    """Return "COURSE TITLE — Module 4, 02–05 Dec 2017, Kuala Lumpur" for the top of an agenda."""
    module = get_module_by_id(session, module_id)
    course = session.get(Course, module.course_id)
    where = f", {module.city}" if module.city else ""
    return f"{course.title} — {module.title}, {module.start_date:%d %b} to {module.end_date:%d %b %Y}{where}"


def agenda_xlsx(session: Session, *, module_id: int, by: str | None) -> bytes:
    """Return the printable agenda as a formula-safe .xlsx workbook (audited: it names facilitators)."""
    frame = printable_agenda(session, module_id)
    _record(session, module_id, "xlsx", len(frame), by)
    return to_xlsx_bytes({"Agenda": frame})


def agenda_docx(session: Session, *, module_id: int, by: str | None) -> bytes:
    """Return the printable agenda as a Word document: a title, the focus, and one table per day."""
    module = get_module_by_id(session, module_id)
    frame = printable_agenda(session, module_id)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(agenda_title(session, module_id), level=1)
    if module.focus:
        document.add_paragraph(f"Focus: {module.focus}")
    if frame.empty:
        document.add_paragraph("No sessions are planned yet.")
    for day, sessions in frame.groupby("Day", sort=False):
        document.add_heading(day, level=2)
        table = document.add_table(rows=1, cols=len(DAY_COLUMNS))
        table.style = "Light Grid Accent 1"
        for cell, label in zip(table.rows[0].cells, DAY_COLUMNS, strict=True):
            cell.text = label
        for item in sessions[DAY_COLUMNS].itertuples(index=False):
            cells = table.add_row().cells
            for cell, value in zip(cells, item, strict=True):
                cell.text = value
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(10)
    buffer = io.BytesIO()
    document.save(buffer)
    _record(session, module_id, "docx", len(frame), by)
    return buffer.getvalue()


def _record(session: Session, module_id: int, kind: str, rows: int, by: str | None) -> None:
    audit.record(
        session,
        action="export",
        username=by,
        entity="agenda",
        entity_id=module_id,
        summary=f"agenda of module {module_id} as .{kind} ({rows} sessions)",
    )
