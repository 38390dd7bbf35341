"""Funders and grants read back: which modules a grant funds, the grants table, individuals and cost per person."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from programme.access.small_counts import other_label
from programme.core.rounding import rounded
from programme.courses.catalogue import module_label
from programme.models import Course, Funder, Grant, GrantCourse, GrantModule, Module
from programme.people.names import by_name

if TYPE_CHECKING:
    from programme.reach.filters import ReachFilter

GRANT_COLUMNS = ["ref", "funder", "title", "start", "end", "amount", "currency", "courses", "modules"]


def grant_modules() -> sa.Subquery:
    """Return (grant_id, module_id) for every module a grant funds: its courses' modules and its own modules."""
    through_courses = sa.select(GrantCourse.grant_id, Module.id.label("module_id")).join(
        Module, Module.course_id == GrantCourse.course_id
    )
    direct = sa.select(GrantModule.grant_id, GrantModule.module_id)
    return sa.union(through_courses, direct).subquery("grant_modules")


def chosen_grants(funders: Iterable[str] = (), grants: Iterable[str] = ()) -> sa.Select:
    """Return the ids of the grants of these funders (by name) and with these references; both: grants meeting both."""
    query = sa.select(Grant.id)
    funders, grants = tuple(funders), tuple(grants)
    if funders:
        query = query.join(Funder, Funder.id == Grant.funder_id).where(Funder.name.in_(funders))
    if grants:
        query = query.where(Grant.reference.in_(grants))
    return query


def funded_module_ids(funders: Iterable[str] = (), grants: Iterable[str] = ()) -> sa.Select:
    """Return the ids of the modules the chosen grants fund (a select for an IN condition)."""
    links = grant_modules()
    return sa.select(links.c.module_id).where(links.c.grant_id.in_(chosen_grants(funders, grants)))


def funding_options(session: Session) -> dict[str, Any]:
    """Return what the Funder and Grant filters offer: {"funders": [names], "grants": {ref: "ref · funder"}}."""
    funders = by_name(session.scalars(sa.select(Funder.name)))
    rows = session.execute(
        sa.select(Grant.reference, Funder.name).join(Funder, Funder.id == Grant.funder_id).order_by(Grant.reference)
    ).all()
    return {"funders": funders, "grants": {ref: f"{ref} · {name}" for ref, name in rows}}


def grants_for_funders(options: dict[str, Any], funders: Iterable[str]) -> dict[str, str]:
    """Return the grant choices narrowed to the chosen funders (all of them when none is chosen)."""
    chosen = set(funders)
    return {ref: label for ref, label in options["grants"].items() if not chosen or label.split(" · ", 1)[1] in chosen}


def grants_table(session: Session, *, reference: str | None = None) -> pd.DataFrame:
    """Return every grant (or one): ref, funder, title, start, end, amount, currency, courses and modules funded.

    courses: the codes of the courses it funds as a whole; modules: labels of the single modules it funds.
    """
    query = (
        sa.select(
            Grant.id, Grant.reference, Funder.name, Grant.title, Grant.start_date, Grant.end_date, Grant.amount,
            Grant.currency,
        )
        .join(Funder, Funder.id == Grant.funder_id)
        .order_by(Funder.name, Grant.reference)
    )  # fmt: skip
    if reference is not None:
        query = query.where(Grant.reference == reference)
    grants = session.execute(query).all()
    courses: dict[int, list[str]] = {}
    for grant_id, code in session.execute(
        sa.select(GrantCourse.grant_id, Course.code)
        .join(Course, Course.id == GrantCourse.course_id)
        .order_by(Course.code)
    ):
        courses.setdefault(grant_id, []).append(code)
    modules: dict[int, list[str]] = {}
    for grant_id, code, number, start, city in session.execute(
        sa.select(GrantModule.grant_id, Course.code, Module.number, Module.start_date, Module.city)
        .join(Module, Module.id == GrantModule.module_id)
        .join(Course, Course.id == Module.course_id)
        .order_by(Module.start_date)
    ):
        modules.setdefault(grant_id, []).append(module_label(code, number, start, city))
    rows = [
        (ref, funder, title, start, end, amount, currency, courses.get(gid, []), modules.get(gid, []))
        for gid, ref, funder, title, start, end, amount, currency in grants
    ]
    return pd.DataFrame(rows, columns=GRANT_COLUMNS)


def _reached(session: Session, reach_filter: ReachFilter | None, key: Any) -> dict[Any, int]:
    """Return distinct individuals in the filtered participations per key of the grant (grant id or funder id)."""
    from programme.reach.filters import participations

    # Not materialized: the grants' modules (joined below) are what narrows it.
    p = participations(reach_filter, ["person_id", "module_id"], materialized=False)
    links = grant_modules()
    query = (
        sa.select(key, sa.func.count(sa.distinct(p.c.person_id)))
        .select_from(p)
        .join(links, links.c.module_id == p.c.module_id)
        .join(Grant, Grant.id == links.c.grant_id)
        .join(Funder, Funder.id == Grant.funder_id)
        .group_by(key)
    )
    return {k: int(n) for k, n in session.execute(query).all()}


def individuals_by_grant(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return per grant: ref, funder, individuals reached (under the filter), amount, currency, cost_per_person.

    cost_per_person is the grant's amount divided by everyone its courses and modules reached, whatever the
    other filters (a grant's amount is not split by country or gender); None without an amount or without
    anyone reached; in the grant's own currency.
    """
    reached = _reached(session, reach_filter, Grant.reference)
    everyone = _reached(session, None, Grant.reference)
    table = grants_table(session)
    rows = []
    for ref, funder, amount, currency in zip(table["ref"], table["funder"], table["amount"], table["currency"],
                                             strict=True):  # fmt: skip
        known = amount is not None and not pd.isna(amount)
        whole = everyone.get(ref, 0)
        cost = rounded(Decimal(str(amount)) / whole) if known and whole else None
        rows.append((ref, funder, reached.get(ref, 0), float(amount) if known else None, currency, cost))
    columns = ["ref", "funder", "individuals", "amount", "currency", "cost_per_person"]
    return pd.DataFrame(rows, columns=columns)


def reached_by_any(session: Session, reach_filter: ReachFilter | None, references: Iterable[str]) -> int:
    """Return the distinct individuals in the filtered participations whom any of these grants reached."""
    from programme.reach.filters import participations

    p = participations(reach_filter, ["person_id", "module_id"], materialized=False)
    links = grant_modules()
    query = (
        sa.select(sa.func.count(sa.distinct(p.c.person_id)))
        .select_from(p)
        .join(links, links.c.module_id == p.c.module_id)
        .join(Grant, Grant.id == links.c.grant_id)
        .where(Grant.reference.in_(list(references)))
    )
    return int(session.scalar(query) or 0)


def grants_shown(session: Session, reach_filter: ReachFilter | None, threshold: int | None) -> pd.DataFrame:
    """individuals_by_grant's table as a viewer sees it (access/small_counts.py): the grants that reached fewer than
    threshold people in the selection (and someone) shown together in one row, last, its people counted once (a
    person two grants reached is one), its amount, currency and cost per person left blank (an amount over a count
    would give the count). Secondary suppression as merge_small's: the row holds at least two grants and threshold
    people, else the grants that reached fewest join it. threshold None (the team): the table unchanged."""
    per_grant = individuals_by_grant(session, reach_filter)
    if threshold is None or per_grant.empty:
        return per_grant
    # A cost per person is the amount over everyone the grant reached, whatever the filter: of fewer than threshold
    # people, it is not given.
    everyone = _reached(session, None, Grant.reference)
    few_overall = [0 < everyone.get(ref, 0) < threshold for ref in per_grant["ref"]]
    per_grant = per_grant.assign(cost_per_person=per_grant["cost_per_person"].astype(float).mask(few_overall))
    people = per_grant["individuals"].astype(int)
    merged = [i for i in per_grant.index if 0 < people[i] < threshold]
    if not merged:
        return per_grant
    candidates = sorted((i for i in reversed(per_grant.index) if i not in merged and people[i] > 0),
                        key=lambda i: people[i])  # fmt: skip
    together = reached_by_any(session, reach_filter, per_grant.loc[merged, "ref"])
    while (together < threshold or len(merged) < 2) and candidates:
        merged.append(candidates.pop(0))
        together = reached_by_any(session, reach_filter, per_grant.loc[merged, "ref"])
    row = {"ref": other_label(threshold), "funder": "", "individuals": together, "amount": None, "currency": None,
           "cost_per_person": None}  # fmt: skip
    kept = per_grant.drop(index=merged)
    out = pd.concat([kept, pd.DataFrame([row], columns=per_grant.columns)], ignore_index=True)
    out["individuals"] = out["individuals"].astype(int)
    return out.astype({"cost_per_person": float})


def costs_shown(costs: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    """cost_per_person's table as a viewer sees it: a currency whose grants reached fewer than threshold people shows
    neither its people nor its cost per person (the amount over it would give the count)."""
    if threshold is None or costs.empty:
        return costs
    few = (costs["individuals"] > 0) & (costs["individuals"] < threshold)
    if not few.any():
        return costs
    shown = costs.astype({"individuals": "Int64", "cost_per_person": "float"})
    shown.loc[few, ["individuals", "cost_per_person"]] = [pd.NA, float("nan")]
    return shown


def individuals_by_funder(session: Session, reach_filter: ReachFilter | None = None) -> dict[str, int]:
    """Return funder name → distinct individuals reached by any of its grants (under the filter), every funder."""
    reached = _reached(session, reach_filter, Funder.name)
    return {name: reached.get(name, 0) for name in by_name(session.scalars(sa.select(Funder.name)))}


def cost_per_person(session: Session, reach_filter: ReachFilter | None = None) -> pd.DataFrame:
    """Return per currency: grants (with an amount), amount (their sum), individuals reached, cost_per_person.

    Only grants with an amount count; the grants are those the filter's funders and grants choose (every
    grant without such a choice). Individuals are everyone those grants in that currency reached, each
    counted once, whatever the filter's other dimensions (an amount is not split by country or gender).
    Different currencies are never added up.
    """
    from programme.reach.filters import ReachFilter, participations

    f_funders = reach_filter.funders if reach_filter else ()
    f_grants = reach_filter.grants if reach_filter else ()
    with_amount = (
        sa.select(Grant.id, Grant.amount, Grant.currency)
        .where(Grant.amount.is_not(None), Grant.id.in_(chosen_grants(f_funders, f_grants)))
        .subquery()
    )
    totals = session.execute(
        sa.select(with_amount.c.currency, sa.func.count(), sa.func.sum(with_amount.c.amount))
        .group_by(with_amount.c.currency)
        .order_by(with_amount.c.currency)
    ).all()
    p = participations(ReachFilter(funders=f_funders, grants=f_grants), ["person_id", "module_id"])
    links = grant_modules()
    reached = dict(
        session.execute(
            sa.select(with_amount.c.currency, sa.func.count(sa.distinct(p.c.person_id)))
            .select_from(p)
            .join(links, links.c.module_id == p.c.module_id)
            .join(with_amount, with_amount.c.id == links.c.grant_id)
            .group_by(with_amount.c.currency)
        ).all()
    )
    rows = []
    for currency, grants, amount in totals:
        people = int(reached.get(currency, 0))
        rows.append(
            (currency, int(grants), float(amount), people, rounded(Decimal(str(amount)) / people) if people else None)
        )
    return pd.DataFrame(rows, columns=["currency", "grants", "amount", "individuals", "cost_per_person"])


def funded_modules(session: Session, reference: str) -> list[int]:
    """Return the ids of the modules a grant funds, by date (for the funder report and the grants tab)."""
    links = grant_modules()
    query = (
        sa.select(Module.id)
        .join(links, links.c.module_id == Module.id)
        .join(Grant, Grant.id == links.c.grant_id)
        .where(Grant.reference == reference)
        .order_by(Module.start_date, Module.id)
    )
    return list(session.scalars(query))
