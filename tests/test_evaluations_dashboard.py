"""Evaluation dashboards: the queries against hand-computed figures, the chart builders, and both pages."""

from __future__ import annotations

from datetime import date, time

import pandas as pd
import plotly.graph_objects as go
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.accounts import add_user
from programme.charts import evaluations as charts
from programme.charts.colours import STRONG
from programme.core.db import make_engine, session_scope
from programme.courses.search import module_choices
from programme.evaluations import add_paper_response, create_standard_form, module_summary, suggestions
from programme.evaluations import queries as q
from programme.evaluations.forms import form_questions
from programme.models import (
    AgendaSession,
    Course,
    EvaluationForm,
    Module,
    Participation,
    ParticipationRole,
    Person,
    Response,
    SessionFacilitator,
    UserRole,
)
from tests.apptest_support import run_page


def add_module(session: Session, course: Course, number: int, start: date, titles: list[str]) -> Module:
    module = Module(course_id=course.id, number=number, title=f"Module {number}", start_date=start, end_date=start,
                    city="Bangkok")  # fmt: skip
    session.add(module)
    session.flush()
    for index, title in enumerate(titles):
        session.add(AgendaSession(module_id=module.id, start_time=time(9 + index), end_time=time(10 + index),
                                  title=title, position=index))  # fmt: skip
    session.flush()
    return module


def rate(session: Session, module: Module, ratings: dict[str, list[int]]) -> None:
    """Type one paper form per rating: {session title or question text: [ratings]}."""
    form = create_standard_form(session, module_id=module.id)
    ids = {question.text: question.id for question in form_questions(session, form.id)}
    for title, values in ratings.items():
        question = ids.get(f"How useful was the session: {title}?", ids.get(title))
        for value in values:
            add_paper_response(session, form_id=form.id, answers={question: value})


def person(session: Session, name: str) -> Person:
    found = Person(full_name=name, name_key=name.lower())
    session.add(found)
    session.flush()
    return found


@pytest.fixture
def course(session: Session) -> Course:
    course = Course(code="EVQ", title="Queries course")
    session.add(course)
    session.flush()
    return course


def test_weak_sessions_below_the_threshold_with_enough_ratings(session: Session, course: Course) -> None:
    module = add_module(session, course, 1, date(2018, 3, 1), ["Strong", "Good", "Weak", "Few"])
    rate(session, module, {"Strong": [5, 5, 5, 5], "Good": [4, 4, 4, 4], "Weak": [3, 3, 4], "Few": [1, 1]})
    ranked = q.session_ratings(session, module.id)
    assert ranked["session"].tolist() == ["Strong", "Good", "Weak", "Few"]
    assert ranked["n"].tolist() == [4, 4, 3, 2]
    assert ranked["mean"].round(4).tolist() == [5.0, 4.0, 3.3333, 1.0]
    assert ranked["module_mean"].iloc[0] == pytest.approx(48 / 13)
    # "Weak": mean 3.33 < 3.5 with 3 ratings; "Few" has too few ratings to flag.
    assert ranked["weak"].tolist() == [False, False, True, False]


def test_weak_sessions_well_below_the_modules_average(session: Session, course: Course) -> None:
    module = add_module(session, course, 1, date(2018, 3, 1), ["Best", "Fine"])
    rate(session, module, {"Best": [5] * 6, "Fine": [4, 4, 4]})
    ranked = q.session_ratings(session, module.id)
    # 4.0 is above WEAK_MEAN but more than WEAK_GAP below the module's 42/9 = 4.67.
    assert ranked.set_index("session")["weak"].to_dict() == {"Best": False, "Fine": True}


def test_facilitators_comparison_and_trend(session: Session, course: Course) -> None:
    first = add_module(session, course, 1, date(2017, 3, 1), ["Lobbying", "Media"])
    second = add_module(session, course, 2, date(2018, 3, 1), ["Lobbying again"])
    other = Course(code="OTHER", title="Other course")
    session.add(other)
    session.flush()
    elsewhere = add_module(session, other, 1, date(2018, 6, 1), ["Elsewhere"])
    rate(session, first, {"Lobbying": [5, 4], "Media": [2, 3], "Overall relevance of the module to your work": [4]})
    rate(session, second, {"Lobbying again": [5, 5, 4]})
    rate(session, elsewhere, {"Elsewhere": [1, 2]})
    lead = person(session, "Aye Oo")
    sessions = {s.title: s.id for s in session.scalars(sa.select(AgendaSession))}
    for title in ("Lobbying", "Media", "Lobbying again"):
        session.add(SessionFacilitator(session_id=sessions[title], person_id=lead.id))
    session.flush()

    led = q.facilitator_ratings(session)
    assert led[["facilitator", "sessions", "n"]].values.tolist() == [["Aye Oo", 2, 4], ["Aye Oo", 1, 3]]
    assert led["mean"].round(4).tolist() == [3.5, round(14 / 3, 4)]

    comparison = q.module_comparison(session, second.id)
    assert comparison["label"].tolist() == ["Module 1 · Mar 2017", "Module 2 · Mar 2018", q.ORGANISATION_AVERAGE]
    assert comparison["kind"].tolist() == ["earlier module", "this module", "organisation"]
    assert comparison["n"].tolist() == [5, 3, 10]
    assert comparison["mean"].round(4).tolist() == [3.6, round(14 / 3, 4), 3.5]

    trend = q.yearly_trend(session)
    assert trend.to_dict("records") == [
        {"year": 2017, "modules": 1, "responses": 5, "n": 5, "mean": 3.6},
        {"year": 2018, "modules": 2, "responses": 5, "n": 5, "mean": pytest.approx(17 / 5)},
    ]


def test_response_rate_and_learning_gain(session: Session, course: Course) -> None:
    module = add_module(session, course, 1, date(2018, 3, 1), ["Only session"])
    scores = [(40, 60), (50, 80), (None, 70), (55, None)]
    for index, (pre, post) in enumerate(scores):
        someone = person(session, f"Participant {index}")
        session.add(Participation(person_id=someone.id, module_id=module.id, pre_test_score=pre, post_test_score=post))
    absent = person(session, "Absent one")
    session.add(Participation(person_id=absent.id, module_id=module.id, attended=False))
    trainer = person(session, "Trainer")
    session.add(Participation(person_id=trainer.id, module_id=module.id, role=ParticipationRole.FACILITATOR))
    session.flush()
    rate(session, module, {"Only session": [4, 5, 3]})

    rates = q.response_rates(session, course_id=course.id)
    assert rates[["attended", "responses"]].values.tolist() == [[4, 3]]
    assert rates["rate"].tolist() == [0.75]

    gains = q.learning_gains(session)
    assert gains[["people", "pre", "post", "gain"]].values.tolist() == [[2, 45.0, 70.0, 25.0]]


def test_comments_are_anonymous_searchable_and_sorted_by_text(session: Session, course: Course) -> None:
    module = add_module(session, course, 1, date(2018, 3, 1), ["Only session"])
    form = create_standard_form(session, module_id=module.id)
    ids = {question.text: question.id for question in form_questions(session, form.id)}
    for useful, suggestion in [("Zeal of the trainers", "Más CEDAW"), ("Case studies", "Recruitment reform")]:
        add_paper_response(session, form_id=form.id,
                           answers={ids["What was most useful?"]: useful, ids["Suggestions for the next module"]: suggestion})  # fmt: skip
    found = q.comments(session, module_id=module.id)
    assert list(found.columns) == ["module", "question", "comment"]
    assert found["comment"].tolist() == ["Más CEDAW", "Recruitment reform", "Case studies", "Zeal of the trainers"]
    assert q.comments(session, search="mas cedaw")["comment"].tolist() == ["Más CEDAW"]
    only = q.comments(session, question="What was most useful?")
    assert set(only["question"]) == {"What was most useful?"} and len(only) == 2
    assert q.comment_questions(session) == ["Suggestions for the next module", "What was most useful?"]


# --- chart builders, without Streamlit ----------------------------------------------------------------


def test_likert_chart_diverges_around_the_middle_with_mean_and_n() -> None:
    counts = pd.DataFrame(
        {
            "question_id": [1, 1, 1, 2],
            "position": [1, 1, 1, 2],
            "question": ["How useful was the session: Media?"] * 3 + ["Logistics and venue"],
            "rating": [1, 3, 5, 4],
            "count": [1, 2, 1, 3],
        }
    )
    figure = charts.likert_chart(counts)
    assert isinstance(figure, go.Figure)
    assert len(figure.data) == 6  # five ratings, the middle one split over both sides
    assert figure.data[0].y[0] == "Media  <b>3.00</b> (4 ratings)"
    left = sum(trace.x[0] for trace in figure.data if trace.x[0] < 0)
    right = sum(trace.x[0] for trace in figure.data if trace.x[0] > 0)
    assert (left, right) == (pytest.approx(-50), pytest.approx(50))
    assert sum(abs(trace.x[1]) for trace in figure.data) == pytest.approx(100)
    assert [trace.name for trace in figure.data if trace.showlegend] == [
        "2 Fair", "1 Poor", "3 Good", "4 Very good", "5 Excellent",
    ]  # fmt: skip


def test_sessions_ranked_chart_flags_weak_sessions_in_red() -> None:
    frame = pd.DataFrame({"session": ["A", "B"], "mean": [3.0, 4.5], "n": [10, 10], "weak": [True, False],
                          "module_mean": [3.75, 3.75]})  # fmt: skip
    figure = charts.sessions_ranked_chart(frame)
    bars = figure.data[0]
    assert list(bars.y) == ["B", "A ⚠"]
    assert list(bars.marker.color) == [charts.GOOD_COLOUR, charts.WEAK_COLOUR]
    assert [shape.x0 for shape in figure.layout.shapes] == [q.WEAK_MEAN, 3.75]


def test_a_response_rate_over_full_is_marked_on_the_chart_as_on_the_headline() -> None:
    # 7 responses where 1 person is recorded as attending (attendance not all recorded, or another module's export):
    # the headline says "700% ⚠" and a warning explains it; the chart's bar read a bare "700%".
    rates = pd.DataFrame({"module": ["M1", "M2"], "short": ["Module 1", "Module 2"], "attended": [1, 20],
                          "responses": [7, 15], "rate": [7.0, 0.75]})  # fmt: skip
    bars = charts.response_rate_chart(rates, label="short").data[1]
    assert bars.text == ("700% ⚠", "75%")


def test_other_chart_builders_draw_their_tables() -> None:
    rates = pd.DataFrame({"module": ["M1"], "short": ["Module 1"], "attended": [20], "responses": [15], "rate": [0.75]})
    assert charts.response_rate_chart(rates, label="short").data[1].text == ("75%",)
    comparison = pd.DataFrame({"label": ["Module 1", "Module 2", q.ORGANISATION_AVERAGE],
                               "kind": ["earlier module", "this module", "organisation"], "n": [5, 3, 10],
                               "mean": [3.6, 4.2, 3.9]})  # fmt: skip
    figure = charts.module_comparison_chart(comparison)
    assert list(figure.data[0].x) == ["Module 1", "Module 2"] and figure.layout.shapes[0].y0 == 3.9
    trend = pd.DataFrame(
        {"year": [2017, 2018], "modules": [1, 2], "responses": [5, 9], "n": [40, 70], "mean": [3.6, 4.1]}
    )
    assert list(charts.trend_chart(trend).data[0].y) == [3.6, 4.1]
    # Ticks at the rated years only: one year is not drawn between two empty years' ticks.
    assert list(charts.trend_chart(trend).layout.xaxis.tickvals) == [2017, 2018]
    assert list(charts.trend_chart(trend.tail(1)).layout.xaxis.tickvals) == [2018]
    led = pd.DataFrame({"facilitator": ["Aye Oo", "Aye Oo", "Ben"], "module": ["M1", "M2", "M1"], "n": [4, 3, 2],
                        "start_date": [date(2017, 1, 1), date(2018, 1, 1), date(2017, 1, 1)], "mean": [3.5, 4.6, 4.0]})  # fmt: skip
    assert [trace.name for trace in charts.facilitator_chart(led, 4.0).data] == ["Aye Oo", "Ben"]
    gains = pd.DataFrame({"module": ["M1"], "people": [2], "pre": [45.0], "post": [70.0], "gain": [25.0]})
    assert list(charts.learning_gain_chart(gains).data[0].x) == [45.0, 70.0]


@pytest.mark.parametrize(
    "builder",
    [charts.response_rate_chart, charts.likert_chart, charts.sessions_ranked_chart, charts.facilitator_chart,
     charts.trend_chart, charts.learning_gain_chart],
)  # fmt: skip
def test_chart_builders_say_when_there_is_nothing_to_show(builder) -> None:
    figure = builder(pd.DataFrame())
    assert not figure.data and "No" in figure.layout.annotations[0].text


def test_module_comparison_chart_without_ratings() -> None:
    figure = charts.module_comparison_chart(pd.DataFrame(columns=["label", "kind", "n", "mean"]))
    assert "no ratings" in figure.layout.annotations[0].text


# --- pages (AppTest) ------------------------------------------------------------------------------------


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    """The demo, an account, and a new module without an evaluation form."""
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine) as session:
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
        course = session.scalar(sa.select(Course).where(Course.code == "RC2019"))
        add_module(session, course, 2, date(2030, 5, 6), ["Fresh session", "Second fresh session"])
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _open_tab(app, label: str):  # type: ignore[no-untyped-def]
    app.session_state["evaluations_tab"] = label
    return app.run()


def test_finding_a_module_without_evaluation_says_so_not_that_none_matches(demo_db: str) -> None:
    # RC2019 Module 2 (2030) has an agenda and no evaluation form: the dashboard's picker lists evaluated modules.
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    app = app.text_input(key="evaluations_module_find").set_value("RC2019 2030").run()
    assert not app.exception
    said = [warning.value for warning in app.warning]
    assert any("1 module matches" in text and "none has evaluation responses yet" in text for text in said), said
    assert not any(text.startswith("No module matches") for text in said)


def test_dashboard_for_a_viewer_shows_aggregates_and_no_names(demo_db: str) -> None:
    app = run_page("pages/evaluations.py", UserRole.VIEWER)
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert set(metrics) >= {"Responses", "Response rate", "Mean rating", "Weak sessions"}
    with session_scope(make_engine(demo_db)) as session:
        names = set(session.scalars(sa.select(Person.full_name)))
    shown: set[str] = set()
    for tab in [tab.label for tab in app.tabs]:  # only the open tab runs: visit each
        app = _open_tab(app, tab)
        assert not app.exception, tab
        assert all("facilitators" not in frame.value.columns for frame in app.dataframe)
        assert all("facilitator" not in frame.value.columns for frame in app.dataframe)
        shown |= {str(cell) for frame in app.dataframe for cell in frame.value.to_numpy().ravel()}
        if tab == "Facilitators":
            assert any("facilitators and administrators only" in info.value for info in app.info)
    assert len(shown) > 20 and not shown & names


def test_dashboard_for_a_facilitator_names_who_led_sessions_and_filters_comments(demo_db: str) -> None:
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    assert not app.exception
    assert any("facilitators" in frame.value.columns for frame in app.dataframe)
    app = _open_tab(app, "Facilitators")
    assert app.multiselect[0].value  # starts with this module's facilitators
    app = _open_tab(app, "Comments")
    search = next(box for box in app.text_input if box.label == "Search the comments")
    comments = app.dataframe[-1].value
    word = comments["comment"].iloc[0].split()[0]
    app = search.set_value(word).run()
    filtered = app.dataframe[-1].value
    assert 0 < len(filtered) <= len(comments)
    assert filtered["comment"].str.contains(word, case=False).all()


def test_entry_page_creates_the_standard_form_and_types_a_paper_form(demo_db: str) -> None:
    app = run_page("pages/evaluation_entry.py", UserRole.FACILITATOR)
    assert not app.exception
    app = app.selectbox[0].set_value(_module_id(demo_db)).run()
    assert any("no evaluation form yet" in info.value for info in app.info)
    app = next(b for b in app.button if b.label == "Create the standard form").click().run()
    assert not app.exception
    questions = app.dataframe[0].value
    assert questions["text"].tolist()[:2] == [
        "How useful was the session: Fresh session?",
        "How useful was the session: Second fresh session?",
    ]
    app.radio[0].set_value(4)
    app.text_area[1].set_value("More on CEDAW")
    app = next(b for b in app.button if b.label == "Save and start the next form").click().run()
    assert not app.exception
    assert any("Saved. 1 form typed in this sitting" in message.value for message in app.success)
    module_id = _module_id(demo_db)
    with session_scope(make_engine(demo_db)) as session:
        summary = module_summary(session, module_id)
        assert summary["responses"] == 1 and summary["questions"][0]["mean"] == 4.0
        assert suggestions(session, module_id).to_dict("records") == [{"text": "More on CEDAW", "times": 1}]
        newest = session.scalar(sa.select(Response).order_by(Response.id.desc()).limit(1))
        assert newest.person_id is None and newest.source.value == "paper"


def _module_id(url: str) -> int:
    with session_scope(make_engine(url)) as session:
        course = session.scalar(sa.select(Course.id).where(Course.code == "RC2019"))
        return session.scalar(sa.select(Module.id).where(Module.course_id == course, Module.number == 2))


def test_entry_page_refuses_a_viewer(demo_db: str) -> None:
    app = run_page("pages/evaluation_entry.py", UserRole.VIEWER)
    assert any("needs the facilitator role" in error.value for error in app.error)
    assert not app.dataframe and not app.radio


def test_module_picker_options_on_the_demo(demo_engine) -> None:
    """One picker for every page: evaluated modules only, a course's modules, words and a year narrow."""
    from programme.courses.catalogue import add_module as new_module
    from programme.courses.search import module_choices

    with session_scope(demo_engine) as session:
        course = session.scalars(sa.select(Course).order_by(Course.code)).first()
        fresh = new_module(session, course_code=course.code, number=9, title="M9", start=date(2031, 1, 6),
                           end=date(2031, 1, 8))  # fmt: skip
        answered = set(
            session.scalars(
                sa.select(EvaluationForm.module_id).join(Response, Response.form_id == EvaluationForm.id).distinct()
            )
        )
        every = module_choices(session, limit=1_000)
        evaluated = module_choices(session, evaluated=True, limit=1_000)
        assert answered and set(evaluated.labels) == answered and fresh.id not in answered
        assert list(every.labels)[0] == fresh.id and evaluated.matching == len(answered)
        own = module_choices(session, course_code=course.code)
        assert own.labels and all(label.startswith(f"{course.code} · ") for label in own.labels.values())
        dated = module_choices(session, "2017", limit=1_000)
        in_2017 = {label for label in every.labels.values() if " 2017" in label.split(" · ")[2]}
        assert in_2017 and in_2017 <= set(dated.labels.values()) < set(every.labels.values())
        first = module_choices(session, limit=2)
        assert len(first.labels) == 2 and first.matching == every.matching  # a full list counts every match
        # A module's label typed back (or its parts: "CODE Module 9", "CODE M9", the month) finds that module.
        label = every.labels[fresh.id]  # "CODE · Module 9 · Jan 2031"
        for typed in (label, f"{course.code} Module 9", f"{course.code} m9", f"{course.code} 9 Jan 2031"):
            assert module_choices(session, typed).labels == {fresh.id: label}, typed
        assert not module_choices(session, f"{course.code} Module 9 Feb").labels


def test_value_labels_count_ratings_and_stand_clear_of_the_reference_lines() -> None:
    sessions = pd.DataFrame({"session": ["A", "B", "C"], "mean": [4.63, 4.0, 3.2], "n": [19, 1, 17],
                             "weak": [False, False, True], "module_mean": [4.3] * 3})  # fmt: skip
    ranked = charts.sessions_ranked_chart(sessions)
    bars, labels = ranked.data
    assert not bars.text  # no label inside a bar, where the lines cross it
    assert list(labels.text) == ["4.63 (19 ratings)", "4.00 (1 rating)", "3.20 (17 ratings)"]
    assert list(labels.y) == list(bars.y) and labels.textposition == "middle right"
    lines = [shape.x0 for shape in ranked.layout.shapes]
    # The labels start past the scale's end, right of every line, and the axis leaves them room.
    assert min(labels.x) > max(lines) and min(labels.x) > 5 and ranked.layout.xaxis.range[1] >= 6
    assert all(note.y == 1 and note.yanchor == "bottom" for note in ranked.layout.annotations)  # above the plot
    comparison = pd.DataFrame({"label": ["Module 1", "Module 2", q.ORGANISATION_AVERAGE],
                               "kind": ["earlier module", "this module", "organisation"], "n": [40, 417, 9000],
                               "mean": [3.9, 4.25, 4.06]})  # fmt: skip
    compared = charts.module_comparison_chart(comparison)
    bars, labels = compared.data
    assert not bars.text and list(labels.text) == ["3.90 (40 ratings)", "4.25 (417 ratings)"]
    assert list(labels.x) == ["Module 1", "Module 2"] and min(labels.y) > 4.06
    (average,) = compared.layout.annotations
    assert average.x == 1 and average.xanchor == "left"  # in the right margin, beside the line's end
    assert compared.layout.margin.r >= 100


def test_the_first_module_of_a_course_is_not_compared_with_nothing() -> None:
    first = pd.DataFrame({"label": ["Module 1", q.ORGANISATION_AVERAGE], "kind": ["this module", "organisation"],
                          "n": [417, 9000], "mean": [4.25, 4.06]})  # fmt: skip
    assert charts.comparison_note(first) == charts.FIRST_MODULE_NOTE
    second = pd.concat([pd.DataFrame([{"label": "Module 0", "kind": "earlier module", "n": 5, "mean": 3.0}]), first])
    assert charts.comparison_note(second) is None
    # Without ratings the chart itself says so.
    assert charts.comparison_note(pd.DataFrame(columns=["label", "kind", "n", "mean"])) is None


def test_facilitators_are_strong_distinct_markers_clear_of_the_axis_ends() -> None:
    led = pd.DataFrame({"facilitator": ["Aye Oo", "Aye Oo", "Ben", "Cy"], "module": ["M1", "M2", "M2", "M2"],
                        "n": [4, 3, 2, 5], "mean": [3.5, 4.6, 4.0, 4.1],
                        "start_date": [date(2017, 1, 1), date(2019, 6, 1), date(2019, 6, 1), date(2019, 6, 1)]})  # fmt: skip
    figure = charts.facilitator_chart(led, 4.0)
    colours = [trace.marker.color for trace in figure.data]
    assert len(set(colours)) == 3 and set(colours) <= set(STRONG)
    assert all(trace.line.color == trace.marker.color for trace in figure.data)
    assert all(trace.mode == "lines+markers" and trace.marker.size >= 8 for trace in figure.data)
    # One-module facilitators drawn last (on top), the legend still alphabetical.
    assert [trace.name for trace in figure.data][0] == "Aye Oo"
    assert sorted(figure.data, key=lambda trace: trace.legendrank)[1].name == "Ben"
    # The three points of the June 2019 module stand side by side, centred on its date, not on one another.
    june = sorted(pd.Timestamp(trace.x[-1]) for trace in figure.data)
    assert len(set(june)) == 3 and june[1] == pd.Timestamp(2019, 6, 1)
    assert june[2] - june[1] >= pd.Timedelta(days=charts.DODGE_MIN_DAYS)
    start, end = (pd.Timestamp(value) for value in figure.layout.xaxis.range)
    assert start < pd.Timestamp(2017, 1, 1) - pd.Timedelta(days=90)
    assert end > pd.Timestamp(2019, 6, 1) + pd.Timedelta(days=90)


def test_compare_tab_says_plainly_when_there_is_no_earlier_module(demo_db: str) -> None:
    app = _open_tab(run_page("pages/evaluations.py", UserRole.VIEWER), "Compare modules")
    picker = next(box for box in app.selectbox if box.key == "evaluations_module")
    with session_scope(make_engine(demo_db)) as session:
        listed = module_choices(session, evaluated=True).labels
        kinds = {mid: set(q.module_comparison(session, mid)["kind"]) for mid in listed}
    first = next(mid for mid, found in kinds.items() if "this module" in found and "earlier module" not in found)
    later = next(mid for mid, found in kinds.items() if "earlier module" in found)
    app = picker.set_value(first).run()
    assert not app.exception
    assert [info.value for info in app.info] == [charts.FIRST_MODULE_NOTE]
    assert len(app.get("plotly_chart")) == 1  # the yearly trend only
    picker = next(box for box in app.selectbox if box.key == "evaluations_module")
    app = picker.set_value(later).run()
    assert not app.exception and not app.info
    assert len(app.get("plotly_chart")) == 2


def test_facilitators_table_counts_ratings(demo_db: str) -> None:
    app = _open_tab(run_page("pages/evaluations.py", UserRole.FACILITATOR), "Facilitators")
    assert not app.exception
    table = app.dataframe[-1].value
    assert list(table.columns) == ["facilitator", "modules", "ratings", "mean"]
    assert (table["ratings"] >= table["modules"]).all()


def test_facilitators_tab_before_anyone_is_named_says_where_to_name_them(demo_db: str) -> None:
    """Seen in a browser: before any session named a facilitator, the tab showed an empty picker ("No options to
    select") and an empty chart. It now says where facilitators are named."""
    from programme.summaries import upkeep

    with session_scope(make_engine(demo_db)) as session:
        session.execute(sa.delete(SessionFacilitator))
        upkeep.rebuild(session)  # the facilitators' summary follows, as after an agenda save
    app = _open_tab(run_page("pages/evaluations.py", UserRole.FACILITATOR), "Facilitators")
    assert not app.exception
    assert [box.label for box in app.multiselect] == ["Funder", "Grant"]  # the sidebar's, and no empty picker
    assert not app.get("plotly_chart")
    assert [info.value for info in app.info] == [
        "Nobody is named as a facilitator yet. Name them in the **Facilitators** column of the agenda's grid "
        "(**Plan › Agenda**): the ratings of their sessions then appear here."
    ]


def test_more_responses_than_participants_who_attended_is_said(demo_db: str) -> None:
    """Seen with phone forms: a participant reloaded the page and answered again; 11 responses from 10 who attended
    showed "110%" without a word. The dashboard now says what may have happened and where to put it right."""
    from programme.models import Participation
    from programme.summaries import upkeep

    with session_scope(make_engine(demo_db)) as session:
        module_id, responses = session.execute(
            sa.select(q.MODULES.c.module_id, q.MODULES.c.responses).order_by(q.MODULES.c.responses.desc()).limit(1)
        ).one()
        # All but two of its participants recorded as absent: fewer who attended than responses.
        ids = session.scalars(
            sa.select(Participation.id)
            .where(Participation.module_id == module_id, Participation.attended.is_(True))
            .order_by(Participation.role != "participant")  # participants first: they are who the rate counts
        ).all()
        session.execute(sa.update(Participation).where(Participation.id.in_(ids[2:])).values(attended=False))
        upkeep.rebuild(session)
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    app = app.selectbox(key="evaluations_module").set_value(module_id).run()
    assert not app.exception
    metric = next(metric for metric in app.metric if metric.label == "Response rate")
    # The true figure (responses over the 2 who attended), marked on the headline itself, its help naming the warning.
    assert metric.value == f"{responses / 2:.0%} ⚠"
    assert "the warning below the figures" in metric.proto.help
    said = " ".join(warning.value for warning in app.warning)
    assert f"More responses ({responses:,}) than participants who attended (2)" in said
    # Seen on a new installation: the cause was an export of another module imported here, which the warning did
    # not name, and "attendance is recorded on Attendance" did not say where that tab is.
    assert "an export of another module" in said
    assert "Plan › Agenda › Attendance" in said


def test_the_response_rate_headline_marks_a_rate_over_100_percent() -> None:
    from programme.evaluations.summary import RATE_HELP, response_rate_headline

    assert response_rate_headline(None) == ("—", RATE_HELP)
    assert response_rate_headline(float("nan")) == ("—", RATE_HELP)
    assert response_rate_headline(0.8) == ("80%", RATE_HELP)
    assert response_rate_headline(1.0) == ("100%", RATE_HELP)
    shown, help_text = response_rate_headline(12.67)
    assert shown == "1267% ⚠"  # the figure kept, and marked
    assert help_text.startswith(RATE_HELP) and "warning below" in help_text
