"""Normalisers for one cell each: gender, e-mail, phone, organisation type, attendance marks, free text.

Each returns the normalised value, None for a blank, or raises CellError with a message a facilitator
understands; validate.py turns those into errors named by row and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from programme.importing.vocabulary import Vocabulary
from programme.models import Gender, OrgType, ParticipationRole
from programme.people.countries import alpha2, match_country
from programme.people.names import fold, without_bidi_controls
from programme.selfservice.labels import LANGUAGES, labels

# Cells that people type to mean "nothing here".
BLANK_MARKERS = frozenset({"", "-", "--", "n/a", "na", "n.a.", "none", "nil", "null", "not applicable", "."})
# Control characters (NUL above all: PostgreSQL refuses it in text) are replaced by spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
# A practical e-mail check: one @, no spaces, a dot in the domain, a 2+ letter top-level domain.
_EMAIL = re.compile(
    r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$"
)
_EMAIL_SEPARATORS = re.compile(r"[;,/\s]+")
# E.164 allows at most 15 digits; shorter than 7 is not a phone number anywhere.
E164_MAX_DIGITS = 15
PHONE_MIN_DIGITS = 7


class CellError(ValueError):
    """A value present in a cell that cannot be used; the message says why."""


class UnknownValue(CellError):
    """A value of a controlled field that none of the field's words, rules or close spellings explains.

    In an optional descriptive field (gender, organisation type) an import stores it as not recorded and warns.
    """


def clean(value: object) -> str:
    """Return value as NFC text, control and bidirectional control characters removed, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, str) and _already_clean(value):
        return value  # the reader's cells nearly always are: skip the regexes
    text = without_bidi_controls(unicodedata.normalize("NFC", str(value)).replace("\u00a0", " "))
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _already_clean(text: str) -> bool:
    # isprintable() is False for control characters, tabs, newlines and non-breaking spaces.
    return (
        text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


def all_clean(texts: Collection[str]) -> bool:
    """Return whether clean() returns each of the texts as it is: _already_clean for all at once."""
    # A newline between texts: not printable itself, it keeps each text's spaces and accents apart.
    joined = "\n".join(texts)
    return (
        "".join(texts).isprintable()
        and "  " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
        and "\n " not in joined
        and " \n" not in joined
        and (joined.isascii() or unicodedata.is_normalized("NFC", joined))
    )


def is_blank(text: str) -> bool:
    """Return whether a cleaned cell means "nothing" ('', '-', 'N/A'...)."""
    return text.casefold() in BLANK_MARKERS


# casefold() never shortens a text, so a text longer than every marker is not blank (and need not be folded).
_LONGEST_MARKER = max(map(len, BLANK_MARKERS))


def blanks(texts: list[str]) -> list[bool]:
    """Return is_blank(text) for each of a column's texts."""
    markers, longest = BLANK_MARKERS, _LONGEST_MARKER
    blank = {text for text in set(texts) if len(text) <= longest and text.casefold() in markers}
    if not blank:
        return [False] * len(texts)
    return [text in blank for text in texts]


def form_words(field: str) -> dict[str, str]:
    """Return the participants' forms' own words for a field's values in every shipped language ("genders",
    "org_types" in programme/selfservice/labels/*.json), each as the value it stands for: "أنثى" → "female",
    "منظمة غير حكومية" → "NGO". A sheet typed from the form in Arabic or Thai reads back as the form wrote it."""
    words: dict[str, str] = {}
    for language in LANGUAGES:
        for value, word in dict(labels(language).get(field, {})).items():  # type: ignore[call-overload]
            words[str(word)] = str(value)
            # "Avocats / barreau", "ONU / organisation internationale": a sheet may hold either part alone.
            parts = [part.strip() for part in str(word).split(" / ")]
            for part in parts if len(parts) > 1 else ():
                words.setdefault(part, str(value))
    return words


# Women, men: the words of the languages the programme's advocates write in (their countries of origin and of work),
# where the forms' own languages (above) do not have them. Only words that mean the one gender wherever they are
# written in a gender column; single Latin letters (French "H" for homme) are left out.
OTHER_LANGUAGES_GENDERS: dict[Gender, tuple[str, ...]] = {
    Gender.FEMALE: (
        "feminino", "mulher",  # Portuguese
        "femenino",  # Spanish
        "féminin",  # French
        "wanita",  # Indonesian
        "babae",  # Tagalog
        "nữ",  # Vietnamese
        "महिला",  # Nepali, Hindi
        "নারী", "মহিলা",  # Bengali
        "ස්ත්‍රී", "ගැහැණු",  # Sinhala
        "பெண்",  # Tamil
        "မ",  # Burmese
        "ស្រី",  # Khmer
        "امرأة",  # Arabic
        "عورت", "خاتون",  # Urdu
        "ሴት",  # Amharic
        "เพศหญิง",  # Thai
    ),
    Gender.MALE: (
        "masculino", "homem",  # Portuguese, Spanish
        "masculin",  # French
        "pria",  # Indonesian
        "lelaki",  # Malay
        "lalaki",  # Tagalog
        "nam",  # Vietnamese
        "पुरुष",  # Nepali, Hindi
        "পুরুষ",  # Bengali
        "පුරුෂ", "පිරිමි",  # Sinhala
        "ஆண்",  # Tamil
        "ကျား",  # Burmese
        "ប្រុស",  # Khmer
        "رجل",  # Arabic
        "مرد",  # Urdu
        "ወንድ",  # Amharic
        "เพศชาย",  # Thai
    ),
}  # fmt: skip

GENDER_WORDS: dict[str, Gender] = {
    **{word: Gender(value) for word, value in form_words("genders").items()},
    **{word: gender for gender, words in OTHER_LANGUAGES_GENDERS.items() for word in words},
    **dict.fromkeys(
        ["f", "female", "woman", "women", "w", "fem", "femme", "mujer", "perempuan", "p", "girl"], Gender.FEMALE
    ),
    **dict.fromkeys(["m", "male", "man", "men", "homme", "hombre", "laki laki", "l", "boy"], Gender.MALE),
    **dict.fromkeys(
        ["o", "other", "non binary", "nonbinary", "nb", "x", "third gender", "non binary other", "diverse"],
        Gender.NON_BINARY_OTHER,
    ),
    **dict.fromkeys(
        ["prefer not to say", "undisclosed", "not disclosed", "unknown", "rather not say", "u"], Gender.UNDISCLOSED
    ),
}


GENDERS: Vocabulary[Gender] = Vocabulary.of(
    {**{member.value: member for member in Gender}, **GENDER_WORDS},
    [
        (["female", "woman", "women", "feminine"], Gender.FEMALE),
        (["male", "man", "men", "masculine"], Gender.MALE),
        (["nonbinary", "binary", "genderqueer", "agender"], Gender.NON_BINARY_OTHER),
        (["prefer", "disclose", "undisclosed"], Gender.UNDISCLOSED),
    ],
    fuzzy=True,
)


@lru_cache(maxsize=256)
def gender(text: str) -> Gender | None:
    """Return the gender a cell means ("F", "female", "Male", "O"...), None when blank; UnknownValue if unknown."""
    if is_blank(text):
        return None
    found = GENDERS.read(text).value
    if found is None:
        raise UnknownValue(f"'{text}' is not a gender we recognise; use female, male, non-binary/other or undisclosed.")
    return found


@lru_cache(maxsize=1024)
def country(text: str) -> str | None:
    """Return the ISO alpha-3 code of a country cell, None when blank; suggests a close name when unsure."""
    if is_blank(text):
        return None
    found = match_country(text)
    if found.code:
        return found.code
    hint = f" Did you mean {found.suggestion}?" if found.suggestion else ""
    raise CellError(f"'{text}' is not a country we recognise.{hint}")


def email(text: str) -> str | None:
    """Return the e-mail address lower-cased (the first one when a cell lists several), None when blank."""
    if is_blank(text):
        return None
    lowered = text.casefold().strip("<>").removeprefix("mailto:")
    if _EMAIL.match(lowered) and not _EMAIL_SEPARATORS.search(lowered) and lowered == lowered.strip("<>()\"'"):
        return lowered  # one plain address: what the general reading below would return, sooner
    parts = [part.strip("<>()\"'") for part in _EMAIL_SEPARATORS.split(lowered) if part]
    addresses = [part for part in parts if "@" in part]
    if addresses and all(_EMAIL.match(address) for address in addresses):
        return addresses[0]
    raise CellError(f"'{text}' is not a valid e-mail address.")


# The e-mails whose reading is the text lower-cased (email()'s fast path), as RE2 for pyarrow: an ASCII address of
# _EMAIL's characters without a separator (/), not starting with a quote (which email() strips).
_PLAIN_EMAIL_RE2 = (
    r"^[a-z0-9.!#$%&*+=?^_`{|}~-][a-z0-9.!#$%&'*+=?^_`{|}~-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$"
)


def plain_emails(texts: list[str]) -> list[str | None]:
    """Return, for each text, email(text) when the text is one plain address (its lower case), else None.

    One pass over the column in Arrow's compute functions; the others are read by email() one by one.
    """
    column = pa.array(texts, pa.large_string())
    lowered = pc.utf8_lower(column)  # the same as casefold() for ASCII text
    plain = pc.and_(pc.string_is_ascii(column), pc.match_substring_regex(lowered, _PLAIN_EMAIL_RE2))
    return pc.if_else(plain, lowered, pa.scalar(None, pa.large_string())).to_pylist()


# The numbers phone_reading() reads without a country: "+" and 7 to 15 digits among spaces, dots, dashes, slashes.
_INTERNATIONAL_RE2 = r"^\+[0-9+\-./ ]*$"


def international_phones(texts: list[str]) -> list[str | None]:
    """Return, for each text, phone_reading(text) when it is an international number in E.164, else None.

    One pass over the column in Arrow's compute functions; the others are read by phone_reading() one by one.
    """
    column = pa.array(texts, pa.large_string())
    digits = pc.replace_substring_regex(column, "[^0-9]", "")
    count = pc.utf8_length(digits)
    marks = pc.and_(pc.string_is_ascii(column), pc.match_substring_regex(column, _INTERNATIONAL_RE2))
    fits = pc.and_(pc.greater_equal(count, PHONE_MIN_DIGITS), pc.less_equal(count, E164_MAX_DIGITS))
    e164 = pc.replace_substring_regex(digits, "^", "+", max_replacements=1)
    return pc.if_else(pc.and_(marks, fits), e164, pa.scalar(None, pa.large_string())).to_pylist()


def phone(text: str, *countries: str | None) -> str | None:
    """Return the number in E.164 ("+60123456789") when it can be read, else as typed; None when blank.

    A number written with "+" is already international; others are read with the first country given.
    """
    reading = phone_reading(text)
    if reading is NEEDS_REGION:
        return phone_in_region(text, countries)
    return reading  # type: ignore[return-value]


# What phone_reading returns for a number that only a country (its region) can make international.
NEEDS_REGION = object()
_NOT_ASCII_DIGIT = re.compile(r"[^0-9]")
_ASCII_PHONE_MARKS = re.compile(r"[0-9+\-./ ]*")


def phone_reading(text: str) -> str | None | object:
    """Return what a phone cell says whatever the country: None (blank), E.164 ("+94 201 071-364" is
    "+94201071364"), or NEEDS_REGION; raise CellError when it has too few digits to be a number."""
    if is_blank(text):
        return None
    # For ASCII text, str.isdigit() is exactly 0-9: a regex gives the same digits, faster.
    digits = _NOT_ASCII_DIGIT.sub("", text) if text.isascii() else "".join(ch for ch in text if ch.isdigit())
    if len(digits) < PHONE_MIN_DIGITS:
        raise CellError(f"'{text}' is not a phone number.")
    # Fast path (phonenumbers costs ~50 µs a number).
    if text.startswith("+") and "(" not in text and len(digits) <= E164_MAX_DIGITS and _only_phone_marks(text):
        return "+" + digits
    return NEEDS_REGION


def phone_in_region(text: str, countries: tuple[str | None, ...]) -> str:
    """Return the number read with the first country (alpha-3) in whose numbering plan it is a number, else as typed.

    A number of the right length is not enough: "0812 345" typed in Malaysia is of a possible length there, but no
    Malaysian number, and "+600812345" would be a number nobody has; kept as typed, it can still be read and mended.
    """
    for code in countries:
        region = alpha2(code) if code else None
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


def _only_phone_marks(text: str) -> bool:
    if text.isascii():
        return _ASCII_PHONE_MARKS.fullmatch(text) is not None
    return all(ch.isdigit() or ch in "+ -./" for ch in text)


# Organisation types in the words of partners' lists in French, Spanish, Portuguese, Indonesian and Arabic, where the
# forms' own words (above) do not have them: the whole text is one of these.
OTHER_LANGUAGES_ORG_TYPES: dict[OrgType, tuple[str, ...]] = {
    OrgType.NGO: (
        "organisation non gouvernementale", "organización no gubernamental", "organização não governamental",
        "lembaga swadaya masyarakat", "organisasi non pemerintah",
    ),
    OrgType.TRADE_UNION: ("serikat pekerja", "نقابة"),
    OrgType.FAITH_BASED: ("église", "iglesia", "igreja", "gereja", "masjid", "كنيسة"),
    OrgType.LAWYERS: (
        "avocat", "abogado", "advogados", "advokat", "lembaga bantuan hukum", "colegio de abogados",
        "نقابة المحامين", "محامي",
    ),
    OrgType.NHRI: ("komnas ham", "suhakam", "defensoría del pueblo", "commission nationale des droits de l'homme"),
    OrgType.DIPLOMATIC_MISSION: (
        "ambassade", "consulat", "embajada", "consulado", "embaixada", "kedutaan besar", "konsulat jenderal",
        "سفارة", "السفارة", "قنصلية",
    ),
    OrgType.UN_IO: ("onu", "nations unies", "naciones unidas", "nações unidas", "pbb", "oit", "oim"),
    OrgType.ACADEMIA: ("universitas", "universidade", "universidad"),
    OrgType.BUSINESS: ("perusahaan", "شركة"),
    OrgType.MEDIA: ("médias", "medios", "média"),
}  # fmt: skip

ORG_TYPE_WORDS: dict[str, OrgType] = {
    **{fold(word): OrgType(value) for word, value in form_words("org_types").items()},
    **{fold(word): org for org, words in OTHER_LANGUAGES_ORG_TYPES.items() for word in words},
    **{fold(member.value): member for member in OrgType},
    **dict.fromkeys(
        [
            "ngo",
            "ingo",
            "international ngo",
            "local ngo",
            "national ngo",
            "non governmental organisation",
            "non governmental organization",
            "cso",
            "civil society",
            "civil society organisation",
            "civil society organization",
            "csos",
            "ngos",
        ],
        OrgType.NGO,
    ),
    **dict.fromkeys(
        ["trade union", "union", "labour union", "labor union", "workers union", "tu", "trade unions"],
        OrgType.TRADE_UNION,
    ),
    **dict.fromkeys(
        [
            "faith based",
            "faith based organisation",
            "faith based organization",
            "fbo",
            "church",
            "religious organisation",
            "religious organization",
        ],
        OrgType.FAITH_BASED,
    ),
    **dict.fromkeys(
        [
            "migrant association",
            "migrant organisation",
            "migrant organization",
            "migrant community",
            "migrant community organization",
            "migrant workers association",
            "migrant group",
            "community based organisation",
            "community based organization",
            "cbo",
        ],
        OrgType.MIGRANT_COMMUNITY,
    ),
    **dict.fromkeys(
        ["lawyer", "lawyers", "bar", "bar council", "bar association", "law firm", "legal aid", "lawyers bar"],
        OrgType.LAWYERS,
    ),
    **dict.fromkeys(
        ["nhri", "national human rights institution", "human rights commission", "national human rights commission"],
        OrgType.NHRI,
    ),
    **dict.fromkeys(["government", "govt", "gov", "ministry", "public sector", "state agency"], OrgType.GOVERNMENT),
    **dict.fromkeys(["embassy", "consulate", "diplomatic mission", "high commission"], OrgType.DIPLOMATIC_MISSION),
    **dict.fromkeys(
        ["un", "io", "un io", "un agency", "international organisation", "international organization", "un body"],
        OrgType.UN_IO,
    ),
    **dict.fromkeys(["academic", "academia", "university", "research", "research institute"], OrgType.ACADEMIA),
    **dict.fromkeys(["business", "private sector", "company", "employer", "corporate"], OrgType.BUSINESS),
    **dict.fromkeys(["media", "journalist", "press"], OrgType.MEDIA),
}


# Words that, inside a longer text ("Lawyers network", "Faith-based group"), name one organisation type. A text
# whose words point to two types ("migrant workers union") is unknown: nothing is guessed.
ORG_TYPE_RULES: list[tuple[list[str], OrgType]] = [
    (["ngo", "ngos", "ingo", "cso", "csos", "nongovernmental", "nongovernment"], OrgType.NGO),
    (["union", "unions", "unionist", "unionists"], OrgType.TRADE_UNION),
    (["faith", "church", "churches", "religious", "mosque", "parish", "diocese", "interfaith"], OrgType.FAITH_BASED),
    (["migrant", "migrants", "diaspora"], OrgType.MIGRANT_COMMUNITY),
    (
        ["lawyer", "lawyers", "bar", "legal", "law", "advocates", "attorneys", "paralegal", "paralegals"],
        OrgType.LAWYERS,
    ),
    (["nhri", "ombudsman", "ombudsperson"], OrgType.NHRI),
    (["government", "governmental", "ministry", "govt", "municipal", "municipality"], OrgType.GOVERNMENT),
    (["embassy", "consulate", "consular"], OrgType.DIPLOMATIC_MISSION),
    (["unicef", "ilo", "iom", "unhcr", "ohchr", "undp", "unwomen", "intergovernmental"], OrgType.UN_IO),
    (["university", "academic", "academia", "college", "institute", "researcher", "researchers"], OrgType.ACADEMIA),
    (["company", "business", "corporate", "enterprise", "firm"], OrgType.BUSINESS),
    (["media", "journalist", "journalists", "newspaper", "radio", "television", "press"], OrgType.MEDIA),
    # The same words in French, Spanish, Portuguese, Indonesian, Arabic: "Syndicat des travailleurs domestiques",
    # "KBRI Beirut" (Indonesia's embassy), "LBH Jakarta" (a legal aid institute), "Caritas Liban". Never a word
    # for government there ("organisasi non-pemerintah" is an NGO) but a ministry's.
    (["syndicat", "syndicats", "sindicato", "sindicatos", "serikat"], OrgType.TRADE_UNION),
    (["migran", "migrante", "migrantes"], OrgType.MIGRANT_COMMUNITY),  # "Serikat Buruh Migran": two ways, asked
    (
        ["eglise", "iglesia", "igreja", "gereja", "masjid", "mosquee", "mezquita", "caritas", "كنيسة"],
        OrgType.FAITH_BASED,
    ),
    (
        ["avocat", "avocats", "barreau", "abogado", "abogados", "advogados", "pengacara", "advokat", "lbh"],
        OrgType.LAWYERS,
    ),
    (["komnas", "suhakam", "defensoria"], OrgType.NHRI),
    (["ministere", "ministerio", "kementerian", "وزارة"], OrgType.GOVERNMENT),
    (
        [
            "ambassade",
            "consulat",
            "embajada",
            "consulado",
            "embaixada",
            "kedutaan",
            "kbri",
            "kjri",
            "سفارة",
            "السفارة",
            "قنصلية",
        ],
        OrgType.DIPLOMATIC_MISSION,
    ),
    (["onu", "oit", "oim", "pbb"], OrgType.UN_IO),
    (["universite", "universidad", "universidade", "universitas", "جامعة"], OrgType.ACADEMIA),
    (["entreprise", "empresa", "perusahaan"], OrgType.BUSINESS),
    (["medios", "prensa", "presse"], OrgType.MEDIA),
]
ORG_TYPES: Vocabulary[OrgType] = Vocabulary.of(ORG_TYPE_WORDS, ORG_TYPE_RULES)
# "Non-government(al)", "non governmental": one word, so that the rule for "government" never reads an NGO as one.
_NON_GOVERNMENT = re.compile(r"\bnon[\s_-]*(?=govern)", re.IGNORECASE)


@lru_cache(maxsize=256)
def org_type(text: str) -> OrgType | None:
    """Return the controlled organisation type a cell means ("INGO" is NGO...), None when blank.

    Raises UnknownValue when neither the words, the rules nor a close spelling say which type it is.
    """
    if is_blank(text):
        return None
    found = ORG_TYPES.read(_NON_GOVERNMENT.sub("non", text)).value
    if found is None:
        allowed = ", ".join(member.value for member in OrgType)
        raise UnknownValue(f"'{text}' is not an organisation type we recognise; use one of: {allowed}.")
    return found


ROLE_WORDS: dict[str, ParticipationRole] = {
    **{fold(member.value): member for member in ParticipationRole},
    "trainer": ParticipationRole.FACILITATOR,
    "resource": ParticipationRole.RESOURCE_PERSON,
    "speaker": ParticipationRole.RESOURCE_PERSON,
    "trainee": ParticipationRole.PARTICIPANT,
    "organizer": ParticipationRole.ORGANISER,
}


ROLES: Vocabulary[ParticipationRole] = Vocabulary.of(
    ROLE_WORDS,
    [
        (["participant", "participants", "trainee", "trainees", "delegate", "learner"], ParticipationRole.PARTICIPANT),
        (["facilitator", "facilitators", "trainer", "trainers", "moderator"], ParticipationRole.FACILITATOR),
        (["resource", "speaker", "speakers", "panelist", "panellist", "expert", "presenter"],
         ParticipationRole.RESOURCE_PERSON),
        (["observer", "observers"], ParticipationRole.OBSERVER),
        (["organiser", "organizer", "organisers", "organizers", "secretariat"], ParticipationRole.ORGANISER),
        # The same roles in partners' French, Spanish, Portuguese, Indonesian and Arabic lists.
        (["participante", "participantes", "peserta", "مشارك", "مشاركة", "مشاركون"], ParticipationRole.PARTICIPANT),
        (["facilitateur", "facilitatrice", "formateur", "formatrice", "facilitador", "facilitadora", "formador",
          "formadora", "capacitador", "capacitadora", "fasilitator", "pelatih", "ميسر", "ميسرة", "مدرب", "مدربة"],
         ParticipationRole.FACILITATOR),
        (["ressource", "intervenant", "intervenante", "ponente", "conferencista", "expositor", "expositora",
          "palestrante", "experto", "experta", "narasumber", "pembicara", "متحدث", "متحدثة"],
         ParticipationRole.RESOURCE_PERSON),
        (["observateur", "observatrice", "observador", "observadora", "pengamat", "مراقب"], ParticipationRole.OBSERVER),
        (["organisateur", "organisatrice", "organizador", "organizadora", "panitia", "penyelenggara", "منظم"],
         ParticipationRole.ORGANISER),
    ],
)  # fmt: skip


@lru_cache(maxsize=64)
def role(text: str) -> ParticipationRole | None:
    """Return the role in the module a cell means, None when blank."""
    if is_blank(text):
        return None
    found = ROLES.read(text).value
    if found is None:
        allowed = ", ".join(member.value for member in ParticipationRole)
        raise CellError(f"'{text}' is not a role in a module; use one of: {allowed}.")
    return found


# With the words of partners' French, Spanish, Portuguese, Indonesian and Arabic sheets ("Présent", "Hadir", "حاضر").
PRESENT_MARKS = frozenset(
    {"x", "1", "yes", "y", "p", "present", "attended", "true", "v", "✓", "✔", "☑", "ok",
     "présent", "présente", "presente", "oui", "sí", "si", "sim", "hadir", "ya", "حاضر", "حاضرة", "نعم"}
)  # fmt: skip
ABSENT_MARKS = frozenset(
    {"", "0", "no", "n", "a", "absent", "-", "false", "—",
     "absente", "ausente", "non", "não", "tidak hadir", "tidak", "غائب", "غائبة", "لا"}
)  # fmt: skip


@lru_cache(maxsize=64)
def day_mark(text: str) -> bool:
    """Return whether an attendance cell marks the person present ("x", "1", "yes"...; blank is absent)."""
    mark = text.strip().casefold()
    if mark in PRESENT_MARKS:
        return True
    if mark in ABSENT_MARKS:
        return False
    raise CellError(f"'{text}' is not an attendance mark; use x (or 1, yes) for present and leave absent days blank.")


ATTENDED_WORDS: dict[str, bool] = {
    **dict.fromkeys(["yes", "y", "true", "1", "attended", "present", "checked in", "x", "joined"], True),
    **dict.fromkeys(["no", "n", "false", "0", "absent", "not attended", "did not attend", "not checked in"], False),
    **dict.fromkeys(["oui", "si", "sim", "ya", "present", "presente", "hadir", "نعم", "حاضر"], True),
    **dict.fromkeys(["non", "nao", "tidak", "ausente", "tidak hadir", "لا", "غائب"], False),
}
ATTENDED: Vocabulary[bool] = Vocabulary.of(ATTENDED_WORDS, fuzzy=False)


@lru_cache(maxsize=64)
def attended(text: str) -> bool | None:
    """Return whether an "Attended" / "Checked in" cell says the person came (Zoom's Yes/No), None when blank."""
    if is_blank(text) and text.strip().casefold() not in ("n", "no"):
        return None
    found = ATTENDED.read(text).value
    if found is None:
        raise CellError(f"'{text}' does not say whether the person attended; use Yes or No.")
    return found


# Answers to a consent question, folded: yes, no. Anything else is unclear, and consent is then not set.
CONSENT_YES = frozenset(
    {"yes", "y", "true", "1", "x", "ok", "agree", "i agree", "agreed", "i consent", "consent", "yes i agree",
     "yes i consent", "yes please", "oui", "si", "ya", "✓", "✔", "☑"}
)  # fmt: skip
CONSENT_NO = frozenset(
    {"no", "n", "false", "0", "i do not agree", "i dont agree", "i disagree", "disagree", "do not agree",
     "i do not consent", "no i do not agree", "no thanks", "no thank you", "non", "tidak"}
)  # fmt: skip


def _consent_key(text: str) -> str:
    """The text of a consent answer as compared: folded, apostrophes dropped, other marks spaces."""
    key = " ".join(fold(text).replace("'", "").split())
    key = "".join(ch if ch.isalnum() or ch in " ✓✔☑" else " " for ch in key)
    return " ".join(key.split())


# Clear answers in partners' and participants' other languages: French, Spanish, Portuguese, Indonesian, Arabic, Thai,
# Vietnamese. Only a plain yes, no, "I agree" or "I do not agree": nothing that could be read both ways.
CONSENT_YES = CONSENT_YES | {
    _consent_key(answer)
    for answer in (
        "J'accepte", "Oui, j'accepte", "D'accord", "Je suis d'accord", "Acepto", "Sí, acepto", "De acuerdo",
        "Estoy de acuerdo", "Sim", "Concordo", "Sim, concordo", "Setuju", "Saya setuju", "Ya, saya setuju",
        "نعم", "موافق", "أوافق", "ใช่", "ยินยอม", "Có", "Đồng ý",
    )
}  # fmt: skip
CONSENT_NO = CONSENT_NO | {
    _consent_key(answer)
    for answer in (
        "Je refuse", "Non, je refuse", "Je n'accepte pas", "Pas d'accord", "No acepto", "No, no acepto",
        "No estoy de acuerdo", "Não", "Não concordo", "Tidak setuju", "Saya tidak setuju", "Tidak, saya tidak setuju",
        "لا", "غير موافق", "لا أوافق", "ไม่", "ไม่ยินยอม", "Không", "Không đồng ý",
    )
}  # fmt: skip


@lru_cache(maxsize=256)
def consent(text: str) -> bool | None:
    """Return the consent an answer gives (yes/no/true/false/1/0/"I agree"...), None when blank.

    An answer that is neither a clear yes nor a clear no ("maybe", "only my name") raises CellError: the caller
    warns and leaves the consent not set, never guessing it.
    """
    if is_blank(text):
        return None
    key = _consent_key(text)
    if key in CONSENT_YES:
        return True
    if key in CONSENT_NO:
        return False
    raise CellError(f"'{text}' is not a clear yes or no")
