"""The intake's reading of the tools' layouts: group paths in labels, choice columns, the tools' date order."""

from __future__ import annotations

from datetime import UTC, datetime

from programme.evaluations.columns import label_group_prefixes, strip_label_groups
from programme.intake.times import read_times
from programme.intake.tools import choice_columns, chosen_text, label_choice_columns, split_choices


def test_a_group_path_is_a_prefix_two_labels_share() -> None:
    columns = ["Module evaluation/Overall", "Module evaluation/Comments", "Lobbying/advocacy was useful"]
    prefixes = label_group_prefixes(columns)
    assert prefixes == ("Module evaluation/",)
    assert [strip_label_groups(column, prefixes) for column in columns] == [
        "Overall", "Comments", "Lobbying/advocacy was useful"
    ]  # fmt: skip


def test_a_choice_label_holding_a_slash_stays_whole() -> None:
    columns = ["Topics", "Topics/Lobbying/advocacy", "Topics/Media"]
    values = {
        "Topics": ["Lobbying/advocacy", "Media"],
        "Topics/Lobbying/advocacy": ["1", "0"],
        "Topics/Media": ["0", "1"],
    }
    assert choice_columns(columns, values) == {
        "Topics/Lobbying/advocacy": ("Topics", "Lobbying/advocacy"),
        "Topics/Media": ("Topics", "Media"),
    }


def test_choice_cells_ticked_by_one_by_label_or_by_text_in_other() -> None:
    assert chosen_text("Media", "1") == "Media" and chosen_text("Media", "Media") == "Media"
    assert chosen_text("Media", "0") is None and chosen_text("Media", "") is None
    assert chosen_text("Other", "Peer exchange") == "Other: Peer exchange"
    assert chosen_text("Media", "Something else") is None


def test_a_question_after_a_typeform_choice_run_is_not_taken_into_it() -> None:
    columns = ["Overall", "Lobbying", "Media", "Other comments"]
    values = {"Overall": ["4", "5"], "Lobbying": ["Lobbying", ""], "Media": ["Media", "Media"],
              "Other comments": ["Fine", ""]}  # fmt: skip
    [run] = label_choice_columns(columns, values, " - ")
    assert run.question == "" and [column for column, _ in run.members] == ["Lobbying", "Media"]


def test_one_labelled_column_alone_is_no_multiple_choice() -> None:
    values = {"Overall": ["4"], "Lobbying": ["Lobbying"], "Comments": ["Good"]}
    assert label_choice_columns(list(values), values, " - ") == []


def test_a_tools_date_order_is_used_only_when_no_date_decides() -> None:
    stamps = ["04/12/2019 03:09:40 PM", "04/12/2019 03:11:02 PM"]
    us = read_times("End Date", stamps, month_first=True)
    assert us.moments[0] == datetime(2019, 4, 12, 15, 9, 40, tzinfo=UTC) and us.warnings == []
    unknown = read_times("End Date", stamps)
    assert unknown.moments == [None, None] and unknown.warnings  # 4 December or 12 April: never guessed
    decided = read_times("End Date", ["13/04/2019 10:00:00", "04/12/2019 10:00:00"], month_first=True)
    assert decided.moments[1] == datetime(2019, 12, 4, 10, 0, tzinfo=UTC)  # the column says day first


def test_a_microsoft_forms_multiple_choice_cell_is_split_and_other_text_kept() -> None:
    assert split_choices("Treaty body reporting;Working with the media;", ";") == (
        "Treaty body reporting; Working with the media"
    )
    assert split_choices("Good; but too long", ";") == "Good; but too long"  # no trailing ";": a comment
    assert split_choices("A;B;", None) == "A;B;"


def test_times_without_a_zone_are_counted() -> None:
    times = read_times("t", ["2019/04/12 3:10:05 PM GMT+7", "2019-04-12T08:10:02", "2019-04-12T08:10:02Z", "", "x"])
    assert times.without_zone == 1
    assert read_times("t", ["2019-04-12 08:01:10 UTC", "2019-04-12T15:00:04.512+07:00"]).without_zone == 0


def test_a_google_forms_download_with_utc_offset_is_read_in_utc() -> None:
    # As a public parser quotes the form's CSV download: "2025/09/01 10:09:52 AM UTC+3" is 07:09:52 UTC.
    times = read_times("Timestamp", ["2025/09/01 10:09:52 AM UTC+3", "2025/09/01 11:30:00 PM UTC+3"])
    assert times.moments == [datetime(2025, 9, 1, 7, 9, 52, tzinfo=UTC), datetime(2025, 9, 1, 20, 30, tzinfo=UTC)]
    assert times.without_zone == 0 and times.warnings == []
