"""The tools participant lists come from, recognised by their own columns: what each tool adds to a list.

A profile names the tool, the columns that show a list is its export (signature), the tool's own columns
(meta: ignored, listed to the user) and what some of its columns mean. Only the columns are used to recognise
a tool, so a later intake layer for agendas and evaluations can share these profiles. The layouts are those the
tools document for their exports (see tests/data/tools/participants/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from programme.intake.languages import (
    GOOGLE_FORMS_SCORE,
    GOOGLE_FORMS_TIMESTAMP,
    MICROSOFT_FORMS,
    MicrosoftFormsColumns,
    every_name,
)
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
    # The tool's own words in a field's column, read before the general vocabulary: {field: {folded text: value}}
    # (Eventbrite's Attendee Status: "Checked In" came, "Attending" registered and not checked in).
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    # Rows that are not a person's presence, left out: {column: answers (header_key) that leave the row out}.
    leave_out: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The column, and its answers, of the rows of people on the organisers' own account (Zoom's "Guest: No": signed
    # in to the host's Zoom account, the host and colleagues): never imported or left out without asking.
    own_account: tuple[str, tuple[str, ...]] | None = None
    # Who those people are, in the question and the notes ({column}: the list's column saying so).
    own_account_words: str = "joined from your own Zoom account ({column}: No)"
    # The page's heading over that question.
    own_account_title: str = "People on your own Zoom account"
    # Whether the own-account column itself says who organised (Teams' Role: Organizer): no host is looked for.
    own_account_organisers: bool = False
    # Labels the tool writes after a name, in brackets, that are not part of it (Teams' "(Guest)", "(External)"):
    # taken off the name column's cells (people_section; header_key compared), the profile's note saying so.
    name_labels: tuple[str, ...] = ()
    # The header of the tool's own section above the people (Zoom's "Export with meeting data": Meeting ID, Topic...,
    # User Email), and its column naming the host's e-mail and name.
    host_section: tuple[str, ...] = ()
    host_email: str = ""
    host_name: str = ""
    # The row that starts the tool's section naming the host above the people (a Zoom webinar's "Host Details", its
    # header then the host's row), read with host_email and host_name as that section's columns.
    host_details: str = ""
    # The columns that together say who a row is, when the tool writes a row per join or leave (Teams' older layouts:
    # a person who rejoined is listed again): the person's later rows are left out (people_section), the first kept.
    one_person: tuple[str, ...] = ()
    note: str = ""

    def matches(self, keys: set[str]) -> bool:
        return sum(1 for name in self.signature if header_key(name) in keys) >= self.needed


def _microsoft_forms(columns: MicrosoftFormsColumns) -> ToolProfile:
    """Return Microsoft Forms' profile in one language: its ID, times and the respondent's e-mail and name."""
    return ToolProfile(
        name="Microsoft Forms",
        signature=columns.all,
        needed=4,
        meta=(columns.id, columns.start, columns.completion, columns.last_modified),
        own_identity={**{email: "email" for email in columns.email}, columns.name: "full_name"},
    )


PROFILES: tuple[ToolProfile, ...] = (
    # English first, then the form's other languages (a French form's "Heure de début", "Nom").
    *(_microsoft_forms(columns) for columns in MICROSOFT_FORMS.values()),
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
        # An attendee with "Is Guest: No" is signed in to the host's own Zoom account (support.zoom.com KB0066590:
        # a guest is whoever is not signed in or is signed in with an e-mail outside the host's account): a colleague
        # of the organisers who watched as an attendee. Asked, as a meeting's "Guest: No" (the host and panelists are
        # in sections of their own, never imported). A no-show's Is Guest is "--".
        own_account=("Is Guest", ("no",)),
        host_details="Host Details",
        host_email="Email",
        host_name="User Name (Original Name)",
        note="Only the Attendee Details section is imported: the host and panelists are not participants.",
    ),
    ToolProfile(
        name="Zoom meeting",
        signature=(
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
            "In Waiting Room",
        ),
        needed=4,
        meta=("Join Time", "Leave Time", "Duration (Minutes)", "Guest", "Recording Consent", "In Waiting Room"),
        fields={"Name (Original Name)": "full_name", "User Email": "email"},
        leave_out={"In Waiting Room": ("yes",)},
        # Zoom marks as a guest whoever is not signed in to a Zoom account of the host's own account (support.zoom.com
        # KB0066590): "Guest: No" is the host and the colleagues signed in to the organisers' account.
        own_account=("Guest", ("no",)),
        # "Export with meeting data": the meeting's header and row above the participants; its User Email is the
        # host's (tests/data/tools/participants/README.md).
        host_section=("Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Participants"),
        host_email="User Email",
        host_name="User Name",
        note=(
            "A meeting's participants report: rows of time in the waiting room (In Waiting Room: Yes) are left out. "
            "Those who joined from the organisers' own Zoom account (Guest: No), the host among them, are imported "
            "or left out as you choose."
        ),
    ),
    ToolProfile(
        name="Microsoft Teams",
        # The attendance report's "2. Participants" section (tests/data/tools/participants/README.md): its header
        # beats the "3. In-Meeting Activities" one below it, whose Join Time and Leave Time are Zoom's column names.
        signature=("First Join", "Last Leave", "In-Meeting Duration", "Participant ID (UPN)", "Role"),
        needed=3,
        meta=("First Join", "Last Leave", "In-Meeting Duration", "Participant ID (UPN)", "Role"),
        fields={"Name": "full_name", "Email": "email"},
        # The people are section 2; section 3 lists each join and leave of the same people again.
        sections=("3. In-Meeting Activities", "In-Meeting Activities"),
        # Role is the meeting's (Organizer, Co-organizer, Presenter, Attendee): never a role in the module. The
        # organizer and co-organizers ran the meeting: asked about, as Zoom's own account is.
        own_account=("Role", ("organizer", "coorganizer")),
        own_account_words="organised the meeting ({column}: Organizer or Co-organizer)",
        own_account_title="The meeting's organisers",
        own_account_organisers=True,
        name_labels=("Guest", "External", "EXT", "Unverified"),
        note=(
            "A Microsoft Teams attendance report: the people of its Participants section are imported, each once "
            "(the In-Meeting Activities section below it, each join and leave, is not read again). Everyone listed "
            "joined. A label Teams writes after a name, such as (Guest), (External), (EXT) or (Unverified), is not "
            "part of the name and is not kept. Email is the e-mail (the Participant ID (UPN) is not read); join "
            "and leave times, durations, Role and the summary's meeting date are not read. The meeting's organizer "
            "and co-organizers (Role) are imported or left out as you choose."
        ),
    ),
    ToolProfile(
        name="Microsoft Teams",
        # The 2021 layout (tests/data/tools/participants/README.md): a "Meeting Summary" block, then one header of
        # Full Name, Join Time, Leave Time, Duration, Email, Role, Participant ID (UPN). Four of these five: Zoom's
        # reports share only Join Time and Leave Time; the 2022 layout's In-Meeting Activities header is below its
        # Participants header, which wins.
        signature=("Join Time", "Leave Time", "Duration", "Role", "Participant ID (UPN)"),
        needed=4,
        meta=("Join Time", "Leave Time", "Duration", "Participant ID (UPN)", "Role"),
        fields={"Full Name": "full_name", "Email": "email"},
        own_account=("Role", ("organizer", "coorganizer")),
        own_account_words="organised the meeting ({column}: Organizer or Co-organizer)",
        own_account_title="The meeting's organisers",
        own_account_organisers=True,
        name_labels=("Guest", "External", "EXT", "Unverified"),
        one_person=("Full Name", "Email"),
        note=(
            "A Microsoft Teams attendance report (its 2021 layout: a Meeting Summary, then Full Name, Join Time, "
            "Leave Time...): each person is imported once, however many rows of joining and leaving they have. "
            "Everyone listed joined. A label Teams writes after a name, such as (Guest) or (External), is not part "
            "of the name and is not kept. Email is the e-mail (the Participant ID (UPN) is not read); join and leave "
            "times, durations, Role and the summary's meeting times are not read. The meeting's organizer and "
            "co-organizers (Role) are imported or left out as you choose."
        ),
    ),
    ToolProfile(
        name="Microsoft Teams",
        # The 2020 layout: Full Name, User Action (Joined, Left, "Joined before"), Timestamp, a row per join or leave.
        # All three: a form's export asking a Full Name has a Timestamp (Google Forms) but no User Action.
        signature=("Full Name", "User Action", "Timestamp"),
        needed=3,
        meta=("User Action", "Timestamp"),
        fields={"Full Name": "full_name"},
        name_labels=("Guest", "External", "EXT", "Unverified"),
        one_person=("Full Name",),
        note=(
            "A Microsoft Teams attendance list (its 2020 layout: Full Name, User Action, Timestamp, a row for each "
            "join and leave): each person is imported once, however many Joined and Left rows they have; everyone "
            "listed joined. User Action and Timestamp are not read (its Timestamp is not a form's: the list is not "
            "taken as a registration list). A label Teams writes after a name, such as (Guest), is not part of the "
            "name and is not kept. This layout does not say who organised the meeting: the organizer, listed like "
            "everyone else, is imported as a participant unless their rows are taken out of the file. Two people "
            "with the same name are read as one (the list has no e-mail)."
        ),
    ),
    ToolProfile(
        name="Microsoft Teams",
        # A live event's attendee report, "AttendeeReport.csv" (tests/data/tools/participants/README.md): UTF-8, comma-
        # separated, one row for each join and each leave (Action: Joined, Left), a person's stays apart by Session Id.
        signature=("Session Id", "Participant Id", "UserAgent", "UTC Event Timestamp", "Action"),
        needed=4,
        meta=("Session Id", "UserAgent", "UTC Event Timestamp", "Action", "Role"),
        fields={"Full Name": "full_name", "Participant Id": "email"},
        # Role is the live event's (Attendee; Presenter and Producer are a live event's team, Microsoft Graph's
        # onlineMeetingRole): never a role in the module. Those who ran the event are asked about.
        own_account=("Role", ("organizer", "producer", "presenter")),
        own_account_words="ran the live event ({column}: Organizer, Producer or Presenter)",
        own_account_title="The live event's team",
        own_account_organisers=True,
        # A person is their Participant Id (the e-mail the report gives) with their name: joining again is a new
        # Session Id, the same person.
        one_person=("Participant Id", "Full Name"),
        note=(
            "A Microsoft Teams live event's attendee report (AttendeeReport.csv: a row for each join and each leave): "
            "each person is imported once, however many Joined and Left rows they have; everyone listed joined. "
            "Participant Id is read as the e-mail; Session Id, UserAgent, UTC Event Timestamp, Action and Role are "
            "not read. Anyone whose Role is Organizer, Producer or Presenter (the event's team) is imported or left "
            "out as you choose."
        ),
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
            "Price Tier",
            "Barcode #",
            "Check-In Date",
            "Prefix",  # Mr, Ms, Dr: not part of the name kept, never read as a gender (plan_notes says so)
        ),
        fields={
            "Company": "organisation",
            "Job Title": "position",
            "Checked In": "attended",
            "Attendee Status": "attended",
        },
        # The Attendee Summary report's statuses: a checked-in attendee came; "Attending" has a ticket and was not
        # checked in. Any other status (an order cancelled, refunded, transferred) is not read as either.
        values={"attended": {"checked in": True, "attending": False}},
        note=(
            "Attendee Status is read as attendance: Checked In attended, Attending registered only; any other status "
            "(Not Attending, Refunded...) is an error on its row, to correct before importing."
        ),
    ),
    ToolProfile(
        name="Indico",
        signature=("Registration state", "Registration date", "Modification date", "Affiliation", "Checked in"),
        needed=2,
        # The registration columns Indico's export can add (indico/modules/events/registration/util.py).
        meta=(
            "ID",
            "Registration date",
            "Modification date",
            "Registration state",
            "Created by",
            "Price",
            "Check-in date",
            "Payment date",
            "Tags",
        ),
        fields={
            "Affiliation": "organisation",
            "Position": "position",
            "Email Address": "email",
            "Checked in": "attended",
        },
    ),
    ToolProfile(
        name="Google Meet",
        # Google Workspace's attendance report (tests/data/tools/participants/README.md): First name, Last name, Email,
        # Duration, Time joined, Time exited, the header on the first line. "Time joined" and "Time exited" are its own.
        signature=("Time joined", "Time exited", "Duration"),
        needed=3,
        meta=("Duration", "Time joined", "Time exited"),
        fields={"First name": "given_name", "Last name": "family_name", "Email": "email"},
        # One row a person in the reports read; should a person come twice (the same names and e-mail), once.
        one_person=("First name", "Last name", "Email"),
        note=(
            "A Google Meet attendance report: everyone listed joined the call, each imported once. Duration, Time "
            "joined and Time exited are not read. The report has no role: the meeting's organiser, listed like "
            "everyone else, is imported as a participant unless their row is taken out of the file."
        ),
    ),
    ToolProfile(
        name="Google Forms",
        signature=every_name(GOOGLE_FORMS_TIMESTAMP),  # its Timestamp, in the form's language ("Horodateur")
        needed=1,
        meta=(*every_name(GOOGLE_FORMS_TIMESTAMP), *every_name(GOOGLE_FORMS_SCORE)),
    ),
)
# Each tool's name once (a tool with several layouts has a profile for each, under one name).
TOOL_NAMES: tuple[str, ...] = tuple(dict.fromkeys(profile.name for profile in PROFILES))


# The tools' own column names: a row holding them is a header (Zoom's participants' header, below the meeting's).
TOOL_COLUMNS = frozenset(header_key(name) for profile in PROFILES for name in profile.signature)


def tool_column(cell: str) -> bool:
    """Return whether a cell is one of the tools' own column names ("Join Time", "In Waiting Room")."""
    return header_key(cell) in TOOL_COLUMNS


# The tools whose exports are lists of people only (attendance, registrations): never an evaluation export.
PARTICIPANT_LIST_TOOLS = frozenset({"Zoom", "Zoom meeting", "Microsoft Teams", "Google Meet", "Eventbrite", "Indico"})
# Of them, those whose exports only say who was in a meeting, never who signed up: their own columns (the Timestamp of
# a Teams attendance list) say nothing of a registration form. Indico's Registration date does; a Zoom webinar's
# report lists registrants who did not come (its Attended column says so).
MEETING_REPORT_TOOLS = frozenset({"Zoom meeting", "Microsoft Teams", "Google Meet"})


def participant_list_tool(columns: Sequence[str]) -> tuple[ToolProfile, list[str]] | None:
    """Return the list-of-people tool whose own columns these are, with those columns as the file names them: its
    signature, or its section above the people (Zoom's meeting data: Meeting ID, Topic...), all but one of them."""
    keys = {header_key(column): column for column in columns}
    for profile in PROFILES:
        if profile.name not in PARTICIPANT_LIST_TOOLS:
            continue
        own = [keys[header_key(name)] for name in profile.signature if header_key(name) in keys]
        section = [keys[header_key(name)] for name in profile.host_section if header_key(name) in keys]
        if len(own) >= profile.needed:
            return profile, own
        if profile.host_section and len(section) >= len(profile.host_section) - 1:
            return profile, section
    return None


def detect_profile(columns: Sequence[str]) -> ToolProfile | None:
    """Return the tool whose signature columns the list has (the first that matches), or None."""
    keys = {header_key(column) for column in columns}
    return next((profile for profile in PROFILES if profile.matches(keys)), None)


def profile_named(name: str, columns: Sequence[str] = ()) -> ToolProfile | None:
    """Return the profile called name ("zoom", "Microsoft Forms"), None when there is none. Of a tool's layouts
    (Microsoft Teams'), the one whose signature the columns have, else the one with the most of its columns."""
    named = [profile for profile in PROFILES if header_key(profile.name) == header_key(name)]
    keys = {header_key(column) for column in columns}
    return next(
        (profile for profile in named if profile.matches(keys)),
        max(named, key=lambda profile: sum(header_key(n) in keys for n in profile.signature), default=None),
    )


def column_named(columns: Sequence[str], name: str) -> str | None:
    """Return the list's column whose header is name (compared without case or punctuation)."""
    key = header_key(name)
    return next((column for column in columns if header_key(column) == key), None)


def all_anonymous(frame: pd.DataFrame, column: str) -> bool:
    """Return whether every cell of the column is blank or says "anonymous"."""
    return all(str(value).strip().casefold() in ANONYMOUS for value in frame[column].tolist())


def people_section(table: SheetTable, profile: ToolProfile | None) -> SheetTable:
    """Return the table cut to its people: rows from a later section ("Other Attended"), repeating the header, or
    marked by the tool as no presence (Zoom's "In Waiting Room": Yes) left out, and a person's rows after the first
    where the tool writes a row per join or leave (profile.one_person). The header found is the people
    section's (it has the most known column names)."""
    if profile is None or table.frame.empty:
        return table
    if not (profile.sections or profile.leave_out or profile.name_labels or profile.one_person):
        return table
    markers = {header_key(name) for name in profile.sections}
    header = [header_key(column) for column in table.columns]
    # Positions of the columns whose answers leave a row out (Zoom's "In Waiting Room": Yes).
    leave_out = {
        table.columns.index(column): {header_key(answer) for answer in answers}
        for name, answers in profile.leave_out.items()
        if (column := column_named(table.columns, name)) is not None
    }
    # Positions of the columns saying who a row is (Teams' older layouts: a row per join or leave).
    who = [table.columns.index(column) for name in profile.one_person if (column := column_named(table.columns, name))]
    seen: set[tuple[str, ...]] = set()
    keep: list[int] = []
    for position, row in enumerate(table.frame.itertuples(index=False, name=None)):
        if markers and header_key(row[0]) in markers and not any(str(cell).strip() for cell in row[1:]):
            break  # the next section starts
        if [header_key(cell) for cell in row] == header:
            continue
        if any(header_key(row[at]) in answers for at, answers in leave_out.items()):
            continue
        person = tuple(" ".join(str(row[at]).split()).casefold() for at in who)
        if any(person):
            if person in seen:
                continue  # the same person joining or leaving again
            seen.add(person)
        keep.append(position)
    if len(keep) != len(table.row_numbers):
        table = replace(
            table,
            frame=table.frame.iloc[keep].reset_index(drop=True),
            row_numbers=[table.row_numbers[position] for position in keep],
        )
    return without_name_labels(table, profile)


# A name followed by a label in brackets: "Maria Santos (Guest)".
_LABELLED = re.compile(r"^(?P<name>.*\S)\s*\((?P<label>[^()]*)\)$")


def without_name_labels(table: SheetTable, profile: ToolProfile) -> SheetTable:
    """Return the table with the tool's labels after a name taken off its name column's cells ("Maria Santos (Guest)"
    → "Maria Santos"): Teams writes them after the names of people from outside the organisers' organisation."""
    labels = {header_key(label) for label in profile.name_labels}
    names = [name for name, target in profile.fields.items() if target == "full_name"]
    column = next((found for name in names if (found := column_named(table.columns, name)) is not None), None)
    if not labels or column is None:
        return table
    cells = table.frame[column].tolist()
    cut = []
    for cell in cells:
        match = _LABELLED.match(str(cell).strip())
        cut.append(match["name"] if match and header_key(match["label"]) in labels else cell)
    if cut == cells:
        return table
    frame = table.frame.copy()
    frame[column] = pd.Series(cut, index=frame.index, dtype=frame[column].dtype)
    return replace(table, frame=frame)
