"""The Reach dashboard and Reports pages, run with AppTest on the demo and on the small fixture.

The small fixture's hand-computed figures are read as a facilitator sees them: a viewer sees its groups of fewer
than three people together (access/small_counts.py, tests/test_small_counts.py)."""

from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.courses.catalogue import add_module
from programme.models import Course, Module, Participation, Person, UserRole
from tests import reach_fixture
from tests.apptest_support import run_page, shown_text


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


@pytest.fixture
def small_db(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    with session_scope(make_engine(sqlite_url)) as session:
        reach_fixture.build(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def _metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_reach_page_shows_hand_computed_figures_and_every_table(small_db: str) -> None:
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert not app.exception
    assert _metrics(app) == {
        "Courses": "2",
        "Modules": "3",
        "Individuals": "4",
        "Participations": "8",
        "Countries": "3",
        "Organisations": "3",  # Migrant Care (Ana), Ministry (Ben), Workers Union (Cia); Dev has none
        "Women": "50%",
        # Ana (NGO) and Cia (union) of the 3 whose organisation type is recorded; Dev's is not (left out).
        "Civil society": "67%",
    }
    assert any("3 of the 4 individuals" in caption.value for caption in app.caption)
    # Only the open tab runs; a table behind each chart, each downloadable (.xlsx and .csv). Organisations adds
    # the table by type and country; Completion has two charts; Funding, without grants, says how to add them.
    assert [len(app.dataframe), len(app.get("download_button"))] == [1, 2]
    expected = {"Organisations": [2, 2], "Completion": [2, 4], "Funding": [0, 0]}
    tables = []
    for tab in app.tabs:
        app.session_state["reach_tab"] = tab.label
        app.run()
        assert not app.exception, tab.label
        assert [len(app.dataframe), len(app.get("download_button"))] == expected.get(tab.label, [1, 2]), tab.label
        if app.dataframe:
            tables.append(app.dataframe[0].value)
    by_gender = tables[1].set_index("Gender")["Individuals"].to_dict()
    assert by_gender == {"female": 2, "male": 2}


def test_the_corridors_tab_lists_corridors_and_counts_those_working_at_home(small_db: str) -> None:
    """The tab's table (and its download) lists what its chart, the summary workbook and Alumni › Corridors call
    corridors; the two who work in their country of nationality (Ben, Dev: the fixture's table) are counted under it."""
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    app.session_state["reach_tab"] = "Corridors"
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    pairs = sorted(zip(table["Nationality"], table["Country of work"], table["Individuals"], strict=True))
    assert pairs == [("Nepal", "Malaysia", 1), ("Philippines", "Malaysia", 1)]
    assert any("2 individuals work in their country of nationality" in caption.value for caption in app.caption), [
        caption.value for caption in app.caption
    ]


def test_reach_filters_change_the_figures(small_db: str) -> None:
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    app.sidebar.multiselect[0].select("B").run()  # course B
    assert _metrics(app)["Participations"] == "6"
    next(box for box in app.sidebar.multiselect if box.label == "Role").select("participant").run()
    assert _metrics(app)["Individuals"] == "2"  # Ana and Cia in course B
    app.sidebar.multiselect[3].select("IDN").run()  # nationality Indonesia: nobody left
    assert any("Nobody matches these filters" in info.value for info in app.info)


def test_a_half_percent_rounds_up_on_the_dashboard(small_db: str) -> None:
    """Twelve more men in module B1: 16 individuals, 2 women (Ana, Cia) = 12.5%, shown "13%" (format() gave "12%",
    a half to the even digit); shares in the tables one decimal, a half up: 1 of 16 countries' people = 6.25 → 6.3."""
    with session_scope(make_engine(small_db)) as session:
        b1 = session.scalar(sa.select(Module.id).join(Course).where(Course.code == "B", Module.number == 1))
        for number in range(12):
            person = Person(full_name=f"Man {number}", name_key=f"man {number}", gender="male", nationality="NPL")
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=b1, attended=True))
    app = run_page("pages/reach.py", UserRole.FACILITATOR)  # 2 women: a viewer is not given the share
    assert not app.exception
    assert (_metrics(app)["Individuals"], _metrics(app)["Women"]) == ("16", "13%")
    from programme import reach

    with session_scope(make_engine(small_db)) as session:
        by_country = reach.by_country(session).set_index("country")["share"].to_dict()
    # Nationalities: NPL Ana, Ben and the 12 men = 14 (87.5%), PHL Cia (6.25%), IDN Dev (6.25%).
    assert by_country == {"Nepal": 87.5, "Philippines": 6.3, "Indonesia": 6.3}


def test_a_selection_with_no_organisation_type_recorded_says_so_plainly(small_db: str) -> None:
    """Dev, the only resource person, has no organisation: "0% ... of the 0 individuals whose organisation type is
    recorded" said nothing; the page says no type is recorded and shows no share."""
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    next(box for box in app.sidebar.multiselect if box.label == "Role").select("resource person").run()
    assert not app.exception
    assert (_metrics(app)["Individuals"], _metrics(app)["Civil society"]) == ("1", "—")
    captions = " ".join(caption.value for caption in app.caption)
    assert "No organisation type is recorded yet for the 1 individual in this selection" in captions
    assert "of the 0" not in captions


def registered_only(url: str) -> None:
    """A course and module with two people registered (a registration list) and nobody's attendance recorded."""
    with session_scope(make_engine(url)) as session:
        course = Course(code="R", title="Registered only")
        session.add(course)
        session.flush()
        module = Module(
            course_id=course.id, number=1, title="M1", start_date=date(2024, 3, 1), end_date=date(2024, 3, 3)
        )
        people = [Person(full_name=name, name_key=name.lower()) for name in ("Ana Thapa", "Ben Gurung")]
        session.add_all([module, *people])
        session.flush()
        for person in people:
            session.add(Participation(person_id=person.id, module_id=module.id, registered=True, attended=None))


def test_reach_page_says_nobody_took_part_yet_when_people_only_registered(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    registered_only(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.FACILITATOR)  # a viewer: fewer than 3 people, not shown
    assert not app.exception
    said = [info.value for info in app.info]
    assert len(said) == 1 and said[0].startswith("2 people signed up in this selection"), said
    assert "Agenda › Attendance" in said[0]


def test_the_signed_up_line_says_a_person_can_be_in_both_parts(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    # Ana and Ben signed up for module 1, whose attendance is not recorded; Ana also signed up for module 2 and
    # took part in it. By hand: 2 signed up, 1 took part in a module she signed up for, 2 signed up for a module
    # without attendance: 1 + 2 > 2, so the line says that a person can be in both.
    registered_only(sqlite_url)
    with session_scope(make_engine(sqlite_url)) as session:
        course = session.scalar(sa.select(Course))
        second = Module(
            course_id=course.id, number=2, title="M2", start_date=date(2024, 6, 1), end_date=date(2024, 6, 2)
        )
        session.add(second)
        session.flush()
        ana = session.scalar(sa.select(Person).where(Person.full_name == "Ana Thapa"))
        session.add(Participation(person_id=ana.id, module_id=second.id, registered=True, attended=True))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert not app.exception
    line = next(caption.value for caption in app.caption if caption.value.startswith("Signed up:"))
    assert "2 people on registration lists" in line
    # Seen on a new installation: 40 people on the registration export were not on the attendance sheet imported
    # after it, and the line said they "signed up for a module whose attendance is not recorded yet", though that
    # module's attendance was recorded: it is theirs that is not.
    assert "Came: 1 of them took part in a module they signed up for." in line
    assert "Attendance not recorded: 2 of them signed up for a module and are not marked there as present" in line
    assert "whose attendance is not recorded" not in line
    assert "Some are counted in both: they signed up for more than one module." in line


def test_reach_page_on_a_module_nobody_took_part_in_says_what_to_import(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    with session_scope(make_engine(sqlite_url)) as session:
        course = Course(code="E", title="Empty")
        session.add(course)
        session.flush()
        session.add(
            Module(course_id=course.id, number=1, title="M1", start_date=date(2024, 3, 1), end_date=date(2024, 3, 2))
        )
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert not app.exception
    assert [info.value for info in app.info] == [
        "Nobody has taken part in a module yet. Import a participant list under **People › Import participants**."
    ]
    # A viewer's menu has no People: they are told the team records it.
    assert [info.value for info in run_page("pages/reach.py", UserRole.VIEWER).info] == [
        "Nobody has taken part in a module yet: the figures appear once the team records who came."
    ]


def test_reach_page_shows_no_names_to_a_viewer(demo_db: str) -> None:
    app = run_page("pages/reach.py", UserRole.VIEWER)
    assert not app.exception
    with session_scope(make_engine(demo_db)) as session:
        names = set(session.scalars(sa.select(Person.full_name)))
    shown = set()
    for tab in app.tabs:
        app.session_state["reach_tab"] = tab.label
        app.run()
        for frame in app.dataframe:
            shown |= {str(value) for value in frame.value.to_numpy().ravel()}
            assert not {"Name", "Full name", "Email"} & set(frame.value.columns)
    assert len(shown) > 50
    assert not names & shown
    assert int(_metrics(app)["Individuals"].replace(",", "")) == 816


def test_reach_page_on_an_empty_database_says_what_to_do(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.VIEWER)
    assert not app.exception
    assert any("No modules are recorded yet" in info.value for info in app.info)


def _choose_module(app, number: int) -> None:  # type: ignore[no-untyped-def]
    with session_scope(make_engine(os.environ["DATABASE_URL"])) as session:
        module = session.scalars(
            sa.select(Module.id)
            .join(Course, Course.id == Module.course_id)
            .where(Course.code == "B", Module.number == number)
        ).one()
    app.selectbox[1].set_value(module).run()


def test_reports_page_offers_report_certificates_and_workbook(small_db: str) -> None:
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    assert not app.exception
    app.selectbox[0].select("B").run()
    _choose_module(app, 2)
    assert not app.exception
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == [
        "Download the module report (.docx)",
        "Certificates for this module (PDF)",
        "Certificates for the course (PDF)",
        "Download the summary workbook (.xlsx)",
    ]
    text = " ".join(block.value for block in app.markdown)
    assert "Completed Module 2: **1**" in text  # Ana; Cia did not complete
    assert "Completed the whole course so far: **1**" in text


def test_reports_page_disables_certificates_when_nobody_completed(small_db: str) -> None:
    with session_scope(make_engine(small_db)) as session:
        session.execute(sa.update(Participation).values(completed=False))
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    app.selectbox[0].select("B").run()
    _choose_module(app, 2)
    assert not app.exception
    buttons = {button.proto.label: button.proto.disabled for button in app.get("download_button")}
    assert buttons["Certificates for this module (PDF)"] is True
    assert buttons["Certificates for the course (PDF)"] is True
    assert buttons["Download the module report (.docx)"] is False
    # Ana and Cia took part in B2 (2 to 5 February 2013: 4 days); Dev was a resource person. The hint names the rule
    # that nobody met, not attendance that was recorded.
    assert [info.value for info in app.info] == [
        "2 took part, and nobody meets the completion rule ('attended all days' of the module's 4 days). Check the "
        "days recorded under **Agenda**, tab **Attendance** (a sheet may cover fewer days than the module), or the "
        "rule under **Settings**."
    ]


def test_reports_page_says_to_record_attendance_when_nobody_took_part(small_db: str) -> None:
    with session_scope(make_engine(small_db)) as session:
        session.execute(sa.update(Participation).values(completed=False, attended=None, registered=True))
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    app.selectbox[0].select("B").run()
    _choose_module(app, 2)
    assert not app.exception
    assert any("Nobody is marked as having completed this module yet: record attendance first" in info.value
               for info in app.info)  # fmt: skip


def test_reports_page_says_to_import_the_list_when_a_module_has_nobody_on_it(small_db: str) -> None:
    with session_scope(make_engine(small_db)) as session:
        add_module(session, course_code="B", number=3, title="Module 3", start=date(2014, 3, 3), end=date(2014, 3, 6))
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    app.selectbox[0].select("B").run()
    _choose_module(app, 3)
    assert not app.exception
    hints = [info.value for info in app.info]
    # Nothing to record attendance of: the list comes first.
    assert hints == [
        "Nobody is on this module's participant list yet: import the list first (**People › Import participants**, "
        "or participants register through **People › Forms for participants**), then record attendance "
        "(**Agenda**, tab **Attendance**)."
    ]


def test_reports_page_on_an_empty_database(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    assert not app.exception
    assert any("No modules are recorded yet" in info.value for info in app.info)


def test_reports_page_finds_a_course_by_words(small_db: str) -> None:
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    assert len(app.selectbox[0].options) == 2
    app.text_input(key="reports_course_find").set_value("b").run()
    assert [option.split(" · ")[0] for option in app.selectbox[0].options] == ["B"]
    app.text_input(key="reports_course_find").set_value("no such course").run()
    assert not app.exception
    assert any("No course matches 'no such course'" in warning.value for warning in app.warning)


def test_the_country_filter_offers_not_recorded_as_the_country_tab_shows_it(small_db: str) -> None:
    """Fay took part in B2 with no nationality or country of work on record: the Country tab's table has a row "not
    recorded", and the sidebar's Country filter offers it (after the countries, as Organisation type does) and
    selects her alone. The Gender filter says where a gender not recorded is: under undisclosed."""
    with session_scope(make_engine(small_db)) as session:
        b2 = session.scalar(sa.select(Module.id).join(Course).where(Course.code == "B", Module.number == 2))
        fay = Person(full_name="Fay Lim", name_key="fay lim")
        session.add(fay)
        session.flush()
        session.add(Participation(person_id=fay.id, module_id=b2, attended=True))
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert "not recorded" in app.dataframe[0].value["Country"].tolist()
    country = next(box for box in app.sidebar.multiselect if box.label == "Country")
    assert country.options[-1] == "not recorded"
    gender = next(box for box in app.sidebar.multiselect if box.label == "Gender")
    assert "not recorded" in gender.help and "undisclosed" in gender.help
    country.select("not recorded").run()
    assert not app.exception
    metrics = _metrics(app)
    assert [metrics[k] for k in ("Courses", "Modules", "Individuals", "Participations")] == ["1", "1", "1", "1"]
    assert app.dataframe[0].value["Country"].tolist() == ["not recorded"]


def test_a_certificate_name_with_a_backtick_is_named_as_written_not_as_markdown(small_db: str) -> None:
    """The warning about names no font can print showed each name in a code span: a name's own backtick ended the
    span, and "[click](http://evil.example)" after it became a link on the Reports page."""
    hostile = "Ana 🌏 `[click](http://evil.example)`"
    with session_scope(make_engine(small_db)) as session:
        session.execute(sa.update(Person).where(Person.full_name.like("Ana%")).values(full_name=hostile))
    app = run_page("pages/reports.py", UserRole.FACILITATOR)
    app.selectbox[0].select("B").run()
    _choose_module(app, 2)
    assert not app.exception
    warnings = [warning.value for warning in app.warning if "no font of the app has" in warning.value]
    assert warnings, "the name with an emoji is named in a warning"
    for warning in warnings:
        assert hostile in shown_text(warning)
        assert "](http" not in warning


def _lists_and_organisations(url: str) -> None:
    """Module 1 of course L: four people signed up on a registration list (two of them came, two not recorded as
    having come), three only on an attendance sheet (they came), and a facilitator who came. Of those who came, three
    work for three NGOs, two for two organisations of no recorded type, the facilitator for a trade union."""
    from programme.models import Organisation, OrgType, ParticipationRole

    with session_scope(make_engine(url)) as session:
        course = Course(code="L", title="Lists")
        session.add(course)
        session.flush()
        module = Module(
            course_id=course.id, number=1, title="M1", start_date=date(2024, 3, 1), end_date=date(2024, 3, 3)
        )
        session.add(module)
        session.flush()
        people = [  # name, signed up, came, organisation type (None: not recorded; "-": no organisation), role
            ("Ana Thapa", True, True, OrgType.NGO, "participant"),
            ("Ben Gurung", True, True, None, "participant"),
            ("Cia Rai", True, None, "-", "participant"),
            ("Dev Lama", True, None, "-", "participant"),
            ("Eka Putri", False, True, OrgType.NGO, "participant"),
            ("Fay Santos", False, True, OrgType.NGO, "participant"),
            ("Gus Tan", False, True, None, "participant"),
            ("Hana Sato", False, True, OrgType.TRADE_UNION, "facilitator"),
        ]
        for name, signed_up, came, kind, role in people:
            org = None
            if kind != "-":
                org = Organisation(name=f"Org of {name}", name_key=f"org of {name.lower()}", org_type=kind)
                session.add(org)
                session.flush()
            person = Person(full_name=name, name_key=name.lower(), organisation_id=org.id if org else None)
            session.add(person)
            session.flush()
            session.add(Participation(person_id=person.id, module_id=module.id, registered=signed_up, attended=came,
                                      role=ParticipationRole(role)))  # fmt: skip


def test_the_reach_page_says_signed_up_and_on_the_lists_for_what_each_counts(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """The headline's "Signed up" (60) and the Completion tab's "Registered (listed)" (100) read as one thing. The
    headline counts the people on a registration list; the funnel's first stage everyone on the module's lists: it
    says "On the lists", and both say which is which. Figures in bare SQL."""
    from programme.reach import COMPLETION_NOTE, SIGNED_UP_HELP

    _lists_and_organisations(sqlite_url)
    with make_engine(sqlite_url).connect() as connection:
        signed_up, on_the_lists, attended = connection.execute(sa.text(
            "SELECT count(DISTINCT CASE WHEN registered THEN person_id END), "
            "count(DISTINCT CASE WHEN role = 'participant' THEN person_id END), "
            "count(DISTINCT CASE WHEN role = 'participant' AND attended THEN person_id END) FROM participation"
        )).one()  # fmt: skip
    assert (signed_up, on_the_lists, attended) == (4, 7, 5)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    assert not app.exception
    metric = next(metric for metric in app.metric if metric.label == "Signed up")
    assert metric.value == str(signed_up) and metric.help == SIGNED_UP_HELP and "On the lists" in metric.help
    app.session_state["reach_tab"] = "Completion"
    app.run()
    assert not app.exception
    steps, per_module = (frame.value for frame in app.dataframe)
    assert steps[["Stage", "Individuals"]].values.tolist()[:2] == [
        ["on the lists", on_the_lists],
        ["attended", attended],
    ]
    assert per_module["On the lists"].tolist() == [on_the_lists]
    captions = [caption.value for caption in app.caption]
    assert COMPLETION_NOTE in captions and "egistered" not in " ".join(steps["Stage"])


def test_the_organisations_tab_leaves_not_recorded_out_of_the_shares(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """Organisations reached by type gave "not recorded" a share, where the Organisation type tab leaves it out."""
    from programme.reach import NOT_RECORDED, ORGANISATION_SHARE_NOTE

    _lists_and_organisations(sqlite_url)
    with make_engine(sqlite_url).connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT o.org_type, count(DISTINCT o.id) FROM participation pa JOIN person p ON p.id = pa.person_id "
            "JOIN organisation o ON o.id = p.organisation_id WHERE pa.attended GROUP BY o.org_type"
        )).all()  # fmt: skip
    by_hand = {kind or NOT_RECORDED: int(n) for kind, n in rows}
    assert by_hand == {"NGO": 3, "trade union": 1, NOT_RECORDED: 2}
    typed = by_hand["NGO"] + by_hand["trade union"]
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/reach.py", UserRole.FACILITATOR)
    app.session_state["reach_tab"] = "Organisations"
    app.run()
    assert not app.exception
    by_type = app.dataframe[0].value
    assert by_type["Organisation type"].tolist() == ["NGO", "trade union", NOT_RECORDED]
    assert by_type["Organisations"].tolist() == [3, 1, 2]
    assert by_type["Share (%)"].tolist()[:2] == [round(100 * 3 / typed, 1), round(100 * 1 / typed, 1)]
    assert by_type["Share (%)"].isna().tolist() == [False, False, True]
    assert any(ORGANISATION_SHARE_NOTE in caption.value for caption in app.caption)
