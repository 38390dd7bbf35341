"""The Participants page's forms for one person (correct, merge, forget) and consent for many at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import streamlit as st

from programme.access.accounts import SignedIn
from programme.access.erasure import forget_person
from programme.alumni.profile import CONSENT_FLAGS
from programme.core.errors import ProgrammeError
from programme.models import Gender, OrgType, UserRole
from programme.people.consent import module_people, set_consent_many
from programme.people.countries import country_name
from programme.people.duplicates import possible_duplicates
from programme.people.edit import EDITABLE, PersonEditError, edit_person, person_record
from programme.people.merge import merge_people
from programme.people.participants import person_participations
from programme.web import ui
from programme.web.display import md_text, readable
from programme.web.record_forms import RecordForm

# A merged field's name in the users' words.
MERGE_FIELD_WORDS = {"email": "e-mail", "organisation_id": "organisation", "country_of_work": "country of work"}


# What a person's label in the page's picker is made of (person_label), and the key under which a corrected
# person is chosen again in it, so that it shows the corrected label (reselect).
LABELLED_BY = ("full_name", "nationality", "organisation")
RESELECT = "people_reselect"


def reselect(picker_key: str, listed: Iterable[int]) -> None:
    """Before the picker is drawn: choose again the person whose label a correction changed, when the picker still
    lists them (their new name may no longer match the search; the page then keeps them open without it).
    Streamlit's box keeps showing the label it was chosen with until its value is set anew."""
    person_id = st.session_state.pop(RESELECT, None)
    if person_id is None:
        return
    if person_id in set(listed):
        st.session_state[picker_key] = person_id
    else:
        st.session_state.pop(picker_key, None)
        st.session_state["people_open"] = person_id


def person_label(record: dict) -> str:
    parts = [record["full_name"], country_name(record["nationality"]) if record["nationality"] else None]
    return " · ".join(part for part in [*parts, record["organisation"]] if part)


def edit_form(user: SignedIn, person_id: int, record: dict) -> None:
    """The record's fields as typed: countries by name or code, phone as written; saved through the import's rules."""
    st.caption(
        "The name is kept as typed, in the order typed. "
        "Type countries by name or code and phone numbers as written; they are read as an import reads them. "
        "The organisation type belongs to the organisation: changing it changes it for everyone there. "
        "Every change is kept in the audit trail with the values before and after."
    )
    form = RecordForm(f"edit_{person_id}", record, EDITABLE, key=lambda name: f"edit_{name}_{person_id}")
    form.show_refusal()
    with st.form(f"edit_person_{person_id}"):
        values: dict[str, str] = {}
        left, right = st.columns(2)
        for index, (name, label) in enumerate(EDITABLE.items()):
            column = left if index % 2 == 0 else right
            current = record[name] or ""
            key = form.key(name)
            if name == "gender":
                genders = [g.value for g in Gender]
                values[name] = column.selectbox(label, genders, index=genders.index(current), key=key)
            elif name == "org_type":
                types = ["", *(t.value for t in OrgType)]
                values[name] = column.selectbox(
                    label, types, index=types.index(current), key=key, format_func=lambda t: t or "—"
                )
            elif name in ("nationality", "country_of_work"):
                values[name] = column.text_input(label, value=country_name(current) if current else "", key=key)
            elif name in ("expertise", "notes"):
                values[name] = column.text_area(label, value=current, key=key, height=80)
            else:
                values[name] = column.text_input(label, value=current, key=key)
        if st.form_submit_button("Save the corrections", type="primary"):
            try:
                with ui.db() as session:
                    result = edit_person(session, person_id=person_id, values=values, by=user, opened=form.opened)
            except PersonEditError as error:
                for name, message in error.problems.items():
                    st.error(f"**{EDITABLE[name]}**: {message}")
            except ProgrammeError as error:
                form.refused(error)  # a colleague's save meanwhile: said, and the form shows what is saved now
            else:
                form.saved()  # the form shows the stored values again (as read: "+639171234567")
                if set(result.changed) & set(LABELLED_BY):
                    # The page's "Open one person" box would keep showing the old name: it is chosen afresh.
                    st.session_state[RESELECT] = person_id
                if result.changed:
                    changed = ", ".join(EDITABLE[name].lower() for name in result.changed)
                    ui.flash(f"Saved: {changed}. The audit trail keeps the old values.")
                else:
                    ui.flash("Nothing changed.", "info")
                st.rerun()


def merge_section(user: SignedIn, person_id: int, record: dict) -> None:
    """Possible duplicates (the import's probable-match rule) and a merge with one of them, or any record number."""
    with ui.db() as session:
        found = possible_duplicates(session, person_id)
    if found.empty:
        st.caption("No other record has a similar name and a nationality that does not differ.")
    else:
        shown = readable(found, countries=["nationality"], text=["organisation", "email"])
        ui.table(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "person_id": "Record",
                "full_name": "Name",
                "nationality": "Nationality",
                "organisation": "Organisation",
                "email": "E-mail",
                "modules": "Modules",
                "score": None,  # a similarity of 92 means nothing to a reader: "why" says it in words
                "reason": None,
                "why": "Alike and different",
            },
        )
    options = {int(row.person_id): f"Record {row.person_id} · {row.full_name}" for row in found.itertuples()}
    pick, other_number = st.columns([3, 1])
    other = pick.selectbox(
        "Merge with",
        [None, *options],
        format_func=lambda value: "—" if value is None else options[value],
        key=f"merge_with_{person_id}",
    )
    typed = other_number.number_input("or record number", min_value=0, step=1, key=f"merge_number_{person_id}")
    other = other or (int(typed) or None)
    if other is None:
        return
    keep_this = st.radio(
        "Keep",
        [True, False],
        format_func=lambda mine: f"this record ({person_id})" if mine else f"the other record ({other})",
        horizontal=True,
        key=f"merge_keep_{person_id}",
    )
    keep, remove = (person_id, other) if keep_this else (other, person_id)
    preview = ui.action(lambda session: merge_people(session, keep_id=keep, remove_id=remove, by=user, dry_run=True))
    if preview is None:
        return
    lines = [
        f"Merging keeps record {keep} (its name stays) and removes record {remove}.",
        f"Moves to record {keep}: {preview.moved_words()}.",
    ]
    if preview.combined_modules:
        lines.append(
            f"{ui.counted(len(preview.combined_modules), 'module')} {ui.agreeing(len(preview.combined_modules), 'is', 'are')} "
            "in both records: one participation stays, with the "
            "attendance days of both."
        )
    if preview.filled:
        lines.append(f"Blank fields filled from record {remove}: {', '.join(preview.filled)}.")
    if preview.dropped:
        words = ", ".join(MERGE_FIELD_WORDS.get(name, name.replace("_", " ")) for name in preview.dropped)
        lines.append(
            f"Record {remove}'s other {words} will not be kept (record {keep}'s stay; the audit trail keeps the "
            "removed record's). Copy it onto the kept record first if it is still in use."
        )
    st.info("  \n".join(lines))
    if preview.role_differs:
        st.warning("In some modules the two records have different roles: the kept record's role stays.")
    with st.form(f"merge_{person_id}"):
        sure = st.checkbox(f"Yes, records {keep} and {remove} are the same person")
        if st.form_submit_button("Merge the two records", type="primary"):
            if not sure:
                st.warning("Tick the box to confirm first.")
                return
            ui.action(
                lambda session: merge_people(session, keep_id=keep, remove_id=remove, by=user),
                f"Merged: record {remove} is now part of record {keep}.",
                clear=("people_person",),
                then=lambda _: st.session_state.update(people_open=keep),
            )


def forget_section(user: SignedIn, person_id: int, label: str) -> None:
    st.write(
        "Removes their name, contacts, notes and consent for good and keeps an anonymous record, so "
        "that counts by country, gender and organisation type stay right. This cannot be undone."
    )
    with st.form("forget_person"):
        sure = st.checkbox(f"Yes, erase {md_text(label)}'s personal data")
        if st.form_submit_button("Forget this person", type="primary"):
            if not sure:
                st.warning("Tick the box to confirm first.")
            else:
                ui.action(
                    lambda session: forget_person(session, person_id=person_id, by=user.username),
                    "Erased. Their record is now anonymous; the audit trail keeps who did it.",
                    clear=("people_person", "people_open"),
                )


def person_section(user: SignedIn, person_id: int) -> None:
    """One person's page: participations, then correct, merge, forget."""
    found = ui.action(lambda session: (person_record(session, person_id), person_participations(session, person_id)))
    if found is None:
        return
    record, taken = found
    label = person_label(record)
    # A name or organisation as imported ("**Mark** [link](http://...)"): shown as written, never as Markdown.
    st.subheader(md_text(record["full_name"]))
    st.caption(f"Record {person_id} · {md_text(label)}")
    ui.table(taken, hide_index=True, width="stretch")
    with st.expander("Correct this person's record"):
        edit_form(user, person_id, record)
    with st.expander("Possible duplicates and merging"):
        merge_section(user, person_id, record)
    if user.role == UserRole.ADMIN:
        with st.expander("Forget this person (request to be forgotten)"):
            forget_section(user, person_id, label)


FLAG_CHOICES = {"keep": "leave as it is", "yes": "yes", "no": "no"}


def bulk_consent(user: SignedIn, ticked: list[int], module_id: int | None) -> None:
    """Consent for the people ticked in the list, or everyone in the chosen module; one audit entry."""
    with st.expander("Set consent for many people"):
        # Only the choices that name someone: "the 0 people ticked" was offered, and chosen by default once a module
        # was picked after the page opened (the radio kept its first choice), so that the save said "Choose the
        # people first." A radio keyed by its choices starts afresh when they change.
        whom = (
            {"ticked": f"the {ui.counted(len(ticked), 'person', 'people')} ticked in the list above"} if ticked else {}
        )
        if module_id is not None:
            with ui.db() as session:
                everyone = module_people(session, module_id)
            whom["module"] = f"everyone in the chosen module's list ({ui.counted(len(everyone), 'person', 'people')})"
        st.caption(
            "Tick people in the list (the first column), or choose a module above to take its whole list. "
            "The audit trail keeps one entry: how many people, the module and what was set (no names)."
        )
        if not whom:
            return
        with st.form("bulk_consent"):
            who = st.radio("For", list(whom), format_func=whom.get, key=f"bulk_who_{'_'.join(whom)}")
            choices = {
                flag: st.selectbox(
                    label.capitalize(), list(FLAG_CHOICES), format_func=FLAG_CHOICES.get, key=f"bulk_{flag}"
                )
                for flag, label in CONSENT_FLAGS.items()
            }
            source = st.text_input("Where the consent comes from", placeholder="e.g. signed forms, Module 4")
            given_on = st.date_input("Date given", value=date.today(), max_value=date.today())
            if st.form_submit_button("Set consent", type="primary"):
                people_ids = everyone if who == "module" else ticked
                flags = {flag: choice == "yes" for flag, choice in choices.items() if choice != "keep"}
                ui.action(
                    lambda session: set_consent_many(
                        session,
                        person_ids=people_ids,
                        flags=flags,
                        source=source,
                        on=given_on,
                        by=user,
                        module_id=module_id if who == "module" else None,
                    ),
                    lambda count: (
                        f"Consent set for {ui.counted(count, 'person', 'people')}; recorded in the audit trail."
                    ),
                )
