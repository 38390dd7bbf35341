"""The module report as an editable Word file, in the headings and order of the organisation's own reports."""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session

from programme.access import audit
from programme.core.rounding import fixed
from programme.core.words import counted
from programme.courses.catalogue import get_module_by_id
from programme.planning.methods import is_training
from programme.reach import NOT_RECORDED, ORG_TYPE_SHARE_NOTE
from programme.reports.content import AgendaItem, ModuleReportContent, NextStep, date_span, module_report_content

# Headings, in order, as in the module reports the team writes (see the seed report).
HEADINGS = [
    "SUMMARY",
    "PARTICIPANTS",
    "PROGRAM CONTENT",
    "EVALUATION",
    "NEXT STEPS",
    "TOPICS SUGGESTED FOR THE NEXT MODULE",
]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def people_phrase(names: list[str], unnamed: int) -> str:
    """Return "A, B and 2 other people not named here": people without consent to be listed are only counted."""
    parts = list(names)
    if unnamed:
        other = "other " if names else ""
        parts.append(f"{unnamed} {other}{'person' if unnamed == 1 else 'people'} not named here")
    return _and(parts) if parts else ""


def _title(document: Document, c: ModuleReportContent) -> None:
    for text, size, bold in (
        (c.course_title, 18, True),
        ("A Capacity Building Program", 13, False),
        (f"Module {c.module_number}", 15, True),
        (f"{date_span(c.start, c.end)}, {c.place}" if c.place else date_span(c.start, c.end), 12, False),
        ("REPORT", 15, True),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)


def _table(document: Document, frame: pd.DataFrame, headers: list[str] | None = None) -> None:
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    for cell, header in zip(table.rows[0].cells, headers or list(frame.columns), strict=True):
        cell.text = str(header)
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = f"{value:,}" if isinstance(value, int) else str(value)
    document.add_paragraph()


def _summary(document: Document, c: ModuleReportContent) -> None:
    document.add_heading(HEADINGS[0], level=1)
    focus = f" It had a focus on {c.focus}." if c.focus else ""
    document.add_paragraph(
        f"Module {c.module_number} of the capacity building program {c.course_title} was held from "
        f"{date_span(c.start, c.end)}{' in ' + c.place if c.place else ''}.{focus}"
    )
    if c.objectives:
        document.add_paragraph(c.objectives)
    if c.partners:
        partners = _and([f"{name} ({role})" for name, role in c.partners])
        document.add_paragraph(f"It is organised and facilitated as a partnership between {partners}.")
    f = c.figures
    others = {role: n for role, n in c.roles.items() if role != "participant"}
    team = "; ".join(f"{n} {role}{'s' if n > 1 else ''}" for role, n in sorted(others.items()))
    if int(f["individuals"]) == 0:
        # No share of nobody ("0% were women"): say what is missing.
        document.add_paragraph(
            "No participant is recorded as having taken part in this module yet"
            f"{' (its team: ' + team + ')' if team else ''}: import the participant list or the attendance sheet, "
            "or tick attendance on the agenda page."
        )
    else:
        document.add_paragraph(
            f"{counted(int(f['individuals']), 'participant')} from {counted(int(f['countries']), 'country', 'countries')} "
            "took part"
            f"{' (with ' + team + ')' if team else ''}. {fixed(f['women_share'], 0)}% were women{society_clause(f)}."
        )
    registered = c.registrations
    if registered.get("registered"):
        document.add_paragraph(
            # "Signed up", as the Reach dashboard's headline says it: on a registration list.
            f"{registered['registered']} {'person' if registered['registered'] == 1 else 'people'} signed up on a "
            f"registration list; {registered['registered_took_part']} of them took part"
            + (
                f", and {registered['took_part_unregistered']} took part without having signed up"
                if registered.get("took_part_unregistered")
                else ""
            )
            + "."
        )
    if c.team:
        document.add_paragraph(team_sentence(c.team))


def society_clause(f: dict[str, float]) -> str:
    """Return " and 67% came from civil society organisations (...)" to follow "50% were women", or, when no
    organisation type is recorded, that there is no such share yet (not "0% ..., of the 0 whose type is recorded")."""
    if not no_type_recorded(f):
        return (
            f" and {fixed(f['civil_society_share'], 0)}% came from civil society organisations "
            f"(NGOs, trade unions, faith-based and migrant community organisations){_typed_phrase(f)}"
        )
    return "; no organisation type is recorded yet, so there is no civil-society share"


def no_type_recorded(f: dict[str, float]) -> bool:
    """Return whether people were reached but none has an organisation type on record."""
    return int(f["individuals"]) > 0 and int(f.get("org_type_recorded", f["individuals"])) == 0


def _typed_phrase(f: dict[str, float]) -> str:
    """Return what the civil-society share is of, where some organisation types are not recorded."""
    typed, individuals = int(f.get("org_type_recorded", f["individuals"])), int(f["individuals"])
    if typed == individuals:
        return ""
    return (
        f", of the {typed} whose organisation type is recorded ({individuals - typed} not recorded, "
        "left out of the share)"
    )


def team_sentence(team: dict[str, list[str]]) -> str:
    """Return "Facilitators: A and B. Resource person: C." (facilitators first)."""
    parts = []
    for role in sorted(team, key=lambda r: (r != "facilitator", r)):
        names = team[role]
        label = role if len(names) == 1 else f"{role}s"
        parts.append(f"{label[0].upper()}{label[1:]}: {_and(names)}.")
    return " ".join(parts)


def _participants(document: Document, c: ModuleReportContent) -> None:
    document.add_heading(HEADINGS[1], level=1)
    if c.by_country.empty:
        document.add_paragraph("No participants are recorded for this module yet.")
        return
    for title, frame, column in (
        ("By country", c.by_country, "country"),
        ("By organisation type", c.by_org_type, "org_type"),
        ("By gender", c.by_gender, "gender"),
    ):
        document.add_heading(title, level=2)
        # Whole percentages, as the organisation's own reports write them ("93% of them", "about 60 per cent") and
        # as the summary above says its shares: a tenth of a percent of 30 people is a precision no one has.
        shares = frame["share"].map(lambda s: f"{fixed(s, 0)}%" if pd.notna(s) else "not in the shares")
        shown = frame[[column, "individuals", "share"]].assign(share=shares)
        _table(document, shown, [title.removeprefix("By ").capitalize(), "Participants", "Share"])
        if column == "org_type" and (frame[column] == NOT_RECORDED).any():
            document.add_paragraph(ORG_TYPE_SHARE_NOTE)
    document.add_heading("List of participants", level=2)
    if not c.listed_participants.empty:
        _table(document, c.listed_participants, ["Name", "Country", "Organisation"])
    if c.unlisted_participants:
        document.add_paragraph(
            f"{c.unlisted_participants} participant{'s are' if c.unlisted_participants > 1 else ' is'} not "
            "listed by name: they have not consented to being listed."
        )


def _agenda_line(item: AgendaItem, days: int | None = None) -> str:
    """Return the session's line; one typed on a day after the module's last (days) says so, as the agenda warns."""
    details = ", ".join(filter(None, [item.method, item.room]))
    day = f"Day {item.day}" + (" (after the module's last day)" if days is not None and item.day > days else "")
    line = f"{day}, {item.start:%H:%M}–{item.end:%H:%M}: {item.title} ({details})"
    people = people_phrase(item.facilitators, item.unnamed_facilitators)
    speakers = people_phrase(item.resource_persons, item.unnamed_resource_persons)
    many = len(item.resource_persons) + item.unnamed_resource_persons > 1
    return (
        f"{line}."
        + (f" Facilitated by {people}." if people else "")
        + (f" Resource person{'s' if many else ''}: {speakers}." if speakers else "")
    )


def _program_content(document: Document, c: ModuleReportContent) -> None:
    document.add_heading(HEADINGS[2], level=1)
    if not c.agenda:
        document.add_paragraph("The agenda of this module is not recorded yet.")
    # The programme's sessions: breaks and meals are on the printed agenda, not in a report's programme.
    days = (c.end - c.start).days + 1
    for item in (item for item in c.agenda if is_training(item.method)):
        document.add_paragraph(_agenda_line(item, days), style="List Bullet")
        if item.notes:
            document.add_paragraph(item.notes)


def one_decimal(mean: float) -> str:
    """Return a mean with one decimal, a half rounded up as a reader does (4.25 is 4.3, as 3.75 is 3.8): a mean of 4
    or 8 ratings often ends in 5, and format() rounds such a half to the even digit (4.2)."""
    return fixed(mean, 1)


def _scale_words(c: ModuleReportContent) -> str:
    """Return "1 (poor) to 5 (excellent)", naming the form's labels only for the questions answered with them."""
    low, high = (end.lower() for end in c.scale_ends)
    if c.labels_used == "all":
        return f"1 ({low}) to 5 ({high})"
    if c.labels_used == "none":
        return "1 to 5"
    return f"1 to 5 (for the questions answered in words, 1 is “{low}” and 5 “{high}”)"


def _evaluation(document: Document, c: ModuleReportContent) -> None:
    document.add_heading(HEADINGS[3], level=1)
    if c.evaluation.empty:
        document.add_paragraph("No evaluation forms are recorded for this module yet.")
        return
    # A 0-10 question ("How likely are you to recommend...") keeps its own range: its mean is said out of 10.
    out_of_ten = [scale == "0-10" for scale in c.evaluation["scale"]]
    document.add_paragraph(
        f"Module {c.module_number} concluded with the completion of evaluation forms ({c.evaluation_responses} "
        f"responses). Mean ratings on a scale of {_scale_words(c)}"
        + ("; a mean “out of 10” is on its question's own scale from 0 to 10:" if any(out_of_ten) else ":")
    )
    pairs = zip(c.evaluation["mean rating"], out_of_ten, strict=True)
    means = [f"{one_decimal(mean)} out of 10" if ten else one_decimal(mean) for mean, ten in pairs]
    shown = c.evaluation[["question", "responses"]].assign(**{"mean rating": means})
    _table(document, shown, ["Question", "Responses", "Mean rating"])
    document.add_paragraph("The evaluations are available on request.")


def _step_line(step: NextStep) -> str:
    line = step.text.rstrip(".")
    people = people_phrase(step.focal_points, step.unnamed_focal_points)
    if people:
        line += f" (focal point{'s' if len(step.focal_points) + step.unnamed_focal_points > 1 else ''}: {people})"
    if step.due:
        line += f", by {step.due.day} {step.due:%B %Y}"
    return line + "."


def _next_steps(document: Document, c: ModuleReportContent) -> None:
    document.add_heading(HEADINGS[4], level=1)
    if not c.next_steps:
        document.add_paragraph("No next steps are recorded for this module yet.")
    for step in c.next_steps:
        document.add_paragraph(_step_line(step), style="List Bullet")
    document.add_heading(HEADINGS[5], level=1)
    if c.topics.empty:
        document.add_paragraph("No topics were suggested for the next module.")
        return
    document.add_paragraph(
        f"Participants identified the following issues to be considered for inclusion in module {c.module_number + 1}:"
    )
    for topic, times in c.topics.itertuples(index=False):
        document.add_paragraph(f"{topic}{f' (asked {times} times)' if times > 1 else ''}", style="List Bullet")


def render_module_report(content: ModuleReportContent) -> bytes:
    """Return the .docx bytes of a module report."""
    document = Document()
    document.core_properties.title = f"{content.course_code} Module {content.module_number} report"
    _title(document, content)
    _summary(document, content)
    _participants(document, content)
    _program_content(document, content)
    _evaluation(document, content)
    _next_steps(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def module_report(session: Session, *, module_id: int, by: str | None) -> bytes:
    """Return the .docx report of a module, and record the export in the audit trail."""
    module = get_module_by_id(session, module_id)
    content = module_report_content(session, module.id)
    audit.record(
        session,
        action="export",
        username=by,
        entity="module",
        entity_id=module.id,
        summary=f"module report {content.course_code} module {module.number} "
        f"({len(content.listed_participants)} names listed)",
    )
    return render_module_report(content)
