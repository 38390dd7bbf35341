"""What the Reach dashboard says where it has no figure yet, for the person reading it: the team is told where to add
what is missing (Plan, People), a viewer (whose menu has neither) that the team adds it."""

from __future__ import annotations

from programme.core.words import counted


def no_modules(can_edit: bool) -> str:
    """Return what the dashboard says on a database without modules."""
    if can_edit:
        return "No modules are recorded yet. Add courses and modules under **Plan** and import participants first."
    return "No modules are recorded yet: the figures appear here once the team records its courses and participants."


def nobody_attended(registered: int, can_edit: bool) -> str:
    """Return what is said when people signed up in the selection and nobody's attendance is recorded."""
    said = (
        f"{counted(registered, 'person', 'people')} signed up in this selection, and nobody's attendance is recorded "
        "yet: the charts count the people who took part."
    )
    if can_edit:
        return (
            f"{said} Import the attendance sheet or a participant list under **People › Import participants**, or tick "
            "attendance under **Plan › Agenda › Attendance**."
        )
    return f"{said} They appear once the team records who came."


def nobody_took_part(can_edit: bool) -> str:
    """Return what is said when nobody has taken part in any module."""
    if can_edit:
        return (
            "Nobody has taken part in a module yet. Import a participant list under **People › Import participants**."
        )
    return "Nobody has taken part in a module yet: the figures appear once the team records who came."


def no_grants(can_edit: bool) -> str:
    """Return what the Funding tab says before any grant is recorded."""
    if can_edit:
        return "No grants are recorded yet: add them on **Funders and grants**."
    return "No grants are recorded yet."
