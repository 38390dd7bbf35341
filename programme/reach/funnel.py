"""Registered → attended → completed, and the organisations reached: under a reach filter, aggregated in SQL.

Registration: every participation row is a registration, with attendance (`attended`) and completion
(`completed`, set by the organisation's completion rule, see programme/planning/attendance.py) as its flags. Registration
lists being added elsewhere may record people as registered who never came (a row with `attended` false, or a
`registered` role or status): such rows count here as registered and nothing more, with no change to this code
beyond, at most, adding that role to FUNNEL_ROLES.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.small_counts import all_but_few, merge_small, small_cells, too_few
from programme.core.freshness import depends_on
from programme.core.rounding import rounded
from programme.courses.catalogue import module_label
from programme.models import Organisation, ParticipationRole
from programme.people.countries import country_name
from programme.reach import kept
from programme.reach.filters import NOT_RECORDED, REACH_FILTER_WIDER, UNKNOWN, ReachFilter, participations

STAGES = ["registered", "attended", "completed"]
# The stages in the dashboard's words (the keys stay: `stats --json` has "registered"). The first stage is everyone on a
# module's lists, whether they signed up on a registration list or are only on an attendance sheet or a list of who
# took part: "on the lists", in words of its own, apart from the headline's "Signed up" (SIGNED_UP_HELP), the people
# on a registration list only. ("Registered" said both, and "listed" is the alumni directory's word for consent.)
STAGE_WORDS = {"registered": "on the lists", "attended": "attended", "completed": "completed"}
# The funnel's first stage as a title or a table's header says it.
ON_THE_LISTS = "On the lists"
# What the Reach headline's "Signed up" counts (programme/reach/queries.registrations), against the funnel's first stage.
SIGNED_UP_HELP = (
    "People on a registration list (any role), each counted once, whether or not they came. They are among the "
    "Completion tab's On the lists, which also counts everyone on an attendance sheet or a list of who took part "
    "without having signed up (participants only, unless the Role filter says otherwise)."
)
# Under the Completion tab's charts, and in the funder's report.
COMPLETION_NOTE = (
    "On the lists: everyone on a module's lists, whether or not they came: those who signed up on a registration "
    "list (the headline's Signed up) and those only on an attendance sheet or a list of who took part. Attended: "
    "came to the module; completed: met the completion rule (Settings). Participants only, unless the Role filter "
    "says otherwise. Over the programme, a person counts once at each stage they reached in any module."
)
# Under the organisations by type (Reach's Organisations tab, the funder's report): as ORG_TYPE_SHARE_NOTE says of people.
ORGANISATION_SHARE_NOTE = (
    "Shares by organisation type are of the organisations whose type is recorded; those whose type is not recorded "
    "are shown apart and left out of the shares."
)
# Whose registrations the funnel counts when the filter names no role: participants (facilitators and resource
# persons are not there to complete a module).
FUNNEL_ROLES = (ParticipationRole.PARTICIPANT.value,)


def _funnel_filter(reach_filter: ReachFilter | None) -> ReachFilter:
    f = reach_filter or ReachFilter()
    if f.roles:
        return f
    return ReachFilter(**{**f.__dict__, "roles": FUNNEL_ROLES})


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def funnel(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return stage (registered, attended, completed), individuals and participations over the selection.

    individuals: distinct people with at least one participation at that stage (registered: any; attended:
    attended at least one module; completed: completed at least one). Participants only unless the filter
    names roles.

    Read from the summaries under a year range too (who was listed, attended or completed is kept per person and
    year).
    """
    if (chosen := kept.selection(session, reach_filter)) is not None and (
        found := kept.funnel_counts(session, chosen.where, reach_filter, chosen.years)
    ) is not None:
        people, rows = found
        return pd.DataFrame({"stage": STAGES, "individuals": people, "participations": rows})
    # Everyone listed for a module is the top of the funnel, those who took part or not.
    p = participations(
        _funnel_filter(reach_filter), ["person_id", "participation_id", "attended", "completed"], took_part=False
    )
    attended = sa.case((p.c.attended.is_(True), p.c.person_id))
    completed = sa.case((p.c.completed.is_(True), p.c.person_id))
    row = session.execute(
        sa.select(
            sa.func.count(sa.distinct(p.c.person_id)),
            sa.func.count(sa.distinct(attended)),
            sa.func.count(sa.distinct(completed)),
            sa.func.count(p.c.participation_id),
            sa.func.count(sa.case((p.c.attended.is_(True), 1))),
            sa.func.count(sa.case((p.c.completed.is_(True), 1))),
        )
    ).one()
    people, rows = [int(v) for v in row[:3]], [int(v) for v in row[3:]]
    return pd.DataFrame({"stage": STAGES, "individuals": people, "participations": rows})


def small_stages(steps: pd.DataFrame, threshold: int | None) -> pd.Series:
    """Which of funnel()'s stages a viewer or a funder is not given (access/small_counts.py): those of 1 to
    threshold-1 people ("completed 2" under a narrow filter is two people). threshold None (the team): none."""
    return pd.Series([too_few(int(n), threshold) for n in steps["individuals"]], index=steps.index, dtype=bool)


def _short(values: list[int], gone: list[bool], whole: int | None, threshold: int | None) -> list[bool]:
    """Which of values (a funnel's stages in order, or a module's) fall 1 to threshold-1 short of whole, the figure
    given exactly beside them (access/small_counts.all_but_few); gone: already not given (not looked at).

    A stage a few short of the stage before it is given ("10 on the lists, 9 attended": one did not come): the one
    is not told apart from the others by anything shown, where whole less a stage counts a group the figures name
    (the few who took part in another role). Hiding such differences took most modules' Completed off what viewers
    and funders see (27 of the demo's 48 modules), the figure a funder asks for first."""
    return [not away and whole is not None and all_but_few(n, whole, threshold)
            for n, away in zip(values, gone, strict=True)]  # fmt: skip


def hidden_stages(
    steps: pd.DataFrame,
    threshold: int | None,
    *,
    individuals: int | None = None,
    participations: int | None = None,
    totals_gone: Sequence[str] = (),
) -> pd.DataFrame:
    """What of funnel()'s stages a viewer or a funder is not given (access/small_counts.py), one row a stage:

    - small: a stage of 1 to threshold-1 people (small_stages; "fewer than N");
    - short: a stage that falls 1 to threshold-1 people short of the individuals given exactly beside it (the Reach
      headline's, the funder's summary's: "14" on the lists beside 15 individuals counts the 1 other; a stage a few
      short of the stage before it is given: _short);
    - individuals: small or short; participations: those, and a stage whose participations fall 1 to threshold-1
      short of the participations given beside it (the headline's), or whose per-module counts leave one out for
      falling short (totals_gone, small_modules_merged's attrs["short"]: the stage's participations are that
      column's total, and would give it back).

    threshold None (the team): nothing."""
    small = small_stages(steps, threshold)
    people = [int(n) for n in steps["individuals"]]
    short = pd.Series(_short(people, small.tolist(), individuals, threshold), index=steps.index, dtype=bool)
    gone = small | short
    rows = [int(n) for n in steps["participations"]]
    rows_short = pd.Series(_short(rows, gone.tolist(), participations, threshold), index=steps.index, dtype=bool)
    if threshold is not None:
        rows_short |= steps["stage"].isin(list(totals_gone))
    return pd.DataFrame({"small": small, "short": short, "individuals": gone, "participations": gone | rows_short})


def stages_shown(
    steps: pd.DataFrame,
    threshold: int | None,
    *,
    individuals: int | None = None,
    participations: int | None = None,
    totals_gone: Sequence[str] = (),
) -> pd.DataFrame:
    """funnel()'s table as a viewer sees it (hidden_stages): a stage of 1 to threshold-1 people says "fewer than N"
    people, a stage 1 to threshold-1 short of the individuals "not given", and neither gives
    its count of participations ("not given": they would bound its people), nor does a stage whose participations
    fall short so; the other counts then as text ("1,204"), one type a column. The team, and a funnel without such a
    stage: the table unchanged."""
    hidden = hidden_stages(steps, threshold, individuals=individuals, participations=participations,
                           totals_gone=totals_gone)  # fmt: skip
    if not hidden[["individuals", "participations"]].any(axis=None):
        return steps
    return steps.assign(
        individuals=[f"fewer than {threshold}" if small else "not given" if gone else f"{int(n):,}"
                     for n, small, gone in zip(steps["individuals"], hidden["small"], hidden["individuals"],
                                               strict=True)],
        participations=["not given" if gone else f"{int(n):,}"
                        for n, gone in zip(steps["participations"], hidden["participations"], strict=True)],
    )  # fmt: skip


def few_stages_note(steps: pd.DataFrame, threshold: int | None) -> str | None:
    """The sentence under the funnel when small_stages leaves some out: which, and why; None when none."""
    hidden = small_stages(steps, threshold)
    if not hidden.any():
        return None
    return (
        f"To protect privacy, a stage of fewer than {threshold} people is not drawn and its counts are not given: "
        f"{_stage_names(steps, hidden)}."
    )


def short_stages_note(
    steps: pd.DataFrame,
    threshold: int | None,
    *,
    individuals: int | None = None,
    participations: int | None = None,
    totals_gone: Sequence[str] = (),
) -> str | None:
    """The sentence under the funnel when hidden_stages leaves out stages that fall a few people (or participations)
    short of the individuals: which, and why; None when none."""
    hidden = hidden_stages(steps, threshold, individuals=individuals, participations=participations,
                           totals_gone=totals_gone)  # fmt: skip
    rows_only = hidden["participations"] & ~hidden["individuals"]
    said = []
    if hidden["short"].any():
        said.append(
            f"To protect privacy, a stage that falls short of the individuals reached by "
            f"1 to {threshold - 1} people is not drawn and its counts are not given (the difference would count them): "
            f"{_stage_names(steps, hidden['short'])}."
        )
    if rows_only.any():
        said.append(
            f"Nor are the participations of a stage given when they fall short of the participations by 1 to "
            f"{threshold - 1}, or when a module's count at that stage is not given (they would "
            f"give it back): {_stage_names(steps, rows_only)}."
        )
    return " ".join(said) or None


def _stage_names(steps: pd.DataFrame, which: pd.Series) -> str:
    names = [STAGE_WORDS.get(stage, stage).capitalize() for stage in steps.loc[which, "stage"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def funnel_by_module(
    session: Session, reach_filter: ReachFilter | None = None, *, latest: int | None = None
) -> pd.DataFrame:
    """Return per module (by date): module_id, module, registered, attended, completed, completion (% of registered).

    latest: only the latest that many modules (still by date); `frame.attrs["modules"]` then says how many there
    are in all (a page shows the latest and offers the whole table as a download).

    Read from the summaries' per-module counts under a year range too (the range's modules only).
    """
    found = None
    if (chosen := kept.selection(session, reach_filter)) is not None:
        found = kept.funnel_module_rows(session, latest=latest, reach_filter=reach_filter, years=chosen.years)
    rows, total = found if found is not None else _funnel_module_rows(session, reach_filter, latest=latest)
    frame = pd.DataFrame(
        [
            (mid, module_label(code, number, start, city), int(r), int(a), int(c))
            for mid, code, number, start, city, r, a, c in rows
        ],
        columns=["module_id", "module", "registered", "attended", "completed"],
    )
    frame["completion"] = [rounded(100 * c / r, 1) if r else 0.0 for c, r in zip(frame["completed"], frame["registered"],
                                                                              strict=True)]  # fmt: skip
    frame.attrs["modules"] = total
    return frame


def small_modules_merged(frame: pd.DataFrame, threshold: int | None, *, individuals: int | None = None) -> pd.DataFrame:
    """funnel_by_module's table as a viewer sees it (access/small_counts.py): the modules with fewer than threshold
    people on the lists in the selection shown together in one row, last, its completion that of its
    people (completed of registered); its module_id 0. Then a module's (or that row's) attended or completed of 1 to
    threshold-1 people is not given (missing, pd.NA), nor, when it is the only one, the smallest other of its column
    (small_cells). Nor is a count that falls 1 to threshold-1 short of the individuals given beside the table (the
    Reach headline's, the funder's summary's; a count a few short of the module's stage before is given: _short),
    nor the completion of a row whose on the lists or completed is not given (completed over on the lists would give it
    back). `attrs["few"]`: whether a count of fewer than threshold is left out; `attrs["short"]`: the columns with a
    count left out for falling short (their totals, the funnel's participations at those stages, are not to be given
    either). threshold None (the team): the table unchanged."""
    merged = merge_small(frame, "module", threshold=threshold, count="registered", labels={"module_id": 0})
    if merged is not frame:
        merged["completion"] = [
            rounded(100 * c / r, 1) if r else 0.0
            for c, r in zip(merged["completed"], merged["registered"], strict=True)
        ]
        merged.attrs = dict(frame.attrs)
    if threshold is None or merged.empty:
        return merged
    hidden = small_cells(merged, ["attended", "completed"], threshold)
    few = bool(hidden.any(axis=None))
    hidden.insert(0, "registered", False)
    short = _short_cells(merged, hidden, individuals, threshold)
    hidden = hidden | short
    if not hidden.any(axis=None):
        return merged
    shown = merged.astype({column: "Int64" for column in STAGES} | {"completion": "Float64"})
    for column in STAGES:
        shown.loc[hidden[column], column] = pd.NA
    shown.loc[hidden["registered"] | hidden["completed"], "completion"] = pd.NA
    shown.attrs = dict(frame.attrs) | {"few": few, "short": [column for column in STAGES if short[column].any()]}
    return shown


def _short_cells(frame: pd.DataFrame, hidden: pd.DataFrame, individuals: int | None, threshold: int) -> pd.DataFrame:
    """Which of each module's counts (registered, attended, completed) fall 1 to threshold-1 short of the individuals
    (_short); hidden: those already left out."""
    short = pd.DataFrame(False, index=frame.index, columns=STAGES)
    for index in frame.index:
        values = [int(frame.at[index, column]) for column in STAGES]
        away = [bool(hidden.at[index, column]) for column in STAGES]
        short.loc[index] = _short(values, away, individuals, threshold)
    return short


def _funnel_module_rows(session: Session, reach_filter: ReachFilter | None, *, latest: int | None) -> tuple[list, int]:
    p = participations(
        _funnel_filter(reach_filter), ["module_id", "participation_id", "attended", "completed"], took_part=False
    )
    counts = (
        sa.select(
            p.c.module_id,
            sa.func.count(p.c.participation_id).label("registered"),
            sa.func.count(sa.case((p.c.attended.is_(True), 1))).label("attended"),
            sa.func.count(sa.case((p.c.completed.is_(True), 1))).label("completed"),
        )
        .group_by(p.c.module_id)
        .subquery()
    )
    return kept.stages_by_module(session, counts, latest=latest)


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def organisations(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return org_type, code (the organisation's country, ISO alpha-3), country, organisations and individuals.

    An organisation whose type or country is not on record is under "not recorded" (NOT_RECORDED), the words of the
    Organisation type tab and of the filter; its code is "unknown" (UNKNOWN, not a country's code).

    Organisations are the distinct organisations of the people in the selection (each has one type and one
    country, so the rows add up to organisation_count: the placeholder an erased person is linked to is none,
    though the person is among the individuals); people without an organisation are not counted.
    """
    if (chosen := kept.selection(session, reach_filter)) is not None:
        rows = kept.organisation_rows(session, _ERASED, chosen.where, chosen.years)
    else:
        p = participations(reach_filter, ["organisation_id", "org_type", "org_country", "person_id"])
        real = sa.case((p.c.organisation_id.in_(_ERASED), None), else_=p.c.organisation_id)
        rows = session.execute(
            sa.select(
                p.c.org_type, p.c.org_country, sa.func.count(sa.distinct(real)),
                sa.func.count(sa.distinct(p.c.person_id)),
            )
            .where(p.c.organisation_id.is_not(None))
            .group_by(p.c.org_type, p.c.org_country)
        ).all()  # fmt: skip
    frame = pd.DataFrame(
        [
            (getattr(kind, "value", kind) or NOT_RECORDED, code or UNKNOWN,
             country_name(code) if code else NOT_RECORDED, int(n), int(people))
            for kind, code, n, people in rows
        ],
        columns=["org_type", "code", "country", "organisations", "individuals"],
    )  # fmt: skip
    return frame.sort_values(["organisations", "org_type", "country"], ascending=[False, True, True], ignore_index=True)


def organisations_by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Return org_type, organisations and share (%) from the organisations table, largest first, "not recorded" last.

    Shares are percentages of the organisations whose type is recorded, as the people's shares by organisation type
    are of the people whose type is recorded (ORGANISATION_SHARE_NOTE); the "not recorded" row has no share (NaN).
    """
    totals = frame.groupby("org_type", as_index=False)["organisations"].sum()
    recorded = totals["org_type"] != NOT_RECORDED
    whole = int(totals.loc[recorded, "organisations"].sum())
    totals["share"] = [
        (rounded(100 * n / whole, 1) if whole else 0.0) if known else float("nan")
        for n, known in zip(totals["organisations"], recorded, strict=True)
    ]
    totals = totals.sort_values(["organisations", "org_type"], ascending=[False, True], ignore_index=True)
    return pd.concat([totals[totals["org_type"] != NOT_RECORDED], totals[totals["org_type"] == NOT_RECORDED]],
                     ignore_index=True)  # fmt: skip


# The placeholders erasure links an erased person to ("(erased) NGO", access/erasure.py) are no organisation reached.
_ERASED = sa.select(Organisation.id).where(Organisation.name.like("(erased) %")).scalar_subquery()


@depends_on(every_module=True, people=True, when=REACH_FILTER_WIDER)
def organisation_count(session: Session, reach_filter: ReachFilter | None = None) -> int:
    """Return how many distinct organisations the people in the selection work for."""
    if (chosen := kept.selection(session, reach_filter)) is not None:
        return kept.organisation_count(session, _ERASED, chosen.where, chosen.years)
    p = participations(reach_filter, ["organisation_id"])
    real = sa.case((p.c.organisation_id.in_(_ERASED), None), else_=p.c.organisation_id)
    return int(session.scalar(sa.select(sa.func.count(sa.distinct(real)))) or 0)
