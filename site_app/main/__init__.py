"""The home page, the language switch (point 1), and the icon and robots.txt browsers and
search engines ask for."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from ..accounts import rules as accounts
from ..i18n import remember_locale, supported
from ..security.hosts import public_base_url
from ..security.safety import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language/<code>", methods=["GET", "POST"])
def set_language(code):
    """Switch language (point 1): the pages' language is kept in a cookie; a POST (its CSRF
    token checked like every POST's) also changes the language of the account's mails.

    A GET never changes anything stored: a link or an image on another site can make a
    browser open this address, and the owner's mails must not change language for it.
    Signed in, the switch is a form (``base.html``); the guide's switch and signed-out
    pages use the GET.
    """
    locale = supported(code)
    if locale is None:
        abort(404)
    if request.method == "POST" and current_user.is_authenticated:
        accounts.set_locale(current_user, locale)
    target = _without_language(safe_next(request.args.get("next")))
    response = redirect(target or url_for("main.index"))
    return remember_locale(response, locale)


def _without_language(target: str | None) -> str | None:
    """``target`` without its ``lang=`` parameters, which would undo the reader's choice.

    The guide links to the app with ``?lang=`` (``/signup?lang=fr``); sent back
    there after choosing English, the reader would get French again. The page
    reached after signing in (``/login?next=/account?lang=fr``) is cleaned too.
    """
    if not target:
        return target
    parts = urlsplit(target)
    query = [
        (key, _without_language(value) if key == "next" else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != "lang"
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.route("/favicon.ico")
def favicon():
    """The site's icon, for browsers that ask for it without reading the page."""
    return send_from_directory(current_app.static_folder, "favicon.svg", max_age=86400)


@bp.route("/robots.txt")
def robots():
    """Where search engines find the guide's sitemaps (one per language, with its translations)."""
    base = public_base_url()
    languages = current_app.config["LANGUAGES"]
    lines = ["User-agent: *", "Disallow: /api/", "Disallow: /dev/", ""]
    lines += [
        f"Sitemap: {base}/help/{'' if code == languages[0] else code + '/'}sitemap.xml"
        for code in languages
    ]
    return "\n".join(lines) + "\n", {"Content-Type": "text/plain; charset=utf-8"}
