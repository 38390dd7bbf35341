"""Shared widgets: the module picker every page uses, and the choice of a past import to undo."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

from programme.core.words import counted
from programme.courses import search as module_search
from programme.courses.lookup import module_ref
from programme.funding import grants_for_funders
from programme.groups.store import participant_counts
from programme.web.display import md_text, readable, sentence_case, table
from programme.web.engine import cached_query
from programme.web.messages import action, form_keys

T = TypeVar("T")


def module_picker(
    key: str,
    *,
    label: str = "Module",
    evaluated: bool = False,
    empty: str = "There are no modules yet. Add a course and its modules on **Courses and modules** first.",
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
    people: bool = False,
    choose: str | None = None,
    opens_on: module_search.Opening | None = None,
) -> int | None:
    """Draw the module picker every page shares and return the chosen module's id (None: nothing to pick).

    It lists the newest modules (module_search.PICKER_LIMIT) with a find box beside it (course code or title,
    module title, city or year); the choice is kept under `key` across reruns. The first choice
    comes from the address (?module=ID: a link from Home, or an address a colleague pasted), and the address follows
    the choice; a module the address names that the picker cannot offer (none by that id, or not evaluated, or not
    funded, for a picker with those filters) gives the picker's usual first choice and a note saying why. evaluated: only modules with
    evaluation responses. empty: what to say when there is no module at all. funders, grants: only the modules
    their grants fund (the module chosen before is then dropped if they do not fund it). people: each module's
    label says how many participants it has, and the first module with participants is chosen first. choose: for a
    page that writes into the module (Import participants), nothing is chosen for the user: the picker starts empty
    unless the address names a module, a search does not choose its first match, `choose` is said while no module
    is chosen, and None is returned until the user picks one. opens_on: the first choice, unless the address names a
    module, is that module (module_search.opening_module: "next" for Agenda, "begun" for Forms and entry) rather than
    the newest, and a caption says why while it is shown.
    """
    find, pick = st.columns([1, 2])
    search = find.text_input(
        "Find a module", key=f"{key}_find", placeholder="Course code or title, city or year"
    ).strip()
    funding = {"funders": funders, "grants": grants} if funders or grants else {}
    chosen = st.session_state.get(key)
    refused = None
    if chosen is None:
        chosen, refused = module_from_address(evaluated=evaluated, **funding)
    chosen = follow_search(key, search, chosen, evaluated=evaluated, pick_first=choose is None, **funding)
    include = None if funding else chosen
    choices = cached_query(module_search.module_choices, search, evaluated=evaluated, include=include, **funding)
    if search and not choices.matching:
        kept = " The module chosen before is still shown." if choices.labels else ""
        unevaluated = evaluated and cached_query(module_search.module_choices, search, limit=1, **funding).matching
        if unevaluated:
            find.warning(
                f"{unevaluated:,} module{'s match' if unevaluated > 1 else ' matches'} '{md_text(search)}', but none "
                "has evaluation responses yet: enter its paper forms or import its export under **Forms and "
                f"entry**.{kept}"
            )
        else:
            find.warning(
                f"No module matches '{md_text(search)}': try part of a course code, a title, a city, a year or a "
                f"module's number (NAT 2).{kept}"
            )
    elif not choices.labels:
        st.info(empty)
    if not choices.labels:
        return None
    labels = dict(choices.labels)
    ids = list(labels)
    first = ids[0]
    if people:
        counts = cached_query(participant_counts, module_ids=tuple(ids))
        labels = {
            # Everyone on the module's lists with the participant role, those only registered too: the Groups page
            # then offers "Those who came" apart once attendance is recorded.
            module: f"{text} · {counted(counts.get(module, 0), 'participant')} listed"
            for module, text in labels.items()
        }
        first = first_with_people(ids, counts) or first
    opening = None
    if opens_on is not None and not search:
        opening = cached_query(module_search.opening_module, tuple(ids), opens_on, today=date.today())
        first = opening or first
    if st.session_state.get(key) not in labels:
        st.session_state[key] = chosen if chosen in labels else (first if choose is None else None)
    module_id = pick.selectbox(
        label,
        ids,
        format_func=labels.get,
        key=key,
        index=kept_index(ids, key, default=0 if choose is None else None),
        placeholder="Choose a module" if choose is not None else None,
    )
    if module_id is None:
        if refused:
            pick.info(f"The module in the address {refused}: choose the module in the list.")
        st.info(choose or "Choose a module.")
        keep_module_in_address(None)
        return None
    if refused:
        pick.info(f"The module in the address {refused}: {md_text(labels[module_id])} is shown instead.")
    st.query_params["module"] = str(module_id)
    if opening is not None and module_id == opening != ids[0]:
        pick.caption(f"Opened on {module_search.OPENING_WORDS[opens_on]}; the newest is first in the list.")
    if choices.matching > len(ids):
        pick.caption(
            f"The newest {len(ids):,} of {choices.matching:,} modules{' matching' if search else ''} are listed; "
            "type in **Find a module** to narrow."
        )
    return module_id


def kept_index(options: Sequence[Any], key: str, *, default: int | None = 0) -> int | None:
    """Return the position among `options` of the value held under the widget key `key` (default when it holds
    none of them): a selectbox whose value the page sets through st.session_state passes it as its index on every run.

    Streamlit sends the browser a keyed widget's value only on the run that sets it (st.session_state[key] = ...); on
    later runs the browser keeps the value it holds, but a selectbox it draws afresh without one takes the element's
    default, and the next rerun sends that default back as the user's choice. Left at Streamlit's default (0, the
    newest module), Next steps opened from ?module=ID jumped to the newest module after a click or two (about one
    browser test run in three), and the address followed it. With the value shown as the default, the browser's
    fallback is the value shown.
    """
    value = st.session_state.get(key)
    return list(options).index(value) if key in st.session_state and value in options else default


# Said in the sidebar where the Funder and Grant filters would be while no grant is recorded: two empty boxes saying
# "No options to select" told nobody what they were for or how to fill them.
NO_FUNDERS = (
    "**Funder** and **Grant** filters: no grants are recorded yet. An admin or facilitator adds funders and their "
    "grants on **Plan › Funders and grants**."
)


def course_filter(
    label: str, *, key: str, help: str | None = None, placeholder: str = "All courses"
) -> tuple[str, ...]:
    """Draw a multiselect of courses under `key` and return the codes chosen. It offers the newest
    module_search.PICKER_LIMIT courses (the chosen ones kept); with more on record, a find box above it (course code
    or title) narrows them and a caption says how many there are: 18,000 courses' labels made every page that drew
    them send 1.5 MB to the browser. placeholder: what the empty box says (none chosen: every course)."""
    chosen = tuple(st.session_state.get(key) or ())
    total, _ = cached_query(module_search.course_choices, limit=0)
    search = ""
    if total > module_search.PICKER_LIMIT:
        search = st.text_input("Find a course", key=f"{key}_find", placeholder="Code or title")
    matching, titles = cached_query(module_search.course_choices, search.strip() or None, keep=chosen)
    picked = st.multiselect(
        label,
        list(titles),
        format_func=lambda code: f"{code} · {titles[code]}",
        key=key,
        help=help,
        placeholder=placeholder,
    )
    if matching > module_search.PICKER_LIMIT:
        st.caption(f"The newest {module_search.PICKER_LIMIT:,} of {matching:,} courses: find one by code or title.")
    return tuple(picked)


def funding_filters(
    options: dict[str, Any], *, funder_help: str, keys: tuple[str, str] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Draw the Funder and Grant filters (options: funding_options' or filter_options' "funders" and "grants") and
    return the funders and grant references chosen; with no grant recorded, a sentence saying where they come from
    instead of two empty boxes. keys: the widgets' keys (funder, grant)."""
    if not options["grants"]:
        st.caption(NO_FUNDERS)
        return (), ()
    funder_key, grant_key = keys or (None, None)
    funders = st.multiselect("Funder", options["funders"], key=funder_key, help=funder_help, placeholder="All funders")
    grant_choices = grants_for_funders(options, funders)
    grants = st.multiselect(
        "Grant", list(grant_choices), format_func=grant_choices.get, key=grant_key, placeholder="All grants"
    )
    return tuple(funders), tuple(grants)


def first_with_people(newest_first: Iterable[int], counts: dict[int, int]) -> int | None:
    """Return the newest module with someone on its list (counts: participants by module, participant_counts), or
    None when none has anyone: the module whose lists were just imported, whose report is due."""
    return next((module for module in newest_first if counts.get(module)), None)


def module_from_address(
    *, evaluated: bool = False, funders: tuple[str, ...] = (), grants: tuple[str, ...] = ()
) -> tuple[int | None, str | None]:
    """Return the module the address asks for (?module=ID) if a picker with these filters can offer it, and else
    why not in a few words ("does not exist", ...); (None, None) when the address names no module."""
    wanted = st.query_params.get("module", "").strip()
    if not wanted:
        return None, None
    if not wanted.isdigit() or len(wanted) > 12:
        return None, "is not a module's number"
    module_id = int(wanted)
    refused = cached_query(
        module_search.unavailable_module, module_id, evaluated=evaluated, funders=funders, grants=grants
    )
    return (None, refused) if refused else (module_id, None)


def course_and_module_from_address(course_key: str, module_key: str, courses: Iterable[str]) -> None:
    """For a page that picks a course, then one of its modules (Reports, Participants): on its first run, choose the
    module the address names (?module=ID) and its course, under these widget keys. A module it cannot choose (none
    by that id, or its course not among `courses`, the ones offered) gives a note, and the page's usual choice."""
    if course_key in st.session_state or module_key in st.session_state:
        return  # chosen on the page already
    module_id, refused = module_from_address()
    if module_id is not None:
        ref = cached_query(module_ref, module_id)
        if ref.course_code in set(courses):
            st.session_state[course_key], st.session_state[module_key] = ref.course_code, module_id
            return
        refused = f"is of course {md_text(ref.course_code)}, not among those listed: find it by its code"
    if refused:
        st.info(f"The module in the address {refused}. The page's usual choice is shown instead.")


def import_target(module_id: int) -> str:
    """Return "CODE · Module N (3–5 September 2019)": what an Import button names, so that nobody writes into the
    wrong module unawares (every module picker but Import participants' chooses the newest module first)."""
    ref = cached_query(module_ref, module_id)
    return f"{md_text(ref.heading)} ({ref.dates})"


def keep_module_in_address(module_id: int | None) -> None:
    """Let the address name the module chosen (?module=ID), or none: a reload, or the address sent to a colleague,
    opens the page on it."""
    if module_id is not None:
        st.query_params["module"] = str(module_id)
    elif "module" in st.query_params:
        del st.query_params["module"]


def module_or_stop(key: str, **options: Any) -> int:
    """Draw module_picker(key, **options) and return the chosen module; with none to choose the page stops there
    (module_picker has said why)."""
    module_id = module_picker(key, **options)
    if module_id is None:
        st.stop()
    return module_id


def follow_search(
    key: str,
    search: str,
    chosen: int | None,
    *,
    evaluated: bool = False,
    funders: tuple[str, ...] = (),
    grants: tuple[str, ...] = (),
    pick_first: bool = True,
) -> int | None:
    """Return the module to choose under `key`: a new search chooses its first match, unless `chosen` matches it
    (pick_first False: `chosen` stays, or None when the search leaves it out; the user picks among the matches).

    Without this, typing a course code in "Find a module" narrows the list but leaves another course's module
    selected, and the page goes on showing it.
    """
    if search == st.session_state.get(f"{key}_searched", ""):
        return chosen
    st.session_state[f"{key}_searched"] = search
    funding = {"funders": funders, "grants": grants} if funders or grants else {}
    found = cached_query(module_search.module_choices, search, evaluated=evaluated, **funding) if search else None
    if found and found.labels and chosen not in found.labels:
        chosen = st.session_state[key] = next(iter(found.labels)) if pick_first else None
    return chosen


def import_to_undo(imports: pd.DataFrame, *, key: str, describe: Callable[[pd.Series], str], effect: str) -> int | None:
    """Show past imports (a "batch" column, the row's id, and "import", its number among its kind's, which the table
    shows; "imported at", "undone at") and a confirmed undo form for the ones not yet undone; return the import (its
    batch id) to undo once the user confirmed it, else None."""
    shown = readable(
        imports.drop(columns=["batch"]), text=["by", "course", "module"], times=["imported at", "undone at"]
    )
    headers = {column: sentence_case(column) for column in shown.columns}  # "Imported at", "Undone at"
    table(shown, hide_index=True, width="stretch", column_config=headers)
    still = imports[imports["undone at"].isna()]
    if still.empty:
        return None
    described = {int(row["batch"]): describe(row) for _, row in still.iterrows()}
    # A new import (or the newest undone) chooses the newest again: the choice kept from before would point at an
    # older import than the one just made, which the user most likely means to undo.
    newest = max(described)
    if st.session_state.get(f"{key}_newest") != newest:
        st.session_state[f"{key}_newest"] = newest
        st.session_state.pop(f"{key}_batch", None)
    with st.form(key):
        batch_id = st.selectbox("Import to undo", list(described), format_func=described.get, key=f"{key}_batch")
        st.caption(effect)
        sure = st.checkbox("Yes, undo this import", key=form_keys(f"{key}_sure")[0])
        submitted = st.form_submit_button("Undo import")
    if not submitted:
        return None
    if not sure:
        st.warning("Tick the box to confirm.")
        return None
    return int(batch_id)


def undo_import(
    imports: pd.DataFrame,
    *,
    key: str,
    describe: Callable[[pd.Series], str],
    effect: str,
    undo: Callable[[Session, int], T],
    message: Callable[[int, T], str],
    then: Callable[[T], None] | None = None,
) -> None:
    """Show past imports with the confirmed undo form (import_to_undo); once confirmed, run undo(session, batch id)
    through action(): its refusal is shown, or message(the import's number as listed, result) after the rerun."""
    batch_id = import_to_undo(imports, key=key, describe=describe, effect=effect)
    if batch_id is not None:
        number = int(imports.loc[imports["batch"] == batch_id, "import"].iloc[0])
        # The confirmation is for that import only: left ticked, one more click would undo the next one unasked.
        action(lambda session: undo(session, batch_id), lambda result: message(number, result), then=then,
               clear=form_keys(f"{key}_sure"))  # fmt: skip
