"""What a funder's report says about one grant, read from the same functions as the dashboards: plain data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.privacy import PeopleToHide, redact
from programme.access.small_counts import (
    DEFAULT_THRESHOLD,
    blank_small_means,
    merge_small,
    small_cells,
    small_count_threshold,
    small_means,
)
from programme.alumni.outcome_queries import OutcomeFilter, filtered_outcomes, outcome_kind_counts
from programme.core.rounding import rounded
from programme.courses.catalogue import module_label
from programme.evaluations.comments import grouped_comments
from programme.evaluations.learning import learning_gain
from programme.evaluations.means import module_mean
from programme.funding import funded_modules, get_grant, grants_table, individuals_by_grant
from programme.models import (
    Course,
    EvaluationForm,
    Funder,
    Module,
    Participation,
    ParticipationRole,
    Person,
    Response,
)
from programme.people.countries import country_name
from programme.reach import (
    ReachFilter,
    by_country,
    by_gender,
    by_org_type,
    funnel,
    funnel_by_module,
    headline_figures,
    organisation_count,
    organisations,
    organisations_by_type,
    small_modules_merged,
)

# Evaluation comments quoted in the report: the most written first.
HIGHLIGHTS_SHOWN = 12


@dataclass
class FunderReportContent:
    """Everything the funder's report shows, in the report's order."""

    reference: str
    funder: str
    title: str | None
    start: date | None
    end: date | None
    amount: float | None
    currency: str | None
    cost_per_person: float | None  # the amount over everyone reached (facilitators and resource persons too)
    cost_per_participant: float | None  # the amount over the participants reached
    modules: pd.DataFrame  # module, dates, place, registered, completed, responses, mean rating
    figures: dict[str, float]  # the Reach dashboard's headline under the grant filter, with organisations
    by_country: pd.DataFrame  # these three with the groups of fewer than small_count_threshold people merged
    by_gender: pd.DataFrame
    by_org_type: pd.DataFrame
    organisations_by_type: pd.DataFrame
    funnel: pd.DataFrame
    funnel_by_module: pd.DataFrame
    learning: pd.DataFrame  # whole grant, then by module
    highlights: pd.DataFrame  # module, question, comment (redacted), times
    outcome_counts: dict[str, int]
    outcomes: pd.DataFrame  # reported_on, kind, description (redacted), module
    small_count_threshold: int = DEFAULT_THRESHOLD  # N: groups of fewer than N people are shown together
    # The courses of the modules the grant funds, whether or not anyone is recorded in them yet (the figures'
    # "courses" and "modules" are those with someone in them, as on the Reach dashboard).
    funded_courses: int = 0


# The learning table's means, blanked for a group of fewer than N people (access/small_counts.small_means).
MEANS = ("pre", "post", "gain", "ci_low", "ci_high")


def grant_filter(reference: str) -> ReachFilter:
    """Return the reach filter the funder's report uses: the grant, every other dimension open."""
    return ReachFilter(grants=(reference,))


def _modules(session: Session, module_ids: list[int], reach_filter: ReachFilter) -> pd.DataFrame:
    columns = ["module", "dates", "place", "registered", "completed", "responses", "mean_rating"]
    if not module_ids:
        return pd.DataFrame(columns=columns)
    completion = funnel_by_module(session, reach_filter).set_index("module_id")
    responses = dict(
        session.execute(
            sa.select(EvaluationForm.module_id, sa.func.count(Response.id))
            .join(Response, Response.form_id == EvaluationForm.id)
            .where(EvaluationForm.module_id.in_(module_ids))
            .group_by(EvaluationForm.module_id)
        ).all()
    )
    rows = []
    for module, code in session.execute(
        sa.select(Module, Course.code).join(Course, Course.id == Module.course_id).where(Module.id.in_(module_ids))
        .order_by(Module.start_date, Module.id)
    ).all():  # fmt: skip
        mean = module_mean(session, module.id).mean
        registered = int(completion["registered"].get(module.id, 0))
        completed = int(completion["completed"].get(module.id, 0))
        rows.append(
            (
                module_label(code, module.number, module.start_date, module.city),
                f"{module.start_date:%d %b %Y} – {module.end_date:%d %b %Y}",
                ", ".join(part for part in (module.city, country_name(module.country)) if part),
                registered,
                completed,
                int(responses.get(module.id, 0)),
                rounded(mean) if mean is not None else None,
            )
        )
    return pd.DataFrame(rows, columns=columns)


# The modules table's counts of people, not given for a module of fewer than N people on its lists (modules_shown).
MODULE_COUNTS = ["registered", "completed", "responses"]


def modules_shown(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The modules table as the funder's report shows it (access/small_counts.py): a module with fewer than
    threshold people on its lists gives none of its counts nor its mean rating (None), and, when it is the only one
    of several, neither does the smallest other (small_means: the completion table's totals would give it); a
    mean rating of fewer than threshold evaluations is not given either (one form's mean is its ratings)."""
    if frame.empty:
        return frame
    hidden = small_means(frame, n="registered", threshold=threshold)
    few_forms = (frame["responses"] > 0) & (frame["responses"] < threshold)
    shown = frame.astype({column: object for column in [*MODULE_COUNTS, "mean_rating"]})
    shown.loc[hidden, MODULE_COUNTS] = None
    shown.loc[hidden | few_forms, "mean_rating"] = None
    # Of the other modules, a completed of 1 to N-1 people is not given either (nor, alone, the smallest other).
    cells = small_cells(frame[~hidden], ["completed"], threshold)["completed"]
    shown.loc[cells[cells].index, "completed"] = None
    return shown


def people_of(session: Session, module_ids: list[int]) -> PeopleToHide:
    """Return everyone on the registry linked to these modules, to redact them from comments (privacy.redact)."""
    if not module_ids:
        return PeopleToHide()
    query = (
        sa.select(Person.full_name, Person.given_name, Person.family_name, Person.phone, Person.email)
        .join(Participation, Participation.person_id == Person.id)
        .where(Participation.module_id.in_(module_ids))
        .distinct()
    )
    rows = session.execute(query).all()
    return PeopleToHide.of([row[:4] for row in rows], emails=[row[4] for row in rows if row[4]])


def funder_report_content(session: Session, reference: str) -> FunderReportContent:
    """Gather the funder's report for a grant (NotFound for an unknown reference)."""
    grant = get_grant(session, reference)
    reference = grant.reference
    reach_filter = grant_filter(reference)
    module_ids = funded_modules(session, reference)
    headline = headline_figures(session, reach_filter).iloc[0].to_dict()
    headline["organisations"] = organisation_count(session, reach_filter)
    # Participants apart from the facilitators, resource persons and others the individuals include.
    participants_only = replace(reach_filter, roles=(ParticipationRole.PARTICIPANT.value,))
    headline["participants"] = int(headline_figures(session, participants_only).iloc[0]["individuals"])
    costs = individuals_by_grant(session).set_index("ref")
    names = people_of(session, module_ids)
    comments = grouped_comments(session, grants=(reference,))
    comments = comments.sort_values(["times"], ascending=False, kind="stable").head(HIGHLIGHTS_SHOWN)
    comments = comments.assign(comment=[redact(text, names) for text in comments["comment"]])
    outcome_filter = OutcomeFilter(grants=(reference,))
    outcomes = filtered_outcomes(session, outcome_filter, user=None)
    outcomes = outcomes.assign(description=[redact(text, names) for text in outcomes["description"]])
    small = small_count_threshold(session)
    # The scores of fewer than N people are not given (their means blank, the row and its n kept), whole and by module.
    parts = [learning_gain(session, by=by, grants=(reference,)) for by in ("programme", "module")]
    learning = pd.concat(
        [blank_small_means(part, n="n", means=MEANS, threshold=small) for part in parts], ignore_index=True
    )
    table = grants_table(session, reference=reference).iloc[0]
    cost = costs["cost_per_person"].get(reference)
    return FunderReportContent(
        reference=reference,
        funder=session.get(Funder, grant.funder_id).name,
        title=table["title"],
        start=grant.start_date,
        end=grant.end_date,
        amount=float(grant.amount) if grant.amount is not None else None,
        currency=grant.currency,
        cost_per_person=None if cost is None or pd.isna(cost) else float(cost),
        cost_per_participant=(
            rounded(grant.amount / headline["participants"])
            if grant.amount is not None and headline["participants"]
            else None
        ),
        modules=modules_shown(_modules(session, module_ids, reach_filter), small),
        figures=headline,
        # What leaves the organisation shows no group of fewer than N people (access/small_counts.py).
        by_country=merge_small(by_country(session, reach_filter), "country", threshold=small, labels={"code": "—"}),
        by_gender=merge_small(by_gender(session, reach_filter), "gender", threshold=small),
        by_org_type=merge_small(by_org_type(session, reach_filter), "org_type", threshold=small),
        organisations_by_type=merge_small(
            organisations_by_type(organisations(session, reach_filter)),
            "org_type",
            threshold=small,
            count="organisations",
        ),
        funnel=funnel(session, reach_filter),
        # A module's count a few short of the individuals is not given either.
        funnel_by_module=small_modules_merged(
            funnel_by_module(session, reach_filter), small, individuals=int(headline["individuals"])
        ),
        learning=learning,
        highlights=comments.reset_index(drop=True),
        outcome_counts=outcome_kind_counts(session, outcome_filter),
        outcomes=outcomes[["reported_on", "kind", "description", "module"]].reset_index(drop=True),
        small_count_threshold=small,
        funded_courses=len(
            set(session.scalars(sa.select(Module.course_id).where(Module.id.in_(module_ids)))) if module_ids else ()
        ),
    )
