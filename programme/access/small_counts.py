"""Small counts that could single someone out, in what viewers and funders see.

A table of people by a personal attribute (nationality, country of work, gender, organisation type, and the like)
can name a person by its small cells: under a filter, "Timor-Leste: 1" among the women of 2019 is one woman
somebody may know. What viewers see (the Reach and Evaluation dashboards) and the funder's report therefore show
every group of fewer than N people together, in one row "Other (fewer than N each)"; the total stays exact and the
page or report says so in one sentence. Facilitators and administrators, who see names anyway, keep every figure.

N is the setting `small_count_threshold` (Settings; default 3: no group of one or two people is shown; the
project's documents state no threshold of their own). Shares that would count fewer than N people (share_hidden)
and mean test scores of fewer than N people (small_means) are not given either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from sqlmodel import Session

from programme.access import audit
from programme.access.accounts import SignedIn
from programme.core.errors import ProgrammeError
from programme.core.rounding import rounded
from programme.core.settings import get_setting, set_setting

SETTING = "small_count_threshold"
DEFAULT_THRESHOLD = 3
# A threshold of 1 would show everyone's group: the rule cannot be switched off, only made stricter.
LOWEST, HIGHEST = 2, 20


def other_label(threshold: int) -> str:
    """The name of the row that holds the groups of fewer than threshold people."""
    return f"Other (fewer than {threshold} each)"


def privacy_note(threshold: int) -> str:
    """The sentence a page or report shows wherever the rule applies."""
    return (
        f"To protect privacy, groups of fewer than {threshold} people are shown together as "
        f"“{other_label(threshold)}”; totals are exact."
    )


def pooled_note(threshold: int, rows: str) -> str:
    """The sentence under a table in an order of its own (years, modules attended) whose neighbouring rows are
    pooled (pool_in_order): rows, e.g. "years", "numbers of modules"."""
    return (
        f"To protect privacy, {rows} of fewer than {threshold} people are shown together with their neighbours "
        "(as “2005–2007” or “2+”); totals are exact."
    )


def too_few_note(threshold: int) -> str:
    """Said instead of a selection's figures when the whole selection holds fewer than threshold people."""
    return (
        f"This selection holds fewer than {threshold} people: its figures are not shown, to protect their privacy. "
        "Where the filters in the sidebar narrow it, widen them (e.g. clear a country or the year range)."
    )


def few_cells_note(threshold: int) -> str:
    """The sentence under a table of modules whose counts of people who attended or completed small_cells leaves
    out."""
    return (
        f"To protect privacy, a module's count of fewer than {threshold} people who attended or completed is not "
        "given (nor, when it is the only one, the smallest other of its column), nor then its completion."
    )


def short_cells_note(threshold: int) -> str:
    """The sentence under a table of modules whose counts falling a few people short of the individuals
    (reach.small_modules_merged) are left out."""
    return (
        f"To protect privacy, a module's count that falls short of the individuals reached by 1 to {threshold - 1} "
        "people is not given (the difference would count them), nor then its completion."
    )


def small_count_threshold(session: Session) -> int:
    """Return N: groups of fewer than N people are shown together to viewers and funders."""
    stored = get_setting(session, SETTING)
    try:
        value = int(stored) if stored is not None else DEFAULT_THRESHOLD
    except ValueError:
        return DEFAULT_THRESHOLD
    return min(max(value, LOWEST), HIGHEST)


def change_small_count_threshold(session: Session, *, threshold: int, by: str | None) -> None:
    """Set N (between LOWEST and HIGHEST people), recorded in the audit trail."""
    if not LOWEST <= int(threshold) <= HIGHEST:
        raise ProgrammeError(f"The smallest group shown must be between {LOWEST} and {HIGHEST} people.")
    before = small_count_threshold(session)
    set_setting(session, SETTING, str(int(threshold)))
    audit.record(
        session, action="update", username=by, entity="setting", entity_id=None,
        summary=f"smallest group shown to viewers and funders: {before} → {int(threshold)} people",
    )  # fmt: skip


def threshold_for(session: Session, user: SignedIn | None) -> int | None:
    """Return N for someone who may not see names (a viewer, or nobody signed in); None for facilitators and
    administrators, who see every figure as it is."""
    if user is not None and user.can_see_names:
        return None
    return small_count_threshold(session)


def too_few(people: int, threshold: int | None) -> bool:
    """Whether a whole selection of people is too small to show (someone in it, fewer than threshold)."""
    return threshold is not None and 0 < people < threshold


def all_but_few(count: int, whole: int, threshold: int | None) -> bool:
    """Whether a count of some of whole people, whole given exactly beside it, leaves out 1 to threshold-1 of them:
    whole - count would count that small group (the funder's report gives its individuals exactly and does not give
    its few others apart; "14 attended" beside "15 individuals" would). The team (threshold None): never."""
    return threshold is not None and 0 < whole - count < threshold


def all_but_few_note(threshold: int, which: str) -> str:
    """The sentence beside figures all_but_few leaves out: which, e.g. "On the lists and Attended"."""
    return (
        f"To protect privacy, a count of participants that falls short of the individuals reached by 1 to "
        f"{threshold - 1} people is not given (the difference would count them): {which}."
    )


def share_hidden(share: float, whole: int, threshold: int | None) -> bool:
    """Whether a share of whole people (a percentage to one decimal: the headline's women and civil society) would
    tell a viewer or a funder the count of a group of 1 to threshold-1 people, or of all but 1 to threshold-1 of
    them: share × whole is that count, give or take the share's rounding. The team (threshold None): never."""
    if threshold is None or not whole:
        return False
    part, slack = share * whole / 100, whole * 0.05 / 100
    low, high = part - slack, part + slack
    return any(
        high >= 1 - 1e-9 and low <= threshold - 1 + 1e-9 for low, high in ((low, high), (whole - high, whole - low))
    )


def few_means_note(threshold: int) -> str:
    """The sentence beside learning figures where the rule applies."""
    return (
        f"To protect privacy, the scores of groups of fewer than {threshold} people who took both tests are not "
        "shown (a mean of one person is their own score)."
    )


def few_modules_note(threshold: int) -> str:
    """The sentence under a report's table of modules whose counts of people, or mean rating, are not given."""
    return (
        f"To protect privacy, the counts of a module with fewer than {threshold} people on its lists are not given "
        "(nor, when it is alone, those of the smallest other module), nor a mean rating of fewer than "
        f"{threshold} evaluations."
    )


def small_means(frame: pd.DataFrame, *, n: str, threshold: int | None) -> pd.Series:
    """Return which rows' means a viewer or a funder is not shown: those of fewer than threshold people (column n),
    and, when that is a single row of several, the smallest other one as well (secondary suppression: a total shown
    elsewhere, the whole programme or grant, is the mean of the rows weighted by n, so one hidden row would follow
    from it). threshold None (the team): none."""
    hidden = pd.Series(False, index=frame.index)
    if threshold is None or frame.empty:
        return hidden
    counts = frame[n].astype(int)
    hidden = (counts > 0) & (counts < threshold)
    if int(hidden.sum()) == 1 and len(frame) > 1:
        hidden[counts[~hidden].sort_values(kind="stable").index[0]] = True
    return hidden


def small_cells(frame: pd.DataFrame, columns: Sequence[str], threshold: int | None) -> pd.DataFrame:
    """Return which cells of these columns of counts of people (one row a module, say) a viewer or a funder is not
    given: those of 1 to threshold-1 people, and, in a column where that is a single cell of several, the smallest
    other cell of someone too (secondary suppression: the column's total is given elsewhere, e.g. the whole
    selection's completed participations, so one hidden cell would follow from it). threshold None: none."""
    hidden = pd.DataFrame(False, index=frame.index, columns=list(columns))
    if threshold is None or frame.empty:
        return hidden
    for column in columns:
        counts = frame[column].fillna(0).astype(int)
        small = (counts > 0) & (counts < threshold)
        if int(small.sum()) == 1:
            others = counts[~small & (counts > 0)]
            if not others.empty:
                small[others.sort_values(kind="stable").index[0]] = True
        hidden[column] = small
    return hidden


def blank_small_means(frame: pd.DataFrame, *, n: str, means: Sequence[str], threshold: int | None) -> pd.DataFrame:
    """Return the table with the means columns of small_means' rows blank (NaN); each row and its n stay."""
    hidden = small_means(frame, n=n, threshold=threshold)
    if not hidden.any():
        return frame
    blanked = frame.copy()
    blanked[list(means)] = blanked[list(means)].astype(float)
    blanked.loc[hidden, list(means)] = float("nan")
    return blanked


def merge_small(
    frame: pd.DataFrame,
    category: str,
    *,
    threshold: int | None,
    count: str = "individuals",
    within: str | None = None,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Return a breakdown of people with every category of fewer than threshold people merged into one row.

    frame: one row per category (in the column `category`), the people in `count`; `within` (e.g. "year") makes
    the rule apply to each of its values apart, as a table of years by gender. The merged row is last (of its
    `within` group); its numeric columns are the sums of the merged rows' (people, participations, shares: each
    total stays exact; a share missing from every merged row stays missing), its text columns say
    other_label(threshold), or what `labels` gives for a column (a country's code, say). Rows of 0 people stay.

    Secondary suppression: the merged row must hold at least threshold people and at least two categories, else
    the smallest shown categories join it one by one (the smallest first, and of equal ones the last shown) until
    it does or every category is in it. Otherwise a single merged category would be known by elimination (the
    genders are known) and its count by subtraction from the total. When a whole group (a year) holds fewer than
    threshold people, everything in it is merged: its total is then shown, exact, under other_label.

    threshold None (facilitators and administrators): the frame unchanged.
    """
    if threshold is None or frame.empty:
        return frame
    if within is not None:
        parts = [
            _merge_group(group, category, threshold, count, {within: value, **(labels or {})})
            for value, group in frame.groupby(within, sort=False)
        ]
        return pd.concat(parts, ignore_index=True)
    return _merge_group(frame, category, threshold, count, labels or {})


def _merge_group(
    frame: pd.DataFrame, category: str, threshold: int, count: str, labels: dict[str, str]
) -> pd.DataFrame:
    people = frame[count].astype(int)
    merged = set(frame.index[(people > 0) & (people < threshold)])
    if not merged:
        return frame.reset_index(drop=True)
    # Secondary suppression: the shown rows, smallest first (of equal ones, the last shown first).
    candidates = [i for i in reversed(frame.index) if i not in merged and people[i] > 0]
    candidates.sort(key=lambda i: people[i])
    while (people[list(merged)].sum() < threshold or len(merged) < 2) and candidates:
        merged.add(candidates.pop(0))
    inside = frame.loc[sorted(merged)]
    row: dict[str, object] = {}
    for column in frame.columns:
        if column in labels:
            row[column] = labels[column]
        elif column == category:
            row[column] = other_label(threshold)
        elif pd.api.types.is_bool_dtype(frame[column]):
            row[column] = bool(inside[column].any())
        elif column == "share" and (share := _merged_share(frame, inside, count)) is not None:
            row[column] = share
        elif pd.api.types.is_numeric_dtype(frame[column]):
            row[column] = inside[column].sum(min_count=1)
        else:
            row[column] = other_label(threshold)
    kept = frame.drop(index=list(merged))
    out = pd.concat([kept, pd.DataFrame([row], columns=frame.columns)], ignore_index=True)
    for column in frame.columns:  # integers stay integers (a sum of ints is an int; NaN only in float columns)
        if pd.api.types.is_integer_dtype(frame[column]):
            out[column] = out[column].astype(frame[column].dtype)
    return out


def _merged_share(frame: pd.DataFrame, inside: pd.DataFrame, count: str) -> float | None:
    """The merged row's share, when every share of frame is its count's percentage (one decimal) of the rows that have
    one: the share of their sum, not the sum of shares each rounded (three groups of 33.3% are 100%, not 99.9%).
    A merged row without a share (an organisation type not recorded) adds nothing to it. None when the shares are of
    something else, or missing from every merged row: they are then added up as the other numbers are."""
    shared, inside_shared = frame["share"].notna(), inside["share"].notna()
    whole = int(frame.loc[shared, count].sum())
    if not whole or not inside_shared.any():
        return None
    own = [rounded(100 * int(n) / whole, 1) for n in frame.loc[shared, count]]
    if any(abs(a - float(b)) > 1e-9 for a, b in zip(own, frame.loc[shared, "share"], strict=True)):
        return None
    return rounded(100 * int(inside.loc[inside_shared, count].sum()) / whole, 1)


def pool_in_order(
    frame: pd.DataFrame,
    key: str,
    *,
    threshold: int | None,
    count: str = "individuals",
    label: Callable[[str, str], str],
    last: Sequence[str] = (),
) -> pd.DataFrame:
    """Return a table in an order of its own (years, 1, 2, 3+ modules) with neighbouring rows pooled so that every
    row holds nobody or at least threshold people (column count).

    Unlike merge_small, whose "Other" row would lose the order, rows join their neighbours: a row of fewer than
    threshold people joins the next ones until the pool holds threshold or more; a last pool still below it joins
    the pools before it. A pool's key is label(first key, last key) (e.g. "2005–2007", "2+"), its numeric columns
    the sums of its rows' (the totals stay exact), except the `last` columns (a running total), which keep its last
    row's value. The keys become text when anything is pooled. Rows of nobody stay alone when nothing is pending
    (a year without a new person is no one). When the whole table holds fewer than threshold people it is one row.

    threshold None (facilitators and administrators): the frame unchanged.
    """
    if threshold is None or frame.empty:
        return frame
    people = [int(n) for n in frame[count]]
    pools: list[list[int]] = []
    pending: list[int] = []
    for position in range(len(people)):
        pending.append(position)
        held = sum(people[i] for i in pending)
        if held == 0 or held >= threshold:
            pools.append(pending)
            pending = []
    while pending and pools and sum(people[i] for i in pending) < threshold:
        pending = pools.pop() + pending  # a last pool below threshold joins the ones before it
    if pending:
        pools.append(pending)
    if all(len(pool) == 1 for pool in pools):
        return frame.reset_index(drop=True)
    rows: list[dict[str, object]] = []
    for pool in pools:
        inside = frame.iloc[pool]
        row: dict[str, object] = {}
        for column in frame.columns:
            if column == key:
                first, final = str(inside[column].iloc[0]), str(inside[column].iloc[-1])
                row[column] = first if len(pool) == 1 else label(first, final)
            elif column in last:
                row[column] = inside[column].iloc[-1]
            elif pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
                row[column] = inside[column].sum(min_count=1)
            else:
                row[column] = inside[column].iloc[0] if len(pool) == 1 else other_label(threshold)
        rows.append(row)
    out = pd.DataFrame(rows, columns=frame.columns)
    for column in frame.columns:  # integers stay integers
        if column != key and pd.api.types.is_integer_dtype(frame[column]):
            out[column] = out[column].astype(frame[column].dtype)
    return out


def year_span(first: str, last: str) -> str:
    """The key of pooled years: "2005–2007"."""
    return f"{first}–{last}"


def at_least(first: str, last: str) -> str:
    """The key of pooled counts in order ("2" and "3+": "2+"; "1" and "2": "1–2")."""
    return f"{first.rstrip('+')}+" if last.endswith("+") else f"{first}–{last}"
