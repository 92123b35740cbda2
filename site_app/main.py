"""The home page and the language switch (point 1)."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from . import accounts
from .i18n import remember_locale, supported
from .safety import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language/<code>")
def set_language(code):
    """Switch language (point 1): kept in a cookie, and on the account for its mails."""
    locale = supported(code)
    if locale is None:
        abort(404)
    if current_user.is_authenticated:
        accounts.set_locale(current_user, locale)
    response = redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return remember_locale(response, locale)
