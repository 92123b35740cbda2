"""Signed links (activation, password reset, sign-in) and the sign-up proof a browser keeps.

A token carries the account's public id (random: the sequential id would tell how many
accounts exist) and its security stamp; a reset token also
carries the account's reset nonce, rotated by each new reset mail. Checking
returns a :class:`TokenCheck` so a view can tell "expired" from "tampered" from
"already used" (the stamp or the account's state has changed since) and from
"replaced" (a newer mail's link retired this one).

Sign-in links are mailed when an account is under attack (GitHub's "verify this
sign-in"): once strangers have spent an account's failure limit, its password alone signs
nobody in; the right password mails a link to the account's address instead, so the owner
always has a way in through their mailbox while a guessed password is worth nothing
without it. The link is short-lived (``SIGN_IN_LINK_DELAY``) and single-use: it carries
the time of the account's last sign-in, and using it moves that time in one conditional
UPDATE (:func:`use_sign_in_link`), so a second use — even a simultaneous one — finds the
time changed. A new password kills it too (the stamp).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..models import User

ACTIVATE = "activate"
RESET_PASSWORD = "reset-password"
SIGN_IN = "sign-in-link"
#: What can be wrong with a link; each has its page and help topic ``link-<problem>``.
PROBLEMS = ("expired", "invalid", "used")


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a token: ``user`` when good, else what is wrong with it.

    ``problem`` is ``"expired"``, ``"invalid"`` (tampered, truncated) or ``"used"`` (the
    account changed since: used, replaced, password changed, account gone). ``replaced``
    refines ``"used"``: a newer link of the same kind was mailed since.
    """

    user: User | None = None
    problem: str | None = None
    replaced: bool = False


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"site_app.{purpose}")


def _last_login(user: User) -> str | None:
    return user.last_login_at.isoformat() if user.last_login_at else None


def _payload(user: User, purpose: str) -> list:
    if purpose == RESET_PASSWORD:
        return [user.public_id, user.security_stamp, user.reset_nonce]
    if purpose == SIGN_IN:
        return [user.public_id, user.security_stamp, _last_login(user)]
    return [user.public_id, user.security_stamp]


def account_named(key: object) -> User | None:
    """The account a signed payload names: its public id, or (links mailed before
    migration 0004, until they expire) its sequential id."""
    if isinstance(key, str):
        return db.session.scalar(select(User).where(User.public_id == key))
    if isinstance(key, int) and not isinstance(key, bool):
        return db.session.get(User, key)
    return None


def make_token(user: User, purpose: str) -> str:
    """Return a signed token for ``user``, valid until their stamp (or reset nonce) changes."""
    return _serializer(purpose).dumps(_payload(user, purpose))


def check_token(token: str, purpose: str, max_age: timedelta) -> TokenCheck:
    """Check ``token`` for ``purpose``; see :class:`TokenCheck`."""
    serializer = _serializer(purpose)
    try:
        payload = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        return TokenCheck(problem="expired")
    except (BadSignature, ValueError, TypeError):
        return TokenCheck(problem="invalid")
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], str | int):
        return TokenCheck(problem="invalid")
    user = account_named(payload[0])
    if user is None:
        # The account is gone (deleted, or purged because never activated).
        return TokenCheck(problem="used")
    if payload[1:] == _payload(user, purpose)[1:]:
        if purpose == ACTIVATE and user.activated_at is not None:
            return TokenCheck(problem="used")
        if purpose == SIGN_IN and user.activated_at is None:
            return TokenCheck(problem="invalid")
        return TokenCheck(user=user)
    stamp_kept = payload[1:2] == [user.security_stamp]
    # A pending account's stamp changes only with a new sign-up (which mails a new link);
    # a reset nonce only with a new reset mail. Otherwise the password changed, or the
    # account was activated: the link was used.
    replaced = (purpose == ACTIVATE and user.activated_at is None) or (
        purpose == RESET_PASSWORD and stamp_kept
    )
    return TokenCheck(problem="used", replaced=replaced)


def check_sign_in_link(token: str) -> TokenCheck:
    """Expired, invalid, used — or the user a sign-in link signs in."""
    return check_token(token, SIGN_IN, current_app.config["SIGN_IN_LINK_DELAY"])


def use_sign_in_link(user: User, locale: str) -> bool:
    """Record the sign-in if the link is still unused; False if another use came first.

    The caller commits, with the session it opens (one commit per sign-in); until then the
    row stays locked, so a simultaneous use waits and then finds the time changed.
    """
    seen = user.last_login_at
    now = utcnow()
    unchanged = User.last_login_at.is_(None) if seen is None else User.last_login_at == seen
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, unchanged)
        .values(last_login_at=now, locale=locale)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.last_login_at, user.locale = now, locale
    return True


def signup_proof(user: User) -> str:
    """A value for the session of the browser that signed ``user`` up.

    It changes with the stamp, so it holds only for the newest sign-up of the
    address: that browser chose the password the account has now. Activating
    from any other browser asks for that password (see :func:`proves_signup`).
    It reveals nothing of the stamp.
    """
    key = current_app.secret_key
    key = key if isinstance(key, bytes) else key.encode()
    message = f"signup-browser:{user.id}:{user.security_stamp}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def proves_signup(user: User, proof: object) -> bool:
    """True when ``proof`` (from the session) is the current :func:`signup_proof` of ``user``."""
    return isinstance(proof, str) and hmac.compare_digest(proof, signup_proof(user))
