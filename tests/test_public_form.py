"""The public form page (issue 22): a valid link shows the form and only the module's title, dates and (for an
evaluation) the session titles; a wrong, missing or closed link shows one sentence and no data; submitting from
the page stores the registration or the evaluation. Also: the app's entry routes a form link to this page only."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import ConsentRecord, FormLink, Person, Response
from programme.planning.agenda import add_session
from programme.selfservice.labels import text
from programme.selfservice.links import UNAVAILABLE, UNKNOWN_LINK, close_forms, open_form
from tests.apptest_support import shown_text

PAGE = str(REPO_ROOT / "public" / "form.py")


@pytest.fixture
def forms_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> dict[str, str]:
    """The demo (so that there is data a wrong link must not show) and a test module with both forms open."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_course(session, code="PUB1", title="Public form course", by=None)
        module = add_module(session, course_code="PUB1", number=1, title="Advocacy with embassies",
                            start=date(2026, 12, 2), end=date(2026, 12, 3), by=None)  # fmt: skip
        add_session(
            session, module_id=module.id, day=1, start=time(9), end=time(10), title="Visiting a mission", by=None
        )
        tokens = {
            kind: open_form(session, module_id=module.id, kind=kind).token for kind in ("registration", "evaluation")
        }
        tokens["module_id"] = module.id
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return tokens


def _run(token: str | None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=60)
    if token is not None:
        app.query_params["form"] = token
    return app.run()


def _everything_shown(app: AppTest) -> str:
    parts = [e.value for e in (*app.title, *app.subheader, *app.caption, *app.markdown, *app.success, *app.error)]
    parts += [w.label for w in (*app.text_input, *app.radio, *app.checkbox, *app.text_area, *app.selectbox)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("token", [None, "", "not-a-token", "A" * 32])
def test_a_wrong_or_missing_link_shows_one_sentence_and_no_data(forms_db: dict, token: str | None) -> None:
    app = _run(token)
    assert not app.exception
    assert [m.value for m in app.markdown] == [UNKNOWN_LINK]
    assert not app.text_input and not app.radio and not app.dataframe and not app.metric and not app.title


def test_a_wrong_link_says_what_to_do(forms_db: dict) -> None:
    """Seen on a phone in a journey: a link cut short in a message (its last characters lost) opened a page reading
    only "This form link is not valid, or the form is closed.", nothing more on the screen: the participant did not
    know what to do. It says to open the whole link or scan the code again, else whom to ask, and still no data."""
    app = _run(forms_db["registration"][:-3])
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert shown.startswith(UNAVAILABLE)
    assert "whole link" in shown and "scan the QR code again" in shown
    assert "ask the course's organisers" in shown
    assert "Advocacy" not in shown and not app.text_input and not app.title


def test_a_registration_with_two_wrong_fields_names_both_at_once(forms_db: dict, demo_sqlite_url: str) -> None:
    """Seen on a phone in a journey: an e-mail without its ending and a phone number of two digits. The refusal named
    the e-mail only; corrected and sent again, the form was refused a second time for the phone. Both are named at
    once, each with its field, and nothing is written."""
    app = _run(forms_db["registration"])
    labels = [w.label for w in app.text_input]
    app.text_input[0].input("Somchai Prasert")
    app.text_input[labels.index("E-mail")].input("somchai@example")
    app.text_input[labels.index("Phone (with country code)")].input("12")
    app.button[0].click().run()
    assert not app.exception and not app.success
    said = " ".join(shown_text(e.value) for e in app.error)
    assert "E-mail: 'somchai@example'" in said and "Phone (with country code): '12'" in said
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.scalar(sa.select(Person).where(Person.full_name == "Somchai Prasert")) is None


def test_a_refusal_quoting_what_was_typed_shows_it_as_text(forms_db: dict) -> None:
    """A refusal quotes the value it could not read; a participant's typed Markdown (a link, emphasis) is shown as
    the characters typed, never drawn as a link: user text is shown as text, on the public form too."""
    app = _run(forms_db["registration"])
    labels = [w.label for w in app.text_input]
    app.text_input[0].input("Dewi Lestari")
    app.text_input[labels.index("E-mail")].input("[my page](https://evil.example) **now**")
    app.button[0].click().run()
    assert not app.exception and not app.success and len(app.error) == 1
    drawn = app.error[0].value
    assert "](" not in drawn and "**" not in drawn  # no Markdown link or emphasis left for Streamlit to draw
    assert "[my page](https://evil.example) **now**" in shown_text(drawn)


def test_a_phone_number_refused_on_the_english_form_says_to_add_the_country_code(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """Seen on a phone: "Phone (with country code): '12' is not a phone number." said nothing of what to type; the
    other languages' forms say to add the country code, the English one now too."""
    app = _run(forms_db["registration"])
    labels = [w.label for w in app.text_input]
    app.text_input[0].input("Dewi Lestari")
    app.text_input[labels.index("Phone (with country code)")].input("12")
    app.button[0].click().run()
    assert not app.exception and not app.success
    assert [shown_text(e.value) for e in app.error] == [
        f"Phone (with country code): {text('en', 'invalid_phone', value='12')}"
    ]
    assert "add the country code" in shown_text(app.error[0].value)


def test_an_organisation_registered_without_its_type_is_not_recorded_as_other(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """Seen in a journey: a participant typed their organisation and left "Type of organisation" unanswered; the new
    organisation was stored as "other", and the Participants page and Reach's organisations by type counted it so,
    where an import of the same row leaves the type not recorded."""
    app = _run(forms_db["registration"])
    labels = [w.label for w in app.text_input]
    app.text_input[0].input("Zephyrine Quillbottom")
    app.text_input[labels.index("Organisation")].input("Kampung Helpers Circle")
    app.button[0].click().run()
    assert not app.exception and app.success
    with make_engine(demo_sqlite_url).connect() as connection:
        stored = connection.execute(
            sa.text("SELECT org_type FROM organisation WHERE name = 'Kampung Helpers Circle'")
        ).all()
    assert stored == [(None,)]


def test_a_closed_link_says_it_is_closed_and_whom_to_ask_and_shows_no_data(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    with session_scope(make_engine(demo_sqlite_url)) as session:
        close_forms(session, module_id=forms_db["module_id"], by="t")
    app = _run(forms_db["registration"])
    shown = [m.value for m in app.markdown]
    assert len(shown) == 1 and shown[0].startswith("This form was closed by the organisers on ")
    assert shown[0].endswith(text("en", "ask_organisers")) and UNAVAILABLE not in shown[0]
    assert not app.text_input and not app.title and "Advocacy" not in shown[0]


def test_the_registration_form_renders_and_registers(forms_db: dict, demo_sqlite_url: str) -> None:
    app = _run(forms_db["registration"])
    assert not app.exception
    assert app.title[0].value == "Registration"
    assert app.subheader[0].value == "Public form course — Advocacy with embassies"
    shown = _everything_shown(app)
    # The module's dates in words, as the rest of the app writes them (never "2026-12-02"), each unbroken by a line's
    # end (no-break spaces) and laid out in its own direction (a first-strong isolate); sessions belong to the
    # evaluation only.
    assert "\u20682\u00a0December\u00a02026\u2069 to \u20683\u00a0December\u00a02026\u2069" in shown
    assert "2026-12-02" not in shown and "Visiting a mission" not in shown
    labels = [w.label for w in app.text_input]
    assert labels[0] == "Full name (required)" and "Nationality" in labels
    assert len(app.checkbox) == 5
    app.text_input[0].input("Somchai Prasert")
    app.text_input[labels.index("Nationality")].input("Thailand")
    app.checkbox[0].check()
    app.button[0].click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    thanks = app.success[0].value
    assert thanks.startswith("Thank you: your registration was received. Your personal check-in code: **")
    assert not app.text_input  # sent: the form is gone for this browser session
    with session_scope(make_engine(demo_sqlite_url)) as session:
        person = session.scalar(sa.select(Person).where(Person.full_name == "Somchai Prasert"))
        assert person.nationality == "THA" and person.consent_listed and not person.consent_email
        assert session.scalar(sa.select(sa.func.count()).where(ConsentRecord.person_id == person.id)) == 5


def test_the_evaluation_form_renders_one_tap_ratings_and_stores_the_answers(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    app = _run(forms_db["evaluation"])
    assert not app.exception
    assert app.title[0].value == "Evaluation"
    assert app.radio[0].label == "1.\u00a0How useful was this session: Visiting a mission?"  # numbered as on paper
    assert app.radio[0].options == ["Poor", "Fair", "Good", "Very good", "Excellent"]
    assert app.radio[0].value is None  # nothing chosen for the participant
    assert not app.text_input  # anonymous: no name asked
    app.radio[0].set_value(4)
    app.button[0].click().run()
    assert app.success[0].value == "Thank you: your answers were received."
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.scalar(sa.select(sa.func.count()).where(Response.source == "online")) == 1


def test_the_app_routes_a_form_link_to_the_public_page_only(forms_db: dict) -> None:
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60)
    app.query_params["form"] = "wrong-token-of-some-length"
    app.run()
    assert not app.exception
    assert [m.value for m in app.markdown] == [UNKNOWN_LINK]
    assert not app.text_input  # neither the form nor the sign-in form


def test_the_facilitators_page_opens_a_form_and_shows_its_link_and_qr_code(forms_db: dict) -> None:
    from programme.models import UserRole
    from tests.apptest_support import run_page

    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    assert not app.exception
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    codes = [c.value for c in app.code]
    assert any(code.endswith(f"?form={forms_db['registration']}") for code in codes)
    assert any(code.endswith(f"?form={forms_db['evaluation']}") for code in codes)
    assert len(app.get("image")) == 2  # one QR code per open form
    next(b for b in app.button if b.label == "Show full screen").click().run()
    assert not app.exception
    assert len(app.code) == 1 and len(app.get("image")) == 1 and not app.selectbox  # the code alone, full-screen


def test_the_forms_page_says_a_check_in_cannot_be_opened_for_a_module_that_ended(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """A journey audit opened a daily check-in for a module held in 2019 with no word; the phones then refused every
    code. The page says so under the form choice, and opening one is refused with the same sentence."""
    from programme.models import FormLink, Module, UserRole
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        module = session.get(Module, forms_db["module_id"])
        module.start_date, module.end_date = date(2019, 9, 3), date(2019, 9, 5)
    said = (
        "Module 1 ended on 5 September 2019: a daily check-in link takes codes only on the module's days "
        "(3–5 September 2019), so it would refuse every code. Record its attendance under Plan › Agenda › Attendance, "
        "or import its attendance sheet, instead."
    )
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR, address={"module": str(forms_db["module_id"])})
    assert not app.exception
    assert f"**Daily check-in:** {said}" in [caption.value for caption in app.caption]
    next(radio for radio in app.radio if radio.label == "Form").set_value("checkin")
    app = next(button for button in app.button if button.label == "Open the form").click().run()
    assert not app.exception
    assert [error.value.replace("\\", "") for error in app.error] == [said]  # shown Markdown-escaped
    with session_scope(make_engine(demo_sqlite_url)) as session:
        kinds = session.scalars(sa.select(FormLink.kind).where(FormLink.module_id == forms_db["module_id"])).all()
    assert sorted(kinds) == ["evaluation", "registration"]  # no check-in link opened


def test_a_check_in_for_a_module_months_away_opens_with_the_closing_date_the_page_offers(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """A new organisation's first journey: the page offered a week from today as the closing date, so a daily check-in
    for a module three months away was refused ("The link would close on …, before module 1 starts") until the date
    was changed by hand, and a registration closed months before the module. The date offered is now a week after the
    module's last day, and Open the form works as it stands."""
    from programme.models import FormLink, Module, UserRole
    from programme.selfservice.links import today
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        module = session.get(Module, forms_db["module_id"])
        start = today(module) + timedelta(days=90)
        module.start_date, module.end_date = start, start + timedelta(days=3)
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR, address={"module": str(forms_db["module_id"])})
    assert not app.exception
    offered = next(field for field in app.date_input if field.label == "Closes after").value
    assert offered == start + timedelta(days=3 + 7)
    next(radio for radio in app.radio if radio.label == "Form").set_value("checkin")
    app = next(button for button in app.button if button.label == "Open the form").click().run()
    assert not app.exception
    assert not app.error
    with session_scope(make_engine(demo_sqlite_url)) as session:
        link = session.scalar(
            sa.select(FormLink).where(FormLink.module_id == forms_db["module_id"], FormLink.kind == "checkin")
        )
    assert link is not None and link.closes_on == start + timedelta(days=10)


def test_the_review_queue_on_the_facilitators_page(forms_db: dict, demo_sqlite_url: str) -> None:
    from programme.models import ConsentKind, UserRole
    from programme.selfservice.registration import submit_registration
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        known = session.scalar(sa.select(Person).where(Person.nationality.is_not(None), Person.erased_at.is_(None)))
        typo = known.full_name[:-1] + ("x" if known.full_name[-1] != "x" else "y")
        nationality = known.nationality
        people_before = session.scalar(sa.select(sa.func.count()).select_from(Person))
        result = submit_registration(session, forms_db["registration"], {"full_name": typo, "nationality": nationality},
                                     {ConsentKind.LISTED: True}, browser="b", client=None)  # fmt: skip
    assert result.outcome == "queued"
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    assert any(typo in m.value for m in app.markdown)
    # The submissions say which form in words ("Registration", "Daily check-in"), not the stored "checkin".
    sent = next(frame.value for frame in app.dataframe if "submitted_at" in frame.value.columns)
    assert set(sent["kind"]) == {"Registration"}
    next(b for b in app.button if b.label == "Same person: update the record").click().run()
    assert not app.exception
    assert any("No registration is waiting" in i.value for i in app.info)
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == people_before
        assert session.get(Person, known.id).consent_listed


def _a_phone_change_queued(forms_db: dict, demo_sqlite_url: str):  # type: ignore[no-untyped-def]
    """A registration by a recorded person (e-mail and name theirs) with another phone: queued for a facilitator.
    Return the person as recorded before it, and the submission's result."""
    from programme.models import ConsentKind
    from programme.selfservice.registration import submit_registration

    with session_scope(make_engine(demo_sqlite_url)) as session:
        known = session.scalar(
            sa.select(Person).where(Person.email.is_not(None), Person.phone.is_not(None), Person.erased_at.is_(None))
        )
        typed = {"full_name": known.full_name, "email": known.email, "phone": "+44 20 7946 0000"}
        result = submit_registration(session, forms_db["registration"], typed, {ConsentKind.LISTED: True},
                                     browser="b", client=None)  # fmt: skip
        session.expunge(known)
    return known, result


def test_a_registration_that_would_change_a_record_shows_typed_beside_recorded(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    from programme.models import UserRole
    from tests.apptest_support import run_page

    known, result = _a_phone_change_queued(forms_db, demo_sqlite_url)
    recorded_phone = known.phone
    assert result.outcome == "queued"
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    assert not app.exception
    said = [m.value for m in app.markdown if "matches a person already recorded" in m.value]
    assert len(said) == 1 and "would change the recorded phone" in said[0], said
    compared = next(frame.value for frame in app.dataframe if "field" in frame.value.columns).set_index("field")
    assert compared.loc["Phone"].tolist() == ["+44 20 7946 0000", recorded_phone]
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.get(Person, known.id).phone == recorded_phone  # not written before the facilitator decides
    next(b for b in app.button if b.label == "Same person: update the record").click().run()
    assert not app.exception
    # The check-in code it gave, shown once to the facilitator to hand on.
    assert any(re.search(r"Their check-in code is \*\*[A-Z0-9]{6}\*\*", s.value) for s in app.success), app.success
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.get(Person, known.id).phone == "+442079460000"


def test_a_registration_settled_by_a_colleague_says_who_settled_it_and_how(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    # A and B see the same queued registration; A updates the record with it; B, whose page still shows it, presses
    # "Someone else: create a person": the item just disappeared from B's page, without a word.
    from programme.models import UserRole
    from tests.apptest_support import run_page, shown_text

    known, _ = _a_phone_change_queued(forms_db, demo_sqlite_url)
    first, second = (
        run_page("pages/participant_forms.py", UserRole.FACILITATOR, username=name) for name in ("fac_a", "fac_b")
    )
    for app in (first, second):
        app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    next(b for b in first.button if b.label == "Same person: update the record").click().run()
    assert not first.exception and any("Registration settled." in s.value for s in first.success)
    next(b for b in second.button if b.label == "Someone else: create a person").click().run()
    assert not second.exception
    said = [shown_text(w.value) for w in [*second.warning, *second.error]]
    assert any("fac_a already settled it" in text and "updated the recorded person with it" in text for text in said)


def test_a_shared_tablet_starts_the_next_person_on_an_empty_form(forms_db: dict, demo_sqlite_url: str) -> None:
    with session_scope(make_engine(demo_sqlite_url)) as session:
        token = open_form(session, module_id=forms_db["module_id"], kind="evaluation", allow_multiple=True).token
    app = _run(token)
    for choice in (5, 3):
        app.radio[0].set_value(choice)
        app.button[0].click().run()
        assert app.success and not app.radio
        next(b for b in app.button if b.label == "Next person: a new form").click().run()
        assert app.radio and app.radio[0].value is None
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.scalar(sa.select(sa.func.count()).where(Response.source == "online")) == 2


def test_stored_titles_are_shown_as_text_not_markdown(forms_db: dict, demo_sqlite_url: str) -> None:
    from tests.apptest_support import shown_text

    title = "**Rights** [click here](http://evil.test) <b>x</b>"
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_module(session, course_code="PUB1", number=2, title=title, start=date(2026, 12, 5), end=date(2026, 12, 6),
                   by=None)  # fmt: skip
        module_id = session.scalar(sa.text("SELECT id FROM module WHERE number = 2 AND title LIKE '**Rights%'"))
        add_session(session, module_id=module_id, day=1, start=time(9), end=time(10), title="*Starred* `code`", by=None)
        token = open_form(session, module_id=module_id, kind="evaluation").token
    app = _run(token)
    heading = app.subheader[0].value
    assert heading != title and shown_text(heading) == f"Public form course — {title}"  # escaped: read as typed
    assert shown_text(app.radio[0].label) == "1.\u00a0How useful was this session: *Starred* `code`?"


@pytest.mark.parametrize("kind", ["registration", "evaluation", "checkin"])
def test_each_form_names_the_course_and_the_modules_city_not_only_the_module(
    forms_db: dict, demo_sqlite_url: str, kind: str
) -> None:
    """A participant handed a link on a phone saw "Registration" and "Module 2" (the module's title as typed, in the
    form's own placeholder's words) with its dates: not which course it was for, nor where."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_course(session, code="NAT-MYS", title="National Programme on Migrant Workers' Rights", by=None)
        module = add_module(session, course_code="NAT-MYS", number=2, title="Module 2", start=date(2026, 12, 8),
                            end=date(2026, 12, 10), city="Kuala Lumpur", country="MYS", by=None)  # fmt: skip
        token = open_form(session, module_id=module.id, kind=kind).token
    from tests.apptest_support import shown_text

    app = _run(token)
    assert not app.exception
    assert [shown_text(h.value) for h in app.subheader][:1] == [
        "National Programme on Migrant Workers' Rights — Module 2"
    ]
    assert shown_text(app.caption[0].value).endswith(" · Kuala Lumpur")
    assert "2026" in app.caption[0].value  # the dates stay


def test_the_app_without_a_form_link_still_meets_visitors_with_the_sign_in_form(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    from programme.access.accounts import add_user
    from programme.models import UserRole

    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_user(session, username="admin", password="correct-horse-battery-staple-42", role=UserRole.ADMIN, by=None)
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not app.exception
    assert [w.label for w in app.text_input][:2] == ["Username", "Password"]
    assert not app.metric and not app.dataframe
    # With a valid link, the form and nothing else: no sign-in form, no figures.
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60)
    app.query_params["form"] = forms_db["registration"]
    app.run()
    assert app.title[0].value == "Registration" and "Username" not in [w.label for w in app.text_input]
    assert not app.metric and not app.dataframe


def test_the_check_in_page_takes_the_code_shown_at_registration(forms_db: dict, demo_sqlite_url: str) -> None:
    import re

    from programme.models import Module
    from programme.selfservice.links import today

    with session_scope(make_engine(demo_sqlite_url)) as session:
        module = session.get(Module, forms_db["module_id"])
        module.start_date, module.end_date = today(), today()  # a one-day module, today
        checkin_token = open_form(session, module_id=module.id, kind="checkin", allow_multiple=True).token
    app = _run(forms_db["registration"])
    app.text_input[0].input("Lina Checkin")
    app.button[0].click().run()
    code = re.search(r"\*\*([A-Z0-9]{6})\*\*", app.success[0].value).group(1)
    app = _run(checkin_token)
    assert app.title[0].value == "Daily check-in" and [w.label for w in app.text_input] == [
        "Your personal check-in code"
    ]
    app.text_input[0].input("AAAAAA")
    app.button[0].click().run()
    assert shown_text(app.error[0].value).startswith("This code is not known")
    app.text_input[0].input(code.lower())
    app.button[0].click().run()
    assert app.success[0].value == "Thank you: your attendance on day 1 is recorded."
    with session_scope(make_engine(demo_sqlite_url)) as session:
        person = session.scalar(sa.select(Person).where(Person.full_name == "Lina Checkin"))
        from programme.models import Participation

        participation = session.scalar(sa.select(Participation).where(Participation.person_id == person.id))
        assert participation.attended is True and participation.days_attended == 1


def test_checking_in_twice_the_same_day_says_it_was_already_recorded(forms_db: dict, demo_sqlite_url: str) -> None:
    """Seen on a phone in a journey: a participant unsure the first check-in worked sent the code again (the tablet
    allows several) and was thanked again as if for the first time, "your attendance on day 1 is recorded". The second
    says the day was already recorded; the day stays marked once (days attended 1, counted by bare SQL)."""
    import re

    from programme.models import Module
    from programme.selfservice.links import today

    with session_scope(make_engine(demo_sqlite_url)) as session:
        module = session.get(Module, forms_db["module_id"])
        module.start_date, module.end_date = today(), today()  # a one-day module, today
        checkin_token = open_form(session, module_id=module.id, kind="checkin", allow_multiple=True).token
    app = _run(forms_db["registration"])
    app.text_input[0].input("Arjun Twicechecked")
    app.button[0].click().run()
    code = re.search(r"\*\*([A-Z0-9]{6})\*\*", app.success[0].value).group(1)
    app = _run(checkin_token)
    app.text_input[0].input(code)
    app.button[0].click().run()
    assert app.success[0].value == text("en", "checkin_done", day=1)
    app = next(button for button in app.button if button.label == text("en", "another")).click().run()
    app.text_input[0].input(code)
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert [m.value for m in app.success] == [text("en", "checkin_again", day=1)]
    assert "already recorded" in app.success[0].value
    with make_engine(demo_sqlite_url).connect() as connection:
        marked = connection.execute(sa.text(
            "SELECT count(*) FROM attendance_day a JOIN participation pa ON pa.id = a.participation_id "
            "JOIN person p ON p.id = pa.person_id WHERE p.full_name = 'Arjun Twicechecked' AND a.present"
        )).scalar()  # fmt: skip
    assert marked == 1


def test_voiding_on_the_facilitators_page_says_what_was_undone(forms_db: dict, demo_sqlite_url: str) -> None:
    from programme.models import ConsentKind, UserRole
    from programme.selfservice.registration import submit_registration
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        result = submit_registration(session, forms_db["registration"],
                                     {"full_name": "Zuberi Okonkwo-Lindqvist", "email": "zuberi.ol@example.org"},
                                     {ConsentKind.LISTED: True}, browser="b", client=None)  # fmt: skip
    assert result.outcome == "created"
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    next(s for s in app.selectbox if s.label == "Submission to void").set_value(result.submission_id)
    next(b for b in app.button if b.label == "Void it").click().run()
    assert not app.exception
    # One registration, five consents (one given, four refused), a person in no other module: all undone.
    assert [s.value for s in app.success] == [
        f"Submission {result.submission_id} is void: the person it created was removed; its 5 consent records "
        "were withdrawn."
    ]
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert session.get(Person, result.person_id) is None
        assert (
            session.scalar(sa.select(sa.func.count()).where(ConsentRecord.submission_id == result.submission_id)) == 0
        )


def test_a_registration_waiting_for_the_organisers_says_who_gives_the_check_in_code(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    # A recorded person registering with another phone waits for a facilitator, and gets no check-in code on the page
    # (the facilitator hands it on once settled). The page said only "received", as to a registration that went
    # through, so a participant who came back for a lost code left without one and without knowing why.
    with session_scope(make_engine(demo_sqlite_url)) as session:
        known = session.scalar(
            sa.select(Person).where(Person.email.is_not(None), Person.phone.is_not(None), Person.erased_at.is_(None))
        )
        name, email = known.full_name, known.email
    app = _run(forms_db["registration"])
    labels = [w.label for w in app.text_input]
    app.text_input[labels.index("Full name (required)")].input(name)
    app.text_input[labels.index("E-mail")].input(email)
    app.text_input[labels.index("Phone (with country code)")].input("+44 20 7946 0000")
    app.button[0].click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert [s.value for s in app.success] == [
        "Thank you: your registration was received. " + text("en", "your_code_later")
    ]


def _register_on_page(token: str, name: str, email: str) -> AppTest:
    app = _run(token)
    fields = [w.label for w in app.text_input]
    app.text_input[fields.index("Full name (required)")].input(name)
    app.text_input[fields.index("E-mail")].input(email)
    app.button[0].click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    return app


def test_a_reload_after_registering_shows_the_code_again_on_that_link_only(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """Seen on a phone: the code was shown once, and a reload (or the phone dropping the tab) showed an empty form."""
    app = _register_on_page(forms_db["registration"], "Lina Haddad", "lina.haddad@example.org")
    thanks = app.success[0].value
    code = thanks.split("**")[1]
    # Put in the address by the page's script (history.replaceState: no new step for the phone's Back button).
    with session_scope(make_engine(demo_sqlite_url)) as session:
        link_id = session.scalar(sa.select(FormLink.id).where(FormLink.token == forms_db["registration"]))
    shown_again = app.session_state[f"form_sent_{link_id}_receipt"]
    assert len(code) == 6 and f'searchParams.set("receipt", "{shown_again}")' in _scripts(app)
    # The reload: a new page session on the address with the receipt.
    again = AppTest.from_file(PAGE, default_timeout=60)
    again.query_params.update({"form": forms_db["registration"], "receipt": shown_again})
    again.run()
    assert not again.exception and [s.value for s in again.success] == [thanks]
    assert not again.text_input  # no second registration from it
    # The receipt on another form's link shows nothing of it.
    elsewhere = AppTest.from_file(PAGE, default_timeout=60)
    elsewhere.query_params.update({"form": forms_db["evaluation"], "receipt": shown_again})
    elsewhere.run()
    assert code not in _everything_shown(elsewhere)


def test_the_thank_you_page_reloaded_after_registration_closed_still_shows_the_code(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    """Registration closes before the module and the code is typed at the venue each day (the daily check-in): a phone
    that reloaded its thank-you page there showed only "This form was closed by the organisers", the code gone."""
    from programme.selfservice.submissions import void_submission

    app = _register_on_page(forms_db["registration"], "Lina Haddad", "lina.haddad@example.org")
    code = app.success[0].value.split("**")[1]
    with session_scope(make_engine(demo_sqlite_url)) as session:
        link_id = session.scalar(sa.select(FormLink.id).where(FormLink.token == forms_db["registration"]))
        close_forms(session, module_id=forms_db["module_id"], kind="registration", by="t")
    kept = app.session_state[f"form_sent_{link_id}_receipt"]

    def reloaded(form: str, receipt: str | None) -> AppTest:
        page = AppTest.from_file(PAGE, default_timeout=60)
        page.query_params.update({"form": form, **({"receipt": receipt} if receipt else {})})
        page.run()
        assert not page.exception
        return page

    again = reloaded(forms_db["registration"], kept)
    assert [s.value for s in again.success] == [
        "Thank you: your registration was received. " + text("en", "your_code", code=f"**{code}**")
    ]
    assert not again.text_input  # the form stays closed
    assert [t.value for t in again.title] == ["Registration"]
    assert [h.value for h in again.subheader] == ["Public form course — Advocacy with embassies"]
    # The closed link without the receipt, or with another's, says it is closed and shows no code.
    for receipt in (None, f"{kept.split('.')[0]}.not-the-secret", "1.x"):
        closed = reloaded(forms_db["registration"], receipt)
        assert "This form was closed by the organisers on" in _everything_shown(closed), receipt
        assert code not in _everything_shown(closed) and not closed.success
    # Voided by the facilitator: the receipt shows nothing either.
    with session_scope(make_engine(demo_sqlite_url)) as session:
        void_submission(session, int(kept.split(".")[0]), by="t")
    voided = reloaded(forms_db["registration"], kept)
    assert code not in _everything_shown(voided) and not voided.success
    assert "This form was closed by the organisers on" in _everything_shown(voided)


def test_registering_again_on_the_page_says_the_same_as_a_registration_waiting_for_review(forms_db: dict) -> None:
    """Seen on a phone: registering again with someone's name and e-mail gave a new working code for them."""
    first = _register_on_page(forms_db["registration"], "Lina Haddad", "lina.haddad@example.org")
    code = first.success[0].value.split("**")[1]
    again = _register_on_page(forms_db["registration"], "Lina Haddad", "lina.haddad@example.org")
    assert [s.value for s in again.success] == [
        "Thank you: your registration was received. " + text("en", "your_code_later")
    ]
    assert "**" not in again.success[0].value and code not in _everything_shown(again)
    assert "receipt" not in _scripts(again)


def _scripts(app: AppTest) -> str:
    """The page scripts the run drew (page_script.run_script's frames)."""
    return " ".join(frame.proto.srcdoc for frame in app.get("iframe"))


def test_the_organisers_give_a_lost_check_in_code_again_on_the_forms_page(forms_db: dict, demo_sqlite_url: str) -> None:
    """Registering again gives no code now: the organisers replace a lost one, on the page, shown once."""
    from programme.models import CheckinCode, ConsentKind, Participation, UserRole
    from programme.selfservice.checkin import _digest
    from programme.selfservice.registration import submit_registration
    from tests.apptest_support import run_page

    with session_scope(make_engine(demo_sqlite_url)) as session:
        result = submit_registration(session, forms_db["registration"],
                                     {"full_name": "Zuberi Okonkwo-Lindqvist", "email": "zuberi.ol@example.org"},
                                     {ConsentKind.LISTED: True}, browser="b", client=None)  # fmt: skip
        participation_id = session.scalar(
            sa.select(Participation.id).where(Participation.person_id == result.person_id)
        )
    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR)
    app.selectbox(key="forms_module").set_value(forms_db["module_id"]).run()
    next(s for s in app.selectbox if s.label == "Person").set_value(participation_id)
    next(b for b in app.button if b.label == "Give a new check-in code").click().run()
    assert not app.exception and not app.error
    said = [s.value for s in app.success if "New check-in code" in s.value]
    assert len(said) == 1 and "Zuberi Okonkwo" in said[0]
    new_code = said[0].split("**")[1]
    with session_scope(make_engine(demo_sqlite_url)) as session:
        stored = session.get(CheckinCode, participation_id).code_digest
    assert stored == _digest(forms_db["module_id"], new_code) != _digest(forms_db["module_id"], result.checkin_code)


def test_a_shared_tablet_s_next_person_does_not_get_the_last_one_s_code_on_a_reload(
    forms_db: dict, demo_sqlite_url: str
) -> None:
    with session_scope(make_engine(demo_sqlite_url)) as session:
        token = open_form(session, module_id=forms_db["module_id"], kind="registration", allow_multiple=True).token
    # The tablet was reloaded on the first person's thank-you page: the receipt is in its address.
    app = _register_on_page(token, "Tablet First", "tablet.first@example.org")
    code = app.success[0].value.split("**")[1]
    with session_scope(make_engine(demo_sqlite_url)) as session:
        link_id = session.scalar(sa.select(FormLink.id).where(FormLink.token == token))
    reloaded = AppTest.from_file(PAGE, default_timeout=60)
    reloaded.query_params.update({"form": token, "receipt": app.session_state[f"form_sent_{link_id}_receipt"]})
    reloaded.run()
    assert code in reloaded.success[0].value
    next(b for b in reloaded.button if b.label == "Next person: a new form").click().run()
    assert not reloaded.exception and reloaded.text_input and not reloaded.success
    assert code not in _everything_shown(reloaded)
    assert "receipt" not in reloaded.query_params and 'searchParams.delete("receipt")' in _scripts(reloaded)


def test_the_forms_page_writes_its_dates_in_words(forms_db: dict) -> None:
    """The page said "The registration form is open until 2027-03-12." and listed "open until 2027-03-12": the rest of
    the app writes a day in words ("12 March 2027"); the date field reads year first (03/12 would read two ways)."""
    from programme.models import UserRole
    from tests.apptest_support import run_page

    app = run_page("pages/participant_forms.py", UserRole.FACILITATOR, address={"module": str(forms_db["module_id"])})
    assert not app.exception
    field = next(field for field in app.date_input if field.label == "Closes after")
    offered = field.value
    assert field.proto.format == "YYYY/MM/DD"
    assert f"Offered: {offered.day} {offered:%B %Y}, a week after" in field.help
    field.set_value(date(2027, 3, 12))
    app = next(button for button in app.button if button.label == "Open the form").click().run()
    assert not app.exception
    said = [shown_text(success.value) for success in app.success]
    assert said == ["The registration form is open until 12 March 2027."], said
    listed = [m.value for m in app.markdown if m.value.startswith("**Registration**")]
    assert any(" · open until 12 March 2027 · " in line for line in listed), listed
    every = " ".join(e.value for e in (*app.markdown, *app.success, *app.caption, *app.info))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", every), every


@pytest.mark.parametrize(
    ("language", "day", "written"),
    [
        ("en", date(2027, 3, 12), "12 March 2027"),
        ("fr", date(2027, 3, 1), "1er mars 2027"),
        ("fr", date(2026, 12, 2), "2 décembre 2026"),
        ("es", date(2027, 3, 12), "12 de marzo de 2027"),
        ("id", date(2026, 8, 17), "17 Agustus 2026"),
        ("th", date(2026, 12, 2), "2 ธันวาคม 2569"),  # the Buddhist era: 2026 + 543
        ("ar", date(2027, 3, 12), "12 مارس 2027"),
    ],
)
def test_a_phone_form_writes_a_day_in_words_in_its_language(language: str, day: date, written: str) -> None:
    from programme.selfservice.labels import form_date

    assert form_date(language, day) == "\u2068" + written.replace(" ", "\u00a0") + "\u2069"
