"""Migration corridors: which countries send migrant workers and which receive them."""

from __future__ import annotations

# Countries of origin and of destination along the corridors these courses work on (ISO alpha-3).
ORIGIN_COUNTRIES = [
    "NPL",
    "BGD",
    "PHL",
    "IDN",
    "KHM",
    "MMR",
    "VNM",
    "LKA",
    "IND",
    "PAK",
    "TLS",
    "LAO",
]
DESTINATION_COUNTRIES = [
    "MYS",
    "THA",
    "SGP",
    "HKG",
    "LBN",
    "JOR",
    "SAU",
    "ARE",
    "QAT",
    "KOR",
    "AUS",
]
ORIGIN = "origin"
DESTINATION = "destination"
UNKNOWN = "unknown"


def corridor_side(nationality: str | None, country_of_work: str | None) -> str:
    """Return "origin", "destination" or "unknown" for where a participant works.

    Someone working outside their own country works in a destination country (a Nepali advocate in
    Kuala Lumpur); otherwise the country of work (or nationality) decides by the lists above.
    """
    if nationality and country_of_work and nationality != country_of_work:
        return DESTINATION
    country = country_of_work or nationality
    if country in DESTINATION_COUNTRIES:
        return DESTINATION
    if country in ORIGIN_COUNTRIES:
        return ORIGIN
    return UNKNOWN
