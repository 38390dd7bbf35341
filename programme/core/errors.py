"""Errors a user can act on: their message is one clear sentence, never a traceback."""

from __future__ import annotations


class ProgrammeError(Exception):
    """A mistake in what the user asked for or gave; the message says what to do."""

    exit_code = 1


class NotFound(ProgrammeError):
    """A course, module, person or account the user named does not exist."""


class UnreadableFile(ProgrammeError):
    """A file that cannot be read as a spreadsheet (corrupt, wrong format, empty)."""

    exit_code = 2


class NoHeaderRow(UnreadableFile):
    """A file read, in which no row names enough of the columns looked for: a list of another kind, perhaps."""


class PermissionDenied(ProgrammeError):
    """The signed-in account's role does not allow this."""
