"""Which new passwords are accepted: NIST SP 800-63B's rules, with one clear reason for each refusal.

Length is what counts (at least 12 characters, any characters, spaces included, no rules about digits or
symbols); a password must not be the username, nor one of the commonly used and breached passwords, nor a
pattern a guesser tries first (repeats, sequences, keyboard rows, a common word with digits added). The list
and the pattern checks are zxcvbn's (Dropbox's estimator, MIT licence, from PyPI): its 30,000 most common
passwords from breach corpora, and its estimate of how many guesses a password takes.
"""

from __future__ import annotations

from functools import lru_cache

from programme.core.errors import ProgrammeError

MIN_PASSWORD_LENGTH = 12
# Long enough for any passphrase; a bound so that a pasted megabyte is not hashed.
MAX_PASSWORD_LENGTH = 256
# A username this long or longer must not appear inside the password either (shorter ones, like "ana",
# would refuse too many good passphrases).
USERNAME_INSIDE_MIN = 4
# zxcvbn's score 3 and up: at least 10^8 guesses. Below that, a guesser with a list of common passwords and
# patterns gets there first, even against slow Argon2 hashes.
MIN_SCORE = 3
POLICY = (
    f"At least {MIN_PASSWORD_LENGTH} characters, not the username, not a common password; "
    "a few unrelated words make a good one."
)


class WeakPassword(ProgrammeError):
    """A new password the policy refuses; the message says why."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return zxcvbn's list of common passwords (lower-case), read once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 70 ms to import: only when a password is set

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    """Return why password cannot be used for the account username, or None when it can."""
    lowered = password.casefold()
    names = _username_forms(username)
    if any(lowered == name for name in names):
        return "The password must not be the username."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must have at most {MAX_PASSWORD_LENGTH} characters."
    if any(len(name) >= USERNAME_INSIDE_MIN and name in lowered for name in names):
        return "The password must not contain the username."
    if lowered in common_passwords():
        return "This password is in a list of common passwords that attackers try first; choose another."
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password, user_inputs=sorted(names))
    if estimate["score"] < MIN_SCORE:
        warning = (estimate["feedback"].get("warning") or "").strip().rstrip(".")
        detail = f" ({warning[:1].lower()}{warning[1:]})" if warning else ""
        return f"This password is too easy to guess{detail}; a few unrelated words make a strong one."
    return None


def check_password(password: str, username: str = "") -> None:
    """Raise WeakPassword with the reason when password cannot be used for the account username."""
    problem = password_problem(password, username)
    if problem:
        raise WeakPassword(problem)


def _username_forms(username: str) -> set[str]:
    name = username.strip().casefold()
    if not name:
        return set()
    forms = {name}
    if "@" in name:  # an e-mail as username: its local part is as guessable
        forms.add(name.split("@", 1)[0])
    return {form for form in forms if form}
