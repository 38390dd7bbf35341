"""The organisation's own mappings of values the vocabulary does not know ("Lawyers collective" → lawyers/bar),
chosen once on Import participants and remembered in the app settings for every later import (audited).

They are keyed by the text's fold (names.fold). Migration 0029 changed the fold of the scripts written with vowel signs
(Devanagari, Bengali, Sinhala, Thai, Myanmar, Khmer...): a key saved before it cannot be recomputed without the text it
was made from (the settings keep only the key), so a text not found under its fold is looked up under the fold it had
before (fold_before_0029), as the import read it then. A mapping saved since, under the new fold, comes first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

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


_NOT_ALNUM = re.compile(r"[\W_]+")


def fold_before_0029(text: str) -> str:
    """Return the fold the mappings were saved by up to migration 0028 (fixed here: keys saved then stay as they
    were): every combining mark dropped (the vowel signs of Devanagari, Thai... too), case folded, each run of
    characters that are not letters or digits a space."""
    if text.isascii():
        return fold(text)  # ASCII text folds as it did
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_NOT_ALNUM.sub(" ", text.casefold()).split())


_MISSING = object()


def own_value(own: Mapping[str, Any], text: str, default: Any = None) -> Any:
    """Return the value the organisation mapped text to ({folded text: value}): under its fold, else under the fold
    it had before migration 0029 (a mapping saved then); default when neither holds it."""
    found = own.get(fold(text), _MISSING)
    if found is _MISSING and not text.isascii():
        found = own.get(fold_before_0029(text), _MISSING)
    return default if found is _MISSING else found


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
