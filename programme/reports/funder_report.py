"""The funder's report for one grant as an editable Word file, in the module report's style, with bar charts."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from sqlmodel import Session

from programme.access import audit
from programme.access.small_counts import (
    all_but_few,
    all_but_few_note,
    few_cells_note,
    few_means_note,
    few_modules_note,
    privacy_note,
    share_hidden,
    short_cells_note,
    too_few,
)
from programme.charts.colours import STRONG
from programme.core.rounding import fixed, percent
from programme.core.words import counted
from programme.reach.filters import NOT_RECORDED
from programme.reach.funnel import (
    ON_THE_LISTS,
    ORGANISATION_SHARE_NOTE,
    STAGE_WORDS,
    few_stages_note,
    hidden_stages,
    short_stages_note,
)
from programme.reach.queries import ORG_TYPE_SHARE_NOTE, people_figure
from programme.reports.bar_images import bar_png
from programme.reports.content import date_span
from programme.reports.funder_content import FunderReportContent, funder_report_content
from programme.reports.module_report import _table, no_type_recorded, society_clause

HEADINGS = ["SUMMARY", "COURSES AND MODULES", "REACH", "COMPLETION", "LEARNING", "EVALUATION", "OUTCOMES"]
CHART_WIDTH = Cm(16)
# Everyone on a module's lists (a registration list, an attendance sheet or a list of who took part), as the Reach
# dashboard's Completion tab says it: the module report's and the Reach headline's "signed up" are those on a
# registration list only.
LISTED = ON_THE_LISTS
# Under the modules' table: what its first count is.
LISTED_NOTE = (
    f"{ON_THE_LISTS}: the module's participants on its lists (those who signed up on a registration list and those "
    "only on an attendance sheet or a list of who took part), whether or not they came."
)
# A share of the summary that would count fewer than N people (access/small_counts.share_hidden).
HIDDEN_SHARE = "not given (privacy)"


def _money(amount: float | None, currency: str | None) -> str:
    return f"{currency} {fixed(amount, thousands=True)}" if amount is not None else "not recorded"


def _chart(document: Document, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    document.add_paragraph()


def _title(document: Document, c: FunderReportContent) -> None:
    for text, size, bold in (
        (c.funder, 18, True),
        (f"Grant {c.reference}", 15, True),
        (c.title or "", 13, False),
        (date_span(c.start, c.end) if c.start and c.end else "", 12, False),
        ("REPORT TO THE FUNDER", 15, True),
    ):
        if not text:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)


def _share(share: float) -> str:
    """A share as the tables show it: "not in the shares" for the people whose value is not recorded (NaN)."""
    return "not in the shares" if pd.isna(share) else f"{fixed(share, 1)}%"


def funded_sentence(reference: str, funder: str, funded: int, courses: int, with_people: int) -> str:
    """Return "Grant G of F funded 2 modules of 1 course." with, when people are recorded in only some of them, how
    many: the sentence counted only those (1 module), under the table listing both."""
    sentence = f"Grant {reference} of {funder} funded {counted(funded, 'module')} of {counted(courses, 'course')}"
    if with_people < funded:
        sentence += f" (people are recorded in {with_people} of them so far)"
    return f"{sentence}."


def _summary(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[0], level=1)
    f = c.figures
    individuals, participants = int(f["individuals"]), int(f["participants"])
    others = individuals - participants
    small = c.small_count_threshold
    # Participants and others of whom one side is 1 to N-1 people: neither count is given (the other would give it
    # by subtraction from the individuals), nor the cost per participant (the amount over the participants).
    split_hidden = bool(others) and (too_few(others, small) or too_few(participants, small))
    if split_hidden:
        team = (
            f": {f'fewer than {small} participants' if too_few(participants, small) else 'participants'} and "
            f"{f'fewer than {small} others' if too_few(others, small) else 'others'} "
            "(facilitators, resource persons, observers, organisers)"
        )
    else:
        team = (
            f": {participants} participant{'' if participants == 1 else 's'} and {others} "
            f"{'other' if others == 1 else 'others'} (facilitators, resource persons, observers, organisers)"
            if others
            else ""
        )
    typed = int(f.get("org_type_recorded", individuals))
    # A share that would count fewer than N people, or all but fewer than N, is not given (access/small_counts.py).
    women_hidden = share_hidden(f["women_share"], individuals, small)
    society_hidden = share_hidden(f["civil_society_share"], typed, small) and not no_type_recorded(f)
    women = "the share of women is not given" if women_hidden else f"{fixed(f['women_share'], 0)}% were women"
    society_text = "; the civil-society share is not given" if society_hidden else society_clause(f)
    # Those whose organisation type is recorded, or the others, of 1 to N-1 people: neither count is given.
    typed_hidden = 0 < typed < individuals and (too_few(typed, small) or too_few(individuals - typed, small))
    if typed_hidden and not society_hidden:
        society_text = society_clause({**f, "org_type_recorded": individuals}) + (
            f", of those whose organisation type is recorded ({people_figure(individuals - typed, fewer_than=small)} "
            "not recorded, left out of the share)"
        )
    document.add_paragraph(
        f"{funded_sentence(c.reference, c.funder, len(c.modules), c.funded_courses, int(f['modules']))} "
        f"They reached {counted(individuals, 'individual')} "
        f"(each counted once){team}, from {counted(int(f['countries']), 'country', 'countries')} and "
        f"{counted(int(f['organisations']), 'organisation')}; {women}{society_text}."
        + (
            f" A share that would count fewer than {small} people, or all but fewer than {small}, is not given, to "
            "protect their privacy."
            if women_hidden or society_hidden
            else ""
        )
        + (
            f" The numbers of participants and of others are not given when either is fewer than {small}, to "
            "protect their privacy."
            if split_hidden
            else ""
        )
    )
    society = (
        "Civil society (% of individuals)"
        if typed == individuals or not typed
        else "Civil society (% of those whose organisation type is recorded)"
        if typed_hidden
        else (f"Civil society (% of the {typed} whose organisation type is recorded)")
    )
    figures = pd.DataFrame(
        [
            ("Courses", int(f["courses"])),
            ("Modules", int(f["modules"])),
            ("Individuals (each counted once)", individuals),
            ("Participants (each counted once)", HIDDEN_SHARE if split_hidden else participants),
            ("Participations (a person in a module)", int(f["participations"])),
            ("Countries (nationality)", int(f["countries"])),
            ("Organisations", int(f["organisations"])),
            ("Women (% of individuals)", HIDDEN_SHARE if women_hidden else f"{fixed(f['women_share'], 1)}%"),
            (
                society,
                "no organisation type recorded"
                if no_type_recorded(f)
                else HIDDEN_SHARE
                if society_hidden
                else f"{fixed(f['civil_society_share'], 1)}%",
            ),  # fmt: skip
            ("Grant amount", _money(c.amount, c.currency)),
            ("Cost per person reached (every individual above)", _money(c.cost_per_person, c.currency)),
            (
                "Cost per participant",
                HIDDEN_SHARE
                if split_hidden and c.cost_per_participant is not None
                else _money(c.cost_per_participant, c.currency),
            ),  # fmt: skip
        ],
        columns=["figure", "value"],
    )
    _table(document, figures, ["Figure", "Value"])


def _modules(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[1], level=1)
    if c.modules.empty:
        document.add_paragraph("This grant is not linked to any course or module yet.")
        return
    hidden = c.modules["registered"].isna()  # fewer than N people (funder_content.modules_shown)
    short = _short_of_individuals(c)
    # What the Completion section's table leaves out of a module (reach.small_modules_merged: a count a few short of
    # the individuals, say) this table does not give either.
    completion = c.funnel_by_module.set_index("module")
    left_out = {
        column: [module in completion.index and bool(pd.isna(completion[column].get(module)))
                 for module in c.modules["module"]]
        for column in ("registered", "completed")
    }  # fmt: skip
    counts = {
        column: [
            HIDDEN_SHARE if pd.isna(n) or column != "responses" and (short(n) or left_out[column][i]) else int(n)
            for i, n in enumerate(c.modules[column])
        ]
        for column in ("registered", "completed", "responses")
    }
    ratings = [
        HIDDEN_SHARE if gone or (m is None or pd.isna(m)) and 0 < (n if not pd.isna(n) else 0) < c.small_count_threshold
        else "—" if m is None or pd.isna(m) else fixed(m)
        for m, n, gone in zip(c.modules["mean_rating"], c.modules["responses"], hidden, strict=True)
    ]  # fmt: skip
    shown = c.modules.assign(**counts, mean_rating=ratings)
    _table(document, shown, ["Module", "Dates", "Place", LISTED, "Completed", "Evaluations", "Mean rating"])
    document.add_paragraph(LISTED_NOTE)
    if HIDDEN_SHARE in ratings or hidden.any():
        document.add_paragraph(few_modules_note(c.small_count_threshold))
    if (c.modules["completed"].isna() & ~hidden).any():  # a completed of fewer than N (modules_shown)
        document.add_paragraph(few_cells_note(c.small_count_threshold))
    short_columns = [name for column, name in ((c.modules["registered"], LISTED), (c.modules["completed"], "Completed"))
                     if any(not pd.isna(n) and short(n) for n in column)]  # fmt: skip
    if short_columns:
        document.add_paragraph(all_but_few_note(c.small_count_threshold, _and(short_columns)))
    elif c.funnel_by_module.attrs.get("short") and any(
        left and not pd.isna(n)
        for column in ("registered", "completed")
        for left, n in zip(left_out[column], c.modules[column], strict=True)
    ):
        document.add_paragraph(short_cells_note(c.small_count_threshold))
    document.add_paragraph(
        "Mean rating: the module's average of all ratings on a scale of 1 to 5; questions on a scale of 0 to 10 "
        "keep their own range and are not averaged in."
    )


def _reach(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[2], level=1)
    if c.by_country.empty:
        document.add_paragraph("Nobody is recorded in the modules of this grant yet.")
        return
    for title, frame, column, colour in (
        ("By country (nationality)", c.by_country, "country", STRONG[0]),
        ("By gender", c.by_gender, "gender", STRONG[1]),
        ("By organisation type", c.by_org_type, "org_type", STRONG[2]),
    ):
        document.add_heading(title, level=2)
        texts = [
            f"{n:,}" + ("" if pd.isna(s) else f" ({fixed(s, 1)}%)")
            for n, s in zip(frame["individuals"], frame["share"], strict=True)
        ]
        _chart(document, bar_png(f"Individuals {title[0].lower()}{title[1:]}", frame[column], frame["individuals"],
                                 texts=texts, colours=[colour]))  # fmt: skip
        shown = frame[[column, "individuals", "share"]].assign(share=frame["share"].map(_share))
        _table(document, shown, [title.removeprefix("By ").capitalize(), "Individuals", "Share"])
        if column == "org_type" and (frame[column] == NOT_RECORDED).any():
            document.add_paragraph(ORG_TYPE_SHARE_NOTE)
    document.add_paragraph(privacy_note(c.small_count_threshold))
    document.add_heading("Organisations reached", level=2)
    orgs = c.organisations_by_type
    shown = orgs.assign(share=orgs["share"].map(_share))
    _table(document, shown, ["Organisation type", "Organisations", "Share"])
    if (orgs["org_type"] == NOT_RECORDED).any():
        document.add_paragraph(ORGANISATION_SHARE_NOTE)


def _completion(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[3], level=1)
    steps = c.funnel
    first = int(steps["individuals"].iloc[0]) if not steps.empty else 0
    if not first:
        document.add_paragraph("No participants are recorded in the modules of this grant yet.")
        return
    # A stage of 1 to N-1 people is not drawn and reads "fewer than N" (reach.small_stages); nothing is drawn when
    # the first is one of them.
    small = c.small_count_threshold
    # A stage all but 1 to N-1 of the individuals reached (given exactly in the summary) is not given either: the
    # difference would count the few others the summary does not give apart (reach.hidden_stages).
    individuals = int(c.figures["individuals"])
    stages = hidden_stages(steps, small, individuals=individuals)
    short_stages, hidden = stages["short"], stages["individuals"]
    if not hidden.iloc[0]:
        colours = {"registered": STRONG[6], "attended": STRONG[0], "completed": STRONG[2]}
        drawn = steps[~hidden]
        texts = [f"{n:,} ({percent(n / first)})" for n in drawn["individuals"]]
        _chart(document, bar_png(f"Participants: {ON_THE_LISTS.lower()} → attended → completed",
                                 [STAGE_WORDS.get(s, s).capitalize() for s in drawn["stage"]], drawn["individuals"],
                                 texts=texts, colours=[colours.get(s, STRONG[0]) for s in drawn["stage"]]))  # fmt: skip
    stage = [
        "a number not given" if gone else people_figure(int(n), fewer_than=small)
        for n, gone in zip(steps["individuals"], short_stages, strict=True)
    ]
    listed = "the participants" if short_stages.iloc[0] else f"{stage[0]} participants"
    document.add_paragraph(
        f"Of {listed} on the modules' lists (those who signed up on a registration list and those only on an "
        "attendance sheet or a list of who took part, whether or not they came), "
        f"{stage[1]} attended and {stage[2]} completed at least one module (the completion rule is the "
        "organisation's own, set in the app's settings)."
    )
    for note in (few_stages_note(steps, small), short_stages_note(steps, small, individuals=individuals)):
        if note:
            document.add_paragraph(note)
    # A module's count of fewer than N people, or a few short of the individuals, is missing
    # (reach.small_modules_merged), and so is then its completion.
    per_module = c.funnel_by_module[["module", "registered", "attended", "completed", "completion"]]
    merged = (c.funnel_by_module["module_id"] == 0).any()  # modules of fewer than N people together (funder_content)
    _table(document, per_module.assign(
        registered=[HIDDEN_SHARE if pd.isna(n) else int(n) for n in per_module["registered"]],
        attended=[HIDDEN_SHARE if pd.isna(n) else int(n) for n in per_module["attended"]],
        completed=[HIDDEN_SHARE if pd.isna(n) else int(n) for n in per_module["completed"]],
        completion=[HIDDEN_SHARE if pd.isna(s) else f"{fixed(s, 0)}%" for s in per_module["completion"]],
    ), ["Module", LISTED, "Attended", "Completed", "Completion"])  # fmt: skip
    if merged:
        document.add_paragraph(privacy_note(c.small_count_threshold))
    if c.funnel_by_module.attrs.get("few"):
        document.add_paragraph(few_cells_note(c.small_count_threshold))
    if c.funnel_by_module.attrs.get("short"):
        document.add_paragraph(short_cells_note(c.small_count_threshold))


def _short_of_individuals(c: FunderReportContent) -> Callable[[object], bool]:
    """Return whether a count of participants (not missing, nor itself of fewer than N: "fewer than N" already) is
    all but 1 to N-1 of the individuals the summary gives exactly (access/small_counts.all_but_few)."""
    individuals, small = int(c.figures["individuals"]), c.small_count_threshold
    return lambda n: not pd.isna(n) and not too_few(int(n), small) and all_but_few(int(n), individuals, small)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _learning(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[4], level=1)
    if c.learning.empty:
        document.add_paragraph("No pre- and post-test scores are recorded for these modules.")
        return
    document.add_paragraph(
        "Mean test scores at the start (before) and end (after) of each module, for participants who took both "
        "tests; the gain with its 95% confidence interval."
    )

    def cell(value: float | None) -> str:
        return "—" if value is None or pd.isna(value) else fixed(value, 1)

    # An n all but 1 to N-1 of the individuals the summary gives exactly would count the few who did not take both
    # tests (or took part in another role): not given (access/small_counts.all_but_few).
    short = _short_of_individuals(c)
    n_gone = [short(n) for n in c.learning["n"]]
    shown = pd.DataFrame(
        {
            "group": ["All modules of the grant" if g == "Whole programme" else g for g in c.learning["group"]],
            "n": [HIDDEN_SHARE if gone else int(n) for n, gone in zip(c.learning["n"], n_gone, strict=True)],
            "pre": c.learning["pre"].map(cell),
            "post": c.learning["post"].map(cell),
            "gain": c.learning["gain"].map(cell),
            "ci": [
                f"{cell(lo)} to {cell(hi)}" for lo, hi in zip(c.learning["ci_low"], c.learning["ci_high"], strict=True)
            ],
        }
    )
    _table(document, shown, ["", "n", "Before", "After", "Gain", "95% CI"])
    if c.learning["pre"].isna().any():  # blanked: fewer than N people (funder_content)
        document.add_paragraph(few_means_note(c.small_count_threshold))
    if any(n_gone):
        document.add_paragraph(
            all_but_few_note(c.small_count_threshold, "n, the participants who took both tests, of "
                             + _and([f"“{g}”" for g, gone in zip(shown["group"], n_gone, strict=True) if gone]))
        )  # fmt: skip


def _evaluation(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[5], level=1)
    if c.highlights.empty:
        document.add_paragraph("No written comments were recorded in the evaluations of these modules.")
        return
    document.add_paragraph(
        "Comments participants wrote most often in the evaluation forms (e-mail addresses, phone numbers and the "
        "names of the courses' participants and facilitators removed):"
    )
    for module, question, comment, times in c.highlights[["module", "question", "comment", "times"]].itertuples(
        index=False
    ):
        line = f"“{comment}” — {question}, {module}{f' ({times} times)' if times > 1 else ''}"
        document.add_paragraph(line, style="List Bullet")


def _outcomes(document: Document, c: FunderReportContent) -> None:
    document.add_heading(HEADINGS[6], level=1)
    total = sum(c.outcome_counts.values())
    if not total:
        document.add_paragraph("No follow-up outcomes are recorded yet for alumni of these modules.")
        return
    counts = pd.DataFrame([(kind.capitalize(), n) for kind, n in c.outcome_counts.items() if n], columns=["kind", "n"])
    document.add_paragraph(f"Alumni of these modules reported {total} outcome{'s' if total > 1 else ''} afterwards:")
    _table(document, counts, ["Outcome", "Reported"])
    for on, kind, text, module in c.outcomes.itertuples(index=False):
        document.add_paragraph(f"{on:%B %Y}, {kind}: {text} (after {module})", style="List Bullet")


def render_funder_report(content: FunderReportContent) -> bytes:
    """Return the .docx bytes of a funder's report."""
    document = Document()
    document.core_properties.title = f"Report on grant {content.reference} to {content.funder}"
    _title(document, content)
    for part in (_summary, _modules, _reach, _completion, _learning, _evaluation, _outcomes):
        part(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def funder_report(session: Session, *, reference: str, by: str | None) -> bytes:
    """Return the funder's report (.docx) for a grant, and record the export in the audit trail (no names in it)."""
    content = funder_report_content(session, reference)
    audit.record(
        session, action="export", username=by, entity="grant", entity_id=None,
        summary=f"funder report for grant {content.reference}",
    )  # fmt: skip
    return render_funder_report(content)
