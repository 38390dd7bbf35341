"""A probable match is said in words: what is alike and what differs (the name, the nationality, the e-mail, the
organisation), where the review lists showed a bare similarity score ("similar name, score 92") nobody could read.

The expected sentences are written out by hand from the two records each test makes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.models import Person
from programme.people.countries import country_name
from programme.people.duplicates import possible_duplicates
from programme.people.likeness import name_likeness
from tests.test_evaluations import csv_bytes
from tests.test_importing import cli, cli_db, run_import  # noqa: F401  (cli_db is a fixture)
from tests.test_public_form import forms_db  # noqa: F401  (a fixture)


@pytest.mark.parametrize(
    ("typed", "recorded", "said"),
    [
        ("Jon Smith", "John Smith", "similar names: 'Jon' / 'John' (one letter apart)"),
        ("Maria Santos", "Maria dos Santos", "the same name, one with a word more ('dos')"),
        ("Smith John", "John Smith", "the same name, its words in another order"),
        ("Santos, Maria", "Maria Santos", "the same name"),  # "Family, Given" read as the import reads it
        ("MARIA SANTOS", "Maria Santos", "the same name (written differently)"),
        (
            "Mohammed Rahman",
            "Mohammad Rahmen",
            "similar names: 'Mohammed Rahman' / 'Mohammad Rahmen' (two letters apart)",
        ),
        # A vowel sign is a letter of its own (migration 0029): Kamala is one letter from Kamal.
        ("कमला थापा", "कमल थापा", "similar names: 'कमला' / 'कमल' (one letter apart)"),
    ],
)
def test_two_names_are_compared_in_words(typed: str, recorded: str, said: str) -> None:
    assert name_likeness(typed, recorded) == said


def test_the_command_line_says_why_a_row_may_be_someone_and_keeps_its_json_keys(
    cli_db: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The text said "(score 90.9)"; the JSON's keys stay as they were, with "why" added."""
    first = tmp_path / "first.csv"
    first.write_text("Name,Country,E-mail,Organisation\nJohn Smith,Nepal,john@gefont.example,GEFONT\n")
    assert cli(str(first), "--course", "BKK", "--module", "1") == 0
    capsys.readouterr()
    similar = tmp_path / "similar.csv"
    similar.write_text("Name,Country,E-mail,Organisation\nJon Smith,Nepal,jon@mail.example,GEFONT\n")
    assert cli(str(similar), "--course", "BKK", "--module", "1", "--dry-run", "--json") == 0
    (probable,) = json.loads(capsys.readouterr().out)["probable"]
    with session_scope(make_engine(cli_db)) as session:
        john = session.scalar(sa.select(Person.id).where(Person.full_name == "John Smith"))
    why = "similar names: 'Jon' / 'John' (one letter apart); same nationality; e-mails differ; same organisation"
    assert {key: probable[key] for key in ("row", "name", "candidate", "candidate_id", "accepted", "why")} == {
        "row": 2, "name": "Jon Smith", "candidate": "John Smith", "candidate_id": john, "accepted": False, "why": why,
    }  # fmt: skip
    assert set(probable) == {"row", "name", "candidate", "candidate_id", "score", "accepted", "why"}
    assert cli(str(similar), "--course", "BKK", "--module", "1", "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"  row 2: Jon Smith may be John Smith, record {john}: {why}\n" in out
    assert "score" not in out


def test_a_persons_possible_duplicates_say_why_on_the_page_and_the_command_line(
    cli_db: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = make_engine(cli_db)
    run_import(engine, csv_bytes("Name,Country,E-mail\nMaria Santos,Philippines,maria@x.example\n"), "a.csv")
    run_import(engine, csv_bytes("Name,Country\nMaria dos Santos,Philippines\n"), "b.csv")
    with session_scope(engine) as session:
        maria = session.scalar(sa.select(Person.id).where(Person.full_name == "Maria Santos"))
        found = possible_duplicates(session, maria)
    said = "the same name, one with a word more ('dos'); same nationality; e-mail only on this record"
    assert found["why"].tolist() == [said]
    assert main(["person", "duplicates", "--person", str(maria), "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)["duplicates"]
    assert listed["why"] == said and {"score", "reason"} <= set(listed)  # added, nothing renamed


def test_the_registrations_to_review_say_why_not_a_score(forms_db: dict, demo_sqlite_url: str) -> None:  # noqa: F811
    """The page said "(similar name, score 92)"."""
    from programme.models import ConsentKind, UserRole
    from programme.selfservice.registration import submit_registration
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        known = session.scalar(
            sa.select(Person)
            .where(Person.nationality.is_not(None), Person.email.is_not(None), Person.erased_at.is_(None))
            .order_by(Person.id)
        )
        *given, family = known.full_name.split()
        typo = family[:-1] + ("x" if family[-1] != "x" else "y")
        typed = {"full_name": " ".join([*given, typo]), "nationality": country_name(known.nationality)}
        result = submit_registration(session, forms_db["registration"], typed, {ConsentKind.LISTED: True},
                                     browser="b", client=None)  # fmt: skip
    assert result.outcome == "queued"
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    assert not app.exception
    said = [m.value for m in app.markdown if "may be a person already recorded" in m.value]
    assert len(said) == 1 and "score" not in said[0]
    expected = f"may be a person already recorded: similar names: '{typo}' / '{family}' (one letter apart); same nationality; e-mail only recorded"
    assert expected in said[0].replace("\\", ""), said
