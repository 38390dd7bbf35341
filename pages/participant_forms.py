"""Forms for participants: open a module's registration or evaluation form, show its link and QR code full-screen
in the room, follow what arrives, void a submission, settle registrations that may be someone recorded, and give a
participant who lost their check-in code a new one."""

from datetime import date

import pandas as pd
import streamlit as st

from programme.core.words import day_in_words
from programme.selfservice import checkin, links, registration, submissions
from programme.selfservice.labels import LANGUAGES
from programme.selfservice.qr import qr_png
from programme.web import ui
from programme.web.display import md_text, readable

user = ui.guard(__file__)
FULL_SCREEN = "forms_full_screen"
KIND_LABELS = {"registration": "Registration", "evaluation": "Evaluation", "checkin": "Daily check-in"}
# The registration form's fields as the review queue compares them, typed beside recorded.
FIELD_LABELS = {"full_name": "Name", **{name: words.capitalize() for name, words in registration.CHANGE_WORDS.items()}}
FIELD_LABELS.pop("consent")

shown = st.session_state.get(FULL_SCREEN)
if shown:
    # Full screen for the room: the code and the address, nothing else.
    url, kind = shown
    st.html(
        "<style>header, [data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display:none}</style>"
    )
    st.markdown(f"## {KIND_LABELS[kind]}")
    # A square that fits a projected screen's height, centred, with the address under it.
    _, middle, _ = st.columns([1, 2, 1])
    middle.image(qr_png(url, scale=16), width=560)
    middle.code(url, language=None)
    if st.button("Back", key="forms_back"):
        st.session_state.pop(FULL_SCREEN, None)
        st.rerun()
    st.stop()

st.title("Forms for participants")
st.caption(
    "Participants register and evaluate on their own phones, through a link or a QR code, without an account. "
    "The forms run on this server: on a venue's network, start the app with `--server.address 0.0.0.0` and "
    "use this laptop's address on that network as the link's address (see the README)."
)
module_id = ui.module_picker("forms_module", opens_on="next")
if module_id is None:
    st.stop()

open_tab, sent_tab, review_tab, codes_tab = ui.tabs(
    ["Links and QR codes", "Submissions", "Registrations to review", "Check-in codes"], key="forms_tab"
)

with ui.db() as session:
    module_today = links.module_today(session, module_id)  # where the module is held: the forms' dates are its own
    closes_default = links.default_closing(session, module_id)  # a week after the module's last day, or after today
    checkin_warning = links.checkin_warning(session, module_id)  # a module that ended: no check-in link can take codes

with open_tab:
    with st.form("open-form"):
        kind = st.radio("Form", list(KIND_LABELS), horizontal=True, format_func=KIND_LABELS.get)
        if checkin_warning:
            st.caption(f"**Daily check-in:** {checkin_warning}")
        language = st.selectbox("Language of the form", list(LANGUAGES), format_func=LANGUAGES.get)
        closes = st.date_input(
            "Closes after",
            value=closes_default,
            min_value=module_today,
            format="YYYY/MM/DD",  # year first: 03/04 would read two ways
            help="The form takes answers until the end of this day, where the module is held. Offered: "
            f"{day_in_words(closes_default)}, a week after the module's last day (or after today, once it has ended).",
        )
        base_url = st.text_input(
            "Address participants reach",
            value=links.suggested_base_url(
                st.context.headers.get("Host"),
                st.context.headers.get("X-Forwarded-Proto"),
                int(st.get_option("server.port")),
            ),
            help="This laptop's address on the venue's network (found for you when it has one), or the team's server.",
        )
        several = st.checkbox("Allow several submissions from one browser (a shared tablet)")
        opened = st.form_submit_button("Open the form", type="primary")
    if opened:
        ui.action(
            lambda session: links.open_form(session, module_id=module_id, kind=kind, closes_on=closes,
                                            base_url=base_url.strip(), language=language, allow_multiple=several,
                                            by=user.username),
            lambda opened: f"The {KIND_LABELS[kind].lower()} form is open until {day_in_words(closes)}."
            + (f" {opened.note}" if opened.note else ""),
        )  # fmt: skip
    with ui.db() as session:
        forms = links.list_forms(session, module_id)
    if not forms:
        st.info("No form opened for this module yet.")
    for form in forms:
        with st.container(border=True):
            state = "open" if form["open"] else "closed"
            until = f" until {day_in_words(date.fromisoformat(form['closes']))}" if form["closes"] else ""
            st.markdown(
                f"**{KIND_LABELS[form['kind']]}** · {LANGUAGES.get(form['language'], form['language'])} · {state}{until}"
                f" · {form['submissions']} sent"
            )
            if not form["open"]:
                continue
            st.code(form["url"], language=None)
            left, right = st.columns([1, 2])
            left.image(qr_png(form["url"], scale=6), width=180)
            if right.button("Show full screen", key=f"full_{form['id']}", icon=":material/fullscreen:"):
                st.session_state[FULL_SCREEN] = (form["url"], form["kind"])
                st.rerun()
            if right.button("Close this form", key=f"close_{form['id']}"):
                with ui.db() as session:
                    links.close_link(session, form["id"], by=user.username)
                ui.done(f"The {KIND_LABELS[form['kind']].lower()} form is closed.")

with sent_tab:
    with ui.db() as session:
        table = submissions.submissions_table(session, module_id)
    if table.empty:
        st.info("Nothing sent through this module's forms yet.")
    else:
        shown = table.assign(kind=table["kind"].map(lambda kind: KIND_LABELS.get(kind, kind)))
        ui.table(
            readable(shown, text=["kind", "outcome"]),
            hide_index=True,
            column_config={
                "id": "Number",
                "kind": "Form",
                # In words as the app writes dates, and still sorted by the moment, not by its letters.
                "submitted_at": st.column_config.DatetimeColumn("Sent (UTC)", format="D MMM YYYY, HH:mm"),
                "outcome": "Result",
                "voided": "Void",
            },
        )
        st.caption(
            "Result: created or updated a person, queued for review (then merged, created or discarded), or answered "
            "(an evaluation). Names are not shown here; an evaluation is anonymous. Voiding undoes what a submission "
            "did and says what: a registration's participation (unless the person has since taken part), the fields "
            "it changed (unless changed since) and its consents."
        )
        live = [int(i) for i in table.loc[~table["voided"].astype(bool), "id"]]
        with st.form("void"):
            chosen = st.selectbox("Submission to void", live, index=None, placeholder="Choose a number")
            void = st.form_submit_button("Void it")
        if void and chosen is not None:
            ui.action(
                lambda session: submissions.void_submission(session, chosen, by=user.username),
                lambda effect: f"Submission {chosen} is void: {effect}.",
            )

with review_tab:
    with ui.db() as session:
        queue = registration.review_queue(session, module_id)
        # A button pressed on a registration a colleague settled since: it is no longer drawn; say who settled it.
        waiting, drawn = {item["id"] for item in queue}, f"review_drawn_{module_id}"
        for number in set(st.session_state.get(drawn, ())) - waiting:
            if any(st.session_state.get(f"{choice}_{number}") for choice in ("merge", "create", "discard")):
                st.warning(md_text(registration.settled_already(session, number)))
        st.session_state[drawn] = sorted(waiting)
    if not queue:
        st.info("No registration is waiting: each matched a record for certain, or was new.")
    for item in queue:
        with st.container(border=True):
            typed, candidate = item["typed"], item["candidate"] or {}
            name = md_text(typed.get("full_name", ""))
            if item["reason"].startswith("would change"):
                st.markdown(f"**{name}** matches a person already recorded, and {item['reason']}: update the record "
                            "only if the person is who they say they are.")  # fmt: skip
            else:
                st.markdown(f"**{name}** may be a person already recorded: {md_text(item['why'])}.")  # fmt: skip
            # Every field typed or recorded, so the facilitator sees what "update the record" would change.
            compared = [name for name in FIELD_LABELS if typed.get(name) or candidate.get(name)]
            compare = pd.DataFrame(
                {
                    "field": [FIELD_LABELS[name] for name in compared],
                    "typed": [typed.get(name) for name in compared],
                    "recorded": [candidate.get(name) for name in compared],
                }
            )
            ui.table(readable(compare, text=["typed", "recorded"]), hide_index=True)
            merge, create, discard = st.columns(3)
            decision = None
            if merge.button("Same person: update the record", key=f"merge_{item['id']}", disabled=not candidate):
                decision = "merge"
            if create.button("Someone else: create a person", key=f"create_{item['id']}"):
                decision = "create"
            if discard.button("Discard", key=f"discard_{item['id']}"):
                decision = "discard"
            if decision:
                ui.action(
                    lambda session, number=item["id"], choice=decision: registration.settle_review(
                        session, number, decision=choice, by=user.username
                    ),
                    lambda settled: (
                        "Registration settled."
                        + (
                            f" Their check-in code is **{settled.checkin_code}**: give it to them (it is shown once)."
                            if settled.checkin_code
                            else " They have a check-in code already: it still works (a lost one: Check-in codes)."
                            if settled.kept_code
                            else ""
                        )
                    ),
                )

with codes_tab:
    st.caption(
        "A participant who lost their check-in code asks you: registering again gives no code (anyone who knows their "
        "name and e-mail could). Codes are kept only as a digest, so a code cannot be shown again, only replaced: "
        "the new one is shown once, here, and the old one stops working."
    )
    with ui.db() as session:
        holders = checkin.code_holders(session, module_id)
    if holders.empty:
        st.info("Nobody is in this module yet.")
    else:
        with st.form("new_code"):
            names = dict(zip(holders["participation_id"], holders["full_name"], strict=True))
            has = dict(zip(holders["participation_id"], holders["has_code"], strict=True))
            whom = st.selectbox("Person", list(names), index=None, placeholder="Choose a person",
                                format_func=lambda number: f"{names[number]}{'' if has[number] else ' (no code yet)'}")  # fmt: skip
            give = st.form_submit_button("Give a new check-in code")
        if give and whom is not None:
            ui.action(
                lambda session: checkin.reissue_code(session, int(whom), by=user.username),
                lambda code: (
                    f"New check-in code for {md_text(names[whom])}: **{code}**. Give it to them (it is shown "
                    "once); the code they had no longer works."
                ),
            )
