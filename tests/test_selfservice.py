"""Forms participants fill in themselves (issue 22), on both databases: opening and closing links (and the command
line's JSON), registrations that create, update or wait for review with their consent records, evaluations that
count on the dashboard, refusals (invalid or closed link, a second submission, too long a field, too many from one
client) and voiding.

The module built here: course SS1, module 1 (2 to 4 December 2026, Bangkok) with two sessions, "CEDAW basics"
and "Lobbying the ASEAN bodies"; one person already recorded, Maria Santos (Philippines, maria@example.org).
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.courses.catalogue import add_course, add_module
from programme.evaluations.queries import evaluated_modules, likert_counts
from programme.models import (
    AuditEntry,
    ConsentKind,
    ConsentRecord,
    FormLink,
    FormSubmission,
    Gender,
    Organisation,
    OrgType,
    Participation,
    Person,
    RegistrationReview,
    Response,
)
from programme.planning.agenda import add_session
from programme.selfservice import links, registration, submissions
from programme.selfservice.evaluation import submit_evaluation
from programme.selfservice.labels import LANGUAGES, labels

ALL_CONSENTS = dict.fromkeys(ConsentKind, True)


@pytest.fixture
def module_id(session: Session) -> int:
    add_course(session, code="SS1", title="Self-service test course", by=None)
    module = add_module(session, course_code="SS1", number=1, title="Rights of migrant workers",
                        start=date(2026, 12, 2), end=date(2026, 12, 4), city="Bangkok", by=None)  # fmt: skip
    add_session(session, module_id=module.id, day=1, start=time(9), end=time(10), title="CEDAW basics", by=None)
    add_session(session, module_id=module.id, day=1, start=time(10), end=time(11), title="Lobbying the ASEAN bodies",
                by=None)  # fmt: skip
    session.add(Person(full_name="Maria Santos", name_key="maria santos", nationality="PHL", email="maria@example.org"))
    session.commit()
    return module.id


def _open(session: Session, module_id: int, kind: str, **options) -> str:  # type: ignore[no-untyped-def]
    token = links.open_form(session, module_id=module_id, kind=kind, **options).token
    session.commit()
    return token


def _register(session: Session, token: str, values: dict, browser: str = "b1", consents=ALL_CONSENTS):  # type: ignore[no-untyped-def]
    result = registration.submit_registration(session, token, values, consents, browser=browser, client="10.0.0.5")
    session.commit()
    return result


def test_a_new_person_registers_with_consent_records(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration", language="fr")
    consents = {**ALL_CONSENTS, ConsentKind.PHONE: False, ConsentKind.PHOTO: False}
    values = {"full_name": "  Rina   Dewi ", "email": "Rina@Example.ORG", "phone": "+62 812 3456 7890",
              "nationality": "Indonesia", "country_of_work": "Malaysia", "organisation": "Tenaganita",
              "org_type": "NGO", "position": "Case worker", "gender": "female", "languages": "Bahasa, English"}  # fmt: skip
    result = _register(session, token, values, consents=consents)
    assert result.outcome == "created"
    person = session.get(Person, result.person_id)
    # Read as an import reads it: spaces collapsed, e-mail lower-cased, countries to ISO codes, phone to E.164.
    assert (person.full_name, person.email, person.phone) == ("Rina Dewi", "rina@example.org", "+6281234567890")
    assert (person.nationality, person.country_of_work, person.gender.value) == ("IDN", "MYS", "female")
    assert session.get(Organisation, person.organisation_id).name == "Tenaganita"
    assert (person.consent_listed, person.consent_email, person.consent_phone, person.consent_photo) == (
        True, True, False, False)  # fmt: skip
    participation = session.scalar(sa.select(Participation).where(Participation.person_id == person.id))
    assert participation.module_id == module_id and participation.registered and participation.attended is None
    records = {
        r.consent: r for r in session.scalars(sa.select(ConsentRecord).where(ConsentRecord.person_id == person.id))
    }
    assert set(records) == set(ConsentKind)
    assert records[ConsentKind.PHONE].given is False and records[ConsentKind.EMAIL].given is True
    french = json.loads((links.__file__.rsplit("/", 1)[0] + "/labels/fr.json") and open(
        links.__file__.rsplit("/", 1)[0] + "/labels/fr.json", encoding="utf-8").read())  # fmt: skip
    assert records[ConsentKind.LISTED].wording == french["consent_listed"]
    assert records[ConsentKind.LISTED].language == "fr"
    assert records[ConsentKind.LISTED].wording_version == french["consent_version"]
    assert records[ConsentKind.LISTED].recorded_on == links.today()


def test_a_certain_match_updates_the_person_and_a_probable_one_waits(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration", allow_multiple=True)
    maria = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    result = _register(session, token, {"full_name": "Maria Santos", "email": "MARIA@example.org",
                                        "position": "Coordinator", "nationality": "Philippines"})  # fmt: skip
    assert result.outcome == "updated" and result.person_id == maria.id
    session.refresh(maria)
    assert maria.position == "Coordinator" and maria.consent_listed
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    # "Maria Santoz" of the same nationality, another e-mail: similar, not certain: queued, nobody written.
    queued = _register(session, token, {"full_name": "Maria Santoz", "email": "ms@example.org",
                                        "nationality": "PHL"}, browser="b2")  # fmt: skip
    assert queued.outcome == "queued" and queued.person_id is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    review = submissions.pending_reviews(session, module_id)[0]
    assert review.candidate_id == maria.id and review.reason == "similar name"
    # The facilitator creates a new person from it: the queue empties, the values are cleared, consent attached.
    person_id = registration.decide_review(session, review.id, decision="create", by="facilitator")
    session.commit()
    assert session.get(Person, person_id).email == "ms@example.org"
    assert submissions.pending_reviews(session) == []
    assert session.get(RegistrationReview, review.id).values is None
    assert session.scalar(sa.select(sa.func.count()).where(ConsentRecord.person_id == person_id)) == len(ConsentKind)


def test_a_certain_match_that_would_change_the_record_waits_for_a_facilitator(session: Session, module_id: int) -> None:
    """Anyone with the link who knows Maria's e-mail (or name and nationality) must not rewrite her record: a blank is
    filled at once, a recorded value changed only when a facilitator says the registration is hers."""
    maria = session.scalar(sa.select(Person).where(Person.email == "maria@example.org"))
    union = Organisation(name="Migrante Union", name_key="migrante union", org_type=OrgType.TRADE_UNION, country="PHL")
    session.add(union)
    session.flush()
    maria.phone, maria.gender, maria.position, maria.organisation_id = "+639171234567", Gender.FEMALE, None, union.id
    maria.consent_listed, maria.consent_source = True, "typed on the Participants page"
    session.commit()
    token = _open(session, module_id, "registration", allow_multiple=True)
    # Same values written differently, and a blank filled: applied at once.
    same = {"full_name": "maria santos", "email": "Maria@Example.org", "phone": "+63 917 123 4567",
            "gender": "F", "organisation": "MIGRANTE union", "position": "Paralegal"}  # fmt: skip
    consents = {**dict.fromkeys(ConsentKind, False), ConsentKind.LISTED: True}
    result = _register(session, token, same, consents=consents)
    assert result.outcome == "updated", result
    session.refresh(maria)
    assert (maria.position, maria.phone, maria.organisation_id) == ("Paralegal", "+639171234567", union.id)

    # Another phone, gender, organisation, and every consent: none of it written, the registration queued.
    changed = {"full_name": "Maria Santos", "email": "maria@example.org", "phone": "+63 999 000 1111",
               "gender": "male", "organisation": "Tenaganita", "position": "Paralegal"}  # fmt: skip
    queued = _register(session, token, changed, browser="b2")
    assert queued.outcome == "queued" and queued.person_id is None and queued.checkin_code is None
    session.refresh(maria)
    assert (maria.phone, maria.gender, maria.organisation_id) == ("+639171234567", Gender.FEMALE, union.id)
    assert maria.consent_email is False
    review = submissions.pending_reviews(session, module_id)[0]
    assert review.candidate_id == maria.id
    assert review.reason == "would change the recorded phone, gender, organisation and consent"
    item = registration.review_queue(session, module_id)[0]
    assert (item["typed"]["phone"], item["candidate"]["phone"]) == ("+63 999 000 1111", "+639171234567")
    assert item["candidate"]["organisation"] == "Migrante Union"
    assert item["candidate"]["nationality"] == "Philippines"  # by name, as the form is typed: not "PHL"

    # Retyping her organisation would retype it for everyone in it.
    retype = {"full_name": "Maria Santos", "email": "maria@example.org", "organisation": "Migrante Union",
              "org_type": "NGO"}  # fmt: skip
    assert _register(session, token, retype, browser="b3", consents=consents).outcome == "queued"
    assert submissions.pending_reviews(session, module_id)[-1].reason == "would change the recorded organisation type"
    session.refresh(union)
    assert union.org_type == OrgType.TRADE_UNION

    # The facilitator says the first queued one is hers: now the record changes.
    registration.decide_review(session, review.id, decision="merge", by="facilitator")
    session.commit()
    session.refresh(maria)
    assert (maria.phone, maria.gender) == ("+639990001111", Gender.MALE)


def test_a_queued_registration_merged_into_the_candidate(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    _register(session, token, {"full_name": "Maria Santoz", "nationality": "PHL", "position": "Lawyer"})
    review = submissions.pending_reviews(session)[0]
    person_id = registration.decide_review(session, review.id, decision="merge", by="facilitator")
    session.commit()
    maria = session.get(Person, person_id)
    assert maria.email == "maria@example.org" and maria.position == "Lawyer"
    assert session.scalar(sa.select(Participation.registered).where(Participation.person_id == person_id))


def test_evaluations_are_anonymous_and_counted_on_the_dashboard(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "evaluation")
    form = links.public_form(session, token)
    assert [q[3] for q in form.questions if q[3]] == ["CEDAW basics", "Lobbying the ASEAN bodies"]
    ratings = [q[0] for q in form.questions if q[1] == "rating"]
    texts = [q[0] for q in form.questions if q[1] == "text"]
    # Three participants: the first session rated 5, 4 and (left blank); a comment from one.
    submit_evaluation(session, token, {ratings[0]: 5, texts[0]: "The role play"}, browser="p1", client="10.0.0.1")
    submit_evaluation(session, token, {ratings[0]: 4, ratings[1]: 2}, browser="p2", client="10.0.0.2")
    submit_evaluation(session, token, {ratings[0]: None, ratings[2]: 3}, browser="p3", client="10.0.0.3")
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).where(Response.person_id.is_not(None))) == 0
    modules = evaluated_modules(session)
    assert modules.set_index("module_id").loc[module_id, "responses"] == 3
    counts = likert_counts(session, module_id)
    first = counts[counts["question_id"] == ratings[0]].set_index("rating")["count"].to_dict()
    assert {rating: n for rating, n in first.items() if n} == {4: 1, 5: 1}
    with pytest.raises(submissions.SubmissionRefused, match="at least one"):
        submit_evaluation(session, token, {ratings[0]: None}, browser="p4", client="10.0.0.4")
    with pytest.raises(submissions.SubmissionRefused):
        submit_evaluation(session, token, {ratings[0]: 6}, browser="p4", client="10.0.0.4")


def test_one_submission_per_browser_session_unless_allowed(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "evaluation")
    question = links.public_form(session, token).questions[0][0]
    submit_evaluation(session, token, {question: 3}, browser="same", client="10.0.0.1")
    session.commit()
    with pytest.raises(submissions.SubmissionRefused, match="already sent"):
        submit_evaluation(session, token, {question: 4}, browser="same", client="10.0.0.1")
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_the_page_knows_a_browser_sent_the_form_already_unless_several_are_allowed(
    session: Session, module_id: int
) -> None:
    # What the public page asks before drawing the form (its browser key comes from a cookie, so a reload is the same
    # browser): sent, not sent, another browser, a voided submission, and a shared tablet's link.
    token = _open(session, module_id, "evaluation")
    question = links.public_form(session, token).questions[0][0]
    assert not submissions.sent_already(session, token, browser="phone-a")
    submit_evaluation(session, token, {question: 3}, browser="phone-a", client="10.0.0.1")
    session.commit()
    assert submissions.sent_already(session, token, browser="phone-a")
    assert not submissions.sent_already(session, token, browser="phone-b")
    sent = session.scalar(
        sa.select(FormSubmission).where(FormSubmission.browser_key == submissions.digest("browser", "phone-a"))
    )
    sent.voided = True
    session.commit()
    assert not submissions.sent_already(session, token, browser="phone-a")  # voided: this browser may send again
    tablet = _open(session, module_id, "registration", allow_multiple=True)
    _register(session, tablet, {"full_name": "Ana Reyes", "email": "ana.reyes@example.org"}, browser="tablet")
    assert not submissions.sent_already(session, tablet, browser="tablet")
    with pytest.raises(ProgrammeError):
        submissions.sent_already(session, "not-a-form-token-at-all", browser="phone-a")


def test_invalid_closed_and_expired_links_are_refused_alike(session: Session, module_id: int) -> None:
    token = _open(session, module_id, "registration")
    values = {"full_name": "Somchai Test"}
    for wrong in ("", "x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B"), None, 42):
        with pytest.raises(links.FormUnavailable, match="not valid, or the form is closed"):
            registration.submit_registration(session, wrong, values, {}, browser="b", client=None)
    # An evaluation token does not take a registration.
    evaluation_token = _open(session, module_id, "evaluation")
    with pytest.raises(links.FormUnavailable):
        registration.submit_registration(session, evaluation_token, values, {}, browser="b", client=None)
    assert links.close_forms(session, module_id=module_id, kind="registration", by="t") == 1
    session.commit()
    with pytest.raises(links.FormUnavailable):
        links.public_form(session, token)
    links.public_form(session, evaluation_token)  # still open
    # Expired: the closing day has passed.
    link = session.scalar(sa.select(FormLink).where(FormLink.kind == "evaluation"))
    link.opens_on = links.today() - timedelta(days=5)
    link.closes_on = links.today() - timedelta(days=1)
    session.commit()
    with pytest.raises(links.FormUnavailable):
        links.public_form(session, evaluation_token)
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1  # only Maria


def test_field_limits_and_the_rate_per_client(session: Session, module_id: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    token = _open(session, module_id, "registration", allow_multiple=True)
    with pytest.raises(submissions.SubmissionRefused, match="Position: at most 200 characters"):
        _register(session, token, {"full_name": "Long Position", "position": "x" * 201})
    session.rollback()
    with pytest.raises(submissions.SubmissionRefused, match="full name"):
        _register(session, token, {"full_name": "  "})
    session.rollback()
    monkeypatch.setattr(submissions, "RATE_LIMIT", 2)
    _register(session, token, {"full_name": "Ana One"}, browser="x1")
    _register(session, token, {"full_name": "Ben Two"}, browser="x2")
    with pytest.raises(submissions.SubmissionRefused, match="Too many"):
        _register(session, token, {"full_name": "Cy Three"}, browser="x3")


def test_audit_holds_no_personal_data_and_a_void_undoes(session: Session, module_id: int) -> None:
    registration_token = _open(session, module_id, "registration")
    evaluation_token = _open(session, module_id, "evaluation")
    created = _register(session, registration_token, {"full_name": "Nguyen Thi Lan", "email": "lan@example.org"})
    question = links.public_form(session, evaluation_token).questions[0][0]
    answered = submit_evaluation(session, evaluation_token, {question: 2}, browser="e1", client=None)
    session.commit()
    summaries = " ".join(session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.entity == "form_submission")))
    assert "registration form" in summaries and "evaluation form" in summaries
    assert "Nguyen" not in summaries and "lan@example.org" not in summaries
    submissions.void_submission(session, answered.submission_id, by="facilitator")
    submissions.void_submission(session, created.submission_id, by="facilitator")
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert session.get(Person, created.person_id) is None  # created by the voided registration, in no other module
    assert evaluated_modules(session).empty
    with pytest.raises(ProgrammeError, match="already void"):
        submissions.void_submission(session, answered.submission_id, by="facilitator")


def test_open_close_list_on_the_command_line(session: Session, module_id: int, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from programme.cli import main

    monkeypatch.setenv("DATABASE_URL", session.get_bind().url.render_as_string(hide_password=False))
    closes = (links.today() + timedelta(days=3)).isoformat()
    args = ["forms", "open", "--course", "SS1", "--module", "1", "--kind", "registration", "--json"]
    assert main([*args, "--closes", closes, "--base-url", "http://192.168.1.20:8501/"]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert set(opened) == {"kind", "token", "url", "closes"}
    assert opened["kind"] == "registration" and opened["closes"] == closes
    assert opened["url"] == f"http://192.168.1.20:8501/?form={opened['token']}" and len(opened["token"]) == 32
    assert main(["forms", "list", "--course", "SS1", "--module", "1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(f["kind"], f["open"], f["submissions"]) for f in listed] == [("registration", True, 0)]
    assert main(["forms", "close", "--course", "SS1", "--module", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"closed": 1}
    assert main(["forms", "list", "--course", "SS1", "--module", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["open"] is False
    assert main(["forms", "open", "--course", "SS1", "--module", "9", "--kind", "evaluation"]) != 0
    assert "no module 9" in capsys.readouterr().err
    assert main([*args, "--closes", "2020-01-01"]) == 2
    assert "already past" in capsys.readouterr().err


def test_every_shipped_language_has_every_label() -> None:
    english = labels("en")
    for language in LANGUAGES:
        own = json.loads(open(links.__file__.rsplit("/", 1)[0] + f"/labels/{language}.json", encoding="utf-8").read())
        assert set(english) - set(own) <= {"not_read"}, language
        assert len(own["scale"]) == 5 and len(own["standard"]) == 5


def test_the_daily_check_in_marks_the_day_with_the_code_given_at_registration(session: Session, module_id: int) -> None:
    from programme.models import AttendanceDay, Module
    from programme.selfservice.checkin import submit_checkin

    # The module runs from yesterday to tomorrow: today is its day 2 of 3.
    module = session.get(Module, module_id)
    module.start_date, module.end_date = links.today() - timedelta(days=1), links.today() + timedelta(days=1)
    session.commit()
    registration_token = _open(session, module_id, "registration")
    result = _register(session, registration_token, {"full_name": "Dewi Check"})
    assert result.checkin_code and len(result.checkin_code) == 6
    token = _open(session, module_id, "checkin", allow_multiple=True)
    assert submit_checkin(session, token, "WRONG1", browser="c1", client="10.0.0.9") is None
    typed = f" {result.checkin_code[:3].lower()}-{result.checkin_code[3:]} "  # as someone may type it
    assert submit_checkin(session, token, typed, browser="c1", client="10.0.0.9") == 2
    session.commit()
    participation = session.scalar(sa.select(Participation).where(Participation.person_id == result.person_id))
    assert participation.attended is True and participation.days_attended == 1
    marks = dict(session.execute(sa.select(AttendanceDay.day, AttendanceDay.present)
                                 .where(AttendanceDay.participation_id == participation.id)).tuples().all())  # fmt: skip
    # Today only: days 1 and 3 are not marked absent (a day-3 attendance sheet can still record day 3).
    assert marks == {2: True}
    # The refused guess is kept (void) and counts in the client's rate; the check-in is the one live submission.
    outcomes = session.execute(sa.select(FormSubmission.outcome, FormSubmission.voided)
                               .join(FormLink).where(FormLink.kind == "checkin")).tuples().all()  # fmt: skip
    assert sorted(outcomes) == [("day 2", False), ("unknown code", True)]
    # Voided by a facilitator: the day is no longer marked present.
    checked = session.scalar(sa.select(FormSubmission.id).where(FormSubmission.outcome == "day 2"))
    assert submissions.void_submission(session, checked, by="facilitator") == "day 2 is no longer marked present"
    session.commit()
    session.refresh(participation)
    assert participation.days_attended == 0 and participation.attended is False
    # Not a day of the module: refused.
    module.start_date, module.end_date = links.today() + timedelta(days=5), links.today() + timedelta(days=6)
    session.commit()
    with pytest.raises(submissions.SubmissionRefused, match="only on the days"):
        submit_checkin(session, token, result.checkin_code, browser="c2", client="10.0.0.9")


def test_the_suggested_link_address_is_the_one_the_app_is_reached_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in a journey: the app on port 8611 suggested http://<lan address>:8501, a QR code leading nowhere."""
    monkeypatch.setattr(links, "lan_base_url", lambda port: f"http://192.168.1.20:{port}")
    # The team's server, behind a proxy: the address the browser used, with its scheme.
    assert links.suggested_base_url("programme.example.org", "https", 8501) == "https://programme.example.org"
    # A laptop reached on the venue's network: that address and port.
    assert links.suggested_base_url("192.168.1.20:8611", None, 8611) == "http://192.168.1.20:8611"
    # The facilitator's own browser on the laptop: the laptop's network address, at the port the app listens on.
    assert links.suggested_base_url("localhost:8611", None, 8611) == "http://192.168.1.20:8611"
    assert links.suggested_base_url("127.0.0.1:8611", None, 8611) == "http://192.168.1.20:8611"
    assert links.suggested_base_url("[::1]:8611", None, 8611) == "http://192.168.1.20:8611"
    monkeypatch.setattr(links, "lan_base_url", lambda port: None)  # no network
    assert links.suggested_base_url(None, None, 8611) == "http://localhost:8611"


def test_a_check_in_leaves_the_days_to_come_for_the_attendance_sheet(session: Session, module_id: int) -> None:
    """Seen in a journey: a check-in on day 2 recorded days 1 and 3 as absent, and an import never overwrites a
    recorded day, so the day-3 attendance sheet could not record that the person came on day 3."""
    from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
    from programme.models import AttendanceDay, Module
    from programme.selfservice.checkin import submit_checkin

    module = session.get(Module, module_id)
    module.start_date, module.end_date = links.today() - timedelta(days=1), links.today() + timedelta(days=1)
    session.commit()
    result = _register(session, _open(session, module_id, "registration"),
                       {"full_name": "Dewi Check", "email": "dewi@example.org"})  # fmt: skip
    assert submit_checkin(session, _open(session, module_id, "checkin"), result.checkin_code, browser="c1",
                          client=None) == 2  # fmt: skip
    session.commit()
    # The facilitator's sheet of day 3, the next day: Dewi came.
    data = b"Name,E-mail,Day 3\nDewi Check,dewi@example.org,x\n"
    table = read_participant_sheet(data, "day3.csv")
    plan = build_plan(session, table=table, mapping=detect_mapping(table.columns), module=module,
                      file_name="day3.csv", file_hash=file_hash(data))  # fmt: skip
    apply_plan(session, plan=plan, username="facilitator")
    session.commit()
    participation = session.scalar(sa.select(Participation).where(Participation.person_id == result.person_id))
    marks = dict(session.execute(sa.select(AttendanceDay.day, AttendanceDay.present)
                                 .where(AttendanceDay.participation_id == participation.id)).tuples().all())  # fmt: skip
    assert marks == {2: True, 3: True}
    session.refresh(participation)
    assert participation.days_attended == 2


def test_a_registration_settled_by_a_facilitator_gives_a_check_in_code(session: Session, module_id: int) -> None:
    """A queued registration, once merged or created, is registered with a check-in code like any other; the
    facilitator sees it once and hands it on (the participant saw only the thank-you page)."""
    from programme.models import Module
    from programme.selfservice.checkin import submit_checkin

    module = session.get(Module, module_id)
    module.start_date, module.end_date = links.today(), links.today() + timedelta(days=1)
    session.commit()
    token = _open(session, module_id, "registration", allow_multiple=True)
    for browser, name in (("b1", "Maria Santoz"), ("b2", "Marla Santos"), ("b3", "Maria Santis")):
        assert _register(session, token, {"full_name": name, "nationality": "PHL"}, browser=browser).outcome == "queued"
    merged, created, discarded = submissions.pending_reviews(session, module_id)
    settled = [
        registration.settle_review(session, merged.id, decision="merge", by="facilitator"),
        registration.settle_review(session, created.id, decision="create", by="facilitator"),
        registration.settle_review(session, discarded.id, decision="discard", by="facilitator"),
    ]
    session.commit()
    assert [len(s.checkin_code or "") for s in settled] == [6, 6, 0]
    assert settled[2].person_id is None
    checkin = _open(session, module_id, "checkin", allow_multiple=True)
    for number, one in enumerate(settled[:2]):
        assert submit_checkin(session, checkin, one.checkin_code, browser=f"c{number}", client=None) == 1
    session.commit()
    came = session.scalars(sa.select(Participation.person_id).where(Participation.attended.is_(True))).all()
    assert sorted(came) == sorted(s.person_id for s in settled[:2])


def test_two_facilitators_settling_one_registration_at_once_make_one_person(session: Session, module_id: int) -> None:
    # Both databases. Two facilitators press "Someone else: create a person" on the same queued registration at the
    # same moment: each transaction saw it waiting (PostgreSQL's snapshots) and each made a person of it.
    import threading

    from programme.core.db import session_scope

    token = _open(session, module_id, "registration", allow_multiple=True)
    _register(session, token, {"full_name": "Maria Santos", "email": "maria@example.org", "nationality": "PHL"})
    _register(session, token, {"full_name": "Maria Santoz", "email": "ms@example.org", "nationality": "PHL"},
              browser="b2")  # fmt: skip
    review_id = submissions.pending_reviews(session, module_id)[0].id
    session.commit()
    engine = session.get_bind()
    first = Session(engine, expire_on_commit=False)
    registration.settle_review(first, review_id, decision="create", by="fac_a")  # not yet committed
    outcome: list[object] = []

    def second_press() -> None:
        try:
            with session_scope(engine) as other:
                registration.settle_review(other, review_id, decision="create", by="fac_b")
            outcome.append("settled")
        except ProgrammeError as error:
            outcome.append(error)

    other = threading.Thread(target=second_press)
    other.start()
    other.join(timeout=1)
    first.commit()
    first.close()
    other.join(timeout=30)
    assert len(outcome) == 1 and "no longer waiting for review" in str(outcome[0]), outcome
    assert session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.full_name == "Maria Santoz")) == 1


def test_a_check_in_link_for_a_module_that_ended_or_before_it_starts_is_refused_or_noted(  # type: ignore[no-untyped-def]
    session: Session, module_id: int, monkeypatch, capsys
) -> None:
    """A journey audit opened a daily check-in link for a module held in 2019, without a word; every code was then
    refused on the phones ("open only on the days of the module"). Opening one for a module that has ended is
    refused with a sentence saying why and what to do instead, on the page's call and on the command line; one
    closing before the module starts too; one opened before it starts says when it takes codes."""
    from programme.cli import main
    from programme.models import FormLink, Module

    module = session.get(Module, module_id)
    today = links.today()
    module.start_date, module.end_date = date(2019, 9, 3), date(2019, 9, 5)
    session.commit()
    with pytest.raises(links.FormSettingRefused) as refused:
        links.open_form(session, module_id=module_id, kind="checkin")
    assert str(refused.value) == (
        "Module 1 ended on 5 September 2019: a daily check-in link takes codes only on the module's days "
        "(3–5 September 2019), so it would refuse every code. Record its attendance under Plan › Agenda › Attendance, "
        "or import its attendance sheet, instead."
    )
    assert links.open_form(session, module_id=module_id, kind="registration").note is None  # other forms open
    monkeypatch.setenv("DATABASE_URL", session.get_bind().url.render_as_string(hide_password=False))
    session.commit()
    assert main(["forms", "open", "--course", "SS1", "--module", "1", "--kind", "checkin"]) == 2
    assert "Module 1 ended on 5 September 2019" in capsys.readouterr().err
    # A module to come: a link closing before its first day is refused; one open over its days says when.
    start = today + timedelta(days=30)
    module.start_date, module.end_date = start, start + timedelta(days=2)
    session.commit()
    with pytest.raises(links.FormSettingRefused, match="before module 1 starts"):
        links.open_form(session, module_id=module_id, kind="checkin", closes_on=today + timedelta(days=7))
    opened = links.open_form(session, module_id=module_id, kind="checkin", closes_on=start + timedelta(days=2))
    days = f"{start.day} {start:%B %Y}"  # the first day, as the note writes it (the span's last part has the year)
    assert opened.note is not None and opened.note.startswith("Check-in takes codes only on the module's days (")
    assert (
        f"{start.day}" in opened.note
        and f"{(start + timedelta(days=2)).day}" in opened.note
        and days[-4:] in opened.note
    )
    session.commit()
    assert main(["forms", "open", "--course", "SS1", "--module", "1", "--kind", "checkin", "--closes",
                 (start + timedelta(days=2)).isoformat()]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert "The checkin form is open" in out and "Check-in takes codes only on the module's days" in err
    # Held today: no note, the link takes codes now.
    module.start_date, module.end_date = today, today
    session.commit()
    assert links.open_form(session, module_id=module_id, kind="checkin").note is None
    assert session.scalar(sa.select(sa.func.count()).select_from(FormLink).where(FormLink.kind == "checkin")) == 3
