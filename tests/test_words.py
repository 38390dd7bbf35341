"""Counts shown to people take the noun's number: "1 member", "2 members", "1 person", "1,204 people"."""

from __future__ import annotations

from programme.core.words import a_or_an, counted
from programme.web.evaluation_import import undone_message


def test_counted_takes_the_singular_for_one() -> None:
    assert counted(1, "member") == "1 member"
    assert counted(0, "member") == "0 members"
    assert counted(2, "member") == "2 members"
    assert counted(1, "person", "people") == "1 person"
    assert counted(1204, "person", "people") == "1,204 people"
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"


def test_a_or_an() -> None:
    assert a_or_an("Eventbrite") == "an Eventbrite" and a_or_an("Zoom") == "a Zoom"


def test_an_undone_evaluation_import_of_one_response_says_so() -> None:
    undone = {"responses_removed": 1, "questions_removed": 1, "questions_kept": 0, "form_removed": False}
    message = undone_message(7, undone)
    assert message.startswith("Import 7 undone: 1 response removed, 1 question removed")
    assert "1 responses" not in message and "1 questions" not in message
