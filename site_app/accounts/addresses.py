"""The email-identity rule: which address is one person's, in the form it is stored in.

Accounts, the limits' counters and the settings' checks all read an address through
:func:`stored_address`, so that two spellings of one mailbox are one account and one count.
"""

import unicodedata

from email_validator import EmailNotValidError, validate_email


def normalize_email(value: str | None) -> str:
    """Trim, NFC-normalise and lower-case an address, the form it is stored in."""
    return unicodedata.normalize("NFC", (value or "").strip()).lower()


def stored_address(value: str | None) -> str | None:
    """The form an address is stored (and its limits counted) in, or None if it is invalid.

    The ASCII form (IDN domains in punycode) is the one every mail server accepts; it is also
    what makes ``dave@ｅxample.org`` and ``dave@example。org`` one address.
    """
    value = normalize_email(value)
    if not value or not value.split("@")[0].isascii():
        return None
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return normalize_email(result.ascii_email or result.normalized)
