"""Agenda sessions, facilitators and evaluations of a range of modules of the scale demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import numpy as np

from programme.core.bulk import Constant
from programme.demo import catalogue
from programme.demo.generator import SLOTS
from programme.demo.scale_modules import SESSIONS_PER_DAY, ModulePlan
from programme.models import QuestionKind, ResponseSource, SessionPersonRole

DESIGNS = catalogue.SESSION_DESIGNS
DESIGN_TITLES = np.array([d[0] for d in DESIGNS], dtype=object)
DESIGN_QUALITY = np.array([d[3] for d in DESIGNS])
TOPIC_IDS = np.array([catalogue.TOPICS.index(d[2]) + 1 for d in DESIGNS])
# Each form: nine sessions rated, two questions on the whole module, one open question for the backlog.
RATED_SESSIONS = 9
GENERAL_QUESTIONS = [("Overall relevance of the module to your work", 4.3), ("Quality of facilitation", 4.4)]
BACKLOG_QUESTION = "Suggestions for the next module"
QUESTIONS_PER_FORM = RATED_SESSIONS + len(GENERAL_QUESTIONS) + 1
RESPONSE_RATE = 0.9
BLANK_RATE = 0.03
TEXT_ANSWER_RATE = 0.4
RATING_SPREAD = 0.7
ASKS_NAME_RATE = 0.3
FACILITATORS_PER_MODULE = 4  # two leads, two resource persons
SOURCES = [ResponseSource.PAPER, ResponseSource.ONLINE, ResponseSource.IMPORT]


@dataclass
class Facilitators:
    """The people who lead sessions, each with a lasting effect on how their sessions are rated."""

    people: np.ndarray
    effect: np.ndarray


def question_id(form: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Return the id of the question at 1-based position of a form (forms have ids equal to modules)."""
    return (form - 1) * QUESTIONS_PER_FORM + position


class ModuleRange:
    """Rows of every table below module for modules first..stop-1 (0-based)."""

    def __init__(
        self, plan: ModulePlan, rng: np.random.Generator, first: int, stop: int, facilitators: Facilitators
    ) -> None:
        self.plan, self.rng = plan, rng
        self.modules = np.arange(first + 1, stop + 1)
        self.quality = rng.normal(0, 0.25, stop - first)
        counts = plan.sessions[first:stop]
        before = int(plan.sessions[:first].sum())
        self.session_ids = np.arange(before + 1, before + int(counts.sum()) + 1)
        self.session_module = np.repeat(self.modules, counts)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        self.position = np.arange(len(self.session_ids)) - starts
        last = np.repeat(counts, counts) - 1
        design = rng.integers(2, len(DESIGNS) - 2, len(self.position))
        first_design = np.where(plan.number[self.session_module - 1] == 1, 0, 1)
        design = np.where(self.position == 0, first_design, design)
        design = np.where(self.position == last - 1, len(DESIGNS) - 2, design)
        self.design = np.where(self.position == last, len(DESIGNS) - 1, design)
        team = rng.choice(len(facilitators.people), size=(stop - first, FACILITATORS_PER_MODULE))
        self.lead_slot = rng.integers(0, FACILITATORS_PER_MODULE, len(self.position))
        lead = team[self.session_module - self.modules[0], self.lead_slot]
        self.lead = facilitators.people[lead]
        self.lead_effect = facilitators.effect[lead]

    def sessions(self) -> dict:
        day, slot = np.divmod(self.position, SESSIONS_PER_DAY)
        return {
            "id": self.session_ids,
            "module_id": self.session_module,
            "day": day + 1,
            "start_time": [SLOTS[s][0] for s in slot.tolist()],
            "end_time": [SLOTS[s][1] for s in slot.tolist()],
            "title": DESIGN_TITLES[self.design].tolist(),
            "method": [DESIGNS[d][1] for d in self.design.tolist()],
            "room": Constant("Main hall"),
            "position": self.position,
        }

    def session_topics(self) -> dict:
        return {"session_id": self.session_ids, "topic_id": TOPIC_IDS[self.design]}

    def session_facilitators(self) -> dict:
        roles = [SessionPersonRole.FACILITATOR, SessionPersonRole.RESOURCE_PERSON]
        return {
            "session_id": self.session_ids,
            "person_id": self.lead,
            "role": [roles[s // 2] for s in self.lead_slot.tolist()],
        }

    def forms(self) -> tuple[dict, np.ndarray]:
        """Return the forms (one per module, same id) and which of them ask for a name."""
        asks_name = self.rng.random(len(self.modules)) < ASKS_NAME_RATE
        ends = self.plan.end[self.modules - 1].astype(object)
        columns = {
            "id": self.modules,
            "module_id": self.modules,
            "title": Constant("End of module evaluation"),
            "asks_name": asks_name,
            "created_at": [datetime.combine(end, time(17, 0), tzinfo=UTC) for end in ends],
        }
        return columns, asks_name

    def questions(self) -> tuple[dict, np.ndarray]:
        """Return the questions of every form and the mean rating each one draws around."""
        counts = self.plan.sessions[self.modules - 1]
        session_first = self.session_ids[0] + np.cumsum(counts) - counts  # id of each module's first session
        form = np.repeat(self.modules, QUESTIONS_PER_FORM)
        position = np.tile(np.arange(1, QUESTIONS_PER_FORM + 1), len(self.modules))
        index = np.repeat(np.arange(len(self.modules)), QUESTIONS_PER_FORM)
        rated = position <= RATED_SESSIONS
        # Rated sessions are spread over the agenda: positions 0, n/9, 2n/9... are distinct as n >= 10.
        offset = ((position - 1) * counts[index]) // RATED_SESSIONS
        session = np.where(rated, session_first[index] + offset, 0)
        row = session - self.session_ids[0]
        mean = np.full(len(form), 3.0)  # the open question draws no rating
        mean[rated] = DESIGN_QUALITY[self.design[row[rated]]] + self.lead_effect[row[rated]]
        for number, (_, general_mean) in enumerate(GENERAL_QUESTIONS, start=RATED_SESSIONS + 1):
            mean[position == number] = general_mean
        mean += self.quality[index]
        titles = DESIGN_TITLES[self.design[np.where(rated, row, 0)]]
        texts = [
            f"How useful was the session: {title}?"
            if is_rated
            else (GENERAL_QUESTIONS[p - RATED_SESSIONS - 1][0] if p <= QUESTIONS_PER_FORM - 1 else BACKLOG_QUESTION)
            for title, is_rated, p in zip(titles.tolist(), rated.tolist(), position.tolist(), strict=True)
        ]
        backlog = position == QUESTIONS_PER_FORM
        columns = {
            "id": question_id(form, position),
            "form_id": form,
            "position": position,
            "text": texts,
            "kind": [QuestionKind.TEXT if b else QuestionKind.RATING for b in backlog.tolist()],
            "session_id": [int(s) if s else None for s in session.tolist()],
            "feeds_backlog": backlog,
        }
        return columns, mean

    def responses(
        self, person: np.ndarray, module: np.ndarray, asks_name: np.ndarray, first_id: int
    ) -> tuple[dict, np.ndarray]:
        """Return responses of the participations (person, module) that answered, and each one's form."""
        answered = self.rng.random(len(person)) < RESPONSE_RATE
        person, form = person[answered], module[answered]
        named = asks_name[form - self.modules[0]]
        count = len(form)
        minutes = self.rng.integers(0, 180, count)
        ends = self.plan.end[form - 1].astype("datetime64[m]") + 17 * 60 + minutes
        columns = {
            "id": np.arange(first_id, first_id + count),
            "form_id": form,
            "person_id": [int(p) if n else None for p, n in zip(person.tolist(), named.tolist(), strict=True)],
            "submitted_at": [moment.replace(tzinfo=UTC) for moment in ends.astype(object)],
            "source": [SOURCES[s] for s in self.rng.choice(3, size=count, p=[0.5, 0.4, 0.1]).tolist()],
        }
        return columns, form

    def answers(self, response_ids: np.ndarray, forms: np.ndarray, means: np.ndarray) -> dict:
        """Return the answers of the responses: ratings around each question's mean, some blanks and comments."""
        response = np.repeat(response_ids, QUESTIONS_PER_FORM)
        position = np.tile(np.arange(1, QUESTIONS_PER_FORM + 1), len(response_ids))
        question = question_id(np.repeat(forms, QUESTIONS_PER_FORM), position)
        local = question - question_id(self.modules[0], 1)
        text = position == QUESTIONS_PER_FORM
        draw = self.rng.random(len(response))
        kept = np.where(text, draw < TEXT_ANSWER_RATE, draw >= BLANK_RATE)
        rating = np.clip(np.rint(self.rng.normal(means[local], RATING_SPREAD)), 1, 5).astype(np.int64)
        comments = np.array(catalogue.COMMENTS_SUGGESTIONS, dtype=object)
        comment = comments[self.rng.integers(0, len(comments), len(response))]
        response, question, text, rating, comment = (a[kept] for a in (response, question, text, rating, comment))
        return {
            "response_id": response,
            "question_id": question,
            "rating": np.where(text, None, rating.astype(object)).tolist(),
            "text": np.where(text, comment, None).tolist(),
        }
