"""How long the site keeps what people leave: until they delete their account, and sent
mails for ``OUTBOX_RETENTION``.

The rows that name a person are the account and its sessions (deleted with it), the
outbox (recipient, reply-to, the bodies) and the contact messages (the address typed and
the words). Votes, their comments and failed searches are tied to no address or account:
they stay for the editors. Like :mod:`site_app.accounts.rules`, nothing here reads the request,
and the caller commits.
"""

from flask import current_app
from sqlalchemy import delete, or_, update

from ..clock import utcnow
from ..extensions import db
from ..models import ContactMessage, OutboxMail


def forget_person(address: str) -> None:
    """Erase what holds ``address`` or its owner's words, in the transaction of the deletion.

    Mails already sent are deleted now. Mails still waiting (the goodbye mail queued just
    before, a message on its way to support) are delivered first — SMTP may be down, and
    a fault must lose none of them — and erased once sent (``erase_once_sent``, see
    :func:`site_app.mail.outbox.deliver_pending`). Contact messages keep their subject,
    language and dates for the editors' counts, without the address or the text.
    """
    db.session.flush()  # the goodbye mail is a row too
    mentions = or_(
        OutboxMail.recipient == address,
        OutboxMail.reply_to == address,
        OutboxMail.body_text.contains(address, autoescape=True),
    )
    # Marked first: a mail a deliverer is sending at this moment is either sent by the time
    # the delete below runs (deleted then) or still pending (erased once sent).
    db.session.execute(
        update(OutboxMail)
        .where(mentions)
        .values(erase_once_sent=True)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboxMail)
        .where(mentions, or_(OutboxMail.sent_at.is_not(None), OutboxMail.refused_at.is_not(None)))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ContactMessage)
        .where(ContactMessage.email == address)
        .values(email="", message="")
        .execution_options(synchronize_session=False)
    )


def purge_sent_mails() -> int:
    """Delete the mails sent (or refused for good) more than ``OUTBOX_RETENTION`` ago, and
    the mail receipts as old (site_app/situation/receipts.py); return how many mails.

    Mails still waiting are never deleted, however old: nothing queued is lost.
    """
    from ..situation.receipts import purge_receipts

    deadline = utcnow() - current_app.config["OUTBOX_RETENTION"]
    result = db.session.execute(
        delete(OutboxMail).where(
            or_(OutboxMail.sent_at < deadline, OutboxMail.refused_at < deadline)
        )
    )
    purge_receipts(deadline)
    return result.rowcount
