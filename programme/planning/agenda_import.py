"""An agenda from a spreadsheet: day or date, start, end, session, method, facilitators; all rows or none."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access import audit
from programme.core.words import counted
from programme.importing.batches import import_number
from programme.intake.columns import choose_field
from programme.intake.headers import field_sub_header
from programme.intake.report import IntakeReport
from programme.models import AgendaSession, ImportBatch, ImportKind, Module
from programme.people.names import clean_text, display_name, family_given, fold, name_key
from programme.planning.agenda import (
    get_module_by_id,
    link_evaluation_questions,
    module_days,
    session_date,
    write_planned,
)
from programme.planning.checks import check_agenda
from programme.planning.methods import method_options, own_methods
from programme.planning.people import PeopleFinder, topic_names
from programme.planning.planned import PlannedSession
from programme.planning.validation import (
    RowError,
    parse_day,
    parse_method,
    parse_time,
    split_names,
    split_time_range,
)
from programme.sheets import SheetTable, map_columns, read_table

# Column names agenda sheets use for each field (compared without case, spaces or punctuation).
AGENDA_SYNONYMS: dict[str, tuple[str, ...]] = {
    "day": ("Day", "Date", "Day/Date", "Day number", "Day no"),
    "start": ("Start", "From", "Start time", "Time", "Begins"),
    "end": ("End", "To", "End time", "Until", "Ends"),
    "title": ("Session", "Title", "Session title", "Activity", "Item"),
    "method": ("Type", "Method", "Format", "Session type"),
    # A column for both roles ("Facilitator / Resource person", as agendas often head it) is read as the facilitators.
    "facilitator": (
        "Facilitator",
        "Facilitators",
        "Trainer",
        "Trainers",
        "Facilitated by",
        "Facilitator / Resource person",
        "Facilitators / Resource persons",
        "Resource person / Facilitator",
        "Trainer / Facilitator",
        "Moderator",
        "Moderators",
        "Moderated by",
        "Chair",
    ),
    "resource_person": (
        "Resource person",
        "Resource persons",
        "Speaker",
        "Speakers",
        "Presenter",
        "Presenters",
        "Resource speaker",
        "Resource speakers",
        "Panellists",
        "Panelists",
        "Presented by",
    ),
    "topics": ("Topics", "Topic", "Themes"),
    "room": ("Room", "Venue", "Location"),
    "notes": ("Notes", "Remarks", "Comments"),
    "materials_url": ("Materials", "Materials link", "Link", "URL"),
}
# A row like "Day 2 – Sunday 3 December" in the session column starts a new day rather than a session.
_DAY_HEADING = re.compile(r"^day\s*(\d{1,2})\b", re.IGNORECASE)


@dataclass
class AgendaImportReport(IntakeReport):
    """What an agenda import read, would write or wrote; `errors` name the spreadsheet row and column."""

    sessions: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    people_created: int = 0
    people_matched: int = 0
    sheet: str = ""
    planned: list[PlannedSession] = field(default_factory=list)  # the sessions read, for the preview

    def sessions_table(self) -> pd.DataFrame:
        """Return the sessions read from the sheet as the preview shows them: the sheet's row, the day, the times
        as read (so "2:30 PM" or "14h30" can be checked before importing), the title, the method and the people (the
        resource persons' column when the sheet names any)."""
        table = pd.DataFrame(
            [
                {
                    "row": item.row,
                    "day": item.day,
                    "start": f"{item.start:%H:%M}",
                    "end": f"{item.end:%H:%M}",
                    "session": item.title,
                    "method": item.method,
                    "facilitators": "; ".join(item.facilitators),
                    "resource persons": "; ".join(item.resource_persons),
                    "topics": "; ".join(item.topics),
                }
                for item in self.planned
            ],
            columns=["row", "day", "start", "end", "session", "method", "facilitators", "resource persons", "topics"],
        )
        # The resource persons' column only when the sheet names some (a Speakers column went unseen in the preview).
        return table if any(item.resource_persons for item in self.planned) else table.drop(columns="resource persons")

    def as_json(self) -> dict:
        """Return the report as the CLI's --json object.

        created, updated and people_created count what was written: 0 on a dry run or a run refused for errors.
        would_create, would_update and would_create_people count what the sheet holds (the same figures once written).
        """
        written = self.written
        return {
            "rows": self.rows,
            "sessions": self.sessions,
            "created": self.created if written else 0,
            "updated": self.updated if written else 0,
            "skipped": self.skipped,
            "people_created": self.people_created if written else 0,
            "people_matched": self.people_matched,
            "would_create": self.created,
            "would_update": self.updated,
            "would_create_people": self.people_created,
            **self.intake_json(),
            "dry_run": self.dry_run,
            "sheet": self.sheet,
        }


# How many names read "Family, Given" a warning names (the rest counted).
TURNED_NAMES_SHOWN = 5


def _family_first_warning(names: list[str]) -> str:
    """The sentence naming the new people whose names were read "Family, Given" ("'Santos, Maria' as Maria Santos")."""
    shown = ", ".join(f"'{name}' as {display_name(name)}" for name in names[:TURNED_NAMES_SHOWN])
    more = f" and {len(names) - TURNED_NAMES_SHOWN:,} more" if len(names) > TURNED_NAMES_SHOWN else ""
    return (
        f"{counted(len(names), 'new name')} with one comma {'was' if len(names) == 1 else 'were'} read as family "
        f"name, given names: {shown}{more}. If the sheet writes names another way, correct those cells."
    )


def agenda_columns(table: SheetTable, chosen: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Return {field: column} for an agenda sheet: each field by its synonyms, then the user's choices
    ({field: header, or None for no column}: --column FIELD=HEADER); ColumnChoiceError (exit 2) for a field or
    header the importer or the sheet does not have."""
    fields = map_columns(table.columns, AGENDA_SYNONYMS)
    for name, header in (chosen or {}).items():
        choose_field(fields, table.columns, name, header, known=list(AGENDA_SYNONYMS), what="an agenda")
    return fields


def import_agenda(
    session: Session,
    *,
    data: bytes,
    filename: str,
    module_id: int,
    dry_run: bool,
    by: str | None,
    columns: Mapping[str, str | None] | None = None,
) -> AgendaImportReport:
    """Read an agenda sheet into a module and return the report; write nothing on a dry run or any error.

    The sheet goes through the intake's steps: the header row found below any title rows, a two-row header
    ("Time" over "Start" and "End") read as one, each column's role reported, the user's choices (columns:
    {field: header or None}, --column FIELD=HEADER) applied last. Sessions already on the agenda with the same
    day, start and title are updated rather than repeated, so importing a corrected sheet twice does not double
    the agenda.
    """
    module = get_module_by_id(session, module_id)
    # raises UnreadableFile (exit 2)
    table = read_table(data, filename, AGENDA_SYNONYMS, sub_header=field_sub_header(AGENDA_SYNONYMS))
    report = AgendaImportReport(rows=len(table.frame), dry_run=dry_run, sheet=table.sheet)
    mapping = agenda_columns(table, columns)
    fields = {column: name for name, column in mapping.items()}
    report.columns = [{"header": column, "role": fields.get(column, "not used")} for column in table.columns]
    planned = _read_rows(table, mapping, module, report, own_methods(session))
    report.sessions, report.planned = len(planned), planned
    finder = PeopleFinder(session)
    names = {name_key(n): n for item in planned for n in item.people}
    known = {key for key, name in names.items() if finder.find(name) is not None}
    report.people_matched, report.people_created = len(known), len(names) - len(known)
    written = dict.fromkeys(n for item in planned for n in item.people)
    turned = [name for name in written if name_key(name) not in known and family_given(clean_text(name))]
    if turned:  # a new person's name read "Family, Given" (PeopleFinder writes display_name): said, never silent
        report.warn(_family_first_warning(turned))
    existing = _existing_sessions(session, module.id)
    report.updated = sum(1 for item in planned if _slot_key(item) in existing)
    report.created = report.sessions - report.updated
    if not report.errors:
        report.warn_all(w.message for w in check_agenda(session, module_id=module.id, planned=planned))
    if report.errors or dry_run:
        return report
    _write(session, module, planned, existing, finder, report, filename=filename, data=data, by=by)
    report.written = True
    return report


def _read_rows(
    table: SheetTable, columns: dict[str, str], module: Module, report: AgendaImportReport, own: list[str]
) -> list[PlannedSession]:
    missing = [field for field in ("title", "day", "start") if field not in columns]
    if missing:
        wanted = {"title": "Session or Title", "day": "Day or Date", "start": "Start or From"}
        for field_name in missing:
            report.errors.append(
                RowError(table.header_row, wanted[field_name], "No column for this was found in the header row.")
            )
        return []
    planned: list[PlannedSession] = []
    current_day: int | None = None
    for row_number, record in zip(table.row_numbers, table.frame.to_dict("records"), strict=True):
        cell = {name: clean_text(record.get(column, "")) for name, column in columns.items()}
        heading = _DAY_HEADING.match(cell["title"])
        if heading and not cell["start"]:
            current_day = int(heading.group(1))
            report.skipped += 1
            continue
        if cell["day"]:
            day = _read_day(cell["day"], module)
            if day is None:
                report.errors.append(RowError(row_number, columns["day"], f"'{cell['day']}' is not a day or a date."))
                continue
            current_day = day
        if not cell["title"] and not cell["start"]:
            report.skipped += 1  # a heading row such as "Day 2 – Sunday 3 December" in the day column
            continue
        # A coffee break or lunch is an agenda row of its own (method break or meal): on the timeline,
        # not in the training hours.
        item = _read_session(row_number, cell, columns, current_day, module, report.errors, own)
        if item is not None:
            planned.append(item)
    return planned


def _read_day(text: str, module: Module) -> int | None:
    day = parse_day(text, module.start_date)
    if day is None:
        heading = _DAY_HEADING.match(text)  # "Day 2 – Sunday 3 December"
        day = int(heading.group(1)) if heading else None
    return day


def _read_session(
    row: int,
    cell: dict[str, str],
    columns: dict[str, str],
    day: int | None,
    module: Module,
    errors: list[RowError],
    own: list[str],
) -> PlannedSession | None:
    before = len(errors)
    start_text, end_text = cell["start"], cell.get("end", "")
    if not end_text and split_time_range(start_text):
        start_text, end_text = split_time_range(start_text)
    start, end = parse_time(start_text), parse_time(end_text)
    if day is None:
        errors.append(RowError(row, columns["day"], "No day or date is given for this session."))
    elif not 1 <= day <= module_days(module):
        errors.append(RowError(row, columns["day"], _outside_message(cell["day"] or f"Day {day}", module)))
    if start is None:
        errors.append(
            RowError(
                row,
                columns["start"],
                f"'{start_text}' is not a time like 09:00." if start_text else "The start time is missing.",
            )
        )
    end_column = columns.get("end", columns["start"])
    if end is None:
        errors.append(
            RowError(
                row, end_column, f"'{end_text}' is not a time like 10:30." if end_text else "The end time is missing."
            )
        )
    elif start is not None and end <= start:
        errors.append(RowError(row, end_column, f"The session ends ({end:%H:%M}) before it starts ({start:%H:%M})."))
    if not cell["title"]:
        errors.append(RowError(row, columns["title"], "The session has no title."))
    method = parse_method(cell.get("method", ""), own, title=cell["title"])
    if method is None:
        allowed = ", ".join(method_options(own))
        errors.append(
            RowError(
                row,
                columns["method"],
                f"'{cell['method']}' is not a method we know ({allowed}); add it to your organisation's methods on "
                "the Agenda page to keep it.",
            )
        )
    if len(errors) > before:
        return None
    return PlannedSession(
        row=row,
        day=day,
        start=start,
        end=end,
        title=cell["title"][:300],
        method=method,
        room=cell.get("room") or None,
        notes=cell.get("notes") or None,
        materials_url=(cell.get("materials_url") or "")[:500] or None,
        topics=topic_names(cell.get("topics", "")),
        facilitators=split_names(cell.get("facilitator", "")),
        resource_persons=split_names(cell.get("resource_person", "")),
    )


def _outside_message(given: str, module: Module) -> str:
    last = session_date(module, module_days(module))
    return (
        f"'{given}' is outside the module's dates ({module.start_date:%d %b} to {last:%d %b %Y}, "
        f"{counted(module_days(module), 'day')})."
    )


def _slot_key(item: PlannedSession) -> tuple[int, time, str]:
    return item.day, item.start, fold(item.title)


def _existing_sessions(session: Session, module_id: int) -> dict[tuple[int, time, str], AgendaSession]:
    sessions = session.scalars(sa.select(AgendaSession).where(AgendaSession.module_id == module_id))
    return {(s.day, s.start_time.replace(second=0), fold(s.title)): s for s in sessions}


def _write(
    session: Session,
    module: Module,
    planned: list[PlannedSession],
    existing: dict[tuple[int, time, str], AgendaSession],
    finder: PeopleFinder,
    report: AgendaImportReport,
    *,
    filename: str,
    data: bytes,
    by: str | None,
) -> None:
    batch = ImportBatch(
        kind=ImportKind.AGENDA,
        file_name=filename[:300],
        file_hash=hashlib.sha256(data).hexdigest(),
        module_id=module.id,
        username=by,
    )
    session.add(batch)
    session.flush()
    start_position = len(existing)
    for offset, item in enumerate(planned):
        target = existing.get(_slot_key(item))
        if target is None:
            target = AgendaSession(module_id=module.id, start_time=item.start, end_time=item.end, title=item.title)
            session.add(target)
        write_planned(session, target, item, position=start_position + offset, finder=finder, import_batch_id=batch.id)
    counts = {
        "sessions": report.sessions,
        "created": report.created,
        "updated": report.updated,
        "people_created": len(finder.created),
    }
    batch.counts = json.dumps(counts)
    link_evaluation_questions(session, module.id)  # an evaluation imported before the agenda gets its session ratings
    audit.record(
        session,
        action="import",
        username=by,
        entity="agenda",
        entity_id=module.id,
        summary=f"agenda of module {module.id}: {report.created} sessions added, {report.updated} updated, "
        f"{len(finder.created)} new people (agenda import {import_number(session, batch.id)})",
    )
