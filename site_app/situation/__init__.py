"""Help that knows the reader's own situation (issue 23).

A guide article about a situation this browser is in — its sign-up's mail queued, sent or
refused, its connection or its requests blocked, a link it opened that expired — says so,
for this browser only: ``GET /api/situation`` answers from its session alone (a mail
receipt, a limit page, a link page it was shown; :mod:`.record`), never from an address
typed in, and never from anything other people can change. The guide's script
(``docs/javascripts/situation.js``) fills the article's ``[data-situation]`` elements.

Every response also keeps the ``help_situation`` cookie (readable by script, holding only
which kinds of situation the session has: ``mail``, ``block``, ``link``): the guide's
pages read it before their first paint and keep room for the element the script fills,
so the page does not move.
"""

import re

from flask import Blueprint, Flask, current_app, jsonify, request, session
from flask_babel import force_locale
from werkzeug.exceptions import BadRequest

from ..extensions import csrf, limiter
from ..i18n import supported
from . import record
from .explain import situation

__all__ = ["bp", "init_app"]

bp = Blueprint("situation", __name__, url_prefix="/api")
HINT_COOKIE = "help_situation"
#: A paragraph of the guide as its search index names it: ``troubleshooting/#check-spam``.
GUIDE_LOCATION = re.compile(r"[A-Za-z0-9_.-][A-Za-z0-9_./-]*(#[A-Za-z0-9_-]+)?")
# Its one write is same-origin JSON, checked as the guide's API checks its own.
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["FEEDBACK_PER_IP"], methods=["POST"])(bp)


@bp.before_request
def _same_origin_json():
    from ..help.api import _same_origin_json as check

    return check()


@bp.route("/contact/answered", methods=["POST"])
def contact_answered():
    """"This answered my question" on the contact page: count it (same-origin JSON only,
    like the guide's votes; no address, no text)."""
    from ..contact.messages import CONTACT_TOPICS
    from ..editor.counting import count_answered
    from ..help.api import _payload, _text
    from ..help.topics import resolve
    from .suggestions import record_answered

    data = _payload()
    page = _text(data, "page", 255)
    lang = supported(_text(data, "lang", 8))
    topic = _text(data, "topic", 40) or "other"
    if not page or not GUIDE_LOCATION.fullmatch(page) or lang is None:
        raise BadRequest()
    if topic not in CONTACT_TOPICS:
        raise BadRequest()
    record_answered(page, topic, lang)
    anchor = page.partition("#")[2]
    if anchor and resolve(anchor, lang) is not None:  # a help topic: the editors' report
        count_answered(anchor, lang)
    return jsonify(ok=True)


@bp.route("/situation")
def current():
    """This browser's situation, in the language of the guide page that asks (``?in=``:
    not ``?lang=``, which would change the reader's chosen language). Never cached."""
    locale = supported(request.args.get("in")) or current_app.config["LANGUAGES"][0]
    with force_locale(locale):
        response = jsonify(situation())
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the endpoint; remember the limit pages this browser is shown; keep the hint."""
    from . import receipts, resets  # noqa: F401 - resets registers its deferred job
    from .suggestions import guide_search

    app.register_blueprint(bp)
    listeners = app.extensions.setdefault("outbox_listeners", [])
    listeners.append(receipts.OutboxListener())

    app.jinja_env.globals["guide_search"] = guide_search

    @app.after_request
    def _remember_and_hint(response):
        if response.status_code == 429 and "limit_page" in session:
            _endpoint, cause, reset_at, _shown_until = session["limit_page"]
            record.remember_block(cause, reset_at)
        hint = ".".join(record.families()) if session else ""
        if hint != request.cookies.get(HINT_COOKIE, ""):
            if hint:
                response.set_cookie(
                    HINT_COOKIE,
                    hint,
                    max_age=2 * 24 * 3600,
                    secure=app.config["SESSION_COOKIE_SECURE"],
                    samesite="Lax",
                )
            else:
                response.delete_cookie(HINT_COOKIE)
        return response
