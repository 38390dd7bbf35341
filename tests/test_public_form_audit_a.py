"""The public form page in the form's own language when the form closes while a participant is filling it in."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import FormLink, FormSubmission
from programme.selfservice.labels import text
from programme.selfservice.links import UNKNOWN_LINK, close_forms, open_form
from tests.apptest_support import shown_text

PAGE = str(REPO_ROOT / "public" / "form.py")


@pytest.mark.parametrize("kind", ["registration", "evaluation", "checkin"])
def test_a_form_closed_while_it_is_filled_in_keeps_the_answers_and_says_why_in_its_language(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, kind: str
) -> None:
    """Seen in a journey audit: the organisers closed the form while a participant typed, and Send left a page with one
    sentence ("not valid, or closed") and nothing of what they had typed. The form is drawn again, their answers in
    it, with when it closed and whom to ask, in the form's language; nothing is stored."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_course(session, code="PUBA", title="Public form course", by=None)
        module = add_module(session, course_code="PUBA", number=1, title="Advocacy with embassies",
                            start=date.today(), end=date.today() + timedelta(days=1), by=None)  # fmt: skip
        # Held today: a daily check-in link cannot be opened for a module that has ended.
        token = open_form(session, module_id=module.id, kind=kind, language="fr").token
        module_id = module.id
        before = _submissions(session)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["form"] = token
    app.run()
    if kind == "evaluation":
        app.radio[0].set_value(4)
    else:
        app.text_input[0].input("Somchai Prasert" if kind == "registration" else "ABC123")
    with session_scope(make_engine(demo_sqlite_url)) as session:
        close_forms(session, module_id=module_id, by="facilitator")
        closed_at = session.scalar(sa.select(FormLink.closed_at).where(FormLink.module_id == module_id))
    app.button[0].click().run()
    assert not app.exception
    # What they typed is still there, in the form, to copy or to send another way.
    if kind == "evaluation":
        assert app.radio[0].value == 4
    else:
        assert app.text_input[0].value == ("Somchai Prasert" if kind == "registration" else "ABC123")
    # The reason, in French: when the organisers closed it (the module has no country: the computer's time zone),
    # that the answers were not sent, and whom to ask.
    when = closed_at.replace(tzinfo=UTC).astimezone()
    errors = [shown_text(error.value) for error in app.error]
    assert len(errors) == 1
    offset = f"{when:%z}"
    french = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    day = "1er" if when.day == 1 else str(when.day)  # the date in French words, as the phone reads it
    moment = f"{_in_words(f'{day} {french[when.month - 1]} {when.year}')}\u00a0à\u00a0{_unbroken(f'{when:%H:%M}')}"
    stamp = f"{moment} (UTC{offset[:3]}:{offset[3:]})"
    assert errors[0].startswith(shown_text(text("fr", "closed_at", when=stamp)))  # shown_text: as read on screen
    assert text("fr", "answers_kept") in errors[0] and text("fr", "ask_organisers") in errors[0]
    assert text("fr", "unavailable") not in errors[0]
    # Above the answers (on a phone, a message under Send was below the screen's edge): before the form in the page.
    drawn = [node.type for node in _in_order(app.main)]
    assert drawn.index("error") < drawn.index("form"), drawn
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert _submissions(session) == before  # nothing stored: the form is closed
    # Sending again is refused again, the answers still kept.
    app.button[0].click().run()
    assert not app.exception and len(app.error) == 1 and (app.radio or app.text_input)


def _in_order(node):  # type: ignore[no-untyped-def]
    """Every element of an AppTest tree, in the order the page draws them."""
    yield node
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else ():
        yield from _in_order(child)


def _in_words(text: str) -> str:
    """A date in words as a line never breaks it and in its own direction, written out here: U+2068 (first-strong
    isolate), the words with no-break spaces, U+2069 (pop isolate)."""
    return "\u2068" + text.replace(" ", "\u00a0") + "\u2069"


def _unbroken(text: str) -> str:
    """A date and time as a line never breaks it, written out here: U+2066 (left-to-right isolate), the text with a
    word joiner (U+2060) each side of each hyphen and a no-break space, U+2069 (pop isolate)."""
    return "\u2066" + text.replace("-", "\u2060-\u2060").replace(" ", "\u00a0") + "\u2069"


def _submissions(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(sa.select(sa.func.count()).select_from(FormSubmission)))


def test_a_closed_or_expired_link_says_when_and_what_to_do_a_wrong_one_nothing(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """An expired link said only "not valid, or closed": now when it closed and to ask the organisers; a token that is
    no form's still says one sentence and nothing more."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_course(session, code="PUBB", title="Public form course", by=None)
        module = add_module(session, course_code="PUBB", number=1, title="Advocacy with embassies",
                            start=date.today(), end=date.today() + timedelta(days=1), by=None)  # fmt: skip
        # Held today: a daily check-in link cannot be opened for a module that has ended.
        expired = open_form(session, module_id=module.id, kind="registration", language="es")
        link = session.scalar(sa.select(FormLink).where(FormLink.token == expired.token))
        link.opens_on, link.closes_on = date(2020, 3, 1), date(2020, 3, 9)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["form"] = expired.token
    app.run()
    assert not app.exception and not app.text_input and not app.title
    shown = [m.value for m in app.markdown]
    assert shown == [f"{text('es', 'closed_on', day=_in_words('9 de marzo de 2020'))} {text('es', 'ask_organisers')}"]
    assert "Advocacy" not in shown[0]  # no data of the module
    wrong = AppTest.from_file(PAGE, default_timeout=60)
    wrong.query_params["form"] = "B" * 32
    wrong.run()
    assert [m.value for m in wrong.markdown] == [UNKNOWN_LINK]


def test_the_closing_time_is_said_in_the_modules_time_zone() -> None:
    from datetime import datetime

    from programme.selfservice.links import closed_moment

    # Stored in UTC (naive on SQLite): 07:30 UTC is 14:30 in Bangkok (UTC+7, no summer time), 16:30 in Tokyo; the
    # date in words, in the form's language, and the time never broken at a line's end (a phone wrapped "2026-12-" /
    # "05"), the zone free to.
    assert closed_moment(datetime(2026, 12, 5, 7, 30), "THA") == (
        "\u20685\u00a0December\u00a02026\u2069\u00a0at\u00a0\u206614:30\u2069 (UTC+07:00)"
    )
    assert (
        closed_moment(datetime(2026, 12, 5, 7, 30, tzinfo=UTC), "JPN", "es")
        == f"{_in_words('5 de diciembre de 2026')}\u00a0a\u00a0las\u00a0{_unbroken('16:30')} (UTC+09:00)"
    )
