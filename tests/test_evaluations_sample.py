"""Issue 21, evaluation part: the shared sample export read as a facilitator expects.

Suggestion questions recognised by their wording, facts about the respondent kept apart from the comments,
identical comments grouped with a count, and one module mean for the dashboard's header and its charts.
Every expected figure is computed here from the raw CSV with the csv module, not by the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.charts import evaluations as charts
from programme.core.db import make_engine, session_scope
from programme.evaluations import import_evaluations, module_summary, suggestions
from programme.evaluations import queries as q
from programme.evaluations.comments import grouped_comments
from programme.evaluations.means import MODULE_MEAN_CAPTION, module_mean
from programme.evaluations.summary import respondent_profile
from programme.evaluations.undo import undo_evaluation_import
from programme.evaluations.wording import is_suggestion_question, respondent_attribute
from programme.models import (
    Answer,
    ImportBatch,
    Question,
    RespondentAttribute,
    RespondentAttributeKind,
    Response,
    UserRole,
)
from programme.models.planning import TopicSuggestion
from programme.planning.backlog import take_in_evaluation_suggestions
from programme.sheets import to_csv_bytes
from tests.apptest_support import run_page
from tests.test_evaluations import SAMPLE, csv_bytes, make_module

# The sample's answer labels, lowest first, as its KoboToolbox form printed them (blank: not answered).
USEFULNESS = {"Not at all useful": 1, "Slightly useful": 2, "Useful": 3, "Very useful": 4, "Extremely useful": 5}


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def hand_ratings() -> list[int]:
    """Every rating in the sample: the five session columns' labels and the overall 1-5 numbers."""
    ratings = []
    for row in sample_rows():
        for column, value in row.items():
            value = value.strip()
            if column.startswith("evaluation/session_") and value:
                ratings.append(USEFULNESS[value])
            elif column == "evaluation/overall_rating (1-5)" and value:
                ratings.append(int(value))
    return ratings


def grouped_by_hand(values: list[str]) -> Counter:
    """Count answers the way a reader would: same words whatever the case or spacing."""
    spellings: dict[str, Counter] = {}
    for value in values:
        text = " ".join(value.split())
        if text:
            spellings.setdefault(text.casefold(), Counter())[text] += 1
    return Counter({counter.most_common(1)[0][0]: sum(counter.values()) for counter in spellings.values()})


def import_sample(session: Session):  # type: ignore[no-untyped-def]
    module = make_module(session)
    result = import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id)
    assert result.errors == [] and result.written
    return module


# --- wording ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Improve", "evaluation/improve", "What should be improved?", "How could the module be improved?",
        "Areas for improvement", "Any suggestions?", "Suggestions for the next module", "Suggested topics",
        "Next topics", "Topics for the next module", "What topics would you like covered in future modules?",
        "Would you recommend other topics?", "Recommendations", "What could we do better?",
        "What would you change?", "Other topics you would like to learn about",
    ],
)  # fmt: skip
def test_suggestion_questions_are_recognised_in_several_phrasings(text: str) -> None:
    assert is_suggestion_question(text)


@pytest.mark.parametrize(
    "text",
    ["Most useful", "What was most useful?", "Comments", "Any other comments?", "What did you understand better?",
     "Would you recommend this course to a colleague?", "Respondent country"],
)  # fmt: skip
def test_other_open_questions_are_not_suggestion_questions(text: str) -> None:
    assert not is_suggestion_question(text)


def test_a_recommend_question_answered_yes_or_no_is_not_asking_for_suggestions() -> None:
    assert not is_suggestion_question("Would you recommend the training?", ["Yes", "yes", "No", "Yes, to colleagues"])
    assert is_suggestion_question("Your recommendations", ["More CEDAW", "Fewer lectures", "No"])


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Respondent country", "country"), ("Country", "country"), ("Which country do you work in?", "country"),
        ("Nationality", "nationality"), ("Your nationality", "nationality"),
        ("Type of organisation", "organisation type"), ("Organization type", "organisation type"),
        ("What is your gender?", "gender"), ("Gender (M/F)", "gender"), ("Sex", "gender"),
        ("Age group", "age"), ("Your role", "role"), ("Position in your organisation", "role"),
        ("Role play: lobbying a labour attache", None), ("Country situation briefing", None), ("Improve", None),
    ],
)  # fmt: skip
def test_columns_about_the_respondent_are_recognised(text: str, attribute: str | None) -> None:
    found = respondent_attribute(text)
    assert (found.value if found else None) == attribute


# --- the shared sample, on both backends ------------------------------------------------------------------


def test_sample_suggestions_are_the_improve_answers_counted_from_the_csv(session: Session) -> None:
    module = import_sample(session)
    written = [row["evaluation/improve"] for row in sample_rows() if row["evaluation/improve"].strip()]
    expected = grouped_by_hand(written)
    found = suggestions(session, module.id)
    assert dict(zip(found["text"], found["times"], strict=True)) == dict(expected)
    assert int(found["times"].sum()) == len(written) > 0
    # They feed the topic backlog as the standard form's suggestion question does.
    assert take_in_evaluation_suggestions(session, module_id=module.id, by="tester") == (len(expected), 0)
    backlog = session.execute(
        sa.select(TopicSuggestion.text, TopicSuggestion.times_asked).where(TopicSuggestion.module_id == module.id)
    ).all()
    assert dict(backlog) == dict(expected)
    improve = session.scalars(sa.select(Question).where(Question.text == "Improve")).one()
    assert (
        improve.feeds_backlog
        and not session.scalars(sa.select(Question.feeds_backlog).where(Question.text == "Most useful")).one()
    )


def test_sample_respondent_country_is_an_attribute_not_a_comment(session: Session) -> None:
    module = import_sample(session)
    countries = Counter(row["evaluation/respondent_country"].strip() for row in sample_rows())
    assert "Respondent country" not in q.comment_questions(session)
    assert session.scalar(sa.select(sa.func.count()).where(Question.text.ilike("%country%"))) == 0
    shown = set(q.comments(session, module_id=module.id)["comment"]) | set(
        grouped_comments(session, module_id=module.id)["comment"]
    )
    assert not shown & set(countries)
    stored = session.execute(sa.select(RespondentAttribute.attribute, RespondentAttribute.value)).all()
    assert {attribute for attribute, _ in stored} == {RespondentAttributeKind.COUNTRY}
    assert Counter(value for _, value in stored) == countries
    profile = respondent_profile(session, module.id)
    assert dict(zip(profile["value"], profile["responses"], strict=True)) == dict(countries)
    # Still anonymous: no response names anyone.
    assert set(session.scalars(sa.select(Response.person_id))) == {None}


def test_sample_comments_are_grouped_with_counts(session: Session) -> None:
    module = import_sample(session)
    rows = sample_rows()
    expected = {
        ("Most useful", text, times)
        for text, times in grouped_by_hand([r["evaluation/most_useful"] for r in rows]).items()
    } | {("Improve", text, times) for text, times in grouped_by_hand([r["evaluation/improve"] for r in rows]).items()}
    found = grouped_comments(session, module_id=module.id)
    assert list(found.columns) == ["module", "question", "comment", "times"]
    assert set(zip(found["question"], found["comment"], found["times"], strict=True)) == expected
    assert len(found) == len(expected) < int(found["times"].sum())
    # Within a question, the most written first.
    for _, group in found.groupby("question", sort=False):
        assert group["times"].tolist() == sorted(group["times"], reverse=True)


def test_sample_header_mean_equals_the_charts_mean_and_the_hand_computed_one(session: Session) -> None:
    module = import_sample(session)
    ratings = hand_ratings()
    by_hand = sum(ratings) / len(ratings)
    average = module_mean(session, module.id)
    assert (average.n, average.mean) == (len(ratings), pytest.approx(by_hand))
    ranked = q.session_ratings(session, module.id)
    assert ranked["module_mean"].tolist() == [pytest.approx(by_hand)] * len(ranked)
    figure = charts.sessions_ranked_chart(ranked)
    assert any(f"module average {by_hand:.2f}" in (note.text or "") for note in figure.layout.annotations)
    comparison = q.module_comparison(session, module.id)
    this = comparison[comparison["kind"] == "this module"]
    assert (int(this["n"].iloc[0]), float(this["mean"].iloc[0])) == (len(ratings), pytest.approx(by_hand))
    summary = module_summary(session, module.id)
    assert (summary["ratings"], summary["mean"]) == (len(ratings), round(by_hand, 2))


def test_undo_takes_the_respondent_attributes_with_the_responses(session: Session) -> None:
    import_sample(session)
    batch = session.scalars(sa.select(ImportBatch)).one()
    undo_evaluation_import(session, batch_id=batch.id, username="tester")
    assert session.scalar(sa.select(sa.func.count()).select_from(RespondentAttribute)) == 0
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


# --- other layouts --------------------------------------------------------------------------------------

# A Google Forms-style export ("Timestamp" first, each question's text as its header) of an anonymous form
# that still asks a name: the name must not be kept anywhere.
FORM = """
Timestamp,Your name,Country,Type of organisation,What is your gender?,Rate the module (1-5),What should be improved?,Topics for the next module,Would you recommend this course to a colleague?,Comments
2019/04/12 9:00:00,Amina Rahman,Nepal,NGO,Female,5,More time for group work,CEDAW; lobbying,Yes,Great role play
2019/04/12 9:01:00,Budi Santoso,Indonesia,Trade union,Male,4,more time for group work,Lobbying,Yes,great role play
2019/04/12 9:02:00,Chen Li,Malaysia,,Female,4,,Business and human rights; Lobbying,No,GREAT  ROLE PLAY
2019/04/12 9:03:00,Dara Sok,Cambodia,NGO,,3,Interpretation,,Yes,Más CEDAW
2019/04/12 9:04:00,Eka Putri,Indonesia,NGO,Female,5,,,Yes,MÁS CEDAW
2019/04/12 9:05:00,Farah Khan,Nepal,Lawyers,Female,4,,,Yes,Más CEDAW
2019/04/12 9:06:00,Gita Rai,Nepal,NGO,Female,2,,,Yes,Great role play
"""


def test_a_form_export_in_other_words_feeds_suggestions_attributes_and_grouped_comments(session: Session) -> None:
    module = make_module(session, code="EV2")
    result = import_evaluations(session, data=csv_bytes(FORM), filename="form.csv", module_id=module.id)
    assert result.errors == [] and result.created == 7
    table = result.columns_table()
    becomes = dict(zip(table["column"], table["becomes"], strict=True))
    assert becomes["Country"] == "about the respondent: country (not a comment)"
    assert becomes["What is your gender?"] == "about the respondent: gender (not a comment)"
    assert becomes["Topics for the next module"].endswith("(suggestions for the next module)")
    assert "suggestions" not in becomes["Would you recommend this course to a colleague?"]

    # Both suggestion questions feed the backlog ("CEDAW; lobbying" is two topics); "Yes"/"No" do not.
    assert dict(zip(*suggestions(session, module.id).to_dict("list").values(), strict=True)) == {
        "Lobbying": 3, "More time for group work": 2, "CEDAW": 1, "Business and human rights": 1, "Interpretation": 1,
    }  # fmt: skip
    profile = respondent_profile(session, module.id)
    counts = {(a, v): n for a, v, n in profile.itertuples(index=False)}
    assert counts[("gender", "Female")] == 5 and counts[("country", "Nepal")] == 3
    assert counts[("organisation type", "NGO")] == 4 and ("organisation type", "") not in counts

    comments = grouped_comments(session, module_id=module.id, question="Comments")
    assert comments[["comment", "times"]].values.tolist() == [["Great role play", 4], ["Más CEDAW", 3]]
    assert grouped_comments(session, module_id=module.id, search="mas cedaw")["times"].tolist() == [3]
    assert len(grouped_comments(session, module_id=module.id, limit=2)) == 2

    # Anonymous: the names are nowhere.
    names = {"Amina Rahman", "Budi Santoso", "Chen Li", "Dara Sok", "Eka Putri", "Farah Khan", "Gita Rai"}
    stored = set(session.scalars(sa.select(Answer.text))) | set(session.scalars(sa.select(RespondentAttribute.value)))
    assert not stored & names and set(session.scalars(sa.select(Response.person_id))) == {None}
    assert any("anonymous" in warning for warning in result.warnings)


def test_two_columns_for_the_same_respondent_fact_are_refused(session: Session) -> None:
    module = make_module(session, code="EV3")
    data = csv_bytes("_uuid,Country,Country of residence,Rating (1-5)\nu1,Nepal,Qatar,4\n")
    result = import_evaluations(session, data=data, filename="twice.csv", module_id=module.id)
    assert not result.written and [e.column for e in result.errors] == ["Country of residence"]
    assert "both give the respondent's country" in result.errors[0].message
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0


# --- the page ---------------------------------------------------------------------------------------------


@pytest.fixture
def sample_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
        import_sample(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_dashboard_header_and_chart_show_the_hand_computed_mean_and_grouped_comments(sample_db: str) -> None:
    ratings = hand_ratings()
    by_hand = f"{sum(ratings) / len(ratings):.2f}"
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Mean rating"] == by_hand
    assert any(MODULE_MEAN_CAPTION in caption.value for caption in app.caption)
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    notes = [note.get("text", "") for spec in specs for note in spec["layout"].get("annotations", [])]
    assert f"module average {by_hand}" in notes
    suggested = next(frame.value for frame in app.dataframe if "times" in frame.value.columns)
    assert set(suggested["text"]) == {"Translation into Bahasa", "More time for group work"}

    app.session_state["evaluations_tab"] = "Comments"
    app = app.run()
    assert not app.exception
    shown = app.dataframe[-1].value
    assert list(shown.columns) == ["module", "question", "comment", "times"]
    written = sum(
        1 for row in sample_rows() for c in ("evaluation/most_useful", "evaluation/improve") if row[c].strip()
    )
    assert int(shown["times"].sum()) == written
    assert any(f"{written:,} comments, {len(shown)} different" in md.value for md in app.markdown)
    assert app.get("download_button")[0].proto.label == "Download these comments (CSV)"


def test_the_comments_download_holds_the_grouped_rows(session: Session) -> None:
    """The Comments tab downloads the table it shows (to_csv_bytes of grouped_comments): one row per comment."""
    module = import_sample(session)
    data = to_csv_bytes(grouped_comments(session, module_id=module.id)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert list(rows[0]) == ["module", "question", "comment", "times"]
    by_comment = {(row["question"], row["comment"]): int(row["times"]) for row in rows}
    improve = grouped_by_hand([row["evaluation/improve"] for row in sample_rows()])
    assert {text: by_comment[("Improve", text)] for text in improve} == dict(improve)


def test_an_export_tied_to_no_session_and_no_test_scores_say_so_instead_of_empty_charts(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Seen on a new installation: the sample imported into a module whose agenda has other titles. "This module"
    drew an empty chart reading "the form needs questions tied to sessions" under a chart of five "Session ..."
    questions, without saying how a question is tied; the Learning tab, with no test scores anywhere, drew two empty
    charts and an empty table."""
    with session_scope(make_engine(sqlite_url)) as session:
        module = make_module(session, code="EV9", sessions=["Opening and expectations", "UN treaty bodies and CEDAW"])
        result = import_evaluations(session, data=SAMPLE.read_bytes(), filename=SAMPLE.name, module_id=module.id)
        assert result.written
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert not app.exception
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    notes = [note.get("text", "") for spec in specs for note in spec["layout"].get("annotations", [])]
    assert not any("tied to sessions" in note for note in notes)  # no empty chart
    said = " ".join(info.value for info in app.info)
    assert "No question of this module's evaluation names a session of its agenda" in said
    assert "Plan › Agenda" in said

    app.session_state["evaluations_tab"] = "Learning"
    app = app.run()
    assert not app.exception
    assert not app.get("plotly_chart") and not app.dataframe
    assert "No pre- and post-test scores are recorded" in " ".join(info.value for info in app.info)


def test_who_answered_names_the_attribute_once_as_its_table_s_header(sample_db: str) -> None:
    """Seen in real use: "Who answered" was one table whose About column read "country" on every row, beside the
    answer. Each attribute is now a table of its own headed by it ("Country", "Responses"): the word once, the
    counts those of the export's column (counted here from the CSV)."""
    countries = Counter(row["evaluation/respondent_country"].strip() for row in sample_rows())
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert not app.exception
    expander = next(expander for expander in app.expander if expander.label.startswith("Who answered"))
    tables = list(expander.dataframe)
    assert len(tables) == 1  # the sample asks one fact about the respondent: the country
    config = json.loads(tables[0].proto.columns or "{}")
    headers = [config.get(str(column), {}).get("label", str(column)) for column in tables[0].value.columns]
    assert headers == ["Country", "Responses"]
    shown = tables[0].value
    assert not (shown.astype(str) == "country").any().any()  # the attribute is never a cell
    assert dict(zip(shown["Country"], shown["responses"], strict=True)) == dict(countries)
