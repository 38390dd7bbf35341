"""A question imported as numbered ratings ("Overall rating (1-5)", answered 1-5, uses_form_labels false) is offered as
the numbers 1-5 on the paper-entry page and on the participants' online form, not with the form's words ("Not at all
useful" ... "Extremely useful"), which nobody answered it with; the sessions' questions keep the words."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.evaluations import import_evaluations
from programme.evaluations.scales import answered_in_words
from programme.models import UserRole
from programme.selfservice.links import NUMBERED_KIND, open_form, public_form
from tests.apptest_support import run_page
from tests.test_evaluations import SAMPLE, make_module

WORDS = ["Not at all useful", "Slightly useful", "Useful", "Very useful", "Extremely useful"]
OVERALL = "Overall rating (1-5)"
SESSION = "Session 1: International human rights framework"


@pytest.fixture
def imported(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> dict:
    """A module whose evaluation form was imported from the sample export, with its online form open."""
    with session_scope(make_engine(sqlite_url)) as session:
        module = make_module(session)
        import_evaluations(session, data=Path(SAMPLE).read_bytes(), filename=SAMPLE.name, module_id=module.id, by="t")
        token = open_form(session, module_id=module.id, kind="evaluation").token
        kinds = {text: kind for _id, kind, text, _title, _number in public_form(session, token).questions}
        module_id = module.id
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return {"module_id": module_id, "token": token, "kinds": kinds}


def test_which_questions_are_offered_in_words() -> None:
    assert answered_in_words(1, 5, True)
    assert not answered_in_words(1, 5, False)  # imported as numbers
    assert not answered_in_words(0, 10, True)  # a 0-10 question has its own numbers


def test_the_public_form_offers_numbers_for_a_numbered_question(imported: dict) -> None:
    assert imported["kinds"][OVERALL] == NUMBERED_KIND
    assert imported["kinds"][SESSION] == "rating"
    app = AppTest.from_file(str(REPO_ROOT / "public" / "form.py"), default_timeout=60)
    app.query_params["form"] = imported["token"]
    app.run()
    assert not app.exception
    # Each question is numbered as on the paper form, a no-break space after its number: "6.\u00a0Overall rating...".
    options = {radio.label.split("\u00a0", 1)[1].replace("\\", ""): radio.options for radio in app.radio}
    assert options[OVERALL] == ["1", "2", "3", "4", "5"]
    session_radio = next(radio for radio in app.radio if "International human rights framework" in radio.label)
    assert session_radio.options == WORDS
    # Which end is best: bare numbers did not say (1 is the best grade in some countries). The ends are named.
    assert [caption.value for caption in app.caption].count("1 = lowest · 5 = highest") == 1  # the one numbered


def test_the_paper_entry_page_offers_numbers_for_a_numbered_question(imported: dict) -> None:
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app = app.selectbox(key="entry_module").set_value(imported["module_id"]).run()
    assert not app.exception
    # Labels as the page writes them for Markdown ("6\\. Overall rating \\(1\\-5\\)"): read without the escapes.
    # The question radios only (the Pre/post tests tab has a radio of its own).
    numbered = [radio for radio in app.radio if ". " in radio.label.replace("\\", "")]
    options = {radio.label.replace("\\", "").split(". ", 1)[1]: radio.options for radio in numbered}
    assert options[OVERALL] == ["1", "2", "3", "4", "5"]
    assert options[SESSION] == [f"{n} {word}" for n, word in enumerate(WORDS, start=1)]
    assert "uses_form_labels" not in app.dataframe[0].value.columns  # the form's table shows no internal column
