"""Consent and roles applied to tables of people: who may see names, and which contact fields."""

from __future__ import annotations

import pandas as pd

from programme.access.accounts import SignedIn

# Each contact column and the consent flag that allows showing it.
CONTACT_CONSENT = {"email": "consent_email", "phone": "consent_phone", "organisation": "consent_organisation"}
PERSONAL_COLUMNS = ("full_name", "given_name", "family_name", "name", "email", "phone", "position", "notes")
HIDDEN = ""


def mask_people(frame: pd.DataFrame, user: SignedIn | None) -> pd.DataFrame:
    """Return frame with contact fields blanked where consent is missing, and no personal columns for viewers.

    Expects the consent_* columns next to the contact columns it finds; drops the consent columns.
    """
    masked = frame.copy()
    if user is None or not user.can_see_names:
        masked = masked.drop(columns=[c for c in PERSONAL_COLUMNS + tuple(CONTACT_CONSENT) if c in masked.columns])
    for column, flag in CONTACT_CONSENT.items():
        if column in masked.columns:
            if flag not in masked.columns:
                raise ValueError(f"mask_people needs the {flag} column to show {column}")
            masked[column] = masked[column].where(masked[flag].astype(bool), HIDDEN)
    return masked.drop(columns=[flag for flag in CONTACT_CONSENT.values() if flag in masked.columns])
