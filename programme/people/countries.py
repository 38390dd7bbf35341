"""Countries as ISO 3166-1 alpha-3 codes, from names, codes, variants and misspellings."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from programme.people.names import fold

# Names people write that pycountry does not know, or knows under another name.
ALIASES: dict[str, str] = {
    "burma": "MMR",
    "myanmar burma": "MMR",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "south korea": "KOR",
    "korea": "KOR",
    "republic of korea": "KOR",
    "korea south": "KOR",
    "north korea": "PRK",
    "timor leste": "TLS",
    "east timor": "TLS",
    "laos": "LAO",
    "lao pdr": "LAO",
    "hong kong": "HKG",
    "hong kong sar": "HKG",
    "hong kong sar china": "HKG",
    "hongkong": "HKG",
    "macau": "MAC",
    "macao sar china": "MAC",
    "taiwan": "TWN",
    "brunei": "BRN",
    "iran": "IRN",
    "syria": "SYR",
    "russia": "RUS",
    "uae": "ARE",
    "emirates": "ARE",
    "ksa": "SAU",
    "saudi": "SAU",
    "uk": "GBR",
    "england": "GBR",
    "great britain": "GBR",
    "usa": "USA",
    "us": "USA",
    "united states of america": "USA",
    "america": "USA",
    "the philippines": "PHL",
    "phillipines": "PHL",
    "philipines": "PHL",
    "filipino": "PHL",
    "nepali": "NPL",
    "nepalese": "NPL",
    "bangladeshi": "BGD",
    "indonesian": "IDN",
    "malaysian": "MYS",
    "cambodian": "KHM",
    "kampuchea": "KHM",
    "thai": "THA",
    "vietnamese": "VNM",
    "myanmar": "MMR",
    "sri lankan": "LKA",
    "srilanka": "LKA",
    "indian": "IND",
    "pakistani": "PAK",
    "lebanese": "LBN",
    "palestine": "PSE",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "czech republic": "CZE",
    "turkey": "TUR",
    "ivory coast": "CIV",
    "cote d ivoire": "CIV",
    "swaziland": "SWZ",
    "macedonia": "MKD",
    "micronesia": "FSM",
}

# Below this Jaro-Winkler similarity a close name is not offered as a suggestion.
SUGGESTION_CUTOFF = 0.85
# At or above this similarity a misspelling is taken as the country without asking.
ACCEPT_CUTOFF = 0.93


@dataclass(frozen=True)
class CountryMatch:
    """The outcome of reading a country: a code, or a suggestion when only close."""

    code: str | None
    suggestion: str | None = None


def _fold(text: str) -> str:
    # As a name is folded: the vowel signs of Devanagari or Myanmar kept ("ဂါနာ" Ghana is not "ဂီနီ" Guinea, nor
    # "टोगो" Togo "टोंगा" Tonga).
    return fold(text)


@lru_cache(maxsize=1)
def _name_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[_fold(value)] = country.alpha_3
    table.update(ALIASES)
    return table


# The languages a partner's list may name countries in, beyond English: those of the programme's countries of origin
# and of work (South and South-East Asia, the Gulf and the Middle East) and the widely used ones. pycountry carries
# each one's translation of ISO 3166 ("Liban" in French, "Arab Saudi" in Indonesian, "Líbano" in Spanish).
OTHER_LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "es": "Spanish",
    "fa": "Persian",
    "fil": "Filipino",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "km": "Khmer",
    "ko": "Korean",
    "lo": "Lao",
    "ms": "Malay",
    "my": "Burmese",
    "ne": "Nepali",
    "nl": "Dutch",
    "pt": "Portuguese",
    "pt_BR": "Portuguese",
    "ru": "Russian",
    "si": "Sinhala",
    "sw": "Swahili",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh_CN": "Chinese",
    "zh_HK": "Chinese",
    "zh_TW": "Chinese",
}


@dataclass(frozen=True)
class ForeignName:
    """A country's name in languages other than English: its code and the languages that name it so."""

    code: str
    languages: tuple[str, ...]


@lru_cache(maxsize=1)
def _other_languages_table() -> dict[str, ForeignName]:
    """Return {folded name: ForeignName} over OTHER_LANGUAGES, without the names English already has and without
    a name two languages give to different countries (a translation's slip, or a true clash): those are not read."""
    codes: dict[str, set[str]] = {}
    languages: dict[str, dict[str, None]] = {}
    english = _name_table()
    for language, language_name in OTHER_LANGUAGES.items():
        try:
            translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(country, attr, None)
                if not value:
                    continue
                key = _fold(translation.gettext(value))
                if key and key not in english:
                    codes.setdefault(key, set()).add(country.alpha_3)
                    languages.setdefault(key, {})[language_name] = None
    return {
        key: ForeignName(next(iter(found)), tuple(languages[key])) for key, found in codes.items() if len(found) == 1
    }


def foreign_name(text: str) -> ForeignName | None:
    """Return the country text names in another language than English ("Liban": Lebanon, in French), as typed;
    None when it is not one (or is English)."""
    return _other_languages_table().get(_fold(text)) if text and text.strip() else None


@lru_cache(maxsize=4096)
def match_country(value: object) -> CountryMatch:
    """Return the alpha-3 code for a name, alpha-2/alpha-3 code, variant, its name in another language or near
    misspelling."""
    if value is None:
        return CountryMatch(None)
    raw = str(value).strip()
    if not raw:
        return CountryMatch(None)
    if raw.isalpha() and len(raw) in (2, 3):
        found = pycountry.countries.get(**{"alpha_2" if len(raw) == 2 else "alpha_3": raw.upper()})
        if found is not None:
            return CountryMatch(found.alpha_3)
    folded = _fold(raw)
    table = _name_table()
    if folded in table:
        return CountryMatch(table[folded])
    # Before any closeness: "Liban" is Lebanon's French name, not a misspelling of Libya.
    foreign = _other_languages_table().get(folded)
    if foreign is not None:
        return CountryMatch(foreign.code)
    best = process.extractOne(folded, table.keys(), scorer=JaroWinkler.normalized_similarity)
    if best is None:
        return CountryMatch(None)
    key, score, _ = best
    if score >= ACCEPT_CUTOFF:
        return CountryMatch(table[key])
    if score >= SUGGESTION_CUTOFF:
        return CountryMatch(None, suggestion=country_name(table[key]))
    return CountryMatch(None)


def country_named(text: str) -> str | None:
    """Return the alpha-3 code when text is a country's name or a common variant of it, as typed (no codes or
    guesses: "and" is not Andorra, "Malaysi" is not Malaysia); else None."""
    return _name_table().get(_fold(text)) if text and text.strip() else None


@lru_cache(maxsize=16)
def _names_in(language: str) -> dict[str, str]:
    """Return {folded name: alpha-3} of the countries as a language names them (pycountry's translations of ISO 3166:
    "Liban", "لبنان", "Filipinas"); empty for English or a language it has no translation for."""
    if language == "en":
        return {}
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_fold(translation.gettext(value)), country.alpha_3)
    return table


def country_named_in(text: str, language: str) -> str | None:
    """Return the alpha-3 code when text is a country's name in a language ("Liban" in French), as typed; else
    None."""
    return _names_in(language).get(_fold(text)) if text and text.strip() else None


def known_code(text: str) -> bool:
    """Return whether text is an ISO 3166-1 alpha-3 code as the records hold one ("THA"; not "tha")."""
    return len(text) == 3 and text.isupper() and pycountry.countries.get(alpha_3=text) is not None


def to_alpha3(value: object) -> str | None:
    """Return the alpha-3 code for value, or None when it is not recognisably a country."""
    return match_country(value).code


@lru_cache(maxsize=512)
def country_name(code: object) -> str:
    """Return the short English name for an alpha-3 code ('' for any missing value, the code if unknown).

    pandas 3 gives NaN (or pd.NA) for a missing country in a column that has others: both are missing here."""
    if not isinstance(code, str) or not code:
        return ""
    found = pycountry.countries.get(alpha_3=code)
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def alpha2(code: str | None) -> str | None:
    """Return the alpha-2 code for an alpha-3 code (phone numbers need it)."""
    if not code:
        return None
    found = pycountry.countries.get(alpha_3=code)
    return found.alpha_2 if found else None
