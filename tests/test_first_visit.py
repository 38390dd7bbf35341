"""The first visit after a server start: the sign-in page is drawn without the pages' imports (pandas, plotly's
figures, the pages' own modules), which programme/web/warmup.py then imports in a background thread.

Each check runs in a fresh interpreter (a subprocess): this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.web.navigation import PAGES

# What the sign-in page must not import: each costs a visible part of the first visit (pandas with numpy and
# pyarrow 0.5-1 s; plotly.express, Faker, openpyxl) and none is needed to draw a form. (Streamlit itself imports
# plotly.graph_objects, whose figure classes load when first used.)
HEAVY = ["pandas", "numpy", "pyarrow", "plotly.express", "faker", "openpyxl", "scipy"]


def _run(code: str, database_url: str) -> dict:
    """Run code in a fresh interpreter at the repository root; return the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


SIGN_IN = f"""
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("streamlit_app.py", default_timeout=120)
app.session_state["_apptest"] = True
app.run()
print(json.dumps({{
    "exception": [str(e.value) for e in app.exception],
    "inputs": [w.label for w in app.text_input],
    "heavy": [name for name in {HEAVY!r} if name in sys.modules],
    "programme": sorted(name for name in sys.modules if name.startswith("programme.")),
}}))
"""


def _with_account(url: str) -> str:
    from programme.access.accounts import add_user
    from programme.models import UserRole

    with session_scope(make_engine(url)) as session:
        add_user(session, username="admin", password="correct-horse-battery-staple-42", role=UserRole.ADMIN, by=None)
    return url


def test_the_sign_in_page_is_drawn_without_pandas_plotly_or_the_pages_modules(demo_sqlite_url: str) -> None:
    shown = _run(SIGN_IN, _with_account(demo_sqlite_url))
    assert shown["exception"] == []
    assert shown["inputs"][:2] == ["Username", "Password"]
    assert shown["heavy"] == []
    # Home's own modules (its figures, its chart, the demo loader) and the pages' facade are not imported either.
    for module in ("programme.web.ui", "programme.web.display", "programme.reach", "programme.charts.reach"):
        assert module not in shown["programme"], module
    assert "programme.demo" not in shown["programme"]


def test_the_first_administrator_form_is_drawn_without_them_too(sqlite_url: str) -> None:
    shown = _run(SIGN_IN, sqlite_url)
    assert shown["exception"] == []
    assert shown["inputs"] == ["Username", "Password", "Repeat the password"]
    assert shown["heavy"] == []


WARM_UP = """
import json, sys
from programme.web import warmup
warmup.start()
warmup._thread.join(timeout=240)
print(json.dumps({
    "alive": warmup._thread.is_alive(),
    "frozen": warmup.FROZEN.is_set(),
    "imported": warmup.IMPORTED,
    "pandas": "pandas" in sys.modules,
    "modules": sorted(name for name in sys.modules if name.split(".")[0] == "programme"),
}))
"""


def test_the_warm_up_imports_every_pages_modules_and_freezes_them(sqlite_url: str) -> None:
    done = _run(WARM_UP, sqlite_url)
    assert not done["alive"] and done["frozen"]
    assert done["pandas"]
    # Every programme module a page imports at its top, read here from the page files by hand (not by warmup's
    # reader): "from programme.x import y" lines give programme.x.
    expected = set()
    for spec in PAGES:
        for line in (REPO_ROOT / spec.path).read_text(encoding="utf-8").splitlines():
            if line.startswith("from programme"):
                expected.add(line.split()[1])
    assert expected, "no page imports a programme module?"
    assert expected <= set(done["modules"]), sorted(expected - set(done["modules"]))
    assert "programme.web.ui" in done["imported"]


FINISHED = """
import json, sys
from programme.web import warmup
warmup.start()
warmup.finish()
imported = list(warmup.IMPORTED)
warmup._thread.join(timeout=240)  # at most Home's figures after finish(): they import nothing
print(json.dumps({"alive": warmup._thread.is_alive(), "ui": "programme.web.ui" in sys.modules,
                  "home": "programme.charts.reach" in sys.modules, "imported_after": warmup.IMPORTED[len(imported):],
                  "others": warmup.FROZEN.is_set()}))
"""


def test_a_page_about_to_run_waits_for_homes_imports_and_stops_the_rest(sqlite_url: str) -> None:
    done = _run(FINISHED, sqlite_url)
    assert done == {"alive": False, "ui": True, "home": True, "imported_after": [], "others": False}


HOME_AFTER_THE_WARM_UP = """
import json
from programme.web import engine, warmup
from tests.apptest_support import run_page
warmup.start()
warmup._thread.join(timeout=240)
warmed = dict(engine.COMPUTED)
app = run_page("pages/home.py")
print(json.dumps({
    "exception": [str(e.value) for e in app.exception],
    "warmed": warmed,
    "computed_by_home": {name: count - warmed.get(name, 0) for name, count in engine.COMPUTED.items()},
    "metrics": {m.label: m.value for m in app.metric},
}))
"""


def test_the_warm_up_computes_homes_figures_so_the_first_home_computes_none(demo_sqlite_url: str) -> None:
    import sqlite3

    done = _run(HOME_AFTER_THE_WARM_UP, _with_account(demo_sqlite_url))
    assert done["exception"] == []
    # Home's four cached figures (headline, latest modules, open next steps, new individuals per year), once each.
    assert sum(done["warmed"].values()) == 4, done["warmed"]
    assert {name for name, count in done["computed_by_home"].items() if count} == set(), done["computed_by_home"]
    # The figures Home shows from the warm-up's cache are the database's, counted here in bare SQL.
    with sqlite3.connect(demo_sqlite_url.removeprefix("sqlite:///")) as connection:
        courses, modules = connection.execute(
            "SELECT (SELECT count(*) FROM course), (SELECT count(*) FROM module)"
        ).fetchone()
    assert done["metrics"]["Courses"] == f"{courses:,}"
    assert done["metrics"]["Modules"] == f"{modules:,}"
