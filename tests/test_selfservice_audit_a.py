"""Self-service forms as participants on their phones meet them: a registration giving someone else's e-mail under
another name, and countries typed in the form's own language.

The module built here: course SA1, module 1 (2 to 4 December 2026, Bangkok); one person already recorded,
Maria Santos (Philippines, maria@example.org), who never gave consent through a form.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.courses.catalogue import add_course, add_module
from programme.models import ConsentKind, Participation, Person
from programme.people.names import name_key
from programme.selfservice import links, registration, submissions

NO_CONSENT = dict.fromkeys(ConsentKind, False)


@pytest.fixture
def module_id(session: Session) -> int:
    add_course(session, code="SA1", title="Self-service audit course", by=None)
    module = add_module(session, course_code="SA1", number=1, title="Rights of migrant workers",
                        start=date(2026, 12, 2), end=date(2026, 12, 4), city="Bangkok", by=None)  # fmt: skip
    session.add(Person(full_name="Maria Santos", name_key="maria santos", nationality="PHL", email="maria@example.org"))
    session.commit()
    return module.id


def _register(session: Session, token: str, values: dict, browser: str = "b1"):  # type: ignore[no-untyped-def]
    result = registration.submit_registration(session, token, values, NO_CONSENT, browser=browser, client="10.0.0.9")
    session.commit()
    return result


def test_someone_elses_e_mail_under_another_name_waits_for_a_facilitator(session: Session, module_id: int) -> None:
    """Whoever knows Maria's e-mail must not register her for a module (and take her check-in code) under any name:
    the name typed would be dropped and nobody would know."""
    token = links.open_form(session, module_id=module_id, kind="registration", allow_multiple=True).token
    session.commit()
    maria = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    queued = _register(session, token, {"full_name": "Joseph Impostor", "email": "MARIA@example.org"})
    assert queued.outcome == "queued" and queued.person_id is None and queued.checkin_code is None
    assert session.scalar(sa.select(Participation.id).where(Participation.person_id == maria.id)) is None
    review = submissions.pending_reviews(session, module_id)[0]
    assert (review.candidate_id, review.reason) == (maria.id, "same e-mail, another name")
    # Her own name, however written (order, capitals, a middle word), is still her at once.
    for browser, name in (("b2", "SANTOS Maria"), ("b3", "Maria dos Santos")):
        result = _register(session, token, {"full_name": name, "email": "maria@example.org"}, browser=browser)
        assert (result.outcome, result.person_id) == ("updated", maria.id), name


@pytest.mark.parametrize(
    ("language", "nationality", "works_in"),
    [
        ("fr", "Liban", "Malaisie"),
        ("ar", "لبنان", "ماليزيا"),
        ("es", "Líbano", "Malasia"),
        ("th", "เลบานอน", "มาเลเซีย"),
    ],
)
def test_countries_typed_in_the_forms_language_are_read(
    session: Session, module_id: int, language: str, nationality: str, works_in: str
) -> None:
    """A participant on the French (or Arabic, Spanish, Thai) form writes their country as that form's language names
    it: "Liban", not "Lebanon" (which read as a suggestion of Libya, or was refused)."""
    token = links.open_form(session, module_id=module_id, kind="registration", language=language).token
    session.commit()
    result = _register(
        session, token, {"full_name": "Nour Haddad", "nationality": nationality, "country_of_work": works_in}
    )
    person = session.get(Person, result.person_id)
    assert (person.nationality, person.country_of_work) == ("LBN", "MYS")


def test_a_long_name_of_one_long_word_registers(session: Session, module_id: int) -> None:
    """The form takes a full name of up to 300 characters; its given and family names are kept as far as their
    columns hold (PostgreSQL refused the whole registration, a traceback on the participant's phone)."""
    token = links.open_form(session, module_id=module_id, kind="registration", allow_multiple=True).token
    session.commit()
    for browser, name in (("b1", "A" * 300), ("b2", "B" * 200 + " " + "C" * 99), ("b3", "D" * 20 + " " + "E" * 279)):
        result = _register(session, token, {"full_name": name}, browser=browser)
        person = session.get(Person, result.person_id)
        assert person.full_name == name
        assert len(person.given_name or "") <= 150 and len(person.family_name or "") <= 150


def test_an_evaluation_comment_with_control_characters_is_kept_without_them(session: Session, module_id: int) -> None:
    """A comment pasted with a NUL (or another control character) in it is stored without it: PostgreSQL refused
    the whole evaluation, a traceback on the participant's phone. Line breaks and tabs stay."""
    from programme.models import Answer
    from programme.selfservice.evaluation import submit_evaluation

    token = links.open_form(session, module_id=module_id, kind="evaluation").token
    session.commit()
    text_id = next(q[0] for q in links.public_form(session, token).questions if q[1] == "text")
    submit_evaluation(session, token, {text_id: "Role\x00 play\x07\nand\tvisits"}, browser="p1", client="10.0.0.1")
    session.commit()
    assert session.scalar(sa.select(Answer.text).where(Answer.question_id == text_id)) == "Role play\nand\tvisits"


def test_a_match_by_name_alone_never_adds_contact_details_or_consent_unseen(session: Session, module_id: int) -> None:
    """Whoever knows an imported person's name and nationality could put their own e-mail on the record, or share
    the person's contact details with alumni in their name, by ticking every consent: that waits for a facilitator.
    Sunita Karki (Nepal) was imported with no e-mail, phone or consent."""
    sunita = Person(full_name="Sunita Karki", name_key=name_key("Sunita Karki"), nationality="NPL")
    session.add(sunita)
    session.commit()
    token = links.open_form(session, module_id=module_id, kind="registration", allow_multiple=True).token
    session.commit()
    typed = {"full_name": "Sunita Karki", "nationality": "Nepal", "email": "someone.else@example.org"}
    every = dict.fromkeys(ConsentKind, True)
    queued = registration.submit_registration(session, token, typed, every, browser="b1", client="10.0.0.9")
    session.commit()
    assert (queued.outcome, queued.person_id, queued.checkin_code) == ("queued", None, None)
    review = submissions.pending_reviews(session, module_id)[0]
    assert (review.candidate_id, review.reason) == (sunita.id, "matched by name only, would add e-mail and consent")
    session.refresh(sunita)
    assert (sunita.email, sunita.consent_source, sunita.consent_listed) == (None, None, False)
    # Her name alone, adding nothing, still registers her at once; so does her own e-mail once it is recorded.
    plain = registration.submit_registration(session, token, {"full_name": "Sunita Karki", "nationality": "Nepal"},
                                             NO_CONSENT, browser="b2", client="10.0.0.9")  # fmt: skip
    assert (plain.outcome, plain.person_id) == ("updated", sunita.id)
    session.commit()
    sunita.email = "sunita@example.org"
    session.commit()
    own = {"full_name": "Sunita Karki", "email": "sunita@example.org", "phone": "+977 1 4000000"}
    by_email = registration.submit_registration(session, token, own, NO_CONSENT, browser="b3", client="10.0.0.9")
    assert (by_email.outcome, by_email.person_id) == ("updated", sunita.id)
    session.commit()
    session.refresh(sunita)
    assert sunita.phone == "+97714000000"  # a blank filled (as the import writes phones): she gave her own e-mail


def test_someone_else_with_an_e_mail_on_record_is_created_without_it(session: Session, module_id: int) -> None:
    """A registration held as "same e-mail, another name" could only be merged or discarded: "Someone else: create
    a person" said "merge it instead", the wrong advice for two colleagues sharing their organisation's address."""
    token = links.open_form(session, module_id=module_id, kind="registration", allow_multiple=True).token
    session.commit()
    queued = _register(session, token, {"full_name": "Joseph Okafor", "email": "maria@example.org"})
    assert queued.outcome == "queued"
    review = submissions.pending_reviews(session, module_id)[0]
    created = registration.decide_review(session, review.id, decision="create", by="facilitator")
    session.commit()
    joseph = session.get(Person, created)
    maria = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    assert (joseph.full_name, joseph.email) == ("Joseph Okafor", None) and maria.full_name == "Maria Santos"
    assert session.scalar(sa.select(Participation.id).where(Participation.person_id == joseph.id)) is not None


@pytest.mark.parametrize(
    ("language", "field", "typed", "expected"),
    [
        ("fr", "nationality", "Xyzlandia", "Nationalité: « Xyzlandia » n'est pas un pays que nous reconnaissons"),
        ("es", "email", "rosa@", "«rosa@» no es una dirección de correo electrónico válida."),
        ("ar", "phone", "12", "«12» ليس رقم هاتف صالحًا"),
    ],
)
def test_a_refused_answer_is_explained_in_the_form_s_language(
    session: Session, module_id: int, language: str, field: str, typed: str, expected: str
) -> None:
    """Seen on a phone: "الجنسية: 'x' is not a country we recognise." - the field's name translated, the reason in
    English. The reason is now in the form's language too (labels/*.json, editable)."""
    token = links.open_form(session, module_id=module_id, kind="registration", language=language).token
    session.commit()
    with pytest.raises(submissions.SubmissionRefused) as refused:
        registration.submit_registration(session, token, {"full_name": "Rosa Quispe", field: typed}, NO_CONSENT,
                                         browser="b1", client="10.0.0.9")  # fmt: skip
    assert expected in str(refused.value)
    assert "recognise" not in str(refused.value) and "valid e-mail" not in str(refused.value)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "'12345' is not a name: please write your full name in letters."),
        ("fr", "« 12345 » n'est pas un nom : veuillez écrire votre nom complet en lettres."),
        ("ar", "«12345» ليس اسمًا: يرجى كتابة اسمك الكامل بالحروف."),
    ],
)
def test_a_name_without_letters_is_refused_in_the_form_s_language(
    session: Session, module_id: int, language: str, expected: str
) -> None:
    """ "12345" was accepted as a name and became a person on the module's list."""
    token = links.open_form(session, module_id=module_id, kind="registration", language=language).token
    session.commit()
    with pytest.raises(submissions.SubmissionRefused) as refused:
        registration.submit_registration(session, token, {"full_name": "12345"}, NO_CONSENT, browser="b1",
                                         client="10.0.0.9")  # fmt: skip
    assert str(refused.value) == expected
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1  # only Maria
