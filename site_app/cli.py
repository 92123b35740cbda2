"""``flask accounts purge``. (``flask outbox`` lives in mail/, ``flask help`` in help/.)"""

import click
from flask import Flask
from flask.cli import AppGroup

from . import accounts

accounts_cli = AppGroup("accounts", help="Manage accounts.")


@accounts_cli.command("purge")
def purge_command():
    """Delete accounts never activated within the activation delay (safe from cron)."""
    count = accounts.purge_unactivated_accounts()
    click.echo(f"Deleted {count} unactivated account(s).")


def init_app(app: Flask) -> None:
    """Register ``flask accounts``."""
    app.cli.add_command(accounts_cli)
