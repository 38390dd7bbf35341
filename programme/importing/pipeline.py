"""Writing while validating: a long participant list imported in one pass, without a preview.

build_plan reads every row before apply_plan writes any, so the database's work (on the writing thread of
programme.core.bulk, which runs without Python's lock) cannot overlap the Python that validates and classifies the
rows. import_list plans the rows PIPELINE_ROWS at a time (plan.RowsRead, as build_plan does) and hands each part's
new people to the writing thread (write.write_while_planning) while the next part is planned. The outcome is
build_plan + apply_plan's, row for row and id for id:

- What a row's classification needs from the rows above it (earlier e-mails and names) is kept across the parts, as
  build_plan keeps it; what it needs from the whole column (the gender column's one-letter answers) is read first.
- A later row can change a new person written earlier only by repeating it (the same e-mail, or the same name and
  nationality): then it joins that person, whose blank fields, attendance days and e-mail it may fill. The names and
  e-mails of every row are read first (validate.read_names, the step validation takes anyway), and a new person
  whose name key or e-mail occurs again further down waits, with every new person after it, for the end.
- Known people (blank fields, consent, attendance), the summaries, the audit record and the checks needing the whole
  list (errors without skip_invalid, no valid row) come after the last row. A list the checks refuse leaves
  nothing: the caller's transaction is rolled back, and the plan is returned for the same report.

The page keeps build_plan (its preview) and apply_plan (its confirmation); a short list, matched against the people
its rows could be (matching.load_index_for), a dry run, and PostgreSQL (worth_piping) keep them too.
"""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from programme.core.collector import collector_paused
from programme.importing.columns import ColumnMapping
from programme.importing.lists import ListKind
from programme.importing.matching import TARGETED_ROWS, load_index
from programme.importing.plan import ImportPlan, RowsRead, _begin, earlier_imports, new_plan, plan_notes
from programme.importing.validate import PersonRow, read_names
from programme.importing.write import ImportHasErrors, ImportResult, write_while_planning
from programme.models import Module
from programme.sheets import SheetTable

# Rows planned at a time, each part's new people written while the next is planned.
PIPELINE_ROWS = 5_000
# The rows of the first part: nothing is written before it is planned, so a short one sets the writing thread to
# work sooner (about 0.1 s sooner for a 50,000-row list).
FIRST_PART_ROWS = 1_000


def worth_piping(session: Session, rows: int) -> bool:
    """Whether a list of this many rows is imported by import_list rather than build_plan + apply_plan: a list longer
    than a targeted one (matching.TARGETED_ROWS), on SQLite. On PostgreSQL each part's new ids come from the
    sequences, a statement that waits for the writing thread, so the parts do not overlap (one run at load 1.5:
    7.1 s planned first, 8.8 s piped)."""
    return rows > TARGETED_ROWS and session.get_bind().dialect.name == "sqlite"


@collector_paused()
def import_list(
    session: Session,
    *,
    table: SheetTable,
    mapping: ColumnMapping,
    module: Module,
    file_name: str,
    file_hash: str,
    username: str | None,
    list_kind: ListKind | str | None = None,
    accept_probable: bool = False,
    skip_invalid: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Plan and write the list in the session's transaction; return the plan and what was written.

    The result is None when the plan forbids writing (errors without skip_invalid, or no valid row): the session is
    then rolled back, as if nothing had been tried. accept_probable takes every probable match as the same person.
    """
    begun = _begin(session, table=table, mapping=mapping, list_kind=list_kind, value_mappings=None)
    mapping = begun.mapping
    index = load_index(session, module.id)
    earlier = earlier_imports(session, file_hash, module.id)  # read before this import's batch is written
    plan = new_plan(table, module, begun, file_name=file_name, file_hash=file_hash, rows=[], index=index)
    named = read_names(table, mapping, later=True)  # the other columns cleaned part by part
    names = Counter(person.name_key for person in named.people)
    emails = Counter(named.emails())

    def amendable(person: PersonRow) -> bool:
        """Whether a later row may repeat this new person's first row: its name key or e-mail occurs again."""
        return names[person.name_key] > 1 or (person.email is not None and emails[person.email] > 1)

    reading = RowsRead(table, mapping, index, begun.own, named=named)

    def end() -> None:
        plan_notes(plan, table, begun, reading.end(), reading.consent, earlier)

    try:
        result = write_while_planning(
            session,
            plan=plan,
            chunks=reading.chunks(PIPELINE_ROWS, min(FIRST_PART_ROWS, PIPELINE_ROWS)),
            amendable=amendable,
            end=end,
            username=username,
            accept_probable=accept_probable,
            skip_invalid=skip_invalid,
        )
    except ImportHasErrors:
        session.rollback()
        return plan, None
    return plan, result
