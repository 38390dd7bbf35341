"""Consent and roles applied to tables of people: who may see names, and which contact fields.

Two rules. Consent governs *publication*: what leaves the team (the alumni directory, network member lists,
exports for partners, funder-facing reports) shows a contact field only where the person agreed to share it
(`mask_people`). The team's own work is not publication: facilitators and administrators see organisation,
position, e-mail and phone on Participants, attendance, group lists and role cards whatever the consent
(`team_view`). Viewers never see names or contacts under either rule.
"""

from __future__ import annotations

import pandas as pd

from programme.access.accounts import SignedIn

# Each contact column and the consent flag that allows showing it.
CONTACT_CONSENT = {"email": "consent_email", "phone": "consent_phone", "organisation": "consent_organisation"}
PERSONAL_COLUMNS = ("full_name", "given_name", "family_name", "name", "email", "phone", "position", "notes")
HIDDEN = ""


def _drop_personal(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    if user is None or not user.can_see_names:
        return frame.drop(columns=[c for c in PERSONAL_COLUMNS + tuple(CONTACT_CONSENT) if c in frame.columns])
    return frame


def _drop_flags(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[flag for flag in CONTACT_CONSENT.values() if flag in frame.columns])


def mask_people(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame for publication: contact fields blanked where consent is missing, no personal columns for viewers.

    Expects the consent_* columns next to the contact columns it finds; drops the consent columns.
    """
    masked = _drop_personal(frame.copy(), user)
    for column, flag in CONTACT_CONSENT.items():
        if column in masked.columns:
            if flag not in masked.columns:
                raise ValueError(f"mask_people needs the {flag} column to show {column}")
            masked[column] = masked[column].where(masked[flag].astype(bool), HIDDEN)
    return _drop_flags(masked)


def team_view(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame for the team's own work: everything for facilitators and admins, no personal columns for viewers.

    Consent does not hide a participant's organisation or contacts from the people running their module;
    the consent_* columns, if any, are dropped.
    """
    return _drop_flags(_drop_personal(frame.copy(), user))
