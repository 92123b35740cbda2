"""The editors' tables: who may read the report, and the counts it is made of."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class EditorGrant(db.Model):
    """An account that may open /editor (``flask editors add``).

    Keyed on the account's ``public_id``, which is random and never given twice: a grant
    left behind by a deleted account (SQLite enforces no foreign key) can never pass to a
    later account, as a reused sequential ``id`` could.
    """

    __tablename__ = "editor_grant"

    public_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.public_id", ondelete="CASCADE"), primary_key=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpCount(db.Model):
    """How often something happened for a help topic, in one language, on one UTC day.

    ``kind`` says what (:data:`site_app.editor.counting.KINDS`); ``reference`` is what the
    person saw that named it (``B2``, ``E404``, ``mail:activate``; empty when nothing did).
    Only these aggregates are stored: no address, no IP, no account.
    """

    __tablename__ = "help_count"

    day: Mapped[date] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
