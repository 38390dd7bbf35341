"""Messages: a user's mistake shown as a sentence, success kept across the rerun that follows a save, and
action(), which runs a domain call and does both."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from programme.core.errors import ProgrammeError
from programme.web.engine import db
from programme.web.text import md_text

T = TypeVar("T")
_FLASH_KEY = "flash_messages"


def flash(message: str, kind: str = "success") -> None:
    """Keep a message to show at the top of the page after the rerun that follows (st.rerun would wipe it).

    kind: success, info or warning. ui.guard (every page) and the sign-in form show the messages, once.
    """
    st.session_state.setdefault(_FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    """Show the messages kept by flash() and forget them."""
    for kind, message in st.session_state.pop(_FLASH_KEY, []):
        {"info": st.info, "warning": st.warning}.get(kind, st.success)(message)


# The session's generation of each form field cleared after a save (form_keys, forget).
_GENERATIONS = "programme.form_generations"
# Between a field's name and its generation in the widget's key.
_GENERATION_MARK = "~"


def form_keys(*names: str) -> tuple[str, ...]:
    """Return the widget keys of a form's fields (by name) in this run: a field cleared by forget gets a new key.

    Removing a widget's state clears it on the server only: the browser kept drawing (and a form sent again) what
    was typed, so a saved course's code stayed in the form, and a paper evaluation's ratings would have been sent
    again with the next form. A widget under a new key is drawn afresh, with its default.
    """
    generations: dict[str, int] = st.session_state.get(_GENERATIONS, {})
    return tuple(
        name if not generations.get(name) else f"{name}{_GENERATION_MARK}{generations[name]}" for name in names
    )


def forget(*keys: str) -> None:
    """Clear widgets (by key) to their defaults on the next run: a form kept as typed until it was saved.

    Keys made by form_keys are drawn afresh under their next generation's key (in the browser too); others are
    cleared on the server only."""
    generations: dict[str, int] = st.session_state.setdefault(_GENERATIONS, {})
    for key in keys:
        st.session_state.pop(key, None)
        name = key.split(_GENERATION_MARK, 1)[0]
        generations[name] = generations.get(name, 0) + 1


def done(message: str, *, clear: Sequence[str] = ()) -> None:
    """After a successful save: clear the form's widgets, keep the message for the next run, and rerun."""
    forget(*clear)
    flash(message)
    st.rerun()


def show_error(error: Exception) -> None:
    """Show a user's mistake as a clear message (never a traceback)."""
    st.error(md_text(error) if isinstance(error, ProgrammeError) else "Something went wrong; nothing was saved.")


def attempt(call: Callable[[], T]) -> T | None:
    """Return call() (no database: a change to a plan kept in the session); a ProgrammeError is shown, giving None."""
    try:
        return call()
    except ProgrammeError as error:
        show_error(error)
        return None


def action(
    call: Callable[[Session], T],
    success: str | Callable[[T], str | None] | None = None,
    *,
    clear: Sequence[str] = (),
    then: Callable[[T], None] | None = None,
    on_error: Callable[[ProgrammeError], None] | None = None,
) -> T | None:
    """Run call(session) in one transaction and return its result; a ProgrammeError is shown and gives None.

    With a success message (text, or a function of the result): after the call succeeded, `then(result)` runs
    (e.g. to open another record), the widgets in `clear` are cleared, the message is kept for the next run and
    the page reruns (an empty text: rerun without a message, when what follows shows it). Without one (None), the
    result is returned for the page to show (a read that may refuse).
    on_error: shows the error instead of the plain message (e.g. one message per field).
    """
    try:
        with db() as session:
            result = call(session)
    except ProgrammeError as error:
        (on_error or show_error)(error)
        return None
    if success is None:
        return result
    if then is not None:
        then(result)
    message = success(result) if callable(success) else success
    forget(*clear)
    if message:
        flash(message)
    st.rerun()
    return result  # not reached: st.rerun stops this run


def heading(title: str, caption: str) -> None:
    """Draw a page's title and the sentence under it that says what the page is for."""
    st.title(title)
    st.caption(caption)
