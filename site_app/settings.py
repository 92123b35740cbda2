"""Every setting checked once, at start: a wrong value stops the start, naming its key.

``app.config.from_prefixed_env()`` parses each ``FLASK_*`` value as JSON when it can, so
``false`` arrives as ``False`` but ``False``, ``off`` or ``no`` stay strings, and a
non-empty string is true: ``FLASK_DEV_MAILBOX=False`` opened the development mailbox to
anyone. Each key of README's configuration table has a rule here (``RULES``) that turns
what the environment (or ``create_app(test_config)``) gave into the value the app uses, or
raises :class:`SettingsError`; every other key whose default is a boolean gets the boolean
rule. Text keys (passwords, secrets) take the variable's raw text: JSON would make the
password ``12345678`` a number.
"""

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from limits import parse as parse_limit
from limits.storage import SCHEMES as LIMIT_STORAGE_SCHEMES
from limits.util import SINGLE_EXPR as SINGLE_LIMIT
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .accounts.addresses import stored_address


class SettingsError(RuntimeError):
    """A setting has a value the app cannot use; raised at start so the app does not run."""


def refuse(key: str, expected: str, value: Any) -> None:
    """Stop the start: the message names the key, its variable, what it takes and what came."""
    raise SettingsError(f"{key} (environment: FLASK_{key}) must be {expected}: got {value!r}")


TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def boolean(key: str, value: Any) -> bool:
    """``true``/``false`` in any case, or 1/0, yes/no, on/off; nothing else."""
    if isinstance(value, bool):
        return value
    spelled = str(value).strip().lower() if isinstance(value, str | int) else None
    if spelled in TRUE:
        return True
    if spelled in FALSE:
        return False
    refuse(key, "true or false (also 1/0, yes/no, on/off, in any case)", value)


def integer(minimum: int, maximum: int | None = None) -> Callable[[str, Any], int]:
    """A whole number in range (JSON gave ``587`` as a number; ``25.5`` or ``smtp`` are not)."""

    def rule(key: str, value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            if value >= minimum and (maximum is None or value <= maximum):
                return value
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"≥ {minimum}"
        refuse(key, f"a whole number {bounds}", value)

    return rule


#: The longest MAIL_TIMEOUT: past it a stuck SMTP server holds a deliverer for good.
MAX_SECONDS = 3600


def seconds(key: str, value: Any) -> float:
    """A number of seconds above zero, at most :data:`MAX_SECONDS` (``MAIL_TIMEOUT``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 < value <= MAX_SECONDS:  # false for NaN; JSON's Infinity is past the limit
            return value
    refuse(key, f"a number of seconds above 0 and at most {MAX_SECONDS}", value)


_DURATION = re.compile(
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)"
)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: The longest duration: a hundred years (``timedelta`` and dates stop at the year 9999;
#: a cookie's or a link's end date past them was a 500 on every page).
MAX_DURATION = timedelta(days=36500)


def duration(key: str, value: Any) -> timedelta:
    """A ``timedelta``, a number of seconds, or ``48 hours``, ``15 minutes``, ``2 days``;
    above 0 and at most :data:`MAX_DURATION`."""
    amount = None
    if isinstance(value, timedelta):
        amount = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        amount = value
    elif isinstance(value, str):
        match = _DURATION.fullmatch(value.strip().lower())
        if match:
            unit = "m" if match["unit"].startswith("min") else match["unit"][0]
            amount = float(match["amount"]) * _UNITS[unit]
    if amount is not None and 0 < amount <= MAX_DURATION.total_seconds():
        return value if isinstance(value, timedelta) else timedelta(seconds=amount)
    refuse(
        key,
        f"a duration above 0 and at most {MAX_DURATION.days} days "
        "(seconds, or like '48 hours', '15 minutes', '2 days')",
        value,
    )


def rate_limit(key: str, value: Any) -> str:
    """A limit string as ``limits.parse`` reads it (``5 per 5 minutes``): at least 1 per
    window of at least one unit (``limits`` read ``5 per 0 minutes`` as ``5 per minute``)."""
    try:
        # limits.parse reads "per 0 minutes" as "per minute": the 0 is refused here.
        windows = [m.group(3) for m in SINGLE_LIMIT.finditer(str(value))]
        if isinstance(value, str) and all(w is None or int(w) >= 1 for w in windows):
            item = parse_limit(value)
            if item.amount >= 1 and item.get_expiry() <= MAX_DURATION.total_seconds():
                return value
    except ValueError:
        pass
    refuse(key, "a limit such as '5 per 5 minutes' or '20 per hour'", value)


#: A cookie name as RFC 6265 allows it (a "token": no space, no separator).
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def cookie_name(key: str, value: Any) -> str:
    """A cookie's name (``KNOWN_BROWSER_COOKIE``); :func:`check_settings` also refuses the
    name of another cookie of the app."""
    if isinstance(value, str) and _COOKIE_NAME.fullmatch(value):
        return value
    refuse(key, "a cookie name (letters, digits, - and _; no space)", value)


cookie_name.raw_text = True


def optional_boolean(key: str, value: Any) -> bool | None:
    """A boolean, or unset (None): the app then chooses (``SESSION_COOKIE_SECURE``)."""
    return None if value is None else boolean(key, value)


def choice(*options: str) -> Callable[[str, Any], str]:
    """One of ``options``, spelled exactly (the code compares the strings)."""

    def rule(key: str, value: Any) -> str:
        if value in options:
            return value
        refuse(key, "one of " + ", ".join(options), value)

    return rule


def text(optional: bool = False, min_length: int = 1) -> Callable[[str, Any], str | None]:
    """Text, read as typed in the environment; ``optional``: unset or empty means None."""

    def rule(key: str, value: Any) -> str | None:
        if value in (None, "") and optional:
            return None
        if isinstance(value, str) and len(value.strip()) >= min_length:
            return value
        what = f"a text of at least {min_length} characters" if min_length > 1 else "a text"
        refuse(key, what + (" (or unset)" if optional else ""), value)

    rule.raw_text = True  # read the variable as typed, not as JSON
    return rule


def email_address(key: str, value: Any) -> str:
    """An address the app can mail (validated as the forms validate them)."""
    if isinstance(value, str) and stored_address(value):
        return value
    refuse(key, "an email address such as support@example.org", value)


def sender(key: str, value: Any) -> str:
    """``Name <address>`` or a bare address."""
    if isinstance(value, str) and stored_address(parseaddr(value)[1]):
        return value
    refuse(key, 'an address such as "Centre d\'aide <no-reply@example.org>"', value)


def display_name(key: str, value: Any) -> str:
    """A name for a mail's From: header: one line of text, no angle brackets."""
    if isinstance(value, str) and value.strip() and not re.search(r"[\x00-\x1f\x7f<>]", value):
        return value
    refuse(key, "a name on one line, such as Example", value)


sender.raw_text = email_address.raw_text = display_name.raw_text = True


def database_uri(key: str, value: Any) -> str | None:
    """A SQLAlchemy URL whose dialect and driver load, or None (the instance's SQLite file)."""
    if value is None:
        return None  # the SQLite file in the instance folder
    try:
        make_url(value).get_dialect()  # an unknown dialect or a missing driver fails here too
        return value
    except (ArgumentError, TypeError, ValueError, ImportError):
        refuse(key, "a database URL such as postgresql+psycopg://user@host/db", value)


def storage_uri(key: str, value: Any) -> str:
    """A storage URL of the ``limits`` library, not an asynchronous one (Flask is sync)."""
    scheme = urlsplit(value).scheme if isinstance(value, str) else ""
    if scheme in LIMIT_STORAGE_SCHEMES and not scheme.startswith("async+") and "://" in value:
        return value
    refuse(key, "a limits storage URL such as memory:// or redis://host:6379/0", value)


def languages(key: str, value: Any) -> list[str]:
    """A list of language codes (``["fr", "en", "ar"]`` in JSON), the default first."""
    try:
        if isinstance(value, list) and value and len(set(value)) == len(value):
            for code in value:
                Locale.parse(code)
            return value
    except (UnknownLocaleError, TypeError, ValueError):
        pass
    refuse(key, 'a list of language codes such as ["fr", "en", "ar"]', value)


def mapping(key: str, value: Any) -> dict:
    """A JSON object (``SQLALCHEMY_ENGINE_OPTIONS``)."""
    if isinstance(value, Mapping):
        return dict(value)
    refuse(key, 'an object such as {"pool_pre_ping": true}', value)


#: A ``Host`` value: a name or a bracketed IPv6 address, and an optional port.
HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::[0-9]{1,5})?", re.I)


class PublicUrlError(SettingsError):
    """``PUBLIC_URL`` is not a site address; raised at start so the app does not run."""


def parse_public_url(value) -> str | None:
    """Return ``value`` as ``scheme://host[:port]``, or None when unset.

    Raises :class:`PublicUrlError`, naming the key, for anything else than an
    http(s) address without path, query, fragment or credentials.
    """
    if value is None or value == "":
        return None
    example = "such as https://help.example.org"
    if not isinstance(value, str):
        raise PublicUrlError(f"PUBLIC_URL must be the site's address, {example}: got {value!r}")
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        parts = None
    problem = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "it needs http:// or https:// and a host name"
    elif parts.path not in ("", "/") or parts.query or parts.fragment:
        problem = "the app is served at the root of its host: no path, query or fragment"
    elif parts.username is not None or parts.password is not None:
        problem = "no user name or password in it"
    elif not HOST.fullmatch(parts.netloc):
        problem = "the host name has characters a host name cannot have"
    if problem:
        raise PublicUrlError(
            f"PUBLIC_URL must be the site's address, {example} ({problem}): got {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def public_url(key: str, value: Any) -> str | None:
    """The site's address, checked by :func:`parse_public_url`."""
    return parse_public_url(value)


public_url.raw_text = True

#: Every key of README's configuration table → its rule.
RULES: dict[str, Callable[[str, Any], Any]] = {
    "SECRET_KEY": text(optional=True),
    "PUBLIC_URL": public_url,
    "SQLALCHEMY_DATABASE_URI": database_uri,
    "SQLALCHEMY_ENGINE_OPTIONS": mapping,
    "MAIL_SERVER": text(optional=True),
    "MAIL_PORT": integer(1, 65535),
    "MAIL_USE_TLS": boolean,
    "MAIL_USE_SSL": boolean,
    "MAIL_USERNAME": text(optional=True),
    "MAIL_PASSWORD": text(optional=True),
    "MAIL_DEFAULT_SENDER": sender,
    "SERVICE_NAME": display_name,
    "MAIL_TIMEOUT": seconds,
    "OUTBOX_DELIVERY": choice("background", "worker", "inline"),
    "OUTBOX_MAX_DELAY": duration,
    "OUTBOX_RETENTION": duration,
    "SUPPORT_EMAIL": email_address,
    "ACTIVATION_DELAY": duration,
    "PASSWORD_RESET_DELAY": duration,
    "EMAIL_CHANGE_DELAY": duration,
    "EMAIL_CHANGE_REVERT_DELAY": duration,
    "PASSWORD_MIN_LENGTH": integer(1),
    "PASSWORD_MAX_LENGTH": integer(1),
    "ARGON2_MEMORY_COST": integer(8),
    "ARGON2_TIME_COST": integer(1),
    "ARGON2_PARALLELISM": integer(1),
    "LANGUAGES": languages,
    "HELP_SITE_DIR": text(),
    "RATELIMIT_STORAGE_URI": storage_uri,
    "LOGIN_FAILURES_PER_IP": rate_limit,
    "LOGIN_FAILURES_PER_ACCOUNT": rate_limit,
    "SIGN_IN_LINK_DELAY": duration,
    "MAIL_ACTIONS_PER_IP": rate_limit,
    "MAIL_ACTIONS_PER_EMAIL": rate_limit,
    "KNOWN_BROWSER_COOKIE": cookie_name,
    "KNOWN_BROWSER_LIFETIME": duration,
    "HEALTH_TOKEN": text(optional=True, min_length=16),
    "PROXY_FIX_X_FOR": integer(0),
    "CONTACT_PER_IP": rate_limit,
    "CONTACT_PER_EMAIL": rate_limit,
    "FEEDBACK_PER_IP": rate_limit,
    "PASSKEYS_PER_IP": rate_limit,
    "HELP_CACHE_MAX_AGE": integer(0),
    "HELP_COUNTING": boolean,
    "CONTENT_SECURITY_POLICY": text(),
    "SESSION_COOKIE_SECURE": optional_boolean,
    "PERMANENT_SESSION_LIFETIME": duration,
    "SESSIONS_PER_ACCOUNT": integer(1),
    "MAX_CONTENT_LENGTH": integer(1024),
    "DEV_MAILBOX": boolean,
}


def check_settings(
    config: dict, boolean_keys: set[str], overridden: Mapping = (), environ: Mapping = os.environ
) -> None:
    """Check and convert ``config`` in place; raise :class:`SettingsError` on the first wrong key.

    ``boolean_keys``: the keys whose default is a boolean. ``overridden``: the keys given
    to ``create_app`` (they win over the environment, and are not read from it).
    """
    for key in boolean_keys - RULES.keys():
        config[key] = boolean(key, config[key])
    for key, rule in RULES.items():
        value = config.get(key)
        raw = environ.get(f"FLASK_{key}")
        if getattr(rule, "raw_text", False) and raw is not None and key not in overridden:
            value = raw
        config[key] = rule(key, value)
    if config["PASSWORD_MIN_LENGTH"] > config["PASSWORD_MAX_LENGTH"]:
        refuse("PASSWORD_MIN_LENGTH", "at most PASSWORD_MAX_LENGTH", config["PASSWORD_MIN_LENGTH"])
    if config["MAIL_USE_TLS"] and config["MAIL_USE_SSL"]:
        refuse("MAIL_USE_SSL", "false when MAIL_USE_TLS is true (STARTTLS or SSL, not both)", True)
    _check_cookies(config)
    _check_secret_key(config)


#: The shortest ``SECRET_KEY`` outside development: it signs every session and link.
SECRET_KEY_MIN_LENGTH = 32


def in_development(config: Mapping) -> bool:
    """No ``PUBLIC_URL``, or one on a loopback host: only this machine is served."""
    public = config.get("PUBLIC_URL")
    if not public:
        return True
    host = urlsplit(public).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_secret_key(config: dict) -> None:
    """Outside development a ``SECRET_KEY`` that is set must be long (``changeme`` let
    anyone sign a session or a link); unset, a long one is made in the instance folder."""
    key = config["SECRET_KEY"]
    if key is not None and not in_development(config) and len(key) < SECRET_KEY_MIN_LENGTH:
        refuse(
            "SECRET_KEY",
            f"at least {SECRET_KEY_MIN_LENGTH} characters when PUBLIC_URL is a public site "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')",
            f"{len(key)} characters",
        )


def _check_cookies(config: dict) -> None:
    """An https site sends its cookies ``Secure`` only (unset: it does; ``false`` is refused),
    and the known-browser cookie has a name of its own."""
    https = (config.get("PUBLIC_URL") or "").startswith("https://")
    if config["SESSION_COOKIE_SECURE"] is None:
        config["SESSION_COOKIE_SECURE"] = https
    elif https and not config["SESSION_COOKIE_SECURE"]:
        refuse("SESSION_COOKIE_SECURE", "true (or unset) when PUBLIC_URL is https://", False)
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    others = {
        config.get("SESSION_COOKIE_NAME"),
        config.get("LANGUAGE_COOKIE"),
        config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    }
    if config["KNOWN_BROWSER_COOKIE"] in others:
        refuse(
            "KNOWN_BROWSER_COOKIE",
            "a name no other cookie of the app has (not "
            + ", ".join(sorted(name for name in others if name))
            + ")",
            config["KNOWN_BROWSER_COOKIE"],
        )
