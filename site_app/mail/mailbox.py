"""The development mailbox: the mails the app "sent" while no SMTP server is configured.

Anyone who reaches it reads every mail, reset links included: it exists only when
``DEV_MAILBOX`` is on (``make run``, the browser tests) and no ``MAIL_SERVER`` is set.
"""

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import OutboxMail
from .outbox import uses_dev_mailbox

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")


@bp.before_request
def _only_when_open() -> None:
    if not uses_dev_mailbox():
        abort(404)


@bp.route("")
def index():
    """The 50 newest mails, newest first."""
    mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(50))
    return render_template("mail/mailbox.html", mails=list(mails))


@bp.route("/<int:mail_id>")
def html_part(mail_id):
    """The HTML part of one mail, as a mail reader would show it."""
    mail = db.get_or_404(OutboxMail, mail_id)
    # Mails carry inline styles, as mail readers need; nothing else is allowed.
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    return mail.body_html, {"Content-Security-Policy": policy}
