"""When a participant has "completed" a module: a rule the organisation sets, shared by every area."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from programme.core.settings import get_setting, set_setting

COMPLETION_RULE_KEY = "completion_rule"


class CompletionRule(StrEnum):
    ALL_DAYS = "attended all days"
    MOST_DAYS = "attended at least 80% of days"
    ANY_DAY = "attended at least one day"


DEFAULT_RULE = CompletionRule.ALL_DAYS
# The share of days the MOST_DAYS rule asks for.
MOST_DAYS_SHARE = 0.8


def completion_rule(session: Session) -> CompletionRule:
    """Return the organisation's completion rule (default: attended all days)."""
    value = get_setting(session, COMPLETION_RULE_KEY, DEFAULT_RULE.value)
    try:
        return CompletionRule(value)
    except ValueError:
        return DEFAULT_RULE


def set_completion_rule(session: Session, rule: CompletionRule) -> None:
    """Change the organisation's completion rule (existing participations are not recomputed here)."""
    set_setting(session, COMPLETION_RULE_KEY, CompletionRule(rule).value)


def is_completed(rule: CompletionRule, *, attended: bool, days_attended: int | None, module_days: int) -> bool:
    """Return whether attendance meets the rule; without day-by-day figures, attending counts as all days."""
    if not attended:
        return False
    days = module_days if days_attended is None else days_attended
    if rule == CompletionRule.ANY_DAY:
        return days >= 1
    if rule == CompletionRule.MOST_DAYS:
        return days >= MOST_DAYS_SHARE * module_days
    return days >= module_days
