"""What every template may use: the language, help links, the guide's address."""

from functools import cache

from babel import Locale
from flask import Flask, render_template, request
from flask_babel import get_locale

from .help.topics import help_url


@cache
def language_name(code: str) -> str:
    """The language's name in that language (Français, English, العربية), from Babel's CLDR data.

    Adding a language to ``LANGUAGES`` is enough: nobody has to spell its name.
    """
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def text_direction(code: str) -> str:
    """``rtl`` for a language written right to left (ar, he, fa …), else ``ltr``."""
    return Locale.parse(code).text_direction


def render_form(template: str, form, **context):
    """Render a form page: 422 when the form was sent with errors, so clients can tell."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def init_app(app: Flask) -> None:
    """Register the template globals."""

    @app.context_processor
    def _globals():
        locale = str(get_locale())
        return {
            "locale": locale,
            "direction": text_direction(locale),
            "languages": [(code, language_name(code)) for code in app.config["LANGUAGES"]],
            "help_url": help_url,
            "guide_url": "/help/" if locale == app.config["LANGUAGES"][0] else f"/help/{locale}/",
            "current_path": request.full_path.rstrip("?") if request else "/",
            "support_email": app.config["SUPPORT_EMAIL"],
        }
