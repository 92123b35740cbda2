"""``flask help report``: what readers of the guide tell the editors."""

import click
from flask.cli import AppGroup

from . import feedback

help_cli = AppGroup("help", help="What readers of the guide tell the editors.")


@help_cli.command("report")
@click.option("--days", default=30, show_default=True, help="Period to report on.")
def report_command(days):
    """Votes per page and language, their comments, and the top failed searches."""
    pages, searches = feedback.feedback_report(days)
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
