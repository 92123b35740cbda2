"""``flask editors add|remove|list``: who may read the report at /editor."""

import click
from flask.cli import AppGroup

from ..extensions import db
from . import grants

editors_cli = AppGroup("editors", help="Who may read the editors' report at /editor.")


@editors_cli.command("add")
@click.argument("email")
def add_command(email):
    """Let the account of EMAIL open /editor (from its next page)."""
    try:
        user, new = grants.grant(email)
    except grants.NoSuchAccount:
        raise click.ClickException(f"no account has the address {email!r}") from None
    db.session.commit()
    click.echo(f"{user.email} {'can now open' if new else 'could already open'} /editor.")
    if user.activated_at is None:
        click.echo(f"{user.email} has not activated the account yet: it opens /editor once it has.")


@editors_cli.command("remove")
@click.argument("email")
def remove_command(email):
    """Take /editor away from the account of EMAIL (at once, even if signed in)."""
    try:
        user, had = grants.revoke(email)
    except grants.NoSuchAccount:
        raise click.ClickException(f"no account has the address {email!r}") from None
    db.session.commit()
    click.echo(f"{user.email} {'can no longer open' if had else 'could not open'} /editor.")


@editors_cli.command("list")
def list_command():
    """The accounts that may open /editor, with the date each was granted."""
    found = grants.editors()
    if not found:
        click.echo("No editors. Grant one: flask --app site_app editors add EMAIL")
    for editor in found:
        note = "" if editor.activated else "  (not activated yet)"
        click.echo(f"{editor.email}  granted {editor.granted_at:%Y-%m-%d %H:%M} UTC{note}")
