"""Imports read consent columns: a clear yes or no per field, the form's wording kept as the source; an unclear
answer is a warning and the consent is not set."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.importing import undo_batch
from programme.importing.columns import detect_mapping
from programme.importing.normalise import CellError, consent
from programme.models import Person
from tests.test_importing import both_engine, csv_bytes, run_import  # noqa: F401 - both_engine is a fixture

LISTED = "I agree to be listed in the alumni directory"
CONTACTS = "May we share your e-mail and phone with other alumni?"
PHOTOS = "Photos of me may be published"
# The shape of a Google Forms export: a Timestamp, the questions as headers, the answers as typed or chosen.
FORM = (
    f'Timestamp,Full name,Email,"{LISTED}","{CONTACTS}",{PHOTOS}\n'
    "2026/03/01 10:00:00 GMT+8,Ana Lim,ana@x.org,Yes,No,TRUE\n"
    "2026/03/01 10:05:00 GMT+8,Ram Rai,ram@x.org,I agree,Yes,0\n"
    "2026/03/01 10:07:00 GMT+8,Sita Gurung,sita@x.org,maybe,,\n"
)


def test_consent_columns_are_recognised_by_their_wording() -> None:
    fields = detect_mapping(["Timestamp", "Full name", "Email", LISTED, CONTACTS, PHOTOS]).fields
    assert fields["email"] == "Email"  # the address itself, not the question about sharing it
    assert (fields["consent_listed"], fields["consent_email"], fields["consent_phone"]) == (LISTED, CONTACTS, CONTACTS)
    assert fields["consent_photo"] == PHOTOS and "consent_organisation" not in fields


def test_answers_read_as_yes_no_or_unclear() -> None:
    assert [consent(t) for t in ("Yes", "y", "TRUE", "1", "I agree", "No", "false", "0", "I do not agree", "")] == [
        True, True, True, True, True, False, False, False, False, None,
    ]  # fmt: skip
    for unclear in ("maybe", "only my name", "later"):
        try:
            consent(unclear)
        except CellError:
            continue
        raise AssertionError(f"{unclear!r} was taken as an answer")


def _people(engine: Engine) -> dict[str, tuple]:
    with session_scope(engine) as session:
        rows = session.execute(
            sa.select(
                Person.email,
                Person.consent_listed,
                Person.consent_email,
                Person.consent_phone,
                Person.consent_photo,
                Person.consent_source,
                Person.consent_date,
            )
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_answers_in_partners_and_participants_other_languages_read_as_yes_or_no() -> None:
    """A French, Indonesian, Arabic, Thai or Vietnamese form's answers ("J'accepte", "Saya setuju", "نعم", "ใช่",
    "Đồng ý") were unclear: the consent was not set and a warning listed them."""
    yes = ("J'accepte", "Oui, j'accepte", "Sí, acepto", "Sim", "Saya setuju", "نعم", "أوافق", "ใช่", "ยินยอม", "Đồng ý")
    no = ("Je n'accepte pas", "No acepto", "Não", "Tidak setuju", "لا", "غير موافق", "ไม่", "ไม่ยินยอม", "Không đồng ý")
    assert [consent(answer) for answer in yes] == [True] * len(yes)
    assert [consent(answer) for answer in no] == [False] * len(no)
    for unclear in ("Peut-être", "Tal vez", "Mungkin"):  # maybe: still never guessed
        try:
            consent(unclear)
        except CellError:
            continue
        raise AssertionError(unclear)


def test_import_records_consent_with_the_forms_wording_and_warns_on_unclear(both_engine: Engine) -> None:  # noqa: F811
    plan, result = run_import(both_engine, csv_bytes(FORM), "registration_form.csv")
    # Sita's "maybe" (row 4): named by row and column, consent not set.
    assert any(w.startswith(f"Row 4, column '{LISTED}': 'maybe' is not a clear yes or no") for w in plan.warnings)
    assert result.consents == 2
    people = _people(both_engine)
    ana, ram, sita = people["ana@x.org"], people["ram@x.org"], people["sita@x.org"]
    assert ana[:4] == (True, False, False, True)
    assert ram[:4] == (True, True, True, False)
    assert sita[:4] == (False, False, False, False) and sita[4] is None and sita[5] is None  # nothing recorded
    source = ana[4]
    assert source.startswith("registration_form.csv: ") and LISTED in source and CONTACTS in source and PHOTOS in source
    assert ana[5] is not None


def test_a_later_list_fills_consent_never_recorded_and_keeps_recorded_consent(both_engine: Engine) -> None:  # noqa: F811
    run_import(both_engine, csv_bytes("Full name,Email\nAna Lim,ana@x.org\nRam Rai,ram@x.org\n"), "first.csv")
    with session_scope(both_engine) as session:  # Ram's consent was recorded by hand: the list does not change it
        ram = session.scalar(sa.select(Person).where(Person.email == "ram@x.org"))
        ram.consent_listed, ram.consent_source = False, "paper form, module 1"
    plan, result = run_import(both_engine, csv_bytes(FORM), "registration_form.csv")
    assert result.matched == 2 and result.consents == 1
    people = _people(both_engine)
    assert people["ana@x.org"][:4] == (True, False, False, True)
    assert people["ram@x.org"][:4] == (False, False, False, False) and people["ram@x.org"][4] == "paper form, module 1"
    with session_scope(both_engine) as session:
        undo_batch(session, batch_id=result.batch_id, username="tester")
    back = _people(both_engine)["ana@x.org"]
    assert back == (False, False, False, False, None, None)
