"""The participants' form page's drawing (public/form.py): thumb-sized targets, right-to-left languages, and why a Send
was refused said where the participant looks, in the form's language."""

from __future__ import annotations

import json

import streamlit as st

from programme.selfservice import labels as words
from programme.web import page_script
from programme.web.display import md_text

# The keyed container above the form that holds why a Send was refused (Streamlit gives it the class st-key-<key>).
NOTICE_KEY = "form_refused"
_REFUSALS = "form_refusals"


# The widest screen drawn as a phone's, and the prefix of the containers of the scales of words.
PHONE_WIDTH_PX = 640
_WORDED = "worded_scale_"


def worded_scale_key(answer_key: str) -> str:
    """The key of the container that holds a rating question offered as words (page_styles stacks them on a phone)."""
    return f"{_WORDED}{answer_key}"


def page_styles(language: str) -> None:
    """Thumb-sized targets (44 px, as phone guidelines ask): Streamlit draws a radio option or a checkbox 22 px high,
    so that on a phone "Good" and "Very good" sit a finger's width apart and a consent box is easily missed; and the
    page right to left in a right-to-left language."""
    st.html(
        "<style>.stMain [data-testid='stRadioOption'], .stMain [data-testid='stCheckbox'] label"
        " { min-height: 44px; min-width: 44px; align-items: center; }"
        " .stMain [data-testid='stRadioGroup'] { row-gap: 0; }"
        " .stMain [data-testid='stFormSubmitButton'] button { min-height: 48px; }"
        # A scale of words ("Very poor" ... "Very good") wrapped on a phone 3 + 2 or 4 + 1, out of its order read left
        # to right: on a narrow screen its words stand one under the other (the numbered scales keep their lines).
        f" @media (max-width: {PHONE_WIDTH_PX}px) {{ .stMain [class*='st-key-{_WORDED}'] [data-testid='stRadioGroup']"
        " { flex-direction: column; align-items: flex-start; } }</style>"
    )
    if language in words.RIGHT_TO_LEFT:
        st.html(
            "<style>.stMain .block-container, .stMain .block-container * { direction: rtl; text-align: right; }</style>"
        )


def say_refused(notice: st.delta_generator.DeltaGenerator, message: str) -> None:
    """Say why a Send was refused (the form closed meanwhile, a value not read) in notice, a placeholder above the
    form, and bring it into view: on a phone the Send button is at the bottom of a long form, and a message drawn under
    it was below the screen's edge (the participant saw nothing happen). The answers stay in the form below it."""
    # A new frame at each refusal (its count in the source), so that a second Send scrolls again; the frame waits for
    # the message to be drawn (up to 3 s), then centres it (the app's header covers the top of the screen).
    st.session_state[_REFUSALS] = st.session_state.get(_REFUSALS, 0) + 1
    with notice.container(key=NOTICE_KEY):
        st.error(md_text(message))  # it may quote what the participant typed: shown as text, never as Markdown
        page_script.run_script(
            f"<script>/* {st.session_state[_REFUSALS]} */ let tries = 0; const find = () => {{"
            f" const box = window.parent.document.querySelector('.st-key-{NOTICE_KEY}');"
            " if (box) { box.scrollIntoView({block: 'center'}); }"
            " else if (++tries < 30) { setTimeout(find, 100); } }; find();</script>"
        )


def keep_in_address(name: str, value: str | None) -> None:
    """Put name=value in the page's address (or take name out, value None) without a new step in the browser's
    history: st.query_params adds one, so that the phone's Back button showed the thank-you page again before leaving
    it. value is the app's own (a receipt: digits, a dot, URL-safe letters), written as a JavaScript string."""
    change = f"address.searchParams.set({json.dumps(name)}, {json.dumps(value)})" if value is not None else (
        f"address.searchParams.delete({json.dumps(name)})"
    )  # fmt: skip
    page_script.run_script(
        "<script>const address = new URL(window.parent.location.href);"
        f" {change}; window.parent.history.replaceState(window.parent.history.state, '', address.href);</script>"
    )
