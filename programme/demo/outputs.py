"""What a demo module leaves behind: groups, evaluations, next steps; and the alumni's networks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from programme.demo import catalogue
from programme.models import (
    ActionStatus,
    GroupRole,
    Method,
    NetworkKind,
    NetworkRole,
    OutcomeKind,
    QuestionKind,
    ResponseSource,
)
from programme.people.countries import country_name

if TYPE_CHECKING:
    from programme.demo.generator import DemoPlan, _Builder

GROUP_TARGETS = [
    "Australian High Commission",
    "European Union Delegation",
    "Embassy of Nepal (labour attaché)",
]
ROLE_ORDER = [
    GroupRole.LEAD,
    GroupRole.NOTE_TAKER,
    GroupRole.PRESENTER,
    GroupRole.TIMEKEEPER,
    GroupRole.OFFICIAL,
]
RESPONSE_RATE = 0.78
# The seed report's topics for Module 5, suggested at the end of Module 4.
SEED_MODULE5_TOPICS = [
    "Recruitment reform initiatives",
    "More on CEDAW",
    "Updates on GCM and other regional processes",
    "UN SDGs: migration in the SDGs",
    "Human trafficking",
    "Racism and xenophobia",
]


def add_groups(rng: random.Random, plan: DemoPlan, module: dict, cohort: list[dict]) -> None:
    """Split the cohort into delegations for the role play, each member with a role."""
    role_plays = [s for s, _, _ in module["_sessions"] if s["method"] == Method.ROLE_PLAY]
    if not role_plays:
        return
    count = 3 if len(cohort) > 26 else 2
    members = list(cohort)
    rng.shuffle(members)
    for index in range(count):
        target = GROUP_TARGETS[index]
        group = plan.add(
            "work_group",
            {
                "module_id": module["id"],
                "session_id": role_plays[0]["id"],
                "name": f"Delegation {index + 1}",
                "exercise": f"Delegation to the {target}: labour rights of migrant workers",
                "target": target,
                "briefing": "Prepare who leads, who presents which issue and who takes notes.",
                "seed": None,
            },
        )
        for position, person in enumerate(members[index::count]):
            role = ROLE_ORDER[position] if position < len(ROLE_ORDER) else GroupRole.MEMBER
            plan.add(
                "group_member",
                {"group_id": group["id"], "person_id": person["id"], "role": role},
            )


def add_evaluation(builder: _Builder, module: dict, cohort: list[dict]) -> None:
    """Add the module's evaluation form, questions and anonymous responses."""
    rng, plan = builder.rng, builder.plan
    form = plan.add(
        "evaluation_form",
        {
            "module_id": module["id"],
            "title": "End of module evaluation",
            "asks_name": False,
            "scale_labels": None,
        },
    )
    questions: list[tuple[dict, float | None]] = []
    for position, (session, quality, lead) in enumerate(module["_sessions"], start=1):
        mean = quality + builder.facilitator_effect.get(lead, 0.0) + builder.module_quality[module["id"]]
        question = plan.add(
            "evaluation_question",
            {
                "form_id": form["id"],
                "position": position,
                "text": f"How useful was the session: {session['title']}?",
                "kind": QuestionKind.RATING,
                "session_id": session["id"],
                "feeds_backlog": False,
            },
        )
        questions.append((question, mean))
    extra = [
        (
            "Overall relevance of the module to your work",
            QuestionKind.RATING,
            4.3,
            False,
        ),
        ("Quality of facilitation", QuestionKind.RATING, 4.4, False),
        ("Logistics and venue", QuestionKind.RATING, 3.9, False),
        ("What was most useful?", QuestionKind.TEXT, None, False),
        ("Suggestions for the next module", QuestionKind.TEXT, None, True),
    ]
    for offset, (text, kind, mean, feeds) in enumerate(extra, start=len(questions) + 1):
        question = plan.add(
            "evaluation_question",
            {
                "form_id": form["id"],
                "position": offset,
                "text": text,
                "kind": kind,
                "session_id": None,
                "feeds_backlog": feeds,
            },
        )
        questions.append((question, mean))
    end = datetime.combine(module["end_date"], time(9, 30), tzinfo=UTC)
    for index, _person in enumerate(p for p in cohort if rng.random() < RESPONSE_RATE):
        response = plan.add(
            "evaluation_response",
            {
                "form_id": form["id"],
                "person_id": None,
                "submitted_at": end + timedelta(minutes=index),
                "source": ResponseSource.PAPER,
                "external_id": f"demo-{form['id']}-{index}",
                "import_batch_id": None,
            },
        )
        for question, mean in questions:
            answer = {
                "response_id": response["id"],
                "question_id": question["id"],
                "rating": None,
                "text": None,
            }
            if question["kind"] == QuestionKind.RATING:
                if rng.random() < 0.04:
                    continue  # left blank
                answer["rating"] = max(1, min(5, round(rng.gauss(mean, 0.7))))
            else:
                pool = catalogue.COMMENTS_SUGGESTIONS if question["feeds_backlog"] else catalogue.COMMENTS_MOST_USEFUL
                if rng.random() < 0.35:
                    continue
                answer["text"] = rng.choice(pool)
            plan.add("evaluation_answer", answer)


def add_next_steps(
    rng: random.Random,
    plan: DemoPlan,
    module: dict,
    cohort: list[dict],
    previous: dict | None,
) -> None:
    """Add the action items agreed at the module's end and topics suggested for the next one."""
    for text in rng.sample(catalogue.NEXT_STEPS, 3):
        due = module["end_date"] + timedelta(days=90)
        status = ActionStatus.DONE if module["start_date"].year < 2019 and rng.random() < 0.8 else ActionStatus.OPEN
        item = plan.add(
            "action_item",
            {
                "module_id": module["id"],
                "text": text,
                "due_date": due,
                "status": status,
            },
        )
        for person in rng.sample(cohort, rng.choice([1, 1, 2])):
            plan.add(
                "action_focal_point",
                {"action_item_id": item["id"], "person_id": person["id"]},
            )
    is_seed_module = module["focus"].startswith("CEDAW; lobbying")
    topics = SEED_MODULE5_TOPICS if is_seed_module else rng.sample(catalogue.COMMENTS_SUGGESTIONS, 3)
    for text in topics:
        plan.add(
            "topic_suggestion",
            {
                "module_id": module["id"],
                "text": text,
                "requested_by": "plenary",
                "times_asked": rng.randint(1, 9),
                "source": "typed",
                "planned_module_id": None,
            },
        )


def add_networks(rng: random.Random, plan: DemoPlan, alumni: list[dict]) -> None:
    """Add national alumni associations and a sub-regional platform with their members."""
    specs = [
        (
            "Nepal Alumni Association for Migrant Rights",
            NetworkKind.ALUMNI_ASSOCIATION,
            "NPL",
            2011,
            {"NPL"},
        ),
        (
            "Bangladesh Alumni Forum",
            NetworkKind.ALUMNI_ASSOCIATION,
            "BGD",
            2013,
            {"BGD"},
        ),
        (
            "Malaysia Migrant Advocates Alumni Network",
            NetworkKind.ALUMNI_ASSOCIATION,
            "MYS",
            2018,
            {"MYS"},
        ),
        (
            "Mekong Sub-regional Platform",
            NetworkKind.PLATFORM,
            "THA",
            2012,
            {"KHM", "LAO", "MMR", "THA", "VNM"},
        ),
    ]
    for name, kind, country, founded, nationalities in specs:
        network = plan.add(
            "network",
            {
                "name": name,
                "kind": kind,
                "country": country,
                "founded": founded,
                "description": "Alumni of the courses from "
                + ", ".join(sorted(country_name(code) for code in nationalities))
                + ".",
                "activities": "Annual meeting; joint shadow reports; case referrals.",
            },
        )
        members = [p for p in alumni if p["nationality"] in nationalities and rng.random() < 0.6]
        for position, person in enumerate(members):
            role = (
                NetworkRole.FOCAL_POINT
                if position == 0
                else NetworkRole.OFFICER
                if position < 3
                else NetworkRole.MEMBER
            )
            plan.add(
                "network_member",
                {
                    "network_id": network["id"],
                    "person_id": person["id"],
                    "role": role,
                    "joined_on": None,
                },
            )


def add_outcomes(
    rng: random.Random, plan: DemoPlan, alumni: list[dict], history: dict[int, list[tuple[date, int, int]]]
) -> None:
    """Add outcomes a sample of alumni reported, each after the last module they took part in before it."""
    kinds = [
        OutcomeKind.SHADOW_REPORT,
        OutcomeKind.UN_CASE,
        OutcomeKind.POLICY_CHANGE,
        OutcomeKind.NEW_NETWORK,
        OutcomeKind.OTHER,
    ]
    for person in rng.sample(alumni, min(60, len(alumni))):
        index = rng.randrange(len(kinds))
        reported_on = person["consent_date"] + timedelta(days=rng.randint(120, 900))
        before = [entry for entry in history.get(person["id"], []) if entry[0] <= reported_on]
        _, course_id, module_id = max(before) if before else (None, None, None)
        plan.add(
            "outcome",
            {
                "person_id": person["id"],
                "course_id": course_id,
                "module_id": module_id,
                "kind": kinds[index],
                "description": catalogue.OUTCOME_TEXTS[index],
                "reported_on": reported_on,
            },
        )
