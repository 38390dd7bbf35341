"""The organisation's own mappings of values the vocabulary does not know ("Lawyers collective" → lawyers/bar),
chosen once on Import participants and remembered in the app settings for every later import (audited)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlmodel import Session

from programme.access import audit
from programme.core.errors import ProgrammeError
from programme.core.settings import get_setting, set_setting
from programme.core.words import counted
from programme.models import Gender, OrgType
from programme.people.names import fold

SETTING_KEY = "value_mappings"
# The fields whose unknown values the user may map, and the values each may take.
MAPPABLE: dict[str, type[Gender] | type[OrgType]] = {"gender": Gender, "org_type": OrgType}


def saved_mappings(session: Session) -> dict[str, dict[str, str]]:
    """Return {field: {folded text: value}} as the organisation saved them (empty when none)."""
    try:
        stored = json.loads(get_setting(session, SETTING_KEY) or "{}")
    except ValueError:
        return {}
    return {name: dict(stored.get(name, {})) for name in MAPPABLE if isinstance(stored.get(name), dict)}


def mapped_values(mappings: Mapping[str, Mapping[str, str]], name: str) -> dict[str, Gender | OrgType]:
    """Return one field's mappings as {folded text: its enum value}, leaving out values no longer known."""
    kind = MAPPABLE[name]
    allowed = {member.value for member in kind}
    return {text: kind(value) for text, value in mappings.get(name, {}).items() if value in allowed}


def remember_mappings(session: Session, name: str, chosen: Mapping[str, str], *, by: str | None) -> int:
    """Save the user's mappings for one field ({text as written: value}) and audit them; return how many changed."""
    if name not in MAPPABLE:
        raise ProgrammeError(f"Values of '{name}' cannot be mapped.")
    allowed = {member.value for member in MAPPABLE[name]}
    wrong = [value for value in chosen.values() if value not in allowed]
    if wrong:
        raise ProgrammeError(f"'{wrong[0]}' is not one of: {', '.join(sorted(allowed))}.")
    mappings = saved_mappings(session)
    own = mappings.setdefault(name, {})
    before = dict(own)
    own.update({fold(text): value for text, value in chosen.items() if fold(text)})
    changed = {text: value for text, value in own.items() if before.get(text) != value}
    if not changed:
        return 0
    set_setting(session, SETTING_KEY, json.dumps(mappings, ensure_ascii=False, sort_keys=True))
    audit.record(
        session,
        action="update",
        username=by,
        entity="value_mappings",
        summary=f"{counted(len(changed), f'{name} value')} mapped for later imports",
        before={text: before[text] for text in changed if text in before},
        after=changed,
    )
    return len(changed)
