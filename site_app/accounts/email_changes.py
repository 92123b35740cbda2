"""Changing an account's email address: a link to the new address, a way back at the old.

The owner asks from the account page (password checked by the view, like every password
check). That writes one :class:`~site_app.models.EmailChange` row and two mails:

- to the new address, a single-use confirmation link valid for ``EMAIL_CHANGE_DELAY``
  (bound to the row's nonce and the account's security stamp: a new password kills it);
  until it is used, the old address is still the account's and still signs in;
- to the old address, a notice with a "this wasn't me" link, valid for
  ``EMAIL_CHANGE_REVERT_DELAY`` — also after the change was confirmed: it puts the old
  address back, signs every session out, kills every link, removes every passkey (whoever
  knew the password may have added one, which no new password would stop) and leads to a
  new password.

If the new address already belongs to an account, that account's owner gets a mail
instead of the link, and the requester sees the same page: nobody learns which addresses
have accounts. Like :mod:`site_app.accounts.rules`, nothing here reads the request.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from ..help.topics import help_url
from ..mail.outbox import commit_and_dispatch, queue_mail
from ..models import EmailChange, User
from ..security.hosts import public_url_for
from . import sessions
from .tokens import account_named

CONFIRM, REVERT = "email-change", "email-change-revert"


def new_nonce() -> str:
    """What the links of one change are bound to; deleting the row kills them."""
    return secrets.token_urlsafe(16)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"site_app.{purpose}")


def request_change(user: User, new_email: str) -> None:
    """Start changing the address of ``user`` to ``new_email`` (validated, normalised, not
    the current one; the caller checked the password). Commits and sends the mails.

    A new request replaces a pending one: the links mailed for it stop working.
    """
    db.session.execute(
        delete(EmailChange).where(
            EmailChange.user_id == user.id, EmailChange.confirmed_at.is_(None)
        )
    )
    change = EmailChange(
        user_id=user.id, old_email=user.email, new_email=new_email, nonce=new_nonce()
    )
    db.session.add(change)
    owner = db.session.scalar(select(User).where(User.email == new_email))
    if owner is None:
        _mail_confirmation(user, change)
    else:
        _mail_address_taken(owner)
    _mail_notice(user, change)
    commit_and_dispatch()


@dataclass(frozen=True)
class LinkCheck:
    """A checked link: ``change`` when good, else ``problem`` (expired, invalid, used)."""

    change: EmailChange | None = None
    problem: str | None = None


def _check(token: str, purpose: str, max_age_setting: str) -> tuple[LinkCheck, list]:
    max_age = int(current_app.config[max_age_setting].total_seconds())
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        return LinkCheck(problem="expired"), []
    except (BadSignature, ValueError, TypeError):
        return LinkCheck(problem="invalid"), []
    if not isinstance(payload, list) or len(payload) < 2:
        return LinkCheck(problem="invalid"), []
    user = account_named(payload[0])
    change = db.session.scalar(select(EmailChange).where(EmailChange.nonce == payload[1]))
    if user is None or change is None or change.user_id != user.id:
        return LinkCheck(problem="used"), payload
    return LinkCheck(change=change), payload


def check_confirmation(token: str) -> LinkCheck:
    """The pending change a confirmation link names, or what is wrong with the link."""
    check, payload = _check(token, CONFIRM, "EMAIL_CHANGE_DELAY")
    if check.change is None:
        return check
    change = check.change
    if (
        change.confirmed_at is not None
        or payload[2:] != [change.user.security_stamp]
        or change.user.email != change.old_email
    ):
        return LinkCheck(problem="used")
    return check


def confirm(change: EmailChange) -> bool:
    """Make the new address the account's. False when it got an account meanwhile.

    The links mailed to the old address die (security stamp, reset nonce); the sessions
    stay. The notice's way back stays usable until ``EMAIL_CHANGE_REVERT_DELAY``.
    """
    user = change.user
    user.email = change.new_email
    user.rotate_security_stamp()
    user.rotate_reset_nonce()
    change.confirmed_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def check_revert(token: str) -> LinkCheck:
    """The change a "this wasn't me" link names, or what is wrong with the link."""
    return _check(token, REVERT, "EMAIL_CHANGE_REVERT_DELAY")[0]


@dataclass(frozen=True)
class Reverted:
    """A change undone: the account, and how many passkeys were removed with it."""

    user: User
    passkeys_removed: int


def revert(change: EmailChange) -> Reverted | None:
    """Undo a change ("this wasn't me"): the old address is the account's again, every
    pending change and its links die, every session ends, every link mailed so far stops
    working, and every passkey is removed: the person who asked knew the password, so may
    have added one, and a passkey outlives the new password. The owner adds theirs again.
    Returns what was undone, or None when the old address has meanwhile got an account of
    its own."""
    user = change.user
    user.email = change.old_email
    user.rotate_security_stamp()
    user.rotate_reset_nonce()
    db.session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    sessions.end_sessions(user)
    removed = len(user.passkeys)
    user.passkeys.clear()  # delete-orphan: the rows go with the commit
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return Reverted(user, removed)


def purge_expired_changes() -> int:
    """Delete the changes whose links have all expired; return how many."""
    deadline = utcnow() - current_app.config["EMAIL_CHANGE_REVERT_DELAY"]
    return db.session.execute(delete(EmailChange).where(EmailChange.created_at < deadline)).rowcount


# --- The mails (templates/email/email_change_*.txt and .html) ------------------------------


def _common(locale: str) -> dict:
    return {
        "help": lambda topic: help_url(topic, locale, external=True),
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }


def _hours(setting: str) -> int:
    return int(current_app.config[setting].total_seconds() // 3600)


def _mail_confirmation(user: User, change: EmailChange) -> None:
    token = _serializer(CONFIRM).dumps([user.public_id, change.nonce, user.security_stamp])
    queue_mail(
        "email_change_confirm",
        change.new_email,
        user.locale,
        _l("Confirm your new email address"),
        email=change.new_email,
        link=public_url_for("email_change.confirm", token=token),
        deadline=_deadline("EMAIL_CHANGE_DELAY"),
        hours=_hours("EMAIL_CHANGE_DELAY"),
        **_common(user.locale),
    )


def _mail_notice(user: User, change: EmailChange) -> None:
    token = _serializer(REVERT).dumps([user.public_id, change.nonce])
    queue_mail(
        "email_change_notice",
        change.old_email,
        user.locale,
        _l("Email address change requested"),
        email=change.old_email,
        new_email=change.new_email,
        when=utcnow(),
        link=public_url_for("email_change.revert", token=token),
        until=_deadline("EMAIL_CHANGE_REVERT_DELAY"),
        **_common(user.locale),
    )


def _mail_address_taken(owner: User) -> None:
    """The new address already has an account: its owner is told, nothing else happens."""
    queue_mail(
        "email_change_taken",
        owner.email,
        owner.locale,
        _l("Someone tried to use your email address for another account"),
        email=owner.email,
        login_link=public_url_for("auth.login"),
        **_common(owner.locale),
    )


def _deadline(setting: str) -> datetime:
    return utcnow() + current_app.config[setting]
