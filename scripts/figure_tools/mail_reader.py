"""Point 4 as the reader sees it: a neutral mail reader showing a mail the app really sent.

The guide's point 4 is the reader's own inbox, with the mail « VEUILLEZ ACTIVER
VOTRE COMPTE » to pick out and open. No real user ever sees the development
mailbox, so the figure is drawn here instead: an inbox list (sender, subject,
time) above the opened mail, whose HTML part — the very one the app stored in
its outbox — is rendered in an ``iframe`` as mail readers do (``mail_reader.html``).
The look is plain on purpose: it stands for "your mail program", not for one
vendor's.

Links in the mail must show the site's public address (``PUBLIC_URL``), never
the loopback port the screenshot app happens to listen on.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

#: The public address shown in the captured mails' links (the screenshot app's PUBLIC_URL).
PUBLIC_URL = "https://help.example.org"


@dataclass
class ReceivedMail:
    """What a mail reader shows of one mail."""

    sender: str
    recipient: str
    subject: str
    sent_at: datetime
    html: str

    @property
    def sender_name(self) -> str:
        name, address = parseaddr(self.sender)
        return name or address

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]


def newest_mail(app, kind: str, recipient: str) -> ReceivedMail:
    """The newest mail of ``kind`` to ``recipient`` in the app's outbox, as it was queued."""
    from sqlalchemy import select

    from site_app.extensions import db
    from site_app.models import OutboxMail

    with app.app_context():
        mail = db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.kind == kind, OutboxMail.recipient == recipient)
            .order_by(OutboxMail.id.desc())
        ).first()
        if mail is None:
            raise AssertionError(f"no {kind} mail to {recipient} in the outbox")
        return ReceivedMail(
            mail.sender, mail.recipient, mail.subject, mail.created_at, mail.body_html
        )


_READER = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True).get_template(
    "mail_reader.html"
)


def reader_html(mail: ReceivedMail, lang: str, direction: str, time: str, to_line: str) -> str:
    """The mail reader page: ``time`` and ``to_line`` are already in the reader's language."""
    return _READER.render(
        mail=mail, lang=lang, direction=direction, time=time, to_line=to_line, pane_height=440
    )
