"""The response rate of a module under way (a phone journey, wave 14): 6 evaluations answered on the last morning
and 1 person checked in so far read "600% ⚠", with the warning that another module's export may have been imported.
While a module runs its attendance is still coming in: the rate says "so far", and "under way" instead of a figure
over 100%, with both counts in a note."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from programme.access.accounts import add_user
from programme.charts import evaluations as charts
from programme.core.db import make_engine, session_scope
from programme.core.local_time import local_today
from programme.evaluations import queries as q
from programme.evaluations.summary import response_rate_headline
from programme.models import Module, Participation, ParticipationRole, UserRole
from tests.apptest_support import run_page


def test_a_module_is_under_way_on_its_own_days_where_it_is_held() -> None:
    # 20:00 UTC on 3 December 2026 is already 4 December, 03:00, in Bangkok (UTC+7).
    at = datetime(2026, 12, 3, 20, tzinfo=UTC)
    rates = pd.DataFrame(
        {
            "start_date": [date(2026, 12, 2), date(2026, 11, 1), date(2026, 12, 4), date(2026, 12, 5)],
            "end_date": [date(2026, 12, 4), date(2026, 11, 3), date(2026, 12, 6), date(2026, 12, 6)],
            "country": ["THA", "THA", "THA", "THA"],
        }
    )
    assert q.under_way(rates, at) == [True, False, True, False]


def test_the_chart_and_the_headline_say_so_far_or_under_way_never_a_rate_over_100_percent() -> None:
    rates = pd.DataFrame({"short": ["M1", "M2", "M3", "M4"], "attended": [1, 20, 1, 0], "responses": [6, 10, 7, 3],
                          "rate": [6.0, 0.5, 7.0, None], "under_way": [True, True, False, True]})  # fmt: skip
    assert charts.response_rate_chart(rates, label="short").data[1].text == ("under way", "50% so far", "700% ⚠",
                                                                              "under way")  # fmt: skip
    shown, help_text = response_rate_headline(6.0, under_way=True)
    assert shown == "under way" and "so far" in help_text and "%" not in shown
    assert response_rate_headline(0.5, under_way=True)[0] == "50% so far"
    assert response_rate_headline(None, under_way=True)[0] == "under way"
    assert response_rate_headline(6.0)[0] == "600% ⚠"  # a module not under way keeps its marked figure


@pytest.fixture
def under_way_module(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> tuple[int, int]:
    """The demo's module with the most responses, moved to run from yesterday to tomorrow, one participant recorded
    present so far (the others registered, attendance not recorded); return (module id, its responses)."""
    from programme.summaries import upkeep

    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
        module_id, responses = session.execute(
            sa.select(q.MODULES.c.module_id, q.MODULES.c.responses).order_by(q.MODULES.c.responses.desc()).limit(1)
        ).one()
        module = session.get(Module, module_id)
        today = local_today(module.country)
        module.start_date, module.end_date = today - timedelta(days=1), today + timedelta(days=1)
        session.add(module)
        ids = session.scalars(
            sa.select(Participation.id)
            .where(Participation.module_id == module_id, Participation.role == ParticipationRole.PARTICIPANT)
            .order_by(Participation.id)
        ).all()
        session.execute(sa.update(Participation).where(Participation.id.in_(ids[1:])).values(attended=None))
        session.execute(sa.update(Participation).where(Participation.id == ids[0]).values(attended=True))
        upkeep.rebuild(session)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return module_id, responses


def test_the_dashboard_says_under_way_with_both_counts_instead_of_a_rate_over_100_percent(
    under_way_module: tuple[int, int], demo_sqlite_url: str
) -> None:
    module_id, responses = under_way_module
    with make_engine(demo_sqlite_url).connect() as connection:  # counted in bare SQL: participants present so far
        present = connection.execute(
            sa.text("SELECT count(*) FROM participation WHERE module_id = :m AND attended AND role = 'participant'"),
            {"m": module_id},
        ).scalar()
    assert present == 1 and responses > present
    app = run_page("pages/evaluations.py", UserRole.FACILITATOR)
    app = app.selectbox(key="evaluations_module").set_value(module_id).run()
    assert not app.exception
    metric = next(metric for metric in app.metric if metric.label == "Response rate")
    assert metric.value == "under way" and "so far" in metric.proto.help
    warned = " ".join(warning.value for warning in app.warning)  # the demo's own banner is one
    assert "More responses" not in warned and "another module" not in warned
    said = " ".join(info.value for info in app.info)
    assert f"{responses:,} responses so far" in said and "1 participant recorded present so far" in said
