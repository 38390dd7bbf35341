"""The data fingerprint behind cached figures moves with every change the figures could see."""

from __future__ import annotations

from sqlmodel import Session

from programme import audit
from programme.erasure import forget_person
from programme.freshness import data_version
from programme.models import Person


def test_data_version_moves_on_new_rows_and_audited_changes(engine) -> None:
    with Session(engine) as session:
        empty = data_version(session)
        assert empty == (0, 0, 0, 0, 0)
        person = Person(full_name="Ana Lim", name_key="ana lim")
        session.add(person)
        session.commit()
        added = data_version(session)
        assert added != empty
        assert data_version(session) == added  # reading does not move it
        forget_person(session, person_id=person.id, by="admin")  # an update, audited
        session.commit()
        assert data_version(session) != added
        before = data_version(session)
        audit.record(session, action="update", username="admin", summary="something else")
        session.commit()
        assert data_version(session) != before
