"""``flask outbox deliver`` and ``flask outbox status``."""

import time

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import OutboxMail
from .jobs import pending_jobs, run_pending_jobs
from .outbox import backlog, can_deliver, deliver_pending

outbox_cli = AppGroup("outbox", help="Deliver the mails waiting in the outbox.")


@outbox_cli.command("deliver")
@click.option("--watch", is_flag=True, help="Keep running and deliver mails as they come.")
@click.option(
    "--interval", default=2.0, show_default=True, help="Seconds between rounds with --watch."
)
def deliver_command(watch, interval):
    """Run the deferred jobs, then send every pending mail now, whatever its retry delay
    (like ``postqueue -f``)."""
    run_pending_jobs(limit=1_000_000)  # they queue mails, SMTP or not
    if not can_deliver():
        click.echo(
            "MAIL_SERVER is not set: the mails stay queued (set FLASK_MAIL_SERVER and retry).",
            err=True,
        )
        raise SystemExit(1)
    if not watch:
        sent, failed = deliver_pending(flush=True, limit=1_000_000)
        click.echo(f"Sent {sent} mail(s), {failed} failed and stay pending.")
        raise SystemExit(1 if failed else 0)
    click.echo("Delivering the outbox; stop with Ctrl-C.")
    while True:
        run_pending_jobs()
        sent, failed = deliver_pending()
        if sent or failed:
            click.echo(f"Sent {sent} mail(s), {failed} failed and stay pending.")
        db.session.remove()
        time.sleep(interval)


@outbox_cli.command("status")
def status_command():
    """Show how many mails are pending, how long the oldest has waited, each one's error,
    and the deferred jobs waiting.

    The backlog is for operators only: anonymous pages never show it (site_app/main/health.py).
    """
    pending = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.refused_at.is_(None))
        .order_by(OutboxMail.id)
    ).all()
    refused = db.session.scalars(
        select(OutboxMail).where(OutboxMail.refused_at.is_not(None)).order_by(OutboxMail.id)
    ).all()
    sent = db.session.scalar(
        select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_not(None))
    )
    waiting = backlog()
    oldest = f"; the oldest has waited {_duration(waiting.oldest_pending_seconds)}"
    click.echo(
        f"{sent} sent, {len(pending)} pending{oldest if pending else ''}; "
        f"{pending_jobs()} deferred job(s) waiting."
    )
    for mail in pending:
        click.echo(
            f"#{mail.id} to {mail.recipient} ({mail.kind}), {mail.attempts} attempt(s): "
            f"{mail.last_error or '-'}"
        )
    for mail in refused:  # not tried again: the receiving server said no for good
        click.echo(f"#{mail.id} to {mail.recipient} ({mail.kind}) refused: {mail.last_error}")


def _duration(seconds: int) -> str:
    """``3725`` → ``1 h 2 min 5 s``: what an operator reads at a glance."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join([part for part in parts if part] + [f"{seconds} s"])
