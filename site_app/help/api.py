"""Small same-origin JSON endpoints used by the static guide.

The guide's pages are static files without a CSRF token, so writes are
protected otherwise: only JSON bodies are accepted (a cross-site form cannot
send them without a CORS preflight, which we never allow) and the browser's
``Origin`` / ``Sec-Fetch-Site`` must say the request comes from this site.
"""

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, make_response, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, Forbidden

from ..errors import error_response
from ..extensions import csrf, limiter
from ..forms import UNSTORABLE_TEXT, storable
from ..i18n import supported
from .feedback import record_failed_search, record_vote

bp = Blueprint("api", __name__, url_prefix="/api")
VOTER_COOKIE = "voter"
# Every write here is same-origin JSON (checked below), not a form with a CSRF token.
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["FEEDBACK_PER_IP"], methods=["POST"])(bp)


@bp.before_request
def _same_origin_json() -> None:
    """Refuse a write that is not JSON sent by a page of this site."""
    if request.method != "POST":
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        raise Forbidden()
    origin = request.headers.get("Origin")
    if origin is None and fetch_site is None:
        raise Forbidden()  # neither header: not a browser we can vouch for
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise Forbidden()
    if not request.is_json:
        raise BadRequest()


def _payload() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested thousands deep: ``silent`` covers only ValueError
        raise BadRequest() from None
    if not isinstance(data, dict):
        raise BadRequest()
    if not all(storable(text) for text in _strings(data)):
        abort(make_response(error_response(400, "E400-TEXT", message=UNSTORABLE_TEXT)))
    return data


def _strings(value):
    """Every string of a JSON value, keys included (with a stack: no recursion limit)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _text(data: dict, key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest()
    return value.strip()[:limit] or None


@bp.route("/session")
def session_state():
    """What the guide's header needs: signed in or not. No personal data."""
    response = jsonify(signed_in=current_user.is_authenticated)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/feedback", methods=["POST"])
def feedback():
    """« Cette page vous a-t-elle aidé ? »: one vote per browser, page and language."""
    data = _payload()
    page = _text(data, "page", 255)
    lang = supported(_text(data, "lang", 8))
    helpful = data.get("helpful")
    if (
        not page
        or not page.startswith("/help/")
        or lang is None
        or helpful not in (0, 1, True, False)
    ):
        raise BadRequest()
    voter = request.cookies.get(VOTER_COOKIE) or secrets.token_urlsafe(16)
    record_vote(page, lang, voter[:64], bool(helpful), _text(data, "comment", 1000))
    response = jsonify(ok=True)
    response.set_cookie(
        VOTER_COOKIE,
        voter,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Strict",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/search-miss", methods=["POST"])
def search_miss():
    """A search in the guide found nothing: tell the editors."""
    data = _payload()
    query = _text(data, "query", 200)
    lang = supported(_text(data, "lang", 8))
    if not query or lang is None:
        raise BadRequest()
    record_failed_search(query, lang)
    return jsonify(ok=True)
