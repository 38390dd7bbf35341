"""Validation of a participant sheet: each row normalised, every unusable value an error with row and column."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from programme.importing import normalise
from programme.importing.columns import CONSENT_FIELDS, FIELD_LABELS, ColumnMapping
from programme.importing.normalise import CellError, UnknownValue, blanks, clean
from programme.importing.value_mappings import own_value
from programme.importing.vocabulary import GuessedValues, UnknownValues
from programme.intake.report import RowError
from programme.models import Gender, OrgType, ParticipationRole
from programme.people.countries import country_name, country_named, foreign_name
from programme.people.names import family_given, fold, fold_words, has_letters, name_keys, split_name
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
# A footer that begins with one of these words and says nothing else than a number or these words ("Total: 3
# participants", "TOTAL PARTICIPANTS", "Grand total (3)") is a totals line too, not a person.
SUMMARY_FIRST_WORDS = frozenset({"total", "totals", "grand", "subtotal", "sum", "count", "number"})
SUMMARY_WORDS = SUMMARY_FIRST_WORDS | {
    "of", "no", "participants", "participant", "people", "persons", "attendees", "attended", "present", "registered",
    "registrants", "women", "men", "female", "male",
}  # fmt: skip
# Fields whose text is kept as written (after cleaning).
TEXT_FIELDS = ("position", "languages", "expertise")


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
    # What an "Attended" / "Checked in" column says (Zoom, Eventbrite): True, False (registered, did not come),
    # or None (no such column, or blank).
    attended: bool | None = None
    days: dict[int, bool] | None = None
    # Consent read from the sheet's consent columns: True, False, or None (no column, blank, or unclear).
    consent_listed: bool | None = None
    consent_email: bool | None = None
    consent_phone: bool | None = None
    consent_organisation: bool | None = None
    consent_photo: bool | None = None
    errors: list[RowError] = field(default_factory=list)
    # Values that were not used but do not stop the row (an unclear consent answer).
    warnings: list[RowError] = field(default_factory=list)
    # The name cell was written "Family, Given" ("Santos, Maria") and is read as "Maria Santos": the plan says so.
    family_first: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors


def validate_rows(
    table: SheetTable,
    mapping: ColumnMapping,
    unknown: list[UnknownValues] | None = None,
    own: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    emails: SharedEmails | None = None,
    gender_letters: set[str] | None = None,
    named: NamedRows | None = None,
) -> list[PersonRow]:
    """Return the sheet's person rows normalised, blank and totals rows left out, errors attached.

    The work goes column by column, and each distinct text of a column is read once: in a sheet of
    thousands of rows, genders, countries and organisations repeat, and names and e-mails are read
    with a few operations each. Every row gets the values and errors (in the same order) that reading
    it cell by cell would give.

    An unknown value in an optional descriptive field (gender, organisation type) does not stop the row: the
    field stays not recorded, and the distinct values are added, with their counts, to unknown (one per column).
    own holds the organisation's mappings of such values ({field: {folded text: value}}), read before the words.

    emails holds the first row given each e-mail; passing the same SharedEmails for consecutive parts of one
    sheet (build_plan reads a large sheet a chunk of rows at a time) finds an e-mail shared by two people in
    different parts. Such an error names the earlier row; its person's name is put in by the caller (emails.unnamed).

    named is read_names() of the table, when the caller has read the names already (NamedRows.part of a larger
    table's): its people are the ones returned, their other fields read here.
    """
    named = read_names(table, mapping) if named is None else named
    cells, people = named.cells, named.people
    if not people:
        return []
    indexes = [person.index for person in people]

    def kept(name: str) -> list[str]:  # the column's texts on the person rows
        return [cells[name][index] for index in indexes]

    for name, reader in REPEATING_FIELDS.items():
        if name in cells:
            if name == "gender":
                reader = _gender_reader(
                    gender_letters if gender_letters is not None else letters_in(kept(name)), reader
                )
            found = _read_column(people, mapping, name, kept(name), _own_first(reader, (own or {}).get(name)))
            if found is not None and found.counts and unknown is not None:
                unknown.append(found)
            if name in COUNTRY_FIELDS and unknown is not None:
                guessed = _guessed_countries(people, mapping.fields[name], name, kept(name))
                if guessed.counts:
                    unknown.append(guessed)
    if "email" in cells:
        _read_emails(people, mapping, kept("email"))
    if "phone" in cells:
        _read_phones(people, mapping, kept("phone"))
    # A field without a column keeps PersonRow's default: None (organisation key: "").
    if "organisation" in cells:
        organisations = kept("organisation")
        blank = blanks(organisations)
        keys = _each_distinct(organisations, fold)
        for person, text, is_blank_text, key in zip(people, organisations, blank, keys, strict=True):
            person.organisation = None if is_blank_text else text
            person.org_key = key if person.organisation else ""
    for name in TEXT_FIELDS:
        if name in cells:
            texts = kept(name)
            for person, text, is_blank_text in zip(people, texts, blanks(texts), strict=True):
                setattr(person, name, None if is_blank_text else text)
    for name in CONSENT_FIELDS:
        if name in cells:
            _read_consent(people, mapping, name, kept(name))
    _check_lengths(people, mapping)
    day_cells = {day: (column, table.frame[column].tolist()) for column, day in mapping.days.items()}
    if day_cells:
        _read_days(people, day_cells)
    _check_shared_emails(people, mapping, SharedEmails() if emails is None else emails)
    return people


@dataclass
class NamedRows:
    """A table's cells, cleaned, by field, and its person rows with their names read: validate_rows' first step."""

    cells: dict[str, list[str]]
    people: list[PersonRow]
    _positions: list[int] | None = field(default=None, repr=False)
    # read_names(later=True): the columns not cleaned yet (their texts as the frame has them), and the positions of
    # the people whose names are not yet split into given and family; part() does both for its rows.
    _later: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _unsplit: set[int] = field(default_factory=set, repr=False)
    _columns: list[str] = field(default_factory=list, repr=False)  # the fields of cells and _later, in order

    def part(self, start: int, stop: int) -> NamedRows:
        """Return the rows from start to stop (positions in the table) as a table of their own would give them: the
        same PersonRow objects, their index counted from start."""
        if self._positions is None:  # read once: the people's positions are theirs again once their part is read
            self._positions = [person.index for person in self.people]
        positions = self._positions
        first, last = bisect_left(positions, start), bisect_left(positions, stop)
        people = self.people[first:last]
        if self._unsplit:
            for person, position in zip(people, positions[first:last], strict=True):
                if position in self._unsplit:
                    _split(person)
        for person in people:
            person.index -= start
        later = self._later
        cells = {
            name: _cleaned(later[name][start:stop]) if name in later else self.cells[name][start:stop]
            for name in self._columns or self.cells
        }
        return NamedRows(cells, people)

    def emails(self) -> list[str | None]:
        """Return each person row's e-mail as validate_rows reads it (None for a blank or unreadable one)."""
        if "email" not in self.cells:
            return [None] * len(self.people)
        texts = self.cells["email"]
        return [value for value, _ in _email_readings([texts[person.index] for person in self.people])]


# The fields read_names(later=True) reads at once: what the rows' blank test, name keys and e-mails need.
NAME_FIELDS = frozenset({"full_name", "given_name", "family_name", "name_suffix", "email"})


def read_names(table: SheetTable, mapping: ColumnMapping, *, later: bool = False) -> NamedRows:
    """Return the table's cleaned cells and its person rows (blank and totals rows left out), names read.

    later: the other columns are cleaned, and the full names split into given and family, only when NamedRows.part
    returns their rows (import_list's first write comes sooner); the rows, names and values are the same. A column of
    them is cleaned at once when the blank rows are told by it: when every column read has a blank cell.
    """
    count = len(table.row_numbers)
    texts = {name: table.frame[column].tolist()[:count] for name, column in mapping.fields.items()}
    waiting = {name: values for name, values in texts.items() if later and name not in NAME_FIELDS}
    cells = {name: _cleaned(values) for name, values in texts.items() if name not in waiting}
    blank = {name: blanks(values) for name, values in cells.items()}
    if waiting and not any(True not in column for column in blank.values()):
        # No column read without a blank cell: every column tells which rows are blank.
        cells = {name: cells[name] if name in cells else _cleaned(values) for name, values in texts.items()}
        blank = {name: blank[name] if name in blank else blanks(cells[name]) for name in cells}
        waiting = {}
    split = not later or "name_suffix" in cells  # a suffix is added after the split of the name before it
    people, unsplit = _people(table, mapping, cells, blank, split=split)
    return NamedRows(cells, people, _later=waiting, _unsplit=unsplit, _columns=list(texts))


# Fields whose few distinct values repeat down a column: each distinct value is read once per sheet.
REPEATING_FIELDS: dict[str, Callable[[str], Any]] = {
    "gender": normalise.gender,
    "nationality": normalise.country,
    "country_of_work": normalise.country,
    "org_type": normalise.org_type,
    "role": normalise.role,
    "attended": normalise.attended,
}
# Optional descriptive fields: an unknown value is stored as not recorded, with a warning (never a refusal).
OPTIONAL_CONTROLLED = {"gender": "gender", "org_type": "organisation type"}


COUNTRY_FIELDS = ("nationality", "country_of_work")


def _guessed_countries(people: list[PersonRow], column: str, name: str, texts: list[str]) -> GuessedValues:
    """Return the column's texts that were read as a country by their closeness to its name ("Phillipines"), not
    as a name, common variant or code of it: each is named in a warning with the country it was read as."""
    guessed = GuessedValues(column, "country", field_name=name)
    exact: dict[str, bool] = {}
    for person, text in zip(people, texts, strict=True):
        code = getattr(person, name)
        if not text or code is None:
            continue
        if text not in exact:
            bare = text.strip()
            exact[text] = country_named(bare) is not None or (bare.isalpha() and len(bare) in (2, 3))
        if not exact[text]:
            foreign = foreign_name(text.strip())
            if foreign is not None and foreign.code == code:  # a name in another language: said which
                guessed.guess(text, country_name(code), language=" and ".join(foreign.languages[:2]))
            else:
                guessed.guess(text, country_name(code))
    return guessed


def _each_distinct(values: list[Any], function: Callable[[Any], Any]) -> list[Any]:
    """Return [function(value) for value in values], calling function once for each distinct text."""
    distinct = dict.fromkeys(values)
    if not all(value.__class__ is str for value in distinct):  # 1, 1.0 and True are one key: not memoised
        return [function(value) for value in values]
    results = {value: function(value) for value in distinct}
    return list(map(results.__getitem__, values))


def _cleaned(values: list[Any]) -> list[str]:
    """Return clean(value) for each value: the values themselves when they are text that clean() keeps."""
    distinct = dict.fromkeys(values)
    if all(value.__class__ is str for value in distinct) and normalise.all_clean(distinct):
        return values
    return _each_distinct(values, clean)


def letters_in(texts: Iterable[str]) -> set[str]:
    """Return the one-letter answers of a gender column, folded ("M", "h" → {"m", "h"})."""
    return {fold(text) for text in set(texts) if text and len(text.strip()) == 1}


def _gender_reader(letters: set[str], reader: Callable[[str], Any]) -> Callable[[str], Any]:
    """Return the gender column's reader: where the column (all of it: gender_letters) also holds "H" (hombre, homme,
    homem), its "M" may be a woman (mujer, mulher) as well as a man, so it is asked about (the page's "what does it
    mean?"), never guessed."""
    if not {"h", "m"} <= letters:
        return reader

    def read(text: str) -> Any:
        if fold(text) == "m":
            raise UnknownValue(
                f"'{text}' may mean a woman (mujer, mulher) or a man: the column also has 'H' (hombre, homem)."
            )
        return reader(text)

    return read


def _own_first(reader: Callable[[str], Any], own: Mapping[str, Any] | None) -> Callable[[str], Any]:
    """Return reader, reading the organisation's own mappings (folded text → value; value_mappings.own_value) first."""
    if not own:
        return reader

    def read(text: str) -> Any:
        found = own_value(own, text, _NOT_MAPPED)  # a mapping saved before migration 0029 included
        return reader(text) if found is _NOT_MAPPED else found

    return read


_NOT_MAPPED = object()


def _reading(reader: Callable[[str], Any]) -> Callable[[str], tuple[Any, str | None]]:
    """Return reader as a function giving (value, None), or (None, the error's message).

    An unknown controlled value gives (UNKNOWN, its message).
    """

    def read(text: str) -> tuple[Any, str | None]:
        try:
            return reader(text), None
        except UnknownValue as error:
            return UNKNOWN, str(error)
        except CellError as error:
            return None, str(error)

    return read


# What _reading gives for a controlled value none of the field's words explain.
UNKNOWN = object()


def _people(
    table: SheetTable,
    mapping: ColumnMapping,
    cells: dict[str, list[str]],
    blank: dict[str, list[bool]],
    *,
    split: bool = True,
) -> tuple[list[PersonRow], set[int]]:
    """Return a PersonRow, its name read, for each row that is a person: not blank, not a totals line; and, when
    split is False, the positions of the people whose full name is still to be split into given and family
    (_split)."""
    unsplit: set[int] = set()
    if not cells:
        return [], unsplit
    count = len(table.row_numbers)
    empty, none_blank = [""] * count, [True] * count
    fulls, emails = cells.get("full_name", empty), cells.get("email", empty)
    full_blank = blank.get("full_name", none_blank)
    # A blank given or family name counts as none.
    givens, families = (
        [text if not is_blank_text else "" for text, is_blank_text in zip(cells[name], blank[name], strict=True)]
        if name in cells
        else empty
        for name in ("given_name", "family_name")
    )
    # The letters after each name (a "Suffix" column: "Jr.", "PhD"), blank ones as none.
    suffixes = (
        [
            text if not is_blank_text else ""
            for text, is_blank_text in zip(cells["name_suffix"], blank["name_suffix"], strict=True)
        ]
        if "name_suffix" in cells
        else empty
    )
    # The full names' keys read for the whole column at once (names.name_keys), given to _name for the names it keeps.
    keys = name_keys(fulls) if "full_name" in cells else None
    people: list[PersonRow] = []
    numbers = table.row_numbers
    for index in _not_blank_rows(list(blank.values()), count):
        full_name, given, family, name_key, error = _name(
            fulls[index],
            full_blank[index],
            givens[index],
            families[index],
            mapping,
            keys[index] if keys else None,
            split=split,
        )
        if not split and error is None and given is None and family is None:
            unsplit.add(index)  # _name left the split for later (_split)
        if suffixes[index] and error is None:
            full_name = with_suffix(full_name, suffixes[index])
            name_key = " ".join(sorted(fold_words(full_name)))
        if not emails[index] and (name_key in SUMMARY_NAMES or _is_totals_line(full_name)):
            continue
        person = PersonRow(index, numbers[index], full_name, given, family, name_key)
        # Only the "Family, Given" rule takes a comma out of a name cell (names.family_given).
        person.family_first = not full_blank[index] and "," in fulls[index] and "," not in full_name
        if error is not None:
            person.errors.append(RowError(numbers[index], *error))
        people.append(person)
    return people, unsplit


def _split(person: PersonRow) -> None:
    """Split a person's full name into given and family, as _name(split=True) would have."""
    given, family = split_name(person.full_name)
    person.given_name, person.family_name = (given or None), (family or None)


def with_suffix(full_name: str, suffix: str) -> str:
    """Return the name with the letters that follow it ("Jr.", "III", "PhD": a "Suffix" column) after a comma, as
    typed: "Jose Rizal, Jr.", "Maria Santos, PhD" (names.after_name reads them so, never as a given or family name).
    A name that already ends with them is kept as it is."""
    suffix = suffix.strip().lstrip(",").strip()
    words = fold_words(suffix)
    if not words or fold_words(full_name)[-len(words) :] == words:
        return full_name
    return f"{full_name}, {suffix}"


def _not_blank_rows(blank: list[list[bool]], count: int) -> Iterable[int]:
    """Return the positions of the rows with a cell that is not blank (the others are no person: only a timestamp,
    a running number or day marks)."""
    if any(True not in column for column in blank):  # a column without a blank cell: every row has a value
        return range(count)
    return [index for index, row_blank in enumerate(zip(*blank, strict=True)) if not all(row_blank)]


def _is_totals_line(name: str) -> bool:
    """Return whether a name cell is a footer: "Total: 3 participants", "Number of participants", "Grand total (3)"."""
    words = fold_words(name)
    if len(words) < 2 or words[0] not in SUMMARY_FIRST_WORDS:
        return False
    return all(word.isdigit() or word in SUMMARY_WORDS for word in words[1:])


def _name(
    full: str,
    full_is_blank: bool,
    given: str,
    family: str,
    mapping: ColumnMapping,
    full_key: str | None = None,
    *,
    split: bool = True,
) -> tuple[str, str | None, str | None, str, tuple[str, str] | None]:
    """Return (full name, given, family, name key, error as (column, message) or None) from the name cells; full_key
    is the name key of full when the caller has it (names.name_keys). split False: a full name without given and
    family cells is not split into them (given and family None; _split does it later)."""
    key = None
    if not full_is_blank:
        # full is clean()'s output, which names.clean_text leaves as it is: only the "Family, Given" rule applies.
        parts = family_given(full)
        if parts:
            full_name = f"{parts[1]} {parts[0]}"
            if not (given or family):
                family, given = parts
        else:
            full_name, key = full, full_key
    else:
        full_name = f"{given} {family}".strip()
    if not full_name:
        column = (
            mapping.fields.get("full_name") or mapping.fields.get("given_name") or mapping.fields.get("family_name")
        )
        return "", None, None, "", (column or "name", "The name is missing.")
    # names.name_key without re-cleaning: the words of the name, folded and sorted.
    name_key = key if key is not None else " ".join(sorted(fold_words(full_name)))
    if not has_letters(name_key):
        column = mapping.fields.get("full_name") or mapping.fields.get("family_name") or "name"
        return full_name, None, None, "", (column, f"'{full_name}' is not a name (it has no letters).")
    if not (given or family):
        if not split:
            return full_name, None, None, name_key, None
        given, family = split_name(full_name)
    return full_name, (given or None), (family or None), name_key, None


def _read_column(
    people: list[PersonRow], mapping: ColumnMapping, name: str, texts: list[str], reader: Callable[[str], Any]
) -> UnknownValues | None:
    """Set the field from each non-empty text; a text the reader refuses is an error on the row.

    For an optional descriptive field, an unknown value leaves the field not recorded and is counted in the
    UnknownValues returned (None for the other fields).
    """
    column = mapping.fields[name]
    unknown = UnknownValues(column, OPTIONAL_CONTROLLED[name], field_name=name) if name in OPTIONAL_CONTROLLED else None
    for person, text, (value, message) in zip(people, texts, _each_distinct(texts, _reading(reader)), strict=True):
        if not text:
            continue
        if message is None:
            setattr(person, name, value)
        elif value is UNKNOWN and unknown is not None:
            unknown.add(text)
        else:
            person.errors.append(RowError(person.row, column, message))
    return unknown


def _read_consent(people: list[PersonRow], mapping: ColumnMapping, name: str, texts: list[str]) -> None:
    """Set a consent from each answer; an unclear answer is a warning on the row and the consent stays not set."""
    what = FIELD_LABELS[name].removeprefix("Consent: ")
    readings = _each_distinct(texts, _reading(normalise.consent))
    for person, text, (value, message) in zip(people, texts, readings, strict=True):
        if not text:
            continue
        if message is None:
            setattr(person, name, value)
        else:
            note = f"{message}: consent ({what}) is not set for this person."
            person.warnings.append(RowError(person.row, mapping.fields[name], note))


def _read_emails(people: list[PersonRow], mapping: ColumnMapping, texts: list[str]) -> None:
    """Set each e-mail as _read_column with normalise.email would: the plain addresses read for the whole column at
    once (normalise.plain_emails), the others one by one; a text that is not an address is an error on the row."""
    column = mapping.fields["email"]
    for person, (value, message) in zip(people, _email_readings(texts), strict=True):
        if message is not None:
            person.errors.append(RowError(person.row, column, message))
        elif value is not None:
            person.email = value


def _email_readings(texts: list[str]) -> list[tuple[str | None, str | None]]:
    """Return (address, None), (None, the error's message) or, for a blank text, (None, None) for each text."""
    read = _reading(normalise.email)
    return [
        (plain, None) if plain is not None else read(text) if text else (None, None)
        for text, plain in zip(texts, normalise.plain_emails(texts), strict=True)
    ]


def _read_phones(people: list[PersonRow], mapping: ColumnMapping, texts: list[str]) -> None:
    """Set each phone number: international ones read for the whole column at once, other texts once per text,
    national ones once per text and countries."""
    in_region: dict[tuple[str, str | None, str | None], str] = {}
    international = normalise.international_phones(texts)
    others = [text if number is None else "" for text, number in zip(texts, international, strict=True)]
    readings = _each_distinct(others, _reading(normalise.phone_reading))
    for person, text, number, (value, message) in zip(people, texts, international, readings, strict=True):
        if number is not None:
            person.phone = number
            continue
        if not text:
            continue
        if message is not None:
            person.errors.append(RowError(person.row, mapping.fields["phone"], message))
            continue
        if value is normalise.NEEDS_REGION:
            key = (text, person.country_of_work, person.nationality)
            if key not in in_region:
                in_region[key] = normalise.phone_in_region(text, key[1:])
            value = in_region[key]
        person.phone = value


def _name_columns(mapping: ColumnMapping) -> str | None:
    """The sheet's column (or columns) a person's name is read from: "Full name", or "First Name and Last Name" when
    the name is made of two columns (the field's own name, "full_name", is in no sheet)."""
    if mapping.fields.get("full_name"):
        return mapping.fields["full_name"]
    parts = [mapping.fields.get(field) for field in ("given_name", "family_name")]
    return " and ".join(part for part in parts if part) or None


def _check_lengths(people: list[PersonRow], mapping: ColumnMapping) -> None:
    """A value longer than its column holds is an error, and is cut to fit (fields in MAX_LENGTH's order)."""
    for name, limit in MAX_LENGTH.items():
        values = list(map(attrgetter(name), people))
        if max(map(len, filter(None, values)), default=0) <= limit:
            continue  # nothing too long (nearly always): no row to look at
        for person, value in zip(people, values, strict=True):
            if value and len(value) > limit:
                column = mapping.fields.get(name) or _name_columns(mapping) or name
                person.errors.append(RowError(person.row, column, f"The text is longer than {limit} characters."))
                setattr(person, name, value[:limit])


def _read_days(people: list[PersonRow], day_cells: dict[int, tuple[str, list[object]]]) -> None:
    """Set each person's attendance by day; a mark that is not one is an error on the row (days in order)."""
    order = sorted(day_cells)
    read = _reading(lambda value: normalise.day_mark(clean(value)))
    marks = [_each_distinct([day_cells[day][1][person.index] for person in people], read) for day in order]
    if all(message is None for column in marks for _, message in set(column)):  # every cell a mark
        # Rows share a few patterns of marks: each pattern's days made once, and copied for each row.
        patterns: dict[tuple, dict[int, bool]] = {}
        for person, row_marks in zip(people, zip(*marks, strict=True), strict=True):
            days = patterns.get(row_marks)
            if days is None:
                days = patterns[row_marks] = {day: present for day, (present, _) in zip(order, row_marks, strict=True)}
            person.days = days.copy()
        return
    for person, row_marks in zip(people, zip(*marks, strict=True), strict=True):
        days: dict[int, bool] = {}
        for day, (present, message) in zip(order, row_marks, strict=True):
            if message is None:
                days[day] = present
            else:
                person.errors.append(RowError(person.row, day_cells[day][0], message))
        person.days = days


@dataclass
class SharedEmails:
    """The first person given each e-mail in a sheet, kept across the parts of it validated one after another."""

    first: dict[str, tuple[int, str]] = field(default_factory=dict)  # e-mail: (its first row, that row's name key)
    # The errors naming an earlier part's row, whose name is not at hand: (person, position in its errors, row).
    # The caller, which has the whole sheet, puts the name in with shared_email_error.
    unnamed: list[tuple[PersonRow, int, int]] = field(default_factory=list)


def shared_email_error(person: PersonRow, column: str, earlier_name: str | None, earlier_row: int) -> RowError:
    """Return the error of a person whose e-mail an earlier row gives to someone else."""
    whom = earlier_name if earlier_name is not None else "another person"
    return RowError(person.row, column, f"The e-mail {person.email} is also given for {whom} on row {earlier_row}.")


def _check_shared_emails(rows: list[PersonRow], mapping: ColumnMapping, shared: SharedEmails) -> None:
    """The same e-mail on two different people in one file is an error on the later row."""
    names: dict[int, str] = {}  # the full names of this part's first rows of an e-mail
    for person in rows:
        if not person.email or not person.name_key:
            continue
        earlier = shared.first.get(person.email)
        if earlier is None:
            shared.first[person.email] = (person.row, person.name_key)
            names[person.row] = person.full_name
        elif earlier[1] != person.name_key:
            name = names.get(earlier[0])
            person.errors.append(shared_email_error(person, mapping.fields["email"], name, earlier[0]))
            if name is None:
                shared.unnamed.append((person, len(person.errors) - 1, earlier[0]))
