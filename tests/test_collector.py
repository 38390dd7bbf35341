"""The cycle collector is paused during an import's steps and comes back as it was, however they end."""

from __future__ import annotations

import gc
import threading

import pytest

from programme.core.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_back_after_nested_blocks_and_errors():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a failed import")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_back_when_the_last_of_two_threads_ends():
    inside, release = threading.Event(), threading.Event()

    def other_import() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_import)
    thread.start()
    assert inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's import has not ended
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_import_runs_its_steps_with_the_collector_paused(session, monkeypatch):
    from datetime import date

    from programme.courses.catalogue import add_course, add_module, get_module
    from programme.importing import (
        apply_plan,
        build_plan,
        detect_mapping,
        file_hash,
        plan,
        read_participant_sheet,
        write,
    )
    from programme.sheets import reader
    from programme.summaries import reach

    seen: dict[str, list[bool]] = {}

    def spy(module, name):
        original = getattr(module, name)

        def recorded(*args, **kwargs):
            seen.setdefault(name, []).append(gc.isenabled())
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)

    add_course(session, code="C", title="Course")
    add_module(session, course_code="C", number=1, title="M1", start=date(2024, 1, 8), end=date(2024, 1, 9))
    session.commit()
    # A list of new people only moves its module's reach rows at the commit (_move_modules), not regrouped.
    for module, name in ((reader, "_body"), (plan, "validate_rows"), (write, "_targets"), (reach, "_move_modules")):
        spy(module, name)
    data = b"Full name,Nationality,E-mail\nAna Reyes,Philippines,ana@example.org\nRam Rai,Nepal,\n"
    table = read_participant_sheet(data, "list.csv")
    built = build_plan(
        session,
        table=table,
        mapping=detect_mapping(table.columns),
        module=get_module(session, "C", 1),
        file_name="list.csv",
        file_hash=file_hash(data),
    )
    assert apply_plan(session, plan=built, username="test").created == 2
    session.commit()  # the summaries' upkeep runs at the commit
    assert seen == {name: [False] for name in ("_body", "validate_rows", "_targets", "_move_modules")}
    assert gc.isenabled()


def test_what_was_made_while_paused_is_moved_to_the_oldest_generation_not_walked_at_once():
    """The objects made in the pause are not walked by a young-generation pass when it ends (a 50,000-row import's
    millions, most about to be freed); a process that froze objects (the web server's warm-up) keeps them frozen."""
    gc.unfreeze()  # nothing frozen here (a warm-up test may have frozen its imports): a fresh command-line process
    passes: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    with collector_paused():
        made = [[] for _ in range(50_000)]  # tracked objects, far more than the youngest generation's threshold
    gc.callbacks.append(seen)
    try:
        after = [[] for _ in range(100)]  # allocations after the pause, fewer than a young pass waits for
    finally:
        gc.callbacks.remove(seen)
    assert passes == []
    assert any(found is made[-1] for found in gc.get_objects(generation=2))
    assert len(after) == 100

    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            more = [[] for _ in range(1_000)]
        assert gc.get_freeze_count() == frozen  # not unfrozen by the pause's end (nor the new objects frozen)
        assert len(made) + len(more) == 51_000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
