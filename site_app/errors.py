"""One handler per error status, each with its explanation, reference and help topic.

Browsers get a localized page in the site's look; JSON clients get
``{"error", "message", "help_url", "reference"}`` (Stripe's ``doc_url``
pattern). If the page itself cannot be rendered, a plain page still answers.
"""

import logging
import secrets
import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from .editor.counting import count_shown
from .extensions import db, limiter
from .help.topics import help_url
from .limits import causes
from .limits.causes import Blocked
from .limits.kept_page import keep_limit_page

log = logging.getLogger(__name__)

#: status → (help topic, title, explanation)
ERRORS = {
    400: (
        "bad-request",
        _l("The request could not be understood"),
        _l(
            "Your browser sent a request the site could not understand. "
            "Go back, reload the page and try again."
        ),
    ),
    403: (
        "form-expired",
        _l("The form has expired"),
        _l(
            "For your security, forms expire after a while, and they don't work if cookies "
            "are blocked. Reload the page and submit the form again."
        ),
    ),
    404: (
        "page-not-found",
        _l("Page not found"),
        _l(
            "There is no page at this address. "
            "It may have been mistyped, or the page may have moved."
        ),
    ),
    405: (
        "method-not-allowed",
        _l("This action is not possible here"),
        _l(
            "This page can't be opened this way (for example, from your browser history). "
            "Go back to the previous page and use the buttons on it."
        ),
    ),
    413: (
        "too-large",
        _l("What you sent is too large"),
        _l("The form you sent is larger than the site accepts. Shorten the text and try again."),
    ),
    429: (
        "too-many-requests",
        _l("Too many requests"),
        _l("Too many requests came from your connection. Wait a moment, then try again."),
    ),
    500: (
        "server-error",
        _l("Something went wrong on our side"),
        _l(
            "An unexpected error occurred. It wasn't caused by anything you did; "
            "try again in a moment."
        ),
    ),
    503: (
        "unavailable",
        _l("Service temporarily unavailable"),
        _l("The service is down for maintenance or overloaded. Try again in a few minutes."),
    ),
}


def wants_json() -> bool:
    """Tell whether the client prefers JSON to HTML; the guide's ``/api/`` always gets JSON."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, reference: str | None = None, **context):
    """Answer ``status`` with its page (or JSON), its reference and its help link."""
    topic, title, message = ERRORS[status]
    topic = context.pop("topic", topic)
    title = context.pop("title", title)
    message = context.pop("message", message)
    reference = reference or f"E{status}"
    link = help_url(topic)
    if wants_json():
        body = {"error": topic, "message": str(message), "help_url": link, "reference": reference}
        return jsonify(body), status
    count_shown(topic, reference, str(get_locale()))  # for the editors' report
    try:
        page = render_template(
            "errors/error.html",
            status=status,
            topic=topic,
            title=title,
            message=message,
            reference=reference,
            help_link=link,
            **context,
        )
    except Exception:  # the template failed: answer anyway, plainly
        log.exception("error page %s could not be rendered", status)
        page = (
            f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
            f"<p>{escape(message)}</p><p>{escape(gettext('Reference'))}: {escape(reference)}</p>"
            f'<p><a href="{escape(link)}">{escape(gettext("Read the help article"))}</a></p>'
        )
    return page, status


def _blocked(error):
    """The page of a refusal: its own cause (limits/causes.py), or a Flask-Limiter limit."""
    if isinstance(error, Blocked):
        keep_limit_page(error)
        reset, cause = error.reset_at, error.cause
        reference = cause.reference
        context = {"topic": cause.topic, "title": cause.title, "message": cause.message}
    else:
        limit = limiter.current_limit
        reset = limit.reset_at if limit else time.time() + 60
        cause, reference, context = None, "E429", {}
    seconds = max(int(reset - time.time()), 1)
    page, status = error_response(
        429,
        reference=reference,
        seconds=seconds,
        reset_at=int(reset),
        cause=cause,
        causes=causes,
        on_sign_in=request.endpoint == "auth.login",
        on_activation=request.endpoint == "auth.activate",
        **context,
    )
    # Said here, only when blocked: Flask-Limiter's own headers (RATELIMIT_HEADERS_ENABLED)
    # would cost a round trip to the limit storage on every limited request.
    return page, status, {"Retry-After": str(seconds)}


def _abandon_transaction() -> None:
    """Roll back what the failed request left uncommitted (it is lost at teardown anyway):
    on SQLite its write lock would hold the 500 page's count (another connection) waiting."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("could not roll back after an incident", exc_info=True)


def init_app(app: Flask) -> None:
    """Register a handler for every HTTP error and for unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(403, reference="E403-CSRF")

    @app.errorhandler(429)
    def _too_many(error):
        return _blocked(error)

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code in ERRORS:
            # A lower layer names its refusal (security/hosts.py: E400-HOST); shown here.
            return error_response(error.code, reference=getattr(error, "reference", None))
        return error

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return _http(error)
        incident = secrets.token_hex(3).upper()
        current_app.logger.exception("incident %s", incident, exc_info=error)
        _abandon_transaction()
        return error_response(500, reference=f"E500-{incident}")

    @app.errorhandler(InternalServerError)
    def _internal(error):
        return _unexpected(error.original_exception or error)
