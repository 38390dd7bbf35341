"""The public form page: reached only with a form link (?form=TOKEN), without signing in.

It shows the form and nothing else from the database (the module's title and dates; for an evaluation, the session
titles). An invalid link gets one sentence; a closed or expired one says when it closed and to ask the organisers; a
form closed while it is filled in keeps the answers on Send, that sentence above them and scrolled into view (on a
phone, Send is at the screen's bottom). streamlit_app.py routes here, and only here, when the address holds a form
token; every other page keeps its sign-in guard.
"""

import secrets

import streamlit as st

from programme.core.errors import ProgrammeError
from programme.models import ConsentKind, FormKind, Gender, OrgType
from programme.selfservice import checkin, receipt, registration, submissions
from programme.selfservice import labels as words
from programme.selfservice.evaluation import (
    answer_key,
    answers_given,
    is_answer_key,
    removed_sentence,
    submit_evaluation,
)
from programme.selfservice.links import (
    NUMBERED_KIND,
    QUERY_PARAMETER,
    FormUnavailable,
    PublicForm,
    public_form,
    unavailable_sentence,
)
from programme.selfservice.submissions import TEXT_ANSWER_MAX
from programme.web import browser_cookie, form_page, ui
from programme.web.display import md_label, md_text

if browser_cookie.token() is not None:
    # A browser signed in to the app shows a participant's form: a tablet handed round for check-ins. Whoever holds
    # it next and opens the app's address meets the sign-in form (the tabs already open keep their own sign-in).
    browser_cookie.expire(sidebar=False)


def draw_heading(form: PublicForm, say: dict) -> None:
    """The form's kind, the course and module, its dates and city, in the form's language."""
    title = {
        FormKind.REGISTRATION: say["registration_title"],
        FormKind.EVALUATION: say["evaluation_title"],
        FormKind.CHECKIN: say["checkin_title"],
    }[form.kind]
    st.title(title)
    st.subheader(md_text(form.heading))
    language = form.language
    dates = words.text(language, "module_dates", start=words.form_date(language, form.start_date),
                       end=words.form_date(language, form.end_date))  # fmt: skip
    st.caption(f"{dates} · {md_text(form.city)}" if form.city else dates)


token = st.query_params.get(QUERY_PARAMETER)
# The form as drawn: closed while it is filled in, it is drawn again on Send with what was typed (nothing is stored).
DRAWN_KEY = "form_drawn"
closed = False
try:
    with ui.db() as session:
        form = public_form(session, token)
    st.session_state[DRAWN_KEY] = (token, form)
except FormUnavailable:
    drawn = st.session_state.get(DRAWN_KEY)
    if drawn is None or drawn[0] != token:
        with ui.db() as session:
            # A registration's thank-you page reloaded after the form closed (at the venue, for the daily check-in):
            # its receipt still shows the code (receipt.py); anything else gets the closed link's sentence.
            shown = receipt.code_after_closing(session, token, st.query_params.get(receipt.QUERY_PARAMETER))
            sentence = unavailable_sentence(session, token) if shown is None else ""
        if shown is None:
            st.write(sentence)
            st.stop()
        form, code = shown
        say = words.labels(form.language)
        form_page.page_styles(form.language)
        draw_heading(form, say)
        st.success(say["thanks_registration"] + " " + words.text(form.language, "your_code", code=f"**{code}**"))
        st.stop()
    form, closed = drawn[1], True

language = form.language
say = words.labels(language)
form_page.page_styles(language)
# An evaluation is anonymous, so a second one from a phone (a reload, the link opened again) could never be told apart:
# the browser keeps a key of its own in a cookie, and one evaluation per browser holds across reloads and tabs (unless
# the facilitator allowed several). A registration (matched by name and e-mail, a shared phone handed on) and a
# check-in (a phone checks in each day on one link) stay one per page session.
if "form_browser" not in st.session_state:
    kept = browser_cookie.form_browser() if form.kind == FormKind.EVALUATION else None
    st.session_state["form_browser"] = kept or secrets.token_hex(16)
browser = st.session_state["form_browser"]
sent_key = f"form_sent_{form.link_id}"

draw_heading(form, say)
notice = st.empty()  # why a Send was refused: above the answers, scrolled into view (form_page.say_refused)


def with_code(code: str) -> str:
    return say["thanks_registration"] + " " + words.text(language, "your_code", code=f"**{code}**")


# A registration's thank-you page keeps its receipt in the address (receipt.py): a reload, or a phone that dropped
# the tab, shows the code again on that link; anywhere else the receipt shows nothing.
kept_receipt = st.query_params.get(receipt.QUERY_PARAMETER)
if st.session_state.pop("form_forget_receipt", False):  # the next person on a shared tablet: not the last one's code
    st.query_params.pop(receipt.QUERY_PARAMETER, None)
    form_page.keep_in_address(receipt.QUERY_PARAMETER, None)
elif kept_receipt and sent_key not in st.session_state and form.kind == FormKind.REGISTRATION:
    with ui.db() as session:
        code_again = receipt.open_receipt(session, token, kept_receipt)
    if code_again:
        st.session_state[sent_key] = with_code(code_again)
        st.session_state[f"{sent_key}_receipt"] = kept_receipt
    else:  # voided, or the code replaced by the organisers since: said, and the form is drawn empty
        form_page.keep_in_address(receipt.QUERY_PARAMETER, None)
        st.info(say["receipt_gone"])
if sent_key not in st.session_state and not closed:
    with ui.db() as session:
        if submissions.sent_already(session, token, browser=browser):  # sent before a reload, or from another tab
            # A double tap: the second run interrupted the first after it saved the registration; its code is shown.
            own = receipt.of_browser(session, token, browser) if form.kind == FormKind.REGISTRATION else None
            code_again = receipt.open_receipt(session, token, own) if own else None
            if code_again is None:
                st.info(say["already_sent"])
                st.stop()
            st.session_state[sent_key] = with_code(code_again)
            st.session_state[f"{sent_key}_receipt"] = own
if sent_key in st.session_state:
    st.success(st.session_state[sent_key])
    if st.session_state.get(f"{sent_key}_note"):  # answers not kept: their questions were removed meanwhile
        st.warning(st.session_state[f"{sent_key}_note"])
    if st.session_state.get(f"{sent_key}_receipt"):  # in the address: a reload shows the code again
        form_page.keep_in_address(receipt.QUERY_PARAMETER, st.session_state[f"{sent_key}_receipt"])
    # A shared tablet (the facilitator allowed several submissions): the next person starts on an empty form.
    if not form.allow_multiple or not st.button(say["another"], type="primary"):
        st.stop()
    for key in [key for key in st.session_state if is_answer_key(key)] + [sent_key, f"{sent_key}_note"]:
        st.session_state.pop(key, None)
    if st.session_state.pop(f"{sent_key}_receipt", None):  # the next person's reload must not show this one's code
        st.session_state["form_forget_receipt"] = True
    st.rerun()


def closed_now() -> str:
    # A form closed between the page's drawing and the sending: when, that the answers are still on the page (drawn
    # again from DRAWN_KEY), and what to do, in the form's language.
    with ui.db() as session:
        return unavailable_sentence(session, token, kept=True)


def refused(error: ProgrammeError | str) -> None:
    if not isinstance(error, FormUnavailable):
        form_page.say_refused(notice, str(error))
    elif not closed:  # closed since this run began (else said above the answers as it began)
        form_page.say_refused(notice, closed_now())


if closed:  # closed while it was filled in: said as the run begins (on Send, or any rerun), above the answers
    form_page.say_refused(notice, closed_now())


def registration_form() -> None:
    org_types = say["org_types"]
    genders = say["genders"]
    with st.form("registration"):
        st.markdown(f"**{md_text(say['about_you'])}**")
        values = {
            "full_name": st.text_input(say["full_name"], max_chars=300),
            "email": st.text_input(say["email"], max_chars=254),
            "phone": st.text_input(say["phone"], max_chars=40),
            "nationality": st.text_input(say["nationality"], max_chars=100),
            "country_of_work": st.text_input(say["country_of_work"], max_chars=100),
            "organisation": st.text_input(say["organisation"], max_chars=300),
            "org_type": st.selectbox(
                say["org_type"],
                [t.value for t in OrgType],
                index=None,
                format_func=lambda v: org_types.get(v, v),
                placeholder=say["choose"],
            ),  # fmt: skip
            "position": st.text_input(say["position"], max_chars=200),
            "gender": st.radio(
                say["gender"], [g.value for g in Gender], index=None, format_func=lambda v: genders.get(v, v)
            ),  # fmt: skip
            "languages": st.text_input(say["languages"], max_chars=300),
        }
        st.markdown(f"**{md_text(say['consent_heading'])}**")
        st.caption(say["consent_intro"])
        consents = {kind: st.checkbox(md_label(registration.consent_wording(language, kind))) for kind in ConsentKind}
        sent = st.form_submit_button(say["submit"], type="primary", use_container_width=True)
    if not sent:
        return
    typed = {name: (value or "") for name, value in values.items()}
    try:
        with ui.db() as session:
            result = registration.submit_registration(session, token, typed, consents, browser=browser,
                                                      client=ui.client_address())  # fmt: skip
    except ProgrammeError as error:
        refused(error)
        return
    if result.checkin_code:
        st.session_state[sent_key] = with_code(result.checkin_code)
        st.session_state[f"{sent_key}_receipt"] = result.receipt
    else:
        # Queued for a facilitator, or registered before (the code given then still works): one sentence for both, so
        # that a stranger who typed someone's name and e-mail learns neither that they are registered nor a code.
        st.session_state[sent_key] = say["thanks_registration"] + " " + say["your_code_later"]
    st.rerun()


def question_label(number: int, stored: str, title: str | None, standard: int | None) -> str:
    # Widget labels: read out by screen readers as written (md_label leaves commas and hyphens unescaped). The asked
    # questions are numbered 1, 2, 3... as on the paper form; a no-break space after the number, so that "1. " does
    # not start a Markdown list (a label would drop its marker).
    if title is not None:
        wording = words.text(language, "session_question", title=md_label(title))
    elif standard is not None:
        wording = md_label(say["standard"][standard])
    else:
        wording = md_label(stored)
    return f"{number}.\u00a0{wording}"


def ends(lowest: int, highest: int) -> str:  # under a scale of numbers: "1 = lowest · 5 = highest"
    low, high = say["scale_ends"]
    return f"{lowest} = {md_text(low)} · {highest} = {md_text(high)}"


def evaluation_form() -> None:
    scale = list(form.scale_labels or say["scale"])
    st.caption(say["anonymous_note"])
    with st.form("evaluation"):
        for number, (question_id, kind, stored, title, standard) in enumerate(form.questions, start=1):
            label = question_label(number, stored, title, standard)
            # A widget's key names how it is offered: a question whose kind or scale was changed since the page was
            # drawn (the form edited meanwhile) is a new, empty widget. Under the same key the radio keeps the choice
            # made on the old options, and a 4 out of 5 would be stored as an answer out of 10.
            key = answer_key(question_id, kind)
            # Bare numbers say nothing of which end is best (a 1 is the best grade in some countries): the two
            # ends are named under them, in the form's language.
            if kind == "rating 0-10":
                st.radio(label, list(range(11)), index=None, horizontal=True, key=key)
                st.caption(ends(0, 10))
            elif kind == NUMBERED_KIND:  # imported as numbered ratings: the numbers, not the form's words
                st.radio(label, [1, 2, 3, 4, 5], index=None, horizontal=True, key=key)
                st.caption(ends(1, 5))
            elif kind == "rating":
                with st.container(key=form_page.worded_scale_key(key)):  # on a phone, one word under the other
                    st.radio(label, [1, 2, 3, 4, 5], index=None, horizontal=True, format_func=lambda r: scale[r - 1],
                             key=key)  # fmt: skip
            else:
                st.text_area(label, max_chars=TEXT_ANSWER_MAX, key=key)
        sent = st.form_submit_button(say["submit"], type="primary", use_container_width=True)
    if not sent:
        return
    # Every answer given on the page, those to questions no longer drawn included (taken off, removed or changed
    # while it was open): the submission keeps what it can and says what it could not.
    answers, offered = answers_given(st.session_state.to_dict())
    try:
        with ui.db() as session:
            result = submit_evaluation(session, token, answers, browser=browser, client=ui.client_address(),
                                       offered=offered)  # fmt: skip
    except ProgrammeError as error:
        refused(error)
        return
    st.session_state[sent_key] = say["thanks_evaluation"]
    st.session_state[f"{sent_key}_note"] = removed_sentence(language, result.removed)
    st.rerun()


def checkin_form() -> None:
    with st.form("checkin"):
        code = st.text_input(say["checkin_code"], max_chars=12)
        sent = st.form_submit_button(say["submit"], type="primary", use_container_width=True)
    if not sent:
        return
    try:
        with ui.db() as session:
            checked = checkin.check_in(session, token, code, browser=browser, client=ui.client_address())
    except ProgrammeError as error:
        refused(error)
        return
    if checked is None:
        refused(say["checkin_unknown"])
        return
    day, again = checked  # again: checked in already today (told so, not thanked as if it were the first time)
    st.session_state[sent_key] = words.text(language, "checkin_again" if again else "checkin_done", day=day)
    st.rerun()


{FormKind.REGISTRATION: registration_form, FormKind.EVALUATION: evaluation_form, FormKind.CHECKIN: checkin_form}[
    form.kind
]()

if form.kind == FormKind.EVALUATION and browser_cookie.form_browser() != browser:
    # Last on the page (its zero-height frame would push the title down), once a page session: the cookie outlives it.
    if not st.session_state.get("form_browser_kept"):
        browser_cookie.keep_form_browser(browser)
        st.session_state["form_browser_kept"] = True
