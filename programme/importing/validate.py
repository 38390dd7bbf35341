"""Validation of a participant sheet: each row normalised, every unusable value an error with row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from programme.importing import normalise
from programme.importing.columns import ColumnMapping
from programme.importing.normalise import CellError, clean, is_blank
from programme.models import Gender, OrgType, ParticipationRole
from programme.names import display_name, fold, split_name
from programme.sheets import SheetTable

# The longest text each field may hold (the columns' sizes in the schema).
MAX_LENGTH = {
    "full_name": 300,
    "given_name": 150,
    "family_name": 150,
    "organisation": 300,
    "position": 200,
    "email": 254,
    "phone": 40,
    "languages": 300,
}
# A row whose name is one of these, with no e-mail, is the sheet's totals line, not a person.
SUMMARY_NAMES = frozenset({"total", "totals", "grand total", "sum", "subtotal", "count"})
# Fields whose text is kept as written (after cleaning).
TEXT_FIELDS = ("position", "languages", "expertise")


@dataclass(frozen=True)
class RowError:
    """An unusable value: the spreadsheet row (1-based, as shown), the column's header, and why."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PersonRow:
    """One row of the sheet, normalised, with its errors."""

    index: int  # position in the sheet's frame
    row: int  # the spreadsheet's row number
    full_name: str = ""
    given_name: str | None = None
    family_name: str | None = None
    name_key: str = ""
    gender: Gender | None = None
    nationality: str | None = None
    country_of_work: str | None = None
    organisation: str | None = None
    org_key: str = ""  # the organisation's name folded: how organisations are matched
    org_type: OrgType | None = None
    position: str | None = None
    email: str | None = None
    phone: str | None = None
    languages: str | None = None
    expertise: str | None = None
    role: ParticipationRole | None = None
    days: dict[int, bool] | None = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def validate_rows(table: SheetTable, mapping: ColumnMapping) -> list[PersonRow]:
    """Return the sheet's person rows normalised, blank and totals rows left out, errors attached."""
    columns = {name: table.frame[column].tolist() for name, column in mapping.fields.items()}
    day_cells = {day: (column, table.frame[column].tolist()) for column, day in mapping.days.items()}
    rows: list[PersonRow] = []
    memo: dict[tuple[str, str], tuple[Any, str | None]] = {}
    for index, number in enumerate(table.row_numbers):
        cells = {name: clean(values[index]) for name, values in columns.items()}
        if all(is_blank(text) for text in cells.values()):
            continue  # only a timestamp, a running number or day marks: not a person
        person = _person_row(index, number, cells, mapping, memo)
        if person is None:
            continue
        if day_cells:
            person.days = _days(person, {day: (column, values[index]) for day, (column, values) in day_cells.items()})
        rows.append(person)
    _check_shared_emails(rows, mapping)
    return rows


# Fields whose few distinct values repeat down a column: each distinct value is read once per sheet.
REPEATING_FIELDS: dict[str, Callable[[str], Any]] = {
    "gender": normalise.gender,
    "nationality": normalise.country,
    "country_of_work": normalise.country,
    "org_type": normalise.org_type,
    "role": normalise.role,
}


def _person_row(
    index: int,
    number: int,
    cells: dict[str, str],
    mapping: ColumnMapping,
    memo: dict[tuple[str, str], tuple[Any, str | None]],
) -> PersonRow | None:
    person = PersonRow(index=index, row=number)
    _read_name(person, cells, mapping)
    if person.name_key in SUMMARY_NAMES and not cells.get("email"):
        return None
    for name, reader in REPEATING_FIELDS.items():
        text = cells.get(name, "")
        if not text:
            continue
        found = memo.get((name, text))
        if found is None:
            try:
                found = (reader(text), None)
            except CellError as error:
                found = (None, str(error))
            memo[(name, text)] = found
        if found[1] is None:
            setattr(person, name, found[0])
        else:
            person.errors.append(RowError(person.row, mapping.fields[name], found[1]))
    email_text = cells.get("email", "")
    if email_text:
        _try(person, mapping, "email", lambda: normalise.email(email_text))
    phone_text = cells.get("phone", "")
    if phone_text:
        _try(
            person,
            mapping,
            "phone",
            lambda: normalise.phone(phone_text, person.country_of_work, person.nationality),
        )
    organisation = cells.get("organisation", "")
    person.organisation = None if is_blank(organisation) else organisation
    person.org_key = fold(person.organisation) if person.organisation else ""
    for name in TEXT_FIELDS:
        text = cells.get(name, "")
        setattr(person, name, None if is_blank(text) else text)
    _check_lengths(person, mapping)
    return person


def _read_name(person: PersonRow, cells: dict[str, str], mapping: ColumnMapping) -> None:
    full = cells.get("full_name", "")
    given, family = cells.get("given_name", ""), cells.get("family_name", "")
    given, family = ("" if is_blank(given) else given), ("" if is_blank(family) else family)
    if not is_blank(full):
        person.full_name = display_name(full)
        if full.count(",") == 1 and not (given or family):
            family, given = (part.strip() for part in full.split(","))
    else:
        person.full_name = f"{given} {family}".strip()
    if not person.full_name:
        column = (
            mapping.fields.get("full_name") or mapping.fields.get("given_name") or mapping.fields.get("family_name")
        )
        person.errors.append(RowError(person.row, column or "name", "The name is missing."))
        return
    # names.name_key without re-cleaning: the words of the name, folded and sorted.
    person.name_key = " ".join(sorted(fold(person.full_name).split()))
    if not person.name_key:
        column = mapping.fields.get("full_name") or mapping.fields.get("family_name") or "name"
        person.errors.append(RowError(person.row, column, f"'{person.full_name}' is not a name (it has no letters)."))
        return
    if not (given or family):
        given, family = split_name(person.full_name)
    person.given_name, person.family_name = (given or None), (family or None)


def _try(person: PersonRow, mapping: ColumnMapping, name: str, read: Callable[[], Any]) -> None:
    try:
        setattr(person, name, read())
    except CellError as error:
        person.errors.append(RowError(person.row, mapping.fields[name], str(error)))


def _check_lengths(person: PersonRow, mapping: ColumnMapping) -> None:
    for name, limit in MAX_LENGTH.items():
        value = getattr(person, name)
        if value and len(value) > limit:
            column = mapping.fields.get(name) or mapping.fields.get("full_name") or name
            person.errors.append(RowError(person.row, column, f"The text is longer than {limit} characters."))
            setattr(person, name, value[:limit])


def _days(person: PersonRow, cells: dict[int, tuple[str, object]]) -> dict[int, bool]:
    days: dict[int, bool] = {}
    for day, (column, value) in sorted(cells.items()):
        try:
            days[day] = normalise.day_mark(clean(value))
        except CellError as error:
            person.errors.append(RowError(person.row, column, str(error)))
    return days


def _check_shared_emails(rows: list[PersonRow], mapping: ColumnMapping) -> None:
    """The same e-mail on two different people in one file is an error on the later row."""
    first: dict[str, PersonRow] = {}
    for person in rows:
        if not person.email or not person.name_key:
            continue
        earlier = first.setdefault(person.email, person)
        if earlier is not person and earlier.name_key != person.name_key:
            person.errors.append(
                RowError(
                    person.row,
                    mapping.fields["email"],
                    f"The e-mail {person.email} is also given for {earlier.full_name} on row {earlier.row}.",
                )
            )
