"""What the import page shows before anything is written: the plan's rows and its probable matches, as tables."""

from __future__ import annotations

import pandas as pd

from programme.importing.plan import ImportPlan
from programme.people.countries import country_name

PREVIEW_COLUMNS = ["row", "status", "name", "nationality", "e-mail", "organisation", "match", "errors"]
ATTENDED_WORDS = {True: "attended", False: "registered, did not attend"}


def preview_rows(plan: ImportPlan, *, limit: int | None = None) -> pd.DataFrame:
    """Return the plan's first `limit` rows (all when None): status, what the sheet says, whom it matches, errors.

    Nationality by country name; "match" names the person recorded and why, or the earlier row of the same person.
    When the list has them, "organisation type" shows each value as it will be stored (a partner's "Lawyers network"
    as lawyers/bar, an unknown one as not recorded) and "attended" what the tool's column says (Zoom's Attended,
    Eventbrite's Attendee Status).
    """
    with_type = "org_type" in plan.mapping.fields
    with_attended = any(planned.person.attended is not None for planned in plan.rows)
    columns = list(PREVIEW_COLUMNS)
    if with_type:
        columns.insert(columns.index("organisation") + 1, "organisation type")
    if with_attended:
        columns.insert(columns.index("match"), "attended")
    records = []
    for planned in plan.rows[:limit]:
        person = planned.person
        match = ""
        if planned.person_id is not None:
            match = f"{plan.index.people[planned.person_id].full_name} ({planned.reason})"
        elif planned.same_as_row:
            match = f"same person as row {planned.same_as_row}"
        elif planned.reason:  # a new person of the same name as an earlier row, told apart by the e-mail
            match = planned.reason
        records.append(
            {
                "row": planned.row,
                "status": planned.status.value,
                "name": person.full_name,
                "nationality": country_name(person.nationality),
                "e-mail": person.email or "",
                "organisation": person.organisation or "",
                "match": match,
                "errors": "; ".join(f"{e.column}: {e.message}" for e in person.errors),
                "organisation type": person.org_type.value if person.org_type else "not recorded",
                "attended": ATTENDED_WORDS.get(person.attended, ""),
            }
        )
    return pd.DataFrame(records, columns=columns)


def probable_pairs(plan: ImportPlan) -> pd.DataFrame:
    """Return each probable match side by side (the sheet's row, the person recorded), "same person" unticked."""
    return pd.DataFrame(
        [
            {
                "same person": False,
                # What is alike and what differs, in words (a similarity score of 92 told nobody anything).
                "why": plan.likeness(planned),
                "row": planned.row,
                "name in the sheet": planned.person.full_name,
                "name recorded": plan.index.people[planned.person_id].full_name,
                "nationality in the sheet": country_name(planned.person.nationality),
                "nationality recorded": country_name(plan.index.people[planned.person_id].nationality),
                # Two people of one country may share a name: their e-mails tell them apart.
                "e-mail in the sheet": planned.person.email or "",
                "e-mail recorded": plan.index.people[planned.person_id].email or "",
                "organisation in the sheet": planned.person.organisation or "",
                "organisation recorded": plan.index.people[planned.person_id].organisation or "",
            }
            for planned in plan.probable
        ]
    )
