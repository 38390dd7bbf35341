"""Erasure is complete: after `forget`, no table of the database holds the person's name, e-mail or phone.

The person comes in through a real participant import whose file is named after them, is named in an
evaluation comment, a next step, a topic suggestion, agenda notes, a group briefing, another person's notes and
an audit summary; `forget` runs through the command line; then every text of every table is read back (SQLite:
the whole dump, `iterdump`, plus the full-text index's vocabulary and its segments' bytes; PostgreSQL: every column of every table of
the schema cast to text) and searched, ignoring case, for the name, the e-mail and the phone.
"""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.access import audit
from programme.cli import main
from programme.core.db import session_scope
from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet
from programme.models import (
    ActionItem,
    AgendaSession,
    Answer,
    EvaluationForm,
    Module,
    Person,
    Question,
    QuestionKind,
    Response,
    TopicSuggestion,
)

# A name no one of the demo shares, so that any trace found is this person's.
NAME, EMAIL, PHONE = "Chanthavy Sourivong", "chanthavy.sourivong@example.org", "+855 12 345 678"
FILE_NAME = f"{NAME} registration.csv"
# The same person as written by hand elsewhere: other case, phone in national form.
TRACES = (NAME.lower(), EMAIL.lower(), "12345678", "12 345 678", "chanthavy", "sourivong")
CSV = (
    "Full Name,Gender,Country of Nationality,Country where you work,Name of your organisation,"
    "Type of organisation,Email Address,Phone (with country code)\n"
    f"{NAME},Male,Cambodia,Thailand,Mekong Migrant Network,NGO,{EMAIL},{PHONE}\n"
    "Sokha Chan,Female,Cambodia,Cambodia,Mekong Migrant Network,NGO,sokha.chan@example.org,+855 16 222 333\n"
)


def _import_and_mention(engine: Engine) -> tuple[int, int]:
    """Import the file into a demo module with a text question, mention the person everywhere; return ids."""
    data = CSV.encode()
    with session_scope(engine) as session:
        question = session.scalars(sa.select(Question).where(Question.kind == QuestionKind.TEXT)).first()
        module_id = session.get(EvaluationForm, question.form_id).module_id
        module = session.get(Module, module_id)
        table = read_participant_sheet(data, FILE_NAME)
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=module,
            file_name=FILE_NAME,
            file_hash=file_hash(data),
        )
        assert not plan.errors, plan.errors
        apply_plan(session, plan=plan, username="tester")
        person = session.scalars(sa.select(Person).where(Person.email == EMAIL)).one()
        other = session.scalars(sa.select(Person).where(Person.email == "sokha.chan@example.org")).one()
        mention = f"Hearing {NAME} ({EMAIL}, 012 345 678) was the best part"
        response = Response(form_id=question.form_id)
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id=question.id, text=mention))
        session.add(ActionItem(module_id=module_id, text=f"{NAME.upper()} sends the case file to {EMAIL}"))
        session.add(TopicSuggestion(module_id=module_id, text="Labour inspection", requested_by=NAME))
        agenda_session = session.scalars(sa.select(AgendaSession).where(AgendaSession.module_id == module_id)).first()
        if agenda_session is not None:
            agenda_session.notes = f"Testimony by {NAME}, call {PHONE}"
        other.notes = f"Came with {NAME}; reach her through {EMAIL}"
        audit.record(session, action="note", username="tester", entity="module", entity_id=module_id,
                     summary=f"Called {NAME} on {PHONE}")  # fmt: skip
        return person.id, other.id


def _sqlite_dump(engine: Engine) -> str:
    path = engine.url.database
    engine.dispose()
    with sqlite3.connect(path) as connection:
        dump = "\n".join(connection.iterdump())
        terms = [row[0] for row in connection.execute("SELECT term FROM person_search_vocab")]
        # The full-text index's segments, which the dump shows in hexadecimal: their words are stored as bytes.
        segments = [
            bytes(row[0]).decode("latin-1") for row in connection.execute("SELECT block FROM person_search_data")
        ]
    return "\n".join([dump, *terms, *segments])


def _postgres_dump(engine: Engine) -> str:
    texts = []
    with engine.connect() as connection:
        columns = connection.execute(
            sa.text(
                "SELECT c.table_name, c.column_name FROM information_schema.columns AS c "
                "JOIN information_schema.tables AS t USING (table_schema, table_name) "
                "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                "ORDER BY c.table_name, c.ordinal_position"
            )
        ).all()
        for table, column in columns:
            values = connection.execute(sa.text(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL'))
            texts.extend(value for (value,) in values)
    assert len(columns) > 100  # every column of every table was read
    return "\n".join(texts)


def _dump(engine: Engine) -> str:
    return (_sqlite_dump if engine.dialect.name == "sqlite" else _postgres_dump)(engine).lower()


def test_forget_leaves_no_name_e_mail_or_phone_anywhere(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    person_id, other_id = _import_and_mention(demo_engine)
    url = demo_engine.url.render_as_string(hide_password=False)
    before = _dump(demo_engine)
    for trace in TRACES:
        assert trace in before, trace  # the test looks for what is really there
    assert FILE_NAME.lower() in before

    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["forget", "--person", str(person_id)]) == 0
    capsys.readouterr()

    after = _dump(demo_engine)
    left = [trace for trace in TRACES if trace in after]
    assert not left, [after[max(0, after.find(t) - 200) : after.find(t) + 100] for t in left]
    # What was around the traces stays, with the person replaced.
    assert "[name] registration.csv" in after
    assert "hearing [name] ([e-mail], [phone]) was the best part" in after
    with session_scope(demo_engine) as session:
        other = session.get(Person, other_id)
        assert other.notes == "Came with [name]; reach her through [e-mail]"
        assert other.email == "sokha.chan@example.org"  # someone else's contacts stay


def test_an_erased_person_leaves_their_networks_and_working_groups(demo_engine: Engine) -> None:
    """Seen after an erasure: "Erased person #5" stayed a national alumni association's focal point (its "Members"
    count with her) and was printed on the module's group lists with her role. The others stay."""
    from programme.access.erasure import forget_person
    from programme.models import GroupMember, Network, NetworkMember

    with session_scope(demo_engine) as session:
        membership = session.scalars(sa.select(GroupMember).limit(1)).one()
        person_id, group_id = membership.person_id, membership.group_id
        network = Network(name="Nepal Alumni Association")
        session.add(network)
        session.flush()
        session.add(NetworkMember(network_id=network.id, person_id=person_id, role="focal point"))
        others = session.scalars(sa.select(GroupMember.person_id).where(GroupMember.group_id == group_id)).all()
        network_id = network.id
    with session_scope(demo_engine) as session:
        forget_person(session, person_id=person_id, by="admin")
    with session_scope(demo_engine) as session:
        assert session.scalars(sa.select(NetworkMember).where(NetworkMember.person_id == person_id)).all() == []
        assert session.scalars(sa.select(GroupMember).where(GroupMember.person_id == person_id)).all() == []
        left = session.scalars(sa.select(GroupMember.person_id).where(GroupMember.group_id == group_id)).all()
        assert sorted(left) == sorted(other for other in others if other != person_id)
        assert session.get(Network, network_id) is not None  # the network stays, without her
