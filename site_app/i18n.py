"""Which language a page is shown in, and how the choice is kept.

Order: ``?lang=`` in the address, the ``lang`` cookie (shared with the guide),
``Accept-Language``, then the default (French).
"""

from flask import Flask, current_app, g, request


def supported(code: str | None) -> str | None:
    """Return ``code`` if the site offers it, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if "locale" in g:
        return g.locale
    chosen = supported(request.args.get("lang"))
    if chosen:
        g.remember_locale = chosen
    else:
        chosen = supported(request.cookies.get(current_app.config["LANGUAGE_COOKIE"]))
    if not chosen:
        chosen = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    g.locale = chosen or current_app.config["BABEL_DEFAULT_LOCALE"]
    return g.locale


def remember_locale(response, locale: str):
    """Keep ``locale`` for a year in the cookie the app and the guide's 404 page read.

    No script reads it, so it is HttpOnly: the guide's switch sets it through
    ``/language/<code>`` (``docs/javascripts/lang-cookie.js``). Secure on an https site.
    """
    config = current_app.config
    response.set_cookie(
        config["LANGUAGE_COOKIE"],
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(config["SESSION_COOKIE_SECURE"])
        or (config["PUBLIC_URL"] or "").startswith("https://"),
    )
    return response


def init_app(app: Flask) -> None:
    """Save a language picked with ``?lang=`` in the cookie."""

    @app.after_request
    def _keep_language(response):
        locale = g.get("remember_locale")
        if locale:
            remember_locale(response, locale)
        return response
