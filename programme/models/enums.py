"""Controlled vocabularies of the domain, in the users' words."""

from __future__ import annotations

import enum


class Scope(enum.StrEnum):
    REGIONAL = "regional"
    NATIONAL = "national"
    SUB_REGIONAL = "sub-regional"


class PartnerRole(enum.StrEnum):
    ORGANISER = "organiser"
    CO_ORGANISER = "co-organiser"
    HOST = "host"
    FUNDER = "funder"


class Delivery(enum.StrEnum):
    IN_PERSON = "in-person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class ModuleStatus(enum.StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Method(enum.StrEnum):
    """The standard session methods. A session's method may also be one of the organisation's own (free text)."""

    PRESENTATION = "presentation"
    PANEL = "panel"
    WORKING_GROUP = "working group"
    ROLE_PLAY = "role play"
    VISIT = "visit"
    PLENARY = "plenary"
    EVALUATION = "evaluation"
    OTHER = "other"
    # Pauses: on the agenda and its timeline, never in the training hours.
    BREAK = "break"
    MEAL = "meal"


class OrgType(enum.StrEnum):
    NGO = "NGO"
    TRADE_UNION = "trade union"
    FAITH_BASED = "faith-based"
    MIGRANT_COMMUNITY = "migrant community organisation"
    LAWYERS = "lawyers/bar"
    NHRI = "national human rights institution"
    GOVERNMENT = "government"
    DIPLOMATIC_MISSION = "diplomatic mission"
    UN_IO = "UN/IO"
    ACADEMIA = "academia"
    BUSINESS = "business"
    MEDIA = "media"
    OTHER = "other"


# The organisation types counted as "civil society" in reach figures.
CIVIL_SOCIETY = frozenset({OrgType.NGO, OrgType.TRADE_UNION, OrgType.FAITH_BASED, OrgType.MIGRANT_COMMUNITY})


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY_OTHER = "non-binary/other"
    UNDISCLOSED = "undisclosed"


class ParticipationRole(enum.StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    RESOURCE_PERSON = "resource person"
    OBSERVER = "observer"
    ORGANISER = "organiser"


class SessionPersonRole(enum.StrEnum):
    FACILITATOR = "facilitator"
    RESOURCE_PERSON = "resource person"


class GroupRole(enum.StrEnum):
    LEAD = "lead/introducer"
    PRESENTER = "presenter"
    NOTE_TAKER = "note-taker"
    TIMEKEEPER = "timekeeper"
    OFFICIAL = "playing the official"
    OBSERVER = "observer"
    MEMBER = "member"


class QuestionKind(enum.StrEnum):
    RATING = "rating"
    TEXT = "text"


class ResponseSource(enum.StrEnum):
    IMPORT = "import"
    PAPER = "paper"
    ONLINE = "online"


class RespondentAttributeKind(enum.StrEnum):
    """Facts about who answered an evaluation form, read from an export's columns (never names or e-mails)."""

    COUNTRY = "country"
    NATIONALITY = "nationality"
    ORGANISATION_TYPE = "organisation type"
    GENDER = "gender"
    AGE = "age"
    ROLE = "role"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class NetworkKind(enum.StrEnum):
    ALUMNI_ASSOCIATION = "national alumni association"
    PLATFORM = "sub-regional platform"
    OTHER = "other"


class NetworkRole(enum.StrEnum):
    MEMBER = "member"
    OFFICER = "officer"
    FOCAL_POINT = "focal point"


class OutcomeKind(enum.StrEnum):
    SHADOW_REPORT = "shadow report submitted"
    UN_CASE = "case taken to a UN mechanism"
    POLICY_CHANGE = "policy change"
    NEW_NETWORK = "network or campaign started"
    OTHER = "other"


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    VIEWER = "viewer"

    def at_least(self, minimum: UserRole) -> bool:
        """Return whether this role may do what minimum may (viewer < facilitator < admin)."""
        order = [UserRole.VIEWER, UserRole.FACILITATOR, UserRole.ADMIN]
        return order.index(self) >= order.index(minimum)


class ImportKind(enum.StrEnum):
    PARTICIPANTS = "participants"
    AGENDA = "agenda"
    EVALUATIONS = "evaluations"
    TEST_SCORES = "test scores"


class FormKind(enum.StrEnum):
    """What a participant form link collects (programme/selfservice/)."""

    REGISTRATION = "registration"
    EVALUATION = "evaluation"
    CHECKIN = "checkin"


class ConsentKind(enum.StrEnum):
    """One use of a person's data a participant consents to on the registration form."""

    LISTED = "listed"
    EMAIL = "email"
    PHONE = "phone"
    ORGANISATION = "organisation"
    PHOTO = "photo"


class ReviewStatus(enum.StrEnum):
    """A self-service registration probably matching someone already recorded, waiting for a facilitator."""

    PENDING = "pending"
    MERGED = "merged"
    CREATED = "created"
    DISCARDED = "discarded"
