"""Who may read the editors' report: accounts granted with ``flask editors add``.

Like :mod:`site_app.accounts`, nothing here reads the request; the caller commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..accounts.addresses import stored_address
from ..extensions import db
from ..models import User
from .models import EditorGrant


class NoSuchAccount(LookupError):
    """No account has this address (or it is not an address)."""


@dataclass
class Editor:
    email: str
    granted_at: datetime
    activated: bool


def is_editor(user) -> bool:
    """Tell whether ``user`` (a signed-in account, or anonymous) may open /editor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(EditorGrant, user.public_id) is not None


def _account(email: str) -> User:
    address = stored_address(email)
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        raise NoSuchAccount(email)
    return user


def grant(email: str) -> tuple[User, bool]:
    """Let the account of ``email`` open /editor; returns it and whether it was new."""
    user = _account(email)
    if db.session.get(EditorGrant, user.public_id) is not None:
        return user, False
    db.session.add(EditorGrant(public_id=user.public_id))
    return user, True


def revoke(email: str) -> tuple[User, bool]:
    """Take /editor away from the account of ``email``; returns it and whether it had it."""
    user = _account(email)
    found = db.session.get(EditorGrant, user.public_id)
    if found is not None:
        db.session.delete(found)
    return user, found is not None


def editors() -> list[Editor]:
    """The accounts that may open /editor, by address (grants of deleted accounts left out)."""
    rows = db.session.execute(
        select(User.email, EditorGrant.granted_at, User.activated_at)
        .join(User, User.public_id == EditorGrant.public_id)
        .order_by(User.email)
    )
    return [Editor(email, granted, activated is not None) for email, granted, activated in rows]
