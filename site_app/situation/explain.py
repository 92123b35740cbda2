"""The situation of this browser, told in the reader's language: what ``/api/situation``
answers and the guide's script shows in its ``[data-situation]`` elements.

Each part is ``{"kind", "title", "lines", "link"}``; a line is a list of text runs, a run
being a string or ``{"bdi": text}`` — a value (address, time, server reply) the page wraps
in ``<bdi>`` so it keeps its direction inside Arabic. Every string is a message of the
app's catalogs, so it exists in every language.
"""

import re
import time
from datetime import UTC, datetime

from flask import current_app, session, url_for
from flask_babel import force_locale, format_time, format_timedelta, get_locale, gettext
from flask_babel import lazy_gettext as _l

from ..clock import utcnow
from ..mail.wording import mail_datetime, sender_name
from . import record
from .receipts import find_receipt

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

LINK_KINDS = {
    "activate": _l("an activation link"),
    "reset": _l("a password reset link"),
    "sign-in": _l("a sign-in link"),
}
BLOCK_LINES = {
    "ip": _l(
        "Sign-ins from your IP address are temporarily blocked. "
        "You can try again in %(duration)s."
    ),
    "account": _l(
        "For the next %(duration)s, the password alone isn't enough to sign in to this account: "
        "you also need a sign-in link, which we email to you once the right password is entered."
    ),
    "mail": _l(
        "No more emails will be sent to this address for now. You can ask again in %(duration)s."
    ),
    "mail-own": _l(
        "This browser can't ask for more emails for this address for now. "
        "You can ask again in %(duration)s."
    ),
    "mail-ip": _l(
        "Your connection can't ask for more emails for now. You can ask again in %(duration)s."
    ),
}


def runs(message, **values) -> list:
    """``message`` (a lazy string) translated, cut into text runs around its values, each
    value a bdi run."""
    text = str(message)  # translated, not formatted
    parts, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        parts.append({"bdi": str(values[match.group(1)])})
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return parts


def _when(moment: datetime) -> str:
    """A date and time as the mails write it, in UTC (the site's time zone)."""
    return mail_datetime(moment)


def _clock(moment: datetime) -> str:
    """A time of today as the mails write theirs (``mail_datetime``): the language's own
    clock (« 14:05 UTC », "2:05 PM UTC"), in UTC."""
    return format_time(moment, "short") + " UTC"


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def situation() -> dict:
    """Every part of this browser's situation (None where it has none)."""
    present = record.families()
    return {
        "mail": _mail() if "mail" in present else None,
        "block": _block() if "block" in present else None,
        "link": _link() if "link" in present else None,
    }


def _sender_name(locale: str | None) -> str:
    """The sender's name of the mails written in ``locale``, the language of the sign-up
    (site_app/mail/wording.py): the name this reader looks for in their inbox."""
    with force_locale(locale or str(get_locale())):
        return sender_name()


def _mail() -> dict | None:
    kept = session[record.MAIL]
    receipt = find_receipt(kept.get("t"))
    if receipt is None:  # purged after OUTBOX_RETENTION, like everyone's
        return None
    signup = kept.get("why") == "signup"
    lines = []
    if receipt.refused_at is not None:
        kind, title = "mail-refused", _l("Our email to you was refused")
        lines.append(
            runs(
                _l("The receiving server refused it, with this reply: %(reply)s"),
                reply=receipt.reply or "5xx",
            )
        )
        again = (
            _l("Check the spelling of %(address)s, then sign up again.")
            if signup
            else _l("Check the spelling of %(address)s, then ask again.")
        )
        lines.append(runs(again, address=receipt.recipient_hint))
        link = (
            (url_for("auth.signup"), gettext("Sign up"))
            if signup
            else (url_for("auth.forgot_password"), gettext("Forgot your password?"))
        )
    elif receipt.sent_at is not None:
        kind, title = "mail-sent", _l("Our email to you was sent")
        lines.append(
            runs(
                _l("Handed to our email server at %(time)s, addressed to %(address)s."),
                time=_clock(receipt.sent_at),
                address=receipt.recipient_hint,
            )
        )
        lines.append(
            runs(
                _l(
                    "Not in your inbox? Look in your spam folder: the sender's name is "
                    '"%(sender)s".'
                ),
                sender=_sender_name(kept.get("l")),
            )
        )
        link = None
    else:
        kind, title = "mail-queued", _l("Our email to you is waiting to be sent")
        next_attempt = max(receipt.next_attempt_at or utcnow(), utcnow())
        if receipt.attempts:
            line = _l(
                "We haven't been able to reach the email server yet. Next attempt at %(time)s."
            )
        else:
            line = _l("It is waiting for the email server. Next attempt at %(time)s.")
        lines.append(runs(line, time=_clock(next_attempt)))
        link = None
    if signup:
        deadline = _from_epoch(kept["at"]) + current_app.config["ACTIVATION_DELAY"]
        lines.append(
            runs(
                _l(
                    "Activate the account before %(deadline)s: an account not activated by "
                    "then is deleted, and you can sign up again."
                ),
                deadline=_when(deadline),
            )
        )
    return _part(kind, title, lines, link)


def _block() -> dict | None:
    cause, reset_at = session[record.BLOCK]
    if cause not in BLOCK_LINES:
        return None
    from ..limits.causes import CAUSES

    reference, title = CAUSES[cause].reference, CAUSES[cause].title
    # The count the refusal page gives (templates/errors/error.html).
    seconds = max(int(reset_at - time.time()), 1)
    duration = format_timedelta(seconds, threshold=1, add_direction=False)
    lines = [
        runs(BLOCK_LINES[cause], duration=duration),
        runs(_l("Reference: %(reference)s"), reference=reference),
    ]
    return _part("blocked", title, lines, None, cause=cause, reset_at=int(reset_at))


#: A link problem → what the guide says, with and without the time it happened.
LINK_LINES = {
    "link-expired": (
        _l("It was %(what)s. It expired on %(when)s."),
        _l("It was %(what)s. It has expired."),
    ),
    "link-replaced": (
        _l("It was %(what)s. A newer email replaced it on %(when)s: use the link in it."),
        _l("It was %(what)s. A newer email replaced it: use the link in it."),
    ),
    "link-used": (
        _l("It was %(what)s. It was already used on %(when)s."),
        _l("It was %(what)s. It was already used."),
    ),
    "link-invalid": (None, _l("It looked like %(what)s, but it is incomplete or altered.")),
}
#: Where to ask for a new link of each kind.
NEW_LINK = {
    "activate": "auth.resend_activation",
    "reset": "auth.forgot_password",
    "sign-in": "auth.login",
}


def _link() -> dict | None:
    purpose, problem, replaced, stamp, _shown = session[record.LINK]
    kind = "link-replaced" if replaced else f"link-{problem}"
    if purpose not in LINK_KINDS or kind not in LINK_LINES:
        return None
    timed, untimed = LINK_LINES[kind]
    what = LINK_KINDS[purpose]
    if stamp and timed is not None:
        line = runs(timed, what=what, when=_when(_from_epoch(stamp)))
    else:
        line = runs(untimed, what=what)
    link = (url_for(NEW_LINK[purpose]), gettext("Ask for a new link"))
    return _part(kind, _l("The link you opened"), [line], link)


def _part(kind, title, lines, link, **extra) -> dict:
    part = {"kind": kind, "title": str(title), "lines": lines, **extra}
    if link:
        part["link"] = {"href": link[0], "text": str(link[1])}
    return part
