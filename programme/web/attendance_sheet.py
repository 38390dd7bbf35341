"""The Agenda page's attendance tab: who came on which day, and completion from the organisation's rule."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from programme.access.accounts import SignedIn
from programme.access.privacy import team_view
from programme.people.contacts import module_contacts, with_contacts
from programme.planning import attendance
from programme.planning.attendance import completion_rule
from programme.web import editors, ui
from programme.web.display import readable

# Said instead of "Attendance saved for 0 people." and "Completion updated for 0 participations.", which read as if
# something had gone wrong.
NOTHING_TICKED = "Nothing to save: no tick in the grid differs from the attendance saved."
COMPLETE_ALREADY = "Nothing changed: everyone's Completed box already follows their attendance and the completion rule."


def sheet(module_id: int, *, days: int, user: SignedIn, version: int, renew: Callable[[object], None]) -> None:
    """Draw the attendance sheet of a module of `days` days; version keys the grid, renew runs after a save."""
    with ui.db() as session:
        sheet = attendance.attendance_table(session, module_id)
        contacts = module_contacts(session, module_id)
        rule = completion_rule(session)
    st.caption(
        f"Completion rule of the organisation: **{rule.value}** (changed on Settings). The rule is applied to "
        "participants only; a facilitator's or resource person's Completed box is left as it is."
    )
    if sheet.empty:
        st.info("Nobody is registered for this module yet; import the participant list first.")
    else:
        # The team's own list: organisation and contacts whatever the consent (it governs publication), after the
        # ticks: before them, at 1400 px the Attended and day columns began past the grid's right edge (a team's
        # journey on PostgreSQL), to reach by scrolling sideways for every row.
        fresh = readable(team_view(with_contacts(sheet, contacts, after="completed"), user), countries=["nationality"])
        day_cols = attendance.day_columns(days)
        key = f"attendance_{module_id}_{version}"
        # Ticks not yet saved survive a colleague's save or an import that adds someone to the list.
        shown, moved = editors.held(key, fresh)
        ticked = st.data_editor(
            shown,
            key=key,
            placeholder="",  # an empty cell blank, not Streamlit's grey "None"
            hide_index=True,
            width="stretch",
            disabled=[c for c in shown.columns if c not in ["attended", *day_cols]],
            column_config={
                "participation_id": None,
                "full_name": "Name",
                "nationality": "Nationality",
                "organisation": "Organisation",
                "position": "Position",
                "email": "E-mail",
                "phone": "Phone",
                "role": "Role",
                "attended": "Attended",
                "days_attended": "Days attended",
                "completed": "Completed",
            },
        )
        # A save applies the user's own ticks to the attendance as saved then, in its transaction.
        editors.warn_moved(
            moved,
            "The attendance or the module's list changed while you were ticking (a colleague saved, or an import "
            "added people).",
        )
        cols = st.columns(2)
        if cols[0].button("Save attendance", type="primary"):
            ui.action(
                lambda session: attendance.save_attendance_frame(
                    session,
                    module_id=module_id,
                    frame=ticked,
                    by=user.username,
                    opened=editors.opened(key, shown, "participation_id"),
                ),
                lambda count: (
                    f"Attendance saved for {ui.counted(count, 'person', 'people')}." if count else NOTHING_TICKED
                ),
                then=renew,
                on_error=editors.refused(key),
            )
        if cols[1].button(
            "Mark completion from attendance",
            help="Ticks Completed for the participants whose attendance meets the completion rule (set on Settings), "
            "and clears it for the other participants (facilitators and resource persons are left as they are).",
        ):
            ui.action(
                lambda session: attendance.recompute_completed(session, module_id=module_id, by=user.username),
                lambda count: (
                    f"Completion updated for {ui.counted(count, 'participation')}." if count else COMPLETE_ALREADY
                ),
                then=renew,
            )
