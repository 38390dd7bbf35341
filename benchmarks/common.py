"""What every benchmark prints about the machine, and small timing helpers."""

from __future__ import annotations

import logging
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# The account the benchmarks sign in with; added to the benchmark database when missing.
ACCOUNT = ("benchmark-admin", "a-long-benchmark-password")


def machine() -> str:
    """Return one line on the machine: cores, memory, load, Python and SQLite versions."""
    memory = "?"
    try:
        with open("/proc/meminfo") as info:
            total_kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
        memory = f"{total_kib / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, {memory} RAM, load {load}; "
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, {platform.platform()}"
    )


def best_of(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return (best, median) wall time of repeat calls, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def database_url(value: str) -> str:
    """Return a database URL for a SQLite file path or a URL."""
    return value if "://" in value else f"sqlite:///{os.path.abspath(value)}"


def read_only_engine(value: str) -> Engine:
    """Return an engine on a SQLite file opened read-only, or make_engine's for a database URL.

    For benchmarks that only read a shared scale database: the app's SQLite engine starts every
    transaction with BEGIN IMMEDIATE, so a long query would hold the write lock and make other
    processes on the same file wait, then fail. Reads cost the same either way.
    """
    from programme.core.db import make_engine

    url = database_url(value)
    if not url.startswith("sqlite:///"):
        return make_engine(url)
    path = url.removeprefix("sqlite:///")
    return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", connect_args={"check_same_thread": False})


def ensure_account(url: str) -> None:
    """Add the benchmarks' administrator account to the database unless it is there."""
    from programme.access.accounts import add_user
    from programme.core.db import make_engine, session_scope
    from programme.models import User, UserRole

    engine = make_engine(url)
    with session_scope(engine) as session:
        if session.query(User).filter(User.username == ACCOUNT[0]).first() is None:
            add_user(session, username=ACCOUNT[0], password=ACCOUNT[1], role=UserRole.ADMIN, by=None)
    engine.dispose()


def quiet_streamlit() -> None:
    """Silence Streamlit's bare-mode warnings (one per call outside a server), to keep the figures readable."""
    from streamlit.runtime.scriptrunner_utils import script_run_context

    script_run_context._LOGGER.disabled = True  # AppTest resets levels, not this switch
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
