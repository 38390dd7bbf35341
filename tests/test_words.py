"""Counts shown to people take the noun's number: "1 member", "2 members", "1 person", "1,204 people"."""

from __future__ import annotations

from pathlib import Path

import pytest

from programme.core.errors import ProgrammeError
from programme.core.words import a_or_an, agreeing, counted, nothing_until_fixed
from programme.evaluations.scales import parse_labels
from programme.web.evaluation_import import undone_message

ROOT = Path(__file__).resolve().parent.parent


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


def test_nothing_is_imported_until_it_or_they_are_fixed() -> None:
    """ "1 answer cannot be read; nothing will be imported until they are fixed." agreed with nothing."""
    assert nothing_until_fixed(1, "answer", said=" cannot be read") == (
        "1 answer cannot be read; nothing will be imported until it is fixed."
    )
    assert nothing_until_fixed(3, "problem", said=" in the sheet") == (
        "3 problems in the sheet; nothing will be imported until they are fixed."
    )
    assert agreeing(1, "is", "are") == "is" and agreeing(0, "is", "are") == "are"


def test_a_scale_of_one_label_says_one_was_given() -> None:
    with pytest.raises(ProgrammeError, match="lowest first; 1 was given"):
        parse_labels("Only")
    with pytest.raises(ProgrammeError, match="lowest first; 2 were given"):
        parse_labels("Low, High")


def test_no_text_the_app_writes_has_an_s_in_brackets_for_its_plural() -> None:
    """A count takes its noun's own number ("1 topic added", "2 topics added", core.words.counted): no "topic(s)" in
    any string of the app's code (messages, captions, audit summaries, the command line's output)."""
    import io
    import re
    import tokenize

    bracketed = re.compile(r"[A-Za-z]\((?:s|es)\)")
    found = []
    for path in [*ROOT.glob("programme/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("public/*.py")]:
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and bracketed.search(token.string):
                found.append(f"{path.relative_to(ROOT)}:{token.start[0]}: {bracketed.search(token.string).group()}")
    assert not found, found


def test_the_backlog_says_what_taking_in_the_forms_suggestions_did() -> None:
    from programme.planning.backlog import taken_in_sentence

    assert taken_in_sentence(1, 0) == "1 topic added to the backlog."
    assert taken_in_sentence(2, 1) == (
        "2 topics added to the backlog; 1 topic already there counted again, with the forms received since."
    )
    assert taken_in_sentence(0, 3) == "3 topics already there counted again, with the forms received since."
    assert taken_in_sentence(0, 0).startswith("Nothing to add: every suggestion is already in the backlog")


def test_no_count_is_followed_by_a_fixed_plural() -> None:
    """Sentences that count something say "it is"/"they are", "was"/"were" as the count takes: no "(s)" plural and no
    "until they are fixed" written after a count that may be 1."""
    fixed_plurals = ("nothing will be imported until they are fixed", "module(s) are", "member(s) did")
    fixed_plurals += ("consent records were withdrawn", "people added by import {")
    for path in [*ROOT.glob("programme/**/*.py"), *ROOT.glob("pages/*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name == "words.py":
            continue
        for words in fixed_plurals:
            assert words not in text, f"{path.relative_to(ROOT)}: {words!r}"
