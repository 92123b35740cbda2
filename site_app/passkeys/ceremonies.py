"""Passkeys (WebAuthn, py_webauthn): adding one to an account, signing in with one.

Each ceremony has two steps. The options step makes a random challenge and keeps it in
this browser's session with the time it was made; the answer step takes it out of the
session (it is gone whatever the answer) and marks it used on the limits' shared storage,
so a copy of the session cookie sent again cannot use it a second time. A challenge
older than :data:`CHALLENGE_LIFETIME` is refused.

The relying party is the site's host (``PUBLIC_URL``; in development ``localhost``).
WebAuthn refuses IP addresses as relying party ids: on ``http://127.0.0.1:5000`` nothing
of passkeys is offered (:func:`offered`), on ``http://localhost:5000`` it all works.

Sign-in uses discoverable credentials (resident key required, user verification
preferred): the browser offers the account's passkeys without the address being typed.
The signature counter is checked as the spec says: when the authenticator keeps one, a
counter that does not go up means a copied credential, and the sign-in is refused.

Nothing here commits but :func:`add_passkey` and :func:`remove_passkey` (rules, with
their mail); a passkey sign-in is committed by the view with the session it opens.
"""

import ipaddress
import secrets
import time

import webauthn
from flask import current_app, request, session
from flask_babel import gettext
from sqlalchemy import select
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..accounts import notifications
from ..clock import utcnow
from ..extensions import db
from ..limits.counters import use_once
from ..mail.outbox import commit_and_dispatch
from ..models import Passkey, User
from ..security.hosts import hostname
from .store import NAME_MAX_LENGTH, default_name, rp_id

#: How long the browser may take to answer (the options' ``timeout``), and how long a
#: challenge is kept: a little longer, for the round trip.
TIMEOUT_SECONDS = 300
CHALLENGE_LIFETIME = TIMEOUT_SECONDS + 30
_KNOWN_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}


class PasskeyRefused(Exception):
    """A ceremony that cannot go on; ``reason`` names why (:mod:`.views` words it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- The relying party --------------------------------------------------------------------


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def offered() -> bool:
    """Whether this request's page may offer passkeys: its host is the relying party's,
    and that is a name (WebAuthn refuses IP addresses: ``127.0.0.1`` offers none)."""
    rp = rp_id()
    return not _is_ip_address(rp) and hostname(request.host) == rp


def expected_origin() -> str:
    """The origin the browser must report: ``PUBLIC_URL``, else this (loopback) host."""
    return current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")


# --- Challenges ---------------------------------------------------------------------------


def _keep_challenge(purpose: str, challenge: bytes, **extra) -> None:
    session[f"passkey_{purpose}"] = {
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
        **extra,
    }


def _take_challenge(purpose: str) -> dict:
    """The challenge of ``purpose`` kept in the session, taken out; refused when missing,
    expired or already used (raises :class:`PasskeyRefused` ``expired``)."""
    kept = session.pop(f"passkey_{purpose}", None)
    if not isinstance(kept, dict) or not isinstance(kept.get("challenge"), str):
        raise PasskeyRefused("expired")
    age = time.time() - float(kept.get("at") or 0)
    if not 0 <= age <= CHALLENGE_LIFETIME:
        raise PasskeyRefused("expired")
    if not use_once(CHALLENGE_LIFETIME, "passkey-challenge", kept["challenge"]):
        raise PasskeyRefused("expired")
    return kept


# --- Adding a passkey (the account page, after the password) --------------------------------


def _handle(user: User) -> bytes:
    """The account's WebAuthn user handle: 32 random bytes, made once (the caller commits)."""
    if user.passkey_handle is None:
        user.passkey_handle = bytes_to_base64url(secrets.token_bytes(32))
    return base64url_to_bytes(user.passkey_handle)


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = [
        AuthenticatorTransport(value)
        for value in passkey.transports.split(",")
        if value in _KNOWN_TRANSPORTS
    ]
    return PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)


def registration_options(user: User, name: str) -> dict:
    """The options of ``navigator.credentials.create()`` for ``user`` (its password was
    checked by the caller), the passkey to be called ``name`` (:func:`clean_name`). Its
    existing passkeys are excluded: the same authenticator is not registered twice. The
    caller commits (the user handle, made once)."""
    options = webauthn.generate_registration_options(
        rp_id=rp_id(),
        rp_name=gettext("Help center"),
        user_id=_handle(user),
        user_name=user.email,
        user_display_name=user.email,
        timeout=TIMEOUT_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(passkey) for passkey in user.passkeys],
    )
    _keep_challenge("register", options.challenge, account=user.public_id, name=name)
    return options_to_json_dict(options)


def clean_name(name, user_agent: str) -> str:
    """The name typed for a new passkey, or the browser's when none was; refused when too
    long or unstorable (``name``)."""
    from ..forms import storable

    if name is None:
        name = ""
    if not isinstance(name, str) or not storable(name):
        raise PasskeyRefused("name")
    name = " ".join(name.split())
    if len(name) > NAME_MAX_LENGTH:
        raise PasskeyRefused("name")
    return name or default_name(user_agent)


def add_passkey(user: User, credential) -> Passkey:
    """Check the browser's answer to :func:`registration_options` and keep the passkey,
    under the name given there; the account's address gets a notice (a rule: commits
    with its mail)."""
    kept = _take_challenge("register")
    if kept.get("account") != user.public_id or not isinstance(kept.get("name"), str):
        raise PasskeyRefused("expired")
    try:
        parsed = parse_registration_credential_json(credential)
        verified = webauthn.verify_registration_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        current_app.logger.info("passkey registration refused: %s", error)
        raise PasskeyRefused("invalid") from error
    taken = select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    if db.session.scalar(taken) is not None:
        raise PasskeyRefused("taken")
    passkey = Passkey(
        user=user,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(t.value for t in parsed.response.transports or [])[:200],
        name=kept["name"][:NAME_MAX_LENGTH],
        created_at=utcnow(),
    )
    db.session.add(passkey)
    notifications.passkey_added(user, passkey)
    commit_and_dispatch()
    return passkey


def remove_passkey(user: User, reference: str) -> bool:
    """Remove ``user``'s passkey named ``reference``; False when it has none of that name
    (already removed, or someone else's). A rule: commits."""
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.user_id == user.id, Passkey.reference == reference)
    )
    if passkey is None:
        return False
    db.session.delete(passkey)
    db.session.commit()
    return True


# --- Signing in -------------------------------------------------------------------------------


def authentication_options() -> dict:
    """The options of ``navigator.credentials.get()``: no credential listed (discoverable
    passkeys: the browser offers the ones it holds for this site)."""
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(),
        timeout=TIMEOUT_SECONDS * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge("sign-in", options.challenge)
    return options_to_json_dict(options)


def authenticate(credential) -> User:
    """The account the browser's answer to :func:`authentication_options` signs in.

    Refused (:class:`PasskeyRefused`): ``expired`` challenge; ``unknown`` passkey (removed,
    or its user handle is not its account's); ``invalid`` answer (signature, origin, relying
    party); ``counter``: the signature counter did not go up. On success the passkey's
    counter and last use are updated; the caller opens the session and commits.
    """
    kept = _take_challenge("sign-in")
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused("invalid") from error
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == parsed.raw_id))
    if passkey is None or not passkey.user.is_active:
        raise PasskeyRefused("unknown")
    handle = parsed.response.user_handle
    if handle is not None and (
        passkey.user.passkey_handle is None
        or not secrets.compare_digest(handle, base64url_to_bytes(passkey.user.passkey_handle))
    ):
        raise PasskeyRefused("unknown")
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
            credential_public_key=passkey.public_key,
            # The counter is compared below, after the signature, for an answer of its own.
            credential_current_sign_count=0,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        current_app.logger.info("passkey sign-in refused: %s", error)
        raise PasskeyRefused("invalid") from error
    new_count = verified.new_sign_count
    if (new_count > 0 or passkey.sign_count > 0) and new_count <= passkey.sign_count:
        current_app.logger.warning(
            "passkey sign-in refused: its signature counter went from %d to %d (a copy?)",
            passkey.sign_count,
            new_count,
        )
        raise PasskeyRefused("counter")
    passkey.sign_count = new_count
    passkey.last_used_at = utcnow()
    return passkey.user
