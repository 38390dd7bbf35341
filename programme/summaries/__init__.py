"""Figures kept as the data changes, so that dashboards read small tables instead of millions of raw rows.

`upkeep` notes what each transaction touched and refreshes the summaries at commit; each summary area registers
its refresher and its check (raw rows vs summary) here. See ARCHITECTURE.md, "Summaries".
"""

from __future__ import annotations

from programme.summaries.upkeep import (
    CATALOGUE_SCOPE,
    PEOPLE_SCOPE,
    Changes,
    check,
    ensure_current,
    install,
    rebuild,
    register,
    registered,
    settle,
    touch,
    touch_everything,
)

install()

__all__ = [
    "CATALOGUE_SCOPE",
    "PEOPLE_SCOPE",
    "Changes",
    "check",
    "ensure_current",
    "install",
    "rebuild",
    "register",
    "registered",
    "settle",
    "touch",
    "touch_everything",
]

# Summary areas register their refresher and check at import (after install(), so wherever an engine is made).
from programme.summaries import evaluations, reach  # noqa: E402,F401
