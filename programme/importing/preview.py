"""What the import page shows before anything is written: the plan's rows and its probable matches, as tables."""

from __future__ import annotations

import pandas as pd

from programme.importing.plan import ImportPlan
from programme.people.countries import country_name

PREVIEW_COLUMNS = ["row", "status", "name", "nationality", "e-mail", "organisation", "match", "errors"]


def preview_rows(plan: ImportPlan, *, limit: int | None = None) -> pd.DataFrame:
    """Return the plan's first `limit` rows (all when None): status, what the sheet says, whom it matches, errors.

    Nationality by country name; "match" names the person recorded and why, or the earlier row of the same person.
    """
    records = []
    for planned in plan.rows[:limit]:
        person = planned.person
        match = ""
        if planned.person_id is not None:
            match = f"{plan.index.people[planned.person_id].full_name} ({planned.reason})"
        elif planned.same_as_row:
            match = f"same person as row {planned.same_as_row}"
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
            }
        )
    return pd.DataFrame(records, columns=PREVIEW_COLUMNS)


def probable_pairs(plan: ImportPlan) -> pd.DataFrame:
    """Return each probable match side by side (the sheet's row, the person recorded), "same person" unticked."""
    return pd.DataFrame(
        [
            {
                "same person": False,
                "similarity": planned.score,
                "row": planned.row,
                "name in the sheet": planned.person.full_name,
                "name recorded": plan.index.people[planned.person_id].full_name,
                "nationality in the sheet": country_name(planned.person.nationality),
                "nationality recorded": country_name(plan.index.people[planned.person_id].nationality),
                "organisation in the sheet": planned.person.organisation or "",
                "organisation recorded": plan.index.people[planned.person_id].organisation or "",
            }
            for planned in plan.probable
        ]
    )
