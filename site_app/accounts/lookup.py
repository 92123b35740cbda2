"""The account of an address (in its stored form, :mod:`.addresses`)."""

from sqlalchemy import select

from ..extensions import db
from ..models import User


def find_user(email: str) -> User | None:
    """Return the account of ``email`` (already in its stored form), if any."""
    return db.session.scalar(select(User).where(User.email == email))
