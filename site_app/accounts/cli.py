"""``flask accounts purge``. (``flask outbox`` lives in mail/, ``flask help`` in help/.)"""

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from . import email_changes, retention, sessions
from . import rules as accounts

accounts_cli = AppGroup("accounts", help="Manage accounts.")


@accounts_cli.command("purge")
def purge_command():
    """Delete accounts never activated within the activation delay, idle sessions, and mails
    sent more than OUTBOX_RETENTION ago.

    Safe from cron. A session unused for PERMANENT_SESSION_LIFETIME is refused anyway;
    this only clears its row. Mails still waiting are never deleted.
    """
    count = accounts.purge_unactivated_accounts()
    click.echo(f"Deleted {count} unactivated account(s).")
    idle = sessions.purge_idle_sessions()
    db.session.commit()
    click.echo(f"Deleted {idle} idle session(s).")
    mails = retention.purge_sent_mails()
    db.session.commit()
    click.echo(f"Deleted {mails} sent mail(s) past OUTBOX_RETENTION.")
    changes = email_changes.purge_expired_changes()
    db.session.commit()
    click.echo(f"Deleted {changes} email address change(s) past EMAIL_CHANGE_REVERT_DELAY.")


def init_app(app: Flask) -> None:
    """Register ``flask accounts``."""
    app.cli.add_command(accounts_cli)
