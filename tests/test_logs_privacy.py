"""What reaches the server's log: a failed statement never carries the personal data it was given."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.core.db import session_scope
from programme.models import Module, TopicSuggestion
from programme.planning import backlog

NAME, EMAIL = "Chanthavy Sourivong", "chanthavy.sourivong@example.org"


def test_a_failed_statement_names_no_value_it_was_given(engine: Engine) -> None:
    """Streamlit logs an unexpected error's message with its traceback: the values must not be in it."""
    with pytest.raises(sa.exc.DBAPIError) as failure, engine.connect() as connection:
        connection.execute(sa.text("SELECT CAST(:who AS INTEGER) + no_such_column"), {"who": f"{NAME} {EMAIL}"})
    assert NAME not in str(failure.value) and EMAIL not in str(failure.value)


def test_a_topic_asked_by_a_long_list_of_people_is_kept_within_its_column(demo_engine: Engine) -> None:
    """PostgreSQL refuses a value longer than its column (SQLite stores it): "Asked by" is cut as the topic is."""
    with session_scope(demo_engine) as session:
        module_id = session.scalars(sa.select(Module.id)).first()
        backlog.add_suggestion(
            session, module_id=module_id, text="Labour inspection", requested_by=f"{NAME}, " * 40, by=None
        )
    with session_scope(demo_engine) as session:
        asked_by = session.scalars(
            sa.select(TopicSuggestion.requested_by).where(TopicSuggestion.text == "Labour inspection")
        ).one()
    assert asked_by.startswith(NAME) and len(asked_by) <= 300
