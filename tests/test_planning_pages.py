"""The planning pages as a facilitator uses them: courses and modules, the agenda, next steps and topics."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_module, get_module
from programme.models import AgendaSession, AuditEntry, Course, Module, TopicSuggestion, UserRole
from programme.planning import next_steps
from tests.apptest_support import edit_grid, run_page, shown_text


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _module_id(url: str, code: str, number: int) -> int:
    with Session(make_engine(url)) as session:
        return get_module(session, code, number).id


def test_courses_page_filters_modules_and_adds_a_course(demo_db: str) -> None:
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert not app.exception
    assert [tab.label for tab in app.tabs] == ["Timeline", "Modules", "Courses", "Add a course or module"]
    year = next(box for box in app.selectbox if box.label == "Year")
    year.set_value(2017).run()
    caption = next(c.value for c in app.caption if " match the filters." in c.value)
    # RC2017, and Malaysia's Modules 3 (March) and 4 (December, the module report's); Module 5 is in 2018.
    assert caption == "3 modules of 2 courses match the filters."
    form_code = next(box for box in app.text_input if box.label == "Code")
    form_code.set_value("NP-MYS-2019")
    next(box for box in app.text_input if box.label == "Title" and box.value == "").set_value("Advocating 2019")
    next(button for button in app.button if button.label == "Add course").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        assert session.scalar(sa.select(Course.title).where(Course.code == "NP-MYS-2019")) == "Advocating 2019"
    # "Add its modules beside it": the module form beside it opens on the new course (it asked to pick one again).
    assert next(box for box in app.selectbox if box.label == "Course" and box.key == "add_module_course").value == (
        "NP-MYS-2019"
    )


def test_the_add_module_forms_title_placeholder_follows_the_number_offered(demo_db: str) -> None:
    """It said "Module 1" whatever the number: a title left blank is saved as "Module N" for the number typed."""
    with Session(make_engine(demo_db)) as session:
        code, highest = session.execute(
            sa.select(Course.code, sa.func.max(Module.number))
            .join(Module, Module.course_id == Course.id)
            .group_by(Course.code)
            .order_by(sa.func.max(Module.number).desc())
        ).first()
    assert highest >= 2  # a course with a few modules: the number offered is not 1

    def title_placeholder(app) -> str:  # type: ignore[no-untyped-def]
        return next(box for box in app.text_input if (box.key or "").startswith("add_module_title")).proto.placeholder

    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert title_placeholder(app) == "Module 1"  # no course chosen: Number offers 1
    # Module N+1 added with its title left blank: it is saved as "Module N+1", and the course stays chosen with
    # N+2 offered, which the placeholder now names (it said "Module 1").
    next(box for box in app.selectbox if box.key == "add_module_course").set_value(code)
    next(box for box in app.number_input if box.key == "add_module_number").set_value(highest + 1)
    app = next(button for button in app.button if button.label == "Add module").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        added = session.scalar(
            sa.select(Module.title).join(Course).where(Course.code == code, Module.number == highest + 1)
        )
    assert added == f"Module {highest + 1}"
    number = next(box for box in app.number_input if (box.key or "").startswith("add_module_number"))  # a new field
    assert number.value == highest + 2
    assert title_placeholder(app) == f"Module {highest + 2}"


def _module_form(username: str, module_id: int):  # type: ignore[no-untyped-def]
    app = run_page("pages/courses.py", UserRole.FACILITATOR, username=username)
    return next(box for box in app.selectbox if box.label == "Edit a module").set_value(module_id).run()


def _module_field(app, module_id: int, label: str):  # type: ignore[no-untyped-def]
    return next(
        box
        for box in app.text_input
        if box.label == label and (box.key is None or box.key.startswith(f"edit_module_{module_id}_"))
    )


def test_two_planners_editing_one_module_keep_each_others_changes(demo_db: str) -> None:
    # A and B open Module 4's form. A sets the venue and saves; B corrects the focus and saves: both stay. Then both
    # change the title: B's title was dropped without a word ("Module saved."); now B is told what is saved.
    from programme.models import Module as AppModule

    module_id = _module_id(demo_db, "NP-MYS-2016", 4)
    first, second = _module_form("fac_a", module_id), _module_form("fac_b", module_id)
    _module_field(first, module_id, "Venue").input("Hotel Istana")
    first = next(button for button in first.button if button.label == "Save module").click().run()
    _module_field(second, module_id, "Focus").input("CEDAW; lobbying")
    second = next(button for button in second.button if button.label == "Save module").click().run()
    assert not second.exception and any("Module saved." in s.value for s in second.success)
    with Session(make_engine(demo_db)) as session:
        saved = session.get(AppModule, module_id)
        assert (saved.venue, saved.focus) == ("Hotel Istana", "CEDAW; lobbying")
    _module_field(first, module_id, "Title").input("Engaging diplomatic missions")
    _module_field(second, module_id, "Title").input("Lobbying ASEAN bodies")
    first = next(button for button in first.button if button.label == "Save module").click().run()
    second = next(button for button in second.button if button.label == "Save module").click().run()
    assert not second.exception
    refused = [shown_text(error.value) for error in second.error]
    assert any("fac_a saved this module while you were editing it" in text for text in refused), refused
    assert _module_field(second, module_id, "Title").value == "Lobbying ASEAN bodies"  # kept as typed
    with Session(make_engine(demo_db)) as session:
        assert session.get(AppModule, module_id).title == "Engaging diplomatic missions"


def _course_form(username: str, code: str):  # type: ignore[no-untyped-def]
    app = run_page("pages/courses.py", UserRole.FACILITATOR, username=username)
    return next(box for box in app.selectbox if box.label == "Course").set_value(code).run()


def _course_field(app, code: str, label: str):  # type: ignore[no-untyped-def]
    return next(
        box
        for box in [*app.text_input, *app.text_area]
        if box.label == label and (box.key is None or box.key.startswith(f"edit_course_{code}_"))
    )


def test_two_planners_editing_one_course_keep_each_others_changes(demo_db: str) -> None:
    # A and B open NP-MYS-2016's form. A writes a description and saves; B changes the host country and saves: both
    # stay. Then both change the title: B's was dropped without a word ("Course saved."); now B is told what is saved.
    first, second = _course_form("fac_a", "NP-MYS-2016"), _course_form("fac_b", "NP-MYS-2016")
    _course_field(first, "NP-MYS-2016", "Description").input("National programme in Malaysia, Modules 1-5")
    first = next(button for button in first.button if button.label == "Save course").click().run()
    _course_field(second, "NP-MYS-2016", "Host country (code or name)").input("Singapore")
    second = next(button for button in second.button if button.label == "Save course").click().run()
    assert not second.exception and any("Course saved." in s.value for s in second.success)
    with Session(make_engine(demo_db)) as session:
        saved = session.scalars(sa.select(Course).where(Course.code == "NP-MYS-2016")).one()
        assert (saved.description, saved.host_country) == ("National programme in Malaysia, Modules 1-5", "SGP")
    _course_field(first, "NP-MYS-2016", "Title").input("Advocacy for migrant workers' rights")
    _course_field(second, "NP-MYS-2016", "Title").input("Lobbying for domestic workers")
    first = next(button for button in first.button if button.label == "Save course").click().run()
    second = next(button for button in second.button if button.label == "Save course").click().run()
    assert not second.exception
    refused = [shown_text(error.value) for error in second.error]
    assert any("fac_a saved this course while you were editing it" in text for text in refused), refused
    assert _course_field(second, "NP-MYS-2016", "Title").value == "Lobbying for domestic workers"  # kept as typed
    with Session(make_engine(demo_db)) as session:
        title = session.scalar(sa.select(Course.title).where(Course.code == "NP-MYS-2016"))
    assert title == "Advocacy for migrant workers' rights"


def test_the_course_and_module_forms_show_country_names_and_keep_the_codes(demo_db: str) -> None:
    """The edit forms showed "MYS" where every table and the Country filter say "Malaysia": they show the name now,
    and a save that leaves it as it is keeps the stored code (and a name typed is stored as its code, as before)."""
    from programme.models import Module as AppModule

    module_id = _module_id(demo_db, "NP-MYS-2016", 4)
    with Session(make_engine(demo_db)) as session:
        module = session.get(AppModule, module_id)
        course = session.scalars(sa.select(Course).where(Course.code == "NP-MYS-2016")).one()
        assert (module.country, course.host_country) == ("MYS", "MYS")  # the demo's, as the module report has it
    app = _module_form("fac_a", module_id)
    assert _module_field(app, module_id, "Country (code or name)").value == "Malaysia"
    _module_field(app, module_id, "Venue").input("Hotel Istana")
    app = next(button for button in app.button if button.label == "Save module").click().run()
    assert not app.exception and any("Module saved." in s.value for s in app.success)
    app = _course_form("fac_a", "NP-MYS-2016")
    assert _course_field(app, "NP-MYS-2016", "Host country (code or name)").value == "Malaysia"
    _course_field(app, "NP-MYS-2016", "Description").input("National programme")
    app = next(button for button in app.button if button.label == "Save course").click().run()
    assert not app.exception and any("Course saved." in s.value for s in app.success)
    with Session(make_engine(demo_db)) as session:
        module = session.get(AppModule, module_id)
        course = session.scalars(sa.select(Course).where(Course.code == "NP-MYS-2016")).one()
        assert (module.venue, module.country) == ("Hotel Istana", "MYS")
        assert (course.description, course.host_country) == ("National programme", "MYS")
    # A name typed is kept as its code, and the form shows it by name again.
    app = _module_form("fac_a", module_id)
    _module_field(app, module_id, "Country (code or name)").input("Thailand")
    app = next(button for button in app.button if button.label == "Save module").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        assert session.get(AppModule, module_id).country == "THA"
    assert _module_field(_module_form("fac_b", module_id), module_id, "Country (code or name)").value == "Thailand"


def test_agenda_page_shows_the_seed_module_without_warnings_and_copies_an_agenda(demo_db: str) -> None:
    seed = _module_id(demo_db, "NP-MYS-2016", 4)
    with session_scope(make_engine(demo_db)) as session:
        new = add_module(
            session,
            course_code="NP-MYS-2016",
            number=6,
            title="Module 6",
            start=date(2018, 8, 4),
            end=date(2018, 8, 7),
            city="Kuala Lumpur",
            country="MYS",
        )
        new_id = new.id
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    assert not app.exception
    module_box = next(box for box in app.selectbox if box.label == "Module")
    module_box.set_value(seed).run()
    assert not app.exception
    assert any("No clashes" in s.value for s in app.success)
    assert any("Sat 02 Dec to Tue 05 Dec 2017 · 4 days" in m.value for m in app.markdown)
    next(box for box in app.selectbox if box.label == "Module").set_value(new_id).run()
    assert any("No session yet" in info.value for info in app.info)
    next(box for box in app.selectbox if box.label == "Copy from").set_value(seed)
    next(button for button in app.button if button.label == "Copy the agenda").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        copied = session.scalar(sa.select(sa.func.count()).where(AgendaSession.module_id == new_id))
    assert copied == 16


def test_agenda_page_warns_about_a_double_booked_facilitator(demo_db: str) -> None:
    seed = _module_id(demo_db, "NP-MYS-2016", 4)
    with session_scope(make_engine(demo_db)) as session:
        # Another module on the same dates, whose day 1 session has the seed module's first facilitator.
        other = add_module(
            session,
            course_code="RC2017",
            number=2,
            title="Module 2",
            start=date(2017, 12, 2),
            end=date(2017, 12, 3),
            city="Bangkok",
            country="THA",
        )
        from programme.planning.agenda import add_session, agenda_table

        first = agenda_table(session, seed).iloc[0]
        person = (first["facilitators"] or first["resource_persons"]).split("; ")[0]
        add_session(
            session,
            module_id=other.id,
            day=1,
            start=first["start"],
            end=first["end"],
            title="Elsewhere",
            facilitators=[person],
            by=None,
        )
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    next(box for box in app.selectbox if box.label == "Module").set_value(seed).run()
    warnings = [shown_text(w.value) for w in app.warning if "also booked" in w.value]
    assert len(warnings) == 1 and person in warnings[0] and "RC2017 · Module 2" in warnings[0]


def test_next_steps_page_reviews_the_previous_module_and_pulls_a_topic(demo_db: str) -> None:
    module5 = _module_id(demo_db, "NP-MYS-2016", 5)
    module4 = _module_id(demo_db, "NP-MYS-2016", 4)
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    next(box for box in app.selectbox if box.label == "Module").set_value(module5).run()
    assert not app.exception
    assert [tab.label for tab in app.tabs] == [
        "Review the previous module",
        "Next steps",
        "Topic backlog",
        "Open in every module",
    ]
    every = app.tabs[3]
    with Session(make_engine(demo_db)) as session:
        still_open = next_steps.open_action_items(session)[1]
    assert still_open and not every.exception
    app.checkbox(key="next_steps_late_only").check().run()
    assert not app.exception
    next(box for box in app.text_input if box.label == "Topic").set_value("Racism and xenophobia in the media")
    next(box for box in app.text_input if box.label == "Asked by").set_value("plenary")
    next(button for button in app.button if button.label == "Add topic").click().run()
    assert not app.exception
    backlog_table = next(frame.value for frame in app.dataframe if "times_asked" in frame.value.columns)
    assert "typed in" in set(backlog_table["source"]) and "typed" not in set(backlog_table["source"])
    with Session(make_engine(demo_db)) as session:
        added = session.scalar(sa.select(TopicSuggestion).where(TopicSuggestion.text.like("Racism and xenophobia in%")))
        assert added.module_id == module5
        pulled_from = session.scalar(sa.select(TopicSuggestion.id).where(TopicSuggestion.module_id == module4))
    next(box for box in app.selectbox if box.label == "Topic").set_value(pulled_from)
    next(button for button in app.button if button.label == "Pull into the agenda").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        assert session.get(TopicSuggestion, pulled_from).planned_module_id == module5


def test_a_module_without_people_or_items_says_what_to_do(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    # Every page that works on a module says the same thing when there is none.
    pages = ("agenda", "next_steps", "groups", "import_participants", "evaluation_entry")
    for path in (f"pages/{name}.py" for name in pages):
        app = run_page(path, UserRole.FACILITATOR)
        assert not app.exception
        assert "There are no modules yet. Add a course and its modules on **Courses and modules** first." in [
            info.value for info in app.info
        ], path
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert not app.exception
    infos = [info.value for info in app.info]
    # The way to add one is a tab, not something "below"; with no filter set, nothing is "filtered out".
    assert any("No course yet" in info and "**Add a course or module** tab" in info for info in infos), infos
    assert not [info for info in infos if "below" in info or "match" in info], infos
    assert "There are no modules yet. Add one in the **Add a course or module** tab." in infos
    assert "There are no courses yet. Add one in the **Add a course or module** tab." in infos
    assert not app.get("plotly_chart")  # no empty timeline, but a word on what will appear
    assert any("timeline of the whole programme appears here" in caption.value for caption in app.caption)
    next(box for box in app.text_input if box.label == "Find").set_value("zzqx").run()
    assert any("No module matches these filters" in info.value for info in app.info)


@pytest.mark.parametrize("path", ["pages/agenda.py", "pages/next_steps.py", "pages/groups.py"])
def test_a_search_narrows_the_module_picker(demo_db: str, path: str) -> None:
    app = run_page(path, UserRole.FACILITATOR)
    every = next(box for box in app.selectbox if box.label == "Module").options
    next(box for box in app.text_input if box.label == "Find a module").set_value("rc2017").run()
    assert not app.exception
    found = next(box for box in app.selectbox if box.label == "Module").options
    # The search chooses its first match: every module listed is the search's.
    assert len(found) < len(every) and all(option.startswith("RC2017") for option in found)
    next(box for box in app.text_input if box.label == "Find a module").set_value("no such module").run()
    assert any("No module matches 'no such module'" in warning.value for warning in app.warning)


def test_courses_and_modules_tables_show_countries_by_name(demo_db: str) -> None:
    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert not app.exception
    modules, courses = app.dataframe
    places = set(modules.value["place"])  # the city and the country in one column
    assert "Kuala Lumpur, Malaysia" in places and not any("MYS" in place for place in places), places
    hosts = set(courses.value["host_country"])
    assert "Nepal" in hosts and not [host for host in hosts if len(host) == 3 and host.isupper()], hosts
    assert not courses.value["host_country"].isna().any()


def test_the_attendance_grid_names_each_persons_country(demo_db: str) -> None:
    app = run_page("pages/agenda.py", UserRole.FACILITATOR)
    assert not app.exception
    grids = [frame.value for frame in app.dataframe if "full_name" in frame.value.columns]
    assert grids, "no attendance grid"
    nationalities = set(grids[0]["nationality"])
    assert nationalities and not any(len(value) == 3 and value.isupper() for value in nationalities)
    # The team's own list: organisation and contacts shown whatever the consent (consent governs publication).
    assert {"organisation", "position", "email", "phone"} <= set(grids[0].columns)
    assert grids[0]["organisation"].notna().any()


def test_next_step_edits_survive_a_colleagues_save_and_keep_theirs(demo_db: str) -> None:
    # A edits the text of a module's first next step; B changes the second's status and saves. A's save keeps both
    # (before, A's grid was reset by B's save and A's text lost, or saving A's rows would put B's status back).
    from programme.models import ActionItem

    with Session(make_engine(demo_db)) as session:
        module_id = session.scalar(
            sa.select(ActionItem.module_id).group_by(ActionItem.module_id).having(sa.func.count() >= 2).limit(1)
        )
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR, username="fac_a")
    app = app.selectbox(key="next_steps_module").set_value(module_id).run()
    key = next(grid.key for grid in app.data_editor if grid.key.startswith(f"items_{module_id}_"))
    with Session(make_engine(demo_db)) as session:
        first, second = next_steps.action_items_table(session, module_id)["id"].tolist()[:2]
    app = edit_grid(app, key, edited_rows={"0": {"text": "Shadow report to CEDAW, with the network"}})
    with Session(make_engine(demo_db)) as session:  # B, in another browser
        next_steps.update_action_item(session, item_id=second, status="dropped", by="fac_b")
        session.commit()
    app = app.run()
    assert any("Someone changed these next steps" in warning.value for warning in app.warning)
    next(button for button in app.button if button.key == f"save_{key}").click().run()
    assert not app.exception
    with Session(make_engine(demo_db)) as session:
        assert session.get(ActionItem, first).text == "Shadow report to CEDAW, with the network"
        assert session.get(ActionItem, second).status.value == "dropped"


def test_a_next_step_changed_by_both_facilitators_is_refused_naming_the_row_and_keeping_the_edit(
    demo_db: str,
) -> None:
    # A edits the text of a next step; B saves another text for it. A's save put A's text over B's without a word;
    # now nothing is saved, A is told what B saved, A's edit stays in the grid, and saving again replaces B's text.
    from programme.models import ActionItem

    with Session(make_engine(demo_db)) as session:
        module_id = session.scalar(
            sa.select(ActionItem.module_id).group_by(ActionItem.module_id).having(sa.func.count() >= 2).limit(1)
        )
        table = next_steps.action_items_table(session, module_id)
        first, second = table["id"].tolist()[:2]
        opened_text = table["text"].iloc[0]
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR, username="fac_a")
    app = app.selectbox(key="next_steps_module").set_value(module_id).run()
    key = next(grid.key for grid in app.data_editor if grid.key.startswith(f"items_{module_id}_"))
    app = edit_grid(app, key, edited_rows={"0": {"text": "Shadow report to CEDAW, with the network"}})
    with Session(make_engine(demo_db)) as session:  # B, in another browser
        next_steps.update_action_item(session, item_id=first, text="Shadow report to CEDAW, by June", by="fac_b")
        next_steps.update_action_item(session, item_id=second, status="dropped", by="fac_b")
        session.commit()
    next(button for button in app.button if button.key == f"save_{key}").click().run()
    assert not app.exception
    refused = [shown_text(error.value) for error in app.error]
    assert any(
        f"fac_b saved the next step “{opened_text}” while you were editing it" in text
        and "Next step: “Shadow report to CEDAW, by June”" in text
        for text in refused
    ), refused
    assert list(app.session_state[key]["edited_rows"].values()) == [
        {"text": "Shadow report to CEDAW, with the network"}
    ]
    with Session(make_engine(demo_db)) as session:
        assert session.get(ActionItem, first).text == "Shadow report to CEDAW, by June"
        assert session.get(ActionItem, second).status.value == "dropped"
    next(button for button in app.button if button.key == f"save_{key}").click().run()  # A saves again: A's text
    assert not app.exception and not app.error
    with Session(make_engine(demo_db)) as session:
        assert session.get(ActionItem, first).text == "Shadow report to CEDAW, with the network"
        assert session.get(ActionItem, second).status.value == "dropped"


def test_a_next_steps_grid_save_writes_only_the_cells_changed_in_its_own_transaction(demo_db: str) -> None:
    # B's save lands after A's page ran and before A's save's transaction: A's rows as drawn (B's status not in them)
    # must not put the old status back; only A's changed cell is written.
    from programme.models import ActionItem

    with Session(make_engine(demo_db)) as session:
        module_id = session.scalar(sa.select(ActionItem.module_id).limit(1))
        drawn = next_steps.action_items_table(session, module_id)
    item_id = int(drawn["id"].iloc[0])
    typed = drawn.copy()
    typed.loc[0, "text"] = "Lobby visit to the Embassy, with the network"
    with session_scope(make_engine(demo_db)) as session:  # B
        next_steps.update_action_item(session, item_id=item_id, status="dropped", by="fac_b")
    with session_scope(make_engine(demo_db)) as session:  # A's save
        assert next_steps.save_action_items(session, frame=typed, by="fac_a", opened=drawn) == 1
    with Session(make_engine(demo_db)) as session:
        saved = session.get(ActionItem, item_id)
        assert (saved.text, saved.status.value) == ("Lobby visit to the Embassy, with the network", "dropped")


def test_a_next_steps_focal_points_can_be_chosen_again_after_an_erasure(demo_db: str) -> None:
    """Seen by a facilitator: the focal point of "Shadow report to CEDAW" was erased, the grid's Focal points column
    is read-only, and the only way to hand the step to someone else was to delete it and add it again."""
    from programme.access.erasure import forget_person
    from programme.models import ActionItem

    with session_scope(make_engine(demo_db)) as session:
        module_id = session.scalar(sa.select(ActionItem.module_id).limit(1))
        people = next_steps.module_people(session, module_id)["person_id"].astype(int).tolist()
        first, second = people[:2]
        item = next_steps.add_action_item(session, module_id=module_id, text="Shadow report to CEDAW",
                                          focal_point_ids=[first], by="fac")  # fmt: skip
        item_id = item.id
        forget_person(session, person_id=first, by="admin")
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    app = app.selectbox(key="next_steps_module").set_value(module_id).run()
    app = app.selectbox(key="focal_item").set_value(item_id).run()
    picker = app.multiselect(key=f"focal_{item_id}")
    assert picker.value == [first]  # the erased focal point, shown by record number
    picker.set_value([second]).run()
    next(button for button in app.button if button.key == f"save_focal_{item_id}").click().run()
    assert not app.exception and any("Focal points saved" in shown_text(s.value) for s in app.success)
    with Session(make_engine(demo_db)) as session:
        table = next_steps.action_items_table(session, module_id)
        assert table.loc[table["id"] == item_id, "focal_point_ids"].iloc[0] == [second]


def test_the_next_steps_tab_says_where_focal_points_are_chosen_and_counts_in_words(demo_db: str) -> None:
    """Opened in Chromium: the grid's Focal points column cannot be typed in and nothing said where they are chosen
    (an expander below the add form); its pickers said "Choose an option" and "Choose options" where the add form
    says "People of this module"; a save of the grid said "1 next step(s) updated."."""
    import json

    from programme.models import ActionItem

    with Session(make_engine(demo_db)) as session:
        module_id, item_id = session.execute(sa.select(ActionItem.module_id, ActionItem.id).limit(1)).one()
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    app = app.selectbox(key="next_steps_module").set_value(module_id).run()
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"items_{module_id}_"))
    help_text = json.loads(grid.proto.columns)["focal_points"].get("help", "")
    assert "Change a next step's focal points" in help_text, help_text
    assert app.selectbox(key="focal_item").proto.placeholder == "Pick a next step"
    app = app.selectbox(key="focal_item").set_value(item_id).run()
    assert app.multiselect(key=f"focal_{item_id}").proto.placeholder == "People of this module"
    status = grid.value["status"].iloc[0]
    app = edit_grid(app, grid.key, edited_rows={"0": {"status": "dropped" if status != "dropped" else "open"}})
    next(button for button in app.button if button.key == f"save_{grid.key}").click().run()
    assert not app.exception
    assert [shown_text(s.value) for s in app.success] == ["1 next step updated."]


def test_saving_next_steps_unchanged_says_nothing_was_to_save(demo_db: str) -> None:
    """Seen in a team's journey: Save changes on a grid nobody had changed said "0 next steps updated.", in green,
    which reads as if the save had failed. Nothing is written either way."""
    from programme.models import ActionItem

    with Session(make_engine(demo_db)) as session:
        module_id = session.scalar(sa.select(ActionItem.module_id).limit(1))
        before = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    app = app.selectbox(key="next_steps_module").set_value(module_id).run()
    grid = next(grid for grid in app.data_editor if grid.key.startswith(f"items_{module_id}_"))
    next(button for button in app.button if button.key == f"save_{grid.key}").click().run()
    assert not app.exception
    shown = [shown_text(s.value) for s in [*app.success, *app.info]]
    assert "Nothing to save: no next step in the grid differs from what is saved." in shown, shown
    assert not [text for text in shown if "updated" in text], shown
    with Session(make_engine(demo_db)) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before


def test_two_facilitators_changing_a_next_steps_focal_points_keep_each_others_changes(demo_db: str) -> None:
    """A and B open the same next step's focal points (Amina's). A adds Bo and saves; B, whose list still shows Amina
    alone, swaps Amina for Chen and saves: B's older list put Bo out again. Now each save applies its own change."""
    with session_scope(make_engine(demo_db)) as session:
        module_id = session.scalar(sa.select(AgendaSession.module_id).limit(1))
        amina, bo, chen = next_steps.module_people(session, module_id)["person_id"].astype(int).tolist()[:3]
        item = next_steps.add_action_item(session, module_id=module_id, text="Lobby visit to the Embassy",
                                          focal_point_ids=[amina], by="fac")  # fmt: skip
        item_id = item.id

    def opened(username: str):  # type: ignore[no-untyped-def]
        app = run_page("pages/next_steps.py", UserRole.FACILITATOR, username=username)
        app = app.selectbox(key="next_steps_module").set_value(module_id).run()
        return app.selectbox(key="focal_item").set_value(item_id).run()

    def save(app, focal: list[int]):  # type: ignore[no-untyped-def]
        app.multiselect(key=f"focal_{item_id}").set_value(focal).run()
        next(button for button in app.button if button.key == f"save_focal_{item_id}").click().run()
        assert not app.exception and any("Focal points saved" in shown_text(s.value) for s in app.success)

    first, second = opened("fac_a"), opened("fac_b")
    save(first, [amina, bo])
    save(second, [chen])
    with Session(make_engine(demo_db)) as session:
        table = next_steps.action_items_table(session, module_id)
    assert sorted(table.loc[table["id"] == item_id, "focal_point_ids"].iloc[0]) == sorted([bo, chen])


def test_open_in_every_module_with_no_next_step_recorded_says_so_not_that_all_are_done(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Seen on a new installation: with one module and no next step recorded anywhere, "Open in every module" said
    "Every next step in every module is done or dropped." in green."""
    with session_scope(make_engine(sqlite_url)) as session:
        from programme.courses.catalogue import add_course

        add_course(session, code="NEW-2024", title="New course", scope="national", country="MYS")
        add_module(session, course_code="NEW-2024", number=1, title="Module 1", start=date(2024, 4, 9),
                   end=date(2024, 4, 12), city="Kuala Lumpur", country="MYS")  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    app.session_state["next_steps_tab"] = "Open in every module"
    app = app.run()
    assert not app.exception
    said = " ".join(box.value for box in [*app.success, *app.info])
    assert "done or dropped" not in said
    assert "No next step is recorded in any module yet" in said


def test_the_courses_pages_tables_have_columns_that_fit_a_laptop(demo_db: str) -> None:
    """The modules table scrolled sideways at 1400 px (tests/test_browser_courses_width.py measures it): every column
    has a width, within the grid's 938 px; the course's title and scope are left to the Courses tab, the city and
    the country are one Place; the courses' first and last years are one Years column."""
    import json

    app = run_page("pages/courses.py", UserRole.FACILITATOR)
    assert not app.exception
    modules = next(frame for frame in app.dataframe if "place" in frame.value.columns)
    courses = next(frame for frame in app.dataframe if "years" in frame.value.columns)
    for frame, columns in (
        (modules, ["course", "number", "title", "start_date", "end_date", "status", "place"]),
        (courses, ["code", "title", "scope", "host_country", "years", "modules", "first_start", "last_end"]),
    ):
        assert list(frame.value.columns) == columns
        config = json.loads(frame.proto.columns)
        widths = [config[column]["width"] for column in columns]
        assert all(isinstance(width, int) for width in widths) and sum(widths) <= 938, widths
    with Session(make_engine(demo_db)) as session:  # by hand: the module report's module, in Kuala Lumpur
        module = get_module(session, "NP-MYS-2016", 4)
        assert (module.city, module.country) == ("Kuala Lumpur", "MYS")
    row = modules.value[(modules.value["course"] == "NP-MYS-2016") & (modules.value["number"] == 4)]
    assert row["place"].tolist() == ["Kuala Lumpur, Malaysia"]
    row = courses.value[courses.value["code"] == "NP-MYS-2016"]
    assert row[["years", "modules"]].values.tolist() == [["2016–2018", 5]]


def test_the_backlog_with_nothing_to_pull_says_which_case_holds_and_what_to_do(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """It said "Every topic in the backlog is already planned, or the backlog is empty.": which one, and what then?"""
    from programme.courses.catalogue import add_course

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        add_course(session, code="BKL", title="Backlog test")
        module_id = add_module(
            session, course_code="BKL", number=1, title="M1", start=date(2026, 3, 2), end=date(2026, 3, 4)
        ).id

    def pull_info() -> str:
        app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
        next(box for box in app.selectbox if box.label == "Module").set_value(module_id).run()
        assert not app.exception
        backlog_tab = app.tabs[2]
        infos = [info.value for info in backlog_tab.info]
        assert not any("or the backlog is empty" in info for info in infos), infos
        return infos[-1]

    empty = pull_info()
    assert empty.startswith("The backlog is empty: type in a topic the plenary asked for"), empty
    with session_scope(make_engine(sqlite_url)) as session:
        session.add(TopicSuggestion(module_id=module_id, text="Lobbying", planned_module_id=module_id))
    planned = pull_info()
    assert planned.startswith("Every topic in the backlog is planned already (1 topic: see **Planned in** above)")
    assert "type it in (**Type in a topic**)" in planned
