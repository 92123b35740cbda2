"""The account rules: register, activate, authenticate, reset, change, delete, purge.

Nothing here reads the request: views, the CLI and the tests call these
functions alike. Each function commits its own change together with the mails
it causes, then hands the mails to delivery.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from . import notifications
from .clock import utcnow
from .extensions import db
from .mail import dispatch
from .models import User
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password


def find_user(email: str) -> User | None:
    """Return the account of ``email`` (already normalised), if any."""
    return db.session.scalar(select(User).where(User.email == email))


def register(email: str, password: str, locale: str) -> None:
    """Create an unactivated account and queue its activation mail.

    If the address already has an account, nothing is created and its owner is
    told by mail instead; the caller answers the same way in both cases, so
    nobody can learn which addresses have accounts.
    """
    existing = find_user(email)
    if existing is None:
        user = User(email=email, password_hash=hash_password(password), locale=locale)
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # a simultaneous sign-up with the same address won
            db.session.rollback()
            existing = find_user(email)
        else:
            notifications.activation(user)
    if existing is not None:
        if existing.activated_at is None:
            notifications.activation(existing, locale)
        else:
            notifications.signup_with_existing_address(existing)
    _commit_and_send()


def resend_activation(email: str, locale: str) -> None:
    """Queue a new activation mail (in ``locale``) if ``email`` has an account waiting for it."""
    user = find_user(email)
    if user is not None and user.activated_at is None:
        notifications.activation(user, locale)
        _commit_and_send()


def activate(user: User, locale: str) -> None:
    """Activate ``user`` (the link was confirmed) and send the "account created" mail."""
    user.activated_at = utcnow()
    user.locale = locale
    notifications.account_created(user)
    _commit_and_send()


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: ``user`` is set only when ``ok``."""

    ok: bool
    user: User | None = None
    needs_activation: bool = False
    #: The sign-in before this one (None the first time): the account page shows it.
    previous_sign_in: datetime | None = None


def authenticate(email: str, password: str, locale: str) -> SignIn:
    """Check ``email`` and ``password``. Unknown address and wrong password look alike.

    On success the account remembers ``locale``, the language its owner uses now.
    """
    user = find_user(email)
    if user is None:
        verify_password(dummy_hash(), password)  # same time as a real check
        return SignIn(ok=False)
    if not verify_password(user.password_hash, password):
        return SignIn(ok=False)
    if user.activated_at is None:
        return SignIn(ok=False, needs_activation=True)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    previous_sign_in = user.last_login_at
    user.last_login_at = utcnow()
    user.locale = locale
    db.session.commit()
    return SignIn(ok=True, user=user, previous_sign_in=previous_sign_in)


def request_password_reset(email: str, locale: str) -> None:
    """Queue a reset mail if ``email`` has an account (an activation mail if it is not active).

    The mail is written in ``locale``, the language of the person who asked.
    """
    user = find_user(email)
    if user is None:
        return
    if user.activated_at is None:
        notifications.activation(user, locale)
    else:
        notifications.password_reset(user, locale)
    _commit_and_send()


def set_password(user: User, new_password: str) -> None:
    """Change the password, which signs out every session and kills every link, and notify."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.rotate_security_stamp()
    notifications.password_changed(user)
    _commit_and_send()


def set_locale(user: User, locale: str) -> None:
    """Remember the language the person's mails are written in."""
    if user.locale != locale:
        user.locale = locale
        db.session.commit()


def delete_account(user: User) -> None:
    """Delete ``user`` for good (the caller checked the password), and confirm it by mail."""
    notifications.account_deleted(user)
    db.session.delete(user)
    _commit_and_send()


def purge_unactivated_accounts() -> int:
    """Delete accounts never activated within the activation delay; return how many.

    One statement, so it is safe to run from cron while the site is in use.
    """
    deadline = utcnow() - current_app.config["ACTIVATION_DELAY"]
    result = db.session.execute(
        delete(User).where(User.activated_at.is_(None), User.created_at < deadline)
    )
    db.session.commit()
    return result.rowcount


def _commit_and_send() -> None:
    db.session.commit()
    dispatch()
