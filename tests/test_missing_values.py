"""Every page, and each of its tabs, on a database where every optional column is empty for some rows.

pandas 3 reads a missing value as NaN, None or pd.NA depending on the column's other values: a page that
tests `if value:` or formats a value without checking shows "nan" or crashes (`country_name(NaN)` did). The
demo is loaded and then, generically, every nullable column that is not a primary key, of every table in
SQLModel.metadata (people, organisations, participations, modules, courses, sessions, evaluations, networks,
outcomes and the rest), is set to NULL on one row in three, so that each column holds both values and gaps
and some rows have nothing optional at all. Each page then runs as an admin, with each of its tabs opened.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from programme.core.db import make_engine, session_scope
from programme.demo import load_demo
from programme.models import UserRole
from programme.web.navigation import PAGES
from tests.apptest_support import run_page, shown_text
from tests.conftest import BACKENDS, truncate_all

# A missing value printed as text: "nan", "None", "<NA>", "NaT" as words of their own.
SHOWN_MISSING = re.compile(r"(?<![\w<])(nan|NaN|None|NaT|<NA>)(?![\w>])")
# The key of a page's lazy tabs (only the open one runs: each is opened in turn).
LAZY_TABS = re.compile(r"ui\.lazy_tabs\(.*?key=\"([^\"]+)\"", re.DOTALL)
# Which rows lose their optional values.
EVERY = 3


def optional_columns(engine: Engine) -> dict[str, list[str]]:
    """Return, per table of the models, its nullable columns that are not part of the primary key."""
    return {
        table.name: [column.name for column in table.columns if column.nullable and not column.primary_key]
        for table in SQLModel.metadata.sorted_tables
        if any(column.nullable and not column.primary_key for column in table.columns)
    }


def empty_optional_columns(engine: Engine) -> dict[str, int]:
    """Set every optional column to NULL on one row in EVERY of each table; return the rows emptied per table."""
    emptied = {}
    with engine.begin() as connection:
        for name, columns in optional_columns(engine).items():
            table = SQLModel.metadata.tables[name]
            # The rows in key order, one in EVERY: a table's own order, on SQLite and PostgreSQL alike.
            key = list(table.primary_key.columns)
            numbered = sa.select(*key, sa.func.row_number().over(order_by=key).label("n")).subquery()
            chosen = sa.select(*(numbered.c[column.name] for column in key)).where(numbered.c.n % EVERY == 0)
            target = sa.tuple_(*key) if len(key) > 1 else key[0]
            result = connection.execute(
                sa.update(table).where(target.in_(chosen)).values({column: None for column in columns})
            )
            emptied[name] = result.rowcount
    return emptied


@pytest.fixture(scope="module", params=BACKENDS)
def gaps_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with one row in three of every table missing every optional value; its DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("gaps") / "demo.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")["demo"], path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = request.getfixturevalue("postgres_engine")
        truncate_all(engine)
        with session_scope(engine) as session:
            load_demo(session)
    emptied = empty_optional_columns(engine)
    # The tables the pages show lost values in some rows.
    for name in ("person", "organisation", "participation", "module", "course", "agenda_session", "network"):
        assert emptied[name] > 0, name
    for name in ("evaluation_answer", "evaluation_response", "outcome", "network_member"):
        assert emptied[name] > 0, name
    yield engine.url.render_as_string(hide_password=False)


def test_the_optional_columns_are_emptied(gaps_url: str) -> None:
    """The fixture does what it says: in person, a nullable column has gaps and values."""
    with make_engine(gaps_url).connect() as connection:
        missing, present = connection.execute(
            sa.text("SELECT sum(CASE WHEN nationality IS NULL THEN 1 ELSE 0 END), count(nationality) FROM person")
        ).one()
    assert missing > 0 and present > 0


def _shown_text(app) -> list[str]:  # type: ignore[no-untyped-def]
    kinds = ("markdown", "caption", "subheader", "header", "title", "info", "warning", "success", "error")
    texts = [str(element.value) for kind in kinds for element in getattr(app, kind)]
    texts += [f"{metric.label}: {metric.value}" for metric in app.metric]
    # A table's cell that is a missing value turned into text ("nan" from str(NaN)); true gaps are fine.
    for frame in app.dataframe:
        table = frame.value
        texts += [str(value) for column in table.columns for value in table[column] if isinstance(value, str)]
    return texts


def _check(app, where: str) -> None:  # type: ignore[no-untyped-def]
    assert not app.exception, (where, [e.value for e in app.exception])
    shown = [text for text in _shown_text(app) if SHOWN_MISSING.search(text)]
    assert not shown, (where, shown)


@pytest.mark.parametrize("path", [page.path for page in PAGES])
def test_every_page_and_tab_shows_gaps_as_gaps(gaps_url: str, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", gaps_url)
    app = run_page(path, UserRole.ADMIN)
    _check(app, path)
    assert app.title, path
    keys = LAZY_TABS.findall(Path(path).read_text(encoding="utf-8"))
    for key in keys:
        labels = [tab.label for tab in app.tabs]
        assert labels, (path, key)
        for label in labels:
            app.session_state[key] = label
            app.run()
            _check(app, f"{path} › {label}")


def test_a_profile_and_the_table_of_people_missing_every_optional_value(
    gaps_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The directory's table view, and the profile of an alum with no nationality, country, position,
    organisation, e-mail, phone, languages or expertise, opened from their card."""
    monkeypatch.setenv("DATABASE_URL", gaps_url)
    with make_engine(gaps_url).connect() as connection:
        bare = connection.execute(
            sa.text(
                "SELECT d.person_id, d.full_name FROM alumni_directory AS d JOIN person AS p ON p.id = d.person_id "
                "WHERE p.nationality IS NULL AND p.country_of_work IS NULL AND p.expertise IS NULL "
                "AND p.organisation_id IS NULL ORDER BY d.person_id"
            )
        ).first()
    assert bare is not None
    app = run_page("pages/alumni.py", UserRole.ADMIN)
    next(box for box in app.text_input if box.label == "Search").input(bare.full_name).run()
    _check(app, "search")
    next(control for control in app.segmented_control if control.label == "Show as").set_value("Table").run()
    _check(app, "table")
    next(control for control in app.segmented_control if control.label == "Show as").set_value("Cards").run()
    next(button for button in app.button if button.key == f"open-{bare.person_id}").click().run()
    _check(app, "profile")
    assert [shown_text(header.value) for header in app.subheader] == [bare.full_name]
