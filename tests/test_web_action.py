"""ui.action: a domain call's refusal shown as its sentence, its success kept across the rerun, the form cleared."""

from __future__ import annotations

import pytest

SCRIPT = """
import streamlit as st
from programme.core.errors import ProgrammeError
from programme.web import ui


def refuse(session):
    raise ProgrammeError("Row 3, column Nationality: 'Atlantis' is not a country we recognise.")


ui.show_flash()
typed = st.text_input("Name", key="typed")
if st.button("Refused", key="refused"):
    ui.action(refuse, "never shown", clear=("typed",))
if st.button("Saved", key="saved"):
    ui.action(lambda session: len(typed), lambda n: f"Saved {n} letters.", clear=("typed",))
found = ui.action(lambda session: "read", None)
st.markdown(f"read={found}")
"""


def test_action_shows_a_refusal_and_keeps_what_was_typed(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert app.markdown[0].value == "read=read"  # without a message: the result, no rerun
    app.text_input(key="typed").set_value("Ana").run()
    app = app.button(key="refused").click().run()
    # Shown as text: md_text escapes what Markdown would read, so the sentence reads as written.
    assert [error.value.replace("\\", "") for error in app.error] == [
        "Row 3, column Nationality: 'Atlantis' is not a country we recognise."
    ]
    assert not app.success
    assert app.text_input(key="typed").value == "Ana"  # kept to be corrected


def test_action_keeps_its_success_for_the_rerun_and_clears_the_form(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = AppTest.from_string(SCRIPT, default_timeout=60).run()
    app.text_input(key="typed").set_value("Ana").run()
    app = app.button(key="saved").click().run()
    assert [success.value for success in app.success] == ["Saved 3 letters."]
    assert not app.error
    assert app.text_input(key="typed").value == ""
    assert not app.run().success  # shown once
