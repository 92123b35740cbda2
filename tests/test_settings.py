"""Every setting is checked at start; a wrong value stops it, naming the key (issue 19, item 3).

``from_prefixed_env`` parses values as JSON: ``FLASK_DEV_MAILBOX=false`` is false, but
``False``, ``off`` or ``no`` stayed strings, which are true, and opened the development
mailbox (every mail, reset links included) to anyone.
"""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from conftest import OWNER, ROOT, create_account, person, submit

from site_app import create_app
from site_app.settings import RULES, SettingsError


@pytest.mark.parametrize("spelling", ["False", "FALSE", "off", "no", "No", "0", "false"])
def test_a_mailbox_turned_off_in_any_spelling_stays_closed(make_app, inbox, monkeypatch, spelling):
    """The attacker asks a reset for the owner's address, then opens the mailbox."""
    monkeypatch.setenv("FLASK_DEV_MAILBOX", spelling)
    app = make_app(MAIL_SERVER=None, OUTBOX_DELIVERY="worker")
    assert app.config["DEV_MAILBOX"] is False
    create_account(app, inbox)
    attacker = person(app, "198.51.100.23")
    with submit(attacker, "/password/forgot", {"email": OWNER}) as answer:
        assert answer.status_code == 302
    mailbox = attacker.get("/dev/mailbox")
    assert mailbox.status_code == 404
    assert "/password/reset/" not in mailbox.text


def start(monkeypatch, key: str, value: str):
    """Start the app with ``FLASK_<key>=<value>`` in the environment, as gunicorn would."""
    monkeypatch.setenv(f"FLASK_{key}", value)
    test_config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    test_config.pop(key, None)  # the environment's value is the one tried
    return create_app(test_config)


BAD = [
    ("DEV_MAILBOX", "maybe"),
    ("DEV_MAILBOX", "2"),
    ("DEV_MAILBOX", '"false "x'),
    ("SESSION_COOKIE_SECURE", "yes please"),
    ("MAIL_USE_TLS", "enabled"),
    ("MAIL_USE_SSL", "[]"),
    ("SESSION_COOKIE_HTTPONLY", "nope"),  # a boolean default not in the README table
    ("MAIL_PORT", "smtp"),
    ("MAIL_PORT", "70000"),
    ("MAIL_PORT", "25.5"),
    ("MAIL_TIMEOUT", "0"),
    ("MAIL_TIMEOUT", "ten"),
    ("PASSWORD_MIN_LENGTH", "eight"),
    ("PASSWORD_MIN_LENGTH", "500"),  # more than PASSWORD_MAX_LENGTH
    ("PASSWORD_MAX_LENGTH", "0"),
    ("ARGON2_MEMORY_COST", "lots"),
    ("ARGON2_TIME_COST", "true"),
    ("ARGON2_PARALLELISM", "-1"),
    ("PROXY_FIX_X_FOR", "one"),
    ("HELP_CACHE_MAX_AGE", "-5"),
    ("MAX_CONTENT_LENGTH", "64 KiB"),
    ("ACTIVATION_DELAY", "two days"),
    ("ACTIVATION_DELAY", "0"),
    ("PASSWORD_RESET_DELAY", "1 fortnight"),
    ("SIGN_IN_LINK_DELAY", "-15 minutes"),
    ("OUTBOX_MAX_DELAY", "false"),
    ("PERMANENT_SESSION_LIFETIME", "forever"),
    ("LOGIN_FAILURES_PER_IP", "5"),
    ("LOGIN_FAILURES_PER_ACCOUNT", "20 per fortnight"),
    ("MAIL_ACTIONS_PER_IP", "0 per hour"),
    ("MAIL_ACTIONS_PER_EMAIL", "three per hour"),
    ("CONTACT_PER_IP", "10 an hour"),
    ("CONTACT_PER_EMAIL", "5"),
    ("FEEDBACK_PER_IP", "lots"),
    ("RATELIMIT_STORAGE_URI", "redis-server:6379"),
    ("RATELIMIT_STORAGE_URI", "ftp://cache.internal"),
    ("SQLALCHEMY_DATABASE_URI", "not a url"),
    ("SQLALCHEMY_DATABASE_URI", "mysql2://db.internal/help"),
    ("SQLALCHEMY_ENGINE_OPTIONS", "[1, 2]"),
    ("LANGUAGES", "fr,en"),
    ("LANGUAGES", '["fr", "zz-not-a-language"]'),
    ("LANGUAGES", "[]"),
    ("LANGUAGES", '["fr", "fr"]'),
    ("OUTBOX_DELIVERY", "thread"),
    ("SUPPORT_EMAIL", "support"),
    ("MAIL_DEFAULT_SENDER", "Centre d'aide"),
    ("SERVICE_NAME", "Example <no-reply@example.org>"),
    ("HEALTH_TOKEN", "short"),
    ("PUBLIC_URL", "help.example.org"),
    ("HELP_SITE_DIR", ""),
    ("CONTENT_SECURITY_POLICY", " "),
    ("OUTBOX_RETENTION", "a week"),
    ("SESSIONS_PER_ACCOUNT", "0"),
    ("KNOWN_BROWSER_LIFETIME", "never"),
    ("KNOWN_BROWSER_COOKIE", ""),
    # Review L2: the extensions' booleans, durations past what a date can hold, windows of
    # no length, a cookie name that is another cookie's.
    ("MAIL_SUPPRESS_SEND", "sometimes"),
    ("WTF_CSRF_ENABLED", "nope"),
    ("RATELIMIT_ENABLED", "disabled"),
    ("ACTIVATION_DELAY", "99999999999 days"),
    ("PERMANENT_SESSION_LIFETIME", "1e400"),  # JSON's infinity
    ("KNOWN_BROWSER_LIFETIME", "400000 days"),
    ("OUTBOX_RETENTION", "1e12"),
    ("MAIL_TIMEOUT", "Infinity"),
    ("LOGIN_FAILURES_PER_IP", "5 per 0 minutes"),
    ("MAIL_ACTIONS_PER_EMAIL", "3 per 0 hours"),
    ("KNOWN_BROWSER_COOKIE", "session"),
    ("KNOWN_BROWSER_COOKIE", "lang"),
    ("KNOWN_BROWSER_COOKIE", "known browser"),
]


@pytest.mark.parametrize(("key", "value"), BAD)
def test_a_wrong_value_stops_the_start_naming_the_key(monkeypatch, key, value):
    with pytest.raises(SettingsError) as refused:
        start(monkeypatch, key, value)
    assert str(refused.value).startswith(key)  # "DEV_MAILBOX (environment: FLASK_DEV_MAILBOX) …"


def test_tls_and_ssl_together_stop_the_start(monkeypatch):
    monkeypatch.setenv("FLASK_MAIL_USE_TLS", "true")
    with pytest.raises(SettingsError, match="^MAIL_USE_SSL"):
        start(monkeypatch, "MAIL_USE_SSL", "On")


GOOD = [
    ("DEV_MAILBOX", "True", True),
    ("DEV_MAILBOX", "YES", True),
    ("DEV_MAILBOX", "on", True),
    ("DEV_MAILBOX", "1", True),
    ("DEV_MAILBOX", "Off", False),
    ("SESSION_COOKIE_SECURE", "TRUE", True),
    ("MAIL_USE_TLS", "no", False),
    ("SESSION_COOKIE_HTTPONLY", "On", True),
    ("MAIL_PORT", "587", 587),
    ("MAIL_TIMEOUT", "2.5", 2.5),
    ("ACTIVATION_DELAY", "72 hours", timedelta(hours=72)),
    ("ACTIVATION_DELAY", "3600", timedelta(hours=1)),
    ("PASSWORD_RESET_DELAY", "30 minutes", timedelta(minutes=30)),
    ("SIGN_IN_LINK_DELAY", "90s", timedelta(seconds=90)),
    ("OUTBOX_MAX_DELAY", "2 h", timedelta(hours=2)),
    ("PERMANENT_SESSION_LIFETIME", "7 days", timedelta(days=7)),
    ("LOGIN_FAILURES_PER_IP", "3 per 10 minutes", "3 per 10 minutes"),
    ("MAIL_ACTIONS_PER_EMAIL", "5/hour", "5/hour"),
    ("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/0", "redis://cache.internal:6379/0"),
    ("LANGUAGES", '["en", "fr"]', ["en", "fr"]),
    ("MAIL_PASSWORD", "12345678", "12345678"),  # as typed: JSON would make it a number
    ("SECRET_KEY", "0123", "0123"),
    ("MAIL_SERVER", "", None),
    ("MAIL_DEFAULT_SENDER", "Support <no-reply@example.org>", "Support <no-reply@example.org>"),
    ("HEALTH_TOKEN", "a-long-operator-token", "a-long-operator-token"),
    ("PUBLIC_URL", "https://Help.Example.org", "https://help.example.org"),
    ("OUTBOX_RETENTION", "30 days", timedelta(days=30)),
    ("SESSIONS_PER_ACCOUNT", "5", 5),
    ("KNOWN_BROWSER_LIFETIME", "90 days", timedelta(days=90)),
    ("MAIL_SUPPRESS_SEND", "False", False),
    ("WTF_CSRF_ENABLED", "Off", False),
    ("RATELIMIT_ENABLED", "NO", False),
    ("RATELIMIT_ENABLED", "yes", True),
    ("OUTBOX_RETENTION", "3650 days", timedelta(days=3650)),
]


@pytest.mark.parametrize(("key", "value", "expected"), GOOD)
def test_good_spellings_start_with_the_value_meant(monkeypatch, key, value, expected):
    app = start(monkeypatch, key, value)
    assert app.config[key] == expected
    assert type(app.config[key]) is type(expected)


def test_mail_turned_on_in_any_spelling_reaches_the_owner(inbox, help_site, tmp_path, monkeypatch):
    """``FLASK_MAIL_SUPPRESS_SEND=False`` stayed the string "False", which is true: every
    mail was dropped, and the owner who asked for a reset waited for nothing."""
    from site_app.extensions import db

    monkeypatch.setenv("FLASK_MAIL_SUPPRESS_SEND", "False")
    app = create_app(
        {
            "TESTING": True,  # Flask-Mail's own default would then suppress mail
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'mail.db'}",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": inbox.port,
            "OUTBOX_DELIVERY": "inline",
            "HELP_SITE_DIR": str(help_site),
            "PUBLIC_URL": "http://localhost",
        }
    )
    assert app.config["MAIL_SUPPRESS_SEND"] is False
    with app.app_context():
        db.create_all()
    create_account(app, inbox)
    submit(person(app, "198.51.100.30"), "/password/forgot", {"email": OWNER})
    assert "/password/reset/" in inbox.last(OWNER).get_body(("plain",)).get_content()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def secure_start(monkeypatch, **environment):
    """Start as production does: an https ``PUBLIC_URL``, the rest from ``environment``."""
    for key, value in {"PUBLIC_URL": "https://help.example.org", **environment}.items():
        monkeypatch.setenv(f"FLASK_{key}", value)
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


LONG_SECRET = "k" * 40


def test_a_short_secret_key_stops_a_production_start(monkeypatch):
    """A guessable key signs anyone's session and links: outside development (a
    ``PUBLIC_URL`` that is not a loopback host) it needs 32 characters at least."""
    with pytest.raises(SettingsError, match="^SECRET_KEY .*32"):
        secure_start(monkeypatch, SECRET_KEY="changeme")
    assert secure_start(monkeypatch, SECRET_KEY=LONG_SECRET).secret_key == LONG_SECRET


def test_an_https_site_sends_its_cookies_secure_only(monkeypatch):
    """The owner signs in on https: no cookie of theirs may travel on plain http, where a
    stranger on the network reads it."""
    app = secure_start(monkeypatch, SECRET_KEY=LONG_SECRET)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with pytest.raises(SettingsError, match="^SESSION_COOKIE_SECURE"):
        secure_start(monkeypatch, SECRET_KEY=LONG_SECRET, SESSION_COOKIE_SECURE="false")


def configuration_table_keys() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    keys = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            keys.update(re.findall(r"`([A-Z0-9_]+)`", line.split("|")[1]))
    return keys


def test_every_key_of_the_configuration_table_has_a_rule():
    keys = configuration_table_keys()
    assert "DEV_MAILBOX" in keys and "MAIL_PORT" in keys
    assert keys == set(RULES), "README's configuration table and site_app/settings.py differ"


def test_a_wrong_value_stops_a_real_start(tmp_path):
    """``flask`` (as ``make run`` and the purge cron job start it) exits, naming the key."""
    env = {"PATH": "/usr/bin:/bin", "FLASK_DEV_MAILBOX": "perhaps", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "site_app", "routes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "FLASK_DEV_MAILBOX" in result.stderr and "perhaps" in result.stderr
