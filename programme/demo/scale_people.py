"""Synthetic people and organisations for the scale demo, as numpy columns (nobody real)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import phonenumbers
from faker import Faker

from programme.core.bulk import Constant
from programme.demo import catalogue
from programme.demo.people_factory import GENDER_WEIGHTS
from programme.models import Gender, OrgType
from programme.people.countries import alpha2, country_name
from programme.people.names import fold, name_key, sort_name

COUNTRIES = catalogue.ORIGIN_COUNTRIES + catalogue.DESTINATION_COUNTRIES
# Most participants come from countries of origin.
COUNTRY_WEIGHTS = np.array([3.0] * len(catalogue.ORIGIN_COUNTRIES) + [1.0] * len(catalogue.DESTINATION_COUNTRIES))
GENDERS = list(GENDER_WEIGHTS)
GENDER_SHARES = np.array(list(GENDER_WEIGHTS.values()), dtype=float) / sum(GENDER_WEIGHTS.values())
ORG_TYPES = list(catalogue.ORG_TYPE_WEIGHTS)
ORG_TYPE_SHARES = np.array(list(catalogue.ORG_TYPE_WEIGHTS.values()), dtype=float) / sum(
    catalogue.ORG_TYPE_WEIGHTS.values()
)
PEOPLE_PER_ORGANISATION = 20
# Names drawn from Faker for the countries that have a locale: enough for variety, cheap to make.
FAKER_POOL = 60
POSITIONS = ["Programme Officer", "Coordinator", "Case Worker", "Lawyer", "Organiser", "Director", "Researcher"]
EXPERTISE = ["domestic workers", "recruitment", "trafficking", "labour law", "CEDAW", "case management"]
PROGRAMME_ORGANISER = "Regional Advocacy Training Programme (synthetic)"


@dataclass
class Organisations:
    """Organisation columns; id 1 is the programme itself, the rest belong to one country each."""

    columns: dict
    by_country: dict[str, np.ndarray]  # country -> organisation ids


def organisations(rng: np.random.Generator, work_countries: np.ndarray) -> Organisations:
    """Return organisations proportionate to the people working in each country."""
    names, types, countries = [PROGRAMME_ORGANISER], [OrgType.NGO], ["AUS"]
    by_country: dict[str, np.ndarray] = {}
    counts = np.bincount(work_countries, minlength=len(COUNTRIES))
    for index, country in enumerate(COUNTRIES):
        amount = max(1, int(counts[index]) // PEOPLE_PER_ORGANISATION)
        first = len(names) + 1
        by_country[country] = np.arange(first, first + amount)
        kinds = rng.choice(len(ORG_TYPES), size=amount, p=ORG_TYPE_SHARES)
        words = rng.integers(0, len(catalogue.ORG_WORDS), amount)
        patterns = rng.integers(0, 1000, amount)
        for serial, (kind, word, pattern) in enumerate(zip(kinds, words, patterns, strict=True), start=1):
            org_type = ORG_TYPES[kind]
            choices = catalogue.ORG_NAME_PATTERNS[org_type]
            base = choices[pattern % len(choices)].format(w=catalogue.ORG_WORDS[word], c=country_name(country))
            # The serial keeps (name, country) unique, as the table requires.
            names.append(f"{base}, office {serial}")
            types.append(org_type)
            countries.append(country)
    columns = {
        "id": np.arange(1, len(names) + 1),
        "name": names,
        "name_key": [fold(name) for name in names],
        "org_type": types,
        "country": countries,
    }
    return Organisations(columns=columns, by_country=by_country)


@cache
def _name_pools(country: str, seed: int) -> tuple[list[str], list[str], list[str]]:
    """Return (women's given names, men's given names, family names) for a nationality."""
    locale = catalogue.FAKER_LOCALES.get(country)
    if locale is None:
        region = catalogue.NAME_REGION.get(country, "south_asia")
        return catalogue.SYNTHETIC_NAMES[region]
    faker = Faker(locale)
    faker.seed_instance(seed)
    return (
        sorted({faker.first_name_female() for _ in range(FAKER_POOL)}),
        sorted({faker.first_name_male() for _ in range(FAKER_POOL)}),
        sorted({faker.last_name() for _ in range(FAKER_POOL)}),
    )


@cache
def _phone_prefix(country: str) -> tuple[str, int] | None:
    """Return a mobile number's international prefix for a country and the digits that follow it."""
    region = alpha2(country)
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE) if region else None
    if example is None:
        return None
    digits = str(example.national_number)
    return f"+{example.country_code}{digits[:3]}", max(1, len(digits) - 3)


@dataclass
class PeoplePlan:
    """The attributes of every person that later tables need, as numpy arrays indexed by id - 1."""

    nationality: np.ndarray  # index into COUNTRIES
    work: np.ndarray  # index into COUNTRIES
    gender: np.ndarray  # index into GENDERS
    organisation: np.ndarray  # organisation id


def plan_people(rng: np.random.Generator, count: int) -> PeoplePlan:
    """Return nationality, country of work and gender of count people."""
    nationality = rng.choice(len(COUNTRIES), size=count, p=COUNTRY_WEIGHTS / COUNTRY_WEIGHTS.sum())
    work = nationality.copy()
    # A quarter of those from countries of origin work in a country of destination.
    abroad = (nationality < len(catalogue.ORIGIN_COUNTRIES)) & (rng.random(count) < 0.25)
    work[abroad] = rng.integers(len(catalogue.ORIGIN_COUNTRIES), len(COUNTRIES), int(abroad.sum()))
    gender = rng.choice(len(GENDERS), size=count, p=GENDER_SHARES)
    return PeoplePlan(nationality=nationality, work=work, gender=gender, organisation=np.zeros(count, dtype=np.int64))


def assign_organisations(rng: np.random.Generator, plan: PeoplePlan, orgs: Organisations) -> None:
    """Give each person an organisation in their country of work."""
    for index, country in enumerate(COUNTRIES):
        members = np.flatnonzero(plan.work == index)
        ids = orgs.by_country[country]
        plan.organisation[members] = ids[rng.integers(0, len(ids), len(members))]


def people_columns(
    rng: np.random.Generator,
    plan: PeoplePlan,
    start: int,
    stop: int,
    first_seen: np.ndarray,
    *,
    seed: int,
    created: object,
) -> dict:
    """Return the person columns for ids start+1..stop (first_seen: each one's first module date)."""
    count = stop - start
    ids = np.arange(start + 1, stop + 1)
    nationality, work, gender = plan.nationality[start:stop], plan.work[start:stop], plan.gender[start:stop]
    given = np.empty(count, dtype=object)
    family = np.empty(count, dtype=object)
    for index, country in enumerate(COUNTRIES):
        rows = np.flatnonzero(nationality == index)
        if not len(rows):
            continue
        women, men, families = (np.array(pool, dtype=object) for pool in _name_pools(country, seed))
        female = (gender[rows] == GENDERS.index(Gender.FEMALE)) | (
            (gender[rows] != GENDERS.index(Gender.MALE)) & (rng.random(len(rows)) < 0.5)
        )
        first = np.where(
            female, women[rng.integers(0, len(women), len(rows))], men[rng.integers(0, len(men), len(rows))]
        )
        # Some carry a second given name: more distinct names for the searches to tell apart.
        second = np.where(
            female, women[rng.integers(0, len(women), len(rows))], men[rng.integers(0, len(men), len(rows))]
        )
        double = (rng.random(len(rows)) < 0.3) & (second != first)
        given[rows] = np.where(double, first + " " + second, first)
        family[rows] = families[rng.integers(0, len(families), len(rows))]
    full = given + " " + family
    keys = {name: name_key(name) for name in set(full.tolist())}
    sorts = {name: sort_name(name) for name in keys}
    folded = {name: fold(name).replace(" ", ".") for name in set(given.tolist()) | set(family.tolist())}
    listed = rng.random(count) < 0.8
    return {
        "id": ids,
        "given_name": given.tolist(),
        "family_name": family.tolist(),
        "full_name": full.tolist(),
        "name_key": [keys[name] for name in full.tolist()],
        "sort_name": [sorts[name] for name in full.tolist()],
        "gender": [GENDERS[g] for g in gender.tolist()],
        "nationality": [COUNTRIES[n] for n in nationality.tolist()],
        "country_of_work": [COUNTRIES[w] for w in work.tolist()],
        "organisation_id": plan.organisation[start:stop],
        "position": [POSITIONS[p] for p in rng.integers(0, len(POSITIONS), count).tolist()],
        "email": [
            f"{folded[g]}.{folded[f]}.{i}@example.org"
            for g, f, i in zip(given.tolist(), family.tolist(), ids.tolist(), strict=True)
        ],
        "phone": _phones(rng, nationality),
        "languages": [_languages(n, w) for n, w in zip(nationality.tolist(), work.tolist(), strict=True)],
        "expertise": [EXPERTISE[e] for e in rng.integers(0, len(EXPERTISE), count).tolist()],
        "consent_listed": listed,
        "consent_email": listed & (rng.random(count) < 0.75),
        "consent_phone": listed & (rng.random(count) < 0.5),
        "consent_organisation": listed & (rng.random(count) < 0.9),
        "consent_photo": rng.random(count) < 0.3,
        "consent_date": first_seen[start:stop].astype(object),
        "consent_source": Constant("registration form"),
        "created_at": Constant(created),
        "updated_at": Constant(created),
    }


def _phones(rng: np.random.Generator, nationality: np.ndarray) -> list[str | None]:
    numbers: list[str | None] = [None] * len(nationality)
    missing = rng.random(len(nationality)) < 0.1
    tails = rng.integers(0, 10**9, len(nationality))
    for row, (country, tail, gap) in enumerate(
        zip(nationality.tolist(), tails.tolist(), missing.tolist(), strict=True)
    ):
        prefix = _phone_prefix(COUNTRIES[country])
        if prefix and not gap:
            numbers[row] = f"{prefix[0]}{tail % 10 ** prefix[1]:0{prefix[1]}d}"
    return numbers


@cache
def _languages(nationality: int, work: int) -> str:
    names = ["English", catalogue.LANGUAGES.get(COUNTRIES[nationality], "English")]
    names.append(catalogue.LANGUAGES.get(COUNTRIES[work], "English"))
    return ", ".join(dict.fromkeys(names))


def first_module_dates(person_ids: np.ndarray, module_starts: np.ndarray, count: int) -> np.ndarray:
    """Return each person's first module start date (datetime64[D]); consent is given at registration."""
    first = np.full(count, np.datetime64(date(2100, 1, 1)), dtype="datetime64[D]")
    np.minimum.at(first, person_ids - 1, module_starts)
    return first
