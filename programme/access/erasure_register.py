"""The register of erasures: the records erased, noted outside the database, so that restoring a backup made before
an erasure erases that record again instead of bringing the person back.

A backup holds everyone it held on the day it was made, and a restore replaces the audit trail with the backup's.
So each erasure, once its transaction has committed, appends one line to a file kept beside the database: the
record's number, when the record was created (as stored) and when it was erased. No name and no contact: nothing in
it identifies a person without the database. The creation time ties a line to that one record: a record with the
same number in another organisation's backup was created at another moment and is left alone.

Where: the file PROGRAMME_ERASURE_REGISTER names; else, for a SQLite database, its file's name with ".erasures"
added (data/programme.db.erasures), which stays when the database file is deleted or replaced; else (PostgreSQL)
data/erasures.jsonl in the installation.

The register travels with every backup: each line is also a row of the database's settings (app_setting, key
"erasure:<record>:<created>", value: when it was erased), written in the erasure's own transaction, and a backup
first copies into the database any line the file holds and the database does not. A restore merges the two, the
lines of the backup it restored and those of the file beside the database, writes the union to both, and erases
again every record of it the database holds whole. So a backup restored on a new computer brings its erasures
with it, and an older backup restored there afterwards loses them again. The settings table exists at every
schema revision: a backup holding these rows is read by an older version as before (it ignores them).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from programme.core.db import REPO_ROOT, sqlite_path
from programme.core.errors import ProgrammeError
from programme.core.words import agreeing, counted
from programme.models import Person, Setting

ENV = "PROGRAMME_ERASURE_REGISTER"
POSTGRES_REGISTER = REPO_ROOT / "data" / "erasures.jsonl"
_PENDING = "erasures_to_note"
# The register's rows in the database (app_setting): "erasure:<record>:<created>", value the time of the erasure.
SETTING_PREFIX = "erasure:"
log = logging.getLogger(__name__)


def register_path(session: Session) -> Path:
    """Return the register's file for the session's database."""
    if os.environ.get(ENV, "").strip():
        return Path(os.environ[ENV].strip())
    database = sqlite_path(session.get_bind().url.render_as_string(hide_password=False))
    if database is not None:
        return database.with_name(database.name + ".erasures")
    return POSTGRES_REGISTER


def stamp(value: datetime) -> str:
    """A stored time as the register writes it: UTC, to the microsecond, whatever the driver hands back."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def note_erasure(session: Session, person: Person) -> None:
    """Note the person's erasure in the register once the session's transaction commits (never before: a rolled
    back erasure must not be repeated by a later restore)."""
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    if not pending:
        sa.event.listen(session, "after_commit", _write_pending, once=True)
        sa.event.listen(session, "after_rollback", _drop_pending, once=True)
    # As stored, read back from the database: what a restored backup's record will be compared with.
    created, erased = session.execute(
        sa.select(Person.created_at, Person.erased_at).where(Person.id == person.id)
    ).one()
    line = {"person": person.id, "created": stamp(created), "erased": stamp(erased)}
    pending.append(line)
    # In the database too, in this transaction: every backup made from now on carries it.
    session.merge(Setting(key=setting_key(line), value=line["erased"]))


def setting_key(line: dict[str, Any]) -> str:
    """The settings row of a register line (the record's number and its creation time: what ties it to one record)."""
    return f"{SETTING_PREFIX}{int(line['person'])}:{line['created']}"


def carried(session: Session) -> list[dict[str, Any]]:
    """Return the register's lines the database holds (those a backup carries); a row that cannot be read is
    skipped."""
    rows = session.execute(sa.select(Setting.key, Setting.value).where(Setting.key.startswith(SETTING_PREFIX)))
    found = []
    for key, value in rows:
        record, _, created = key.removeprefix(SETTING_PREFIX).partition(":")
        if record.isdigit() and created:
            found.append({"person": int(record), "created": created, "erased": str(value or "")})
    return found


def keep_in_database(session: Session) -> int:
    """Write into the database the register's lines the file beside it holds and it does not (before a backup is
    made, so that the backup carries them all); return how many."""
    held = {setting_key(line) for line in carried(session)}
    added = 0
    for line in noted(register_path(session)):
        key = setting_key(line)
        if key not in held:
            session.add(Setting(key=key, value=line["erased"]))
            held.add(key)
            added += 1
    session.flush()
    return added


def merged(session: Session) -> list[dict[str, Any]]:
    """Return the union of the register beside the database and the lines the database holds (a restored backup's),
    after writing each side's missing lines to the other: the file is appended to and synced, the rows are added in
    the session's transaction."""
    path = register_path(session)
    in_file = noted(path)
    known = {setting_key(line) for line in in_file}
    from_database = [line for line in carried(session) if setting_key(line) not in known]
    if from_database:
        try:
            _append(path, from_database)
        except OSError as error:  # the records are still erased, and the database keeps the lines for its backups
            log.error("the register of erasures could not be completed at %s: %s", path, error.strerror)
    keep_in_database(session)
    return in_file + from_database


def unwritten(session: Session) -> int:
    """Return how many of the register's lines the database holds that the file beside it lacks (the file could not
    be written: a restore of an older backup here would bring those records back)."""
    in_file = {setting_key(line) for line in noted(register_path(session))}
    return sum(1 for line in carried(session) if setting_key(line) not in in_file)


def unwritten_sentence(session: Session) -> str | None:
    """Return what a restore or a backup says when the register's file lacks lines the database holds; None when it
    holds them all."""
    missing = unwritten(session)
    if not missing:
        return None
    return (
        f"The register of erasures beside the database ({register_path(session)}) could not be written: "
        f"{counted(missing, 'erasure')} {agreeing(missing, 'is', 'are')} kept only in the database, so restoring an "
        "older backup here would bring those people back. Make that file writable (or set "
        f"{ENV} to a writable file), then make a backup: it completes the register."
    )


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _write_pending(session: Session) -> None:
    lines = session.info.pop(_PENDING, [])
    if not lines:
        return
    path = register_path(session)
    try:
        _append(path, lines)
    except OSError as error:
        log.error("the register of erasures could not be written at %s: %s", path, error.strerror)
        raise ProgrammeError(
            f"The personal data was erased, but the register of erasures ({path}) could not be written "
            f"({error.strerror}): a restore of an older backup would bring this record back. Note its number and "
            "forget it again after any restore."
        ) from None


def _append(path: Path, lines: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        for line in lines:
            file.write(json.dumps(line) + "\n")
        file.flush()
        os.fsync(file.fileno())


def noted(path: Path) -> list[dict[str, Any]]:
    """Return the register's lines (record, created, erased); a line that cannot be read is skipped."""
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            found.append({"person": int(entry["person"]), "created": str(entry["created"]),
                          "erased": str(entry.get("erased", ""))})  # fmt: skip
        except (ValueError, KeyError, TypeError):
            continue
    return found


def erase_again(session: Session, *, by: str | None) -> int:
    """Erase again every record of the database the register says was erased but the database holds whole (a backup
    made before the erasure was restored); return how many. The register is the union of the file beside the
    database and the lines the restored backup carried (merged: each is completed from the other). A line is applied
    only to the record of its number created at the very time it notes."""
    from programme.access import audit
    from programme.access.erasure import forget_person

    erased = 0
    path = register_path(session)
    for entry in merged(session):
        person = session.get(Person, entry["person"])
        if person is None or person.erased_at is not None or stamp(person.created_at) != entry["created"]:
            continue
        forget_person(session, person_id=person.id, by=by, note=False)
        erased += 1
    if erased:
        audit.record(
            session,
            action="erase",
            username=by,
            entity="person",
            summary=(
                f"{counted(erased, 'record')} erased since the backup was made erased again on its restore (register of "
                f"erasures: {path.name})"
            ),
        )
        session.flush()
    return erased


def erased_again(count: int) -> str:
    """Say how many records a restore erased again."""
    return (
        f"{counted(count, 'record')} erased since the backup was made {agreeing(count, 'was', 'were')} erased again "
        "(the register of erasures)."
    )
