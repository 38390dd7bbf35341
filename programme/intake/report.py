"""What every import reports, in one shape: row errors, warnings (each about one column or the whole file), the
tool recognised, and each column's role. The participant, agenda and evaluation imports all use these types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """A value that cannot be used: the spreadsheet row (1-based, as shown), the column's header, and why."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ImportWarning:
    """Something the user should know that does not stop the import; column is None for the whole file."""

    message: str
    column: str | None = None

    @property
    def text(self) -> str:
        """Return the warning as one sentence, naming its column when it has one."""
        return f"Column '{self.column}': {self.message}" if self.column else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.column, "message": self.message}


@dataclass
class IntakeReport:
    """The part of a report every import shares; the importers' reports add their own counts."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[ImportWarning] = field(default_factory=list)
    tool: str | None = None  # the tool the file was recognised as (or named with --tool)
    columns: list[dict[str, str]] = field(default_factory=list)  # [{header, role}] for each column
    written: bool = False
    dry_run: bool = False

    @property
    def warnings(self) -> list[str]:
        """Return the warnings as sentences (the --json key "warnings")."""
        return [note.text for note in self.notes]

    def warn(self, message: str, column: str | None = None) -> None:
        """Add a warning, about one column when column is given."""
        self.notes.append(ImportWarning(message, column))

    def warn_all(self, messages: Iterable[str]) -> None:
        """Add warnings about the whole file."""
        self.notes.extend(ImportWarning(message) for message in messages)

    def intake_json(self) -> dict[str, Any]:
        """Return the keys every import's --json holds: errors, warnings, warning_details, tool, columns, written."""
        return intake_json(self.errors, self.notes, tool=self.tool, columns=self.columns, written=self.written)


def intake_json(
    errors: Iterable[RowError],
    notes: Iterable[ImportWarning],
    *,
    tool: str | None,
    columns: list[dict[str, str]],
    written: bool,
) -> dict[str, Any]:
    """Return the keys every import's --json holds, in one shape (participant plans are not IntakeReports)."""
    notes = list(notes)
    return {
        "errors": [error.as_dict() for error in errors],
        "warnings": [note.text for note in notes],
        "warning_details": [note.as_dict() for note in notes],
        "tool": tool,
        "columns": list(columns),
        "written": written,
    }
