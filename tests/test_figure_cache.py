"""Cached figures are recomputed only when what they depend on changed (programme/core/freshness.py, ui.cached_query).

The probes (tests/cache_probes.py) count their calls: a figure kept in the cache is not called again. Expected
figures are counted here with plain SQL, apart from the probes.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

import programme
from programme.access import audit
from programme.core.freshness import declared, depends_on, figures_version
from programme.models import Course, Module, Participation, ParticipationRole, Person
from programme.web import engine as web_engine
from tests import cache_probes as probes


def _count(engine: Engine, sql: str, **params: int) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(sql), params).scalar_one())


@pytest.fixture
def cached(demo_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The demo on each backend, as the app's database, with every cached figure and count forgotten."""
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    web_engine._cached_call.clear()
    probes.CALLS.clear()
    yield demo_engine
    web_engine._cached_call.clear()


def _two_courses(engine: Engine) -> tuple[int, int, int, int]:
    """Module A and module B of two different courses, and their courses."""
    with Session(engine) as session:
        a, course_a = session.execute(sa.select(Module.id, Module.course_id).order_by(Module.id).limit(1)).one()
        b, course_b = session.execute(
            sa.select(Module.id, Module.course_id).where(Module.course_id != course_a).order_by(Module.id).limit(1)
        ).one()
    return a, b, course_a, course_b


def _add_participation(engine: Engine, module_id: int) -> None:
    """Add, through the ORM, a participation in the module for someone who had none there."""
    with Session(engine) as session:
        person = session.scalars(
            sa.select(Person.id)
            .where(~Person.id.in_(sa.select(Participation.person_id).where(Participation.module_id == module_id)))
            .order_by(Person.id)
            .limit(1)
        ).one()
        session.add(Participation(person_id=person, module_id=module_id, role=ParticipationRole.PARTICIPANT))
        session.commit()


def _warm(a: int, b: int, course_a: int, course_b: int) -> dict:
    return {
        "a": web_engine.cached_query(probes.module_figure, a),
        "b": web_engine.cached_query(probes.module_figure, b),
        "course_a": web_engine.cached_query(probes.course_figure, course_id=course_a),
        "course_b": web_engine.cached_query(probes.course_figure, course_id=course_b),
        "programme": web_engine.cached_query(probes.programme_figure),
        "undeclared": web_engine.cached_query(probes.undeclared_figure),
    }


def test_a_change_to_one_module_recomputes_its_figures_and_the_programmes_not_another_modules(cached: Engine) -> None:
    a, b, course_a, course_b = _two_courses(cached)
    before = _warm(a, b, course_a, course_b)
    assert _warm(a, b, course_a, course_b) == before  # read again: nothing recomputed
    warm_calls = dict(probes.CALLS)
    assert all(calls == 1 for calls in warm_calls.values())

    _add_participation(cached, a)
    after = _warm(a, b, course_a, course_b)

    assert probes.CALLS["module", b] == 1  # kept: module B did not change
    assert probes.CALLS["course", course_b] == 1
    assert probes.CALLS["module", a] == 2  # recomputed
    assert probes.CALLS["course", course_a] == 2
    assert probes.CALLS["programme"] == 2
    assert probes.CALLS["undeclared"] == 2
    total = _count(cached, "SELECT count(*) FROM participation")
    assert (
        after["a"] == before["a"] + 1 == _count(cached, "SELECT count(*) FROM participation WHERE module_id = :m", m=a)
    )
    assert after["b"] == _count(cached, "SELECT count(*) FROM participation WHERE module_id = :m", m=b)
    assert after["programme"] == after["undeclared"] == total == before["programme"] + 1


def test_a_change_the_upkeep_does_not_see_recomputes_undeclared_and_widened_figures_only(cached: Engine) -> None:
    a, b, course_a, course_b = _two_courses(cached)
    _warm(a, b, course_a, course_b)
    web_engine.cached_query(probes.widened_figure, a, wide=True)
    web_engine.cached_query(probes.widened_figure, a)
    with Session(cached) as session:  # e.g. a setting, a group or a network saved: audited, no summary touched
        audit.record(session, action="update", username="admin", summary="a setting changed")
        session.commit()
    _warm(a, b, course_a, course_b)
    web_engine.cached_query(probes.widened_figure, a, wide=True)
    web_engine.cached_query(probes.widened_figure, a)
    assert probes.CALLS["undeclared"] == 2
    assert probes.CALLS["widened", a, True] == 2
    assert probes.CALLS["widened", a, False] == 1
    assert probes.CALLS["module", a] == probes.CALLS["module", b] == probes.CALLS["programme"] == 1


def test_a_course_edit_moves_the_catalogue_and_every_declared_figure(cached: Engine) -> None:
    a, b, course_a, course_b = _two_courses(cached)
    _warm(a, b, course_a, course_b)
    with Session(cached) as session:
        course = session.get(Course, course_b)
        course.title = f"{course.title} (renamed)"
        session.commit()
    _warm(a, b, course_a, course_b)
    assert probes.CALLS["module", a] == probes.CALLS["module", b] == probes.CALLS["programme"] == 2


def test_reading_a_version_is_one_statement(cached: Engine) -> None:
    a, _, course_a, _ = _two_courses(cached)
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transaction, not a query
            statements.append(statement)

    sa.event.listen(cached, "before_cursor_execute", note)
    try:
        with Session(cached) as session:
            for function, args, kwargs in [
                (probes.module_figure, (a,), {}),
                (probes.course_figure, (), {"course_id": course_a}),
                (probes.programme_figure, (), {}),
                (probes.undeclared_figure, (), {}),
            ]:
                statements.clear()
                first = figures_version(session, function, args, kwargs)
                assert len(statements) == 1, function.__name__
                assert figures_version(session, function, args, kwargs) == first  # reading does not move it
    finally:
        sa.event.remove(cached, "before_cursor_execute", note)


def test_a_figure_about_no_module_in_particular_depends_on_every_module(demo_engine: Engine) -> None:
    @depends_on(module="module_id")
    def figure(session: Session, module_id: int | None = None) -> None: ...

    a, b, _, _ = _two_courses(demo_engine)
    with Session(demo_engine) as session:
        every, only_b = figures_version(session, figure), figures_version(session, figure, (b,))
    _add_participation(demo_engine, a)
    with Session(demo_engine) as session:
        assert figures_version(session, figure) != every
        assert figures_version(session, figure, (b,)) == only_b


def _declared_functions() -> list:
    found = []
    for info in pkgutil.walk_packages(programme.__path__, "programme."):
        if info.name.startswith(("programme.web", "programme.__main__", "programme.cli")):
            continue
        module = importlib.import_module(info.name)
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == info.name and declared(function) is not None:
                found.append(function)
    return found


def test_every_declaration_names_parameters_of_its_function() -> None:
    functions = _declared_functions()
    assert len(functions) > 30  # the dashboards' query functions are declared
    for function in functions:
        depends = declared(function)
        parameters = inspect.signature(function).parameters
        names = [depends.module, depends.modules, depends.course, *(name for name, _ in depends.when)]
        for name in filter(None, names):
            assert name.split(".")[0] in parameters, f"{function.__module__}.{function.__name__}: {name}"


CSV = (
    "Full Name,Gender,Country of Nationality,Country where you work,Name of your organisation,"
    "Type of organisation,Email Address\n"
    "Dara Keo,Male,Cambodia,Thailand,Mekong Migrant Network,NGO,dara.keo@example.org\n"
    "Sokha Chan,Female,Cambodia,Cambodia,Mekong Migrant Network,NGO,sokha.chan@example.org\n"
)


def test_an_import_and_its_undo_recompute_the_imported_modules_figures_only(cached: Engine) -> None:
    from programme.core.db import session_scope
    from programme.importing import (
        apply_plan,
        build_plan,
        detect_mapping,
        file_hash,
        read_participant_sheet,
        undo_batch,
    )

    a, b, course_a, course_b = _two_courses(cached)
    before = _warm(a, b, course_a, course_b)
    data = CSV.encode()
    with session_scope(cached) as session:
        table = read_participant_sheet(data, "list.csv")
        plan = build_plan(
            session,
            table=table,
            mapping=detect_mapping(table.columns),
            module=session.get(Module, a),
            file_name="list.csv",
            file_hash=file_hash(data),
        )
        batch = apply_plan(session, plan=plan, username="tester").batch_id
    imported = _warm(a, b, course_a, course_b)
    assert imported["a"] == before["a"] + 2
    assert imported["programme"] == before["programme"] + 2
    assert probes.CALLS["module", a] == probes.CALLS["programme"] == 2
    assert probes.CALLS["module", b] == probes.CALLS["course", course_b] == 1

    with session_scope(cached) as session:
        undo_batch(session, batch_id=batch, username="tester")
    assert _warm(a, b, course_a, course_b) == before
    assert probes.CALLS["module", a] == probes.CALLS["programme"] == 3
    assert probes.CALLS["module", b] == probes.CALLS["course", course_b] == 1


def test_a_whole_course_figure_moves_with_a_sibling_module_not_with_another_course(demo_engine: Engine) -> None:
    @depends_on(module="module_id", when={"redacted": "whole_course"})
    def figure(session: Session, module_id: int, *, redacted: bool = False) -> None: ...

    with Session(demo_engine) as session:
        first, sibling, course = session.execute(
            sa.select(sa.func.min(Module.id), sa.func.max(Module.id), Module.course_id)
            .group_by(Module.course_id)
            .having(sa.func.count() > 1)
            .limit(1)
        ).one()
        other = session.scalars(sa.select(Module.id).where(Module.course_id != course).limit(1)).one()
        args = [((first,), {"redacted": True}), ((first,), {})]
        before = [figures_version(session, figure, *call) for call in args]
    _add_participation(demo_engine, other)
    with Session(demo_engine) as session:
        assert [figures_version(session, figure, *call) for call in args] == before
    _add_participation(demo_engine, sibling)
    with Session(demo_engine) as session:
        redacted, plain = (figures_version(session, figure, *call) for call in args)
    assert redacted != before[0]  # the sibling's people are redacted in this module's texts
    assert plain == before[1]


def test_renaming_someone_who_only_led_sessions_moves_the_modules_they_led(demo_engine: Engine) -> None:
    from programme.models import AgendaSession, DataVersion, SessionFacilitator

    with Session(demo_engine) as session:
        agenda_session, module = session.execute(sa.select(AgendaSession.id, AgendaSession.module_id).limit(1)).one()
        outsider = session.scalars(  # someone who never took part in any module
            sa.select(Person.id).where(~sa.exists().where(Participation.person_id == Person.id)).limit(1)
        ).first()
        if outsider is None:
            stranger = Person(full_name="Visiting Expert", name_key="visiting expert")
            session.add(stranger)
            session.flush()
            outsider = stranger.id
        session.add(SessionFacilitator(session_id=agenda_session, person_id=outsider))
        session.commit()
        scope = f"module:{module}"
        before = session.get(DataVersion, scope).version
        session.get(Person, outsider).full_name += " Jr"
        session.commit()
        session.expire_all()
        assert session.get(DataVersion, scope).version == before + 1


def test_the_evaluation_page_keeps_its_modules_figures_after_another_module_changes(cached: Engine) -> None:
    from tests.apptest_support import run_page

    app = run_page("pages/evaluations.py")
    assert not app.exception
    shown = app.session_state["evaluations_module"]
    first = web_engine.COMPUTED.copy()
    assert {"module_summary", "likert_counts", "session_ratings"} <= {name.rsplit(".", 1)[-1] for name in first}
    with Session(cached) as session:
        other = session.scalars(sa.select(Module.id).where(Module.id != shown).order_by(Module.start_date)).first()
    _add_participation(cached, other)
    app.run()
    assert not app.exception
    again = {name.rsplit(".", 1)[-1] for name in web_engine.COMPUTED - first}
    # Only the picker of evaluated modules (every module) and the funding options (undeclared) are read again.
    assert again <= {"module_choices", "funding_options"}, again
    _add_participation(cached, shown)
    before = web_engine.COMPUTED.copy()
    app.run()
    assert {"module_summary", "likert_counts"} <= {name.rsplit(".", 1)[-1] for name in web_engine.COMPUTED - before}
