"""Signed links: activation and password reset.

A token carries the account id and its security stamp. Checking returns a
:class:`TokenCheck` so a view can tell "expired" from "tampered" from
"already used" (the stamp or the account's state has changed since).
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .extensions import db
from .models import User

ACTIVATE = "activate"
RESET_PASSWORD = "reset-password"
#: What can be wrong with a link; each has its page and help topic ``link-<problem>``.
PROBLEMS = ("expired", "invalid", "used")


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a token: ``user`` when good, else what is wrong with it.

    ``problem`` is ``"expired"``, ``"invalid"`` (tampered, truncated) or ``"used"`` (the
    account changed since: used, replaced, password changed, account gone).
    """

    user: User | None = None
    problem: str | None = None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"site_app.{purpose}")


def make_token(user: User, purpose: str) -> str:
    """Return a signed token for ``user``, valid until their stamp changes."""
    return _serializer(purpose).dumps([user.id, user.security_stamp])


def check_token(token: str, purpose: str, max_age: timedelta) -> TokenCheck:
    """Check ``token`` for ``purpose``; see :class:`TokenCheck`."""
    serializer = _serializer(purpose)
    try:
        user_id, stamp = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        return TokenCheck(problem="expired")
    except (BadSignature, ValueError, TypeError):
        return TokenCheck(problem="invalid")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        # The account is gone (deleted, or purged because never activated).
        return TokenCheck(problem="used")
    if user.security_stamp != stamp:
        return TokenCheck(problem="used")
    if purpose == ACTIVATE and user.activated_at is not None:
        return TokenCheck(problem="used")
    return TokenCheck(user=user)
