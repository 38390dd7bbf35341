"""Synthetic people and organisations for the demo: plausible, deterministic, nobody real."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from faker import Faker

from programme.demo import catalogue
from programme.models import Gender, OrgType
from programme.people.countries import alpha2, country_name
from programme.people.names import fold, name_key, sort_name

GENDER_WEIGHTS = {
    Gender.FEMALE: 55,
    Gender.MALE: 41,
    Gender.NON_BINARY_OTHER: 1,
    Gender.UNDISCLOSED: 3,
}
# How often a new person's organisation is one already known in that country and type.
ORG_REUSE_RATE = 0.6


@dataclass
class PeopleFactory:
    """Makes person and organisation rows with explicit ids, from one random generator."""

    rng: random.Random
    people: list[dict] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    _orgs_by_key: dict[tuple[str, OrgType], list[int]] = field(default_factory=lambda: defaultdict(list))
    _fakers: dict[str, Faker] = field(default_factory=dict)

    def organisation(self, country: str, org_type: OrgType, name: str | None = None) -> int:
        """Return an organisation id for (country, type), reusing known ones at ORG_REUSE_RATE."""
        known = self._orgs_by_key[(country, org_type)]
        if name is None and known and self.rng.random() < ORG_REUSE_RATE:
            return self.rng.choice(known)
        if name is None:
            pattern = self.rng.choice(catalogue.ORG_NAME_PATTERNS[org_type])
            name = pattern.format(w=self.rng.choice(catalogue.ORG_WORDS), c=country_name(country))
        key = fold(name)
        for org in self.organisations:
            if org["name_key"] == key and org["country"] == country:
                return org["id"]
        org_id = len(self.organisations) + 1
        self.organisations.append(
            {
                "id": org_id,
                "name": name,
                "name_key": key,
                "org_type": org_type,
                "country": country,
            }
        )
        known.append(org_id)
        return org_id

    def person(
        self,
        nationality: str,
        country_of_work: str,
        first_seen: date,
        org_type: OrgType | None = None,
    ) -> dict:
        """Create and return a new person row."""
        rng = self.rng
        gender = rng.choices(list(GENDER_WEIGHTS), weights=list(GENDER_WEIGHTS.values()))[0]
        given, family = self._name(nationality, gender)
        if org_type is None:
            weights = catalogue.ORG_TYPE_WEIGHTS
            org_type = rng.choices(list(weights), weights=list(weights.values()))[0]
        person_id = len(self.people) + 1
        full_name = f"{given} {family}"
        listed = rng.random() < 0.8
        languages = ["English", catalogue.LANGUAGES.get(nationality, "English")]
        if country_of_work != nationality:
            languages.append(catalogue.LANGUAGES.get(country_of_work, "English"))
        row = {
            "id": person_id,
            "given_name": given,
            "family_name": family,
            "full_name": full_name,
            "name_key": name_key(full_name),
            "sort_name": sort_name(full_name),
            "gender": gender,
            "nationality": nationality,
            "country_of_work": country_of_work,
            "organisation_id": self.organisation(country_of_work, org_type),
            "position": rng.choice(
                [
                    "Programme Officer",
                    "Coordinator",
                    "Case Worker",
                    "Lawyer",
                    "Organiser",
                    "Director",
                    "Researcher",
                    "Paralegal",
                    "Community Leader",
                ]
            ),
            "email": f"{fold(given).replace(' ', '.')}.{fold(family).replace(' ', '')}.{person_id}@example.org",
            "phone": self._phone(nationality),
            "languages": ", ".join(dict.fromkeys(languages)),
            "expertise": rng.choice(
                [
                    "domestic workers",
                    "recruitment",
                    "trafficking",
                    "labour law",
                    "CEDAW",
                    "case management",
                    "plantation workers",
                    "detention",
                    "fishing sector",
                    "shadow reporting",
                ]
            ),
            "notes": None,
            "consent_listed": listed,
            "consent_email": listed and rng.random() < 0.75,
            "consent_phone": listed and rng.random() < 0.5,
            "consent_organisation": listed and rng.random() < 0.9,
            "consent_photo": rng.random() < 0.3,
            "consent_date": first_seen,
            "consent_source": "registration form",
            "erased_at": None,
        }
        self.people.append(row)
        return row

    def _name(self, nationality: str, gender: Gender) -> tuple[str, str]:
        locale = catalogue.FAKER_LOCALES.get(nationality)
        female = gender == Gender.FEMALE or (gender != Gender.MALE and self.rng.random() < 0.5)
        if locale:
            faker = self._fakers.get(locale)
            if faker is None:
                faker = Faker(locale)
                faker.seed_instance(self.rng.randint(0, 10**9))
                self._fakers[locale] = faker
            given = faker.first_name_female() if female else faker.first_name_male()
            return given, faker.last_name()
        region = catalogue.NAME_REGION.get(nationality, "south_asia")
        women, men, families = catalogue.SYNTHETIC_NAMES[region]
        return self.rng.choice(women if female else men), self.rng.choice(families)

    def _phone(self, nationality: str) -> str | None:
        region = alpha2(nationality)
        if region is None or self.rng.random() < 0.1:
            return None
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if example is None:
            return None
        digits = str(example.national_number)
        # Keep the operator prefix, vary the subscriber part.
        tail = "".join(str(self.rng.randint(0, 9)) for _ in range(max(0, len(digits) - 3)))
        return f"+{example.country_code}{digits[:3]}{tail}"
