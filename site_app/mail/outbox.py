"""How mail is rendered, queued in the outbox and delivered.

Every mail is first a row of :class:`OutboxMail`, added to the session of the
change that causes it and committed with it. Delivery comes after the commit:
a row is *claimed* by moving its ``next_attempt_at`` forward (an atomic
update, so two deliverers never send it at once), then sent; a failure keeps
the row pending with a growing delay and the last error — unless the receiving server
refused it for good (a 5xx reply): then it is marked ``refused_at``, keeps the reply, and
is not tried again. A deliverer killed
mid-send leaves a claim that expires, so the mail goes out again with the same
Message-ID (at-least-once).
"""

import logging
import re
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import delete, func, select, update

from ..clock import utcnow
from ..editor.counting import count_mail_links, watch_help_links
from ..extensions import db
from ..models import OutboxMail
from . import wording

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"([^\s@<>\"'(),;:\[\]]+)@([\w.-]+)")


def masked(text: object) -> str:
    """``text`` with each email address cut to its first character and its domain
    (``p***@example.org``): a log line tells which mail and which provider failed, not
    whose mail it was (SMTP errors repeat the address too)."""
    return _ADDRESS.sub(lambda found: f"{found[1][0]}***@{found[2]}", str(text))


#: How long a claimed mail is held before another deliverer may try it.
CLAIM_LEASE = timedelta(minutes=5)


def queue_mail(kind: str, recipient: str, locale: str, subject: str, **context) -> OutboxMail:
    """Render ``email/<kind>.txt`` and ``.html`` in ``locale`` and add the mail to the outbox.

    ``subject`` is a lazy string, translated here, as is the sender's name. The caller commits.
    """
    linked = watch_help_links(context)  # the topics it links, for the editors' report
    with force_locale(locale):
        context.update(locale=locale)
        mail = OutboxMail(
            message_id=make_msgid(domain=_sender_domain()),
            kind=kind,
            recipient=recipient,
            sender=wording.sender(locale),
            subject=str(subject),
            body_text=render_template(f"email/{kind}.txt", subject=subject, **context),
            body_html=render_template(f"email/{kind}.html", subject=subject, **context),
            reply_to=context.get("reply_to"),
        )
    db.session.add(mail)
    count_mail_links(kind, locale, linked)
    for listener in _listeners():
        listener.queued(mail)
    return mail


def _listeners():
    """What follows the outbox's mails, each with ``queued(mail)`` and ``attempted(mail)``
    (``app.extensions["outbox_listeners"]``: the mail receipts of site_app/situation/)."""
    return current_app.extensions.get("outbox_listeners", ())


def _sender_domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def uses_dev_mailbox() -> bool:
    """Tell whether mails go to the development mailbox: no SMTP server, DEV_MAILBOX on."""
    return not current_app.config.get("MAIL_SERVER") and bool(current_app.config["DEV_MAILBOX"])


def can_deliver() -> bool:
    """Tell whether mails can leave the outbox: over SMTP, or to the development mailbox.

    Without either, mails stay queued (``flask outbox status``) until ``MAIL_SERVER`` is set.
    """
    return bool(current_app.config.get("MAIL_SERVER")) or uses_dev_mailbox()


class _TimeoutConnection(Connection):
    """Flask-Mail's connection, with a socket timeout so a dead server cannot hang us."""

    def configure_host(self):
        cls = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = cls(self.mail.server, self.mail.port, timeout=current_app.config["MAIL_TIMEOUT"])
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _as_message(mail: OutboxMail) -> Message:
    message = Message(
        subject=mail.subject,
        recipients=[mail.recipient],
        body=mail.body_text,
        html=mail.body_html,
        sender=mail.sender,
        reply_to=mail.reply_to,
    )
    message.msgId = mail.message_id
    message.date = mail.created_at.timestamp()
    return message


def retry_delay(attempts: int) -> timedelta:
    """Growing delay after ``attempts`` failures: 1, 2, 4 … minutes, capped."""
    delay = timedelta(minutes=2 ** max(attempts - 1, 0))
    return min(delay, current_app.config["OUTBOX_MAX_DELAY"])


def claim(model, row_id: int, seen_next_attempt, *conditions) -> bool:
    """Claim the row ``row_id`` of ``model`` (a mail, a deferred job) for this deliverer:
    one conditional update moves its ``next_attempt_at`` past the lease, so no other
    deliverer takes it meanwhile; a deliverer that dies leaves a claim that expires."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.next_attempt_at == seen_next_attempt, *conditions)
        .values(next_attempt_at=utcnow() + CLAIM_LEASE, attempts=model.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _claim(mail_id: int, seen_next_attempt) -> bool:
    return claim(
        OutboxMail,
        mail_id,
        seen_next_attempt,
        OutboxMail.sent_at.is_(None),
        OutboxMail.refused_at.is_(None),
    )


def permanent_refusal(error: Exception) -> str | None:
    """The receiving server's reply when it refused the mail for good (5xx), else None.

    Only the recipient refused (``RCPT``) or the message refused (``DATA``): a refused
    sender or login is this site's configuration, which the operator fixes — those mails
    stay pending (faults lose no mail).
    """
    replies = []
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
    elif isinstance(error, smtplib.SMTPDataError):
        replies = [(error.smtp_code, error.smtp_error)]
    if not replies or not all(500 <= int(code) <= 599 for code, _ in replies):
        return None
    code, text = replies[0]
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"[:500]


def deliver_pending(flush: bool = False, limit: int = 100) -> tuple[int, int]:
    """Deliver the mails that are due (all pending ones with ``flush``).

    Returns ``(sent, failed)``. Safe to run in several processes at once. Without an SMTP
    server or the development mailbox, nothing is tried: the mails stay queued.
    """
    if not can_deliver():
        return 0, 0
    query = select(OutboxMail.id, OutboxMail.next_attempt_at).where(
        OutboxMail.sent_at.is_(None), OutboxMail.refused_at.is_(None)
    )
    if not flush:
        query = query.where(OutboxMail.next_attempt_at <= utcnow())
    rows = db.session.execute(query.order_by(OutboxMail.id).limit(limit)).all()
    sent = failed = 0
    state = current_app.extensions["mail"]
    for mail_id, next_attempt_at in rows:
        if not _claim(mail_id, next_attempt_at):
            continue
        mail = db.session.get(OutboxMail, mail_id)
        try:
            if uses_dev_mailbox():
                mail.transport = "mailbox"
            else:
                with _TimeoutConnection(state) as connection:
                    connection.send(_as_message(mail))
                mail.transport = "smtp"
        except Exception as error:  # whatever fails, the mail stays pending (unless refused)
            refusal = permanent_refusal(error)
            if refusal:
                mail.refused_at, mail.last_error = utcnow(), refusal
            else:
                mail.last_error = f"{type(error).__name__}: {error}"[:2000]
                mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
            failed += 1
            log.warning(
                "mail %s to %s not delivered: %s", mail.id, masked(mail.recipient), masked(error)
            )
        else:
            mail.sent_at = utcnow()
            mail.last_error = None
            sent += 1
        for listener in _listeners():
            listener.attempted(mail)  # committed with the mail
        db.session.commit()
    if sent:
        _erase_marked_sent_mails()
    return sent, failed


def _erase_marked_sent_mails() -> None:
    """Delete the sent mails marked ``erase_once_sent`` (their person deleted the account).

    One statement after each round rather than per mail: a mail marked while it was being
    sent is caught too. Mails in the development mailbox stay: there, the row is the mail
    its reader has not seen yet (``accounts purge`` deletes it after ``OUTBOX_RETENTION``).
    """
    db.session.execute(
        delete(OutboxMail).where(
            OutboxMail.erase_once_sent,
            OutboxMail.sent_at.is_not(None),
            OutboxMail.transport == "smtp",
        )
    )
    db.session.commit()


class BackgroundDeliverer:
    """One thread per process that runs the deferred jobs (``before``: :mod:`.jobs`, which
    builds on this module) and delivers right after a commit, and retries every minute."""

    def __init__(self, app: Flask, before: Callable[[], object] = lambda: None) -> None:
        self.app = app
        self.before = before
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def notify(self) -> None:
        """Wake the thread (started on first use, so after gunicorn forks)."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait(timeout=60)
            self.wake.clear()
            with self.app.app_context():
                try:
                    self.before()  # first: the jobs queue mails
                    deliver_pending()
                except Exception:  # keep the thread alive; the mails stay pending
                    log.exception("outbox delivery failed")
                finally:
                    db.session.remove()


def commit_and_dispatch() -> None:
    """Commit the change and the mails it queued (one transaction), then deliver them."""
    db.session.commit()
    dispatch()


def dispatch() -> None:
    """Deliver what was just committed, as ``OUTBOX_DELIVERY`` says."""
    mode = current_app.config["OUTBOX_DELIVERY"]
    if mode == "inline":
        deliver_pending()
    elif mode == "background":
        current_app.extensions["outbox"].notify()


@dataclass
class Backlog:
    """The mails waiting in the outbox: how many, and how long the oldest has waited."""

    pending: int
    oldest_pending_seconds: int


def backlog() -> Backlog:
    """Count the pending mails. For operators only (``flask outbox status``, health details):
    the count moves with other people's requests, so it must never reach an anonymous page."""
    pending, oldest = db.session.execute(
        select(func.count(OutboxMail.id), func.min(OutboxMail.created_at)).where(
            OutboxMail.sent_at.is_(None), OutboxMail.refused_at.is_(None)
        )
    ).one()
    waited = int((utcnow() - oldest).total_seconds()) if oldest else 0
    return Backlog(pending, max(waited, 0))
