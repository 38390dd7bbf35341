"""Value mappings saved before migration 0029 are still read.

The organisation's mappings of values the vocabulary does not know (Import participants: "what does this value
mean?") are kept in the app settings keyed by the text's fold. Migration 0029 changed the fold for the scripts written
with vowel signs (Devanagari, Bengali, Sinhala, Thai, Myanmar, Khmer...): "หญิง" (Thai, a woman) folded "หญ ง" before,
"หญิง" since. A mapping saved for such a text before 0029 was no longer found, and the value was asked again (its
rows' gender or organisation type left not recorded until it was).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.core.settings import set_setting
from programme.importing.value_mappings import SETTING_KEY, remember_mappings, saved_mappings
from programme.models import Gender, Organisation, OrgType, Person
from tests.test_import_tools import cli, module_cli  # noqa: F401  (module_cli is a fixture)

GENDER_TH = "หญิง"  # Thai: woman
ORG_TYPE_HI = "गैर सरकारी संस्था"  # Hindi: non-governmental organisation
ORG_TYPE_KM = "អង្គការមិនមែនរដ្ឋាភិបាល"  # Khmer: non-governmental organisation


def fold_as_before_0029(text: str) -> str:
    """The fold every mapping was saved by up to migration 0028, spelled out here from its definition (accents and
    every other combining mark dropped, case folded, each run of characters that are not letters or digits a space):
    written independently of the code under test."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _list(tmp_path: Path) -> Path:
    """A partner's list typed by hand (no tool: a real case), its gender and organisation type in Thai, Hindi, Khmer."""
    path = tmp_path / "partner_list.csv"
    path.write_text(
        "Name,Gender,Nationality,Organisation,Type of organisation,Email\n"
        f"Somchai Dee,{GENDER_TH},Thailand,Thai Labour Solidarity,Trade union,somchai@example.org\n"
        f"Sita Thapa,Female,Nepal,Pourakhi,{ORG_TYPE_HI},sita@example.org\n"
        f"Sok Dara,Male,Cambodia,Legal Support for Children and Women,{ORG_TYPE_KM},dara@example.org\n",
        encoding="utf-8",
    )
    return path


def test_mappings_saved_before_0029_are_read_and_a_mapping_saved_since_comes_first(
    module_cli: Engine,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from programme.people.names import fold

    # What made them lost: the keys differ (by hand: the Thai vowel sign ิ parted the word).
    assert fold_as_before_0029(GENDER_TH) == "หญ ง" and fold(GENDER_TH) == "หญิง"
    assert fold_as_before_0029(ORG_TYPE_HI) != fold(ORG_TYPE_HI)
    assert fold_as_before_0029(ORG_TYPE_KM) != fold(ORG_TYPE_KM)
    with session_scope(module_cli) as session:  # as remember_mappings stored them before 0029
        stored = {
            "gender": {fold_as_before_0029(GENDER_TH): "female"},
            "org_type": {fold_as_before_0029(ORG_TYPE_HI): "NGO", fold_as_before_0029(ORG_TYPE_KM): "NGO"},
        }
        set_setting(session, SETTING_KEY, json.dumps(stored, ensure_ascii=False, sort_keys=True))
    status, out, err = cli(
        capsys, "import", "participants", str(_list(tmp_path)), "--course", "RC", "--module", "1", "--json"
    )
    assert status == 0, err
    report = json.loads(out)
    # Nothing asked again: no column's values are unknown.
    asked = [item for item in report["warning_details"] if item["column"] in ("Gender", "Type of organisation")]
    assert asked == []
    with session_scope(module_cli) as session:
        found = {
            email: (gender, org_type)
            for email, gender, org_type in session.execute(
                sa.select(Person.email, Person.gender, Organisation.org_type).join(
                    Organisation, Organisation.id == Person.organisation_id
                )
            )
        }
    assert found["somchai@example.org"][0] == Gender.FEMALE
    assert found["sita@example.org"][1] == OrgType.NGO and found["dara@example.org"][1] == OrgType.NGO
    # A mapping saved since (under the new key) comes before the old one.
    with session_scope(module_cli) as session:
        assert remember_mappings(session, "org_type", {ORG_TYPE_KM: "other"}, by="tester") == 1
        assert set(saved_mappings(session)["org_type"]) == {
            fold_as_before_0029(ORG_TYPE_HI),
            fold_as_before_0029(ORG_TYPE_KM),
            "អង្គការមិនមែនរដ្ឋាភិបាល",  # the new key is the text itself (no accents, one word)
        }
    from programme.importing.value_mappings import own_value

    with session_scope(module_cli) as session:
        mapped = {"org_type": saved_mappings(session)["org_type"]}
    assert own_value(mapped["org_type"], ORG_TYPE_KM) == "other"
    assert own_value(mapped["org_type"], ORG_TYPE_HI) == "NGO"
