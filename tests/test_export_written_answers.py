"""Written answers in an evaluation export are never read as ratings: "4 days is too long" is a comment, not a 4, and
a column SurveyMonkey heads "Open-Ended Response" (or "Other (please specify)") is text whatever its answers look like
("4", "5"). A rating label that carries a number still reads as one ("4", "4 - Good", "4 (Agree)", "4. Very good",
"4/5", Kobo's choice names). Expected figures come from the files by hand or with the csv module; stored answers are
read by bare SQL."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.evaluations import import_evaluations, read_rating
from programme.evaluations.scales import UnknownAnswer
from tests.test_evaluations import csv_bytes, make_module
from tests.test_intake_tools import QUALITY, TOOLS, USEFUL

# Each answer and the rating it gives (None: not a rating, an UnknownAnswer naming it).
READINGS = [
    ("4", 4), ("4 - Good", 4), ("3 - Good", 3), ("4 (Agree)", 4), ("4. Very good", 4), ("4/5", 4),
    ("4 out of 5", 4), ("4 stars", 4), ("5 = Excellent", 5), ("1 - Not at all useful", 1), ("Good (4)", 4),
    ("Strongly agree", 5), ("strongly_agree", 5), ("very_poor", 1),  # KoboToolbox's and ODK's choice names
    ("4 days is too long", None), ("3 sessions a day were too many", None), ("2 weeks would be better", None),
    ("4 - Very good, but too long", None), ("5 - Poor", None),
]  # fmt: skip


def _reading(answer: str) -> int | None:
    try:
        return read_rating(answer)
    except UnknownAnswer as error:
        assert f"'{answer}'" in str(error)  # the message names the answer
        return None


def test_a_number_starts_a_rating_only_when_a_label_or_nothing_follows() -> None:
    """ "Good" is 3 on Poor..Excellent and 4 on Very poor..Excellent: "4 - Good" and "3 - Good" both agree with a scale
    (the old reading refused "4 - Good" and took "4 days is too long" for a 4)."""
    assert [(answer, _reading(answer)) for answer, _ in READINGS] == READINGS


def test_a_0_to_10_answer_is_a_number_or_a_number_and_its_scale_words() -> None:
    assert read_rating("10 - Extremely likely", scale=(0, 10)) == 10
    assert read_rating("7", scale=(0, 10)) == 7
    with pytest.raises(UnknownAnswer):
        read_rating("8 people from my office would come", scale=(0, 10))


def _stored(session: Session, question: str) -> tuple[str, list[int], list[str]]:
    """Return the question's kind and its stored ratings and texts, by bare SQL."""
    kind = session.execute(
        sa.text("SELECT kind FROM evaluation_question WHERE text = :t"), {"t": question}
    ).scalar_one()
    rows = session.execute(
        sa.text(
            "SELECT a.rating, a.text FROM evaluation_answer a JOIN evaluation_question q ON q.id = a.question_id "
            "WHERE q.text = :t"
        ),
        {"t": question},
    ).all()
    return kind, sorted(r for r, _ in rows if r is not None), sorted(t for _, t in rows if t is not None)


# A Google Forms download (Timestamp first, a question per column): the length question answered in sentences that
# begin with a number, beside a numbered rating.
SENTENCES = """
Timestamp,Overall quality of the module (1-5),How long should the next module be?
2019/04/12 5:10:02 PM GMT+7,4,4 days is too long
2019/04/12 5:11:40 PM GMT+7,5,5 days would be better
2019/04/12 5:12:15 PM GMT+7,3,3 days
2019/04/12 5:13:00 PM GMT+7,4,2 weeks
"""


def test_sentences_that_begin_with_a_number_are_comments(session: Session) -> None:
    """The old reading took "4 days is too long" for a 4: the column became a rating question of mean 3.5."""
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(SENTENCES), filename="f.csv", module_id=module.id)
    assert result.errors == [] and result.written
    header, *body = list(csv.reader(io.StringIO(SENTENCES.strip())))
    written = [row[2] for row in body]
    assert _stored(session, "How long should the next module be?") == ("text", [], sorted(written))
    overall = sorted(int(row[1]) for row in body)
    assert (
        _stored(session, "Overall quality of the module (1-5)")
        == ("rating", overall, [])
        == ("rating", [3, 4, 4, 5], [])
    )
    assert not [note for note in result.notes if note.column == "How long should the next module be?"]


MIXED = """
Timestamp,Length of the sessions
2019/04/12 5:10:02 PM GMT+7,4
2019/04/12 5:11:40 PM GMT+7,5
2019/04/12 5:12:15 PM GMT+7,4 hours is too long
2019/04/12 5:13:00 PM GMT+7,3
2019/04/12 5:14:00 PM GMT+7,2 hours
"""


def test_ratings_mixed_with_such_sentences_are_asked_not_guessed(session: Session) -> None:
    """Three ratings and two sentences: the column's kind is asked (an error naming it), nothing written."""
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(MIXED), filename="f.csv", module_id=module.id)
    assert not result.written
    assert [(error.column, "mixes ratings and other answers" in error.message) for error in result.errors] == [
        ("Length of the sessions", True)
    ]
    assert "3 of its 5 answers read as ratings" in result.errors[0].message
    assert session.execute(sa.text("SELECT count(*) FROM evaluation_answer")).scalar_one() == 0
    # Said to be ratings, the sentences are named as labels no scale holds, never read as a 4 and a 2.
    said = import_evaluations(
        session,
        data=csv_bytes(MIXED),
        filename="f.csv",
        module_id=module.id,
        columns={"Length of the sessions": "rating"},
    )
    assert not said.written and [error.column for error in said.errors] == ["Length of the sessions"]
    assert "'4 hours is too long', '2 hours' are not a scale we know" in said.errors[0].message
    assert session.execute(sa.text("SELECT count(*) FROM evaluation_answer")).scalar_one() == 0


def test_surveymonkey_open_ended_and_other_columns_are_text(session: Session) -> None:
    """tests/data/tools/surveymonkey_open_ended.csv (layout and sources in tests/data/tools/README.md): the second header
    row says "Open-Ended Response" over "How many days should the next module last?" (answered 4, 5, 3, 4) and "Other
    (please specify)" beside the overall rating's "Response" (4, 5 written). The old reading took both for rating
    questions (a mean of 4.0 days) and asked about "What should be improved?"."""
    module = make_module(session)
    name = "surveymonkey_open_ended.csv"
    top, sub, *body = list(csv.reader(io.StringIO((TOOLS / name).read_text(encoding="utf-8"))))
    result = import_evaluations(session, data=(TOOLS / name).read_bytes(), filename=name, module_id=module.id)
    assert result.tool == "SurveyMonkey" and result.errors == [] and result.written and result.created == len(body) == 5
    days = top.index("How many days should the next module last?")
    assert sub[days] == "Open-Ended Response"
    written = sorted(row[days] for row in body if row[days])
    assert _stored(session, "How many days should the next module last?") == ("text", [], written) == (
        "text", [], ["3", "4", "4", "5"]
    )  # fmt: skip
    overall = top.index("Overall, how would you rate the module?")
    assert (sub[overall], sub[overall + 1], top[overall + 1]) == ("Response", "Other (please specify)", "")
    other = sorted(row[overall + 1] for row in body if row[overall + 1])
    # Named by its choice question, as the report and the Comments tab show it (the old name, "... - Other (please
    # specify)", read as a matrix question's row).
    assert _stored(session, "Overall, how would you rate the module? \N{EM DASH} Other (please specify)") == (
        "text", [], other
    )  # fmt: skip
    # A form an earlier import gave the old name keeps that question: a later export of the survey finds it.
    old_name = "Overall, how would you rate the module? - Other (please specify)"
    session.execute(sa.text("UPDATE evaluation_question SET text = :old WHERE text LIKE '%Other (please specify)'"),
                    {"old": old_name})  # fmt: skip
    again = import_evaluations(session, data=(TOOLS / name).read_bytes(), filename=name, module_id=module.id,
                               dry_run=True)  # fmt: skip
    assert [(plan.text, plan.is_new) for plan in again.plans if plan.column.endswith("Other (please specify)")] == [
        (old_name, False)
    ]
    rated = sorted(QUALITY.index(row[overall]) + 1 for row in body if row[overall])
    assert (
        _stored(session, "Overall, how would you rate the module?")
        == ("rating", rated, [])
        == ("rating", [3, 4, 5], [])
    )
    improved = top.index("What should be improved?")
    assert _stored(session, "What should be improved?") == (
        "text",
        [],
        sorted(row[improved] for row in body if row[improved]),
    )
    useful = top.index("How useful was the session on treaty body reporting?")
    assert sub[useful] == "Response"
    kind, ratings, _ = _stored(session, "How useful was the session on treaty body reporting?")
    assert (kind, ratings) == ("rating", sorted(USEFUL.index(row[useful]) + 1 for row in body))
    becomes = dict(zip(result.columns_table()["column"], result.columns_table()["becomes"], strict=True))
    assert becomes["How many days should the next module last?"].endswith("(written answers: open-ended in the export)")


# In Portuguese: the Spanish of this example ("4 - Muy bueno") is now a known scale, the participants' Spanish form's.
NUMBERED_SPANISH = """
Timestamp,Qualidade da sessão
2019/04/12 5:10:02 PM GMT+7,1 - Péssimo
2019/04/12 5:11:40 PM GMT+7,4 - Muito bom
2019/04/12 5:12:15 PM GMT+7,5 - Ótimo
2019/04/12 5:13:00 PM GMT+7,4 - Muito bom
2019/04/12 5:14:00 PM GMT+7,3 - Bom
"""


def test_numbered_choices_in_unknown_words_are_text_with_a_warning_until_their_labels_are_given(
    session: Session,
) -> None:
    """A form's numbered choices in words no scale we know holds ("4 - Muito bom") are not read by their number alone
    (the words might be a sentence), but never silently: a warning names the column and asks for the labels; with the
    labels given, they are the ratings their numbers say. The old reading took the numbers without a word."""
    module = make_module(session)
    data = csv_bytes(NUMBERED_SPANISH)
    plan = import_evaluations(session, data=data, filename="f.csv", module_id=module.id, dry_run=True)
    said = [note.as_dict()["message"] for note in plan.notes if note.column == "Qualidade da sessão"]
    assert len(said) == 1 and "'1 - Péssimo', '4 - Muito bom', '5 - Ótimo', '3 - Bom'" in said[0]
    assert "--labels" in said[0]
    labels = "Péssimo, Ruim, Bom, Muito bom, Ótimo"
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id, scale_labels=labels)
    assert result.errors == [] and result.written
    _, *body = list(csv.reader(io.StringIO(NUMBERED_SPANISH.strip())))
    numbers = sorted(int(row[1].split(" - ")[0]) for row in body)
    assert _stored(session, "Qualidade da sessão") == ("rating", numbers, []) == ("rating", [1, 3, 4, 4, 5], [])


# An earlier export of the module's evaluation (a Google Forms download) whose day counts were read as ratings: the
# form then has "How many days should the next module last?" as a rating question.
DAYS_AS_RATINGS = """
Timestamp,How many days should the next module last?
2019/04/12 5:10:02 PM GMT+7,4
2019/04/12 5:11:40 PM GMT+7,5
"""


def test_an_open_ended_column_is_never_averaged_into_a_rating_question_of_the_same_wording(session: Session) -> None:
    """The module's form already has "How many days should the next module last?" as a rating question (an earlier
    import); SurveyMonkey's export marks that column "Open-Ended Response". The old reading took the existing rating's
    kind, and the export's 4, 5, 3, 4 went into its mean. Now the conflict is asked: an error naming the column and the
    question, nothing written; the user's word settles it (rating: they are its ratings; meta: left out)."""
    module = make_module(session)
    days = "How many days should the next module last?"
    first = import_evaluations(session, data=csv_bytes(DAYS_AS_RATINGS), filename="g.csv", module_id=module.id)
    assert first.written and _stored(session, days) == ("rating", [4, 5], [])
    count = "SELECT count(*) FROM evaluation_answer"
    before = session.execute(sa.text(count)).scalar_one()
    name = "surveymonkey_open_ended.csv"
    data = (TOOLS / name).read_bytes()
    result = import_evaluations(session, data=data, filename=name, module_id=module.id)
    assert not result.written
    asked = [error for error in result.errors if error.column == days]
    assert len(asked) == 1 and f"rating question '{days}'" in asked[0].message and "open-ended" in asked[0].message
    assert f'--column "rating={days}"' in asked[0].message and f'--column "meta={days}"' in asked[0].message
    assert session.execute(sa.text(count)).scalar_one() == before
    assert _stored(session, days) == ("rating", [4, 5], [])
    said = import_evaluations(session, data=data, filename=name, module_id=module.id, columns={days: "rating"},
                              dry_run=True)  # fmt: skip
    assert said.errors == [] and said.plans[[plan.column for plan in said.plans].index(days)].question_id is not None
    # Left out, the rest of the export is imported and the rating keeps its own two answers.
    kept = import_evaluations(session, data=data, filename=name, module_id=module.id, columns={days: "meta"})
    assert kept.errors == [] and kept.written and _stored(session, days) == ("rating", [4, 5], [])
