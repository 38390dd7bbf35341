"""What a new column of an evaluation export is read as: a rating only when (nearly) all its answers are ratings, text
when it asks for comments or holds mostly other answers, and asked (never guessed) in between.

A "Comments" column whose answers included "Good" (a label of the quality scale) was taken for a rating question and
the whole import refused. Figures here are computed from the files by hand, and the stored answers read by bare SQL.
"""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from sqlmodel import Session

from programme.evaluations import import_evaluations, module_summary
from tests.test_evaluations import csv_bytes, make_module
from tests.test_intake_tools import SATISFIED, TOOLS


def _stored(session: Session, question: str) -> tuple[list[int], list[str]]:
    """Return the ratings and the texts stored for one question, by bare SQL."""
    rows = session.execute(
        sa.text(
            "SELECT a.rating, a.text FROM evaluation_answer a JOIN evaluation_question q ON q.id = a.question_id "
            "WHERE q.text = :text"
        ),
        {"text": question},
    ).all()
    return sorted(r for r, _ in rows if r is not None), sorted(t for _, t in rows if t is not None)


def _kind(session: Session, question: str) -> str:
    return session.execute(
        sa.text("SELECT kind FROM evaluation_question WHERE text = :t"), {"t": question}
    ).scalar_one()


def test_a_google_forms_comments_question_answered_good_is_text_and_the_ratings_beside_it_count(
    session: Session,
) -> None:
    """tests/data/tools/google_forms_comments.csv (Google Forms' download, layout in tests/data/tools/README.md):
    "Any other comments?" answered "Good" three times, "Excellent" once and in sentences. The old reading took it for a
    rating (four of six answers are quality labels) and refused the import."""
    module = make_module(session)
    name = "google_forms_comments.csv"
    result = import_evaluations(session, data=(TOOLS / name).read_bytes(), filename=name, module_id=module.id)
    assert result.errors == [] and result.written
    header, *body = list(csv.reader(io.StringIO((TOOLS / name).read_text(encoding="utf-8"))))
    column = {title: index for index, title in enumerate(header)}
    comments = [row[column["Any other comments?"]] for row in body if row[column["Any other comments?"]]]
    assert _kind(session, "Any other comments?") == "text"
    assert _stored(session, "Any other comments?") == ([], sorted(comments))
    # The rating columns, each with blanks, are still ratings: n and mean counted by hand from the file.
    satisfied = [SATISFIED.index(row[1]) + 1 for row in body if row[1]]
    treaty = [int(row[2]) for row in body if row[2]]
    assert _stored(session, "How satisfied are you with the module?") == (sorted(satisfied), [])
    assert _stored(session, "How useful was Treaty body reporting?") == (sorted(treaty), [])
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    assert (summary["How satisfied are you with the module?"]["n"], len(satisfied)) == (5, 5)
    assert summary["How satisfied are you with the module?"]["mean"] == sum(satisfied) / len(satisfied)
    assert summary["How useful was Treaty body reporting?"]["mean"] == round(sum(treaty) / len(treaty), 2)
    # Not silent: the warning names the column and the answers that read as ratings, and says how to change it.
    said = [note.as_dict() for note in result.notes if note.column == "Any other comments?"]
    assert len(said) == 1
    assert "4 of its 6 answers read as ratings ('Good', 'Excellent')" in said[0]["message"]
    assert 'rating=Any other comments?"' in said[0]["message"]


# A sheet typed by hand from paper forms (no tool: a real case, the facilitator's own columns), as the user's report
# had it: "Comments" holding "Good" and other short comments beside a numbered overall rating and a session rated in
# words, each with a blank or two.
TYPED_SHEET = """
Overall rating,Treaty body reporting,Comments on the venue (1-5),Comments
4,Very useful,4,Good
5,Extremely useful,3,Thanks
3,,5,Good
4,Useful,,More role play
,Very useful,4,Nothing
5,Slightly useful,2,
"""


def test_a_typed_comments_column_holding_good_is_text_and_a_comments_header_naming_a_scale_is_a_rating(
    session: Session,
) -> None:
    module = make_module(session)
    result = import_evaluations(session, data=csv_bytes(TYPED_SHEET), filename="typed.csv", module_id=module.id)
    assert result.errors == [] and result.created == 6
    roles = {item["header"]: item["role"] for item in result.columns}
    assert roles == {
        "Overall rating": "rating",
        "Treaty body reporting": "rating",
        "Comments on the venue (1-5)": "rating",  # names its scale: the wording does not make it comments
        "Comments": "text",
    }
    assert _stored(session, "Comments") == ([], sorted(["Good", "Thanks", "Good", "More role play", "Nothing"]))
    assert _stored(session, "Overall rating") == (sorted([4, 5, 3, 4, 5]), [])
    # "Useful" is the middle of the usefulness scale the words come from (3), as the file's own labels read.
    assert _stored(session, "Treaty body reporting") == (sorted([4, 5, 3, 4, 2]), [])
    assert _stored(session, "Comments on the venue (1-5)") == (sorted([4, 3, 5, 4, 2]), [])
    assert any(note.column == "Comments" and "2 of its 5 answers" in note.text for note in result.notes)


# Answers to a question that does not say what it asks for: ratings (numbers) and sentences, half and half or more.
MIXED = """
_uuid,Role play: lobbying a labour attaché
r1,4
r2,5
r3,I arrived late and missed most of it
r4,4
r5,Too short for such an important topic
r6,3
"""


def test_ratings_mixed_with_sentences_are_asked_about_and_either_answer_is_read_as_said(session: Session) -> None:
    """Four of six answers are ratings, two are sentences: neither reading is guessed. The old reading took the
    column for a rating and asked only for a scale's labels ("its labels ... are not a scale we know")."""
    module = make_module(session)
    column = "Role play: lobbying a labour attaché"
    asked = import_evaluations(session, data=csv_bytes(MIXED), filename="m.csv", module_id=module.id)
    assert not asked.written
    assert [(error.row, error.column) for error in asked.errors] == [(1, column)]
    message = asked.errors[0].message
    assert "4 of its 6 answers read as ratings ('4', '5', '3')" in message
    assert f'--column "text={column}"' in message and f'--column "rating={column}"' in message
    as_text = import_evaluations(
        session, data=csv_bytes(MIXED), filename="m.csv", module_id=module.id, dry_run=True, columns={column: "text"}
    )
    assert as_text.errors == [] and as_text.created == 6
    as_rating = import_evaluations(
        session, data=csv_bytes(MIXED), filename="m.csv", module_id=module.id, columns={column: "rating"}
    )
    # Read as ratings, the two sentences are what stops it (words that are no scale's): nothing written.
    assert [error.column for error in as_rating.errors] == [column] and not as_rating.written
    assert "'I arrived late and missed most of it'" in as_rating.errors[0].message


def test_a_few_short_answers_one_a_scale_label_ask_for_the_scale_or_text(session: Session) -> None:
    """ "Good", "Hot room", "Far from the hotel"...: a scale in words nobody knows, or comments. The question asked
    only for the scale's labels; it now says that text is the other answer, and text reads it."""
    module = make_module(session)
    data = csv_bytes(
        "_uuid,Venue and food\nv1,Good\nv2,Hot room\nv3,Good\nv4,Far from the hotel\nv5,Nice food\nv6,Good\n"
    )
    asked = import_evaluations(session, data=data, filename="v.csv", module_id=module.id, dry_run=True)
    assert [error.column for error in asked.errors] == ["Venue and food"]
    assert "give the scale's five labels" in asked.errors[0].message
    assert '--column "text=Venue and food"' in asked.errors[0].message
    done = import_evaluations(
        session, data=data, filename="v.csv", module_id=module.id, columns={"Venue and food": "text"}
    )
    assert done.errors == [] and done.written
    assert _stored(session, "Venue and food") == (
        [],
        sorted(["Good", "Hot room", "Good", "Far from the hotel", "Nice food", "Good"]),
    )
