"""Alumni › Trainer pool at scale: a pool of more trainers than TRAINER_ROWS lists the best rated of them with a find
box, never every one (1,584 trainers at 500,000 people were 0.35 MB sent to the browser, their names listed again in
"Sessions led by")."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from programme.access.accounts import SignedIn
from programme.alumni.trainers import TRAINER_ROWS, trainer_pool
from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_course, add_module
from programme.models import Participation, ParticipationRole, Person, UserRole
from tests.apptest_support import run_page

TRAINERS = TRAINER_ROWS + 3
EDITOR = SignedIn(user_id=0, username="tester", role=UserRole.FACILITATOR)
# Listed alumni who led a later module: "Trainer 0000" ... and one Amara Nwosu.
NAMES = [f"Trainer {i:04d}" for i in range(TRAINERS - 1)] + ["Amara Nwosu"]


def _pool(session) -> None:
    add_course(session, code="TOT", title="Training of trainers", start_year=2020)
    first, second = (
        add_module(session, course_code="TOT", number=n, title=f"Module {n}", start=date(2020 + n, 3, 1),
                   end=date(2020 + n, 3, 5), city="Bangkok", country="THA")
        for n in (1, 2)
    )  # fmt: skip
    people = [Person(full_name=name, name_key=name.lower(), consent_listed=True) for name in NAMES]
    session.add_all(people)
    session.flush()
    for person in people:
        session.add(Participation(person_id=person.id, module_id=first.id, completed=True))
        session.add(Participation(person_id=person.id, module_id=second.id, role=ParticipationRole.FACILITATOR))


def test_trainer_pool_finds_trainers_by_name(engine) -> None:
    with session_scope(engine) as session:
        _pool(session)
    with session_scope(engine) as session:
        counted = session.execute(
            sa.text("SELECT count(DISTINCT person_id) FROM participation WHERE role = 'facilitator'")
        ).scalar_one()
        every = trainer_pool(session, user=EDITOR)
        found = trainer_pool(session, user=EDITOR, search="nwosu")
    assert len(every) == counted == TRAINERS
    assert found["name"].tolist() == ["Amara Nwosu"]


@pytest.fixture
def pool_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        _pool(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_a_large_trainer_pool_lists_the_best_rated_and_finds_the_others(pool_db: str) -> None:
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    app.session_state["alumni_tab"] = "Trainer pool"
    app.run()
    assert not app.exception
    assert len(app.dataframe[0].value) == TRAINER_ROWS  # 503 before
    assert len(next(box for box in app.selectbox if box.key == "trainer").options) == TRAINER_ROWS
    assert any(f"The {TRAINER_ROWS} best rated of {TRAINERS} trainers are listed" in c.value for c in app.caption)
    app.text_input(key="trainer_find").input("nwosu").run()
    assert not app.exception
    assert app.dataframe[0].value["name"].tolist() == ["Amara Nwosu"]
    assert next(box for box in app.selectbox if box.key == "trainer").options == ["Amara Nwosu"]
    app.text_input(key="trainer_find").input("nobody-of-that-name").run()
    assert any("No trainer of that name." in caption.value for caption in app.caption)
