"""Tables as people read them: country names for ISO codes and a dash where nothing is recorded.

For the pages only. The programme's functions keep ISO codes, raw keys and missing values as they are:
exports and the CLI's JSON rely on them. Pages pass a copy through `readable` and give the columns plain
headers with st.dataframe's column_config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from programme.alumni.export import EXPORT_HEADINGS
from programme.core.words import counted
from programme.people.countries import country_name

# md_text and is_missing live in text.py (the sign-in page imports them without pandas); imported from here too.
from programme.web.text import WORD_JOINER, is_missing, md_text

# Shown in a cell where nothing is recorded (or the person did not agree to share it).
MISSING = "—"


def table(data: object = None, **options: object) -> object:
    """Draw a read-only table (st.dataframe, same options and result) with the dash in a cell where nothing is
    recorded: Streamlit's default draws a missing value as a grey "None" (a number not computed, a position not
    recorded). Only the drawing changes; the values stay missing.

    A column the page gives no header of its own is headed in words (in_words): "org_type" → "Organisation type",
    "times made" → "Times made", never the programme's own key."""
    frame = data.data if isinstance(data, Styler) else data
    if isinstance(frame, pd.DataFrame):
        options["column_config"] = headed(frame.columns, options.get("column_config"))  # type: ignore[arg-type]
    return st.dataframe(data, placeholder=MISSING, **options)


def in_words(column: object) -> str:
    """Return a column's header as a user reads it: a person's field by its export heading ("email" → "E-mail"), any
    other key with spaces for underscores and a capital first letter ("times_made" → "Times made")."""
    text = str(column)
    if text in EXPORT_HEADINGS:
        return EXPORT_HEADINGS[text]
    return sentence_case(text.replace("_", " ").strip())


def headed(columns: Iterable[object], config: dict | None) -> dict:
    """Return st.dataframe's column_config with a header in words (in_words) for every column config leaves without
    a label: not named there, or given a type (a number's format, a width) but no label. A column config hides
    (None) stays hidden; a label given is kept as it is."""
    config = dict(config or {})
    for column in columns:
        key = str(column)
        given = config.get(key, ...)
        if given is ...:
            config[key] = in_words(column)
        elif isinstance(given, dict) and not given.get("label"):
            config[key] = {**given, "label": in_words(column)}
    return config


def country_names(value: object) -> str:
    """Return 'Thailand' for 'THA', 'Thailand, Lebanon' for 'THA, LBN', and the dash for nothing."""
    if is_missing(value):
        return MISSING
    return ", ".join(country_name(code.strip()) for code in str(value).split(",") if code.strip())


# md_label: what inline Markdown (and Streamlit's additions) can start, with a line's block markers. The rest of
# the punctuation (commas, hyphens, full stops, apostrophes) is left as it is.
_LABEL_SPECIAL = re.compile(r"([\\`*_~\[\]<>$:!&@|{}=^])")
_LABEL_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))", re.MULTILINE)
_LABEL_AUTOLINK_BREAKS = re.compile(r"(\\:(?=//)|(?<![\w])www(?=\.)|\\@)", re.IGNORECASE)
_LABEL_SHORTCODE_START = re.compile(r"\\:(?=[\w+-]+\\:)")


def _escape_line_start(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2)
    return space + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def md_label(value: object) -> str:
    """Return value as Markdown that shows it literally, escaping only the characters that can start Markdown.

    For the labels of the participants' own forms (a consent's wording, a question), which screen readers read
    out as written, backslashes included: md_text's escape of every punctuation mark made "e-mail" "e\\-mail".
    """
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return ""
    escaped = _LABEL_SPECIAL.sub(r"\\\1", str(value))
    # A heading, quote or list marker at a line's start: escaped ("\\#", "\\-"; a number's full stop: "1\\.").
    escaped = _LABEL_LINE_START.sub(_escape_line_start, escaped)
    escaped = _LABEL_AUTOLINK_BREAKS.sub(lambda match: match.group() + WORD_JOINER, escaped)
    return _LABEL_SHORTCODE_START.sub("\\\\:" + WORD_JOINER, escaped)


def sentence_case(text: str) -> str:
    """Capitalise the first letter only: 'case taken to a UN mechanism' keeps its 'UN'."""
    return text[:1].upper() + text[1:]


def _day(value: object, with_time: bool) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def readable(
    frame: pd.DataFrame,
    *,
    countries: Iterable[str] = (),
    text: Iterable[str] = (),
    dates: Iterable[str] = (),
    times: Iterable[str] = (),
) -> pd.DataFrame:
    """Return a copy of frame to show: country codes as names, dates as YYYY-MM-DD (times to the minute),
    and the dash for anything missing in those columns and in text. Columns not in frame are skipped."""
    shown = frame.copy()
    for column in countries:
        if column in shown.columns:
            shown[column] = shown[column].map(country_names).astype(object)
    for column in text:
        if column in shown.columns:
            shown[column] = shown[column].map(lambda value: MISSING if is_missing(value) else value).astype(object)
    for columns, with_time in ((dates, False), (times, True)):
        for column in columns:
            if column in shown.columns:
                shown[column] = shown[column].map(lambda value, t=with_time: _day(value, t)).astype(object)
    return shown


# Plain headers for the columns of a person (the alumni directory, corridors, networks, profiles).
PERSON_HEADERS = {
    **EXPORT_HEADINGS,  # the directory export's headings, with two shorter ones for narrow tables
    "country_of_work": "Works in",
    "org_type": "Type of organisation",
}
PERSON_COUNTRIES = ("nationality", "country_of_work")
PERSON_TEXT = tuple(column for column in PERSON_HEADERS if column not in ("name", *PERSON_COUNTRIES))


def readable_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Return people to show: countries by name and the dash for what is not recorded or not shared."""
    return readable(frame, countries=PERSON_COUNTRIES, text=PERSON_TEXT)


# Rows high enough for the longest value to wrap in its column (a character is about 6 px; a line 18 px), up to
# MAX_LINES; Streamlit wraps a cell's text only in rows taller than 4rem, so a wrapped row is at least 72 px.
CHARACTER_PX, LINE_PX, MAX_LINES, WRAPPED_ROW_PX = 6, 18, 6, 72


def wrapped_columns(frame: pd.DataFrame, widths: dict[str, int]) -> dict:
    """Return st.dataframe's options for a read-only table whose columns each have a width (px: all of them in view
    on a laptop's page) and whose long values wrap in their cells rather than being cut: column_config, and
    row_height when a value is too long for one line of its column. A value longer than MAX_LINES is cut in its
    cell: show_values_in_full lists such values under the table (every row of the grid has the one height)."""
    shown = {column: widths[column] for column in frame.columns if column in widths}
    options: dict = {
        "column_config": {column: st.column_config.Column(column, width=px) for column, px in shown.items()}
    }
    lines = 1
    for column, px in shown.items():
        if not frame.empty:
            # A missing value (None, NaN, NaT: pandas 3's astype(str) keeps them missing) takes no room.
            longest = int(frame[column].map(lambda value: 0 if pd.isna(value) is True else len(str(value))).max())
            lines = max(lines, _lines(longest, px))
    if lines > 1:
        options["row_height"] = max(WRAPPED_ROW_PX, min(lines, MAX_LINES) * LINE_PX + 12)
    return options


def _lines(characters: int, px: int) -> int:
    """The lines a text of so many characters takes in a column px wide (its cell's padding: 8 px each side)."""
    return -(-characters * CHARACTER_PX // (px - 16))


# A value is listed in full when it may not fit the tallest row: more than MAX_LINES - 1 lines by wrapped_columns'
# estimate (a character's width varies; a value estimated at the limit may take one line more).
FULL_VALUES_SHOWN = 50


def values_cut(frame: pd.DataFrame, widths: dict[str, int]) -> list[tuple[object, str, str]]:
    """Return the values of a wrapped_columns table its cells may cut: (row, column, value), row being the frame's
    "row" column (the sheet's row number) when it has one, else the row's position from 1; in the table's order."""
    found: list[tuple[int, int, str]] = []
    for place, column in enumerate(frame.columns):
        if column not in widths or frame.empty:
            continue
        texts = frame[column].astype(str).tolist()
        found += [(position, place, text) for position, text in enumerate(texts)
                  if _lines(len(text), widths[column]) > MAX_LINES - 1]  # fmt: skip
    rows = frame["row"].tolist() if "row" in frame.columns else list(range(1, len(frame) + 1))
    return [(rows[position], str(frame.columns[place]), text) for position, place, text in sorted(found)]


def show_values_in_full(frame: pd.DataFrame, widths: dict[str, int]) -> None:
    """Under a wrapped_columns table, the values its cells may cut, each in full with its row and column, in a closed
    expander (the table keeps its rows short; nothing when no value is that long)."""
    cut = values_cut(frame, widths)
    if not cut:
        return
    with st.expander(
        f"{counted(len(cut), 'value')} longer than {'its cell shows' if len(cut) == 1 else 'their cells show'}: in full"
    ):
        for row, column, text in cut[:FULL_VALUES_SHOWN]:
            st.markdown(f"**Row {row}, {md_text(column)}:** {md_text(text)}")
        if len(cut) > FULL_VALUES_SHOWN:
            st.caption(f"The first {FULL_VALUES_SHOWN} are shown, of {len(cut):,}.")
