"""What a question's wording says it is: a suggestion for the next module, or a fact about who answered.

An export names its columns as the form asked them ("What should be improved?", "evaluation/improve",
"Topics for the next module", "Respondent country", "What is your gender?"): these rules read that wording. And the
wordings a reworded question was asked in before, which the dashboard and the reports name beside its figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from programme.evaluations.scales import is_blank
from programme.models import RespondentAttributeKind
from programme.people.names import clean_text, fold

# Wording of a question whose answers are suggestions for later modules (feeds the topic backlog), folded.
_SUGGESTION = re.compile(
    r"\b(?:improv\w*|suggest\w*|recommend\w*)\b|\b(?:do|done|be|made|make|work) (?:\w+ )?(?:better|differently)\b"
    r"|\bnext (?:module|modules|training|trainings|course|courses|workshop|workshops|session|sessions|time|year)\b"
    r"|\b(?:future|further|new|other|more|additional|next) (?:topics?|modules?|trainings?|courses?|subjects?|themes?)\b"
    r"|\btopics?\b.*\b(?:next|future|would like|want|wish|learn|cover|covered|include|included|add|added)\b"
    r"|\bwhat (?:else )?would you like to (?:learn|see|add|discuss)\b"
    r"|\bwhat would you change\b"
)
# "Would you recommend this course to a colleague?" asks for a yes or no, not for suggestions.
_RECOMMEND_THIS = re.compile(
    r"\brecommend (?:this|the|our) (?:course|module|training|workshop|programme|program|event)\b"
    r"(?! (?:content|topics?|subjects?))"
)
# Wording of a question that asks for comments in the respondent's own words ("Comments", "Any other comments?",
# "Remarks", "Please explain"), folded. A header that also names a scale ("Comments (1-5)", "rate", "score") is not one.
# In French, Spanish, Portuguese and Indonesian too ("Commentaires", "Remarques", "Comentarios", "Observações",
# "Komentar").
_OPEN_QUESTION = re.compile(
    r"\b(?:comments?|remarks?|observations?|anything else|please explain|explain why"
    r"|commentaires?|remarques?|comentarios?|observaciones|observacoes|komentar)\b"
)
# French "comment" is "how": "Dans l'ensemble, comment évaluez-vous ce module ?" asks for a rating, and was read as
# text (its question asked for comments). Folded: "comment evaluez vous", "comment etait la session".
_FRENCH_HOW = re.compile(r"\bcomment (?:(?:\w+ ){0,2}vous|etaient|etait|est|sont|a|ont|s est)\b")
_NAMES_A_SCALE = re.compile(r"\b\d+ (?:to )?\d+\b|\bout of \d|\brat(?:e|ed|ing|ings)\b|\bscale\b|\bscores?\b")
# Answers that say yes or no: a question answered so is not asking for suggestions.
_YES_NO = frozenset({"yes", "no", "maybe", "y", "n", "not sure", "definitely", "probably", "yes definitely"})

# A column about the respondent is named by one of these phrases once filler words are set aside.
_FILLER = frozenset(
    "respondent respondents participant participants your you what whats is are the of in which do does please "
    "select state give current currently main my at for a an s and where".split()
)
_ATTRIBUTE_PHRASES: dict[RespondentAttributeKind, tuple[str, ...]] = {
    RespondentAttributeKind.COUNTRY: (
        "country", "country work", "work country", "country residence", "country based", "country organisation",
        "country organization",
    ),
    RespondentAttributeKind.NATIONALITY: ("nationality", "citizenship", "country origin", "country citizenship"),
    RespondentAttributeKind.ORGANISATION_TYPE: (
        "organisation type", "organization type", "type organisation", "type organization", "org type",
        "type org", "sector", "organisation category", "organization category", "kind organisation",
        "kind organization", "type institution", "institution type",
    ),
    RespondentAttributeKind.GENDER: ("gender", "sex", "gender identity", "sex gender", "gender sex"),
    RespondentAttributeKind.AGE: ("age", "age group", "age range", "how old", "age years", "age bracket"),
    RespondentAttributeKind.ROLE: (
        "role", "position", "job title", "job", "role organisation", "role organization", "function",
        "position organisation", "position organization", "occupation", "profession",
    ),
}  # fmt: skip
_ATTRIBUTES = {phrase: kind for kind, phrases in _ATTRIBUTE_PHRASES.items() for phrase in phrases}
# "Gender (M/F)", "Age [years]": what stands in brackets qualifies the column's name.
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def is_suggestion_question(text: str, answers: Iterable[object] = ()) -> bool:
    """Return whether an open question asks for suggestions (improvements, next topics, recommendations).

    Read from the wording ("What should be improved?", "Topics for the next module", "Any suggestions?",
    "Would you recommend other topics?") and, when answers are given, from their kind: a question mostly
    answered "yes" or "no" ("Would you recommend this course to a colleague?") is not one.
    """
    folded = fold(text.replace("_", " "))
    if not _SUGGESTION.search(folded) or _RECOMMEND_THIS.search(folded):
        return False
    given = [fold(clean_text(answer)) for answer in answers if not is_blank(answer)]
    return not given or sum(answer in _YES_NO for answer in given) * 2 < len(given)


def asks_for_comments(text: str) -> bool:
    """Return whether a question's wording asks for comments ("Comments", "Any other comments?", "Remarks"): its
    answers are the respondent's own words, whatever some of them happen to be ("Good" is a rating label too)."""
    folded = _FRENCH_HOW.sub(" ", fold(text.replace("_", " ")))
    return bool(_OPEN_QUESTION.search(folded)) and not _NAMES_A_SCALE.search(folded)


def respondent_attribute(text: str) -> RespondentAttributeKind | None:
    """Return which fact about the respondent a column holds ("Respondent country" → country), or None."""
    words = [word for word in fold(_BRACKETS.sub(" ", text.replace("_", " "))).split() if word not in _FILLER]
    return _ATTRIBUTES.get(" ".join(words))


def earlier_wordings(stored: object, text: object) -> list[str]:
    """Return the wordings a question was asked in before its present one (oldest first, each once), from its
    `earlier_texts` as stored (a JSON list: form_editing.py keeps them when a question with answers is reworded).

    A figure of such a question counts answers given to these wordings too; a wording reworded back to is its present
    one, not an earlier one. stored None or missing (a table's NaN): none."""
    if not isinstance(stored, str) or not stored:
        return []
    return [old for old in dict.fromkeys(json.loads(stored)) if isinstance(old, str) and old and old != text]


def quoted_wordings(wordings: Iterable[str]) -> str | None:
    """Return “first”; “second”, or None for no wording."""
    return "; ".join(f"“{wording}”" for wording in wordings) or None


def with_earlier(text: str, earlier: object) -> str:
    """Return a question's wording with its earlier ones (quoted_wordings; None or a missing value: none), as a report
    names it: "How much did you learn? (formerly: “How useful was the session: CEDAW?”)"."""
    return f"{text} (formerly: {earlier})" if isinstance(earlier, str) and earlier else text
