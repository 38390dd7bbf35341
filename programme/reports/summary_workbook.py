"""The programme summary workbook for funders: a sheet per dimension, each with a native Excel chart."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from programme.core.rounding import rounded
from programme.courses.catalogue import get_course
from programme.evaluations.queries import question_ratings
from programme.evaluations.scales import scale_text
from programme.evaluations.wording import with_earlier
from programme.reach import ORG_TYPE_SHARE_NOTE, ReachFilter, across_borders, all_tables, at_home_sentence
from programme.sheets import safe_cell

HEADLINE_LABELS = {
    "courses": "Courses",
    "modules": "Modules",
    "individuals": "Individuals (each counted once)",
    "participations": "Participations (a person in a module)",
    "countries": "Countries (nationality)",
    "women_share": "Women (% of individuals)",
    "civil_society_share": "Civil society (% of individuals whose organisation type is recorded)",
    "org_type_recorded": "Individuals whose organisation type is recorded",
}
# Bars beyond this many categories make an unreadable chart; the sheet still lists every row.
CHART_ROWS_MAX = 25
CHART_WIDTH_CM, CHART_HEIGHT_CM = 18, 10


def _write(sheet: Worksheet, frame: pd.DataFrame) -> None:
    sheet.append([str(column).replace("_", " ") for column in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([safe_cell(None if _missing(value) else value.item() if hasattr(value, "item") else value)
                      for value in row])  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        sheet.column_dimensions[get_column_letter(index)].width = min(50, max(10, width + 2))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a value, never a formula
    sheet.freeze_panes = "A2"


def _missing(value: object) -> bool:
    """Return whether a cell is a missing value (None, NaN, pd.NA): written as an empty cell."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _bar(sheet: Worksheet, *, title: str, label_col: int, value_cols: list[int], rows: int, stacked: bool = False):
    chart = BarChart()
    chart.type = "bar" if not stacked else "col"
    chart.title, chart.width, chart.height = title, CHART_WIDTH_CM, CHART_HEIGHT_CM
    shown = min(rows, CHART_ROWS_MAX)
    for col in value_cols:
        chart.add_data(Reference(sheet, min_col=col, min_row=1, max_row=shown + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=label_col, min_row=2, max_row=shown + 1))
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    elif len(value_cols) == 1:
        chart.legend = None
    return chart


def _place(sheet: Worksheet, chart, frame: pd.DataFrame) -> None:
    if not frame.empty:
        sheet.add_chart(chart, f"{get_column_letter(len(frame.columns) + 2)}2")


def _headline_sheet(workbook: Workbook, frame: pd.DataFrame, scope: str) -> None:
    sheet = workbook.create_sheet("Headline")
    row = frame.iloc[0]
    long = pd.DataFrame({"figure": [HEADLINE_LABELS[k] for k in frame.columns], "value": [row[k] for k in frame]})
    _write(sheet, long)
    sheet.append([])
    sheet.append(["Covers", safe_cell(scope)])
    sheet.append(["Made on", date.today().isoformat()])


def _by_year_wide(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["year"])
    wide = frame.pivot_table(index="year", columns="gender", values="participations", aggfunc="sum", fill_value=0)
    return wide.reset_index().rename_axis(columns=None)


def render_summary(tables: dict[str, pd.DataFrame], *, scope: str, ratings: pd.DataFrame | None = None) -> bytes:
    """Return the .xlsx bytes of the summary workbook for these reach tables, and for the evaluations of these
    ratings (evaluations.queries.question_ratings) when given."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _headline_sheet(workbook, tables["Headline"], scope)
    for name, label_col, value_col, title in (
        ("By country", 2, 3, "Individuals by country (nationality)"),
        ("By gender", 1, 2, "Individuals by gender"),
        ("By organisation type", 1, 2, "Individuals by organisation type"),
        ("Repeat participation", 1, 2, "Individuals by number of modules attended"),
    ):
        frame = tables[name]
        sheet = workbook.create_sheet(name)
        _write(sheet, frame)
        _place(sheet, _bar(sheet, title=title, label_col=label_col, value_cols=[value_col], rows=len(frame)), frame)
        if name == "By organisation type":
            sheet.append([])
            sheet.append([ORG_TYPE_SHARE_NOTE])
    wide = _by_year_wide(tables["By year"])
    sheet = workbook.create_sheet("By year")
    _write(sheet, wide)
    chart = _bar(
        sheet,
        title="Participations by year and gender",
        label_col=1,
        value_cols=list(range(2, len(wide.columns) + 1)),
        rows=len(wide),
        stacked=True,
    )
    _place(sheet, chart, wide)
    sheet.append([])
    sheet.append([BY_YEAR_NOTE])
    _growth_sheet(workbook, tables["Growth"])
    # Corridors as Alumni › Corridors and the Reach chart mean them (origin → another country of work); those who
    # work at home are counted under the list, not listed as a "Thailand → Thailand" corridor.
    listed, at_home = across_borders(tables["Corridors"])
    sheet = workbook.create_sheet("Corridors")
    _write(sheet, listed)
    sheet.append([])
    sheet.append([at_home_sentence(at_home)])
    if ratings is not None:
        # Asked for one module more than shown: when it comes, the earliest module is left out and the sheet says so.
        modules = list(dict.fromkeys(ratings["module_id"])) if not ratings.empty else []
        more = len(modules) > EVALUATED_MODULES_MAX
        if more:
            ratings = ratings[ratings["module_id"] != modules[0]]
        _evaluation_sheet(workbook, evaluation_table(ratings), more=more)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# What the By year sheet counts: participations, not people (whom the Growth sheet counts once).
BY_YEAR_NOTE = (
    "Participations (a person in a module) by year and gender: someone in two modules of a year counts twice. "
    "People counted once are on the Headline and Growth sheets."
)


def _growth_sheet(workbook: Workbook, frame: pd.DataFrame) -> None:
    sheet = workbook.create_sheet("Growth")
    _write(sheet, frame)
    chart = LineChart()
    chart.title, chart.width, chart.height = "Individuals reached, cumulative", CHART_WIDTH_CM, CHART_HEIGHT_CM
    chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=len(frame) + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(frame) + 1))
    chart.legend = None
    _place(sheet, chart, frame)


# What the Evaluations sheet counts, under its table.
EVALUATION_NOTE = (
    "One row per rating question of each evaluated module, as the Evaluation dashboard's charts count them: n is the "
    "ratings given (blanks, N/A and \"Don't know\" are not counted), the mean is on the question's own scale (a 0-10 "
    "question is never averaged with 1-5 ones), and each numbered column is how many gave that rating. Question and "
    "session texts name nobody."
)
NO_EVALUATIONS = "No evaluation responses are recorded for these modules yet."
# The Evaluations sheet holds the latest this many evaluated modules (a row per question: a programme of thousands
# of modules would outgrow a sheet); a course's workbook holds that course's.
EVALUATED_MODULES_MAX = 500
EVALUATION_COLUMNS = ["module", "question", "session", "scale", "n", "mean"]


def evaluation_table(ratings: pd.DataFrame) -> pd.DataFrame:
    """Return one row per rating question: module, question, session, scale, n, mean (two decimals, a half up) and
    the count of each rating ("1".."5"; "0".."10" when a 0-10 question is among them, blank outside a row's scale)."""
    if ratings.empty:
        return pd.DataFrame(columns=EVALUATION_COLUMNS + [str(r) for r in range(1, 6)])
    values = range(0, 11) if (ratings["scale_min"] == 0).any() else range(1, 6)
    rows = []
    for _, question in ratings.groupby(["module_id", "question_id"], sort=False):
        first = question.iloc[0]
        low, high = int(first["scale_min"]), int(first["scale_max"])
        counts = {int(r): int(c) for r, c in zip(question["rating"], question["count"], strict=True)}
        n = sum(counts.values())
        mean = rounded(sum(r * c for r, c in counts.items()) / n)
        cells = [counts.get(r, 0) if low <= r <= high else None for r in values]
        question = with_earlier(first["question"], first.get("earlier"))  # a reworded one: its answers' wordings too
        rows.append([first["module"], question, first["session"], scale_text((low, high)), n, mean, *cells])
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS + [str(r) for r in values])


def _evaluation_sheet(workbook: Workbook, table: pd.DataFrame, *, more: bool = False) -> None:
    sheet = workbook.create_sheet("Evaluations")
    _write(sheet, table)
    sheet.append([])
    sheet.append([EVALUATION_NOTE if not table.empty else NO_EVALUATIONS])
    if more:
        sheet.append([f"The latest {EVALUATED_MODULES_MAX:,} evaluated modules; choose a course for its own."])


def summary_workbook(session: Session, *, course_code: str | None = None) -> bytes:
    """Return the programme summary workbook (.xlsx) for every course, or one course."""
    course_id = None
    if course_code:
        course = get_course(session, course_code)
        reach_filter, scope, course_id = (
            ReachFilter(courses=(course.code,)),
            f"{course.code} · {course.title}",
            course.id,
        )
    else:
        reach_filter, scope = ReachFilter(), "All courses"
    # Aggregates only, no personal data: nothing to record in the audit trail.
    ratings = question_ratings(session, course_id=course_id, latest=EVALUATED_MODULES_MAX + 1)
    return render_summary(all_tables(session, reach_filter), scope=scope, ratings=ratings)
