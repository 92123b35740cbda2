"""Password hashing (argon2id) and the password rules (OWASP ASVS 5 §6.2, NIST 800-63B).

Rules: a length window, no composition rules, no common password, nothing
built from the email address. Each rejection says why.
"""

import gzip
import re
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


def normalize_password(password: str) -> str:
    """NFKC-normalise, so the same password typed on two keyboards matches."""
    return unicodedata.normalize("NFKC", password)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher_for(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


@cache
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher().hash(normalize_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``."""
    try:
        return _hasher().verify(password_hash, normalize_password(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with other parameters than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)


def dummy_hash() -> str:
    """A hash verified for unknown addresses, so their answer takes as long: made with the
    configured parameters, its check costs what a real one does."""
    config = current_app.config
    return _dummy_hash_for(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


@cache
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher_for(time_cost, memory_cost, parallelism).hash("not a password of anyone")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (about 20,000, lower-case)."""
    data = resources.files("site_app").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problems(password: str, email: str = "") -> list[str]:
    """Return why ``password`` is refused (empty when it is accepted)."""
    config = current_app.config
    password = normalize_password(password)
    lowered = password.lower()
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        # Plural forms: Arabic has six (1 حرفًا واحدًا, 2 حرفين, 3–10 أحرف, 11–99 حرفًا …).
        minimum = config["PASSWORD_MIN_LENGTH"]
        return [
            ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", minimum)
        ]
    if len(password) > config["PASSWORD_MAX_LENGTH"]:
        maximum = config["PASSWORD_MAX_LENGTH"]
        return [
            ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", maximum)
        ]
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return [_l("This password is too common: it is one of the first that attackers try.")]
    if email and _built_from_email(lowered, email.lower()):
        return [_l("This password is based on your email address: choose another one.")]
    return []


def _built_from_email(lowered: str, email: str) -> bool:
    local, _, domain = email.partition("@")
    parts = {local, email, domain.split(".")[0], *re.split(r"[._+\-]", local)}
    stripped = re.sub(r"[\W\d_]+", "", lowered)
    for part in parts:
        if len(part) >= 4 and (part in lowered or stripped == part):
            return True
    return False
