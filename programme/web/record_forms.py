"""Forms that edit one record (a person, their consent, a module, a course, an account) while colleagues may save it.

Each form remembers the record as it was when it opened and hands it to the save (`opened`), which keeps what others
saved meanwhile in the fields the user did not change and refuses, with what is saved now, a field both changed
(programme/core/edits.py). A refusal keeps what the user typed in the fields they changed and draws the others
afresh with what is saved now, so that pressing Save again replaces only what they meant to change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import streamlit as st
from sqlmodel import Session

from programme.core.edits import EditConflict
from programme.core.errors import ProgrammeError
from programme.web.display import md_text
from programme.web.messages import action, forget, form_keys, show_error

T = TypeVar("T")

# {form: the record as it was when the form opened}; {form: the refusal to show above it on the next run}.
_OPENED = "programme.record_forms.opened"
_REFUSED = "programme.record_forms.refused"


class RecordForm:
    """One record's form: a widget key per field (form_keys), the record as it opened, the save."""

    def __init__(
        self,
        name: str,
        current: Mapping[str, Any],
        fields: Iterable[str] | None = None,
        *,
        key: Callable[[str], str] | None = None,
    ) -> None:
        """name: the form's own name; current: the record as saved now (stored values, by field); fields: those the
        form edits (current's by default); key: a field's widget key before form_keys (name_field by default)."""
        self.name = name
        fields = list(fields if fields is not None else current)
        key = key or (lambda field: f"{name}_{field}")
        self.keys = dict(zip(fields, form_keys(*(key(field) for field in fields)), strict=True))
        opened: dict[str, dict] = st.session_state.setdefault(_OPENED, {})
        # Drawn afresh (first time, after a save, or after being off screen: Streamlit dropped its widgets' values):
        # the widgets show the record as saved now, which is what the form opened with.
        if name not in opened or not any(key in st.session_state for key in self.keys.values()):
            opened[name] = dict(current)
        self.opened = opened[name]

    def key(self, field: str) -> str:
        return self.keys[field]

    def show_refusal(self) -> None:
        """Show the refusal of the last save, if the page was redrawn after one."""
        message = st.session_state.get(_REFUSED, {}).pop(self.name, None)
        if message:
            st.error(md_text(message))

    def saved(self) -> None:
        """After a save: the fields are drawn afresh with what is saved (and the form opens again)."""
        forget(*self.keys.values())
        st.session_state.get(_OPENED, {}).pop(self.name, None)

    def refused(self, error: ProgrammeError) -> None:
        """Show why nothing was saved; after a colleague's save, redraw the fields the user did not change."""
        if not isinstance(error, EditConflict):
            show_error(error)
            return
        st.session_state.setdefault(_OPENED, {})[self.name] = dict(error.now)
        forget(*(key for field, key in self.keys.items() if field not in error.changed))
        st.session_state.setdefault(_REFUSED, {})[self.name] = str(error)
        st.rerun()

    def save(
        self,
        call: Callable[[Session, dict], T],
        success: str | Callable[[T], str | None],
        *,
        then: Callable[[T], None] | None = None,
    ) -> T | None:
        """Run call(session, opened) in one transaction (ui.action); then the form shows what is saved."""

        def after(result: T) -> None:
            self.saved()
            if then is not None:
                then(result)

        return action(lambda session: call(session, self.opened), success, then=after, on_error=self.refused)
