"""A refusal shown again, for a while, on GETs of the refused page (the language switch)."""

import time

from flask import Flask, request, session

from .causes import CAUSES, Blocked

#: Seconds a limit page is shown again on GETs of the refused page (the language switch).
KEEP_LIMIT_PAGE = 120


def keep_limit_page(error: Blocked) -> None:
    """Remember a refusal so that, for a short while, GETs of the refused page show it again:
    the language switch redirects there, and the explanation must survive it.

    Kept in the refused person's session, so a page view asks the limit storage nothing
    (a look-up on every GET /login cost a third of the page's throughput: bench/README.md);
    a fresh session on a blocked network gets the form, and its first POST the B2 page.
    A cause ``kept_whole_block`` (B2: every sign-in from this network is refused until the
    block ends, so the form would be of no use) is kept for the whole block; the others
    only for :data:`KEEP_LIMIT_PAGE`: a mail quota holds for one address, and the form may
    still serve for another.
    """
    cause = error.cause
    until = error.reset_at if cause.kept_whole_block else time.time() + KEEP_LIMIT_PAGE
    shown_until = error.shown_until or min(error.reset_at, until)
    session["limit_page"] = [request.endpoint, cause.name, error.reset_at, shown_until]


def init_app(app: Flask) -> None:
    """Show a kept limit page again on GETs of the refused page, for a short while."""

    @app.before_request
    def _show_kept_limit_page():
        if request.method != "GET" or "limit_page" not in session:
            return
        endpoint, name, reset_at, shown_until = session["limit_page"]
        if time.time() >= shown_until or name not in CAUSES:
            del session["limit_page"]
        elif endpoint == request.endpoint:
            raise Blocked(CAUSES[name], reset_at, shown_until)
