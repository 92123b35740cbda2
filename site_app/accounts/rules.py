"""The account rules: register, activate, reset, change, delete, purge (signing in is
:mod:`.sign_in`; :func:`find_user` is :mod:`.lookup`').

Nothing here reads the request: views, the CLI and the tests call these
functions alike. Each one is a transaction of its own (see :mod:`site_app.accounts`):
it commits its change together with the mails it causes, then hands them to delivery.
"""

__all__ = ["find_user"]  # read here by the views, the CLI and the tests

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import utcnow
from ..extensions import db
from ..mail.jobs import deferrable
from ..mail.outbox import commit_and_dispatch
from ..models import User, UserSession
from . import notifications, retention, sessions, tokens
from .lookup import find_user
from .passwords import hash_password


@dataclass(frozen=True)
class SignUp:
    """The outcome of :func:`register`, the same in form for every address."""

    #: For the session of the browser that signed up (:func:`tokens.proves_signup`).
    proof: str
    #: The public id of the address's account (site_app/accounts/known_browsers.py).
    account: str


def register(email: str, password: str, locale: str) -> SignUp:
    """Create an unactivated account and queue its activation mail; return a sign-up proof
    and the account's public id (:class:`SignUp`).

    An address still waiting for activation takes the new password, and the
    links mailed before are retired: whoever signs up last chooses the password,
    and only the newest mail activates it. (Pre-hijacking: a stranger who signed
    up first with their own password cannot keep it.) The proof, kept in the
    browser's session, lets that browser activate with one click; any other
    browser is asked for the password (:func:`tokens.proves_signup`).

    If the address has an active account, nothing changes and its owner is told
    by mail instead; the caller answers the same way in every case (the proof
    looks the same), so nobody can learn which addresses have accounts. The password
    is hashed on every path, so neither can the time the answer takes (the hash is
    most of it).
    """
    hashed = hash_password(password)
    user = find_user(email)
    if user is None:
        user = User(email=email, password_hash=hashed, locale=locale)
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # a simultaneous sign-up with the same address won
            db.session.rollback()
            user = find_user(email)
        else:
            notifications.activation(user)
            return _commit_and_prove(user)
    if user.activated_at is not None:
        notifications.signup_with_existing_address(user)
        commit_and_dispatch()
        return SignUp(secrets.token_hex(32), user.public_id)  # looks like a proof, proves nothing
    # Signed up again before activating: this sign-up starts the account anew.
    user.password_hash = hashed
    user.locale = locale
    user.created_at = utcnow()  # the purge counts from here, like the new link
    user.rotate_security_stamp()
    notifications.activation(user)
    return _commit_and_prove(user)


@deferrable("resend-activation")
def resend_activation(email: str, locale: str) -> None:
    """Queue a new activation mail (in ``locale``) if ``email`` has an account waiting for it.

    A deferred job (:mod:`site_app.mail.jobs`): only an account gets a mail, which the
    request's answer must not wait for."""
    user = find_user(email)
    if user is not None and user.activated_at is None:
        notifications.activation(user, locale)
        commit_and_dispatch()


def activate(user: User, locale: str) -> bool:
    """Activate ``user`` (the link was confirmed) and send the "account created" mail.

    False when a new sign-up replaced the account's password and links since
    ``user`` was read: the one conditional update makes that race harmless.
    """
    now = utcnow()
    done = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.security_stamp == user.security_stamp,
            User.activated_at.is_(None),
        )
        .values(activated_at=now, locale=locale)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        db.session.rollback()
        return False
    set_committed_value(user, "activated_at", now)  # what the update just wrote
    set_committed_value(user, "locale", locale)
    notifications.account_created(user)
    commit_and_dispatch()
    return True


@deferrable("password-reset")
def request_password_reset(email: str, locale: str) -> None:
    """Queue a reset mail if ``email`` has an account (an activation mail if it is not active).

    The mail is written in ``locale``, the language of the person who asked. A deferred
    job (:mod:`site_app.mail.jobs`), so the answer takes the same time for every address.
    """
    user = find_user(email)
    if user is None:
        return
    if user.activated_at is None:
        notifications.activation(user, locale)
    else:
        user.rotate_reset_nonce()  # the reset links mailed before stop working
        notifications.password_reset(user, locale)
    commit_and_dispatch()


def set_password(user: User, new_password: str, keep_session: UserSession | None = None) -> None:
    """Change the password, sign out every session but ``keep_session``, kill every link, notify.

    A reset keeps no session; a change from the account page keeps the one it was made from.
    """
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.rotate_security_stamp()
    sessions.end_sessions(user, keep=keep_session)
    notifications.password_changed(user, every_session=keep_session is None)
    commit_and_dispatch()


def set_locale(user: User, locale: str) -> None:
    """Remember the language the person's mails are written in."""
    if user.locale != locale:
        user.locale = locale
        db.session.commit()


def delete_account(user: User) -> None:
    """Delete ``user`` for good (the caller checked the password), and confirm it by mail.

    What the person left goes too (:func:`retention.forget_person`); the goodbye mail is
    erased once it has been sent.
    """
    notifications.account_deleted(user)
    retention.forget_person(user.email)
    db.session.delete(user)
    commit_and_dispatch()


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


def _commit_and_prove(user: User) -> SignUp:
    commit_and_dispatch()
    return SignUp(tokens.signup_proof(user), user.public_id)
