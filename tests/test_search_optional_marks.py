"""The directory finds an Arabic name whether or not it was typed with its harakat (short-vowel marks), and a Hebrew
name with or without its points: the names' keys dropped those marks already, the search indexes kept them, so
"محمد" did not find the stored "مُحَمَّد" (nor the reverse) on either database. The letter marks stay significant: a
search for "कमला" (Kamala) still does not find "कमल" (Kamal). Migration 0031 rebuilds the indexed text on both.

Every name is spelled by code point; the people expected are named by hand, never computed by the code under test."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from programme.core import schema
from tests.test_names_letter_marks import KAMAL, KAMALA, THAPA, _directory_people, _found

# مُحَمَّد (damma, fatha, fatha + shadda in NFC's order) and محمد: the same name.
MUHAMMAD_MARKED = "\u0645\u064f\u062d\u064e\u0645\u064e\u0651\u062f"
MUHAMMAD = "\u0645\u062d\u0645\u062f"
# فَاطِمَة (Fatima, fatha, kasra, fatha) and فاطمة.
FATIMA_MARKED = "\u0641\u064e\u0627\u0637\u0650\u0645\u064e\u0629"
FATIMA = "\u0641\u0627\u0637\u0645\u0629"
# حسن (Hasan), typed without marks in the directory; searched with them: حَسَن.
HASAN = "\u062d\u0633\u0646"
HASAN_MARKED = "\u062d\u064e\u0633\u064e\u0646"
# Hebrew: שָׁלוֹם (Shalom, with qamats, shin dot, holam) and שלום.
SHALOM_MARKED = "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"
SHALOM = "\u05e9\u05dc\u05d5\u05dd"
# A superscript alef (U+0670) in رَحْمٰن (Rahman) and the plain رحمن.
RAHMAN_MARKED = "\u0631\u064e\u062d\u0652\u0645\u0670\u0646"
RAHMAN = "\u0631\u062d\u0645\u0646"
# Thai: สมชาย (Somchai) and สมชาติ (Somchat) differ in a vowel sign's word; Thai marks are letters.
SOMCHAI = "\u0e2a\u0e21\u0e0a\u0e32\u0e22"
SOMCHAT = "\u0e2a\u0e21\u0e0a\u0e32\u0e15\u0e34"
SOMCHAT_SHORT = "\u0e2a\u0e21\u0e0a\u0e32\u0e15"  # สมชาต: without the vowel sign ิ


def test_the_optional_marks_are_dropped_and_the_letter_marks_kept() -> None:
    from programme.people.names import without_optional_marks

    assert without_optional_marks(MUHAMMAD_MARKED) == MUHAMMAD
    assert without_optional_marks(SHALOM_MARKED) == SHALOM
    assert without_optional_marks(RAHMAN_MARKED) == RAHMAN
    assert without_optional_marks(KAMALA) == KAMALA and without_optional_marks(SOMCHAT) == SOMCHAT
    assert without_optional_marks("Jos\u00e9") == "Jose"


def _directory_people_more(engine: Engine, full_name: str) -> int:
    """One more person in the directory, in the first module, written after the others."""
    from programme.core.db import session_scope
    from programme.models import Participation, Person
    from programme.people.names import name_key

    with session_scope(engine) as session:
        person = Person(full_name=full_name, name_key=name_key(full_name), nationality="NPL", consent_listed=True)
        session.add(person)
        session.flush()
        module_id = session.execute(sa.text("SELECT id FROM module ORDER BY id LIMIT 1")).scalar_one()
        session.add(Participation(person_id=person.id, module_id=module_id, role="participant", attended=True,
                                  completed=True))  # fmt: skip
        return person.id


def _people(engine: Engine) -> dict[str, int]:
    return _directory_people(
        engine,
        (
            f"{MUHAMMAD_MARKED} {HASAN}",  # stored with its harakat
            f"{MUHAMMAD} {RAHMAN_MARKED}",  # stored without (the second name with them)
            f"{FATIMA} {HASAN}",
            f"{SHALOM_MARKED} Cohen",
            f"{KAMALA} {THAPA}",
            f"{KAMAL} {THAPA}",
            f"{SOMCHAT} Dee",
        ),
    )


def _assert_found_with_or_without_marks(engine: Engine, ids: dict[str, int]) -> None:
    both_muhammads = {ids[f"{MUHAMMAD_MARKED} {HASAN}"], ids[f"{MUHAMMAD} {RAHMAN_MARKED}"]}
    assert _found(engine, MUHAMMAD) == both_muhammads
    assert _found(engine, MUHAMMAD_MARKED) == both_muhammads
    assert _found(engine, f"{MUHAMMAD} {HASAN_MARKED}") == {ids[f"{MUHAMMAD_MARKED} {HASAN}"]}
    assert _found(engine, HASAN_MARKED) == {ids[f"{MUHAMMAD_MARKED} {HASAN}"], ids[f"{FATIMA} {HASAN}"]}
    assert _found(engine, FATIMA_MARKED) == {ids[f"{FATIMA} {HASAN}"]}
    assert _found(engine, RAHMAN) == {ids[f"{MUHAMMAD} {RAHMAN_MARKED}"]}
    assert _found(engine, SHALOM) == {ids[f"{SHALOM_MARKED} Cohen"]}
    assert _found(engine, SHALOM_MARKED[:4]) == {ids[f"{SHALOM_MARKED} Cohen"]}  # שָׁל: a prefix with its points
    # Letter marks are still letters: Kamala is not Kamal, and สมชาติ's vowel sign ิ is part of the word.
    assert _found(engine, KAMALA) == {ids[f"{KAMALA} {THAPA}"]}
    assert _found(engine, SOMCHAT) == {ids[f"{SOMCHAT} Dee"]}
    assert _found(engine, SOMCHAT_SHORT + "\u0e35") == set()  # สมชาตี: another vowel sign, nobody
    assert _found(engine, SOMCHAI) == set()


def test_a_name_is_found_with_or_without_its_harakat(engine: Engine) -> None:
    ids = _people(engine)
    _assert_found_with_or_without_marks(engine, ids)
    # A person written afterwards is indexed by the triggers the same way (SQLite: programme_unmarked).
    later = _directory_people_more(engine, f"{FATIMA_MARKED} Rai")
    assert _found(engine, f"{FATIMA} rai") == {later}
    # An edit of the name re-indexes it without the marks too.
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE person SET full_name = :name WHERE id = :id"),
            {"name": f"{SHALOM_MARKED} Levi", "id": later},
        )
    assert _found(engine, f"{SHALOM} levi") == {later}


def test_the_migration_rebuilds_the_indexed_text(engine: Engine) -> None:
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0030_sqlite_search_letter_marks")
    ids = _people(engine)
    # The index as it was: the marks kept, so the name typed without them finds only the one stored without them.
    assert _found(engine, MUHAMMAD) == {ids[f"{MUHAMMAD} {RAHMAN_MARKED}"]}
    schema.upgrade(engine)
    _assert_found_with_or_without_marks(engine, ids)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            indexed = connection.execute(sa.text("SELECT rowid FROM person_search ORDER BY rowid")).scalars().all()
            terms = set(connection.execute(sa.text("SELECT term FROM person_search_vocab")).scalars())
        assert indexed == sorted(ids.values())
        assert {MUHAMMAD, HASAN, RAHMAN, SHALOM, KAMALA, KAMAL, SOMCHAT, "cohen"} <= terms
        assert MUHAMMAD_MARKED not in terms and SHALOM_MARKED not in terms
    later = _directory_people_more(engine, f"{MUHAMMAD_MARKED} Ali")
    assert _found(engine, f"{MUHAMMAD} ali") == {later}


def test_only_a_text_beyond_ascii_calls_the_function_on_sqlite(sqlite_url: str) -> None:
    """The SQLite triggers call programme_unmarked (Python) only for a text holding a character outside printable
    ASCII: a NULL or an ASCII text is written as it is, with no call (250,000 calls for a 50,000-row import cost it
    0.1-0.25 s), and a marked text is still written without its marks."""
    import sqlite3

    from programme.core.db import SQLITE_UNMARKED
    from programme.people.names import without_optional_marks

    calls: list[object] = []

    def counted(value: object) -> object:
        calls.append(value)
        return without_optional_marks(value) if isinstance(value, str) else value

    connection = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    connection.create_function(SQLITE_UNMARKED, 1, counted, deterministic=True)
    # The columns NOT NULL without a default in the schema (the app's models fill them).
    insert = (
        "INSERT INTO person (full_name, name_key, gender, consent_listed, consent_email, consent_phone, "
        "consent_organisation, consent_photo, created_at, updated_at, position) "
        "VALUES (?, ?, 'undisclosed', 1, 0, 0, 0, 0, '2026-12-06 19:00:00', '2026-12-06 19:00:00', ?)"
    )
    with connection:
        connection.execute(insert, ("Sita Rai", "sita rai", None))
    assert calls == []  # the name ASCII; organisation, position, expertise and notes NULL
    with connection:
        connection.execute(insert, (MUHAMMAD_MARKED, MUHAMMAD, "Organiser"))
    assert calls == [MUHAMMAD_MARKED]
    indexed = connection.execute("SELECT name, position FROM person_search ORDER BY rowid").fetchall()
    assert indexed == [("Sita Rai", None), (MUHAMMAD, "Organiser")]
    connection.close()
