"""Printable group lists and role cards as Word files (.docx)."""

from __future__ import annotations

import io
import math

from docx import Document
from docx.document import Document as WordDocument
from docx.shared import Pt

from programme.groups.plan import GroupDraft, GroupPlan
from programme.groups.roles import ROLE_DUTIES
from programme.models import GroupRole
from programme.people.countries import country_name

# Bordered tables: group lists print as grids, role cards as boxes to cut apart.
CARD_STYLE = "Table Grid"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _country(code: object) -> str:
    return country_name(code) if isinstance(code, str) and code else ""


def _exercise_lines(group: GroupDraft) -> list[tuple[str, str]]:
    return [
        (label, value)
        for label, value in (("Exercise", group.exercise), ("Target", group.target), ("Briefing", group.briefing))
        if value
    ]


def _save(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def group_lists_docx(plan: GroupPlan, *, title: str) -> bytes:
    """Return a Word file listing each group: its exercise, then members with nationality, organisation, role."""
    document = Document()
    document.add_heading(title, level=1)
    table_rows = plan.members_table()
    for group in plan.groups:
        document.add_heading(group.name, level=2)
        for label, value in _exercise_lines(group):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
        rows = table_rows[table_rows["group"] == group.name]
        table = document.add_table(rows=1, cols=4)
        table.style = CARD_STYLE
        for cell, heading in zip(table.rows[0].cells, ("Name", "Nationality", "Organisation", "Role"), strict=True):
            cell.text = heading
            cell.paragraphs[0].runs[0].bold = True
        for row in rows.to_dict("records"):
            cells = table.add_row().cells
            cells[0].text = _text(row.get("name"))
            cells[1].text = _country(row.get("nationality"))
            # Group lists are the team's own papers: the organisation is printed whatever the consent to publish it.
            cells[2].text = _text(row.get("organisation"))
            cells[3].text = _text(row.get("role"))
    return _save(document)


def role_cards_docx(plan: GroupPlan, *, title: str) -> bytes:
    """Return a Word file with one card per member: name, group, role and what the role does, the exercise."""
    document = Document()
    document.add_heading(f"Role cards: {title}", level=1)
    table_rows = plan.members_table()
    for group in plan.groups:
        rows = table_rows[table_rows["group"] == group.name].to_dict("records")
        # Each member with their role and organisation (the team's own papers: consent governs publication).
        team = "; ".join(
            f"{_text(r.get('name'))} ({', '.join(p for p in (_text(r.get('role')), _text(r.get('organisation'))) if p)})"
            for r in rows
        )
        for row in rows:
            role = GroupRole(row["role"])
            card = document.add_table(rows=1, cols=1)
            card.style = CARD_STYLE
            cell = card.rows[0].cells[0]
            heading = cell.paragraphs[0].add_run(f"{_text(row.get('name'))} · {group.name}")
            heading.bold = True
            heading.font.size = Pt(13)
            works = " · ".join(part for part in (_text(row.get("position")), _text(row.get("organisation"))) if part)
            if works:
                cell.add_paragraph(works)
            role_line = cell.add_paragraph()
            role_line.add_run("Your role: ").bold = True
            role_line.add_run(f"{role.value}. {ROLE_DUTIES[role]}")
            for label, value in _exercise_lines(group):
                line = cell.add_paragraph()
                line.add_run(f"{label}: ").bold = True
                line.add_run(value)
            members = cell.add_paragraph()
            members.add_run("Your group: ").bold = True
            members.add_run(team)
            document.add_paragraph()
    return _save(document)
