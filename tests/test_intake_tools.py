"""Each survey tool's export (tests/data/tools, layouts in its README) imports with the right responses,
n and mean per question; figures computed here from the fixture with the csv module, not by the importer."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from programme.evaluations import import_evaluations, module_summary
from programme.models import Answer, Response
from tests.test_evaluations import csv_bytes, make_module

TOOLS = Path(__file__).parent / "data" / "tools"
USEFUL = ["Not at all useful", "Slightly useful", "Moderately useful", "Very useful", "Extremely useful"]
QUALITY = ["Very poor", "Poor", "Average", "Good", "Excellent"]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
SATISFIED = ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]


def rows_of(name: str, skip: int = 1) -> list[list[str]]:
    with (TOOLS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[skip:]


def expected(values: list[str], scale: list[str] | None = None) -> tuple[int, float | None]:
    ratings = [scale.index(v) + 1 if scale else int(v) for v in values if v and v != "N/A"]
    return len(ratings), (round(sum(ratings) / len(ratings), 2) if ratings else None)


def imported(session: Session, name: str, module_id: int):
    data = (TOOLS / name).read_bytes()
    result = import_evaluations(session, data=data, filename=name, module_id=module_id)
    assert result.errors == [], result.errors
    return result, {q["text"]: q for q in module_summary(session, module_id)["questions"]}


def n_mean(question: dict) -> tuple[int, float | None]:
    return question["n"], (round(question["mean"], 2) if question["mean"] is not None else None)


def test_surveymonkey_two_row_header_matrix_and_meta(session: Session) -> None:
    module = make_module(session)
    body = rows_of("surveymonkey.csv", skip=2)
    result, summary = imported(session, "surveymonkey.csv", module.id)
    assert result.tool == "SurveyMonkey" and result.to_json()["tool"] == "SurveyMonkey"
    assert result.created == len(body) == 5  # the sub-label row is no respondent
    roles = {plan.column: plan.role for plan in result.plans}
    for meta in ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                 "First Name", "Last Name", "Custom Data 1"):  # fmt: skip
        assert roles[meta] == "meta"
    assert not any(column.startswith("Column ") for column in roles)
    first = summary["How useful was each session? - International human rights framework"]
    second = summary["How useful was each session? - Treaty body reporting"]
    assert n_mean(first) == expected([row[9] for row in body], USEFUL)
    assert n_mean(second) == expected([row[10] for row in body], USEFUL)
    overall = summary["Overall, how would you rate the module?"]
    # Very poor, Poor, Average, Good, Excellent: 1..5, never 1, 1, 3, 3, 5.
    assert n_mean(overall) == expected([row[11] for row in body], QUALITY) == (5, 3.0)
    assert summary["What should be improved?"]["kind"] == "text"


def test_kobotoolbox_choice_columns_are_one_multiple_choice_question(session: Session) -> None:
    module = make_module(session)
    body = rows_of("kobotoolbox.csv")
    result, summary = imported(session, "kobotoolbox.csv", module.id)
    assert result.tool == "KoboToolbox" and result.created == len(body)
    roles = {plan.column: plan.role for plan in result.plans}
    assert {roles[c] for c in ("Topics/lobbying", "Topics/cedaw", "Topics/media")} == {"choice"}
    for meta in ("start", "end", "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"):
        assert roles[meta] == "meta"
    assert summary["Topics"]["kind"] == "text"
    assert n_mean(summary["The module was relevant to my work"]) == expected([row[6] for row in body], AGREE)
    times = sorted(session.scalars(sa.select(Response.submitted_at)))
    assert times[0].replace(tzinfo=UTC) == datetime(2019, 4, 12, 8, 10, tzinfo=UTC)


def test_kobotoolbox_choice_columns_without_their_question_become_one(session: Session) -> None:
    module = make_module(session)
    body = rows_of("kobotoolbox_choices_only.csv")
    result, summary = imported(session, "kobotoolbox_choices_only.csv", module.id)
    assert result.created == len(body)
    assert summary["Topics"]["kind"] == "text" and summary["Topics"]["n"] == len(body)
    texts = sorted(session.scalars(sa.select(Answer.text).where(Answer.text.is_not(None))))
    assert texts == sorted(["lobbying; cedaw", "media", "lobbying; media"])
    # "Don't know" is no rating: out of n and the mean.
    relevant = [row[3] for row in body if row[3] != "Don't know"]
    assert n_mean(summary["The module was relevant to my work"]) == expected(relevant, AGREE)


def test_typeform_own_columns_are_meta_and_submit_date_kept(session: Session) -> None:
    module = make_module(session)
    body = rows_of("typeform.csv")
    result, summary = imported(session, "typeform.csv", module.id)
    assert result.tool == "Typeform" and result.created == len(body)
    roles = {plan.column: plan.role for plan in result.plans}
    for meta in ("#", "Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID",
                 "Ending", "Tags"):  # fmt: skip
        assert roles[meta] == "meta"
    assert set(summary) == {"How would you rate the module overall?", "What was most useful?"}
    assert n_mean(summary["How would you rate the module overall?"]) == expected([row[1] for row in body])
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    assert stored == sorted(datetime.fromisoformat(row[6]).replace(tzinfo=UTC) for row in body)


def test_google_forms_timestamps_in_utc_and_satisfaction_scale(session: Session) -> None:
    module = make_module(session)
    body = rows_of("google_forms.csv")
    result, summary = imported(session, "google_forms.csv", module.id)
    assert result.tool == "Google Forms" and result.created == len(body)
    assert n_mean(summary["How satisfied are you with the module?"]) == expected([row[1] for row in body], SATISFIED)
    assert n_mean(summary["How useful was Treaty body reporting?"]) == expected([row[2] for row in body])
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    # By hand: 2019/04/13 12:49:22 AM at GMT+7 is 2019-04-12 17:49:22 UTC; 3:10:05 PM is 08:10:05 UTC.
    assert datetime(2019, 4, 12, 17, 49, 22, tzinfo=UTC) in stored
    assert datetime(2019, 4, 12, 8, 10, 5, tzinfo=UTC) in stored


def _nothing_written(session: Session) -> None:
    assert session.scalar(sa.select(sa.func.count(Response.id))) == 0
    assert session.scalar(sa.select(sa.func.count(Answer.response_id))) == 0


def test_unknown_label_set_stops_naming_the_labels_then_labels_fix_it(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,Overall quality\nu1,Very weak\nu2,Strong\nu3,Average\nu4,Weak\n")
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert not result.written
    message = " ".join(error.message for error in result.errors)
    assert "'Very weak'" in message and "'Strong'" in message and "--labels" in message
    _nothing_written(session)
    labels = "Very weak, Weak, Average, Strong, Very strong"
    fixed = import_evaluations(session, data=data, filename="f.csv", module_id=module.id, scale_labels=labels)
    assert fixed.errors == [] and fixed.written
    assert session.scalar(sa.select(sa.func.avg(Answer.rating))) == (1 + 4 + 3 + 2) / 4


def test_a_0_to_10_question_keeps_its_range_and_an_unnamed_one_stops_the_import(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,How likely are you to recommend the course (0-10)?,Overall\nu1,9,4\nu2,10,5\nu3,6,3\n")
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert result.written and result.errors == []
    summary = {q["text"]: q for q in module_summary(session, module.id)["questions"]}
    assert n_mean(summary["How likely are you to recommend the course (0-10)?"]) == (3, round(25 / 3, 2))
    assert summary["How likely are you to recommend the course (0-10)?"]["scale"] == "0-10"
    assert module_summary(session, module.id)["mean"] == 4.0  # (4 + 5 + 3) / 3: the 0-10 answers left out
    other = make_module(session, code="EV2")
    data = csv_bytes("_uuid,Rate the trainers,Overall\nu1,9,4\nu2,10,5\nu3,6,3\n")
    result = import_evaluations(session, data=data, filename="f.csv", module_id=other.id)
    assert not result.written
    assert any("from 6 to 10" in error.message and "never averaged" in error.message for error in result.errors)
    assert module_summary(session, other.id)["responses"] == 0


def test_labels_of_two_scales_that_disagree_are_asked(session: Session) -> None:
    module = make_module(session)
    data = csv_bytes("_uuid,Venue\nu1,Good\nu2,Excellent\n")
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    assert any("several scales" in error.message for error in result.errors)
    _nothing_written(session)


def test_the_json_has_the_shared_intake_keys(session: Session) -> None:
    """The evaluation import's --json: tool, every column with its role, and warnings with their column."""
    module = make_module(session)
    data = (TOOLS / "google_forms.csv").read_bytes()
    report = import_evaluations(session, data=data, filename="google_forms.csv", module_id=module.id, dry_run=True)
    found = report.to_json()
    header = next(csv.reader((TOOLS / "google_forms.csv").read_text(encoding="utf-8").splitlines()))
    assert [item["header"] for item in found["columns"]] == header
    assert found["columns"][0] == {"header": "Timestamp", "role": "submitted"}
    assert {item["role"] for item in found["columns"][1:]} <= {"rating", "text", "identity", "meta"}
    assert found["tool"] == "Google Forms" and found["written"] is False and found["dry_run"] is True
    assert [item["message"] if item["column"] is None else f"Column '{item['column']}': {item['message']}"
            for item in found["warning_details"]] == found["warnings"]  # fmt: skip


def test_odk_central_group_paths_meta_and_utc_submission_dates(session: Session) -> None:
    module = make_module(session)
    body = rows_of("odk_central.csv")
    result, summary = imported(session, "odk_central.csv", module.id)
    assert result.tool == "ODK Central" and result.created == len(body) == 4
    roles = {item["header"]: item["role"] for item in result.to_json()["columns"]}
    for meta in ("start", "end", "meta-instanceID", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                 "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"):  # fmt: skip
        assert roles[meta] == "meta", meta
    assert (roles["SubmissionDate"], roles["KEY"]) == ("submitted", "response id")
    assert {roles[f"evaluation-topics/{choice}"] for choice in ("lobbying", "cedaw", "media")} == {"choice"}
    # The group path "evaluation-" is off; the session's question is tied to the agenda's session.
    assert summary["Treaty body reporting"]["session"] == "Treaty body reporting"
    assert n_mean(summary["Treaty body reporting"]) == expected([row[3] for row in body]) == (3, 4.0)
    # Choice names as Central exports them ("very_poor"): Very poor, Poor, Average, Good, Excellent.
    overall = [row[4].replace("_", " ").capitalize() for row in body]
    assert n_mean(summary["Overall"]) == expected(overall, QUALITY) == (4, 3.25)
    assert summary["Topics"]["kind"] == "text" and summary["Comments"]["n"] == 2
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    # By hand: SubmissionDate is UTC ("Z"); the milliseconds are dropped.
    assert stored == [datetime.fromisoformat(row[0][:19]).replace(tzinfo=UTC) for row in body]
    external = sorted(session.scalars(sa.select(Response.external_id)))
    assert external == sorted(row[11] for row in body)
