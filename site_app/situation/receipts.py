"""Mail receipts: what a browser may learn of the mail its own request caused.

A request that may show its mail's fate to its browser runs inside :func:`tracking`: the
one mail queued meanwhile (:func:`site_app.mail.outbox.queue_mail` tells :func:`attach_receipt`)
gets a :class:`~site_app.models.MailReceipt` named by a random ticket, which the caller
keeps in the browser's session. Each delivery attempt copies its outcome onto the receipt
(:func:`record_attempt`, in the attempt's transaction): queued with the next attempt,
sent at a time, or refused with the receiving server's reply.

The receipt holds no address, only its hint (``c••••@example.com``), and it does not
follow the mail's row, which the owner of the address can have deleted (deleting their
account, :mod:`site_app.accounts.retention`): what a browser sees never changes with what someone
else does. A sign-up with an address that has an account queues a mail too (the notice
to its owner), tracked alike, so its receipt reads the same as a new account's.
"""

import re
import secrets
from contextlib import contextmanager

from flask import g
from sqlalchemy import delete, update

from ..clock import utcnow
from ..extensions import db
from ..models import MailReceipt, OutboxMail

ADDRESS = re.compile(r"[^\s<>()\[\]:;,\"']+@[^\s<>()\[\]:;,\"']+")


def mask_address(address: str) -> str:
    """``camille@example.com`` → ``c••••@example.com``: enough for its owner to recognise
    it (and see a typo in the domain), not to read it."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "••••"
    return f"{local[0]}••••@{domain}"[:80]


def masked_reply(reply: str, recipient: str) -> str:
    """A server's reply with every address in it masked (servers often quote the recipient)."""
    return ADDRESS.sub(lambda match: mask_address(match.group(0)), reply)[:500]


@contextmanager
def tracking(ticket: str | None = None):
    """Track the first mail queued inside the block under ``ticket`` (a new one if None);
    yields a holder whose ``ticket`` is set once a mail was queued. Later mails of the
    block are not tracked."""
    holder = _Holder()
    holder.wanted = ticket
    previous = g.get("mail_receipt_holder")
    g.mail_receipt_holder = holder
    try:
        yield holder
    finally:
        g.mail_receipt_holder = previous


class _Holder:
    ticket: str | None = None
    wanted: str | None = None


def new_ticket() -> str:
    """A random name for a receipt, kept only in its browser's session."""
    return secrets.token_urlsafe(24)


def attach_receipt(mail: OutboxMail) -> None:
    """Give ``mail`` a receipt if it is the mail of a :func:`tracking` block."""
    holder = g.get("mail_receipt_holder")
    if holder is None or holder.ticket is not None:
        return
    holder.ticket = holder.wanted or new_ticket()
    db.session.add(
        MailReceipt(
            ticket=holder.ticket,
            message_id=mail.message_id,
            recipient_hint=mask_address(mail.recipient),
            next_attempt_at=mail.next_attempt_at or utcnow(),
        )
    )


def record_attempt(mail: OutboxMail) -> None:
    """Copy the outcome of a delivery attempt of ``mail`` onto its receipt, if any (the
    caller commits it with the mail)."""
    db.session.execute(
        update(MailReceipt)
        .where(MailReceipt.message_id == mail.message_id)
        .values(
            attempts=mail.attempts,
            next_attempt_at=mail.next_attempt_at,
            sent_at=mail.sent_at,
            refused_at=mail.refused_at,
            reply=masked_reply(mail.last_error, mail.recipient) if mail.refused_at else None,
        )
        .execution_options(synchronize_session=False)
    )


class OutboxListener:
    """What the outbox tells (site_app/mail/outbox.py, ``app.extensions["outbox_listeners"]``)."""

    queued = staticmethod(attach_receipt)
    attempted = staticmethod(record_attempt)


def find_receipt(ticket: object) -> MailReceipt | None:
    """The receipt a session's ticket names, if any."""
    if not isinstance(ticket, str) or not ticket:
        return None
    return db.session.scalar(db.select(MailReceipt).where(MailReceipt.ticket == ticket))


def purge_receipts(older_than) -> int:
    """Delete the receipts created before ``older_than``; return how many (the caller
    commits). Run by ``flask accounts purge`` with ``OUTBOX_RETENTION``."""
    result = db.session.execute(delete(MailReceipt).where(MailReceipt.created_at < older_than))
    return result.rowcount
