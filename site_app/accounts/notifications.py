"""Which mails the account features send, and what each one carries.

Templates live in ``templates/email/<kind>.txt`` and ``.html``; each starts
with a comment listing its context variables.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..clock import utcnow
from ..help.topics import help_url
from ..mail.outbox import queue_mail
from ..models import User
from ..security.hosts import public_url_for
from . import tokens


def _external(endpoint: str, **values) -> str:
    """A link for a mail: on ``PUBLIC_URL``, never on the request's ``Host``."""
    return public_url_for(endpoint, **values)


def _common(user: User, locale: str | None = None) -> dict:
    return {
        "email": user.email,
        "help": lambda topic: help_url(topic, locale or user.locale, external=True),
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }


def activation(user: User, locale: str | None = None) -> None:
    """« VEUILLEZ ACTIVER VOTRE COMPTE »: the signed link, its deadline, spam advice."""
    delay = current_app.config["ACTIVATION_DELAY"]
    deadline = utcnow() + delay
    queue_mail(
        "activate",
        user.email,
        locale or user.locale,
        _l("PLEASE ACTIVATE YOUR ACCOUNT"),
        link=_external("auth.activate", token=tokens.make_token(user, tokens.ACTIVATE)),
        deadline=deadline,
        hours=int(delay.total_seconds() // 3600),
        **_common(user, locale),
    )


def account_created(user: User) -> None:
    """Sent once the account is activated."""
    queue_mail(
        "account_created",
        user.email,
        user.locale,
        _l("Your account has been created"),
        account_link=_external("account.index"),
        **_common(user),
    )


def signup_with_existing_address(user: User) -> None:
    """Someone signed up with an address that already has an active account."""
    queue_mail(
        "signup_existing",
        user.email,
        user.locale,
        _l("Someone tried to sign up with your email address"),
        login_link=_external("auth.login"),
        reset_link=_external("auth.forgot_password"),
        **_common(user),
    )


def password_reset(user: User, locale: str | None = None) -> None:
    """« Réinitialisez votre mot de passe »: a single-use link valid for a short time.

    Written in ``locale``, the language of the person who asked, when given.
    """
    delay = current_app.config["PASSWORD_RESET_DELAY"]
    queue_mail(
        "reset_password",
        user.email,
        locale or user.locale,
        _l("Reset your password"),
        link=_external("auth.reset_password", token=tokens.make_token(user, tokens.RESET_PASSWORD)),
        minutes=int(delay.total_seconds() // 60),
        **_common(user, locale),
    )


def password_changed(user: User, every_session: bool = False) -> None:
    """Notice that the password changed, with what to do if it was not the owner.

    ``every_session``: a reset, which signed out every session, the browser's own too;
    otherwise a change from the account page, which kept the session it was made from.
    """
    queue_mail(
        "password_changed",
        user.email,
        user.locale,
        _l("Your password has been changed"),
        when=utcnow(),
        every_session=every_session,
        reset_link=_external("auth.forgot_password"),
        **_common(user),
    )


def account_deleted(user: User) -> None:
    """Confirms a deletion the owner asked for; queued in the same transaction as it."""
    queue_mail(
        "account_deleted",
        user.email,
        user.locale,
        _l("Your account has been deleted"),
        when=utcnow(),
        signup_link=_external("auth.signup"),
        **_common(user),
    )


def sign_in_link(user: User, locale: str) -> None:
    """A single-use link that signs the owner in while their account is under attack."""
    delay = current_app.config["SIGN_IN_LINK_DELAY"]
    queue_mail(
        "sign_in_link",
        user.email,
        locale,
        _l("Your sign-in link"),
        link=_external("auth.sign_in_link", token=tokens.make_token(user, tokens.SIGN_IN)),
        minutes=int(delay.total_seconds() // 60),
        reset_link=_external("auth.forgot_password"),
        **_common(user, locale),
    )


def account_targeted(user: User) -> None:
    """Strangers failed to sign in to this account many times (sent once per attack window)."""
    queue_mail(
        "account_targeted",
        user.email,
        user.locale,
        _l("Someone is trying to sign in to your account"),
        when=utcnow(),
        reset_link=_external("auth.forgot_password"),
        **_common(user),
    )


def passkey_added(user: User, passkey) -> None:
    """A passkey now signs in to the account: the way out if it was not the owner (remove
    it from the account page, then choose a new password)."""
    queue_mail(
        "passkey_added",
        user.email,
        user.locale,
        _l("A passkey was added to your account"),
        name=passkey.name,
        when=passkey.created_at,
        account_link=_external("account.index") + "#passkeys",
        reset_link=_external("auth.forgot_password"),
        **_common(user),
    )
