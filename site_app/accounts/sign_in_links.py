"""Sign-in links, mailed when an account is under attack (GitHub's "verify this sign-in").

Once strangers have spent an account's failure limit, its password alone signs nobody in:
the right password mails a link to the account's address instead, so the owner always
has a way in through their mailbox while a guessed password is worth nothing without it.

The link is signed (itsdangerous), short-lived (``SIGN_IN_LINK_DELAY``) and single-use: it
carries the account's public id, its security stamp and the time of its last sign-in,
and using it moves that time in one conditional UPDATE, so a second use — even a
simultaneous one — finds the time changed. A new password kills it too (the stamp).
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from ..clock import utcnow
from ..extensions import db
from ..models import User
from .tokens import TokenCheck, account_named


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="site_app.sign-in-link")


def _last_login(user: User) -> str | None:
    return user.last_login_at.isoformat() if user.last_login_at else None


def make_token(user: User) -> str:
    """A link token valid until ``user`` next signs in or changes password."""
    return _serializer().dumps([user.public_id, user.security_stamp, _last_login(user)])


def check_token(token: str) -> TokenCheck:
    """Expired, invalid, used — or the user it signs in."""
    max_age = int(current_app.config["SIGN_IN_LINK_DELAY"].total_seconds())
    try:
        account, stamp, last_login = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return TokenCheck(problem="expired")
    except (BadSignature, ValueError, TypeError):
        return TokenCheck(problem="invalid")
    user = account_named(account)
    if user is None or user.security_stamp != stamp or _last_login(user) != last_login:
        return TokenCheck(problem="used")
    if user.activated_at is None:
        return TokenCheck(problem="invalid")
    return TokenCheck(user=user)


def use(user: User, locale: str) -> bool:
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
