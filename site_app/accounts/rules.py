"""The account rules: register, activate, authenticate, reset, change, delete, purge.

Nothing here reads the request: views, the CLI and the tests call these
functions alike. Each function that sends mail commits its change together
with the mails it causes, then hands the mails to delivery; a sign-in
(:func:`authenticate`) is committed by the caller, with the session it opens.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import limits
from ..clock import utcnow
from ..extensions import db
from ..mail.jobs import deferrable
from ..mail.outbox import dispatch
from ..models import User, UserSession
from . import notifications, retention, sessions, tokens
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password


def find_user(email: str) -> User | None:
    """Return the account of ``email`` (already normalised), if any."""
    return db.session.scalar(select(User).where(User.email == email))


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
        _commit_and_send()
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
        _commit_and_send()


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
    _commit_and_send()
    return True


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: ``user`` is set only when ``ok``."""

    ok: bool
    user: User | None = None
    needs_activation: bool = False
    #: The sign-in before this one (None the first time): the account page shows it.
    previous_sign_in: datetime | None = None
    #: The password was right but the account is under attack: mail a sign-in link.
    confirm_by_mail: bool = False


def authenticate(email: str, password: str, locale: str, by_mail: bool = False) -> SignIn:
    """Check ``email`` and ``password``. Unknown address and wrong password look alike.

    On success the account remembers ``locale``, the language its owner uses now; the
    caller commits that together with the session it opens (:mod:`site_app.accounts.sessions`):
    one commit per sign-in. With ``by_mail`` (the account is under attack) the right
    password signs nobody in: the outcome asks for a sign-in link to be mailed instead
    (:func:`send_sign_in_link`).
    """
    user = find_user(email)
    if user is None:
        verify_password(dummy_hash(), password)  # same time as a real check
        return SignIn(ok=False)
    if not verify_password(user.password_hash, password):
        return SignIn(ok=False)
    if user.activated_at is None:
        return SignIn(ok=False, needs_activation=True)
    if by_mail:
        return SignIn(ok=False, user=user, confirm_by_mail=True)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    previous_sign_in = user.last_login_at
    user.last_login_at = utcnow()
    user.locale = locale
    return SignIn(ok=True, user=user, previous_sign_in=previous_sign_in)


@deferrable("mail-owner-under-attack")
def mail_owner_under_attack(email: str, warn: bool, send_link: bool, locale: str) -> None:
    """The mails of a sign-in while the account is protected (B3), as a deferred job: the
    owner's warning once per attack, and the sign-in link if the password was right (within
    its own quota, :func:`limits.sign_in_link_allowed`). Right and wrong passwords get the
    same answer after the same work; only this job, run later, tells them apart."""
    if warn:
        warn_account_targeted(email)
    if send_link and limits.sign_in_link_allowed(email):
        send_sign_in_link(email, locale)


def send_sign_in_link(email: str, locale: str) -> None:
    """Mail the owner of ``email`` a single-use sign-in link (their password was right
    while the account is under attack)."""
    user = find_user(email)
    if user is not None:
        notifications.sign_in_link(user, locale)
        _commit_and_send()


def warn_account_targeted(email: str) -> None:
    """Tell the owner of ``email``, if any, that strangers are guessing their password."""
    user = find_user(email)
    if user is not None:
        notifications.account_targeted(user)
        _commit_and_send()


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
    _commit_and_send()


def set_password(user: User, new_password: str, keep_session: UserSession | None = None) -> None:
    """Change the password, sign out every session but ``keep_session``, kill every link, notify.

    A reset keeps no session; a change from the account page keeps the one it was made from.
    """
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.rotate_security_stamp()
    sessions.end_sessions(user, keep=keep_session)
    notifications.password_changed(user)
    _commit_and_send()


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


def _commit_and_prove(user: User) -> SignUp:
    _commit_and_send()
    return SignUp(tokens.signup_proof(user), user.public_id)
