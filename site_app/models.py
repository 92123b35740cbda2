"""Database tables: people's accounts, their sessions and the mail outbox."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .clock import utcnow
from .extensions import db


def new_security_stamp() -> str:
    """Return a fresh random value; rotating it kills every outstanding link at once."""
    return secrets.token_urlsafe(24)


def new_public_id() -> str:
    """Return a random, unique-enough id for the account in links and cookies.

    The sequential ``id`` stays inside the database: a link carrying it would tell how
    many accounts exist and which came after which.
    """
    return secrets.token_urlsafe(16)


def new_session_id() -> str:
    """Return an unguessable session id (what the signed session cookie carries)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """An account. ``email`` is unique in its normalised (lower-case) form."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What links and the known-browser cookie name the account by (never ``id``).
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    #: Bound into every link: changes with the password and with each new sign-up
    #: of an unactivated address.
    security_stamp: Mapped[str] = mapped_column(String(64), unique=True, default=new_security_stamp)
    #: Bound into reset links only: a new reset mail retires the links sent before it.
    reset_nonce: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    #: The WebAuthn user handle its passkeys carry (site_app/passkeys/): random, made at the
    #: first passkey, never the id or the address (the spec: no personal information).
    passkey_handle: Mapped[str | None] = mapped_column(String(64), unique=True)

    sessions: Mapped[list["UserSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    email_changes: Mapped[list["EmailChange"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    passkeys: Mapped[list["Passkey"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_users_unactivated", "activated_at", "created_at"),)

    #: The server-side session this object was loaded for (:mod:`site_app.accounts.sessions`).
    current_session = None

    @property
    def is_active(self) -> bool:
        """Flask-Login: only activated accounts may hold a session."""
        return self.activated_at is not None

    def get_id(self) -> str:
        """Flask-Login stores the session's id, not the account's: ending the row signs out."""
        if self.current_session is None:
            raise RuntimeError(
                "no server-side session: sign in with auth.signing.start_session "
                "(sessions.open_session), not login_user() alone"
            )
        return self.current_session.id

    # UserMixin compares get_id(), a session's id here: accounts compare as objects.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def rotate_security_stamp(self) -> None:
        """Invalidate every outstanding link of this account."""
        self.security_stamp = new_security_stamp()

    def rotate_reset_nonce(self) -> None:
        """Invalidate the reset links sent so far (a new one is about to be sent)."""
        self.reset_nonce = secrets.token_urlsafe(16)


class UserSession(db.Model):
    """A signed-in browser. The cookie carries ``id``; deleting the row signs it out.

    Only summaries are kept: the browser and system, and the address's prefix
    (``203.0.113.x``, an IPv6 /48), enough for a person to recognise a session.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_session_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The browser and the system it runs on, as named by ua-parser ("" if unknown).
    browser: Mapped[str] = mapped_column(String(60), default="")
    system: Mapped[str] = mapped_column(String(60), default="")
    #: e.g. "203.0.113.x" or "2001:db8:85a3::/48".
    place: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(back_populates="sessions")


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
    #: The receiving server refused it for good (a 5xx reply, kept in ``last_error``): it is
    #: not tried again (site_app/mail/outbox.py).
    refused_at: Mapped[datetime | None]
    #: "smtp" or "mailbox" (development mailbox, nothing left the machine).
    transport: Mapped[str | None] = mapped_column(String(16))
    #: Erased once sent: it holds a person who deleted their account (the goodbye mail, or
    #: one still on its way to support). See :mod:`site_app.accounts.retention`.
    erase_once_sent: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)


class MailReceipt(db.Model):
    """What one browser may learn of the mail its sign-up (or reset) caused: the outbox's
    attempts, time sent or refusal and its reply, copied at each attempt.

    The browser's session holds the random ``ticket``; nothing else names the row. It holds
    no address (only ``recipient_hint``, ``c••••@example.com``), so it outlives the mail's
    row (deleted once sent when its person deletes the account): what the browser sees
    never changes with what the address's owner does. See site_app/situation/.
    """

    __tablename__ = "mail_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(43), unique=True)
    #: The mail's Message-ID (never reused, unlike a deleted row's id on SQLite).
    message_id: Mapped[str] = mapped_column(String(255), index=True)
    recipient_hint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]
    #: The receiving server's reply to a refusal, the address in it masked.
    reply: Mapped[str | None] = mapped_column(String(500))


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


class ContactDeflection(db.Model):
    """A question the contact form's suggestions answered ("This answered my question"):
    the guide paragraph, the subject picked and the language; no address, no text."""

    __tablename__ = "contact_deflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


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


class DeferredJob(db.Model):
    """Work a request leaves to the outbox's deliverers (a reset asked, a B3 sign-in link).

    The request stores the same row whether the address has an account or not, so its
    answer — up to the connection's close — does the same work either way. A deliverer
    claims the row like a mail, runs it, and deletes it in the transaction of the mails
    it queues (site_app/mail/jobs.py): a recycled worker loses nothing.
    """

    __tablename__ = "deferred_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class EmailChange(db.Model):
    """A change of address asked from the account page (site_app/accounts/email_changes.py).

    Its links (the confirmation at ``new_email``, "this wasn't me" at ``old_email``) carry
    ``nonce``: deleting the row kills them. Kept after confirmation until the way back
    expires (``EMAIL_CHANGE_REVERT_DELAY``, ``flask accounts purge``).
    """

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    old_email: Mapped[str] = mapped_column(String(254))
    new_email: Mapped[str] = mapped_column(String(254))
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="email_changes")


def new_passkey_reference() -> str:
    """What the account page names a passkey by (its remove button), never ``id``."""
    return secrets.token_urlsafe(16)


class Passkey(db.Model):
    """A WebAuthn credential (a passkey) that signs its account in (site_app/passkeys/).

    ``credential_id`` is the authenticator's id of the credential, ``public_key`` its COSE
    public key; ``sign_count`` the last signature counter seen (0: the authenticator keeps
    none, as synced passkeys do).
    """

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, default=new_passkey_reference)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(default=0)
    #: The transports the browser reported ("internal,hybrid"), given back as hints.
    transports: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="passkeys")
