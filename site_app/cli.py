"""Command-line tasks: ``flask accounts purge`` and ``flask outbox deliver``."""

import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from . import accounts, support
from .extensions import db
from .mail import deliver_pending
from .models import OutboxMail

accounts_cli = AppGroup("accounts", help="Manage accounts.")
help_cli = AppGroup("help", help="What readers of the guide tell the editors.")
outbox_cli = AppGroup("outbox", help="Deliver the mails waiting in the outbox.")


@accounts_cli.command("purge")
def purge_command():
    """Delete accounts never activated within the activation delay (safe from cron)."""
    count = accounts.purge_unactivated_accounts()
    click.echo(f"Deleted {count} unactivated account(s).")


@outbox_cli.command("deliver")
@click.option("--watch", is_flag=True, help="Keep running and deliver mails as they come.")
@click.option(
    "--interval", default=2.0, show_default=True, help="Seconds between rounds with --watch."
)
def deliver_command(watch, interval):
    """Send every pending mail now, whatever its retry delay (like ``postqueue -f``)."""
    if not watch:
        sent, failed = deliver_pending(flush=True, limit=1_000_000)
        click.echo(f"Sent {sent} mail(s), {failed} failed and stay pending.")
        raise SystemExit(1 if failed else 0)
    click.echo("Delivering the outbox; stop with Ctrl-C.")
    while True:
        sent, failed = deliver_pending()
        if sent or failed:
            click.echo(f"Sent {sent} mail(s), {failed} failed and stay pending.")
        db.session.remove()
        time.sleep(interval)


@outbox_cli.command("status")
def status_command():
    """Show how many mails are pending and the last error of each."""
    pending = db.session.scalars(
        select(OutboxMail).where(OutboxMail.sent_at.is_(None)).order_by(OutboxMail.id)
    ).all()
    sent = db.session.scalar(
        select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_not(None))
    )
    click.echo(f"{sent} sent, {len(pending)} pending.")
    for mail in pending:
        click.echo(
            f"#{mail.id} to {mail.recipient} ({mail.kind}), {mail.attempts} attempt(s): "
            f"{mail.last_error or '-'}"
        )


@help_cli.command("report")
@click.option("--days", default=30, show_default=True, help="Period to report on.")
def report_command(days):
    """Votes per page and language, their comments, and the top failed searches."""
    pages, searches = support.feedback_report(days)
    click.echo(f"Page votes over the last {days} day(s):")
    if not pages:
        click.echo("  (none)")
    for page in pages:
        click.echo(f"  {page.page} [{page.lang}]: {page.up} yes, {page.down} no")
        for comment in page.comments:
            click.echo(f"    - {comment}")
    click.echo(f"Searches that found nothing over the last {days} day(s):")
    if not searches:
        click.echo("  (none)")
    for query, lang, count in searches:
        click.echo(f"  {count:>4} × {query!r} [{lang}]")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(help_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(outbox_cli)
