"""Each survey tool's export (tests/data/tools, layouts in its README) imports with the right responses,
n and mean per question; figures computed here from the fixture with the csv module, not by the importer."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from programme.evaluations import import_evaluations, module_summary
from programme.models import Answer, Question, Response
from tests.test_evaluations import csv_bytes, make_module

TOOLS = Path(__file__).parent / "data" / "tools"
USEFUL = ["Not at all useful", "Slightly useful", "Moderately useful", "Very useful", "Extremely useful"]
QUALITY = ["Very poor", "Poor", "Average", "Good", "Excellent"]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
SATISFIED = ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]


def rows_of(name: str, skip: int = 1, delimiter: str = ",") -> list[list[str]]:
    with (TOOLS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter=delimiter))[skip:]


def answer_texts(session: Session, question: str) -> list[str]:
    """Return the stored text answers of one question, sorted."""
    query = sa.select(Answer.text).join(Question, Question.id == Answer.question_id).where(Question.text == question)
    return sorted(session.scalars(query))


def ticked(header: list[str], row: list[str], question: str) -> str:
    """Return the choices ticked in a KoboToolbox row, read by hand from its 1/0 columns "question/choice"."""
    return "; ".join(
        column[len(question) + 1 :] for column, cell in zip(header, row, strict=True)
        if column.startswith(f"{question}/") and cell == "1"
    )  # fmt: skip


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


def test_surveymonkey_two_row_header_matrix_checkboxes_and_meta(session: Session) -> None:
    module = make_module(session)
    top, sub, *body = rows_of("surveymonkey.csv", skip=0)
    result, summary = imported(session, "surveymonkey.csv", module.id)
    assert result.tool == "SurveyMonkey" and result.to_json()["tool"] == "SurveyMonkey"
    assert result.created == len(body) == 5  # the sub-label row is no respondent
    roles = {plan.column: plan.role for plan in result.plans}
    for meta in ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                 "First Name", "Last Name", "Custom Data 1"):  # fmt: skip
        assert roles[meta] == "meta"
    assert not any(column.startswith("Column ") for column in roles)
    matrix = top.index("How useful was each session?")  # the matrix's text stands above its first row only
    first = summary["How useful was each session? - International human rights framework"]
    second = summary["How useful was each session? - Treaty body reporting"]
    assert (sub[matrix], sub[matrix + 1]) == ("International human rights framework", "Treaty body reporting")
    assert n_mean(first) == expected([row[matrix] for row in body], USEFUL)
    assert n_mean(second) == expected([row[matrix + 1] for row in body], USEFUL)
    overall = summary["Overall, how would you rate the module?"]
    # Very poor, Poor, Average, Good, Excellent: 1..5, never 1, 1, 3, 3, 5.
    assert n_mean(overall) == expected([row[top.index("Overall, how would you rate the module?")] for row in body],
                                       QUALITY) == (5, 3.0)  # fmt: skip
    assert summary["What should be improved?"]["kind"] == "text"
    # A checkbox question: one column per choice, a ticked cell holds the choice's label, "Other (please
    # specify)" the text written. By hand, from the rows: one question, four respondents ticked something.
    checkbox = top.index("Which sessions will you use in your work?")
    assert summary["Which sessions will you use in your work?"]["n"] == 4
    assert answer_texts(session, "Which sessions will you use in your work?") == sorted(
        ["Treaty body reporting", "Treaty body reporting; Working with the media",
         "Other (please specify): Briefing my ministry", "Working with the media"]
    )  # fmt: skip
    assert sub[checkbox : checkbox + 3] == ["Treaty body reporting", "Working with the media", "Other (please specify)"]
    # Dates are mm/dd/yyyy (SurveyMonkey's own order): 04/12/2019 is 12 April, though no day above 12 says so.
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    assert stored[0] == datetime(2019, 4, 12, 15, 9, 40, tzinfo=UTC)  # End Date 03:09:40 PM, taken as UTC
    assert not any("day first" in warning for warning in result.warnings)
    assert any("5 submission times have no time zone" in warning for warning in result.warnings)


KOBO_META = ("start", "end", "__version__", "_id", "_uuid", "_submission_time", "_validation_status", "_notes",
             "_status", "_submitted_by", "_tags", "_index")  # fmt: skip
TOPICS = "Which topics were most useful?"
RELEVANT = "The module was relevant to my work"


def test_kobotoolbox_default_export_labels_and_choice_columns(session: Session) -> None:
    """KoboToolbox's default CSV: ";"-separated, every cell quoted, labels, one 1/0 column per choice."""
    module = make_module(session)
    header, *body = rows_of("kobotoolbox.csv", skip=0, delimiter=";")
    result, summary = imported(session, "kobotoolbox.csv", module.id)
    assert result.tool == "KoboToolbox" and result.created == len(body) == 4
    roles = {plan.column: plan.role for plan in result.plans}
    assert {roles[f"{TOPICS}/{choice}"] for choice in ("Lobbying", "CEDAW", "Media")} == {"choice"}
    for meta in KOBO_META:
        assert roles[meta] == "meta", meta
    # The question's own column joins labels with spaces; the 1/0 columns name each choice whole.
    assert summary[TOPICS]["kind"] == "text"
    expected_topics = [ticked(header, row, TOPICS) for row in body]
    assert answer_texts(session, TOPICS) == sorted(text for text in expected_topics if text)
    assert "Lobbying; CEDAW" in expected_topics  # by hand: the first respondent ticked Lobbying and CEDAW
    relevant = header.index(RELEVANT)
    assert n_mean(summary[RELEVANT]) == expected([row[relevant] for row in body], AGREE) == (4, 4.25)
    # _submission_time is UTC without a zone ("2019-04-12T08:10:02"); start/end are the phone's time (+07:00).
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    column = header.index("_submission_time")
    assert stored == sorted(datetime.fromisoformat(row[column]).replace(tzinfo=UTC) for row in body)
    assert stored[0] == datetime(2019, 4, 12, 8, 10, 2, tzinfo=UTC)
    assert not any("time zone" in warning for warning in result.warnings)  # KoboToolbox's is UTC, documented
    external = sorted(session.scalars(sa.select(Response.external_id)))
    assert external == sorted(row[header.index("_uuid")] for row in body)


def test_kobotoolbox_choice_columns_without_their_question_become_one(session: Session) -> None:
    """The export option "separate columns" for select_multiple: only the 1/0 columns, no question column."""
    module = make_module(session)
    header, *body = rows_of("kobotoolbox_choices_only.csv", skip=0, delimiter=";")
    result, summary = imported(session, "kobotoolbox_choices_only.csv", module.id)
    assert result.created == len(body)
    assert summary[TOPICS]["kind"] == "text" and summary[TOPICS]["n"] == len(body)
    assert answer_texts(session, TOPICS) == sorted(ticked(header, row, TOPICS) for row in body)
    # "Don't know" is no rating: out of n and the mean.
    relevant = header.index(RELEVANT)
    kept = [row[relevant] for row in body if row[relevant] != "Don't know"]
    assert n_mean(summary[RELEVANT]) == expected(kept, AGREE) == (2, 3.0)


def test_kobotoolbox_xml_values_with_group_names(session: Session) -> None:
    """The "XML values and headers" option with groups in headers: "evaluation/relevant", choice names "strongly_agree"."""
    module = make_module(session)
    header, *body = rows_of("kobotoolbox_xml_groups.csv", skip=0, delimiter=";")
    result, summary = imported(session, "kobotoolbox_xml_groups.csv", module.id)
    assert result.tool == "KoboToolbox" and result.created == len(body) == 3
    assert set(summary) == {"Topics", "Relevant", "Comments"}  # group path off, "_" as spaces
    assert answer_texts(session, "Topics") == sorted(ticked(header, row, "evaluation/topics") for row in body)
    # Choice names read as their labels by hand: strongly_agree → Strongly agree.
    relevant = [row[header.index("evaluation/relevant")].replace("_", " ").capitalize() for row in body]
    assert n_mean(summary["Relevant"]) == expected(relevant, AGREE) == (3, round(11 / 3, 2))


def test_kobotoolbox_labels_with_group_names(session: Session) -> None:
    """Labels with "Include groups in headers": the group's label and "/" before each question's label."""
    module = make_module(session)
    group = "Module evaluation"
    header, *body = rows_of("kobotoolbox_labels_groups.csv", skip=0, delimiter=";")
    result, summary = imported(session, "kobotoolbox_labels_groups.csv", module.id)
    assert result.created == len(body) == 3
    assert set(summary) == {TOPICS, RELEVANT, "Comments"}
    assert answer_texts(session, TOPICS) == sorted(ticked(header, row, f"{group}/{TOPICS}") for row in body)
    relevant = header.index(f"{group}/{RELEVANT}")
    assert n_mean(summary[RELEVANT]) == expected([row[relevant] for row in body], AGREE) == (3, round(11 / 3, 2))


def test_typeform_own_columns_are_meta_and_submit_date_kept(session: Session) -> None:
    module = make_module(session)
    header, *body = rows_of("typeform.csv", skip=0)
    result, summary = imported(session, "typeform.csv", module.id)
    assert result.tool == "Typeform" and result.created == len(body)
    roles = {plan.column: plan.role for plan in result.plans}
    for meta in ("#", "Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID",
                 "Tags"):  # fmt: skip
        assert roles[meta] == "meta"
    assert set(summary) == {"How would you rate the module overall?", "What was most useful?"}
    assert n_mean(summary["How would you rate the module overall?"]) == expected([row[1] for row in body])
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    submit = header.index("Submit Date (UTC)")
    assert stored == sorted(datetime.fromisoformat(row[submit]).replace(tzinfo=UTC) for row in body)
    assert sorted(session.scalars(sa.select(Response.external_id))) == sorted(row[0] for row in body)


def test_typeform_multiple_selection_columns_are_one_question(session: Session) -> None:
    """Typeform writes a multiple-selection question one column per choice, headed by the choice's label only."""
    module = make_module(session)
    header, *body = rows_of("typeform_multiple_selection.csv", skip=0)
    result, summary = imported(session, "typeform_multiple_selection.csv", module.id)
    assert result.created == len(body) == 3
    choices = header[header.index("Treaty body reporting") : header.index("Other") + 1]
    name = f"Multiple choice ({' / '.join(choices)})"
    assert set(summary) == {"How would you rate the module overall?", name, "What was most useful?"}
    assert not any(summary[text]["session"] for text in summary)  # no choice became a session's question
    # By hand from the rows: a ticked cell holds the choice's label; "Other" holds what was written.
    assert answer_texts(session, name) == sorted(
        ["Treaty body reporting; Lobbying a labour attaché", "Lobbying a labour attaché",
         "Treaty body reporting; Other: Peer exchange"]
    )  # fmt: skip
    assert any("does not hold" in warning and "'Working with the media'" in warning for warning in result.warnings)


def test_google_forms_timestamps_grid_and_satisfaction_scale(session: Session) -> None:
    module = make_module(session)
    header, *body = rows_of("google_forms.csv", skip=0)
    result, summary = imported(session, "google_forms.csv", module.id)
    assert result.tool == "Google Forms" and result.created == len(body)
    column = {name: header.index(name) for name in header}
    satisfied = "How satisfied are you with the module?"
    assert n_mean(summary[satisfied]) == expected([row[column[satisfied]] for row in body], SATISFIED) == (4, 3.25)
    linear = "How useful was Treaty body reporting?"
    assert n_mean(summary[linear]) == expected([row[column[linear]] for row in body]) == (3, round(11 / 3, 2))
    # A multiple choice grid: one column per row, "Question [Row]", each a question of its own.
    for row_label in ("International human rights framework", "Treaty body reporting"):
        grid = f"How useful was each session? [{row_label}]"
        assert n_mean(summary[grid]) == expected([row[column[grid]] for row in body], USEFUL)
        assert summary[grid]["session"] == row_label
    # Checkboxes: the ticked choices in one cell, ", " between them.
    topics = "Which topics would you like next time?"
    assert answer_texts(session, topics) == sorted(row[column[topics]] for row in body if row[column[topics]])
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    # By hand: 2019/04/13 12:49:22 AM at GMT+7 is 2019-04-12 17:49:22 UTC; 3:10:05 PM is 08:10:05 UTC.
    assert datetime(2019, 4, 12, 17, 49, 22, tzinfo=UTC) in stored
    assert datetime(2019, 4, 12, 8, 10, 5, tzinfo=UTC) in stored
    assert not any("time zone" in warning for warning in result.warnings)


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


def test_microsoft_forms_workbook_anonymous_with_rating_choice_and_multiple_choice(session: Session) -> None:
    """Microsoft Forms' own .xlsx ("Open results in Excel"): form columns first, times as date cells."""
    import openpyxl

    module = make_module(session)
    sheet = openpyxl.load_workbook(TOOLS / "microsoft_forms.xlsx").active
    header, *body = [list(row) for row in sheet.iter_rows(values_only=True)]
    result, summary = imported(session, "microsoft_forms.xlsx", module.id)
    assert result.tool == "Microsoft Forms" and result.created == len(body) == 4
    roles = {item["header"]: item["role"] for item in result.to_json()["columns"]}
    assert [roles[name] for name in header[:6]] == ["response id", "meta", "submitted", "meta", "meta", "meta"]
    column = {name: header.index(name) for name in header}
    overall = "How would you rate the module overall?"
    assert n_mean(summary[overall]) == expected([str(row[column[overall]]) for row in body]) == (4, 4.0)
    assert n_mean(summary[RELEVANT]) == expected([row[column[RELEVANT]] for row in body], AGREE) == (4, 3.75)
    # A multiple-choice answer is "A;B;" in one cell: stored as "A; B".
    chosen = "Which sessions will you use in your work?"
    assert answer_texts(session, chosen) == sorted(
        "; ".join(part for part in row[column[chosen]].split(";") if part) for row in body if row[column[chosen]]
    )
    assert "Treaty body reporting; Working with the media" in answer_texts(session, chosen)
    stored = sorted(moment.replace(tzinfo=UTC) for moment in session.scalars(sa.select(Response.submitted_at)))
    assert stored == sorted(row[column["Completion time"]].replace(tzinfo=UTC) for row in body)  # no zone: UTC
    assert any("4 submission times have no time zone" in warning for warning in result.warnings)
    assert sorted(session.scalars(sa.select(Response.external_id))) == sorted(str(row[0]) for row in body)


def test_the_readme_names_each_fixture() -> None:
    readme = (TOOLS / "README.md").read_text(encoding="utf-8")
    for path in sorted([*TOOLS.glob("*.csv"), *TOOLS.glob("*.xlsx")]):
        assert f"`{path.name}`" in readme, path.name


def test_one_time_without_a_zone_is_said_in_the_singular(session: Session) -> None:
    """Microsoft Forms' own .xlsx cut to its first response: "1 submission time has no time zone", not "times have"."""
    import io

    import openpyxl

    module = make_module(session)
    book = openpyxl.load_workbook(TOOLS / "microsoft_forms.xlsx")
    book.active.delete_rows(3, book.active.max_row)  # the header and one response
    data = io.BytesIO()
    book.save(data)
    result = import_evaluations(session, data=data.getvalue(), filename="microsoft_forms.xlsx", module_id=module.id)
    assert result.errors == [] and result.created == 1
    said = [warning for warning in result.warnings if "no time zone" in warning]
    assert said and "1 submission time has no time zone and was stored as UTC; if the tool wrote it in local" in said[0]
