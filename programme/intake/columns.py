"""The user's choice of columns, shared by the participant, agenda and evaluation imports: --column FIELD=HEADER
(or ROLE=HEADER) read in one way, one error type for a field or header the list does not have (exit 2)."""

from __future__ import annotations

from collections.abc import Sequence

from programme.core.errors import ProgrammeError
from programme.sheets import header_key


class ColumnChoiceError(ProgrammeError):
    """A column, field, role or tool the user named (--column, --tool) that the file or the importer does not have."""

    exit_code = 2


def column_named(columns: Sequence[str], name: str) -> str | None:
    """Return the file's column whose header is name (as written, else compared without case or punctuation)."""
    if name in columns:
        return name
    key = header_key(name)
    return next((column for column in columns if header_key(column) == key), None)


def parse_column_options(pairs: Sequence[str], *, example: str = 'email="Email address"') -> dict[str, str | None]:
    """Return {field: header, or None for "read from no column"} from --column FIELD=HEADER options."""
    chosen: dict[str, str | None] = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep:
            raise ColumnChoiceError(f"--column '{pair}' is not FIELD=HEADER (for example --column {example}).")
        chosen[name.strip()] = header.strip() or None
    return chosen


def choose_field(
    fields: dict[str, str],
    columns: Sequence[str],
    name: str,
    header: str | None,
    *,
    known: Sequence[str],
    what: str,
) -> str | None:
    """Make field name read from the column header (None: from no column) in fields ({field: column}); return the
    column. The column leaves any other field. what names the list in messages ("a participant list")."""
    if name not in known:
        raise ColumnChoiceError(f"'{name}' is not a field of {what}; use one of: {', '.join(known)}.")
    if header is None or not header.strip():
        fields.pop(name, None)
        return None
    column = column_named(columns, header)
    if column is None:
        raise ColumnChoiceError(f"The list has no column '{header}'; its columns are: {', '.join(columns)}.")
    for other, taken in list(fields.items()):
        if taken == column:
            del fields[other]
    fields[name] = column
    return column
