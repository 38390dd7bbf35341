"""Google Forms and Microsoft Forms name their own columns in the form's language: a French Google Form's export starts
with "Horodateur", not "Timestamp". Such an export was imported as a participant list (people who took part) instead
of a registration list, the tool not recognised; its collected e-mail was a question in an evaluation export.

Every localized header below was found in real exports or public code reading them; the sources are listed in
tests/data/tools/README.md ("The forms' own columns in other languages"). Respondents are invented.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.cli import main
from programme.core.db import session_scope
from programme.evaluations import import_evaluations
from programme.importing import detect_mapping
from programme.importing.columns import PARTICIPANT_SYNONYMS, detect_columns
from programme.importing.lists import ListKind, detect_list_kind, why_detected
from programme.intake.tools import detect_tool
from programme.models import Answer, Participation, Person
from programme.sheets import read_table
from tests.test_evaluations import answers_of, csv_bytes, make_module

# The lead's reproduction: a French Google Form's registration export, downloaded as CSV (UTF-8 with a BOM).
FRENCH_GOOGLE_FORMS = (
    '\ufeff"Horodateur","Adresse e-mail","Nom complet","Sexe","Nationalité","Pays de travail","Organisation"\n'
    '"2026/01/12 10:14:03 UTC+2","rima@example.org","Rima Haddad","Femme","Liban","Liban","Association X"\n'
)
# The same form in Spanish: "Marca temporal" and "Dirección de correo electrónico" as Google Forms writes them.
SPANISH_GOOGLE_FORMS = (
    '"Marca temporal","Dirección de correo electrónico","Nombre completo","Género","Nacionalidad","Organización"\n'
    '"2026/01/12 10:20:41 UTC+2","maya@example.org","Maya Khoury","Mujer","Líbano","Asociación Y"\n'
)

# Google Forms' Timestamp in the form's language (sources: tests/data/tools/README.md).
TIMESTAMPS = [
    "Horodateur",  # French
    "Marca temporal",  # Spanish
    "Carimbo de data/hora",  # Portuguese
    "Stempel waktu",  # Indonesian
    "Cap waktu",  # Indonesian (older forms)
    "Dấu thời gian",  # Vietnamese
    "Отметка времени",  # Russian
    "ประทับเวลา",  # Thai
    "الطابع الزمني",  # Arabic
]
# The address Google Forms collects, in the languages the participant import did not read (French "Adresse e-mail"
# it did).
EMAILS = [
    "Dirección de correo electrónico",  # Spanish
    "Endereço de e-mail",  # Portuguese
    "Endereço de email",  # Portuguese (newer forms)
    "Alamat email",  # Indonesian
    "Địa chỉ email",  # Vietnamese
    "Адрес электронной почты",  # Russian
    "ที่อยู่อีเมล",  # Thai
    "อีเมล",  # Thai (another export)
]
# Microsoft Forms' own columns in French, Spanish and Portuguese: ID, start, completion, e-mail, name, last modified.
MICROSOFT_FORMS = {
    "French": ("ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom", "Heure de la dernière modification"),
    "Spanish": ("Id", "Hora de inicio", "Hora de finalización", "Correo electrónico", "Nombre",
                "Hora de la última modificación"),
    "Portuguese": ("ID", "Hora de início", "Hora de conclusão", "Email", "Nome", "Hora da última modificação"),
}  # fmt: skip


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lebanon_module(engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Engine:
    """The lead's course LB-2027 and its Module 1 (February 2026, past), on each backend."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    course = ["--code", "LB-2027", "--title", "Lebanon national programme", "--scope", "national", "--country", "LB"]
    assert _cli(capsys, "course", "add", *course)[0] == 0
    module = ["--course", "LB-2027", "--number", "1", "--title", "Module 1", "--start", "2026-02-08"]
    assert _cli(capsys, "module", "add", *module, "--end", "2026-02-11", "--city", "Beirut", "--country", "LB")[0] == 0
    return engine


@pytest.mark.parametrize(
    ("text", "email", "timestamp"),
    [
        (FRENCH_GOOGLE_FORMS, "Adresse e-mail", "Horodateur"),
        (SPANISH_GOOGLE_FORMS, "Dirección de correo electrónico", "Marca temporal"),
    ],
)
def test_a_google_forms_registration_export_in_another_language_registers_its_people(
    lebanon_module: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, email: str, timestamp: str
) -> None:
    """Imported as a participant list, the people who only signed up were recorded as having taken part in a past
    module (completion and reach figures changed). Now: a registration list, Google Forms', the e-mail read."""
    path = tmp_path / "inscriptions.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = _cli(capsys, "import", "participants", str(path), "--course", "LB-2027", "--module", "1", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["list"], report["tool"], report["written"]) == ("registration", "Google Forms", True)
    roles = {column["header"]: column["role"] for column in report["columns"]}
    assert roles[email] == "email"
    assert roles[timestamp] != "not read"
    with session_scope(lebanon_module) as session:
        person, participation = session.execute(sa.select(Person, Participation).join(Participation)).one()
        assert person.email == ("rima@example.org" if timestamp == "Horodateur" else "maya@example.org")
        # Signed up, not known to have come: registered, attendance not recorded, not completed.
        assert (participation.registered, participation.attended, participation.completed) == (True, None, False)


@pytest.mark.parametrize("timestamp", TIMESTAMPS)
def test_google_forms_timestamp_in_the_forms_language_makes_a_registration_list(timestamp: str) -> None:
    columns = [timestamp, "Full name", "Nationality", "Organisation"]
    mapping = detect_columns(
        read_table(csv_bytes(",".join(columns) + "\n2026/01/12,A B,Lebanon,X"), "f.csv", PARTICIPANT_SYNONYMS)
    )
    assert mapping.tool == "Google Forms"
    assert timestamp in mapping.ignored  # the tool's own column, not "not read"
    assert detect_list_kind(columns, mapping) == ListKind.REGISTRATION
    # The reason is said as for an English export's Timestamp.
    assert why_detected(ListKind.REGISTRATION, columns, mapping) == (
        f"it has a column '{timestamp}', as a registration form's export does"
    )
    # The evaluation import knows the tool too.
    tool = detect_tool([timestamp, "Overall (1-5)"])
    assert tool is not None and tool.name == "Google Forms"


@pytest.mark.parametrize("header", EMAILS)
def test_the_address_google_forms_collects_is_the_email_in_the_forms_language(header: str) -> None:
    assert detect_mapping([header, "Full name", "Nationality"]).fields["email"] == header


@pytest.mark.parametrize("language", list(MICROSOFT_FORMS))
def test_a_microsoft_forms_export_in_another_language_is_the_tools_registration_export(language: str) -> None:
    """Its start and completion times were "not read" and the list a participant list; its own name column ("Nom",
    "Nombre": the respondent's whole name) was read as a family name or a given name, or not at all."""
    id_, start, completion, email, name, modified = MICROSOFT_FORMS[language]
    columns = [id_, start, completion, email, name, modified, "Organisation"]
    row = "1,1/12/26 10:14:03,1/12/26 10:16:40,rima@example.org,Rima Haddad,,Association X"
    mapping = detect_columns(read_table(csv_bytes(",".join(columns) + "\n" + row), "f.csv", PARTICIPANT_SYNONYMS))
    assert mapping.tool == "Microsoft Forms"
    assert {id_, start, completion, modified} <= set(mapping.ignored)
    assert (mapping.fields["email"], mapping.fields["full_name"]) == (email, name)
    assert "family_name" not in mapping.fields and "given_name" not in mapping.fields
    assert detect_list_kind(columns, mapping) == ListKind.REGISTRATION


def test_a_french_google_forms_evaluation_keeps_the_collected_email_out_of_the_comments(session: Session) -> None:
    """Its "Adresse e-mail" was a text question: each respondent's address stored as a comment."""
    module = make_module(session)
    data = csv_bytes(
        "Horodateur,Adresse e-mail,Utilité globale (1-5),Commentaires\n"
        "2019/04/12 3:10:05 PM UTC+7,rima@example.org,4,Très utile\n"
        "2019/04/12 3:12:41 PM UTC+7,maya@example.org,5,\n"
    )
    result = import_evaluations(session, data=data, filename="evaluation.csv", module_id=module.id)
    session.commit()
    assert result.errors == [] and result.created == 2 and result.tool == "Google Forms"
    assert [plan.column for plan in result.plans if plan.role == "question"] == [
        "Utilité globale (1-5)",
        "Commentaires",
    ]
    texts = session.scalars(sa.select(Answer.text).where(Answer.text.is_not(None))).all()
    assert texts == ["Très utile"]


def test_a_spanish_microsoft_forms_evaluation_reads_no_time_as_a_question(session: Session) -> None:
    """Its "Hora de inicio", "Hora de finalización"... were text questions: each time stored as a comment, and the
    responses had no submission time."""
    module = make_module(session)
    headers = ",".join((*MICROSOFT_FORMS["Spanish"], "Utilidad general (1-5)", "Comentarios"))
    data = csv_bytes(
        f"{headers}\n"
        "1,2019-04-12 15:08:00,2019-04-12 15:10:05,anonymous,,,4,Muy útil\n"
        "2,2019-04-12 15:11:00,2019-04-12 15:12:41,anonymous,,,5,\n"
    )
    result = import_evaluations(session, data=data, filename="evaluacion.csv", module_id=module.id)
    session.commit()
    assert result.errors == [] and result.created == 2 and result.tool == "Microsoft Forms"
    assert [plan.column for plan in result.plans if plan.role == "question"] == [
        "Utilidad general (1-5)",
        "Comentarios",
    ]
    roles = {column["header"]: column["role"] for column in result.columns}
    assert roles["Hora de finalización"] == "submitted" and roles["Id"] == "response id"
    texts = session.scalars(sa.select(Answer.text).where(Answer.text.is_not(None))).all()
    assert texts == ["Muy útil"]


def test_a_french_evaluation_rated_with_the_forms_own_french_scale_is_read_in_its_order(session: Session) -> None:
    """Rated with the labels the participants' French form shows (selfservice/labels/fr.json: Faible, Passable, Bien,
    Très bien, Excellent), each column was "not a scale we know" and nothing was imported; and "Dans l'ensemble,
    comment évaluez-vous ce module ?" (French "comment" is "how") was read as a comments question."""
    module = make_module(session)
    overall = "Dans l'ensemble, comment évaluez-vous ce module ?"
    data = csv_bytes(
        f'Horodateur,"{overall}",Organes des traités de l\'ONU,Commentaires\n'
        "2019/04/12 3:10:05 PM UTC+7,Très bien,Bien,Très utile\n"
        "2019/04/12 3:12:41 PM UTC+7,Bien,Passable,\n"
        "2019/04/12 3:15:02 PM UTC+7,Excellent,Bien,Plus de jeux de rôle\n"
        "2019/04/12 3:18:30 PM UTC+7,Passable,Faible,\n"
    )
    result = import_evaluations(session, data=data, filename="evaluation.csv", module_id=module.id)
    session.commit()
    assert result.errors == [] and result.created == 4
    # The French form's order, lowest first: Faible 1, Passable 2, Bien 3, Très bien 4, Excellent 5.
    assert sorted(answers_of(session, overall)) == [2, 3, 4, 5]
    assert sorted(answers_of(session, "Organes des traités de l'ONU")) == [1, 2, 3, 3]
    assert sorted(answers_of(session, "Commentaires")) == ["Plus de jeux de rôle", "Très utile"]


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("Spanish", ("Malo", "Regular", "Bueno", "Muy bueno", "Excelente")),
        ("Indonesian", ("Buruk", "Cukup", "Baik", "Sangat baik", "Istimewa")),
        ("Arabic", ("ضعيف", "مقبول", "جيد", "جيد جدًا", "ممتاز")),
        ("Thai", ("ควรปรับปรุง", "พอใช้", "ดี", "ดีมาก", "ดีเยี่ยม")),
    ],
)
def test_the_forms_own_scale_in_each_language_is_read_lowest_first(
    session: Session, language: str, labels: tuple[str, ...]
) -> None:
    module = make_module(session)
    rows = "".join(f"2019/04/12 3:1{n}:00 PM UTC+7,{label}\n" for n, label in enumerate(reversed(labels)))
    result = import_evaluations(session, data=csv_bytes(f"Timestamp,Module\n{rows}"), filename="e.csv",
                                module_id=module.id)  # fmt: skip
    session.commit()
    assert result.errors == [] and result.created == 5, language
    assert sorted(answers_of(session, "Module")) == [1, 2, 3, 4, 5]


def test_a_french_label_the_forms_scale_does_not_hold_is_still_asked(session: Session) -> None:
    """'Moyen' and 'Assez bien' are no labels of the French form: the column's order is asked, nothing imported (never
    guessed). One such answer alone is its row's error, as among an English scale's labels."""
    module = make_module(session)
    data = csv_bytes(
        "Horodateur,Organes des traités\n"
        "2019/04/12 3:10:05 PM UTC+7,Très bien\n"
        "2019/04/12 3:12:41 PM UTC+7,Moyen\n"
        "2019/04/12 3:15:02 PM UTC+7,Bien\n"
        "2019/04/12 3:18:30 PM UTC+7,Assez bien\n"
    )
    result = import_evaluations(session, data=data, filename="evaluation.csv", module_id=module.id)
    assert result.created == 0
    assert any("not a scale we know" in error.message for error in result.errors), result.errors


@pytest.mark.parametrize(
    ("header", "asks"),
    [
        ("Dans l'ensemble, comment évaluez-vous ce module ?", False),  # "how": a rating question
        ("Comment était la session sur le lobbying ?", False),
        ("Commentaires", True),
        ("Autres remarques", True),
        ("Comentarios adicionales", True),
        ("Observações", True),
        ("Komentar lainnya", True),
        ("Comment", True),  # English
        ("Any comment on the venue?", True),
    ],
)
def test_a_question_asks_for_comments_in_its_own_language(header: str, asks: bool) -> None:
    from programme.evaluations.wording import asks_for_comments

    assert asks_for_comments(header) is asks


def test_numbered_choices_in_the_spanish_forms_words_are_the_ratings_their_numbers_say(session: Session) -> None:
    """ "4 - Muy bueno": the Spanish form's fourth label with its number; read as 4, as "4 - Very good" is."""
    module = make_module(session)
    data = csv_bytes(
        "Timestamp,Calidad de la sesión\n"
        "2019/04/12 5:10:02 PM GMT+7,1 - Malo\n"
        "2019/04/12 5:11:40 PM GMT+7,4 - Muy bueno\n"
        "2019/04/12 5:12:15 PM GMT+7,5 - Excelente\n"
        "2019/04/12 5:14:00 PM GMT+7,3 - Bueno\n"
    )
    result = import_evaluations(session, data=data, filename="f.csv", module_id=module.id)
    session.commit()
    assert result.errors == [] and result.created == 4
    assert sorted(answers_of(session, "Calidad de la sesión")) == [1, 3, 4, 5]
