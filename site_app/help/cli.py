r"""``flask help report``: what readers of the guide tell the editors.

Pages and comments are typed by anyone who reads the guide. They are printed with their
control characters escaped (``\x1b``, ``\x07``, ``\n``, ``\u202e`` …), so no comment can
forge a line of the report or drive the editor's terminal; a typed backslash is doubled
(``\\``), so a typed ``\x1b`` never reads like an escaped ESC.
"""

import click
from flask.cli import AppGroup

from . import feedback


def shown(text: str) -> str:
    r"""``text`` on one line, every character a terminal would act on escaped as Python does.

    The backslash is escaped too, as in ``repr``: otherwise a reader who types the four
    characters ``\x1b`` gets the same line as one who sent a real ESC.
    """
    return "".join(
        char
        if char.isprintable() and char != "\\"
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


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
        click.echo(f"  {shown(page.page)} [{shown(page.lang)}]: {page.up} yes, {page.down} no")
        for comment in page.comments:
            click.echo(f"    - {shown(comment)}")
    click.echo(f"Searches that found nothing over the last {days} day(s):")
    if not searches:
        click.echo("  (none)")
    for query, lang, count in searches:
        click.echo(f"  {count:>4} × {query!r} [{shown(lang)}]")  # repr escapes, like shown()
    from ..situation.suggestions import contact_counts

    contact = contact_counts(days)
    click.echo(
        f"Contact over the last {days} day(s): {contact.written} message(s) written, "
        f"{contact.answered} question(s) answered by a suggestion."
    )
    for page, lang, count in contact.by_page:
        click.echo(f"  {count:>4} × {shown(page)} [{shown(lang)}]")
