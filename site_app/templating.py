"""What every template may use: the language, help links, the guide's address."""

from flask import Flask, render_template, request
from flask_babel import get_locale

from .help.topics import help_url

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


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
            "languages": [
                (code, LANGUAGE_NAMES.get(code, code)) for code in app.config["LANGUAGES"]
            ],
            "help_url": help_url,
            "guide_url": "/help/" if locale == app.config["LANGUAGES"][0] else f"/help/{locale}/",
            "current_path": request.full_path.rstrip("?") if request else "/",
            "support_email": app.config["SUPPORT_EMAIL"],
        }
