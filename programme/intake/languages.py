"""The form tools' own columns in the languages of the programme's users, in one place for every importer.

Google Forms and Microsoft Forms name the columns they add themselves (the time a response was sent, the e-mail
they collected, Microsoft Forms' start and completion times) in the form's language: a French Google Form's export
starts with "Horodateur", not "Timestamp". The participant import (a form's export is a registration list, the tool's
profile), and the evaluation import (the tool's columns are never questions or comments) read these lists.

A language is here only with its names found in real exports or in public code reading them (the names and their
sources: tests/data/tools/README.md). Compared with header_key (no case, accents, spaces or punctuation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Google Forms' first column, when a response was sent ("Timestamp" in English), by the form's language.
GOOGLE_FORMS_TIMESTAMP: dict[str, tuple[str, ...]] = {
    "English": ("Timestamp",),
    "French": ("Horodateur",),
    "Spanish": ("Marca temporal",),
    "Portuguese": ("Carimbo de data/hora",),
    "Indonesian": ("Stempel waktu", "Cap waktu"),
    "Vietnamese": ("Dấu thời gian",),
    "Russian": ("Отметка времени",),
    "Thai": ("ประทับเวลา",),
    "Arabic": ("الطابع الزمني",),
}

# A Google Forms quiz's Score ("7 / 10"), by the form's language. Sources: a Portuguese quiz's columns "Carimbo de
# data/hora", "Endereço de e-mail", "Pontuação" and a Russian quiz's "Отметка времени", "Баллы", "Адрес электронной
# почты" (tests/data/tools/README.md, ids 31328102973 and 7408316021).
GOOGLE_FORMS_SCORE: dict[str, tuple[str, ...]] = {
    "English": ("Score",),
    "Portuguese": ("Pontuação",),
    "Russian": ("Баллы",),
}

# The address Google Forms collects itself ("Collect email addresses"), its second column, by the form's language.
GOOGLE_FORMS_EMAIL: dict[str, tuple[str, ...]] = {
    "English": ("Email Address",),  # newer forms write "Email address": the same header_key
    "French": ("Adresse e-mail",),
    "Spanish": ("Dirección de correo electrónico",),
    "Portuguese": ("Endereço de e-mail", "Endereço de email"),
    "Indonesian": ("Alamat email",),
    "Vietnamese": ("Địa chỉ email",),
    "Russian": ("Адрес электронной почты",),
    "Thai": ("ที่อยู่อีเมล", "อีเมล"),
}


@dataclass(frozen=True)
class MicrosoftFormsColumns:
    """Microsoft Forms' own columns of a response in one language, in the export's order."""

    id: str
    start: str
    completion: str
    email: tuple[str, ...]  # the respondent's address (older and newer exports name it differently)
    name: str  # the respondent's display name: the whole name
    last_modified: str

    @property
    def all(self) -> tuple[str, ...]:
        return (self.id, self.start, self.completion, *self.email, self.name, self.last_modified)


MICROSOFT_FORMS: dict[str, MicrosoftFormsColumns] = {
    "English": MicrosoftFormsColumns("ID", "Start time", "Completion time", ("Email",), "Name", "Last modified time"),
    "French": MicrosoftFormsColumns(
        "ID",
        "Heure de début",
        "Heure de fin",
        ("Adresse de messagerie", "E-mail"),
        "Nom",
        "Heure de la dernière modification",
    ),
    "Spanish": MicrosoftFormsColumns(
        "Id",
        "Hora de inicio",
        "Hora de finalización",
        ("Correo electrónico",),
        "Nombre",
        "Hora de la última modificación",
    ),
    "Portuguese": MicrosoftFormsColumns(
        "ID", "Hora de início", "Hora de conclusão", ("Email",), "Nome", "Hora da última modificação"
    ),
}


def every_name(by_language: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Return the names of all the languages, English first, each once."""
    return tuple(dict.fromkeys(name for names in by_language.values() for name in names))


def other_languages(by_language: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Return the names of all the languages but English."""
    return every_name({language: names for language, names in by_language.items() if language != "English"})
