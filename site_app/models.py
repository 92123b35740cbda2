"""Database tables: people's accounts and the mail outbox."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow
from .extensions import db


def new_security_stamp() -> str:
    """Return a fresh random value; rotating it kills sessions and links at once."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """An account. ``email`` is unique in its normalised (lower-case) form."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    #: Bound into every session and every link: changes with the password.
    security_stamp: Mapped[str] = mapped_column(String(64), unique=True, default=new_security_stamp)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_users_unactivated", "activated_at", "created_at"),)

    @property
    def is_active(self) -> bool:
        """Flask-Login: only activated accounts may hold a session."""
        return self.activated_at is not None

    def get_id(self) -> str:
        """Flask-Login stores the stamp, not the id, so rotating it signs out everywhere."""
        return self.security_stamp

    def rotate_security_stamp(self) -> None:
        """Invalidate every session and every outstanding link of this account."""
        self.security_stamp = new_security_stamp()


class OutboxMail(db.Model):
    """A mail written in the same transaction as the change that causes it.

    It stays here until an SMTP server accepted it (``sent_at``) — or, with no
    server configured, it is shown in the development mailbox.
    """

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    sender: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    #: "smtp" or "mailbox" (development mailbox, nothing left the machine).
    transport: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)


class ContactMessage(db.Model):
    """A message to support, sent from /contact; ``reference`` is given to the sender."""

    __tablename__ = "contact_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    topic: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    error_reference: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PageFeedback(db.Model):
    """A reader's vote on a guide page; one per browser (``voter``), page and language."""

    __tablename__ = "page_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(255))
    lang: Mapped[str] = mapped_column(String(8))
    voter: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (db.UniqueConstraint("voter", "page", "lang", name="uq_page_feedback_vote"),)


class FailedSearch(db.Model):
    """A search in the guide that found nothing: what readers look for and miss."""

    __tablename__ = "failed_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
