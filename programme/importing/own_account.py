"""The people on the organisers' own account in a tool's list (Zoom's "Guest: No": the host and colleagues signed in
to the host's Zoom account; a webinar attendee's "Is Guest: No": a colleague signed in to it who watched as an
attendee): never imported, nor left out, without the user's choice.

A Zoom meeting's participants report lists everyone who joined, the host included, and a list without day-by-day
attendance counts as every day attended: a host imported as a participant "completes" the module, gets a certificate
and enters the alumni directory. Zoom marks as a guest whoever is not signed in to an account of the host's own Zoom
account, so the rows with "Guest: No" are the host and colleagues (or a colleague who did take part). The export "with
meeting data" also names the host's e-mail in the meeting's row above the participants. A webinar's attendee report
lists the host and the panelists in sections of their own (never imported) and marks each attendee "Is Guest": Yes or
No (or "--" for a registrant who never joined); its "Host Details" section names the host. The page and the command
line ask (own_account_rows says whom), and apply_choice keeps or leaves out their rows and writes the choice in the
import's notes (with the names) and audit record (without: ColumnMapping.choices).

A Microsoft Teams attendance report says who ran the meeting in its Role column (Organizer, Co-organizer): they are
asked about the same way (the profile's own_account_words say who they are; no host is looked for).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from programme.core.errors import ProgrammeError
from programme.core.words import counted
from programme.importing.columns import ColumnMapping
from programme.importing.profiles import ToolProfile, column_named, profile_named
from programme.sheets import SheetTable, header_key


class OwnAccountChoice(StrEnum):
    """What to do with the rows of the people on the organisers' own account."""

    IMPORT = "import"
    LEAVE_OUT = "leave-out"


# The command line's option that decides, named in its refusal.
CLI_OPTION = "--own-account"


class OwnAccountChoiceNeeded(ProgrammeError):
    """A list with people on the organisers' own account, imported without saying what to do with them (exit 2)."""

    exit_code = 2


@dataclass
class OwnAccount:
    """The people of a list on the organisers' own account: their names (in the list's order), rows and the host."""

    column: str  # the list's column saying so ("Guest")
    people: list[str] = field(default_factory=list)  # each person once: "Programme Host (host@example.org)"
    rows: list[int] = field(default_factory=list)  # the spreadsheet rows
    host: str | None = None  # the host's name or e-mail, where the file says who the host is
    host_in_rows: bool = False  # whether the host joined (a row of theirs is among the rows)
    webinar: bool = False  # a webinar's attendees: the host is in a section of its own, not among the rows
    # Who they are, as the question and the notes say it (the tool's profile: own_account_words).
    words: str = ""
    # Whether the column itself says who organised (Teams' Role): no host is looked for or spoken of.
    organisers: bool = False
    title: str = "People on your own Zoom account"  # the page's heading over the question

    def where(self) -> str:
        return (self.words or "joined from your own Zoom account ({column}: No)").format(column=self.column)

    def names(self) -> str:
        return ", ".join(self.people)

    def question(self) -> str:
        """The question the page and the command line ask, naming the people."""
        return (
            f"{counted(len(self.people), 'person', 'people')} {self.where()}: "
            f"{self.names()}. {self.host_words()}Import them as participants? If they organised, facilitated or "
            "hosted, leave them out: a list without day-by-day attendance counts as every day attended, so each "
            "would complete the module, get a certificate and enter the alumni directory."
        )

    def host_words(self) -> str:
        """The sentence on the host, with its trailing space; none when the column says who organised."""
        if self.organisers:
            return ""
        return self._host_sentence() + " "

    def _host_sentence(self) -> str:
        if self.webinar:
            if self.host is None:
                return "The webinar's host and panelists are listed apart and never imported."
            among = "among these attendees too" if self.host_in_rows else "not among these attendees"
            return (
                f"The webinar's host, named in the file's Host Details, is {self.host}: {among} (the host and "
                "panelists are listed apart and never imported)."
            )
        if self.host is None:
            return "The host is among them (the file does not say which row is the host's)."
        if self.host_in_rows:
            return f"The meeting's host, named in the file's meeting row, is {self.host}."
        return f"The meeting's host, named in the file's meeting row, is {self.host} (not among the rows)."


def host_of(table: SheetTable, profile: ToolProfile) -> tuple[str | None, str | None]:
    """Return (e-mail, name) of the host from the tool's section above the people (Zoom's "Export with meeting data":
    the meeting's header and row, its User Email the host's; a webinar's "Host Details": its header and the host's
    row); (None, None) when the file has no such section."""
    if profile.host_details:
        return _host_details(table, profile)
    if not profile.host_section:
        return None, None
    wanted = {header_key(name) for name in profile.host_section}
    rows = [row for row in table.above if any(str(cell).strip() for cell in row)]
    for position, row in enumerate(rows[:-1]):
        keys = [header_key(cell) for cell in row]
        if len(wanted & set(keys)) < 3:
            continue
        values = rows[position + 1]

        def value(name: str, keys: list[str] = keys, values: list[str] = values) -> str | None:
            key = header_key(name)
            if not name or key not in keys or keys.index(key) >= len(values):
                return None
            return str(values[keys.index(key)]).strip() or None

        email = value(profile.host_email)
        return (email.casefold() if email else None), value(profile.host_name)
    return None, None


def _host_details(table: SheetTable, profile: ToolProfile) -> tuple[str | None, str | None]:
    """Return (e-mail, name) from the row under the header that follows the marker row (a webinar's "Host Details")."""
    rows = [[str(cell).strip() for cell in row] for row in table.above]
    marker = header_key(profile.host_details)
    for position, row in enumerate(rows[:-2]):
        if not row or header_key(row[0]) != marker:
            continue
        found = dict(zip([header_key(cell) for cell in rows[position + 1]], rows[position + 2], strict=False))
        email = found.get(header_key(profile.host_email)) or None
        return (email.casefold() if email else None), found.get(header_key(profile.host_name)) or None
    return None, None


def own_account_rows(table: SheetTable, mapping: ColumnMapping) -> OwnAccount | None:
    """Return the people of the list on the organisers' own account (the tool's profile says which column tells), the
    host among them where the file names the host; None when the list's tool has no such column or nobody is."""
    profile = profile_named(mapping.tool, table.columns) if mapping.tool else None
    if profile is None or profile.own_account is None:
        return None
    name, answers = profile.own_account
    column = column_named(table.columns, name)
    if column is None:
        return None
    host_email, host_name = host_of(table, profile)
    answers_keys = {header_key(answer) for answer in answers}
    name_column = mapping.fields.get("full_name")
    email_column = mapping.fields.get("email")
    found = OwnAccount(
        column=column,
        webinar=bool(profile.host_details),
        words=profile.own_account_words,
        organisers=profile.own_account_organisers,
        title=profile.own_account_title,
    )
    seen: set[str] = set()
    frame = table.frame
    for position, row_number in enumerate(table.row_numbers):
        email = str(frame[email_column].iat[position]).strip() if email_column else ""
        is_host = bool(host_email) and email.casefold() == host_email
        if header_key(frame[column].iat[position]) not in answers_keys and not is_host:
            continue
        found.rows.append(row_number)
        person = str(frame[name_column].iat[position]).strip() if name_column else ""
        person = person or email or f"row {row_number}"
        label = f"{person} ({email})" if email and person != email else person
        if is_host:
            found.host_in_rows = True
        key = email.casefold() or header_key(person)
        if key not in seen:
            seen.add(key)
            found.people.append(label)
    if not found.rows:
        return None
    if host_email:
        found.host = f"{host_name} ({host_email})" if host_name else host_email
    return found


def apply_choice(
    table: SheetTable, mapping: ColumnMapping, own: OwnAccount, choice: OwnAccountChoice | str
) -> tuple[SheetTable, ColumnMapping]:
    """Return the table and mapping to import: the own account's rows kept or left out, as chosen, and the choice
    written in the mapping's choices (the plan's notes and the import's audit record)."""
    choice = OwnAccountChoice(choice)
    host = f" The host named in the file: {own.host}." if own.host else ""
    people = counted(len(own.people), "person", "people")
    where = own.where()
    if choice is OwnAccountChoice.IMPORT:
        sentence = f"Imported as participants, as chosen: the {people} who {where}"
        note = f"{sentence}: {own.names()}.{host}"
    else:
        sentence = f"Left out, as chosen: the {counted(len(own.rows), 'row')} of the {people} who {where}"
        note = f"{sentence}: {own.names()}.{host} They are not participants of this import."
        gone = set(own.rows)
        keep = [position for position, number in enumerate(table.row_numbers) if number not in gone]
        table = replace(
            table,
            frame=table.frame.iloc[keep].reset_index(drop=True),
            row_numbers=[table.row_numbers[position] for position in keep],
        )
    # The audit record keeps the choice without the names (an erased person's name must not stay in it).
    choice_words = sentence + (" (the file names the host)." if own.host else ".")
    return table, replace(mapping, notes=[*mapping.notes, note], choices=[*mapping.choices, choice_words])


def require_choice(own: OwnAccount | None, choice: OwnAccountChoice | str | None) -> OwnAccountChoice | None:
    """Return the choice for the list's own-account people; raise OwnAccountChoiceNeeded, naming them and the option
    that decides, when the list has such people and nothing was chosen."""
    if own is None:
        return None
    if choice is None:
        raise OwnAccountChoiceNeeded(
            f"{own.question()} Say which with {CLI_OPTION} {OwnAccountChoice.IMPORT.value} or "
            f"{CLI_OPTION} {OwnAccountChoice.LEAVE_OUT.value}; nothing was written."
        )
    return OwnAccountChoice(choice)
