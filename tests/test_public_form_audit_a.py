"""The public form page in the form's own language when the form closes while a participant is filling it in."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.selfservice.labels import text
from programme.selfservice.links import close_forms, open_form

PAGE = str(REPO_ROOT / "public" / "form.py")


@pytest.mark.parametrize("kind", ["registration", "evaluation"])
def test_a_form_closed_while_it_is_filled_in_says_so_in_its_language(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, kind: str
) -> None:
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_course(session, code="PUBA", title="Public form course", by=None)
        module = add_module(session, course_code="PUBA", number=1, title="Advocacy with embassies",
                            start=date(2026, 12, 2), end=date(2026, 12, 3), by=None)  # fmt: skip
        token = open_form(session, module_id=module.id, kind=kind, language="fr").token
        module_id = module.id
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["form"] = token
    app.run()
    if kind == "registration":
        app.text_input[0].input("Somchai Prasert")
    else:
        app.radio[0].set_value(4)
    with session_scope(make_engine(demo_sqlite_url)) as session:
        close_forms(session, module_id=module_id, by="facilitator")
    app.button[0].click().run()
    assert not app.exception
    # The typed answers cannot be kept (the form is closed), but the participant reads why in the form's language.
    assert [m.value for m in app.markdown] == [text("fr", "unavailable")] and not app.text_input
