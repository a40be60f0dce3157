"""The one canonical form of each identifier a client types: emails and usernames.

Storage, uniqueness, lookups, limit keys and comparisons all go through these two functions,
so ``victim@ｅxample.com``, ``victim@example。com`` and ``VICTIM@example.com`` are one address
with one budget, and ``ａｄａ`` is ``ada``. Compatibility forms are folded first (NFKC: full-width
letters, ligatures), then email-validator normalises the domain (IDNA/UTS 46: ideographic full
stops, ``xn--`` labels back to Unicode), then everything is lower-cased, as the unique indexes
on lower(username) and lower(email) compare.
"""

import unicodedata

from email_validator import EmailNotValidError, validate_email


def folded(text: str) -> str:
    """``text`` with compatibility characters replaced by their plain forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def canonical_email(text: str, strict: bool = False) -> str:
    """The canonical form of an email address; text that is no address is only folded and lower-cased.

    :raises EmailNotValidError: with ``strict``, when ``text`` is not an address
    """
    plain = folded(text).strip()
    try:
        return validate_email(plain, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        if strict:
            raise
        return plain.lower()


def canonical_username(text: str) -> str:
    """The canonical form of a username, as lookups, budgets and uniqueness compare it."""
    return folded(text).lower()
