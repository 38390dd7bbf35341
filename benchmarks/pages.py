"""Each page's script time via Streamlit's AppTest at scale, cold and with caches warm (goal: under 1 s warm).

    python benchmarks/pages.py --db /tmp/scale.db [--warm-runs 3] [--after-import 30] [--years 2020 2026]
                                                  [--course SC000002]

Pages run signed in as an administrator, in one process: the first run of a page finds its caches
empty (cold; the database engine and Python's imports are already warm), the next runs find them filled.
--after-import N then imports a list of N new people into the oldest module (the pages show the newest
ones: WRITES to the database, give it a copy) and runs every page once more: the time, and which cached
figures were computed again (none, for a page that does not show that module). --years FIRST LAST runs only the
Reach dashboard, each tab under that year range: first over every year (its other figures cached, as a visitor
who moves the Years slider finds them), then with the slider moved (cold: the range's figures computed), then again
(warm). --course CODE does the same with that course chosen in Reach's Course filter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.testing.v1 import AppTest

from benchmarks.common import ACCOUNT, database_url, ensure_account, machine, quiet_streamlit
from programme.access.accounts import SignedIn
from programme.core.db import REPO_ROOT, make_engine, session_scope
from programme.models import Module, UserRole
from programme.web import engine as web_engine
from programme.web.navigation import PAGES

GOAL_SECONDS = 1.0
# A cold page at scale may scan millions of rows on a busy machine.
TIMEOUT_SECONDS = 600


# Pages whose tabs run only when open (ui.lazy_tabs): the session-state key that chooses the tab.
# The role the pages are run as (--role): a viewer sees the Reach and Evaluation dashboards with small groups merged.
ROLE = [UserRole.ADMIN]
LAZY_TABS = {"pages/reach.py": "reach_tab", "pages/evaluations.py": "evaluations_tab", "pages/alumni.py": "alumni_tab"}


def run_once(path: str, tab: str | None = None) -> tuple[float, AppTest]:
    """Return the wall time of one run of the page (on that tab) as a signed-in administrator, and the AppTest."""
    app = AppTest.from_file(str(REPO_ROOT / path), default_timeout=TIMEOUT_SECONDS)
    if tab is not None:
        app.session_state[LAZY_TABS[path]] = tab
    return _timed(app)


def floor() -> float:
    """Return AppTest's own time for a page that only writes a title (what no page can go below)."""
    script = "import streamlit as st\nst.title('Empty page')"
    times = [_timed(AppTest.from_string(script, default_timeout=TIMEOUT_SECONDS))[0] for _ in range(6)]
    return statistics.median(times[1:])


def _timed(app: AppTest) -> tuple[float, AppTest]:
    app.session_state["_apptest"] = True
    app.session_state["signed_in"] = SignedIn(user_id=1, username=ACCOUNT[0], role=ROLE[0])
    app.session_state["last_seen"] = time.monotonic()
    started = time.perf_counter()
    app.run()
    return time.perf_counter() - started, app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file or database URL")
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", help="only these page files (e.g. pages/courses.py)")
    parser.add_argument(
        "--after-import", type=int, metavar="ROWS", help="then import ROWS people into the oldest module"
    )
    parser.add_argument("--years", type=int, nargs=2, metavar=("FIRST", "LAST"), help="Reach under this year range")
    parser.add_argument("--course", metavar="CODE", help="Reach with this course chosen in its Course filter")
    parser.add_argument(
        "--role",
        choices=[role.value for role in UserRole],
        default=UserRole.ADMIN.value,
        help="run the pages as this role (viewer: the pages a viewer may open, small groups merged)",
    )
    args = parser.parse_args()
    ROLE[0] = UserRole(args.role)
    os.environ["DATABASE_URL"] = database_url(args.db)
    ensure_account(os.environ["DATABASE_URL"])  # pages such as Accounts expect at least one account
    quiet_streamlit()
    print(machine())
    # Open the engine and import plotly and friends once, outside the figures, without filling any page's
    # figures (Home's first run stays cold).
    import plotly.express  # noqa: F401

    run_once("pages/settings.py")
    empty = floor()
    print(f"AppTest's own time for a page that only writes a title: {empty:.2f} s (included in cold and warm)")
    print(f"warm: median of {args.warm_runs} runs; net: warm minus that floor; goal: warm under {GOAL_SECONDS:.0f} s\n")
    if args.years:
        _years(*args.years, args.warm_runs)
        return
    if args.course:
        _course(args.course, args.warm_runs)
        return
    print(f"{'page':<46}{'cold':>9}{'warm':>9}{'net':>9}")
    views: list[tuple[str, str | None]] = []
    allowed = [spec for spec in PAGES if ROLE[0].at_least(spec.role)]
    for spec in [spec for spec in allowed if not args.pages or spec.path in args.pages]:
        app = _report(spec.path, None, args.warm_runs, empty)
        views.append((spec.path, None))
        # Each further tab of a page that runs only the open one is a view of its own.
        for tab in [tab.label for tab in app.tabs][1:] if spec.path in LAZY_TABS else []:
            _report(spec.path, tab, args.warm_runs, empty)
            views.append((spec.path, tab))
    if args.after_import:
        _after_import(os.environ["DATABASE_URL"], args.after_import, views)


def _years(first: int, last: int, warm_runs: int) -> None:
    """Each tab of the Reach dashboard under the year range: over every year first, then the range cold and warm."""
    path = "pages/reach.py"
    print(f"{'Reach under ' + f'{first}-{last}':<46}{'cold':>9}{'warm':>9}{'every year':>12}  load")
    for tab in [tab.label for tab in run_once(path)[1].tabs]:
        whole, app = run_once(path, tab)
        app.slider[0].set_value((first, last))
        cold = _timed(app)[0]
        warm = statistics.median(_timed(app)[0] for _ in range(warm_runs))
        problem = f" exception: {app.exception[0].value}" if app.exception else ""
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{path + ' > ' + tab:<46}{cold:>8.2f}s{warm:>8.2f}s{whole:>11.2f}s  {load}{problem}", flush=True)


def _course(code: str, warm_runs: int) -> None:
    """Each tab of the Reach dashboard with the course chosen: over every course first, then the course cold and
    warm."""
    path = "pages/reach.py"
    print(f"{'Reach with course ' + code:<46}{'cold':>9}{'warm':>9}{'every course':>14}  load")
    for tab in [tab.label for tab in run_once(path)[1].tabs]:
        whole, app = run_once(path, tab)
        app.multiselect(key="reach_courses").set_value([code])
        cold = _timed(app)[0]
        warm = statistics.median(_timed(app)[0] for _ in range(warm_runs))
        problem = f" exception: {app.exception[0].value}" if app.exception else ""
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{path + ' > ' + tab:<46}{cold:>8.2f}s{warm:>8.2f}s{whole:>13.2f}s  {load}{problem}", flush=True)


def _after_import(url: str, rows: int, views: list[tuple[str, str | None]]) -> None:
    """Import `rows` new people into the oldest module, then run each view once: time and figures recomputed."""
    from programme.importing import apply_plan, build_plan, detect_mapping, file_hash, read_participant_sheet

    stamp = int(time.time())
    lines = ["Full Name,Gender,Country of Nationality,Country where you work,Email Address"]
    lines += [f"Bench Person {stamp} {i},Female,Kenya,Uganda,bench.{stamp}.{i}@example.org" for i in range(rows)]
    data = "\n".join(lines).encode()
    started = time.perf_counter()
    with session_scope(make_engine(url)) as session:
        module = session.scalars(sa.select(Module).order_by(Module.start_date, Module.id).limit(1)).one()
        table = read_participant_sheet(data, "bench.csv")
        mapping = detect_mapping(table.columns)
        plan = build_plan(session, table=table, mapping=mapping, module=module, file_name="bench.csv",
                          file_hash=file_hash(data))  # fmt: skip
        result = apply_plan(session, plan=plan, username="benchmark")
    print(f"\nimported {result.created} new people into module {module.id} (the oldest) "
          f"in {time.perf_counter() - started:.1f} s; each page once more:")  # fmt: skip
    print(f"{'page':<46}{'after':>9}  figures computed again")
    for path, tab in views:
        before = web_engine.COMPUTED.copy()
        seconds, app = run_once(path, tab)
        again = sorted(name.rsplit(".", 1)[-1] for name in (web_engine.COMPUTED - before))
        problem = f" exception: {app.exception[0].value}" if app.exception else ""
        name = f"{path} > {tab}" if tab else path
        print(f"{name:<46}{seconds:>8.2f}s  {', '.join(again) or 'none (warm)'}{problem}", flush=True)


def _report(path: str, tab: str | None, warm_runs: int, empty: float) -> AppTest:
    cold, app = run_once(path, tab)
    warm = statistics.median(run_once(path, tab)[0] for _ in range(warm_runs))
    problem = f"exception: {app.exception[0].value}" if app.exception else ""
    verdict = "ok" if warm < GOAL_SECONDS and not problem else "SLOW" if not problem else ""
    net = max(0.0, warm - empty)
    name = f"{path} > {tab}" if tab else path
    print(f"{name:<46}{cold:>8.2f}s{warm:>8.2f}s{net:>8.2f}s  {verdict} {problem}".rstrip(), flush=True)
    return app


if __name__ == "__main__":
    main()
