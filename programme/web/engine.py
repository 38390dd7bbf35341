"""The app's database engine (opened once per server) and figures cached until the data changes."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from programme.core import schema
from programme.core.db import database_url, make_engine, read_scope, session_scope
from programme.core.freshness import figures_version

T = TypeVar("T")
# Cached figures are also dropped after this long, in case the data was changed behind the app's back (SQL typed
# by hand). Every change made through programme/ (pages, the command line) moves the versions they are kept under,
# so a short limit would only make visits cold: a figure about a module stays as long as that module is unchanged.
FIGURES_TTL_SECONDS = 24 * 3600
# How often each function ("module.name") was computed rather than read from the cache, in this process.
COMPUTED: Counter[str] = Counter()


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    if not schema.is_up_to_date(engine):
        schema.upgrade(engine)
    return engine


def engine() -> Engine:
    """Return the app's engine, with the schema upgraded on first use."""
    return _engine(database_url())


@contextmanager
def db() -> Iterator[Session]:
    """Yield a database session that commits on success."""
    with session_scope(engine()) as session:
        yield session


# The spinner shows only while a figure is computed (a cache miss): at 500,000 people the first run after a
# change can take tens of seconds.
@st.cache_data(ttl=FIGURES_TTL_SECONDS, show_spinner="Computing the figures…", max_entries=512)
def _cached_call(url: str, version: tuple, module: str, name: str, args: tuple, kwargs: tuple) -> Any:
    function = getattr(importlib.import_module(module), name)
    COMPUTED[f"{module}.{name}"] += 1
    with read_scope(_engine(url)) as session:
        return function(session, *args, **dict(kwargs))


def cached_query(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return function(session, *args, **kwargs), kept until what it depends on changes.

    For read-only query functions of programme/ whose arguments are hashable (ids, filters, the signed-in
    user): a page's option lists and aggregates are computed once, not on every rerun of the script. A function
    declared with `freshness.depends_on` (a module, a course's modules, every module, people) is recomputed only
    when those moved; an undeclared one whenever anything did (see programme/core/freshness.py).
    """
    with read_scope(engine()) as session:
        version = figures_version(session, function, args, kwargs)
    return _cached_call(
        database_url(), version, function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items()))
    )


def forget_figures() -> None:
    """Drop every cached figure (after a restore: the restored database's versions say nothing of the old one's)."""
    _cached_call.clear()


def cached_headline() -> dict[str, int]:
    """Return the headline figures, recomputed only when the data changed (they scan every participation)."""
    from programme.reach import headline  # pandas with it: the sign-in page, which opens the engine, needs neither

    return cached_query(headline)
