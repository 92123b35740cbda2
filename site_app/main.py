"""The home page, the language switch and the development mailbox."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from . import accounts
from .extensions import db
from .i18n import remember_locale, supported
from .mail import uses_dev_mailbox
from .models import OutboxMail
from .safety import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language/<code>")
def set_language(code):
    """Switch language (point 1): kept in a cookie, and on the account for its mails."""
    locale = supported(code)
    if locale is None:
        abort(404)
    if current_user.is_authenticated:
        accounts.set_locale(current_user, locale)
    response = redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return remember_locale(response, locale)


def _mailbox_open() -> None:
    if not (current_app.config["DEV_MAILBOX"] and uses_dev_mailbox()):
        abort(404)


@bp.route("/dev/mailbox")
def mailbox():
    """Development only: the mails the app "sent" while no SMTP server is configured."""
    _mailbox_open()
    mails = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc()).limit(50))
    return render_template("main/mailbox.html", mails=list(mails))


@bp.route("/dev/mailbox/<int:mail_id>")
def mailbox_html(mail_id):
    """The HTML part of one mail, as a mail reader would show it."""
    _mailbox_open()
    mail = db.get_or_404(OutboxMail, mail_id)
    # Mails carry inline styles, as mail readers need; nothing else is allowed.
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    return mail.body_html, {"Content-Security-Policy": policy}


@bp.route("/healthz")
def healthz():
    """For load balancers: database, limiter, outbox backlog; 503 if the database is down."""
    from .health import health_report

    report, healthy = health_report()
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
