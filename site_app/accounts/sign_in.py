"""The sign-in policy: passwords are checked while they are counted (B2, B3).

An attempt is counted before its password is verified (:mod:`site_app.limits.policy`) and
given back when the password was right, so only failures stay counted. While strangers
have spent an account's failure limit (B3) its password alone signs nobody in: right and
wrong passwords get the same answer after the same work, and a deferred job, run outside
the request, mails the owner's warning and — the password being right — a sign-in link.
An account never activated answers like a wrong password (B1, counted as a failure); a
deferred job stored after every failed sign-in mails it its activation link again when the
password was right (review M1).

Reads the request (its network, the known-browser cookie) through the limits and
:mod:`.known_browsers`. A sign-in commits nothing here: the view commits it with the
session it opens (one commit per sign-in); the B3 mails commit as every rule does.
"""

from dataclasses import dataclass
from datetime import datetime

from ..clock import utcnow
from ..limits.causes import ACCOUNT, Blocked
from ..limits.policy import (
    activation_reminder_allowed,
    count_password_attempt,
    sign_in_link_allowed,
)
from ..mail.jobs import defer, deferrable
from ..mail.outbox import commit_and_dispatch
from ..models import User
from . import known_browsers, notifications
from .lookup import find_user
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password


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
    caller commits that together with the session it opens (:mod:`.sessions`):
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
        # Answered like a wrong password: an answer of its own told anyone which addresses
        # wait for activation, and that a guessed password was theirs.
        return SignIn(ok=False, needs_activation=True)
    if by_mail:
        return SignIn(ok=False, user=user, confirm_by_mail=True)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(ok=True, user=user, previous_sign_in=record_sign_in(user, locale))


def record_sign_in(user: User, locale: str) -> datetime | None:
    """What every sign-in (password, passkey) records on the account: its time, and the
    language its owner uses now. Returns the sign-in before it (the account page shows
    it). The caller commits, with the session it opens."""
    previous_sign_in = user.last_login_at
    user.last_login_at = utcnow()
    user.locale = locale
    return previous_sign_in


def sign_in(email: str, password: str, locale: str) -> SignIn:
    """Check the sign-in form's address and password (:func:`authenticate`), counted.

    Raises :class:`~site_app.limits.causes.Blocked`: B2 when this network failed too
    often, B3 while the account is protected. A browser that signed in to the account
    before counts apart (:mod:`.known_browsers`).
    """
    attempt = count_password_attempt(email, browser=known_browsers.signed_in_before(email))
    outcome = authenticate(email, password, locale, attempt.under_attack)
    if attempt.under_attack:
        defer(
            mail_owner_under_attack,
            email=email,
            warn=attempt.first_alarm,
            send_link=outcome.confirm_by_mail or outcome.needs_activation,
            locale=locale,
        )
        raise Blocked(ACCOUNT, attempt.reset_at)
    if outcome.ok:
        attempt.succeeded()
    else:
        # A wrong password, an unknown address and an account never activated get the one
        # answer (B1), counted alike, after the same work: a job stored for each, which
        # mails the activation link again to a pending account whose password was right.
        defer(
            remind_activation,
            email=email,
            password_was_right=outcome.needs_activation,
            locale=locale,
        )
    return outcome


@deferrable("mail-owner-under-attack")
def mail_owner_under_attack(email: str, warn: bool, send_link: bool, locale: str) -> None:
    """The mails of a sign-in while the account is protected (B3), as a deferred job: the
    owner's warning once per attack, and the sign-in link if the password was right (within
    its own quota, :func:`~site_app.limits.policy.sign_in_link_allowed`). Right and wrong
    passwords get the same answer after the same work; only this job, run later, tells
    them apart."""
    if warn:
        warn_account_targeted(email)
    if send_link and sign_in_link_allowed(email):
        send_sign_in_link(email, locale)


def send_sign_in_link(email: str, locale: str) -> None:
    """Mail the owner of ``email`` a single-use sign-in link (their password was right
    while the account is under attack); an account never activated gets its activation
    link again instead (a sign-in link cannot sign it in)."""
    user = find_user(email)
    if user is None:
        return
    if user.activated_at is None:
        notifications.activation(user, locale)
    else:
        notifications.sign_in_link(user, locale)
    commit_and_dispatch()


@deferrable("remind-activation")
def remind_activation(email: str, password_was_right: bool, locale: str) -> None:
    """After a failed sign-in (a deferred job stored for every failure alike): the owner of
    an account never activated, whose password was right, gets the activation mail again,
    in ``locale`` — the sign-in page says nothing of it (review M1). Within a quota of its
    own per address (:func:`~site_app.limits.policy.activation_reminder_allowed`): only who
    knows the password can ask for it, and it never spends the owner's reset or resend
    quota."""
    if not (password_was_right and activation_reminder_allowed(email)):
        return
    user = find_user(email)
    if user is not None and user.activated_at is None:
        notifications.activation(user, locale)
        commit_and_dispatch()


def warn_account_targeted(email: str) -> None:
    """Tell the owner of ``email``, if any, that strangers are guessing their password."""
    user = find_user(email)
    if user is not None:
        notifications.account_targeted(user)
        commit_and_dispatch()


def refused_form() -> None:
    """A sign-in form refused before its password was read: it counts for this network only."""
    count_password_attempt(None)


class PasswordCheck:
    """A password about to be checked for ``user``, already counted (B2, B3 raised here).

    ``scope``: ``login-account`` (the activation link's password, counted with sign-ins)
    or ``account-password`` (the account page's forms, counted on their own).
    """

    def __init__(self, user: User, scope: str = "login-account") -> None:
        self.user = user
        self.attempt = count_password_attempt(user.email, scope=scope)
        if self.attempt.under_attack:
            raise Blocked(ACCOUNT, self.attempt.reset_at)

    def verify(self, password: str) -> bool:
        """Whether ``password`` is the account's; only a wrong one stays counted."""
        right = verify_password(self.user.password_hash, password)
        if right:
            self.attempt.succeeded()
        return right

    def unused(self) -> None:
        """The form was refused before any password was checked: nothing stays counted."""
        self.attempt.succeeded()


def check_password(user: User, password: str, scope: str = "login-account") -> bool:
    """Count, then verify ``user``'s password (see :class:`PasswordCheck`)."""
    return PasswordCheck(user, scope).verify(password)
