"""Pre- and post-test scores: a Google Forms quiz (pre) and a Microsoft Forms quiz (post) imported into one module,
matched by e-mail then name, rows nobody or several people match listed and not written, unreadable scores named,
dry runs, re-imports, the command line's JSON, the Learning figures, and the page (upload and typed grid).

The fixtures' layouts and their sources: tests/data/tools/quizzes/README.md."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.cli import main
from programme.core.edits import GridConflict
from programme.core.errors import ProgrammeError
from programme.evaluations import queries as q
from programme.evaluations.learning import learning_gain
from programme.evaluations.test_scores import (
    AMBIGUOUS,
    NOT_MATCHED,
    REPEATED,
    import_test_scores,
    plan_test_scores,
    read_score,
    save_scores,
    scores_table,
)
from programme.intake.columns import ColumnChoiceError
from programme.models import AuditEntry, Course, Module, Participation, Person
from programme.people.names import name_key

QUIZZES = Path(__file__).parent / "data" / "tools" / "quizzes"
GOOGLE = QUIZZES / "google_forms_quiz.csv"
MICROSOFT = QUIZZES / "microsoft_forms_quiz.xlsx"

# The module's list: Rina has no e-mail recorded (matched by name); two people share Somchai Wongsa's name.
PEOPLE = [
    ("Maria Santos", "maria.santos@example.org", "PHL"),
    ("Ahmad Rahman", "ahmad.rahman@example.org", "BGD"),
    ("Rina Sari", None, "IDN"),
    ("Somchai Wongsa", None, "THA"),
    ("Somchai Wongsa", None, "KHM"),
]


def make_tested_module(session: Session, code: str = "LRN") -> Module:
    course = Course(code=code, title="Learning test course", start_year=2026)
    session.add(course)
    session.flush()
    module = Module(course_id=course.id, number=1, title="Module 1", start_date=date(2026, 3, 2),
                    end_date=date(2026, 3, 6), city="Kuala Lumpur")  # fmt: skip
    session.add(module)
    session.flush()
    for full_name, email, nationality in PEOPLE:
        person = Person(full_name=full_name, name_key=name_key(full_name), email=email, nationality=nationality)
        session.add(person)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=module.id))
    # Nguyen Van An took part in another course only: his row of the quiz matches nobody of this module.
    other = Person(full_name="Nguyen Van An", name_key=name_key("Nguyen Van An"), email="nguyen.an@example.org")
    session.add(other)
    session.flush()
    return module


def scores(session: Session, module_id: int) -> dict[str, tuple]:
    query = (
        sa.select(Person.full_name, Person.nationality, Participation.pre_test_score, Participation.post_test_score)
        .join(Person)
        .where(Participation.module_id == module_id)
    )
    return {f"{name} {nat}": (pre, post) for name, nat, pre, post in session.execute(query)}


@pytest.fixture
def module(session: Session) -> Module:
    return make_tested_module(session)


def _import(session: Session, module: Module, path: Path, stage: str, **options):
    return import_test_scores(session, data=path.read_bytes(), filename=path.name, module_id=module.id, stage=stage,
                              by="tester", **options)  # fmt: skip


# --- reading a score ---


@pytest.mark.parametrize(
    ("text", "out_of", "percent"),
    [("7 / 10", None, 70.0), ("7.00 / 10", None, 70.0), ("13.5 / 15", None, 90.0), ("28.00 / 30", None, 93.3),
     ("7,5 / 10", None, 75.0), ("2/3", None, 66.7), ("70%", None, 70.0), ("7", 10, 70.0), ("8", 12, 66.7),
     ("0 / 1", None, 0.0), ("7 / 10", 10, 70.0)],
)  # fmt: skip
def test_a_score_reads_as_a_percentage_of_its_maximum(text: str, out_of: float | None, percent: float) -> None:
    assert read_score(text, out_of) == percent


@pytest.mark.parametrize(
    ("text", "out_of", "words"),
    [("7", None, "without the quiz's maximum"), ("11 / 10", None, "above the maximum"), ("seven", None, "not a score"),
     ("", None, "no score"), ("7 / 10", 20, "out of 20"), ("5 / 0", None, "above 0"), ("120%", None, "above")],
)  # fmt: skip
def test_a_score_that_cannot_be_read_says_why(text: str, out_of: float | None, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        read_score(text, out_of)


# --- the two tools' exports ---


def test_google_forms_quiz_imports_as_pre_test_matched_by_email_then_name(session: Session, module: Module) -> None:
    result = _import(session, module, GOOGLE, "pre")
    assert result.tool == "Google Forms" and result.score_column == "Score"
    assert result.written and not result.errors
    stored = scores(session, module.id)
    # By hand: 7 / 10 → 70; 4.00 / 10 → 40 (the e-mail written in capitals); 6 / 10 → 60 (Rina, by name: no e-mail
    # recorded for her). Somchai Wongsa: two people of the module → not written; Nguyen Van An is not on the list.
    assert stored["Maria Santos PHL"] == (70.0, None)
    assert stored["Ahmad Rahman BGD"] == (40.0, None)
    assert stored["Rina Sari IDN"] == (60.0, None)
    assert stored["Somchai Wongsa THA"] == (None, None) and stored["Somchai Wongsa KHM"] == (None, None)
    left = {row.row: row.status for row in result.unmatched}
    assert left == {5: AMBIGUOUS, 6: NOT_MATCHED}  # the header is row 1
    assert [row.reason for row in result.matched] == ["e-mail", "e-mail", "name"]
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "import_batch")).one()
    assert audit.entity_id == result.batch_id
    assert "pre-test scores" in audit.summary and "3 written" in audit.summary


def test_a_google_forms_quiz_in_portuguese_reads_its_pontuacao_as_the_score(session: Session, module: Module) -> None:
    """A quiz made in Portuguese heads its columns "Carimbo de data/hora", "Endereço de e-mail", "Pontuação" (a
    quiz's columns in public code: tests/data/tools/README.md): it was refused, no header row recognised."""
    english = GOOGLE.read_text(encoding="utf-8").splitlines()
    header = english[0].replace("Timestamp,Email Address,Score,Full name", "Carimbo de data/hora,Endereço de e-mail,"
                                "Pontuação,Nome completo")  # fmt: skip
    assert header != english[0]
    data = "\n".join([header, *english[1:]]).encode("utf-8")
    result = import_test_scores(session, data=data, filename="teste.csv", module_id=module.id, stage="pre", by="tester")
    assert result.tool == "Google Forms" and result.score_column == "Pontuação"
    assert result.written and not result.errors
    stored = scores(session, module.id)
    # By hand, as for the English export: 7 / 10 → 70, 4.00 / 10 → 40, Rina by her name 6 / 10 → 60.
    assert (stored["Maria Santos PHL"], stored["Ahmad Rahman BGD"], stored["Rina Sari IDN"]) == (
        (70.0, None), (40.0, None), (60.0, None),
    )  # fmt: skip
    assert [row.reason for row in result.matched] == ["e-mail", "e-mail", "name"]


def test_microsoft_forms_quiz_needs_its_maximum_then_imports_as_post_test(session: Session, module: Module) -> None:
    refused = _import(session, module, MICROSOFT, "post")
    assert refused.tool == "Microsoft Forms" and refused.score_column == "Total points"
    assert refused.needs_maximum and not refused.written
    assert refused.errors[0].row == 2 and refused.errors[0].column == "Total points"
    assert "without the quiz's maximum" in refused.errors[0].message
    assert all(post is None for _, post in scores(session, module.id).values())

    result = _import(session, module, MICROSOFT, "post", out_of=12)
    assert result.written and not result.errors
    stored = scores(session, module.id)
    # By hand, out of 12 (2 + 10 points): Maria 10 → 83.3 (e-mail); Ahmad 12 → 100 and Rina 8 → 66.7, both
    # "anonymous" in Email, matched by the "Full name" question; "Unknown Visitor" matches nobody.
    assert stored["Maria Santos PHL"] == (None, 83.3)
    assert stored["Ahmad Rahman BGD"] == (None, 100.0)
    assert stored["Rina Sari IDN"] == (None, 66.7)
    assert [(row.row, row.status) for row in result.unmatched] == [(5, NOT_MATCHED)]
    roles = {item["header"]: item["role"] for item in result.columns}
    assert roles["Full name"] == "name" and roles["Points - Full name"] == "not read" and roles["Email"] == "email"


def test_learning_figures_show_the_gain_computed_by_hand(session: Session, module: Module) -> None:
    _import(session, module, GOOGLE, "pre")
    _import(session, module, MICROSOFT, "post", out_of=12)
    # Maria 70 → 83.3, Ahmad 40 → 100, Rina 60 → 66.7: pre 170/3, post 250/3, gain 80/3.
    gains = q.learning_gains(session, course_id=module.course_id)
    assert gains["people"].tolist() == [3]
    assert gains["pre"].iloc[0] == pytest.approx(170 / 3)
    assert gains["post"].iloc[0] == pytest.approx(250 / 3)
    assert gains["gain"].iloc[0] == pytest.approx(80 / 3)
    whole = learning_gain(session, by="programme")
    assert whole["n"].tolist() == [3] and whole["gain"].iloc[0] == pytest.approx(80 / 3)


# --- what is not written, and when nothing is ---


def test_an_unreadable_score_names_its_row_and_column_and_nothing_is_written(session: Session, module: Module) -> None:
    text = GOOGLE.read_text().replace("4.00 / 10", "four", 1)
    result = import_test_scores(session, data=text.encode(), filename="quiz.csv", module_id=module.id, stage="pre")
    assert [(error.row, error.column) for error in result.errors] == [(3, "Score")]
    assert "'four' is not a score" in result.errors[0].message
    assert not result.written
    assert all(pre is None for pre, _ in scores(session, module.id).values())
    assert "Nothing was imported" in result.summary()


def test_a_dry_run_writes_nothing_and_says_what_would_be_written(session: Session, module: Module) -> None:
    result = _import(session, module, GOOGLE, "pre", dry_run=True)
    assert not result.written and result.dry_run and len(result.matched) == 3
    assert all(pre is None for pre, _ in scores(session, module.id).values())
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    assert (
        result.summary().startswith("3 pre-test scores would be written") and "nothing was written" in result.summary()
    )


def test_a_reimport_replaces_the_earlier_scores_of_its_rows_and_says_so(session: Session, module: Module) -> None:
    _import(session, module, GOOGLE, "pre")
    again = GOOGLE.read_text().replace("7 / 10", "9 / 10", 1)
    result = import_test_scores(session, data=again.encode(), filename="quiz.csv", module_id=module.id, stage="pre")
    assert result.replaced == 3 and "replacing 3 earlier pre-test scores" in result.summary()
    assert scores(session, module.id)["Maria Santos PHL"] == (90.0, None)
    previous = {row.person: row.previous for row in result.matched}
    assert previous["Maria Santos"] == 70.0


def test_a_person_who_answered_twice_is_not_written(session: Session, module: Module) -> None:
    lines = GOOGLE.read_text().splitlines()
    twice = "\n".join([*lines, lines[1].replace("7 / 10", "9 / 10")]) + "\n"
    result = import_test_scores(session, data=twice.encode(), filename="q.csv", module_id=module.id, stage="pre")
    repeated = [row for row in result.details if row.status == REPEATED]
    assert [row.row for row in repeated] == [2, 7] and "rows 2, 7" in repeated[0].reason
    assert scores(session, module.id)["Maria Santos PHL"] == (None, None)
    assert scores(session, module.id)["Ahmad Rahman BGD"] == (40.0, None)


def test_a_name_on_the_list_with_another_email_recorded_is_not_a_match(session: Session, module: Module) -> None:
    text = "Timestamp,Email Address,Score,Full name\n2026/03/02 9:01:12 AM GMT+8,m.s@example.net,7 / 10,Maria Santos\n"
    result = import_test_scores(session, data=text.encode(), filename="q.csv", module_id=module.id, stage="pre")
    assert [row.status for row in result.details] == [AMBIGUOUS]
    assert scores(session, module.id)["Maria Santos PHL"] == (None, None)


def test_a_sheet_typed_by_hand_reads_the_stage_column_and_a_file_without_scores_is_refused(
    session: Session, module: Module
) -> None:
    text = "Name,Email,Pre-test,Post-test\nMaria Santos,,55,80\nRina Sari,,60%,75%\n"
    result = import_test_scores(session, data=text.encode(), filename="typed.csv", module_id=module.id, stage="post",
                                out_of=100)  # fmt: skip
    assert result.score_column == "Post-test" and result.tool is None
    assert scores(session, module.id)["Maria Santos PHL"] == (None, 80.0)
    assert scores(session, module.id)["Rina Sari IDN"] == (None, 75.0)
    with pytest.raises(ColumnChoiceError, match="No score column"):
        import_test_scores(session, data=b"Name,Email\nMaria Santos,\n", filename="x.csv", module_id=module.id,
                           stage="pre")  # fmt: skip
    with pytest.raises(ProgrammeError, match="pre or post"):
        import_test_scores(session, data=text.encode(), filename="x.csv", module_id=module.id, stage="middle")


# --- typed by hand ---


def test_typed_scores_save_only_the_changed_cells_and_refuse_a_colleagues_change(
    session: Session, module: Module
) -> None:
    opened = scores_table(session, module.id)
    typed = opened.copy()
    maria = opened.index[opened["full_name"] == "Maria Santos"][0]
    rina = opened.index[opened["full_name"] == "Rina Sari"][0]
    typed.loc[maria, "pre_test_score"] = 45
    typed.loc[rina, "post_test_score"] = 72.25
    assert save_scores(session, module_id=module.id, opened=opened, typed=typed, by="tester") == 2
    assert scores(session, module.id)["Maria Santos PHL"] == (45.0, None)
    assert scores(session, module.id)["Rina Sari IDN"] == (None, 72.3)  # one decimal, a half rounded up
    # A colleague saves Maria's post-test meanwhile; this grid (opened before) changes Rina's pre-test only: kept.
    session.get(Participation, int(opened.loc[maria, "participation_id"])).post_test_score = 90.0
    typed2 = opened.copy()
    typed2.loc[rina, "pre_test_score"] = 50
    typed2.loc[maria, "pre_test_score"] = 45
    assert save_scores(session, module_id=module.id, opened=opened, typed=typed2, by="tester") == 1
    assert scores(session, module.id)["Maria Santos PHL"] == (45.0, 90.0)
    # Both changed the same cell to different values: refused, naming the value saved now.
    typed3 = opened.copy()
    typed3.loc[maria, "post_test_score"] = 60
    with pytest.raises(GridConflict, match=r"Maria Santos's test scores while you were editing it\. Now saved: "
                       r"Post-test \(%\): 90\.0\. Nothing was saved") as refused:  # fmt: skip
        save_scores(session, module_id=module.id, opened=opened, typed=typed3, by="tester")
    assert scores(session, module.id)["Maria Santos PHL"] == (45.0, 90.0)
    # The page then reads the clashing cell as seen (programme/web/editors.opened): saving again replaces it.
    (conflict,) = refused.value.rows.values()
    seen = opened.copy()
    seen.loc[maria, "post_test_score"] = conflict.clashes["post_test_score"]
    assert save_scores(session, module_id=module.id, opened=seen, typed=typed3, by="tester") == 1
    assert scores(session, module.id)["Maria Santos PHL"] == (45.0, 60.0)
    fresh = scores_table(session, module.id)
    typed4 = fresh.copy()
    typed4.loc[maria, "pre_test_score"] = 140
    with pytest.raises(ProgrammeError, match="between 0 and 100"):
        save_scores(session, module_id=module.id, opened=fresh, typed=typed4, by="tester")


# --- undo ---


def test_undo_puts_back_what_the_import_replaced_and_keeps_later_changes(session: Session, module: Module) -> None:
    from programme.evaluations.test_score_undo import test_score_imports, undo_summary, undo_test_score_import

    first = _import(session, module, GOOGLE, "pre")
    # A second quiz file of the same test: Maria 7 → 9 out of 10; Ahmad and Rina as before.
    again = GOOGLE.read_text().replace("7 / 10", "9 / 10", 1)
    second = import_test_scores(session, data=again.encode(), filename="quiz-2.csv", module_id=module.id, stage="pre",
                                by="tester")  # fmt: skip
    # Rina's score is then typed by hand: 60 → 65.
    opened = scores_table(session, module.id)
    typed = opened.copy()
    typed.loc[opened.index[opened["full_name"] == "Rina Sari"][0], "pre_test_score"] = 65
    save_scores(session, module_id=module.id, opened=opened, typed=typed, by="tester")
    listed = test_score_imports(session, module_id=module.id)
    assert listed["batch"].tolist() == [second.batch_id, first.batch_id]
    assert listed["import"].tolist() == [2, 1]  # as the page names them, among the imports of test scores
    assert listed["test"].tolist() == ["pre-test", "pre-test"] and listed["scores written"].tolist() == [3, 3]

    # The first import's scores are the second's now (Maria, Ahmad) or typed since (Rina): all three stay.
    undone = undo_test_score_import(session, batch_id=first.batch_id, username="tester")
    assert undone == {"test": "pre-test", "restored": 0, "cleared": 0, "kept": 3, "gone": 0}
    assert scores(session, module.id)["Maria Santos PHL"] == (90.0, None)
    # The second import: Maria and Ahmad go back to what it replaced (70 and 40, the first file's); Rina's typed 65
    # stays.
    undone = undo_test_score_import(session, batch_id=second.batch_id, username="tester")
    assert undone == {"test": "pre-test", "restored": 2, "cleared": 0, "kept": 1, "gone": 0}
    stored = scores(session, module.id)
    assert stored["Maria Santos PHL"] == (70.0, None) and stored["Ahmad Rahman BGD"] == (40.0, None)
    assert stored["Rina Sari IDN"] == (65.0, None)
    assert undo_summary(2, undone) == (
        "Import 2 undone: 2 pre-test scores put back to what they were before it; 1 pre-test score changed since "
        "(typed, or imported again) kept as it is."
    )
    with pytest.raises(ProgrammeError, match="already undone"):
        undo_test_score_import(session, batch_id=second.batch_id, username="tester")
    assert test_score_imports(session, module_id=module.id)["undone at"].notna().all()


def test_a_file_imported_before_as_the_same_test_is_named_and_what_importing_it_again_would_change_said(
    session: Session, module: Module
) -> None:
    first = _import(session, module, GOOGLE, "pre")
    session.commit()
    again = plan_test_scores(session, data=GOOGLE.read_bytes(), filename="copy.csv", module_id=module.id, stage="pre")
    assert again.warnings == [
        "This file was imported before as the pre-test (import 1 under Past imports): its scores are already "
        "recorded, so importing it again changes nothing."
    ]
    # As the post-test it was never imported: nothing to say.
    post = plan_test_scores(session, data=GOOGLE.read_bytes(), filename="copy.csv", module_id=module.id, stage="post")
    assert post.warnings == []
    opened = scores_table(session, module.id)
    typed = opened.copy()
    typed.loc[opened.index[opened["full_name"] == "Rina Sari"][0], "pre_test_score"] = 65
    save_scores(session, module_id=module.id, opened=opened, typed=typed, by="tester")
    session.commit()
    again = plan_test_scores(session, data=GOOGLE.read_bytes(), filename="copy.csv", module_id=module.id, stage="pre")
    assert again.warnings == [
        "This file was imported before as the pre-test (import 1 under Past imports); 1 score of it was changed "
        "since (typed, or another file imported): importing it again puts the file's back."
    ]
    from programme.evaluations.test_score_undo import undo_test_score_import

    undo_test_score_import(session, batch_id=first.batch_id, username="tester")
    session.commit()  # undone: no longer an import to name
    assert plan_test_scores(session, data=GOOGLE.read_bytes(), filename="copy.csv", module_id=module.id,
                            stage="pre").warnings == []  # fmt: skip


def test_undoing_the_only_import_leaves_no_score_and_no_learning_gain(session: Session, module: Module) -> None:
    from programme.evaluations.test_score_undo import undo_test_score_import

    pre = _import(session, module, GOOGLE, "pre")
    _import(session, module, MICROSOFT, "post", out_of=12)
    session.commit()
    assert learning_gain(session, by="programme")["n"].tolist() == [3]
    assert undo_test_score_import(session, batch_id=pre.batch_id, username="tester")["restored"] == 3
    session.commit()
    assert all(pre is None for pre, _ in scores(session, module.id).values())
    # The post-test scores stay; with no pre-test there is no gain to show (the summaries follow the undo).
    assert scores(session, module.id)["Maria Santos PHL"] == (None, 83.3)
    assert learning_gain(session, by="programme").empty or learning_gain(session, by="programme")["n"].sum() == 0


# --- the command line ---


@pytest.fixture
def cli_url(monkeypatch: pytest.MonkeyPatch, engine, capsys: pytest.CaptureFixture[str]) -> str:
    from programme.core.db import session_scope

    with session_scope(engine) as session:
        make_tested_module(session, code="CLI")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_cli_imports_test_scores_with_json(cli_url: str, engine, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["import", "test-scores", "--course", "CLI", "--module", "1"]
    assert main([*base[:2], str(GOOGLE), *base[2:], "--stage", "pre", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["written"] is False and dry["matched"] == 3 and dry["tool"] == "Google Forms"
    assert [(row["row"], row["status"]) for row in dry["not_matched"]] == [(5, "ambiguous"), (6, "not matched")]
    assert {"errors", "warnings", "warning_details", "columns", "stage", "replaced", "scores"} <= set(dry)

    assert main([*base[:2], str(MICROSOFT), *base[2:], "--stage", "post", "--json"]) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["errors"][0]["column"] == "Total points" and refused["written"] is False

    assert main([*base[:2], str(MICROSOFT), *base[2:], "--stage", "post", "--out-of", "12"]) == 0
    out = capsys.readouterr().out
    assert "This looks like a Microsoft Forms export." in out and "3 post-test scores written" in out
    assert "Row 5: not matched" in out
    assert main([*base[:2], str(GOOGLE), *base[2:], "--stage", "pre", "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["written"] is True and sorted(row["score"] for row in written["scores"]) == [40.0, 60.0, 70.0]
    with Session(engine) as session:
        module_id = session.scalar(sa.select(Module.id).join(Course).where(Course.code == "CLI"))
        assert scores(session, module_id)["Ahmad Rahman BGD"] == (40.0, 100.0)
    with pytest.raises(SystemExit) as wrong_stage:
        main([*base[:2], str(GOOGLE), *base[2:], "--stage", "middle"])
    assert wrong_stage.value.code == 2
    capsys.readouterr()
    assert main([*base[:2], str(GOOGLE), *base[2:], "--stage", "pre", "--column", "score=Nope"]) == 2
    assert "no column 'Nope'" in capsys.readouterr().err


# --- the page: Forms and entry › Pre/post tests ---


def _page(sqlite_url: str, monkeypatch: pytest.MonkeyPatch):
    from programme.core.db import make_engine, session_scope
    from programme.models import UserRole
    from tests.apptest_support import run_page

    with session_scope(make_engine(sqlite_url)) as session:
        module_id = make_tested_module(session).id
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    app = app.selectbox(key="entry_module").set_value(module_id).run()
    assert not app.exception, app.exception
    return app, module_id


def test_page_previews_an_upload_and_imports_on_confirmation(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from programme.core.db import make_engine

    app, module_id = _page(sqlite_url, monkeypatch)
    app.session_state["test_scores_upload"] = {"name": MICROSOFT.name, "data": MICROSOFT.read_bytes()}
    app = app.radio(key="test_scores_stage").set_value("post").run()
    assert any("Microsoft Forms" in info.value for info in app.info)
    from tests.apptest_support import shown_text

    assert any("without the quiz's maximum" in shown_text(error.value) for error in app.error), [
        e.value for e in app.error
    ]
    assert not any(button.key == "test_scores_import" for button in app.button)
    app = app.number_input(key="test_scores_out_of").set_value(12).run()
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Matched"] == "3" and metrics["Not matched"] == "1" and metrics["Unreadable"] == "0"
    button = next(button for button in app.button if button.key == "test_scores_import")
    # The button names the module the scores go into, with its dates: the page opens on the newest module.
    assert button.label == "Import 3 post-test scores into LRN · Module 1 (2–6 March 2026)"
    app = button.click().run()
    assert not app.exception, app.exception
    assert any("3 post-test scores written" in message.value for message in app.success)
    with Session(make_engine(sqlite_url)) as session:
        assert scores(session, module_id)["Ahmad Rahman BGD"] == (None, 100.0)


def test_page_saves_scores_typed_in_the_grid(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from programme.core.db import make_engine
    from tests.apptest_support import edit_grid

    app, module_id = _page(sqlite_url, monkeypatch)
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"test_scores_{module_id}_"))
    names = grid.value["full_name"].tolist()
    row = names.index("Rina Sari")
    app = edit_grid(app, grid.key, edited_rows={row: {"pre_test_score": 55, "post_test_score": 80}})
    app = next(button for button in app.button if button.key == "test_scores_save").click().run()
    assert not app.exception, app.exception
    assert any("2 scores saved." in message.value for message in app.success)
    with Session(make_engine(sqlite_url)) as session:
        assert scores(session, module_id)["Rina Sari IDN"] == (55.0, 80.0)


def test_page_reads_a_score_column_it_did_not_recognise_once_chosen(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.apptest_support import shown_text

    app, _ = _page(sqlite_url, monkeypatch)
    data = b"Name,Email,Quiz result\nMaria Santos,maria.santos@example.org,8 / 10\n"
    app.session_state["test_scores_upload"] = {"name": "typed.csv", "data": data}
    app = app.run()
    assert any("No score column was found" in shown_text(error.value) for error in app.error)
    column = next(box for box in app.selectbox if box.key and box.key.startswith("test_scores_column_"))
    app = column.set_value("Quiz result").run()
    assert not app.exception, app.exception
    assert {metric.label: metric.value for metric in app.metric}["Matched"] == "1"
    assert any(button.key == "test_scores_import" for button in app.button)


def test_page_undoes_an_import_and_the_grid_shows_the_scores_as_before(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from programme.core.db import make_engine, session_scope
    from programme.models import ImportBatch, ImportKind

    app, module_id = _page(sqlite_url, monkeypatch)
    assert any("No quiz export has been imported" in caption.value for caption in app.caption)
    with session_scope(make_engine(sqlite_url)) as session:
        # A participant list imported first: the quiz is still the first import of test scores, "Import 1".
        session.add(ImportBatch(kind=ImportKind.PARTICIPANTS, file_name="people.csv", file_hash="0" * 64))
        module = session.get(Module, module_id)
        batch = _import(session, module, GOOGLE, "pre").batch_id
    assert batch == 2
    app = app.run()
    assert app.selectbox(key="undo_test_scores_batch").value == batch
    described = app.selectbox(key="undo_test_scores_batch").format_func(batch)
    assert described.startswith("Import 1: google_forms_quiz.csv, pre-test, 3 scores"), described
    listed = next(frame.value for frame in app.dataframe if "scores written" in frame.value.columns)
    assert listed["import"].tolist() == [1] and "batch" not in listed.columns
    # A second import: the undo now offers it first, not the one chosen before (the newest is what was just done).
    with session_scope(make_engine(sqlite_url)) as session:
        second = _import(session, session.get(Module, module_id), GOOGLE, "post").batch_id
    app = app.run()
    assert app.selectbox(key="undo_test_scores_batch").value == second
    with session_scope(make_engine(sqlite_url)) as session:
        from programme.evaluations.test_score_undo import undo_test_score_import

        undo_test_score_import(session, batch_id=second, username="tester")
    app = app.run()
    assert app.selectbox(key="undo_test_scores_batch").value == batch
    app.checkbox(key="undo_test_scores_sure").check()  # the form's widgets are sent with its button
    app = next(button for button in app.button if button.label == "Undo import").click().run()
    assert not app.exception, app.exception
    assert [message.value for message in app.success] == [
        "Import 1 undone: 3 pre-test scores removed (none was recorded before it)."
    ]
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"test_scores_{module_id}_"))
    assert grid.value["pre_test_score"].isna().all()
    with Session(make_engine(sqlite_url)) as session:
        assert all(pre is None for pre, _ in scores(session, module_id).values())


def test_page_refuses_a_score_a_colleague_saved_meanwhile_keeps_the_edit_and_a_second_save_replaces_it(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from programme.core.db import make_engine
    from tests.apptest_support import edit_grid, shown_text

    app, module_id = _page(sqlite_url, monkeypatch)
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"test_scores_{module_id}_"))
    row = grid.value["full_name"].tolist().index("Rina Sari")
    app = edit_grid(app, grid.key, edited_rows={row: {"pre_test_score": 55}})
    with Session(make_engine(sqlite_url)) as session:  # a colleague types Rina's pre-test meanwhile
        opened = scores_table(session, module_id)
        theirs = opened.copy()
        theirs.loc[theirs["full_name"] == "Rina Sari", "pre_test_score"] = 62
        save_scores(session, module_id=module_id, opened=opened, typed=theirs, by="fac_b")
        session.commit()
    app = next(button for button in app.button if button.key == "test_scores_save").click().run()
    assert not app.exception, app.exception
    said = [shown_text(error.value) for error in app.error]
    assert any("fac_b saved Rina Sari's test scores while you were editing it" in text and "62.0" in text
               for text in said), said  # fmt: skip
    with Session(make_engine(sqlite_url)) as session:
        assert scores(session, module_id)["Rina Sari IDN"] == (62.0, None)
    app = next(button for button in app.button if button.key == "test_scores_save").click().run()
    assert not app.exception and not app.error
    with Session(make_engine(sqlite_url)) as session:
        assert scores(session, module_id)["Rina Sari IDN"] == (55.0, None)


def test_the_page_tells_apart_two_people_of_one_name_and_shows_no_none(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in Chromium with the Google Forms quiz: the preview said the Somchai Wongsa row was not imported (two people
    of the module have that name) and to type the score in the grid below, where the two Somchai Wongsa rows were
    alike (name and role only). The grid now shows each person's nationality and e-mail; the preview's table says
    "—" where nothing is recorded (it said "None"), with plain headers; its sentence counts without "(s)"."""
    app, module_id = _page(sqlite_url, monkeypatch)
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"test_scores_{module_id}_"))
    somchai = grid.value[grid.value["full_name"] == "Somchai Wongsa"]
    assert sorted(somchai["nationality"]) == ["Cambodia", "Thailand"]
    maria = grid.value[grid.value["full_name"] == "Maria Santos"]
    assert maria["email"].tolist() == ["maria.santos@example.org"]
    app.session_state["test_scores_upload"] = {"name": GOOGLE.name, "data": GOOGLE.read_bytes()}
    app = app.run()
    assert not app.exception, app.exception
    preview = next(frame.value for frame in app.dataframe if "Reason" in frame.value.columns)
    assert list(preview.columns) == ["Row", "E-mail", "Name", "Score (%)", "Status", "Matched to", "Reason"]
    shown = preview.astype(str).to_numpy()
    assert "None" not in shown and "nan" not in shown and "<NA>" not in shown
    # Row 5 (Somchai, two people of that name) and row 6 (Nguyen Van An, not on the list) are matched to nobody.
    assert preview.set_index("Row").loc[[5, 6], "Matched to"].tolist() == ["—", "—"]
    assert preview.set_index("Row").loc[2, "Score (%)"] == "70.0"
    app = next(button for button in app.button if button.key == "test_scores_import").click().run()
    assert any(
        message.value == "3 pre-test scores written; 2 rows not matched, not written." for message in app.success
    ), [message.value for message in app.success]


def test_the_grid_shows_a_score_not_recorded_as_a_blank_cell_not_none(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit draws a missing value in a grid as a grey "None" unless the grid names another placeholder: a score
    not recorded is a blank cell to type into. Only the drawing changes: the cell's value stays missing."""
    app, module_id = _page(sqlite_url, monkeypatch)
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"test_scores_{module_id}_"))
    assert grid.value["pre_test_score"].isna().all()  # nobody has a score yet
    assert grid.proto.HasField("placeholder") and grid.proto.placeholder == ""


def test_every_grid_and_table_names_what_an_empty_cell_shows() -> None:
    """Every st.data_editor (an empty cell blank) and st.dataframe (the dash, through display.table) of the app names
    its placeholder: Streamlit's default draws an empty cell as a grey "None"."""
    import ast
    from pathlib import Path

    from programme.core.db import REPO_ROOT

    calls = []
    for path in [*REPO_ROOT.joinpath("pages").glob("*.py"), *REPO_ROOT.joinpath("programme").rglob("*.py")]:
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("data_editor", "dataframe"):
                calls.append((path.name, node.lineno, {keyword.arg for keyword in node.keywords}))
    assert len(calls) >= 7, calls  # six editable grids, and display.table
    assert [(name, line) for name, line, keywords in calls if "placeholder" not in keywords] == []
