"""What a mail says outside its body, the same way in every mail: who sends it and how a
date reads.

A reader who does not read French spots the mail by its sender in the inbox and the spam
folder, so the sender's display name is written in the mail's language and names the
service (``SERVICE_NAME``): « Centre d'aide Example », "Example help center" — a name of its
own (msgid ``%(service)s help center``), since the page header's « Centre d'aide » alone
does not say which service sent the mail. The address stays ``MAIL_DEFAULT_SENDER``'s.
Every date a mail gives is written by :func:`mail_datetime` (the ``mail_datetime`` filter
of the templates): the long date, hours and minutes, and « UTC » — never seconds, never
Babel's « TU ». The account page writes its dates (created, activated, last sign-in, a
session's last activity) with the same filter, so they read as the mails' do.
"""

from datetime import UTC, datetime
from email.utils import parseaddr

from babel.dates import format_date, format_time
from flask import Flask, current_app
from flask_babel import get_locale, gettext


def sender_name() -> str:
    """The sender's display name in the current language: the service's help center.

    The guide quotes it where it sends the reader to the spam folder (troubleshooting,
    « Regardez dans votre dossier de courrier indésirable »), and the situation box of the
    guide names it (site_app/situation/explain.py).
    """
    return gettext("%(service)s help center", service=current_app.config["SERVICE_NAME"])


def sender(locale: str) -> str:
    """``MAIL_DEFAULT_SENDER``'s address under :func:`sender_name` in ``locale``.

    Call it with ``locale`` active (``force_locale``). The name is quoted, not encoded:
    the outbox and the development mailbox show it as written, Flask-Mail encodes it
    (RFC 2047) when the mail leaves.
    """
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    name = sender_name().replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{address}>'


def mail_datetime(value: datetime) -> str:
    """``value`` (naive UTC, as stored) as the mails write it in the current language:
    « 28 novembre 2026 à 14:05 UTC » (« 1er décembre » on the first), "November 28, 2026 at
    2:05 PM UTC"."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    locale = get_locale()
    date = format_date(value, "long", locale=locale)
    if locale.language == "fr" and value.day == 1 and date.startswith("1 "):
        date = "1er" + date[1:]  # French writes the first of the month as an ordinal
    return gettext(
        "%(date)s, at %(time)s UTC",
        date=date,
        time=format_time(value, "short", tzinfo=UTC, locale=locale),
    )


def init_app(app: Flask) -> None:
    """Give the templates the ``mail_datetime`` filter."""
    app.add_template_filter(mail_datetime, "mail_datetime")
