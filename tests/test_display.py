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
