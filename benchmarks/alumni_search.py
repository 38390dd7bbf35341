"""Benchmark: p95 of alumni directory searches on a database of 500,000 people (SQLite by default).

    python benchmarks/alumni_search.py [--people 500000] [--db /tmp/alumni_bench.db] [--queries 300]

With DATABASE_URL set, that database is used as it is (e.g. one made by a scale generator); an empty --db
file is built once with simple synthetic rows (kept for the next run). The searches' names, surnames,
organisations, countries, networks and courses are sampled from the database searched, so that they find
people. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from programme.access.accounts import SignedIn
from programme.alumni.search import DirectoryQuery, search_directory
from programme.core import schema
from programme.core.db import make_engine, session_scope
from programme.models import Person, UserRole
from programme.people.countries import country_name
from programme.people.names import sort_name

CHUNK = 5_000
CREATED = datetime(2024, 1, 1, tzinfo=UTC)
GIVEN = ["José", "María", "Nguyễn Thị", "Siti", "Ramesh", "Aye", "Fatima", "Ana", "Rahul", "Dewi", "Mohammed", "Lan"]
FAMILY = ["Martínez", "Santos", "Rahman", "Tamang", "Gurung", "Hossain", "Wijaya", "Tran", "Dela Cruz", "Haddad"]
FAMILY += [f"Family{n}" for n in range(2_000)]  # a long tail, as real surnames have
COUNTRIES = ["NPL", "BGD", "PHL", "IDN", "MYS", "THA", "KHM", "MMR", "LKA", "IND", "LBN", "ARE", "SGP", "VNM"]
EXPERTISE = ["domestic workers", "recruitment", "trafficking", "labour law", "CEDAW", "case management", "detention"]
POSITIONS = ["Programme Officer", "Coordinator", "Case Worker", "Lawyer", "Organiser", "Director", "Researcher"]
LANGUAGES = ["English, Nepali", "English, Bengali", "English, Tagalog, Arabic", "Bahasa, English", "English, Khmer"]
ORG_TYPES = ["NGO", "trade union", "faith-based", "migrant community organisation", "lawyers/bar", "academia"]
GENDERS = ["female", "male", "female", "male", "undisclosed"]
TOPICS = ["Lobbying", "CEDAW", "UN treaty bodies", "ILO standards", "Access to justice", "Human trafficking"]
TOPICS += ["Media and communication", "Recruitment", "Data protection", "ASEAN", "Case documentation", "SDGs"]


def build(engine: sa.Engine, people: int, rng: random.Random) -> None:
    """Fill an empty database with people, organisations, courses, modules, participations, networks."""
    tables = SQLModel.metadata.tables
    with session_scope(engine) as session:
        orgs = [
            {
                "id": i,
                "name": f"{rng.choice(['Centre', 'Union', 'Network', 'Ministry'])} {i} for Migrant Rights",
                "name_key": f"org {i}",
                "org_type": rng.choice(ORG_TYPES),
                "country": rng.choice(COUNTRIES),
            }
            for i in range(1, 20_001)
        ]
        session.execute(sa.insert(tables["organisation"]), orgs)
        courses = [
            {"id": i, "code": f"C{i}", "title": f"Course {i}", "scope": "regional", "start_year": 2004 + i % 20}
            for i in range(1, 41)
        ]
        session.execute(sa.insert(tables["course"]), courses)
        modules = [
            {
                "id": i,
                "course_id": 1 + (i - 1) // 2,
                "number": 1 + (i - 1) % 2,
                "title": "Module",
                "start_date": date(2004 + (i // 4) % 20, 1 + i % 12, 1),
                "end_date": date(2004 + (i // 4) % 20, 1 + i % 12, 10),
                "delivery": "in-person",
                "status": "delivered",
            }
            for i in range(1, 81)
        ]
        session.execute(sa.insert(tables["module"]), modules)
        # Each module's agenda: a few sessions, each with a topic (what "lobbying" or "CEDAW" finds).
        session.execute(sa.insert(tables["topic"]), [{"id": i, "name": name} for i, name in enumerate(TOPICS, 1)])
        agenda = [
            {
                "id": module_id * 10 + slot,
                "module_id": module_id,
                "day": 1 + slot // 3,
                "start_time": clock(9 + 2 * (slot % 3)),
                "end_time": clock(10 + 2 * (slot % 3)),
                "title": f"{TOPICS[topic_index]} in practice",
                "method": "presentation",
                "position": slot,
            }
            for module_id in range(1, 81)
            for slot, topic_index in enumerate(rng.sample(range(len(TOPICS)), 6))
        ]
        session.execute(sa.insert(tables["agenda_session"]), agenda)
        session.execute(
            sa.insert(tables["session_topic"]),
            [{"session_id": row["id"], "topic_id": 1 + TOPICS.index(row["title"][:-12])} for row in agenda],
        )
        nets = [{"id": i, "name": f"Network {i}", "kind": "other"} for i in range(1, 11)]
        session.execute(sa.insert(tables["network"]), nets)
    participation_id = 0
    for start in range(1, people + 1, CHUNK):
        rows, parts, members = [], [], []
        for pid in range(start, min(start + CHUNK, people + 1)):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            listed = rng.random() < 0.8
            rows.append(
                {
                    "id": pid,
                    "full_name": f"{given} {family}",
                    "name_key": f"{family} {given}".lower(),
                    "sort_name": sort_name(f"{given} {family}"),
                    "gender": rng.choice(GENDERS),
                    "nationality": rng.choice(COUNTRIES),
                    "country_of_work": rng.choice(COUNTRIES),
                    "organisation_id": rng.randint(1, 20_000),
                    "position": rng.choice(POSITIONS),
                    "email": f"p{pid}@example.org",
                    "languages": rng.choice(LANGUAGES),
                    "expertise": rng.choice(EXPERTISE),
                    "consent_listed": listed,
                    "consent_email": listed and rng.random() < 0.7,
                    "consent_phone": False,
                    "consent_organisation": listed and rng.random() < 0.9,
                    "consent_photo": False,
                    "created_at": CREATED,
                    "updated_at": CREATED,
                }
            )
            for module_id in rng.sample(range(1, 81), rng.choice([1, 1, 2])):
                participation_id += 1
                role = "resource person" if rng.random() < 0.03 else "participant"
                parts.append(
                    {
                        "id": participation_id,
                        "person_id": pid,
                        "module_id": module_id,
                        "role": role,
                        "attended": True,
                        "completed": rng.random() < 0.85,
                    }
                )
            if rng.random() < 0.05:
                members.append({"network_id": rng.randint(1, 10), "person_id": pid, "role": "member"})
        with engine.begin() as connection:
            # Through the triggers, as the app writes people: the index is built the way it is kept.
            connection.execute(sa.insert(tables["person"]), rows)
            connection.execute(sa.insert(tables["participation"]), parts)
            if members:
                connection.execute(sa.insert(tables["network_member"]), members)
        print(f"  {min(start + CHUNK - 1, people):,} people", end="\r", flush=True)
    print()
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE") if engine.dialect.name == "sqlite" else None


@dataclass
class Vocabulary:
    """What the searches ask for, drawn from the database searched (so that they find people)."""

    names: list[str]
    surnames: list[str]
    prefixes: list[str]
    organisations: list[str]
    expertise: list[str]
    countries: list[str]
    network_ids: list[int]
    course_ids: list[int]
    topics: list[str]


def vocabulary(session: Session, rng: random.Random) -> Vocabulary:
    """Sample listed alumni's names and organisations, the commonest countries, real networks and courses."""
    people = session.execute(
        sa.text(
            "SELECT p.full_name, o.name, p.expertise FROM person AS p LEFT JOIN organisation AS o "
            "ON o.id = p.organisation_id WHERE p.id IN (SELECT person_id FROM alumni_directory) "
            "ORDER BY random() LIMIT 300"
        )
    ).all()
    names = [row[0] for row in people if row[0]]
    surnames = [name.split()[-1] for name in names]
    organisations = [" ".join(row[1].replace(",", " ").split()[:2]) for row in people if row[1]]
    countries = session.scalars(
        sa.text(
            "SELECT nationality FROM alumni_directory WHERE nationality IS NOT NULL "
            "GROUP BY nationality ORDER BY count(*) DESC LIMIT 14"
        )
    ).all()
    networks = session.scalars(sa.text("SELECT id FROM network")).all()
    courses = session.scalars(sa.text("SELECT id FROM course")).all()
    # Topics of sessions, as typed: "lobbying", "cedaw" (the first word: a search for the topic).
    topics = session.scalars(
        sa.text("SELECT DISTINCT t.name FROM topic AS t JOIN session_topic AS st ON st.topic_id = t.id")
    ).all()
    return Vocabulary(
        names=names or ["nobody"],
        surnames=surnames or ["nobody"],
        prefixes=[surname[:4].lower() for surname in surnames if len(surname) >= 4] or ["nobo"],
        organisations=organisations or ["centre"],
        expertise=sorted({row[2] for row in people if row[2]}) or EXPERTISE,
        countries=list(countries) or COUNTRIES,
        network_ids=list(networks) or [1],
        course_ids=rng.sample(list(courses), min(len(courses), 200)) or [1],
        topics=sorted({topic.split()[0].lower() for topic in topics}) or ["lobbying"],
    )


def query_mix(rng: random.Random, count: int, words: Vocabulary) -> list[tuple[str, DirectoryQuery]]:
    """Return (kind, query) pairs: words, prefixes, facets alone and combined, as facilitators ask."""
    makers = [
        ("name", lambda: DirectoryQuery(text=rng.choice(words.names))),
        ("surname", lambda: DirectoryQuery(text=rng.choice(words.surnames))),
        ("prefix", lambda: DirectoryQuery(text=rng.choice(words.prefixes))),
        (
            "words+country",
            lambda: DirectoryQuery(text="domestic workers", countries_of_work=(rng.choice(words.countries),)),
        ),
        (
            "words+language",
            lambda: DirectoryQuery(text=rng.choice(words.expertise), languages=("Arabic",), countries=("LBN",)),
        ),
        ("country+gender", lambda: DirectoryQuery(nationalities=(rng.choice(words.countries),), genders=("female",))),
        ("network", lambda: DirectoryQuery(network_ids=(rng.choice(words.network_ids),))),
        ("course", lambda: DirectoryQuery(course_ids=(rng.choice(words.course_ids),))),
        (
            "years+country",
            lambda: DirectoryQuery(year_from=2010, year_to=2012, countries=(rng.choice(words.countries),)),
        ),
        ("role", lambda: DirectoryQuery(roles=("resource person",), countries=(rng.choice(words.countries),))),
        ("org name", lambda: DirectoryQuery(text=rng.choice(words.organisations))),
        # A topic of the agendas of the modules people attended, and a country's name typed as a word.
        ("topic", lambda: DirectoryQuery(text=rng.choice(words.topics))),
        ("country name", lambda: DirectoryQuery(text=country_name(rng.choice(words.countries)))),
    ]
    return [(kind, make()) for kind, make in (rng.choice(makers) for _ in range(count))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--db", default="/tmp/alumni_bench.db")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    engine = make_engine(url)
    schema.upgrade(engine)
    rng = random.Random(9)
    with session_scope(engine) as session:
        existing = session.scalar(sa.select(sa.func.count()).select_from(Person)) or 0
    if existing == 0:
        started = time.perf_counter()
        print(f"Building {args.people:,} people in {url} …")
        build(engine, args.people, rng)
        print(f"Built in {time.perf_counter() - started:.0f} s.")
        existing = args.people
    user = SignedIn(user_id=0, username="benchmark", role=UserRole.FACILITATOR)
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    load_before = os.getloadavg()[0]
    with session_scope(engine) as session:
        words = vocabulary(session, rng)
        for _kind, query in query_mix(rng, 20, words):  # warm the page cache
            search_directory(session, query, user=user)
        for kind, query in query_mix(rng, args.queries, words):
            started, cpu_started = time.perf_counter(), time.process_time()
            found = search_directory(session, query, user=user)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            cpu.setdefault(kind, []).append((time.process_time() - cpu_started) * 1000)
            totals.setdefault(kind, []).append(found.total)
    every = sorted(t for values in timings.values() for t in values)
    print(f"{existing:,} people; {len(every)} searches (first page of 50 and the count, capped at 1,001, each)")
    print(f"{'kind':<16}{'n':>5}{'median ms':>11}{'p95 ms':>9}{'CPU median':>12}{'CPU p95':>9}{'median hits':>13}")
    for kind in sorted(timings):
        values, cpu_values = sorted(timings[kind]), sorted(cpu[kind])
        print(
            f"{kind:<16}{len(values):>5}{statistics.median(values):>11.1f}{_p95(values):>9.1f}"
            f"{statistics.median(cpu_values):>12.1f}{_p95(cpu_values):>9.1f}{statistics.median(totals[kind]):>13,.0f}"
        )
    print(
        f"ALL (wall clock): median {statistics.median(every):.1f} ms, p95 {_p95(every):.1f} ms, max {every[-1]:.1f} ms"
    )
    # CPU time of this process (SQLite runs in it): what a search costs when the machine is not shared.
    every_cpu = sorted(t for values in cpu.values() for t in values)
    print(
        f"ALL (CPU time):   median {statistics.median(every_cpu):.1f} ms, p95 {_p95(every_cpu):.1f} ms, "
        f"max {every_cpu[-1]:.1f} ms"
    )
    print(f"Load average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}")
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {engine.dialect.name}"
    )


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


if __name__ == "__main__":
    main()
