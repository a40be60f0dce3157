"""Password policy after NIST SP 800-63B / OWASP ASVS 6.2: length, not common, not guessable from context.

No composition rules. The blocklist is the 30,000 most common passwords shipped by the
``zxcvbn`` package (4.5.0, MIT licence; ``zxcvbn.frequency_lists.FREQUENCY_LISTS["passwords"]``),
loaded once per process. Messages name the rule, never the password.
"""

import ast
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from threading import Lock

from flask import current_app

from taskapi.auth.credentials.passwords import normalize

MIN_CONTEXT_LENGTH = 3  # shorter usernames or local parts would refuse too much


class CommonPasswords:
    """The case-folded blocklist as one newline-delimited string.

    About 250 KB, where a frozenset of the same 30,000 entries holds about 7 MB of objects in
    every worker; a registration's lookup scans it in well under a millisecond.
    """

    def __init__(self, text):
        self._text = "\n" + text.casefold().replace(",", "\n") + "\n"

    def __contains__(self, candidate):
        return "\n" not in candidate and f"\n{candidate}\n" in self._text

    def __iter__(self):
        return iter(self._text.strip("\n").split("\n"))


_loading = Lock()


def common_passwords():
    """The blocklist, built once per process on first use (concurrent first uses wait for one build)."""
    with _loading:
        return _load_common_passwords()


@lru_cache(maxsize=1)
def _load_common_passwords():
    # Read from the package's data file rather than imported: importing ``zxcvbn`` loads its
    # five other word lists too, about 15 MB per worker that the blocklist does not need.
    spec = importlib.util.find_spec("zxcvbn")
    path = Path(spec.submodule_search_locations[0]) / "frequency_lists.py"
    with path.open(encoding="utf-8") as source:
        line = next(line for line in source if line.lstrip().startswith('"passwords":'))
    # The line is: "passwords": "123456,password,...".split(","),  (the literal may hold escapes)
    literal = re.findall(r'"(?:[^"\\]|\\.)*"', line)[1]
    return CommonPasswords(ast.literal_eval(literal))


def password_problems(password, username=None, email=None):
    """Every rule ``password`` breaks, as sentences for a 422 (empty when it is acceptable)."""
    config = current_app.config
    candidate = normalize(password)
    folded = candidate.casefold()
    problems = []
    if len(candidate) < config["PASSWORD_MIN_LENGTH"]:
        problems.append(f"Password must be at least {config['PASSWORD_MIN_LENGTH']} characters.")
    if len(candidate) > config["PASSWORD_MAX_LENGTH"]:
        problems.append(f"Password must be at most {config['PASSWORD_MAX_LENGTH']} characters.")
    if folded in common_passwords():
        problems.append("Password is one of the most commonly used passwords; choose another.")
    local_part = email.split("@", 1)[0] if email else None
    for label, value in (("username", username), ("email address", local_part)):
        if value and len(value) >= MIN_CONTEXT_LENGTH and value.casefold() in folded:
            problems.append(f"Password must not contain your {label}.")
    for word in config["PASSWORD_CONTEXT_WORDS"]:
        if word and word.casefold() in folded:
            problems.append(f"Password must not contain the word '{word}'.")
    if config["PASSWORD_MIN_SCORE"] and not problems:
        problems += strength_problems(candidate, [username or "", local_part or ""], config["PASSWORD_MIN_SCORE"])
    return problems


def strength_problems(candidate, user_inputs, minimum):
    """zxcvbn's estimate, when a minimum score (0-4) is configured; only the first 100 characters count."""
    from zxcvbn import zxcvbn

    score = zxcvbn(candidate[:100], user_inputs=[value for value in user_inputs if value])["score"]
    if score < minimum:
        return [f"Password is too easy to guess (strength {score} of 4, at least {minimum} required)."]
    return []
