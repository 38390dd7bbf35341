"""Tables as people read them: country names, dates as days and a dash where nothing is recorded."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from programme.web.display import MISSING, country_names, readable, readable_people, sentence_case


def test_country_names_reads_one_code_or_a_list_and_a_dash_for_nothing() -> None:
    assert country_names("THA") == "Thailand"
    assert country_names("THA, LBN, IND") == "Thailand, Lebanon, India"
    assert country_names(None) == country_names(np.nan) == country_names("") == MISSING


def test_sentence_case_keeps_the_capitals_inside() -> None:
    assert sentence_case("case taken to a UN mechanism") == "Case taken to a UN mechanism"
    assert sentence_case("") == ""


def test_readable_changes_only_the_columns_named_and_leaves_the_frame_alone() -> None:
    frame = pd.DataFrame(
        {
            "country": ["NPL", None],
            "note": [None, "kept"],
            "joined_on": [date(2020, 5, 1), None],
            "at": [datetime(2024, 3, 2, 9, 30, 15), pd.NaT],
            "count": [1, 2],
        }
    )
    shown = readable(frame, countries=["country"], text=["note", "absent"], dates=["joined_on"], times=["at"])
    assert shown.to_dict(orient="list") == {
        "country": ["Nepal", MISSING],
        "note": [MISSING, "kept"],
        "joined_on": ["2020-05-01", MISSING],
        "at": ["2024-03-02 09:30", MISSING],
        "count": [1, 2],
    }
    assert frame.loc[0, "country"] == "NPL"  # a copy: exports keep the codes


def test_readable_people_names_both_countries_and_dashes_hidden_contacts() -> None:
    people = pd.DataFrame(
        {"name": ["Ana"], "nationality": ["TLS"], "country_of_work": ["AUS"], "organisation": [None], "email": [None]}
    )
    shown = readable_people(people).iloc[0].to_dict()
    assert shown == {
        "name": "Ana",
        "nationality": "Timor-Leste",
        "country_of_work": "Australia",
        "organisation": MISSING,
        "email": MISSING,
    }


def test_wrapped_columns_give_each_column_a_width_and_rows_that_wrap_a_long_value() -> None:
    """The import previews (participants, agenda): every column in view, a long value wrapped rather than cut."""
    import pandas as pd

    from programme.web.agenda_import import SESSION_WIDTHS
    from programme.web.display import wrapped_columns
    from programme.web.import_steps import PREVIEW_WIDTHS

    assert sum(SESSION_WIDTHS.values()) <= 1000
    assert sum(width for column, width in PREVIEW_WIDTHS.items() if column != "attended") <= 1000
    short = pd.DataFrame({"row": [2], "day": [1], "session": ["Opening"]})
    options = wrapped_columns(short, SESSION_WIDTHS)
    assert {column: config["width"] for column, config in options["column_config"].items()} == {
        "row": 45, "day": 45, "session": 250,
    }  # fmt: skip
    assert "row_height" not in options  # one line each: the grid's own row height
    title = "Visit to the Australian High Commission: preparing the delegation's three asks on wage theft and debt"
    long = pd.DataFrame({"row": [2], "day": [1], "session": [title]})
    # By hand: 101 characters at about 6 px in 250 - 16 px: 3 lines of 18 px, and 12 px of padding: 66 -> at least 72.
    assert wrapped_columns(long, SESSION_WIDTHS)["row_height"] == 72
    longer = pd.DataFrame({"row": [2], "day": [1], "session": [title * 3]})  # 303 characters: 8 lines, at most 6
    assert wrapped_columns(longer, SESSION_WIDTHS)["row_height"] == 6 * 18 + 12


def test_values_longer_than_the_tallest_row_are_listed_in_full() -> None:
    """Seen in an audit: the import previews' rows are at most six lines high (MAX_LINES), so a longer value was cut in
    its cell. Those values (and those at the limit, a character's width varying) are listed with their row and
    column, under the table; the rows keep their height."""
    import pandas as pd

    from programme.web.agenda_import import SESSION_WIDTHS
    from programme.web.display import values_cut, wrapped_columns

    # By hand: the session column is 250 px, 234 px inside its padding, 39 characters a line at 6 px each; five lines
    # hold 195 characters. "Opening" takes one line, 190 characters five, 196 characters six, 400 eleven.
    frame = pd.DataFrame(
        {
            "row": [4, 5, 6, 7],
            "day": [1, 1, 2, 2],
            "session": ["Opening", "a" * 190, "b" * 196, "c" * 399 + "."],
        }
    )
    assert values_cut(frame, SESSION_WIDTHS) == [(6, "session", "b" * 196), (7, "session", "c" * 399 + ".")]
    assert wrapped_columns(frame, SESSION_WIDTHS)["row_height"] == 6 * 18 + 12  # no taller than before
    assert values_cut(frame.drop(columns="row"), SESSION_WIDTHS)[0][0] == 3  # no row column: its place from 1
    assert values_cut(frame.iloc[:2], SESSION_WIDTHS) == []
