"""Export of a directory search as .xlsx or .csv: consent-aware, formula-safe, audited."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.alumni.search import DirectoryQuery, search_directory
from programme.core.errors import PermissionDenied, ProgrammeError
from programme.sheets import to_csv_bytes, to_xlsx_bytes

FORMATS = ("xlsx", "csv")
# Column headings of an export, in the users' words; columns the role may not see are simply absent.
EXPORT_HEADINGS = {
    "name": "Name",
    "gender": "Gender",
    "nationality": "Nationality",
    "country_of_work": "Country of work",
    "organisation": "Organisation",
    "org_type": "Organisation type",
    "position": "Position",
    "email": "E-mail",
    "phone": "Phone",
    "languages": "Languages",
    "expertise": "Expertise",
    "courses": "Courses",
    "years": "Years",
    "roles": "Roles",
    "networks": "Networks",
}


def directory_sheet(session: Session, query: DirectoryQuery, *, user: SignedIn) -> pd.DataFrame:
    """Return every result of query as the export's table (hidden fields blank)."""
    results = search_directory(session, query, user=user, limit=None).results
    columns = [column for column in EXPORT_HEADINGS if column in results.columns]
    return results[columns].rename(columns=EXPORT_HEADINGS).fillna("")


def export_directory(session: Session, query: DirectoryQuery, *, user: SignedIn, file_format: str) -> bytes:
    """Return the search result as a file in file_format, and record the export in the audit trail."""
    if not user.can_see_names:
        raise PermissionDenied("Exporting the alumni directory needs the facilitator or admin role.")
    if file_format not in FORMATS:
        raise ProgrammeError(f"Export as one of: {', '.join(FORMATS)}.")
    sheet = directory_sheet(session, query, user=user)
    content = to_xlsx_bytes({"Alumni": sheet}) if file_format == "xlsx" else to_csv_bytes(sheet)
    audit.record(
        session,
        action="export",
        username=user.username,
        entity="person",
        summary=f"alumni directory search exported as {file_format}: {len(sheet)} people",
    )
    return content
