"""The tools participant lists come from, recognised by their own columns: what each tool adds to a list.

A profile names the tool, the columns that show a list is its export (signature), the tool's own columns
(meta: ignored, listed to the user) and what some of its columns mean. Only the columns are used to recognise
a tool, so a later intake layer for agendas and evaluations can share these profiles. The layouts are those the
tools document for their exports (see tests/data/tools/participants/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from programme.sheets import SheetTable, header_key

# Answers that mean the form did not record who answered (Microsoft Forms writes "anonymous").
ANONYMOUS = frozenset({"", "anonymous", "anonyme", "anónimo"})


@dataclass(frozen=True)
class ToolProfile:
    """One tool's export: its name, signature columns (how many must be present), meta and field columns."""

    name: str
    signature: tuple[str, ...]
    needed: int
    meta: tuple[str, ...] = ()
    # Columns that are meta only when a question column holds the same field, or every value is anonymous.
    own_identity: dict[str, str] = field(default_factory=dict)  # column -> field
    fields: dict[str, str] = field(default_factory=dict)  # column -> field, before the general synonyms
    sections: tuple[str, ...] = ()  # rows that start a section ("Attendee Details"); the last one is the people
    note: str = ""

    def matches(self, keys: set[str]) -> bool:
        return sum(1 for name in self.signature if header_key(name) in keys) >= self.needed


PROFILES: tuple[ToolProfile, ...] = (
    ToolProfile(
        name="Microsoft Forms",
        signature=("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"),
        needed=4,
        meta=("ID", "Start time", "Completion time", "Last modified time"),
        own_identity={"Email": "email", "Name": "full_name"},
    ),
    ToolProfile(
        name="Zoom",
        signature=(
            "User Name (Original Name)",
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
            "Registration Time",
            "Approval Status",
            "Attended",
            "Is Guest",
        ),
        needed=3,
        meta=(
            "Join Time",
            "Leave Time",
            "Time in Session (minutes)",
            "Registration Time",
            "Approval Status",
            "Is Guest",
            "Country/Region Name",
            "Source Name",
        ),
        fields={"User Name (Original Name)": "full_name", "Attended": "attended", "Organization": "organisation"},
        sections=("Host Details", "Panelist Details", "Attendee Details", "Other Attended"),
        note="Only the Attendee Details section is imported: the host and panelists are not participants.",
    ),
    ToolProfile(
        name="Eventbrite",
        signature=("Order #", "Order Date", "Attendee #", "Ticket Type", "Attendee Status", "Order Type"),
        needed=3,
        meta=(
            "Order #",
            "Order Date",
            "Attendee #",
            "Quantity",
            "Ticket Type",
            "Group",
            "Order Type",
            "Currency",
            "Total Paid",
            "Fees Paid",
            "Eventbrite Fees",
            "Eventbrite Payment Processing",
            "Attendee Status",
            "Barcode #",
            "Check-In Date",
        ),
        fields={"Company": "organisation", "Job Title": "position", "Checked In": "attended"},
    ),
    ToolProfile(
        name="Indico",
        signature=("Registration state", "Registration date", "Affiliation", "Registration ID", "Checked in"),
        needed=2,
        meta=("ID", "Registration ID", "Registration state", "Registration date", "Price", "Paid", "Checked in date"),
        fields={"Affiliation": "organisation", "Position": "position", "Checked in": "attended"},
    ),
    ToolProfile(
        name="Google Forms",
        signature=("Timestamp",),
        needed=1,
        meta=("Timestamp", "Score"),
    ),
)
PROFILES_BY_NAME = {header_key(profile.name): profile for profile in PROFILES}


def detect_profile(columns: Sequence[str]) -> ToolProfile | None:
    """Return the tool whose signature columns the list has (the first that matches), or None."""
    keys = {header_key(column) for column in columns}
    return next((profile for profile in PROFILES if profile.matches(keys)), None)


def profile_named(name: str) -> ToolProfile | None:
    """Return the profile called name ("zoom", "Microsoft Forms"), None when there is none."""
    return PROFILES_BY_NAME.get(header_key(name))


def column_named(columns: Sequence[str], name: str) -> str | None:
    """Return the list's column whose header is name (compared without case or punctuation)."""
    key = header_key(name)
    return next((column for column in columns if header_key(column) == key), None)


def all_anonymous(frame: pd.DataFrame, column: str) -> bool:
    """Return whether every cell of the column is blank or says "anonymous"."""
    return all(str(value).strip().casefold() in ANONYMOUS for value in frame[column].tolist())


def people_section(table: SheetTable, profile: ToolProfile | None) -> SheetTable:
    """Return the table cut to its people: rows from a later section ("Other Attended") or repeating the header
    left out. The header found is the people section's (it has the most known column names)."""
    if profile is None or not profile.sections or table.frame.empty:
        return table
    markers = {header_key(name) for name in profile.sections}
    header = [header_key(column) for column in table.columns]
    keep: list[int] = []
    for position, row in enumerate(table.frame.itertuples(index=False, name=None)):
        if header_key(row[0]) in markers and not any(str(cell).strip() for cell in row[1:]):
            break  # the next section starts
        if [header_key(cell) for cell in row] == header:
            continue
        keep.append(position)
    if len(keep) == len(table.row_numbers):
        return table
    return SheetTable(
        sheet=table.sheet,
        header_row=table.header_row,
        columns=table.columns,
        frame=table.frame.iloc[keep].reset_index(drop=True),
        row_numbers=[table.row_numbers[position] for position in keep],
    )
