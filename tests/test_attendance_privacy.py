"""The completion rule and the consent mask shared by every area."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import Session

from programme.access.accounts import SignedIn
from programme.access.privacy import mask_people
from programme.models import UserRole
from programme.planning.attendance import CompletionRule, completion_rule, is_completed, set_completion_rule


@pytest.mark.parametrize(
    ("rule", "days", "expected"),
    [
        (CompletionRule.ALL_DAYS, 4, True),
        (CompletionRule.ALL_DAYS, 3, False),
        (CompletionRule.MOST_DAYS, 4, True),
        (CompletionRule.MOST_DAYS, 3, False),
        (CompletionRule.ANY_DAY, 1, True),
        (CompletionRule.ANY_DAY, 0, False),
    ],
)
def test_completion_rules_on_a_four_day_module_at_80_percent(rule, days, expected) -> None:
    assert is_completed(rule, attended=True, days_attended=days, module_days=4 if days != 3 else 4) is expected


def test_not_attending_never_completes_and_no_day_figures_means_all_days() -> None:
    assert not is_completed(CompletionRule.ANY_DAY, attended=False, days_attended=5, module_days=5)
    assert is_completed(CompletionRule.ALL_DAYS, attended=True, days_attended=None, module_days=5)


def test_the_rule_is_a_setting_with_a_default(session: Session) -> None:
    assert completion_rule(session) == CompletionRule.ALL_DAYS
    set_completion_rule(session, CompletionRule.ANY_DAY)
    session.flush()
    assert completion_rule(session) == CompletionRule.ANY_DAY


PEOPLE = pd.DataFrame(
    {
        "full_name": ["Maria Santos", "Wei Lim"],
        "email": ["m@x.org", "w@x.org"],
        "phone": ["+60", "+63"],
        "nationality": ["PHL", "MYS"],
        "consent_email": [True, False],
        "consent_phone": [False, True],
    }
)


def test_facilitators_see_only_consented_contact_fields() -> None:
    user = SignedIn(user_id=1, username="f", role=UserRole.FACILITATOR)
    masked = mask_people(PEOPLE, user)
    assert masked["email"].tolist() == ["m@x.org", ""]
    assert masked["phone"].tolist() == ["", "+63"]
    assert not any(column.startswith("consent_") for column in masked.columns)


def test_viewers_see_no_names_or_contacts() -> None:
    masked = mask_people(PEOPLE, SignedIn(user_id=2, username="v", role=UserRole.VIEWER))
    assert list(masked.columns) == ["nationality"]


def test_a_contact_column_without_its_consent_flag_is_refused() -> None:
    with pytest.raises(ValueError, match="consent_email"):
        mask_people(PEOPLE.drop(columns=["consent_email"]), SignedIn(user_id=1, username="a", role=UserRole.ADMIN))
