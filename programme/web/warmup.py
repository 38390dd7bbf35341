"""The server's first visit made short: what the signed-in pages import is imported in a background thread, once per
server process, while the sign-in page is drawn and the password typed.

The sign-in page itself needs Streamlit, the database's engine, the migration check and the accounts: nothing of
pandas, plotly's figures or the pages' own modules (a test checks it). Those took 3-4 s of the first visit after
each start of `streamlit run` on a laptop (README's Performance, benchmarks/HISTORY.md). sign_in_page() starts
this thread after the form is drawn; it imports, in order,

1. what Home needs (programme.web.ui and pages/home.py's imports) and SQLAlchemy's mapper configuration (done at
   the first query otherwise); then Home's cached figures (programme/web/home_figures.py: aggregates, the same
   for every role, under Home's own cache keys), which the first Home after the Log in click computed otherwise;
2. every other page's imports, in the navigation's order;

and after each step freezes what is imported out of the garbage collector's sight (gc.freeze; after step 2, once
its garbage is collected): Streamlit runs gc.collect() after every script run, which walked those objects each time
(0.1-0.4 s a run). Frozen objects are never collected: modules, classes and functions, kept for the process's life
anyway (and whatever else existed at that moment: a session signing in, a little memory at most).

No two threads import the app's modules at once (a concurrent circular import can fail): a script run that is
about to run a page calls finish() first, which waits for step 1 (the page needs it anyway), stops step 2 after the
module under way, and returns (at once while Home's figures are computed: they import nothing, and Home waits for
them through the cache's own lock rather than computing them twice); the page imports the rest itself. A module
that fails to import here is left: the page that needs it meets the same error and shows it as it always did.
The database is only read, for Home's figures, through the engine the sign-in page opened (migrations checked)
before this starts; nothing is written and nothing about a person is read or logged (a figure that fails is logged
by its error's type only).
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import threading
from collections.abc import Iterable

from programme.core.db import REPO_ROOT
from programme.web.navigation import PAGES

_LOGGER = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()
_home_ready = threading.Event()
# What the warm-up did, for the tests and the benchmark: the modules it imported, and whether it ended.
IMPORTED: list[str] = []
FROZEN = threading.Event()
_figures_under_way = threading.Event()


def page_imports(page_file: str) -> list[str]:
    """Return the modules a page's script imports at its top, in order ("programme.web.ui" for `from programme.web
    import ui`), read from its source without running it."""
    tree = ast.parse((REPO_ROOT / page_file).read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return list(dict.fromkeys(names))


def _import(name: str) -> None:
    """Import name when it is a module (`from x import y` names a module or an attribute: an attribute is passed)."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:  # a module it imports is missing: the page shows it
            _LOGGER.warning("warm-up: %s not imported (%s)", name, type(error).__name__)
        return
    except Exception as error:  # noqa: BLE001 - the page that needs it shows the error; the warm-up goes on
        _LOGGER.warning("warm-up: %s not imported (%s)", name, type(error).__name__)
        return
    IMPORTED.append(name)


def _import_all(names: Iterable[str], *, interruptible: bool) -> bool:
    for name in names:
        if interruptible and _stop.is_set():
            return False
        _import(name)
    return True


def _warm() -> None:
    try:
        home = PAGES[0].path
        _import_all(["programme.web.ui", *page_imports(home)], interruptible=False)
        try:
            import sqlalchemy.orm

            sqlalchemy.orm.configure_mappers()
        except Exception as error:  # noqa: BLE001 - the first query configures them and says what is wrong
            _LOGGER.warning("warm-up: mappers not configured (%s)", type(error).__name__)
        gc.freeze()  # what Home needs, out of the collector's sight at once (no collection first: Home may be waiting)
    finally:
        _home_ready.set()
    _warm_home_figures()
    others = [name for spec in PAGES[1:] for name in page_imports(spec.path)]
    completed = _import_all(others, interruptible=True)
    if completed:
        gc.collect()  # the imports' own garbage first (the user is still typing)
        gc.freeze()
        FROZEN.set()


def _warm_home_figures() -> None:
    """Compute Home's cached figures (home_figures.warm), unless a page is already running: everyone signing in lands
    on Home, whose first run computed them after the Log in click (at 500,000 people about a second). They import
    nothing (their modules are Home's, imported in step 1), so a page that starts meanwhile does not wait for them
    (finish)."""
    if _stop.is_set():
        return
    _figures_under_way.set()
    try:
        from programme.web import home_figures

        home_figures.warm()
    except Exception as error:  # noqa: BLE001 - Home computes them itself and shows what is wrong
        _LOGGER.warning("warm-up: Home's figures not computed (%s)", type(error).__name__)
    finally:
        _figures_under_way.clear()


_THREAD_NAME = "programme-warm-up"


def _not_this_thread(record: logging.LogRecord) -> bool:
    """Streamlit's "missing ScriptRunContext!" warning, said at each cached figure this thread computes (its cache
    looks for a script run to show a spinner in): dropped for this thread only, every other thread's kept."""
    return record.threadName != _THREAD_NAME


def start() -> None:
    """Start the warm-up, once per process (later calls do nothing)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_not_this_thread)
        _thread = threading.Thread(target=_warm, name=_THREAD_NAME, daemon=True)
        _thread.start()


def finish() -> None:
    """Before a page runs: wait for what Home needs, stop the rest after the module under way, and wait for that.
    Returns at once when no warm-up was started or it has ended."""
    thread = _thread
    if thread is None or not thread.is_alive():
        return
    _home_ready.wait()
    _stop.set()
    if _figures_under_way.is_set():
        return  # computing Home's figures, which import nothing; it ends after them without importing
    thread.join()
