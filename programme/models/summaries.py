"""Bookkeeping for the figures kept as the data changes (programme/summaries/)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """How often one part of the data changed: cached figures about that part are recomputed when it moves.

    scope: "module:<id>" for one module's figures, "people" for figures over individuals, "catalogue" for courses
    and modules themselves. Bumped in the same transaction as the change (programme/summaries/upkeep.py).
    """

    __tablename__ = "data_version"

    scope: str = Field(primary_key=True, max_length=40)
    version: int = 0


# Evaluation summaries (programme/summaries/evaluations.py): kept per module, read by the evaluation dashboards and
# the trainer pool. No foreign keys: a refresh replaces a module's rows as a whole (or every row on a rebuild).


class EvaluationQuestionSummary(SQLModel, table=True):
    """One question's answers: how many answered (a rating or a text), how many ratings and their sum."""

    __tablename__ = "summary_eval_question"

    question_id: int = Field(primary_key=True)
    module_id: int = Field(index=True)  # the module of the question's form
    answered: int = 0
    ratings: int = 0
    rating_total: int = 0


class EvaluationRatingCount(SQLModel, table=True):
    """How many gave one rating value to one question: a row per (question, value), whatever the question's range."""

    __tablename__ = "summary_eval_rating"

    question_id: int = Field(primary_key=True)
    rating: int = Field(primary_key=True)
    module_id: int = Field(index=True)
    count: int = 0


class EvaluationModuleSummary(SQLModel, table=True):
    """One module's evaluation figures: responses, the ratings its mean averages (means.module_ratings), participants
    who attended (response rates), and the test scores of those with both (learning gains)."""

    __tablename__ = "summary_eval_module"

    module_id: int = Field(primary_key=True)
    responses: int = 0
    ratings: int = 0
    rating_total: int = 0
    attended: int = 0
    tested: int = 0
    pre_total: float = 0.0
    post_total: float = 0.0
    gain_total: float = 0.0
    gain_squares: float = 0.0


class EvaluationSessionSummary(SQLModel, table=True):
    """The ratings of the questions about one agenda session, per module of the forms that asked them."""

    __tablename__ = "summary_eval_session"

    session_id: int = Field(primary_key=True)
    module_id: int = Field(primary_key=True, index=True)
    ratings: int = 0
    rating_total: int = 0


class EvaluationFacilitatorSummary(SQLModel, table=True):
    """One person's session ratings per module: the rated sessions they led, every rating of them and their sum."""

    __tablename__ = "summary_eval_facilitator"

    person_id: int = Field(primary_key=True)
    module_id: int = Field(primary_key=True, index=True)
    sessions: int = 0
    ratings: int = 0
    rating_total: int = 0


class ReachPerson(SQLModel, table=True):
    """One row per person with at least one participation: what the reach figures count about individuals.

    Kept by programme/summaries/reach.py from the raw rows (person, organisation, participation, module). The
    person's attributes are copied (values as stored, None when not recorded); `modules` counts the modules the
    person took part in (attended: one participation per module), `first_year` the year of the first of them.
    The flags say whether the person has at least one participation of that kind (participant: in the role
    participant; alumnus: completed a module as a participant; listed: in the directory, consent and not erased).
    """

    __tablename__ = "reach_person"

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    gender: str | None = Field(default=None, max_length=40)
    nationality: str | None = Field(default=None, max_length=3)
    country_of_work: str | None = Field(default=None, max_length=3)
    organisation_id: int | None = None
    org_type: str | None = Field(default=None, max_length=40)
    org_country: str | None = Field(default=None, max_length=3)
    modules: int = 0
    first_year: int | None = None
    registered: bool = False
    registered_took_part: bool = False
    registered_only: bool = False
    took_part_unregistered: bool = False
    participant: bool = False
    participant_attended: bool = False
    alumnus: bool = False
    listed: bool = False
    erased: bool = False


class ReachModule(SQLModel, table=True):
    """People who took part in one module, by one dimension (gender, nationality, country_of_work, org_type,
    role, scope; "all" for everyone), and its participants by stage (dimension "stage": registered, attended,
    completed). value "" stands for not recorded. One participation per person and module: people = rows.
    """

    __tablename__ = "reach_module"
    __table_args__ = (sa.Index("ix_reach_module_dimension", "dimension", "module_id", "value", "people"),)

    module_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dimension: str = Field(primary_key=True, max_length=20)
    value: str = Field(primary_key=True, max_length=40)
    year: int
    people: int = 0


class ReachYear(SQLModel, table=True):
    """People who took part in a year's modules (counted once in the year) and their participations, by one
    dimension (gender, org_type, scope, role; "all" for everyone). value "" stands for not recorded."""

    __tablename__ = "reach_year"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dimension: str = Field(primary_key=True, max_length=20)
    value: str = Field(primary_key=True, max_length=40)
    individuals: int = 0
    participations: int = 0


class ReachPersonYear(SQLModel, table=True):
    """A person's participations (took part) in one year's modules, by role and course scope, with the person's
    gender and organisation type (value "" for not recorded): what reach_year counts, kept per person.

    A change to a few people moves the year's counts by the difference between their rows before and after (no
    recount of the year's participations: a year holds hundreds of thousands at scale).

    Indexed by person, year and participations (migration 0025): a year range's rows are added up per person from
    that index alone (programme/reach/kept._people), without looking each row up in the table (SQLite).
    """

    __tablename__ = "reach_person_year"
    __table_args__ = (sa.Index("ix_reach_person_year_participations", "person_id", "year", "participations"),)

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    role: str = Field(primary_key=True, max_length=40)
    scope: str = Field(primary_key=True, max_length=40)
    gender: str = Field(default="", max_length=40)
    org_type: str = Field(default="", max_length=40)
    participations: int = 0


class ReachModuleStage(SQLModel, table=True):
    """A module's participants (role participant) at each stage of the funnel (registered: listed; attended: took
    part; completed), by one attribute of theirs (gender, nationality, country_of_work, org_type; value "" for not
    recorded): the Completion figures under a filter on one person attribute, without reading participations."""

    __tablename__ = "reach_module_stage"
    __table_args__ = (sa.Index("ix_reach_module_stage_dimension", "dimension", "value", "module_id"),)

    module_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dimension: str = Field(primary_key=True, max_length=20)
    value: str = Field(primary_key=True, max_length=40)
    registered: int = 0
    attended: int = 0
    completed: int = 0


class ReachPersonStage(SQLModel, table=True):
    """What a person's participations in one year's modules were, as reach_person keeps it over all their modules:
    registered (on a registration list, any role), registered and took part, registered with attendance not recorded,
    took part without registering; a participant listed, a participant who took part, a participant who completed.
    One row per person and year with any participation (took part or not): the registrations and the Completion
    funnel's people under a year range, each person counted once however many years of the range they are in.

    Without a rowid on SQLite: the rows are stored in (person, year) order, so that a range's rows are added up per
    person in one pass, with nothing else to look up.
    """

    __tablename__ = "reach_person_stage"
    __table_args__ = {"sqlite_with_rowid": False}

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    registered: bool = False
    registered_took_part: bool = False
    registered_only: bool = False
    took_part_unregistered: bool = False
    participant: bool = False
    participant_attended: bool = False
    alumnus: bool = False
