"""What the Evaluation dashboard says around its figures, for the person reading it: a facilitator is told where to
act (pages of Plan and Evaluate), a viewer (who cannot open those pages) what the figure means and who can act."""

from __future__ import annotations

import pandas as pd

from programme.evaluations import queries as q

# Said instead of an empty chart when no question is tied to a session (sessions_ranked_chart's own message).
NO_SESSION_TIED = (
    "No question of this module's evaluation names a session of its agenda, so sessions are not ranked: a question "
    "is tied to the session whose title its wording contains. Check that the agenda on **Plan › Agenda** holds the "
    "sessions the form asked about, under the titles the form used."
)
NO_SESSION_TIED_VIEWER = (
    "No question of this module's evaluation names a session of its agenda, so sessions are not ranked: a question "
    "is tied to the session whose title its wording contains. The ratings above are every question's own."
)
SUGGESTIONS = (
    "Answers to the questions asking what to improve, suggest or cover next; the same words in another case or "
    "spacing count once."
)
NO_RESPONSES = "No evaluation responses yet. Import a survey export or type paper forms on **Forms and entry**."
NO_RESPONSES_VIEWER = (
    "No evaluation responses yet. They appear here once a facilitator imports a module's survey export or types its "
    "paper forms."
)
NO_SCORES = (
    "No pre- and post-test scores are recorded for this course's modules: import a quiz's results, or type them, "
    "under **Forms and entry › Pre/post tests**."
)
NO_SCORES_VIEWER = "No pre- and post-test scores are recorded for this course's modules."


def no_session_tied(can_edit: bool) -> str:
    """Return what is said where the sessions would be ranked, when no question names a session of the agenda."""
    return NO_SESSION_TIED if can_edit else NO_SESSION_TIED_VIEWER


def suggestions_caption(can_edit: bool) -> str:
    """Return the caption of the module's suggestions (the topic backlog they feed is a facilitator's page)."""
    return SUGGESTIONS + (" They feed the topic backlog on **Next steps and topics**." if can_edit else "")


def no_responses(can_edit: bool) -> str:
    """Return what the dashboard says before any module has evaluation responses."""
    return NO_RESPONSES if can_edit else NO_RESPONSES_VIEWER


def no_scores(can_edit: bool) -> str:
    """Return what the Learning tab says when the course has no pre- and post-test scores."""
    return NO_SCORES if can_edit else NO_SCORES_VIEWER


def weak_sessions(sessions: pd.DataFrame) -> tuple[str, str]:
    """Return the Weak sessions figure and its help: "—" when no question is tied to a session of the agenda (no
    session was rated as one, so none can be weak: a 0 there read as "every session did well")."""
    rule = (
        f"Mean below {q.WEAK_MEAN}, or {q.WEAK_GAP} below the module average (the mean rating), with at least "
        f"{q.MIN_RATINGS_TO_FLAG} ratings. Sessions are the agenda's: a question tied to none of them (its words name "
        "no session's title) counts in the module average only."
    )
    if sessions.empty:
        return "—", "No question names a session of the agenda: no session is rated as one. " + rule
    return str(int(sessions["weak"].sum())), rule
