"""The Courses and modules page's two tables, shaped to fit a 1400 px wide laptop screen with the sidebar open.

Both scrolled sideways there (modules: 1,197 px of columns in a 938 px grid; courses: 1,152): the scope, the city and
the country, or the modules' dates, were out of sight. Each column now has a width, long values wrap in their cells
(display.wrapped_columns) and what repeated another column is merged or left to the other tab:
- modules: the course's title and scope are the course's (the Courses tab lists them beside its code, Find searches
  the title, the Scope filter narrows); the city and the country are one "Place".
- courses: the first and last years are one "Years" column.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from programme.people.countries import country_name
from programme.web.display import MISSING, is_missing, wrapped_columns

# Pixels per column: together within the grid's 938 px at 1400 px wide (the sidebar open).
MODULE_WIDTHS = {
    "course": 120,
    "number": 65,
    "title": 175,
    "start_date": 90,
    "end_date": 90,
    "status": 200,  # "ended, attendance not recorded" on one line
    "place": 175,  # "Kuala Lumpur, Malaysia" on one line: a value that wraps makes every row of the table taller
}
COURSE_WIDTHS = {
    "code": 130,
    "title": 240,
    "scope": 95,
    "host_country": 110,
    "years": 85,
    "modules": 75,
    "first_start": 95,
    "last_end": 95,
}
DATE_FORMAT = "D MMM YYYY"


def place(city: object, country: object) -> str:
    """Return "Kuala Lumpur, Malaysia", the one recorded, or the dash for neither."""
    parts = [str(city).strip()] if not is_missing(city) else []
    if not is_missing(country):
        parts.append(country_name(str(country)))
    return ", ".join(parts) or MISSING


def years(first: object, last: object) -> str:
    """Return "2016–2018", "2019" for one year, or the dash for a course with no year recorded."""
    known = [int(year) for year in (first, last) if not is_missing(year)]
    if not known:
        return MISSING
    low, high = min(known), max(known)
    return str(low) if low == high else f"{low}–{high}"


def modules_view(modules: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Return the modules table as shown (queries.modules_table's frame, its status in words) and st.dataframe's
    options (column widths and labels, row height when a value wraps)."""
    shown = modules.assign(
        place=[place(city, country) for city, country in zip(modules["city"], modules["country"], strict=True)],
        title=modules["title"].map(lambda value: MISSING if is_missing(value) else value),
    )[list(MODULE_WIDTHS)]
    options = wrapped_columns(shown.astype({"start_date": str, "end_date": str}), MODULE_WIDTHS)
    labels = {"course": "Course", "number": "Module", "title": "Title", "status": "Status", "place": "Place"}
    options["column_config"] = {
        **{column: st.column_config.Column(label, width=MODULE_WIDTHS[column]) for column, label in labels.items()},
        "start_date": st.column_config.DateColumn("Start", format=DATE_FORMAT, width=MODULE_WIDTHS["start_date"]),
        "end_date": st.column_config.DateColumn("End", format=DATE_FORMAT, width=MODULE_WIDTHS["end_date"]),
    }
    return shown, options


def courses_view(courses: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Return the courses table as shown (queries.courses_table's frame) and st.dataframe's options."""
    shown = courses.assign(
        years=[years(first, last) for first, last in zip(courses["start_year"], courses["end_year"], strict=True)],
        host_country=courses["host_country"].map(lambda code: MISSING if is_missing(code) else country_name(code)),
    )[list(COURSE_WIDTHS)]
    options = wrapped_columns(shown.astype({"first_start": str, "last_end": str}), COURSE_WIDTHS)
    labels = {"code": "Code", "title": "Title", "scope": "Scope", "host_country": "Host country", "years": "Years"}
    options["column_config"] = {
        **{column: st.column_config.Column(label, width=COURSE_WIDTHS[column]) for column, label in labels.items()},
        "modules": st.column_config.NumberColumn("Modules", width=COURSE_WIDTHS["modules"]),
        "first_start": st.column_config.DateColumn(
            "First module",
            format=DATE_FORMAT,
            width=COURSE_WIDTHS["first_start"],
            help="The day the first module starts",
        ),
        "last_end": st.column_config.DateColumn(
            "Last module", format=DATE_FORMAT, width=COURSE_WIDTHS["last_end"], help="The day the last module ends"
        ),
    }
    return shown, options
