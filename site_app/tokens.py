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


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a token: exactly one of the flags is true, or ``user`` is set."""

    user: User | None = None
    expired: bool = False
    invalid: bool = False
    used: bool = False

    @property
    def problem(self) -> str | None:
        """``"expired"``, ``"invalid"``, ``"used"`` or ``None`` when the token is good."""
        for name in ("expired", "invalid", "used"):
            if getattr(self, name):
                return name
        return None


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
        return TokenCheck(expired=True)
    except (BadSignature, ValueError, TypeError):
        return TokenCheck(invalid=True)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        # The account is gone (deleted, or purged because never activated).
        return TokenCheck(used=True)
    if user.security_stamp != stamp:
        return TokenCheck(used=True)
    if purpose == ACTIVATE and user.activated_at is not None:
        return TokenCheck(used=True)
    return TokenCheck(user=user)
