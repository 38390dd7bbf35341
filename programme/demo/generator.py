"""Builds the demo programme in memory: 30 courses since 2004, modules, sessions, people."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from programme.demo import catalogue, outputs
from programme.demo.funding import add_funding
from programme.demo.people_factory import PeopleFactory
from programme.models import (
    Delivery,
    Method,
    ModuleStatus,
    OrgType,
    ParticipationRole,
    PartnerRole,
    Scope,
    SessionPersonRole,
)
from programme.people.countries import country_name

DEMO_SEED = 2004
# The agenda's four daily slots.
SLOTS = [
    (time(9, 0), time(10, 30)),
    (time(11, 0), time(12, 30)),
    (time(14, 0), time(15, 30)),
    (time(16, 0), time(17, 30)),
]
# (country, first year, number of modules) for the national programmes; MYS is the seed's programme.
NATIONAL_PROGRAMMES = [
    ("THA", 2006, 2),
    ("VNM", 2007, 2),
    ("PHL", 2008, 2),
    ("LKA", 2009, 2),
    ("NPL", 2010, 3),
    ("BGD", 2012, 3),
    ("TLS", 2013, 2),
    ("IDN", 2014, 2),
    ("KHM", 2015, 3),
    ("MYS", 2016, 5),
    ("LBN", 2018, 3),
]
SUB_REGIONAL = [
    (
        "MEKONG",
        "Mekong Sub-regional Course on Labour Migration",
        2011,
        ["KHM", "LAO", "MMR", "THA", "VNM"],
    ),
    (
        "SOUTHASIA",
        "South Asia Sub-regional Course on Migrant Workers' Rights",
        2015,
        ["NPL", "BGD", "LKA", "IND", "PAK"],
    ),
    (
        "GULF",
        "Course on the Asia–Gulf Migration Corridor",
        2019,
        ["NPL", "BGD", "LKA", "PHL", "LBN", "JOR", "QAT"],
    ),
]
DESTINATIONS_FOR_NATIONAL = {
    "MYS": ["NPL", "BGD", "PHL", "KHM", "IDN", "MMR"],
    "THA": ["MMR", "KHM", "LAO"],
    "LBN": ["LKA", "PHL", "NPL", "BGD"],
}


@dataclass
class DemoPlan:
    """Every table's rows, keyed by table name, in an order that respects foreign keys."""

    rows: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> dict:
        bucket = self.rows.setdefault(table, [])
        row.setdefault("id", len(bucket) + 1) if table in _TABLES_WITH_ID else None
        bucket.append(row)
        return row


_TABLES_WITH_ID = {
    "course",
    "module",
    "topic",
    "agenda_session",
    "participation",
    "work_group",
    "evaluation_form",
    "evaluation_question",
    "evaluation_response",
    "action_item",
    "topic_suggestion",
    "network",
    "outcome",
    "session_design",
    "funder",
    "funding_grant",
}


def build_demo(seed: int = DEMO_SEED) -> DemoPlan:
    """Return the whole synthetic programme, the same for the same seed."""
    rng = random.Random(seed)
    plan = DemoPlan()
    factory = PeopleFactory(rng)
    builder = _Builder(rng, plan, factory)
    builder.run()
    plan.rows["organisation"] = factory.organisations
    plan.rows["person"] = factory.people
    return plan


class _Builder:
    def __init__(self, rng: random.Random, plan: DemoPlan, factory: PeopleFactory) -> None:
        self.rng, self.plan, self.factory = rng, plan, factory
        self.topic_ids = {name: plan.add("topic", {"name": name})["id"] for name in catalogue.TOPICS}
        self.alumni: list[dict] = []  # people who completed a module, in order
        # Person id → (start date, course id, module id) of each module they took part in as a participant.
        self.history: dict[int, list[tuple[date, int, int]]] = {}
        self.trainers = [
            factory.person(nat, nat, date(2004, 1, 1), OrgType.NGO)
            for nat in ["AUS", "PHL", "MYS", "NPL", "IDN", "LBN"]
        ]
        self.organiser = factory.organisation("AUS", OrgType.NGO, "Regional Advocacy Training Programme (demo)")
        self.module_quality: dict[int, float] = {}
        self.facilitator_effect: dict[int, float] = {}

    def run(self) -> None:
        for design in catalogue.SESSION_DESIGNS:
            self.plan.add(
                "session_design",
                {
                    "title": design[0],
                    "method": design[1],
                    "duration_minutes": 90,
                    "objectives": None,
                    "topics": design[2],
                },
            )
        courses = self._course_specs()
        for spec in sorted(courses, key=lambda s: s["start"]):
            self._course(spec)
        outputs.add_networks(self.rng, self.plan, self.alumni)
        outputs.add_outcomes(self.rng, self.plan, self.alumni, self.history)
        add_funding(self.plan)

    def _course_specs(self) -> list[dict]:
        rng, specs = self.rng, []
        for year in range(2004, 2020):
            city, country = catalogue.VENUES[(year - 2004) % len(catalogue.VENUES)]
            title = catalogue.REGIONAL_COURSE_TITLES[year % len(catalogue.REGIONAL_COURSE_TITLES)]
            start = date(year, rng.choice([3, 5, 8, 10, 11]), rng.randint(1, 18))
            specs.append(
                {
                    "code": f"RC{year}",
                    "title": f"{title} {year}",
                    "scope": Scope.REGIONAL,
                    "country": country,
                    "start": start,
                    "modules": 1,
                    "days": 10,
                    "size": 28,
                    "city": city,
                    "nationalities": catalogue.ORIGIN_COUNTRIES + catalogue.DESTINATION_COUNTRIES,
                }
            )
        for country, year, modules in NATIONAL_PROGRAMMES:
            venue = next((v for v in catalogue.VENUES if v[1] == country), (None, country))
            start = date(year, 2, 5) if country != "MYS" else date(2016, 8, 1)
            specs.append(
                {
                    "code": f"NP-{country}-{year}",
                    "scope": Scope.NATIONAL,
                    "country": country,
                    "title": f"Advocating for the Rights of Migrant Workers in {country_name(country)}, {year}",
                    "start": start,
                    "modules": modules,
                    "days": 4,
                    "size": 25,
                    "city": venue[0],
                    "nationalities": [country] + DESTINATIONS_FOR_NATIONAL.get(country, []),
                }
            )
        for code, title, year, countries in SUB_REGIONAL:
            specs.append(
                {
                    "code": f"SR-{code}-{year}",
                    "title": title,
                    "scope": Scope.SUB_REGIONAL,
                    "country": countries[0],
                    "start": date(year, 6, 10),
                    "modules": 1,
                    "days": 5,
                    "size": 24,
                    "city": None,
                    "nationalities": countries,
                }
            )
        return specs

    def _course(self, spec: dict) -> None:
        course = self.plan.add(
            "course",
            {
                "code": spec["code"],
                "title": spec["title"],
                "scope": spec["scope"],
                "host_country": spec["country"],
                "start_year": spec["start"].year,
                "end_year": None,
                "description": None,
            },
        )
        partner = self.factory.organisation(
            spec["country"],
            OrgType.LAWYERS if spec["scope"] == Scope.NATIONAL else OrgType.NGO,
        )
        self.plan.add(
            "course_partner",
            {
                "course_id": course["id"],
                "organisation_id": self.organiser,
                "role": PartnerRole.ORGANISER,
            },
        )
        self.plan.add(
            "course_partner",
            {
                "course_id": course["id"],
                "organisation_id": partner,
                "role": PartnerRole.CO_ORGANISER,
            },
        )
        cohort: list[dict] = []
        previous = None
        start = spec["start"]
        for number in range(1, spec["modules"] + 1):
            if number > 1:
                start += timedelta(days=120)  # a module about every four months
            if spec["code"] == "NP-MYS-2016" and number == 4:
                start = date(2017, 12, 2)  # the seed report's Module 4; later modules follow it
            module = self._module(course, spec, number, start)
            cohort = self._cohort(spec, cohort, start)
            self._participations(module, cohort, spec)
            self._agenda(module, spec)
            outputs.add_groups(self.rng, self.plan, module, cohort)
            outputs.add_evaluation(self, module, cohort)
            outputs.add_next_steps(self.rng, self.plan, module, cohort, previous)
            previous = module
        course["end_year"] = start.year

    def _module(self, course: dict, spec: dict, number: int, start: date) -> dict:
        days = spec["days"]
        focus = (
            "CEDAW; lobbying; engagement with diplomatic missions"
            if spec["code"] == "NP-MYS-2016" and number == 4
            else None
        )
        module = self.plan.add(
            "module",
            {
                "course_id": course["id"],
                "number": number,
                "title": f"Module {number}" if spec["modules"] > 1 else "Regional module",
                "focus": focus
                or self.rng.choice(
                    [
                        "UN treaty bodies",
                        "Lobbying and advocacy",
                        "Business and human rights",
                        "Engagement with diplomatic missions",
                        "Access to justice",
                    ]
                ),
                "objectives": "Build knowledge, skills and networks for advocacy on migrant workers' rights.",
                "start_date": start,
                "end_date": start + timedelta(days=days - 1),
                "venue": None,
                "city": spec["city"],
                "country": spec["country"],
                "delivery": Delivery.IN_PERSON,
                "status": ModuleStatus.DELIVERED,
            },
        )
        self.module_quality[module["id"]] = self.rng.gauss(0, 0.25)
        return module

    def _cohort(self, spec: dict, cohort: list[dict], start: date) -> list[dict]:
        rng = self.rng
        if cohort:  # a later module of a national course: most come back, a few are new
            kept = [p for p in cohort if rng.random() < 0.85]
        else:
            kept = []
            returning = [p for p in self.alumni if p["nationality"] in spec["nationalities"]]
            for person in rng.sample(returning, min(len(returning), spec["size"] // 10)):
                kept.append(person)
        while len(kept) < spec["size"]:
            nationality = rng.choice(spec["nationalities"])
            work = nationality
            if spec["scope"] == Scope.NATIONAL and nationality != spec["country"]:
                work = spec["country"] if rng.random() < 0.5 else nationality
            elif nationality in catalogue.ORIGIN_COUNTRIES and rng.random() < 0.25:
                work = rng.choice(catalogue.DESTINATION_COUNTRIES)
            kept.append(self.factory.person(nationality, work, start))
        return kept

    def _participations(self, module: dict, cohort: list[dict], spec: dict) -> None:
        rng, days = self.rng, spec["days"]
        for person in cohort:
            attended_days = days if rng.random() < 0.9 else rng.randint(max(1, days - 3), days)
            completed = attended_days == days
            self.plan.add(
                "participation",
                {
                    "person_id": person["id"],
                    "module_id": module["id"],
                    "role": ParticipationRole.PARTICIPANT,
                    "attended": True,
                    "completed": completed,
                    "days_attended": attended_days,
                    "pre_test_score": round(rng.uniform(35, 70), 1),
                    "post_test_score": round(rng.uniform(55, 95), 1),
                },
            )
            self.history.setdefault(person["id"], []).append((module["start_date"], module["course_id"], module["id"]))
            if completed and person not in self.alumni:
                self.alumni.append(person)
        leads = rng.sample(self.trainers, 2)
        # Train-the-trainer: later modules draw resource persons from earlier alumni.
        eligible = [p for p in self.alumni[: -len(cohort)] if p not in cohort] if len(self.alumni) > 60 else []
        resource = rng.sample(eligible, min(2, len(eligible)))
        while len(resource) < 2:
            resource.append(
                self.factory.person(
                    spec["country"],
                    spec["country"],
                    module["start_date"],
                    OrgType.UN_IO,
                )
            )
        module["_facilitators"] = [p["id"] for p in leads + resource]
        for person, role in [(p, ParticipationRole.FACILITATOR) for p in leads] + [
            (p, ParticipationRole.RESOURCE_PERSON) for p in resource
        ]:
            self.plan.add(
                "participation",
                {
                    "person_id": person["id"],
                    "module_id": module["id"],
                    "role": role,
                    "attended": True,
                    "completed": False,
                    "days_attended": days,
                    "pre_test_score": None,
                    "post_test_score": None,
                },
            )
            self.facilitator_effect.setdefault(person["id"], rng.gauss(0, 0.3))

    def _agenda(self, module: dict, spec: dict) -> None:
        designs = catalogue.SESSION_DESIGNS
        first = designs[0] if module["number"] == 1 else designs[1]
        closing = [designs[-2], designs[-1]]
        middle = [d for d in designs[2:-2]]
        self.rng.shuffle(middle)
        slots = spec["days"] * len(SLOTS)
        chosen = [first] + [middle[i % len(middle)] for i in range(slots - 3)] + closing
        module["_sessions"] = []
        for index, (title, method, topic, quality) in enumerate(chosen):
            day, slot = divmod(index, len(SLOTS))
            if method == Method.VISIT:
                title = self.rng.choice(
                    [
                        "Visit to the Australian High Commission",
                        "Visit to the European Union Delegation",
                    ]
                )
            session = self.plan.add(
                "agenda_session",
                {
                    "module_id": module["id"],
                    "day": day + 1,
                    "start_time": SLOTS[slot][0],
                    "end_time": SLOTS[slot][1],
                    "title": title,
                    "method": method,
                    "room": "Main hall",
                    "notes": None,
                    "materials_url": None,
                    "position": index,
                },
            )
            self.plan.add(
                "session_topic",
                {"session_id": session["id"], "topic_id": self.topic_ids[topic]},
            )
            lead = self.rng.choice(module["_facilitators"])
            role = (
                SessionPersonRole.FACILITATOR
                if lead in module["_facilitators"][:2]
                else SessionPersonRole.RESOURCE_PERSON
            )
            self.plan.add(
                "session_facilitator",
                {"session_id": session["id"], "person_id": lead, "role": role},
            )
            module["_sessions"].append((session, quality, lead))
